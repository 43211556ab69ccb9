/*
 * api_indicators: the green key indicators: the catalogue in force, a member's snapshot, its
 * trend (with the history of each year's value), the good examples for one indicator, and the
 * checks this node makes of a snapshot it publishes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "ekonet/band.h"
#include "ekonet/content.h"
#include "ekonet/indicators.h"
#include "ekonet/profiles.h"
#include "ekonet/reports.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

/* The years a member can have values for (1990-2100, PROTOCOL.md 4.1.2). */
#define YEARS_MAX (2100 - 1990 + 1)
/* Lists of examples hold at most this many members (ExamplesRequest.limit is cut to it). */
#define EXAMPLES_MAX 10
/* An example shows at most this many of its member's reports on the indicator. */
#define EXAMPLE_REPORTS 3

Ekonet__Indicator *api_indicator(struct call *c, const struct indicator *ind)
{
    Ekonet__Indicator *m = arena_alloc(&c->arena, sizeof *m);
    if (!m) return NULL;
    ekonet__indicator__init(m);
    m->code = arena_strdup(&c->arena, ind->code);
    m->name_sv = arena_strdup(&c->arena, ind->name_sv);
    m->name_en = arena_strdup(&c->arena, ind->name_en);
    m->unit = arena_strdup(&c->arena, ind->unit);
    m->lower_is_better = ind->lower_is_better != 0;
    m->source = arena_strdup(&c->arena, ind->source);
    m->has_min = 1;
    m->min = ind->min;
    m->has_max = isfinite(ind->max);
    m->max = m->has_max ? ind->max : 0;
    return m->code && m->name_sv && m->name_en && m->unit ? m : NULL;
}

void api_catalogue(struct call *c)
{
    const struct catalogue *cat = c->node->catalogue;
    Ekonet__CatalogueReply *r = arena_alloc(&c->arena, sizeof *r);
    size_t n = catalogue_count(cat);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__catalogue_reply__init(r);
    r->revision = c->node->catalogue_revision;
    r->indicators = arena_alloc(&c->arena, (n + 1) * sizeof *r->indicators);
    for (size_t i = 0; r->indicators && i < n; i++)
        if ((r->indicators[r->n_indicators] = api_indicator(c, catalogue_at(cat, i))))
            r->n_indicators++;
    if (r->n_indicators != n)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_CATALOGUE;
    c->reply.catalogue = r;
}

/* The member asked for, or this node. */
static int member_of(struct call *c, const char *text, uint8_t key[KEY_SIZE])
{
    if (!text || !*text) {
        memcpy(key, c->node->key.pub, KEY_SIZE);
        return 0;
    }
    return api_member(c, text, key);
}

struct years_ctx {
    struct call *call;
    Ekonet__SnapshotReply *r;
    size_t cap;
    struct indicator_year latest, asked; /* source borrowed from the call's arena */
};

static void add_year(void *ctx, const struct indicator_year *year)
{
    struct years_ctx *y = ctx;
    if (y->r->n_years == y->cap) return;
    y->r->years[y->r->n_years++] = year->year;
    y->latest = *year;
    y->latest.source = arena_strdup(&y->call->arena, year->source);
    if (year->year == y->r->year) y->asked = y->latest;
}

static void add_value(void *ctx, const struct indicator_point *p)
{
    struct years_ctx *y = ctx;
    Ekonet__IndicatorValue *v = arena_alloc(&y->call->arena, sizeof *v);
    if (!v || y->r->n_values == SNAPSHOT_MAX_VALUES) return;
    ekonet__indicator_value__init(v);
    v->code = arena_strdup(&y->call->arena, p->code);
    v->value = p->value;
    if (*p->note) v->note = arena_strdup(&y->call->arena, p->note);
    if (p->forced) v->has_forced = v->forced = 1;
    if (v->code) y->r->values[y->r->n_values++] = v;
}

