/*
 * api_network: the network this node belongs to, its members, and board acts: what the
 * board's tools read to prepare an act, and where a signed act is handed in.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "session.h"
#include "sync.h"
#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

static int require_network(struct call *c)
{
    if (c->node->roster) return 0;
    api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
             "this node has not joined a network; join one with: ekonet join BUNDLE");
    return -1;
}

void api_network(struct call *c)
{
    struct node *n = c->node;
    Ekonet__NetworkReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__network_reply__init(r);
    r->network_id = api_bin(&c->arena, n->cfg->network, ID_SIZE);
    r->joined = n->roster != NULL;
    if (n->roster) {
        const struct roster *ro = n->roster;
        struct feed_head h;
        if (store_head(n->store, ro->network, &h) < 0)
            return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                            store_errmsg(n->store));
        r->name = arena_strdup(&c->arena, ro->name);
        r->has_threshold = 1;
        r->threshold = ro->threshold;
        r->board_keys = arena_alloc(&c->arena, (ro->nboard + 1) * sizeof *r->board_keys);
        if (!r->board_keys)
            return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        for (size_t i = 0; i < ro->nboard; i++)
            r->board_keys[r->n_board_keys++] = api_bin(&c->arena, ro->board[i], KEY_SIZE);
        r->has_board_seq = r->has_board_head = 1;
        r->board_seq = h.seq;
        r->board_head = api_bin(&c->arena, h.id, ID_SIZE);
        sqlite3_stmt *st = store_stmt(n->store, "SELECT revision FROM catalogue_in_force");
        if (st && sqlite3_step(st) == SQLITE_ROW)
            r->catalogue_revision =
                arena_strdup(&c->arena, (const char *)sqlite3_column_text(st, 0));
        if (st) sqlite3_reset(st);
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_NETWORK;
    c->reply.network = r;
}

static void log_board_act(const struct entry *e)
{
    char id[ID_HEX];
    elog(ELOG_INFO, "board act", "kind=%s seq=%llu id=%s", entry_kind_str(e->kind),
         (unsigned long long)e->seq, hex_encode(id, e->id, ID_SIZE));
}

void api_publish_entry(struct call *c, const Ekonet__PublishEntryRequest *req)
{
    struct node *n = c->node;
    struct entry *e = NULL;
    if (require_network(c) < 0) return;
    int rc =
        entry_decode(req->entry.data, req->entry.len, entry_max_encoded(n->cfg->max_content), &e);
    if (rc != ENTRY_OK)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "the entry was refused: %s",
                        entry_status_str(rc));
    if (memcmp(e->author, n->roster->network, ID_SIZE) != 0) {
        int other = memcmp(e->network, n->roster->network, ID_SIZE) != 0;
        entry_destroy(&e);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        other ? "this board act belongs to another network"
                              : "only board acts can be handed in this way");
    }
    /* A proposal prepared against an older head would fork the board feed: refuse it early. */
    struct feed_head h;
    if (store_head(n->store, e->author, &h) < 0) {
        entry_destroy(&e);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store");
    }
    if (e->seq != h.seq + 1) {
        uint64_t seq = e->seq;
        entry_destroy(&e);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        "this proposal continues the board feed at seq %llu, but the board feed "
                        "is at seq %llu: prepare it again",
                        (unsigned long long)seq, (unsigned long long)h.seq);
    }
    struct errbuf why = {""}, err = {""};
    int status;
    int accepted = feed_accept(&n->feeds, &e, 1, &status, &why, &err);
    if (accepted < 0) {
        node_error(n, "board act not stored: %s", err.msg);
        entry_destroy(&e);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "the node could not store it: %s",
                        err.msg);
    }
    if (status != ENTRY_OK) {
        entry_destroy(&e);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "the board act was refused: %s",
                        why.msg);
    }
    log_board_act(e);
    sync_accepted(n, &e, &status, 1);
    node_roster_changed(n);
    sync_roster_changed(n);
    Ekonet__PublishReply *r = arena_alloc(&c->arena, sizeof *r);
    if (r) {
        ekonet__publish_reply__init(r);
        r->id = api_bin(&c->arena, e->id, ID_SIZE);
        r->has_id = r->has_seq = r->has_timestamp_ms = 1;
        r->seq = e->seq;
        r->timestamp_ms = e->timestamp_ms;
        c->reply.result_case = EKONET__API_REPLY__RESULT_PUBLISH;
        c->reply.publish = r;
    }
    entry_destroy(&e);
    if (!r) api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
}

struct members_ctx {
    struct call *call;
    Ekonet__MemberListReply *reply;
    size_t cap;
    int oom, failed;
};

/* The keys the member had before its current one. 0 or -1 (out of memory). */
static int add_former(struct arena *a, Ekonet__MemberInfo *i, const struct member_row *row)
{
    i->has_former_total = row->former_total > 0;
    i->former_total = (uint32_t)row->former_total;
    if (!row->nformer) return 0;
    i->former_keys = arena_alloc(a, row->nformer * sizeof *i->former_keys);
    if (!i->former_keys) return -1;
    for (size_t k = 0; k < row->nformer; k++) {
        Ekonet__FormerKey *f = arena_alloc(a, sizeof *f);
        if (!f) return -1;
        ekonet__former_key__init(f);
        f->key = api_bin(a, row->former[k].key, KEY_SIZE);
        f->last_seq = row->former[k].last_seq;
        f->replaced_ms = row->former[k].replaced_ms;
        f->reason = (char *)succession_reason_str(row->former[k].succession);
        i->former_keys[i->n_former_keys++] = f;
    }
    return 0;
}

