/*
 * api_reports: publishing entries of this node's own feed, and reading the knowledge bank.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "sync.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/reports.h"
#include "wire.pb-c.h"

/* Indicator codes must exist in the catalogue in force when a report is published here. */
static int check_indicators(struct call *c, const Ekonet__PublishRequest *p)
{
    if (p->kind != EKONET__ENTRY_KIND__KIND_REPORT) return 0;
    Ekonet__Report *r = ekonet__report__unpack(NULL, p->content.len, p->content.data);
    if (!r) return 0; /* feed_publish reports the decoding problem */
    int rc = 0;
    for (size_t i = 0; i < r->n_indicators && rc == 0; i++) {
        if (!catalogue_find(c->node->catalogue, r->indicators[i])) {
            api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                     "indicator %.20s is not in the catalogue in force (codes such as %s)",
                     r->indicators[i], catalogue_at(c->node->catalogue, 0)->code);
            rc = -1;
        }
    }
    ekonet__report__free_unpacked(r, NULL);
    return rc;
}

void api_publish(struct call *c, const Ekonet__PublishRequest *p)
{
    struct node *n = c->node;
    struct errbuf why = {""}, err = {""};
    struct entry *e;
    if (check_indicators(c, p) < 0) return;
    int rc =
        feed_publish(&n->feeds, &n->key, p->kind, p->content.data, p->content.len, &e, &why, &err);
    if (rc < 0) {
        node_error(n, "publish failed: %s", err.msg);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "the node could not store it: %s",
                        err.msg);
    }
    if (rc != ENTRY_OK)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s",
                        why.msg[0] ? why.msg : entry_status_str(rc));
    char id[ID_HEX];
    elog(ELOG_INFO, "published", "id=%s kind=%s seq=%llu", hex_encode(id, e->id, ID_SIZE),
         entry_kind_str(e->kind), (unsigned long long)e->seq);
    int ok = ENTRY_OK;
    sync_accepted(n, &e, &ok, 1, NULL); /* on its way to every member at once */
    Ekonet__PublishReply *r = arena_alloc(&c->arena, sizeof *r);
    if (r) {
        ekonet__publish_reply__init(r);
        r->id = api_bin(&c->arena, e->id, ID_SIZE);
        r->seq = e->seq;
        r->timestamp_ms = e->timestamp_ms;
        c->reply.result_case = EKONET__API_REPLY__RESULT_PUBLISH;
        c->reply.publish = r;
    }
    entry_destroy(&e);
    if (!r) api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
}

/* Turns a projected report row into a ReportSummary in the call's arena. */
static Ekonet__ReportSummary *summary(struct call *c, const struct report_row *row)
{
    Ekonet__ReportSummary *s = arena_alloc(&c->arena, sizeof *s);
    if (!s) return NULL;
    ekonet__report_summary__init(s);
    s->id = api_bin(&c->arena, row->id, ID_SIZE);
    s->author = api_bin(&c->arena, row->author, KEY_SIZE);
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

void api_report_list(struct call *c, const Ekonet__ReportListRequest *req)
{
    struct report_filter f = {NULL, req->limit};
    if (f.limit == 0 || f.limit > API_LIST_LIMIT) f.limit = API_LIST_LIMIT;
    if (req->has_author) {
        if (req->author.len != KEY_SIZE)
            return api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "author must be a node id");
        f.author = req->author.data;
    }
    Ekonet__ReportListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_list_reply__init(r);
    struct list_ctx l = {c, r, f.limit, 0};
    r->reports = arena_alloc(&c->arena, f.limit * sizeof *r->reports);
    if (!r->reports) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    if (reports_list(c->node->store, &f, list_row, &l, &r->total) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read reports: %s",
                        store_errmsg(c->node->store));
    if (l.oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
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

void api_report_get(struct call *c, const Ekonet__ReportGetRequest *req)
{
    uint8_t id[ID_SIZE];
    if (api_resolve(c, req->id, id) < 0) return;
    struct get_ctx g = {c, NULL};
    Ekonet__Report *report;
    Ekonet__ReportGetReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_get_reply__init(r);
    int rc = reports_get(c->node->store, id, get_row, &g, &report, &r->entry_size);
    if (rc < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(c->node->store));
    if (rc == 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "entry %s is not a report",
                        req->id);
    c->report = report; /* freed after the reply is sent */
    if (!g.meta) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    r->meta = g.meta;
    r->report = report;
    c->reply.result_case = EKONET__API_REPLY__RESULT_REPORT_GET;
    c->reply.report_get = r;
}
