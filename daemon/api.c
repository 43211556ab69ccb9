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

#include <zmq.h>

#include "api.pb-c.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/reports.h"
#include "ekonet/version.h"
#include "node.h"
#include "wire.pb-c.h"

#define API_BURST      16
#define API_LIST_LIMIT 1000

struct arena {
    void **ptrs;
    size_t n, cap;
};

static void *arena_keep(struct arena *a, void *p)
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

static void *arena_alloc(struct arena *a, size_t size)
{
    return arena_keep(a, calloc(1, size));
}

static char *arena_strdup(struct arena *a, const char *s)
{
    return arena_keep(a, strdup(s ? s : ""));
}

static void *arena_bytes(struct arena *a, const void *p, size_t n)
{
    void *d = arena_alloc(a, n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static void arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->ptrs[i]);
    free(a->ptrs);
}

struct call {
    struct node *node;
    struct arena arena;
    Ekonet__ApiReply reply;
    Ekonet__ApiError error;
    Ekonet__Report *report; /* unpacked from the store for report_get; freed after sending */
};

static void fail(struct call *c, Ekonet__ApiErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct call *c, Ekonet__ApiErrorCode code, const char *fmt, ...)
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

static ProtobufCBinaryData bin(struct arena *a, const void *p, size_t n)
{
    ProtobufCBinaryData b = {n, arena_bytes(a, p, n)};
    if (!b.data) b.len = 0;
    return b;
}

static void do_status(struct call *c)
{
    struct node *n = c->node;
    Ekonet__StatusReply *s = arena_alloc(&c->arena, sizeof *s);
    struct feed_head own;
    if (!s) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__status_reply__init(s);
    s->node_id = bin(&c->arena, n->key.pub, KEY_SIZE);
    s->name = (char *)n->cfg->name;
    s->code = (char *)n->cfg->code;
    s->network_id = bin(&c->arena, n->cfg->network, ID_SIZE);
    s->version = EKONET_VERSION;
    s->started_ms = n->started_ms;
    s->uptime_s = (node_now_ms() - n->started_ms) / 1000;
    s->listen = (char *)n->cfg->listen;
    if (store_counts(n->store, &s->entries, &s->feeds) < 0 ||
        store_head(n->store, n->key.pub, &own) < 0)
        return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                    store_errmsg(n->store));
    s->own_seq = own.seq;
    s->db_bytes = store_bytes(n->store);
    s->sessions = 0;
    s->handshakes_refused = n->stats.handshakes_refused;
    s->api_errors = n->stats.api_errors;
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

/* Indicator codes must exist in the catalogue in force when a report is published here. */
static int check_indicators(struct call *c, const Ekonet__PublishRequest *p)
{
    if (p->kind != EKONET__ENTRY_KIND__KIND_REPORT) return 0;
    Ekonet__Report *r = ekonet__report__unpack(NULL, p->content.len, p->content.data);
    if (!r) return 0; /* feed_publish reports the decoding problem */
    int rc = 0;
    for (size_t i = 0; i < r->n_indicators && rc == 0; i++) {
        if (!catalogue_find(c->node->catalogue, r->indicators[i])) {
            fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "indicator %.20s is not in the catalogue in force (codes such as %s)",
                 r->indicators[i], catalogue_at(c->node->catalogue, 0)->code);
            rc = -1;
        }
    }
    ekonet__report__free_unpacked(r, NULL);
    return rc;
}

