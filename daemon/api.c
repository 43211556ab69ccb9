/*
 * api: the local API on ipc://<data_dir>/api.sock. Each request is one frame holding an
 * ApiRequest (proto/api.proto); the reply is one ApiReply frame. Requests are untrusted
 * bytes like any other: an oversized, undecodable or incomplete request gets an error reply
 * and is counted, and the node carries on.
 *
 * Reply messages point into memory that lives until the reply is packed and sent; each
 * request gets an arena that holds those allocations and is freed in one go.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zmq.h>

#include "api.h"
#include "session.h"
#include "ekonet/contacts.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/roster.h"
#include "ekonet/version.h"

#define API_BURST 16

void *arena_keep(struct arena *a, void *p)
{
    if (!p) return NULL;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void **np = realloc(a->ptrs, cap * sizeof *np);
        if (!np) {
            free(p);
            return NULL;
        }
        a->ptrs = np;
        a->cap = cap;
    }
    return a->ptrs[a->n++] = p;
}

void *arena_alloc(struct arena *a, size_t size)
{
    return arena_keep(a, calloc(1, size));
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_keep(a, strdup(s ? s : ""));
}

void *arena_bytes(struct arena *a, const void *p, size_t n)
{
    void *d = arena_alloc(a, n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static void *arena_pb_alloc(void *data, size_t size)
{
    return arena_alloc(data, size);
}

static void arena_pb_free(void *data, void *p)
{
    (void)data; /* the arena frees everything at once */
    (void)p;
}

ProtobufCAllocator arena_allocator(struct arena *a)
{
    return (ProtobufCAllocator){arena_pb_alloc, arena_pb_free, a};
}

void arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->ptrs[i]);
    free(a->ptrs);
}

void api_fail(struct call *c, Ekonet__ApiErrorCode code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->error.code = code;
    c->error.message = arena_strdup(&c->arena, msg);
    if (!c->error.message) c->error.message = "out of memory";
    c->reply.error = &c->error;
    c->reply.result_case = EKONET__API_REPLY__RESULT__NOT_SET;
    c->node->stats.api_errors++;
}

ProtobufCBinaryData api_bin(struct arena *a, const void *p, size_t n)
{
    ProtobufCBinaryData b = {n, arena_bytes(a, p, n)};
    if (!b.data) b.len = 0;
    return b;
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
    s->db_bytes = store_bytes(n->store);
    unsigned all, live, outbound;
    session_counts(n, &all, &live, &outbound);
    s->sessions = all;
    s->sessions_live = live;
    s->forks = n->feeds.forks;
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

/* Resolves a hex id or prefix; 0 and id filled, or -1 after replying with an error. */
int api_resolve(struct call *c, const char *text, uint8_t id[ID_SIZE])
{
    if (strlen(text) < 4 || !hex_is_prefix(text, 2 * ID_SIZE)) {
        api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST,
                 "\"%.70s\" is not an id: give at least 4 of its hex digits", text);
        return -1;
    }
    int rc = store_resolve(c->node->store, text, id);
    if (rc == 1) return 0;
    if (rc == 2)
        api_fail(c, EKONET__API_ERROR_CODE__API_AMBIGUOUS,
                 "id prefix %s matches more than one entry; give more digits", text);
    else if (rc == 0)
        api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "no entry with id %s", text);
    else
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                 store_errmsg(c->node->store));
    return -1;
}