void api_snapshot(struct call *c, const Ekonet__SnapshotRequest *req)
{
    struct node *n = c->node;
    uint8_t key[KEY_SIZE];
    if (member_of(c, req->member, key) < 0) return;
    Ekonet__SnapshotReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__snapshot_reply__init(r);
    r->member = api_bin(&c->arena, key, KEY_SIZE);
    const char *name = node_member_name(n, key);
    if (name) r->member_name = arena_strdup(&c->arena, name);
    struct years_ctx y = {c, r, YEARS_MAX, {0}, {0}};
    r->years = arena_alloc(&c->arena, YEARS_MAX * sizeof *r->years);
    r->values = arena_alloc(&c->arena, SNAPSHOT_MAX_VALUES * sizeof *r->values);
    if (!r->years || !r->values)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    r->year = req->has_year ? req->year : 0;
    if (indicators_years(n->store, key, add_year, &y) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    if (!req->has_year) r->year = y.latest.year, y.asked = y.latest;
    if (y.asked.year != r->year) r->year = 0; /* no values that year: an empty reply says so */
    r->source = (char *)y.asked.source;
    if (r->year) {
        r->has_preliminary = r->has_timestamp_ms = 1;
        r->preliminary = y.asked.preliminary;
        r->timestamp_ms = y.asked.timestamp_ms;
    }
    if (r->year && indicators_values(n->store, key, r->year, NULL, 0, add_value, &y) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    c->reply.result_case = EKONET__API_REPLY__RESULT_SNAPSHOT;
    c->reply.snapshot = r;
}

struct trend_ctx {
    struct call *call;
    Ekonet__TrendReply *r;
    size_t cap;
    int oom;
};

/* The series of code: found among those so far (values and versions come by code), or new. */
static Ekonet__TrendSeries *series_of(struct trend_ctx *t, const char *code)
{
    struct arena *a = &t->call->arena;
    Ekonet__TrendReply *r = t->r;
    if (r->n_series && strcmp(r->series[r->n_series - 1]->code, code) == 0)
        return r->series[r->n_series - 1]; /* the common case: the same code as the one before */
    for (size_t i = 0; i < r->n_series; i++)
        if (strcmp(r->series[i]->code, code) == 0) return r->series[i];
    Ekonet__TrendSeries *s = r->n_series < t->cap ? arena_alloc(a, sizeof *s) : NULL;
    if (!s) {
        t->oom = 1;
        return NULL;
    }
    ekonet__trend_series__init(s);
    s->code = arena_strdup(a, code);
    const struct indicator *ind = catalogue_find(t->call->node->catalogue, code);
    if (ind) s->indicator = api_indicator(t->call, ind);
    s->points = arena_alloc(a, YEARS_MAX * sizeof *s->points);
    if (!s->code || !s->points) {
        t->oom = 1;
        return NULL;
    }
    r->series[r->n_series++] = s;
    return s;
}

static void trend_value(void *ctx, const struct indicator_point *v)
{
    struct trend_ctx *t = ctx;
    Ekonet__TrendSeries *s = series_of(t, v->code);
    Ekonet__TrendPoint *p = s ? arena_alloc(&t->call->arena, sizeof *p) : NULL;
    if (!p || s->n_points == YEARS_MAX) return;
    ekonet__trend_point__init(p);
    p->year = v->year;
    p->value = v->value;
    if (*v->note) p->note = arena_strdup(&t->call->arena, v->note);
    if (v->forced) p->has_forced = p->forced = 1;
    if (v->preliminary) p->has_preliminary = p->preliminary = 1;
    s->points[s->n_points++] = p;
}

/* One version of a value, in its series' history (a series without points is made for it). */
static void trend_version(void *ctx, const struct indicator_version *v)
{
    struct trend_ctx *t = ctx;
    struct arena *a = &t->call->arena;
    Ekonet__TrendSeries *s = series_of(t, v->code);
    if (!s) return;
    if (s->n_history % 64 == 0) { /* the arena does not grow in place: copy to a bigger one */
        Ekonet__TrendVersion **h = arena_alloc(a, (s->n_history + 64) * sizeof *h);
        if (!h) {
            t->oom = 1;
            return;
        }
        if (s->n_history) memcpy(h, s->history, s->n_history * sizeof *h);
        s->history = h;
    }
    Ekonet__TrendVersion *m = arena_alloc(a, sizeof *m);
    if (!m) {
        t->oom = 1;
        return;
    }
    ekonet__trend_version__init(m);
    m->year = v->year;
    if (!v->withdrawn) m->has_value = 1, m->value = v->value;
    if (v->forced) m->has_forced = m->forced = 1;
    if (v->preliminary) m->has_preliminary = m->preliminary = 1;
    m->seq = v->seq;
    m->timestamp_ms = v->timestamp_ms;
    s->history[s->n_history++] = m;
}

/* The first code asked for that is neither in the catalogue in force nor among the member's
   series (a code of an older catalogue with values is known), or NULL. */
static const char *unknown_code(const struct call *c, const Ekonet__TrendRequest *req,
                                const Ekonet__TrendReply *r)
{
    for (size_t i = 0; i < req->n_codes; i++) {
        int found = catalogue_find(c->node->catalogue, req->codes[i]) != NULL;
        for (size_t k = 0; !found && k < r->n_series; k++)
            found = strcmp(r->series[k]->code, req->codes[i]) == 0;
        if (!found) return req->codes[i];
    }
    return NULL;
}

/* The network's values of s's indicator over the years of s's points, for context. 0 or -1. */
static int network_years(struct call *c, Ekonet__TrendSeries *s)
{
    if (s->n_points == 0) return 0;
    const struct band *b =
        band_cache_get(c->node->bands, c->node->store, s->code, node_band_admits, c->node);
    if (!b) return -1;
    uint32_t from = s->points[0]->year, to = s->points[s->n_points - 1]->year;
    if (from < BAND_FIRST_YEAR || to > BAND_LAST_YEAR || from > to) return 0;
    s->network = arena_alloc(&c->arena, (to - from + 1) * sizeof *s->network);
    if (!s->network) return -1;
    for (uint32_t y = from; y <= to; y++) {
        const struct band_year *by = &b->years[y - BAND_FIRST_YEAR];
        if (by->members == 0) continue;
        Ekonet__NetworkYear *ny = arena_alloc(&c->arena, sizeof *ny);
        if (!ny) return -1;
        ekonet__network_year__init(ny);
        ny->year = y;
        ny->members = by->members;
        if (by->members >= BAND_MIN_MEMBERS) {
            ny->has_q1 = ny->has_median = ny->has_q3 = 1;
            ny->q1 = by->q1, ny->median = by->median, ny->q3 = by->q3;
        }
        s->network[s->n_network++] = ny;
    }
    return 0;
}

void api_trend(struct call *c, const Ekonet__TrendRequest *req)
{
    uint8_t key[KEY_SIZE];
    if (member_of(c, req->member, key) < 0) return;
    Ekonet__TrendReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__trend_reply__init(r);
    r->member = api_bin(&c->arena, key, KEY_SIZE);
    const char *name = node_member_name(c->node, key);
    if (name) r->member_name = arena_strdup(&c->arena, name);
    struct trend_ctx t = {c, r, CATALOGUE_MAX, 0};
    if (!(r->series = arena_alloc(&c->arena, t.cap * sizeof *r->series)))
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    const char *const *codes = (const char *const *)req->codes;
    if (indicators_values(c->node->store, key, 0, codes, req->n_codes, trend_value, &t) < 0 ||
        (req->history &&
         indicators_history(c->node->store, key, codes, req->n_codes, trend_version, &t) < 0))
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    if (t.oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    const char *unknown = unknown_code(c, req, r);
    if (unknown)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "%.20s is not an indicator of the catalogue in force (revision %s); "
                        "'ekonet indicators catalogue' lists them",
                        unknown, c->node->catalogue_revision);
    if (band_cache_refresh(c->node->bands, c->node->store) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    for (size_t i = 0; i < r->n_series; i++)
        if (network_years(c, r->series[i]) < 0)
            return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    c->reply.result_case = EKONET__API_REPLY__RESULT_TREND;
    c->reply.trend = r;
}

/* Reports of one member on one indicator, collected into an Example. */
struct reports_ctx {
    struct call *call;
    Ekonet__Example *e;
};

static void add_report(void *ctx, const struct report_row *row)
{
    struct reports_ctx *rc = ctx;
    struct arena *a = &rc->call->arena;
    Ekonet__ExampleReport *r = arena_alloc(a, sizeof *r);
    if (!r || rc->e->n_reports == EXAMPLE_REPORTS) return;
    ekonet__example_report__init(r);
    r->id = api_bin(a, row->id, ID_SIZE);
    r->title = arena_strdup(a, row->title ? row->title : "");
    r->timestamp_ms = row->timestamp_ms;
    if (r->id.data && r->title) rc->e->reports[rc->e->n_reports++] = r;
}

/* Whom to ask (the member's official, from its profile or application) and its reports on
   the indicator code. 0 or -1. */
static int example_contact(struct call *c, Ekonet__Example *e, const uint8_t author[KEY_SIZE],
                           const char *code)
{
    struct arena *a = &c->arena;
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    int rc = profile_effective(c->node->store, author, &info, &p);
    if (rc < 0) return -1;
    if (rc == 1 && p->official) {
        e->ask_name = arena_strdup(a, p->official->name);
        if (p->official->title) e->ask_title = arena_strdup(a, p->official->title);
        if (p->official->email) e->ask_email = arena_strdup(a, p->official->email);
    }
    if (p) ekonet__profile__free_unpacked(p, NULL);
    struct reports_ctx ctx = {c, e};
    uint64_t total = 0;
    if (!(e->reports = arena_alloc(a, EXAMPLE_REPORTS * sizeof *e->reports))) return -1;
    if (reports_on_indicator(c->node->store, author, code, EXAMPLE_REPORTS, add_report, &ctx,
                             &total) < 0)
        return -1;
    e->has_report_count = 1;
    e->report_count = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
    return 0;
}

/* An Example message for a member's figures, with whom to ask and its reports. */
static Ekonet__Example *example_msg(struct call *c, const struct example *x, const char *code)
{
    struct arena *a = &c->arena;
    const struct member *m = c->node->roster ? roster_member(c->node->roster, x->author) : NULL;
    Ekonet__Example *e = arena_alloc(a, sizeof *e);
    if (!e) return NULL;
    ekonet__example__init(e);
    e->member = api_bin(a, x->author, KEY_SIZE);
    e->name = arena_strdup(a, m ? m->name : node_member_name(c->node, x->author));
    e->code = arena_strdup(a, m ? m->code : c->node->cfg->code);
    e->year = x->year;
    e->value = x->value;
    if (x->forced) e->has_forced = e->forced = 1;
    if (x->preliminary) e->has_preliminary = e->preliminary = 1;
    if (x->has_from) {
        e->has_from_year = e->has_from_value = e->has_change = 1;
        e->from_year = x->from_year;
        e->from_value = x->from_value;
        e->change = x->value - x->from_value;
    }
    e->points = arena_alloc(a, (x->npoints + 1) * sizeof *e->points);
    for (size_t i = 0; e->points && i < x->npoints; i++) {
        Ekonet__TrendPoint *p = arena_alloc(a, sizeof *p);
        if (!p) break;
        ekonet__trend_point__init(p);
        p->year = x->points[i].year;
        p->value = x->points[i].value;
        e->points[e->n_points++] = p;
    }
    /* The official knows the figures and how they were reached. */
    e->ask_role = "official";
    if (example_contact(c, e, x->author, code) < 0) return NULL;
    return e->name && e->code ? e : NULL;
}

/* Whether x improved: its change goes the indicator's better way. */
static int improved(const struct example *x, int lower_is_better)
{
    double change = x->value - x->from_value;
    return x->has_from && (lower_is_better ? change < 0 : change > 0);
}

/* Fills r's two short lists from the others' examples v[0..n), and r->you. 0 or -1. */
static int examples_lists(struct call *c, Ekonet__ExamplesReply *r, struct example *v, size_t n,
                          const struct example *you, const struct indicator *ind, uint32_t limit)
{
    /* never every member in order: at most half of the others (at least one) */
    size_t shown = n / 2 ? n / 2 : n;
    if (shown > limit) shown = limit;
    r->best_value = arena_alloc(&c->arena, (shown + 1) * sizeof *r->best_value);
    r->best_change = arena_alloc(&c->arena, (shown + 1) * sizeof *r->best_change);
    if (!r->best_value || !r->best_change) return -1;
    indicators_order(v, n, ind->lower_is_better, 0);
    for (size_t i = 0; i < n && r->n_best_value < shown; i++)
        if (!(r->best_value[r->n_best_value++] = example_msg(c, &v[i], ind->code))) return -1;
    indicators_order(v, n, ind->lower_is_better, 1);
    for (size_t i = 0; i < n && r->n_best_change < shown && improved(&v[i], ind->lower_is_better);
         i++)
        if (!(r->best_change[r->n_best_change++] = example_msg(c, &v[i], ind->code))) return -1;
    if (you && !(r->you = example_msg(c, you, ind->code))) return -1;
    return 0;
}

void api_examples(struct call *c, const Ekonet__ExamplesRequest *req)
{
    struct node *n = c->node;
    const struct indicator *ind = catalogue_find(n->catalogue, req->code);
    if (!ind)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "%.20s is not an indicator of the catalogue in force", req->code);
    uint32_t years = req->has_years && req->years ? req->years : 5,
             limit = req->limit ? req->limit : 5;
    if (limit > EXAMPLES_MAX) limit = EXAMPLES_MAX;
    struct example *all, you;
    size_t total;
    int have_you = 0;
    if (indicators_examples(n->store, req->code, years, &all, &total) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    /* Only members in good standing are examples; this node is shown apart. */
    size_t k = 0;
    for (size_t i = 0; i < total; i++) {
        if (memcmp(all[i].author, n->key.pub, KEY_SIZE) == 0)
            you = all[i], have_you = 1;
        else if (!n->roster || node_admits(n, all[i].author))
            all[k++] = all[i];
    }
    Ekonet__ExamplesReply *r = arena_alloc(&c->arena, sizeof *r);
    if (r) {
        ekonet__examples_reply__init(r);
        r->indicator = api_indicator(c, ind);
        r->members = (uint32_t)(k + (size_t)have_you);
        r->has_years = 1;
        r->years = years;
    }
    int rc =
        r && r->indicator ? examples_lists(c, r, all, k, have_you ? &you : NULL, ind, limit) : -1;
    free(all);
    if (rc < 0) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_EXAMPLES;
    c->reply.examples = r;
}

/* A value in force, as own_value finds it. */
struct found_value {
    int found;
    double value;
};

static void found(void *ctx, const struct indicator_point *p)
{
    struct found_value *f = ctx;
    f->found = 1;
    f->value = p->value;
}

/* Whether this node's value of code for year in force is value (carried over unchanged). */
static int carried_over(struct call *c, uint32_t year, const char *code, double value)
{
    struct found_value f = {0, 0};
    if (indicators_values(c->node->store, c->node->key.pub, year, &code, 1, found, &f) < 0)
        return 0;
    return f.found && f.value == value;
}

/* The year of the node's clock (UTC). */
static uint32_t current_year(void)
{
    time_t t = (time_t)(node_now_ms() / 1000);
    struct tm tm;
    return gmtime_r(&t, &tm) ? (uint32_t)tm.tm_year + 1900 : 0;
}

/*
 * One value of a snapshot this node publishes: 0, or -1 replied. A value published before and
 * carried over unchanged was checked then: it passes even if the catalogue changed since.
 */
static int check_value(struct call *c, uint32_t year, const Ekonet__IndicatorValue *v)
{
    const struct indicator *ind = catalogue_find(c->node->catalogue, v->code);
    struct errbuf why;
    if (carried_over(c, year, v->code, v->value)) return 0;
    if (!ind) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "%.20s is not an indicator of the catalogue in force (%s)", v->code,
                 c->node->catalogue_revision);
        return -1;
    }
    int rc = indicator_check_value(ind, v->value, &why);
    if (rc == 0 || (rc == INDICATOR_OUTSIDE && v->has_forced && v->forced)) return 0;
    api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s%s", why.msg,
             rc == INDICATOR_OUTSIDE ? ". Use --force if it is right." : "");
    return -1;
}

int api_check_snapshot(struct call *c, const Ekonet__PublishRequest *p)
{
    Ekonet__Snapshot *s = ekonet__snapshot__unpack(NULL, p->content.len, p->content.data);
    if (!s) return 0; /* feed_publish reports the decoding problem */
    uint32_t now = current_year();
    int rc = 0;
    if (s->year > now) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "%u has not begun: values are published for %u and the years before", s->year,
                 now);
        rc = -1;
    }
    for (size_t i = 0; i < s->n_values && rc == 0; i++) rc = check_value(c, s->year, s->values[i]);
    ekonet__snapshot__free_unpacked(s, NULL);
    return rc;
}
