/*
 * api_reports: publishing entries of this node's own feed, and reading the knowledge bank:
 * reports (list, search, show) and events (list, show).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "own.h"
#include "sync.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/events.h"
#include "ekonet/redact.h"
#include "ekonet/reports.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

/* Indicator codes must exist in the catalogue in force when a report is published here. */
static int check_indicators(struct call *c, const Ekonet__PublishRequest *p)
{
    if (p->kind == EKONET__ENTRY_KIND__KIND_INDICATORS) return api_check_snapshot(c, p);
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

/* An edit names the newest version of one of this node's own reports or events. */
static int check_supersedes(struct call *c, const Ekonet__PublishRequest *p)
{
    ProtobufCBinaryData sup = {0, NULL};
    Ekonet__Report *r = NULL;
    Ekonet__Event *ev = NULL;
    if (p->kind == EKONET__ENTRY_KIND__KIND_REPORT &&
        (r = ekonet__report__unpack(NULL, p->content.len, p->content.data)) && r->has_supersedes)
        sup = r->supersedes;
    if (p->kind == EKONET__ENTRY_KIND__KIND_EVENT &&
        (ev = ekonet__event__unpack(NULL, p->content.len, p->content.data)) && ev->has_supersedes)
        sup = ev->supersedes;
    int rc = 0;
    if (sup.len == ID_SIZE) {
        const char *what = r ? "report" : "event";
        uint8_t newest[ID_SIZE], author[KEY_SIZE];
        char id[ID_HEX], nid[ID_HEX];
        int retracted = 0;
        int got = r ? reports_newest(c->node->store, sup.data, newest, author, &retracted)
                    : events_newest(c->node->store, sup.data, newest, author, &retracted);
        hex_encode(id, sup.data, ID_SIZE);
        rc = -1;
        if (got <= 0)
            api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "there is no %s %.12s", what, id);
        else if (memcmp(author, c->node->key.pub, KEY_SIZE) != 0)
            api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                     "%s %.12s is another member's; only its author can change it", what, id);
        else if (retracted)
            api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s %.12s was retracted", what, id);
        else if (memcmp(newest, sup.data, ID_SIZE) != 0)
            api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                     "%s %.12s has a newer version, %.12s: change that one", what, id,
                     hex_encode(nid, newest, ID_SIZE));
        else
            rc = 0;
    }
    if (r) ekonet__report__free_unpacked(r, NULL);
    if (ev) ekonet__event__free_unpacked(ev, NULL);
    return rc;
}

