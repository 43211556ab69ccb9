/*
 * api: the local API on ipc://<data_dir>/api.sock. Each request is one frame holding an
 * ApiRequest (proto/api.proto); the reply is one ApiReply frame. Requests are untrusted
 * bytes like any other: an oversized, undecodable or incomplete request gets an error reply
 * and is counted, and the node carries on.
 *
 * Reply messages point into memory that lives until the reply is packed and sent; each
 * request gets an arena that holds those allocations and is freed in one go (api_reply.c).
 * Requests go to their handlers through one table (requests[]): a new request is one line
 * there and one adapter above it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zmq.h>

#include "api.h"
#include "own.h"
#include "session.h"
#include "ekonet/contacts.h"
#include "ekonet/frontier.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/pending.h"
#include "ekonet/roster.h"
#include "ekonet/version.h"

#define API_BURST 16

struct revocation {
    struct call *c;
    Ekonet__StatusReply *s;
};

/* The revocation of this node's member, if it is one: the act's date and reason. */
static void own_revocation(void *ctx, const struct member_row *r)
{
    struct revocation *v = ctx;
    struct node *n = v->c->node;
    if (r->status != MEMBER_REVOKED || memcmp(r->key, n->key.pub, KEY_SIZE) != 0) return;
    v->s->has_revoked_ms = 1;
    v->s->revoked_ms = r->revoked_ms;
    v->s->revoked_reason = arena_strdup(&v->c->arena, r->reason ? r->reason : "");
}

