/* api_own: this node's own feed: publishes kept as pending and the confirmation of its head
   (own.h). */
#include <string.h>

#include "api.h"
#include "content.pb-c.h"
#include "ekonet/frontier.h"
#include "ekonet/pending.h"
#include "own.h"
#include "wire.pb-c.h"

#define WAITS_MAX 400

struct listing {
    struct call *c;
    Ekonet__PendingReply *r;
    size_t cap;
    int64_t only;
    int failed;
};

/* A report's or an event's title, for a list; NULL for other kinds. */
static char *title_of(struct arena *a, uint32_t kind, const uint8_t *content, size_t len)
{
    ProtobufCAllocator alloc = arena_allocator(a);
    if (kind == EKONET__ENTRY_KIND__KIND_REPORT) {
        Ekonet__Report *r = ekonet__report__unpack(&alloc, len, content);
        return r ? r->title : NULL;
    }
    if (kind == EKONET__ENTRY_KIND__KIND_EVENT) {
        Ekonet__Event *e = ekonet__event__unpack(&alloc, len, content);
        return e ? e->title : NULL;
    }
    return NULL;
}

static const char *const state_names[] = {"waiting", "signed", "refused"};

static int add_item(void *ctx, const struct pending_row *row)
{
    struct listing *l = ctx;
    struct arena *a = &l->c->arena;
    if (l->only && row->n != l->only) return 0;
    Ekonet__PendingItem *it = arena_alloc(a, sizeof *it);
    if (!it || l->r->n_items == l->cap) {
        l->failed = !it;
        return 1;
    }
    ekonet__pending_item__init(it);
    it->n = (uint64_t)row->n;
    it->kind = row->kind;
    it->created_ms = row->created_ms;
    it->state = (char *)state_names[row->state];
    it->title = title_of(a, row->kind, row->content, row->content_len);
    if (row->state != PENDING_WAITING) {
        it->has_done_ms = 1;
        it->done_ms = row->done_ms;
    }
    if (row->state == PENDING_SIGNED) {
        it->has_id = it->has_seq = 1;
        it->id = api_bin(a, row->id, ID_SIZE);
        it->seq = row->seq;
    }
    if (row->state == PENDING_REFUSED) it->why = arena_strdup(a, row->why);
    l->r->items[l->r->n_items++] = it;
    return 0;
}

void api_pending(struct call *c, const Ekonet__PendingRequest *req)
{
    struct node *n = c->node;
    if (req->has_confirm && req->confirm && own_confirm_by_operator(n) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL,
                        "the node could not sign what is pending: %s", store_errmsg(n->store));
    Ekonet__PendingReply *r = arena_alloc(&c->arena, sizeof *r);
    struct listing l = {c, r, PENDING_MAX + 64, req->has_n ? (int64_t)req->n : 0, 0};
    char waits[WAITS_MAX];
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__pending_reply__init(r);
    if (!(r->items = arena_alloc(&c->arena, l.cap * sizeof *r->items)))
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    if (pending_each(n->store, 0, add_item, &l) < 0 || l.failed)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(n->store));
    if (l.only && r->n_items == 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "no publish %lld in the pending list (done ones are kept 7 days)",
                        (long long)l.only);
    r->confirmed = own_confirmed(n);
    r->restored = own_restored(n);
    r->own_seq = frontier_get(n->ours, n->key.pub);
    if (!r->confirmed)
        r->waits_for = arena_strdup(&c->arena, own_waits_for(n, waits, sizeof waits));
    uint64_t when;
    const char *by = own_confirmed_by(n, &when);
    if (r->confirmed) {
        r->confirmed_by = arena_strdup(&c->arena, by);
        r->has_confirmed_ms = 1;
        r->confirmed_ms = when;
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_PENDING;
    c->reply.pending = r;
}