void api_publish(struct call *c, const Ekonet__PublishRequest *p)
{
    struct node *n = c->node;
    struct errbuf why = {""}, err = {""};
    struct own_published out;
    char next[ID_HEX];
    if (n->rotating) /* the old feed ends where the rotation said (rotation.c) */
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        "this node's key is being replaced (ekonet key rotate): it publishes "
                        "again, under its new key %.16s, once the board's succession act arrives",
                        hex_encode(next, n->next_key.pub, KEY_SIZE));
    if (check_indicators(c, p) < 0 || check_supersedes(c, p) < 0 || api_check_profile(c, p) < 0)
        return;
    int rc = own_publish(n, p->kind, p->content.data, p->content.len, &out, &why, &err);
    if (rc < 0) {
        node_error(n, "publish failed: %s", err.msg);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "the node could not store it: %s",
                        err.msg);
    }
    if (rc != ENTRY_OK)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s",
                        why.msg[0] ? why.msg : entry_status_str(rc));
    Ekonet__PublishReply *r = arena_alloc(&c->arena, sizeof *r);
    char waits[400];
    if (r) {
        ekonet__publish_reply__init(r);
        if (out.entry) {
            r->id = api_bin(&c->arena, out.entry->id, ID_SIZE);
            r->has_id = r->has_seq = r->has_timestamp_ms = 1;
            r->seq = out.entry->seq;
            r->timestamp_ms = out.entry->timestamp_ms;
        } else {
            r->has_pending = 1;
            r->pending = (uint64_t)out.pending;
            r->waits_for = arena_strdup(&c->arena, own_waits_for(n, waits, sizeof waits));
        }
        c->reply.result_case = EKONET__API_REPLY__RESULT_PUBLISH;
        c->reply.publish = r;
    }
    entry_destroy(&out.entry);
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
    static const uint8_t unread[ID_SIZE];
    if (memcmp(row->origin, unread, ID_SIZE) != 0) {
        s->has_stable_id = 1;
        s->stable_id = api_bin(&c->arena, row->origin, ID_SIZE);
    }
    if (row->snippet) {
        s->snippet = arena_strdup(&c->arena, row->snippet);
        s->has_rank = 1;
        s->rank = row->rank;
    }
    api_split_lines(c, row->topics, &s->topics, &s->n_topics);
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
    struct report_filter f = {0};
    uint8_t member[KEY_SIZE];
    struct errbuf err = {""};
    f.limit = req->limit == 0 || req->limit > API_LIST_LIMIT ? API_LIST_LIMIT : req->limit;
    f.offset = req->offset;
    f.query = req->query && *req->query ? req->query : NULL;
    f.topic = req->topic && *req->topic ? req->topic : NULL;
    f.indicator = req->indicator && *req->indicator ? req->indicator : NULL;
    f.since_ms = req->has_since_ms ? req->since_ms : 0;
    f.until_ms = req->has_until_ms ? req->until_ms : 0;
    f.kind = req->has_kind ? (int)req->kind : 0;
    if (req->has_author) {
        if (req->author.len != KEY_SIZE)
            return api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST, "author must be a node id");
        f.author = req->author.data;
    } else if (req->member && *req->member) {
        if (api_member(c, req->member, member) < 0) return;
        f.author = member;
    }
    Ekonet__ReportListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_list_reply__init(r);
    struct list_ctx l = {c, r, f.limit, 0};
    r->reports = arena_alloc(&c->arena, f.limit * sizeof *r->reports);
    if (!r->reports) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int qrc = reports_query(c->node->store, &f, list_row, &l, &r->total, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->has_query_us = 1;
    r->query_us = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
    if (qrc < 0)
        return api_fail(
            c, f.query ? EKONET__API_ERROR_CODE__API_INVALID : EKONET__API_ERROR_CODE__API_INTERNAL,
            "%s", err.msg);
    if (l.oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_REPORT_LIST;
    c->reply.report_list = r;
}

struct get_ctx {
    struct call *call;
    Ekonet__ReportSummary *meta;
    Ekonet__EventSummary *event;
};

static void get_row(void *ctx, const struct report_row *row)
{
    struct get_ctx *g = ctx;
    g->meta = summary(g->call, row);
}

/* Why an entry that is not (any more) a report or event cannot be shown. */
static void gone(struct call *c, const uint8_t id[ID_SIZE], const char *what, int got)
{
    char hex[ID_HEX];
    hex_encode(hex, id, ID_SIZE);
    if (got == 2)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "%s %.12s was retracted by its author", what, hex);
    if (redact_listed(c->node->store, id) == 1)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "the content of %s %.12s was redacted", what, hex);
    api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "entry %.12s is not %s %s", hex,
             what[0] == 'e' ? "an" : "a", what);
}

static int str_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

static int list_differs(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb) return 1;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0) return 1;
    return 0;
}

static int attachments_differ(const Ekonet__Report *a, const Ekonet__Report *b)
{
    if (a->n_attachments != b->n_attachments) return 1;
    for (size_t i = 0; i < a->n_attachments; i++) {
        const Ekonet__Attachment *x = a->attachments[i], *y = b->attachments[i];
        if (x->kind != y->kind || str_differs(x->url, y->url) || str_differs(x->title, y->title))
            return 1;
    }
    return 0;
}