static void do_publish(struct call *c, const Ekonet__PublishRequest *p)
{
    struct node *n = c->node;
    struct errbuf why = {""}, err = {""};
    struct entry *e;
    if (check_indicators(c, p) < 0) return;
    int rc =
        feed_publish(&n->feeds, &n->key, p->kind, p->content.data, p->content.len, &e, &why, &err);
    if (rc < 0) {
        node_error(n, "publish failed: %s", err.msg);
        return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "the node could not store it: %s",
                    err.msg);
    }
    if (rc != ENTRY_OK)
        return fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s",
                    why.msg[0] ? why.msg : entry_status_str(rc));
    char id[ID_HEX];
    elog(ELOG_INFO, "published", "id=%s kind=%s seq=%llu", hex_encode(id, e->id, ID_SIZE),
         entry_kind_str(e->kind), (unsigned long long)e->seq);
    Ekonet__PublishReply *r = arena_alloc(&c->arena, sizeof *r);
    if (r) {
        ekonet__publish_reply__init(r);
        r->id = bin(&c->arena, e->id, ID_SIZE);
        r->seq = e->seq;
        r->timestamp_ms = e->timestamp_ms;
        c->reply.result_case = EKONET__API_REPLY__RESULT_PUBLISH;
        c->reply.publish = r;
    }
    entry_destroy(&e);
    if (!r) fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
}

/* Turns a projected report row into a ReportSummary in the call's arena. */
static Ekonet__ReportSummary *summary(struct call *c, const struct report_row *row)
{
    Ekonet__ReportSummary *s = arena_alloc(&c->arena, sizeof *s);
    if (!s) return NULL;
    ekonet__report_summary__init(s);
    s->id = bin(&c->arena, row->id, ID_SIZE);
    s->author = bin(&c->arena, row->author, KEY_SIZE);
    const char *name = node_member_name(c->node, row->author);
    if (name) s->author_name = arena_strdup(&c->arena, name);
    s->seq = row->seq;
    s->timestamp_ms = row->timestamp_ms;
    s->title = arena_strdup(&c->arena, row->title);
    s->summary = arena_strdup(&c->arena, row->summary);
    s->kind = (Ekonet__ReportKind)row->kind;
    s->has_versions = 1;
    s->versions = row->versions;
    if (row->topics && *row->topics) {
        char *t = arena_strdup(&c->arena, row->topics);
        size_t cnt = 1;
        for (const char *p = t; p && *p; p++) cnt += *p == '\n';
        s->topics = arena_alloc(&c->arena, cnt * sizeof(char *));
        if (t && s->topics) {
            char *save = NULL;
            for (char *tok = strtok_r(t, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
                s->topics[s->n_topics++] = tok;
        }
    }
    return s->title && s->summary ? s : NULL;
}

struct list_ctx {
    struct call *call;
    Ekonet__ReportListReply *reply;
    size_t cap;
    int oom;
};

static void list_row(void *ctx, const struct report_row *row)
{
    struct list_ctx *l = ctx;
    Ekonet__ReportSummary *s = summary(l->call, row);
    if (!s || l->reply->n_reports == l->cap) {
        l->oom = 1;
        return;
    }
    l->reply->reports[l->reply->n_reports++] = s;
}

static void do_report_list(struct call *c, const Ekonet__ReportListRequest *req)
{
    struct report_filter f = {NULL, req->limit};
    if (f.limit == 0 || f.limit > API_LIST_LIMIT) f.limit = API_LIST_LIMIT;
    if (req->has_author) {
        if (req->author.len != KEY_SIZE)
            return fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "author must be a node id");
        f.author = req->author.data;
    }
    Ekonet__ReportListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_list_reply__init(r);
    struct list_ctx l = {c, r, f.limit, 0};
    r->reports = arena_alloc(&c->arena, f.limit * sizeof *r->reports);
    if (!r->reports) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    if (reports_list(c->node->store, &f, list_row, &l, &r->total) < 0)
        return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read reports: %s",
                    store_errmsg(c->node->store));
    if (l.oom) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_REPORT_LIST;
    c->reply.report_list = r;
}

struct get_ctx {
    struct call *call;
    Ekonet__ReportSummary *meta;
};

static void get_row(void *ctx, const struct report_row *row)
{
    struct get_ctx *g = ctx;
    g->meta = summary(g->call, row);
}