static void member_row(void *ctx, const struct member_row *row)
{
    struct members_ctx *m = ctx;
    struct arena *a = &m->call->arena;
    if (m->reply->n_members == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        Ekonet__MemberInfo **v = arena_alloc(a, cap * sizeof *v);
        if (!v) {
            m->oom = 1;
            return;
        }
        if (m->cap) memcpy(v, m->reply->members, m->cap * sizeof *v);
        m->reply->members = v;
        m->cap = cap;
    }
    Ekonet__MemberInfo *i = arena_alloc(a, sizeof *i);
    if (!i) {
        m->oom = 1;
        return;
    }
    ekonet__member_info__init(i);
    i->key = api_bin(a, row->key, KEY_SIZE);
    i->name = arena_strdup(a, row->name);
    i->code = arena_strdup(a, row->code);
    i->kind = (Ekonet__MemberKind)row->kind;
    i->status = row->status == MEMBER_ADMITTED ? "admitted" : "revoked";
    i->admitted_ms = row->admitted_ms;
    i->admitted_seq = row->admitted_seq;
    i->decision = arena_strdup(a, row->decision);
    i->head_seq = row->head_seq;
    if (row->status == MEMBER_REVOKED) {
        i->has_revoked_ms = i->has_last_seq = 1;
        i->revoked_ms = row->revoked_ms;
        i->last_seq = row->last_seq;
        i->reason = arena_strdup(a, row->reason);
    }
    if (add_former(a, i, row) < 0) m->oom = 1;
    /* Who to ask, and where its node is: the profile in force, else the application. */
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    if (profile_effective(m->call->node->store, row->key, &info, &p) < 0) m->failed = 1;
    if (p) {
        Ekonet__Profile *copy = api_copy_profile(a, p);
        ekonet__profile__free_unpacked(p, NULL);
        if (!copy) {
            m->oom = 1;
        } else {
            i->politician = copy->politician;
            i->official = copy->official;
            i->n_endpoints = copy->n_endpoints;
            i->endpoints = copy->endpoints;
            if (copy->n_endpoints) i->endpoint = copy->endpoints[0];
        }
        i->has_profile_seq = info.source == PROFILE_PUBLISHED;
        i->profile_seq = info.seq;
    }
    if (!i->name || !i->code || !i->decision) m->oom = 1;
    m->reply->members[m->reply->n_members++] = i;
}

void api_member_list(struct call *c)
{
    if (require_network(c) < 0) return;
    Ekonet__MemberListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__member_list_reply__init(r);
    struct members_ctx m = {c, r, 0, 0, 0};
    if (roster_list(c->node->store, member_row, &m) < 0 || m.failed)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the members: %s",
                        store_errmsg(c->node->store));
    if (m.oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_MEMBER_LIST;
    c->reply.member_list = r;
}

void api_board_feed(struct call *c)
{
    struct node *n = c->node;
    if (require_network(c) < 0) return;
    struct feed_head h;
    if (store_head(n->store, n->roster->network, &h) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store");
    Ekonet__BoardFeedReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__board_feed_reply__init(r);
    r->entries = arena_alloc(&c->arena, (h.seq + 1) * sizeof *r->entries);
    if (!r->entries) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    for (uint64_t seq = 1; seq <= h.seq; seq++) {
        struct entry *e;
        uint8_t *buf;
        size_t len;
        if (store_get_seq(n->store, n->roster->network, seq, &e) != 1)
            return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "board entry %llu is missing",
                            (unsigned long long)seq);
        int rc = entry_encode(e, 1, &buf, &len);
        entry_destroy(&e);
        if (rc < 0 || !arena_keep(&c->arena, buf))
            return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        r->entries[r->n_entries++] = (ProtobufCBinaryData){len, buf};
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_BOARD_FEED;
    c->reply.board_feed = r;
}

void api_peer_list(struct call *c)
{
    struct node *n = c->node;
    static const char *const states[] = {"connecting", "hello", "live"};
    Ekonet__PeerListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__peer_list_reply__init(r);
    r->peers = arena_alloc(&c->arena, (n->nsessions + 1) * sizeof *r->peers);
    if (!r->peers) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    for (struct session *s = n->sessions; s; s = s->next) {
        Ekonet__PeerInfo *p = arena_alloc(&c->arena, sizeof *p);
        if (!p) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        ekonet__peer_info__init(p);
        p->node_id = api_bin(&c->arena, s->key, KEY_SIZE);
        const char *name = node_member_name(n, s->key);
        if (name) p->name = arena_strdup(&c->arena, name);
        p->endpoint = arena_strdup(&c->arena, s->endpoint);
        p->direction = s->outbound ? "out" : "in";
        p->state = (char *)states[s->state];
        p->behind = sync_behind(n, s);
        p->last_seen_ms = s->last_recv_ms;
        p->since_ms = s->opened_ms;
        p->entries_in = s->entries_in;
        p->entries_out = s->entries_out;
        p->refused = s->refused;
        p->has_lazy = 1;
        p->lazy = s->lazy != 0;
        r->peers[r->n_peers++] = p;
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_PEER_LIST;
    c->reply.peer_list = r;
}