/* Names the fields in which now differs from before, in the order of the Report message. */
static void changed_fields(struct call *c, const Ekonet__Report *now, const Ekonet__Report *before,
                           Ekonet__ReportGetReply *r)
{
    int kind_now = now->has_kind ? (int)now->kind : EKONET__REPORT_KIND__REPORT_EXPERIENCE;
    int kind_before = before->has_kind ? (int)before->kind : EKONET__REPORT_KIND__REPORT_EXPERIENCE;
    const struct {
        const char *name;
        int differs;
    } fields[] = {
        {"title", str_differs(now->title, before->title)},
        {"summary", str_differs(now->summary, before->summary)},
        {"body", str_differs(now->body, before->body)},
        {"topics", list_differs(now->topics, now->n_topics, before->topics, before->n_topics)},
        {"indicators", list_differs(now->indicators, now->n_indicators, before->indicators,
                                    before->n_indicators)},
        {"language", str_differs(now->language, before->language)},
        {"period", str_differs(now->period, before->period)},
        {"attachments", attachments_differ(now, before)},
        {"kind", kind_now != kind_before},
    };
    size_t n = sizeof fields / sizeof fields[0];
    if (!(r->changed = arena_alloc(&c->arena, n * sizeof *r->changed))) return;
    for (size_t i = 0; i < n; i++)
        if (fields[i].differs) r->changed[r->n_changed++] = (char *)fields[i].name;
}

static void ignore_row(void *ctx, const struct report_row *row)
{
    (void)ctx;
    (void)row;
}

/* Fills r->changed from the version that report supersedes (when it is still readable). */
static void what_changed(struct call *c, const Ekonet__Report *report, Ekonet__ReportGetReply *r)
{
    Ekonet__Report *before = NULL;
    uint64_t size;
    if (!report->has_supersedes || report->supersedes.len != ID_SIZE) return;
    if (reports_get(c->node->store, report->supersedes.data, ignore_row, NULL, &before, &size) == 1)
        changed_fields(c, report, before, r);
    if (before) ekonet__report__free_unpacked(before, NULL);
}

/* Resolves id to the version asked for (the newest when none): 0, or -1 with the reply set. */
static int pick_version(struct call *c, const Ekonet__ReportGetRequest *req, uint8_t id[ID_SIZE],
                        Ekonet__ReportGetReply *r)
{
    uint32_t want = req->has_version ? req->version : 0, count = 0;
    uint8_t found[ID_SIZE];
    int rc = reports_version(c->node->store, id, want, found, &count);
    if (rc < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                 store_errmsg(c->node->store));
        return -1;
    }
    if (rc == 0 && want && reports_version(c->node->store, id, 0, found, &count) == 1) {
        char hex[ID_HEX];
        hex_encode(hex, id, ID_SIZE);
        api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                 "report %.12s has %u version%s; there is no version %u", hex, count,
                 count == 1 ? "" : "s", want);
        return -1;
    }
    if (rc == 1) {
        memcpy(id, found, ID_SIZE);
        r->has_version_count = 1;
        r->version_count = count;
    }
    return 0;
}

void api_report_get(struct call *c, const Ekonet__ReportGetRequest *req)
{
    uint8_t id[ID_SIZE];
    if (api_resolve(c, req->id, id) < 0) return;
    struct get_ctx g = {c, NULL, NULL};
    Ekonet__Report *report;
    Ekonet__ReportGetReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__report_get_reply__init(r);
    if (!(req->has_exact && req->exact) && pick_version(c, req, id, r) < 0) return;
    int rc = reports_get(c->node->store, id, get_row, &g, &report, &r->entry_size);
    if (rc < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(c->node->store));
    if (rc != 1) return gone(c, id, "report", rc);
    c->report = report; /* freed after the reply is sent */
    if (!g.meta) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    r->meta = g.meta;
    r->report = report;
    r->has_version = 1;
    r->version = g.meta->versions;
    if (r->version > 1) what_changed(c, report, r);
    c->reply.result_case = EKONET__API_REPLY__RESULT_REPORT_GET;
    c->reply.report_get = r;
}