/* Resolves a hex id or prefix; 0 and id filled, or -1 after replying with an error. */
static int resolve(struct call *c, const char *text, uint8_t id[ID_SIZE])
{
    if (strlen(text) < 4 || !hex_is_prefix(text, 2 * ID_SIZE)) {
        fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST,
             "\"%.70s\" is not an id: give at least 4 of its hex digits", text);
        return -1;
    }
    int rc = store_resolve(c->node->store, text, id);
    if (rc == 1) return 0;
    if (rc == 2)
        fail(c, EKONET__API_ERROR_CODE__API_AMBIGUOUS,
             "id prefix %s matches more than one entry; give more digits", text);
    else if (rc == 0)
        fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "no entry with id %s", text);
    else
        fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
             store_errmsg(c->node->store));
    return -1;
}

static void do_report_get(struct call *c, const Ekonet__ReportGetRequest *req)
{
    uint8_t id[ID_SIZE];
    if (resolve(c, req->id, id) < 0) return;
    struct get_ctx g = {c, NULL};
    Ekonet__Report *report;
    Ekonet__ReportGetReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_get_reply__init(r);
    int rc = reports_get(c->node->store, id, get_row, &g, &report, &r->entry_size);
    if (rc < 0)
        return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                    store_errmsg(c->node->store));
    if (rc == 0)
        return fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "entry %s is not a report", req->id);
    c->report = report; /* freed after the reply is sent */
    if (!g.meta) return fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    r->meta = g.meta;
    r->report = report;
    c->reply.result_case = EKONET__API_REPLY__RESULT_REPORT_GET;
    c->reply.report_get = r;
}

/* Packs the reply into the call's arena; NULL when out of memory. */
static uint8_t *pack_reply(struct call *c, size_t *len)
{
    *len = ekonet__api_reply__get_packed_size(&c->reply);
    uint8_t *out = arena_alloc(&c->arena, *len ? *len : 1);
    if (out) ekonet__api_reply__pack(&c->reply, out);
    return out;
}

/* Decodes one request, carries it out and returns the packed reply (in the arena). */
static uint8_t *answer(struct call *c, const uint8_t *data, size_t len, size_t *outlen)
{
    struct node *n = c->node;
    Ekonet__ApiRequest *req = NULL;
    if (len > n->cfg->max_api_request)
        fail(c, EKONET__API_ERROR_CODE__API_TOO_LARGE,
             "request of %zu bytes is over the node's limit of %zu (max_api_request)", len,
             n->cfg->max_api_request);
    else if (!(req = ekonet__api_request__unpack(NULL, len, data)))
        fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "the request does not decode");
    else if (req->op_case == EKONET__API_REQUEST__OP_STATUS)
        do_status(c);
    else if (req->op_case == EKONET__API_REQUEST__OP_PUBLISH)
        do_publish(c, req->publish);
    else if (req->op_case == EKONET__API_REQUEST__OP_REPORT_LIST)
        do_report_list(c, req->report_list);
    else if (req->op_case == EKONET__API_REQUEST__OP_REPORT_GET)
        do_report_get(c, req->report_get);
    else
        fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "unknown request (from a newer ekonet?)");
    /* The reply may point into the request; pack it before the request is freed. */
    uint8_t *out = pack_reply(c, outlen);
    if (req) ekonet__api_request__free_unpacked(req, NULL);
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
        n->stats.api_requests++;
        struct call c = {.node = n};
        ekonet__api_reply__init(&c.reply);
        ekonet__api_error__init(&c.error);
        const uint8_t *out;
        size_t outlen;
        if (frames != 2) {
            fail(&c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "a request is exactly one frame");
            out = pack_reply(&c, &outlen);
        } else {
            out = answer(&c, zmq_msg_data(&body), zmq_msg_size(&body), &outlen);
        }
        if (out) {
            zmq_send(n->api, zmq_msg_data(&rid), zmq_msg_size(&rid), ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send(n->api, out, outlen, ZMQ_DONTWAIT);
        }
        if (c.report) ekonet__report__free_unpacked(c.report, NULL);
        arena_free(&c.arena);
        zmq_msg_close(&body);
        zmq_msg_close(&rid);
    }
}