/* Packs the reply into a new buffer, the caller's to free; NULL when out of memory. */
static uint8_t *pack_reply(struct call *c, size_t *len)
{
    *len = ekonet__api_reply__get_packed_size(&c->reply);
    uint8_t *out = malloc(*len ? *len : 1);
    if (out) ekonet__api_reply__pack(&c->reply, out);
    return out;
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
    else if (req->op_case == EKONET__API_REQUEST__OP_STATUS)
        api_status(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_PUBLISH)
        api_publish(c, req->publish);
    else if (req->op_case == EKONET__API_REQUEST__OP_REPORT_LIST)
        api_report_list(c, req->report_list);
    else if (req->op_case == EKONET__API_REQUEST__OP_REPORT_GET)
        api_report_get(c, req->report_get);
    else if (req->op_case == EKONET__API_REQUEST__OP_NETWORK)
        api_network(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_PUBLISH_ENTRY)
        api_publish_entry(c, req->publish_entry);
    else if (req->op_case == EKONET__API_REQUEST__OP_MEMBER_LIST)
        api_member_list(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_BOARD_FEED)
        api_board_feed(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_PEER_LIST)
        api_peer_list(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_EVENT_LIST)
        api_event_list(c, req->event_list);
    else if (req->op_case == EKONET__API_REQUEST__OP_EVENT_GET)
        api_event_get(c, req->event_get);
    else if (req->op_case == EKONET__API_REQUEST__OP_CATALOGUE)
        api_catalogue(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_SNAPSHOT)
        api_snapshot(c, req->snapshot);
    else if (req->op_case == EKONET__API_REQUEST__OP_TREND)
        api_trend(c, req->trend);
    else if (req->op_case == EKONET__API_REQUEST__OP_EXAMPLES)
        api_examples(c, req->examples);
    else if (req->op_case == EKONET__API_REQUEST__OP_PROFILE_GET)
        api_profile_get(c, req->profile_get);
    else if (req->op_case == EKONET__API_REQUEST__OP_CONTACT_SEND)
        api_contact_send(c, req->contact_send);
    else if (req->op_case == EKONET__API_REQUEST__OP_CONTACT_LIST)
        api_contact_list(c, req->contact_list);
    else if (req->op_case == EKONET__API_REQUEST__OP_CONTACT_GET)
        api_contact_get(c, req->contact_get);
    else if (req->op_case == EKONET__API_REQUEST__OP_CONTACT_REPLY)
        api_contact_reply(c, req->contact_reply);
    else if (req->op_case == EKONET__API_REQUEST__OP_NETWORK_STATUS)
        api_network_status(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_REACH)
        api_reach(c, req->reach);
    else
        api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST,
                 "unknown request (from a newer ekonet?)");
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

void api_split_lines(struct call *c, const char *text, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text) return;
    char *t = arena_strdup(&c->arena, text);
    size_t cnt = 1;
    for (const char *p = text; *p; p++) cnt += *p == '\n';
    *out = arena_alloc(&c->arena, cnt * sizeof(char *));
    if (!t || !*out) return;
    char *save = NULL;
    for (char *tok = strtok_r(t, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
        (*out)[(*n)++] = tok;
}

/* Finds a member by code, node id prefix or name in the roster (or this node, alone). */
int api_member(struct call *c, const char *text, uint8_t key[KEY_SIZE])
{
    const struct node *n = c->node;
    size_t len = strlen(text), found = 0;
    int hex = len >= 8 && hex_is_prefix(text, 2 * KEY_SIZE);
    char id[ID_HEX];
    if (!n->roster) {
        hex_encode(id, n->key.pub, KEY_SIZE);
        if (strcmp(text, n->cfg->code) == 0 || strcasecmp(text, n->cfg->name) == 0 ||
            (hex && strncasecmp(id, text, len) == 0)) {
            memcpy(key, n->key.pub, KEY_SIZE);
            return 0;
        }
    }
    for (size_t i = 0; n->roster && i < n->roster->nmembers; i++) {
        const struct member *m = &n->roster->members[i];
        hex_encode(id, m->key, KEY_SIZE);
        if (strcmp(text, m->code) == 0 || strcasecmp(text, m->name) == 0 ||
            (hex && strncasecmp(id, text, len) == 0)) {
            if (found++ == 0) memcpy(key, m->key, KEY_SIZE);
        }
    }
    if (found == 1) return 0;
    api_fail(c,
             found ? EKONET__API_ERROR_CODE__API_AMBIGUOUS : EKONET__API_ERROR_CODE__API_NOT_FOUND,
             found ? "\"%.60s\" names %zu members; give a node id"
                   : "no member \"%.60s\"%.0zu"
                     " (give an SCB code, a name or a node id; see ekonet members)",
             text, found);
    return -1;
}