void api_status(struct call *c)
{
    struct node *n = c->node;
    Ekonet__StatusReply *s = arena_alloc(&c->arena, sizeof *s);
    struct feed_head own;
    if (!s) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__status_reply__init(s);
    s->node_id = api_bin(&c->arena, n->key.pub, KEY_SIZE);
    s->name = (char *)n->cfg->name;
    s->code = (char *)n->cfg->code;
    s->network_id = api_bin(&c->arena, n->cfg->network, ID_SIZE);
    s->version = EKONET_VERSION;
    s->started_ms = n->started_ms;
    s->uptime_s = (node_now_ms() - n->started_ms) / 1000;
    s->listen = (char *)n->cfg->listen;
    if (store_counts(n->store, &s->entries, &s->feeds) < 0 ||
        store_head(n->store, n->key.pub, &own) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(n->store));
    s->own_seq = own.seq;
    char waits[400];
    s->has_head_confirmed = s->has_pending = s->has_own_fork_seq = 1;
    s->head_confirmed = own_confirmed(n);
    int64_t pending = pending_waiting(n->store);
    s->pending = pending > 0 ? (uint64_t)pending : 0;
    s->own_fork_seq = own.fork_seq;
    if (!s->head_confirmed)
        s->waits_for = arena_strdup(&c->arena, own_waits_for(n, waits, sizeof waits));
    s->db_bytes = store_bytes(n->store);
    unsigned all, live, outbound;
    session_counts(n, &all, &live, &outbound);
    s->sessions = all;
    s->sessions_live = live;
    s->forks = frontier_count(n->forked); /* quarantined, whenever proven */
    for (int i = 1; i < ENTRY_STATUS_COUNT; i++)
        if (i != ENTRY_DUPLICATE) s->entries_refused += n->feeds.refused[i];
    struct contacts_counts cc;
    if (contacts_counts(n->store, &cc) == 0) {
        s->outbox_pending = cc.outbox_pending;
        s->inbox_new = cc.inbox_new;
        s->relay_held = cc.held;
        s->relay_bytes = cc.held_bytes;
    }
    for (int i = 1; i < ENV_STATUS_COUNT; i++) s->envelopes_refused += n->courier.refused[i];
    s->relay_full = n->courier.relay_full;
    s->handshakes_refused = n->stats.handshakes_refused;
    s->api_errors = n->stats.api_errors;
    s->peer_messages = n->stats.peer_messages;
    s->joined = n->roster != NULL;
    if (n->roster) {
        s->network_name = n->roster->name;
        s->members = (uint32_t)(n->roster->nmembers - n->roster->nrevoked);
    }
    s->member = !n->roster || roster_may_author(n->roster, n->key.pub, own.seq + 1) == ENTRY_OK;
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    struct revocation v = {c, s};
    if (me && me->status == MEMBER_REVOKED && roster_list(n->store, own_revocation, &v) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the roster: %s",
                        store_errmsg(n->store));
    s->n_last_errors = (size_t)n->last_error_count;
    s->last_errors = arena_alloc(&c->arena, NODE_LAST_ERRORS * sizeof(char *));
    if (!s->last_errors) s->n_last_errors = 0;
    for (int i = 0; i < (int)s->n_last_errors; i++) {
        int at = (n->last_error_pos - 1 - i + 2 * NODE_LAST_ERRORS) % NODE_LAST_ERRORS;
        s->last_errors[i] = n->last_errors[at];
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_STATUS;
    c->reply.status = s;
}

/* Packs the reply into a new buffer, the caller's to free; NULL when out of memory. */
static uint8_t *pack_reply(struct call *c, size_t *len)
{
    *len = ekonet__api_reply__get_packed_size(&c->reply);
    uint8_t *out = malloc(*len ? *len : 1);
    if (out) ekonet__api_reply__pack(&c->reply, out);
    return out;
}

/*
 * The requests: each ApiRequest oneof case and the handler that answers it. The handlers take
 * the request's own message, so each has a one-line adapter made here.
 */
#define BARE(name, handler)                                                                        \
    static void do_##name(struct call *c, const Ekonet__ApiRequest *r)                             \
    {                                                                                              \
        (void)r;                                                                                   \
        handler(c);                                                                                \
    }
#define WITH(field, handler)                                                                       \
    static void do_##field(struct call *c, const Ekonet__ApiRequest *r)                            \
    {                                                                                              \
        handler(c, r->field);                                                                      \
    }
BARE(status, api_status)
WITH(publish, api_publish)
WITH(report_list, api_report_list)
WITH(report_get, api_report_get)
BARE(network, api_network)
WITH(publish_entry, api_publish_entry)
BARE(member_list, api_member_list)
BARE(board_feed, api_board_feed)
BARE(peer_list, api_peer_list)
WITH(event_list, api_event_list)
WITH(event_get, api_event_get)
BARE(catalogue, api_catalogue)
WITH(snapshot, api_snapshot)
WITH(trend, api_trend)
WITH(examples, api_examples)
WITH(across, api_across)
WITH(profile_get, api_profile_get)
WITH(contact_send, api_contact_send)
WITH(contact_list, api_contact_list)
WITH(contact_get, api_contact_get)
WITH(contact_reply, api_contact_reply)
BARE(network_status, api_network_status)
WITH(reach, api_reach)
WITH(pending, api_pending)
WITH(backup, api_backup)
BARE(key_rotate, api_key_rotate)
#undef BARE
#undef WITH

static const struct request {
    Ekonet__ApiRequest__OpCase op;
    void (*run)(struct call *c, const Ekonet__ApiRequest *r);
} requests[] = {
    {EKONET__API_REQUEST__OP_STATUS, do_status},
    {EKONET__API_REQUEST__OP_PUBLISH, do_publish},
    {EKONET__API_REQUEST__OP_REPORT_LIST, do_report_list},
    {EKONET__API_REQUEST__OP_REPORT_GET, do_report_get},
    {EKONET__API_REQUEST__OP_NETWORK, do_network},
    {EKONET__API_REQUEST__OP_PUBLISH_ENTRY, do_publish_entry},
    {EKONET__API_REQUEST__OP_MEMBER_LIST, do_member_list},
    {EKONET__API_REQUEST__OP_BOARD_FEED, do_board_feed},
    {EKONET__API_REQUEST__OP_PEER_LIST, do_peer_list},
    {EKONET__API_REQUEST__OP_EVENT_LIST, do_event_list},
    {EKONET__API_REQUEST__OP_EVENT_GET, do_event_get},
    {EKONET__API_REQUEST__OP_CATALOGUE, do_catalogue},
    {EKONET__API_REQUEST__OP_SNAPSHOT, do_snapshot},
    {EKONET__API_REQUEST__OP_TREND, do_trend},
    {EKONET__API_REQUEST__OP_EXAMPLES, do_examples},
    {EKONET__API_REQUEST__OP_ACROSS, do_across},
    {EKONET__API_REQUEST__OP_PROFILE_GET, do_profile_get},
    {EKONET__API_REQUEST__OP_CONTACT_SEND, do_contact_send},
    {EKONET__API_REQUEST__OP_CONTACT_LIST, do_contact_list},
    {EKONET__API_REQUEST__OP_CONTACT_GET, do_contact_get},
    {EKONET__API_REQUEST__OP_CONTACT_REPLY, do_contact_reply},
    {EKONET__API_REQUEST__OP_NETWORK_STATUS, do_network_status},
    {EKONET__API_REQUEST__OP_REACH, do_reach},
    {EKONET__API_REQUEST__OP_PENDING, do_pending},
    {EKONET__API_REQUEST__OP_BACKUP, do_backup},
    {EKONET__API_REQUEST__OP_KEY_ROTATE, do_key_rotate},
};

/* Carries out a decoded request: its handler fills c->reply. */
static void dispatch(struct call *c, const Ekonet__ApiRequest *req)
{
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (requests[i].op == req->op_case) return requests[i].run(c, req);
    api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "unknown request (from a newer ekonet?)");
}