/* ---- events ------------------------------------------------------------------------------ */

static Ekonet__EventSummary *event_summary(struct call *c, const struct event_row *row)
{
    Ekonet__EventSummary *s = arena_alloc(&c->arena, sizeof *s);
    if (!s) return NULL;
    ekonet__event_summary__init(s);
    s->id = api_bin(&c->arena, row->id, ID_SIZE);
    s->author = api_bin(&c->arena, row->author, KEY_SIZE);
    const char *name = node_member_name(c->node, row->author);
    if (name) s->author_name = arena_strdup(&c->arena, name);
    s->seq = row->seq;
    s->timestamp_ms = row->timestamp_ms;
    s->kind = (Ekonet__EventKind)row->kind;
    s->title = arena_strdup(&c->arena, row->title);
    s->starts_ms = row->starts_ms;
    if (row->ends_ms) s->has_ends_ms = 1, s->ends_ms = row->ends_ms;
    if (row->location && *row->location) s->location = arena_strdup(&c->arena, row->location);
    api_split_lines(c, row->topics, &s->topics, &s->n_topics);
    s->versions = row->versions;
    s->cancelled = row->cancelled != 0;
    return s->title ? s : NULL;
}

struct events_ctx {
    struct call *call;
    Ekonet__EventListReply *reply;
    int oom;
};

static void event_row(void *ctx, const struct event_row *row)
{
    struct events_ctx *l = ctx;
    Ekonet__EventSummary *s = event_summary(l->call, row);
    if (!s) {
        l->oom = 1;
        return;
    }
    l->reply->events[l->reply->n_events++] = s;
}

void api_event_list(struct call *c, const Ekonet__EventListRequest *req)
{
    struct event_filter f = {0};
    uint8_t member[KEY_SIZE];
    f.past = req->has_past && req->past;
    f.now_ms = node_now_ms();
    f.kind = req->has_kind ? (int)req->kind : 0;
    f.limit = req->limit == 0 || req->limit > API_LIST_LIMIT ? API_LIST_LIMIT : req->limit;
    if (req->member && *req->member) {
        if (api_member(c, req->member, member) < 0) return;
        f.author = member;
    }
    Ekonet__EventListReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r || !(r->events = arena_alloc(&c->arena, f.limit * sizeof *r->events)))
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    Ekonet__EventSummary **keep = r->events;
    ekonet__event_list_reply__init(r);
    r->events = keep;
    struct events_ctx l = {c, r, 0};
    if (events_list(c->node->store, &f, event_row, &l, &r->total) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read events: %s",
                        store_errmsg(c->node->store));
    if (l.oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_EVENT_LIST;
    c->reply.event_list = r;
}

static void event_get_row(void *ctx, const struct event_row *row)
{
    struct get_ctx *g = ctx;
    g->event = event_summary(g->call, row);
}

void api_event_get(struct call *c, const Ekonet__EventGetRequest *req)
{
    uint8_t id[ID_SIZE];
    if (api_resolve(c, req->id, id) < 0) return;
    struct get_ctx g = {c, NULL, NULL};
    Ekonet__Event *ev;
    int rc = events_get(c->node->store, id, event_get_row, &g, &ev);
    if (rc < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(c->node->store));
    if (rc != 1) return gone(c, id, "event", rc);
    c->event = ev; /* freed after the reply is sent */
    Ekonet__EventGetReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r || !g.event) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__event_get_reply__init(r);
    r->meta = g.event;
    r->event = ev;
    c->reply.result_case = EKONET__API_REPLY__RESULT_EVENT_GET;
    c->reply.event_get = r;
}