/* Decodes one request, carries it out and returns the packed reply (the caller's). */
static uint8_t *answer(struct call *c, const uint8_t *data, size_t len, size_t *outlen)
{
    struct node *n = c->node;
    Ekonet__ApiRequest *req = NULL;
    if (len > n->cfg->max_api_request)
        api_fail(c, EKONET__API_ERROR_CODE__API_TOO_LARGE,
                 "request of %zu bytes is over the node's limit of %zu (max_api_request)", len,
                 n->cfg->max_api_request);
    else if (!(req = ekonet__api_request__unpack(NULL, len, data)))
        api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "the request does not decode");
    else
        dispatch(c, req);
    /* The reply may point into the request; pack it before the request is freed. */
    uint8_t *out = pack_reply(c, outlen);
    if (req) ekonet__api_request__free_unpacked(req, NULL);
    return out;
}

uint8_t *api_answer(struct node *n, const uint8_t *data, size_t len, int frames, size_t *outlen)
{
    struct call c = {.node = n};
    ekonet__api_reply__init(&c.reply);
    ekonet__api_error__init(&c.error);
    n->stats.api_requests++;
    uint8_t *out;
    if (frames != 1) {
        api_fail(&c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "a request is exactly one frame");
        out = pack_reply(&c, outlen);
    } else {
        out = answer(&c, data, len, outlen);
    }
    if (c.report) ekonet__report__free_unpacked(c.report, NULL);
    if (c.event) ekonet__event__free_unpacked(c.event, NULL);
    arena_free(&c.arena);
    return out;
}

void api_handle(struct node *n)
{
    for (int i = 0; i < API_BURST; i++) {
        zmq_msg_t rid, body;
        int frames = node_recv_routed(n->api, &rid, &body);
        if (frames < 0) {
            zmq_msg_close(&body);
            zmq_msg_close(&rid);
            return;
        }
        size_t outlen;
        uint8_t *out = api_answer(n, zmq_msg_data(&body), zmq_msg_size(&body), frames - 1, &outlen);
        if (out) {
            zmq_send(n->api, zmq_msg_data(&rid), zmq_msg_size(&rid), ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send(n->api, out, outlen, ZMQ_DONTWAIT);
        }
        free(out);
        zmq_msg_close(&body);
        zmq_msg_close(&rid);
    }
}
