/*
 * The indicators projection through the accept path: a member's snapshot of a year replaces
 * its earlier one whole (a correction; a value left out and an empty snapshot withdraw), bad
 * snapshots are refused with a reason, forced and preliminary values are marked, the history
 * shows every version, good examples show each member's latest value and its change over the
 * window, ordered by the indicator's direction, and a redacted snapshot is gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "content.pb-c.h"
#include "ekonet/feed.h"
#include "ekonet/indicators.h"
#include "ekonet/project.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

struct fixture {
    char dir[64], path[128], peer_path[128];
    struct node_key a, b, c; /* three members */
    struct store *store;
    struct feeds feeds;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    uint8_t seed[32] = {0};
    key_lib_init();
    seed[0] = 11;
    key_from_seed(&f->a, seed);
    seed[0] = 12;
    key_from_seed(&f->b, seed);
    seed[0] = 13;
    key_from_seed(&f->c, seed);
    tmpdir_make(f->dir, f->path, "indicators");
    snprintf(f->peer_path, sizeof f->peer_path, "%s/peer.db", f->dir);
    assert_non_null(f->store = store_open(f->path, &err));
    f->feeds.store = f->store;
    f->feeds.max_content = 65536;
    memset(f->feeds.network, 1, ID_SIZE);
    f->feeds.roster = NULL;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_destroy(&f->store);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Publishes content of kind in k's feed; the outcome, with why filled in on a refusal. */
static int try_publish(struct fixture *f, const struct node_key *k, uint32_t kind,
                       const uint8_t *buf, size_t len, uint8_t id[ID_SIZE], struct errbuf *why)
{
    struct entry *e = NULL;
    struct errbuf err = {""};
    int rc = feed_publish(&f->feeds, k, kind, buf, len, &e, why, &err);
    if (rc < 0) fail_msg("publish: %s", err.msg);
    if (rc == ENTRY_OK && id) memcpy(id, e->id, ID_SIZE);
    entry_destroy(&e);
    return rc;
}

/* Packs a snapshot of year with n codes and their values and publishes it as k; the outcome. */
static int try_snapshot(struct fixture *f, const struct node_key *k, uint32_t year,
                        const char *source, const char *const *codes, const double *values,
                        size_t n, uint8_t id[ID_SIZE], struct errbuf *why)
{
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    Ekonet__IndicatorValue v[8], *pv[8];
    uint8_t buf[2048];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        ekonet__indicator_value__init(&v[i]);
        v[i].code = (char *)codes[i];
        v[i].value = values[i];
        v[i].note = i == 0 ? "vägt" : NULL;
        pv[i] = &v[i];
    }
    s.year = year;
    s.n_values = n;
    s.values = pv;
    s.catalogue = "default";
    s.source = (char *)source;
    assert_true(ekonet__snapshot__get_packed_size(&s) <= sizeof buf);
    size_t len = ekonet__snapshot__pack(&s, buf);
    return try_publish(f, k, EKONET__ENTRY_KIND__KIND_INDICATORS, buf, len, id, why);
}

static void snapshot(struct fixture *f, const struct node_key *k, uint32_t year,
                     const char *const *codes, const double *values, size_t n, uint8_t id[ID_SIZE])
{
    struct errbuf why = {""};
    if (try_snapshot(f, k, year, NULL, codes, values, n, id, &why) != ENTRY_OK)
        fail_msg("snapshot %u refused: %s", year, why.msg);
}

/* One indicator's value in one year. */
static void one(struct fixture *f, const struct node_key *k, const char *code, uint32_t year,
                double value)
{
    snapshot(f, k, year, &code, &value, 1, NULL);
}

/* A value as a snapshot carries it. */
struct val {
    const char *code;
    double value;
    int forced;
};

/* Publishes k's snapshot of year with the n values (n 0: the year withdrawn). */
static void values(struct fixture *f, const struct node_key *k, uint32_t year, const struct val *v,
                   size_t n, uint8_t id[ID_SIZE])
{
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    Ekonet__IndicatorValue iv[8], *pv[8];
    uint8_t buf[1024];
    struct errbuf why = {""};
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        ekonet__indicator_value__init(&iv[i]);
        iv[i].code = (char *)v[i].code;
        iv[i].value = v[i].value;
        iv[i].has_forced = iv[i].forced = v[i].forced != 0;
        pv[i] = &iv[i];
    }
    s.year = year;
    s.n_values = n;
    s.values = pv;
    size_t len = ekonet__snapshot__pack(&s, buf);
    if (try_publish(f, k, EKONET__ENTRY_KIND__KIND_INDICATORS, buf, len, id, &why) != ENTRY_OK)
        fail_msg("snapshot %u refused: %s", year, why.msg);
}

static void redact(struct fixture *f, const struct node_key *k, const uint8_t target[ID_SIZE])
{
    Ekonet__Redact r = EKONET__REDACT__INIT;
    uint8_t buf[128];
    struct errbuf why = {""};
    r.target = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)target};
    r.reason = "fel";
    if (try_publish(f, k, EKONET__ENTRY_KIND__KIND_REDACT, buf, ekonet__redact__pack(&r, buf), NULL,
                    &why) != ENTRY_OK)
        fail_msg("redact refused: %s", why.msg);
}

/* What the queries give, as text: "2022(Kolada) 2023()" and "GN.7 2022 440|...". */
struct seen {
    char text[512];
};

static void add_year(void *ctx, const struct indicator_year *y)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    snprintf(s->text + o, sizeof s->text - o, "%s%u(%s)", o ? " " : "", y->year, y->source);
}

/* "GN.7 2022 440 vägt|", with " forced" and " preliminary" when they are. */
static void add_value(void *ctx, const struct indicator_point *p)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    snprintf(s->text + o, sizeof s->text - o, "%s %u %g%s%s%s%s|", p->code, p->year, p->value,
             *p->note ? " " : "", p->note, p->forced ? " forced" : "",
             p->preliminary ? " preliminary" : "");
}

/* "GN.7 2022 440 s2|", "GN.7 2022 withdrawn s4|", with " forced" and " preliminary". */
static void add_version(void *ctx, const struct indicator_version *v)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    char value[32];
    snprintf(value, sizeof value, v->withdrawn ? "withdrawn" : "%g", v->value);
    snprintf(s->text + o, sizeof s->text - o, "%s %u %s%s%s s%llu|", v->code, v->year, value,
             v->forced ? " forced" : "", v->preliminary ? " preliminary" : "",
             (unsigned long long)v->seq);
    assert_true(v->timestamp_ms > 0);
}

static const char *history_of(struct store *st, const struct node_key *k, const char *const *codes,
                              size_t ncodes, struct seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(indicators_history(st, k->pub, codes, ncodes, add_version, s), 0);
    return s->text;
}

static const char *years_of(struct fixture *f, const struct node_key *k, struct seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(indicators_years(f->store, k->pub, add_year, s), 0);
    return s->text;
}

static const char *values_in(struct store *st, const struct node_key *k, uint32_t year,
                             const char *const *codes, size_t ncodes, struct seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(indicators_values(st, k->pub, year, codes, ncodes, add_value, s), 0);
    return s->text;
}

static const char *values_of(struct fixture *f, const struct node_key *k, uint32_t year,
                             const char *const *codes, size_t ncodes, struct seen *s)
{
    return values_in(f->store, k, year, codes, ncodes, s);
}

static const struct example *example_of(const struct example *all, size_t n,
                                        const struct node_key *k)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(all[i].author, k->pub, KEY_SIZE) == 0) return &all[i];
    fail_msg("no example for the member");
    return NULL;
}

static void a_newer_snapshot_of_a_year_replaces_the_older_whole(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    const char *both[] = {"GN.7", "GN.11"};
    const char *gn7[] = {"GN.7"};
    snapshot(f, &f->a, 2022, both, (double[]){450, 30}, 2, NULL);
    assert_string_equal(values_of(f, &f->a, 2022, NULL, 0, &s),
                        "GN.11 2022 30|GN.7 2022 450 vägt|");
    /* the correction leaves GN.11 out: it is gone, not kept from before */
    snapshot(f, &f->a, 2022, gn7, (double[]){440}, 1, NULL);
    assert_string_equal(values_of(f, &f->a, 2022, NULL, 0, &s), "GN.7 2022 440 vägt|");
    struct errbuf why = {""};
    assert_int_equal(
        try_snapshot(f, &f->a, 2023, "Kolada", both, (double[]){420, 35}, 2, NULL, &why), ENTRY_OK);
    one(f, &f->a, "GN.7", 2019, 480);
    /* each year once, oldest first, with its source */
    assert_string_equal(years_of(f, &f->a, &s), "2019() 2022() 2023(Kolada)");
    /* every year: by code, then year */
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s),
                        "GN.11 2023 35|GN.7 2019 480 vägt|GN.7 2022 440 vägt|GN.7 2023 420 vägt|");
    assert_string_equal(values_of(f, &f->a, 0, (const char *[]){"GN.11"}, 1, &s), "GN.11 2023 35|");
    assert_string_equal(values_of(f, &f->a, 2023, gn7, 1, &s), "GN.7 2023 420 vägt|");
    assert_string_equal(values_of(f, &f->a, 2023, (const char *[]){"GN.4", "GN.12"}, 2, &s), "");
    assert_string_equal(values_of(f, &f->a, 2020, NULL, 0, &s), "");
    /* another member's snapshots are its own */
    snapshot(f, &f->b, 2022, gn7, (double[]){300}, 1, NULL);
    assert_string_equal(values_of(f, &f->b, 0, NULL, 0, &s), "GN.7 2022 300 vägt|");
    assert_string_equal(values_of(f, &f->a, 2022, NULL, 0, &s), "GN.7 2022 440 vägt|");
    assert_string_equal(years_of(f, &f->c, &s), "");
}

static void bad_snapshots_are_refused_with_a_reason(void **state)
{
    struct fixture *f = *state;
    struct errbuf why;
    struct seen s;
    const char *gn7[] = {"GN.7"};
    const char *twice[] = {"GN.7", "GN.11", "GN.7"};
    struct {
        uint32_t year;
        const char *const *codes;
        const double *values;
        size_t n;
        const char *says;
    } bad[] = {
        {1989, gn7, (double[]){1}, 1, "between 1990 and 2100, not 1989"},
        {2101, gn7, (double[]){1}, 1, "between 1990 and 2100, not 2101"},
        {2023, twice, (double[]){1, 2, 3}, 3, "GN.7 is given twice"},
        {2023, gn7, (double[]){NAN}, 1, "the value of GN.7 is not a number"},
        {2023, gn7, (double[]){INFINITY}, 1, "the value of GN.7 is not a number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&why, 0, sizeof why);
        assert_int_equal(try_snapshot(f, &f->a, bad[i].year, NULL, bad[i].codes, bad[i].values,
                                      bad[i].n, NULL, &why),
                         ENTRY_CONTENT_INVALID);
        if (!strstr(why.msg, bad[i].says))
            fail_msg("case %zu: expected \"%s\" in \"%s\"", i, bad[i].says, why.msg);
    }
    /* nothing of them is stored; the edges of the range are good years */
    assert_string_equal(years_of(f, &f->a, &s), "");
    one(f, &f->a, "GN.7", 1990, 1);
    one(f, &f->a, "GN.7", 2100, 2);
    assert_string_equal(years_of(f, &f->a, &s), "1990() 2100()");
}

/* A: GN.7 over several years; B: one year; C: two years. */
static void publish_waste(struct fixture *f)
{
    one(f, &f->a, "GN.7", 2012, 520); /* outside a 5-year window before 2023 */
    one(f, &f->a, "GN.7", 2018, 480); /* just inside it */
    one(f, &f->a, "GN.7", 2021, 450);
    one(f, &f->a, "GN.7", 2023, 420);
    one(f, &f->b, "GN.7", 2022, 300);
    one(f, &f->c, "GN.7", 2020, 400);
    /* another indicator in the same snapshot is not an example of GN.7 */
    snapshot(f, &f->c, 2023, (const char *[]){"GN.11", "GN.7"}, (double[]){50, 350}, 2, NULL);
}

static void examples_show_the_latest_value_and_the_change_over_the_window(void **state)
{
    struct fixture *f = *state;
    struct example *all;
    size_t n;
    publish_waste(f);
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 3); /* one per member */

    const struct example *a = example_of(all, n, &f->a);
    assert_int_equal(a->year, 2023);
    assert_true(a->value == 420);
    assert_true(a->has_from);
    assert_int_equal(a->from_year, 2018); /* the earliest within the window, not 2012 */
    assert_true(a->from_value == 480);
    assert_int_equal(a->npoints, 3); /* oldest first */
    assert_int_equal(a->points[0].year, 2018);
    assert_true(a->points[0].value == 480);
    assert_int_equal(a->points[1].year, 2021);
    assert_true(a->points[1].value == 450);
    assert_int_equal(a->points[2].year, 2023);
    assert_true(a->points[2].value == 420);

    const struct example *b = example_of(all, n, &f->b);
    assert_int_equal(b->year, 2022);
    assert_true(b->value == 300);
    assert_false(b->has_from); /* a single year has no change */
    assert_int_equal(b->npoints, 1);

    const struct example *c = example_of(all, n, &f->c);
    assert_int_equal(c->year, 2023);
    assert_true(c->value == 350);
    assert_true(c->has_from);
    assert_int_equal(c->from_year, 2020);
    assert_true(c->from_value == 400);
    assert_int_equal(c->npoints, 2);
    free(all);

    /* a narrower window: A's change is from 2021, C has none within 2 years */
    assert_int_equal(indicators_examples(f->store, "GN.7", 2, &all, &n), 0);
    assert_int_equal(n, 3);
    a = example_of(all, n, &f->a);
    assert_int_equal(a->from_year, 2021);
    assert_int_equal(a->npoints, 2);
    assert_false(example_of(all, n, &f->c)->has_from);
    free(all);

    /* an indicator nobody has reported */
    assert_int_equal(indicators_examples(f->store, "GN.12", 5, &all, &n), 0);
    assert_int_equal(n, 0);
    free(all);
}

static void lower_is_better_puts_the_lowest_first(void **state)
{
    struct fixture *f = *state;
    struct example *all;
    size_t n;
    publish_waste(f);
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 3);
    /* by latest value: B 300, C 350, A 420 kg/person */
    indicators_order(all, n, 1, 0);
    assert_memory_equal(all[0].author, f->b.pub, KEY_SIZE);
    assert_memory_equal(all[1].author, f->c.pub, KEY_SIZE);
    assert_memory_equal(all[2].author, f->a.pub, KEY_SIZE);
    /* by change: A -60, C -50, and B (one year only) last */
    indicators_order(all, n, 1, 1);
    assert_memory_equal(all[0].author, f->a.pub, KEY_SIZE);
    assert_memory_equal(all[1].author, f->c.pub, KEY_SIZE);
    assert_memory_equal(all[2].author, f->b.pub, KEY_SIZE);
    free(all);
}

static void higher_is_better_puts_the_highest_first(void **state)
{
    struct fixture *f = *state;
    struct example *all;
    size_t n;
    one(f, &f->a, "GN.11", 2020, 30);
    one(f, &f->a, "GN.11", 2023, 40); /* +10 */
    one(f, &f->b, "GN.11", 2023, 60); /* no change known */
    one(f, &f->c, "GN.11", 2021, 20);
    one(f, &f->c, "GN.11", 2023, 50); /* +30 */
    assert_int_equal(indicators_examples(f->store, "GN.11", 5, &all, &n), 0);
    assert_int_equal(n, 3);
    indicators_order(all, n, 0, 0);
    assert_memory_equal(all[0].author, f->b.pub, KEY_SIZE);
    assert_memory_equal(all[1].author, f->c.pub, KEY_SIZE);
    assert_memory_equal(all[2].author, f->a.pub, KEY_SIZE);
    indicators_order(all, n, 0, 1);
    assert_memory_equal(all[0].author, f->c.pub, KEY_SIZE);
    assert_memory_equal(all[1].author, f->a.pub, KEY_SIZE);
    assert_memory_equal(all[2].author, f->b.pub, KEY_SIZE); /* though its value is the highest */
    free(all);
}

static void a_redacted_snapshot_takes_its_year_away(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    struct example *all;
    size_t n;
    const char *both[] = {"GN.7", "GN.11"};
    uint8_t y2022[ID_SIZE], y2023[ID_SIZE];
    snapshot(f, &f->a, 2022, both, (double[]){450, 30}, 2, y2022);
    snapshot(f, &f->a, 2023, both, (double[]){420, 35}, 2, y2023);
    one(f, &f->b, "GN.7", 2022, 300);
    redact(f, &f->a, y2022);
    assert_string_equal(years_of(f, &f->a, &s), "2023()");
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s), "GN.11 2023 35|GN.7 2023 420 vägt|");
    assert_string_equal(values_of(f, &f->b, 0, NULL, 0, &s), "GN.7 2022 300 vägt|");
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 2);
    assert_false(example_of(all, n, &f->a)->has_from); /* 2022 no longer counts */
    free(all);

    /* a member cannot redact another's snapshot */
    Ekonet__Redact r = EKONET__REDACT__INIT;
    uint8_t buf[128];
    struct errbuf why = {""};
    r.target = (ProtobufCBinaryData){ID_SIZE, y2023};
    r.reason = "fel";
    assert_int_equal(try_publish(f, &f->b, EKONET__ENTRY_KIND__KIND_REDACT, buf,
                                 ekonet__redact__pack(&r, buf), NULL, &why),
                     ENTRY_CONTENT_INVALID);
    assert_non_null(strstr(why.msg, "own feed"));
    assert_string_equal(years_of(f, &f->a, &s), "2023()");
}

static void redacting_a_replaced_snapshot_leaves_the_newer_one(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    const char *gn7[] = {"GN.7"};
    uint8_t v1[ID_SIZE];
    snapshot(f, &f->a, 2022, gn7, (double[]){450}, 1, v1);
    snapshot(f, &f->a, 2022, gn7, (double[]){440}, 1, NULL);
    redact(f, &f->a, v1);
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s), "GN.7 2022 440 vägt|");
}

/* Hands a stored entry, as a peer would get it, to another node's feeds; counts refusals. */
struct relay {
    struct feeds *to;
    int refused;
};

static int relay_one(void *ctx, const struct entry *e)
{
    struct relay *r = ctx;
    struct entry *copy = entry_dup(e);
    struct errbuf why = {""}, err = {""};
    int status = -1;
    if (!copy || feed_accept(r->to, &copy, 1, &status, &why, &err) != 1) r->refused++;
    entry_destroy(&copy);
    return 0;
}

/*
 * What the queries show is what the entries say: rebuilding the tables, or a node that gets
 * the feeds after the redactions (the redacted entries without their content), shows the same.
 */
static void the_projection_is_the_same_when_rebuilt_or_replicated(void **state)
{
    struct fixture *f = *state;
    struct seen before[3], s;
    struct errbuf err = {""};
    uint64_t count;
    const char *gn7[] = {"GN.7"};
    uint8_t a2022[ID_SIZE], b2021[ID_SIZE], c2021[ID_SIZE];
    publish_waste(f);
    snapshot(f, &f->a, 2022, gn7, (double[]){445}, 1, a2022);
    snapshot(f, &f->a, 2022, gn7, (double[]){440}, 1, NULL); /* replaces it */
    redact(f, &f->a, a2022);                                 /* the replaced one */
    snapshot(f, &f->b, 2021, gn7, (double[]){310}, 1, NULL);
    snapshot(f, &f->b, 2021, gn7, (double[]){315}, 1, b2021);
    redact(f, &f->b, b2021); /* the one in force: the one it replaced is what is left */
    values(f, &f->b, 2022, NULL, 0, NULL); /* a year withdrawn */
    snapshot(f, &f->c, 2021, gn7, (double[]){390}, 1, c2021);
    redact(f, &f->c, c2021); /* the only one of its year */
    const struct node_key *k[3] = {&f->a, &f->b, &f->c};
    for (int i = 0; i < 3; i++) values_of(f, k[i], 0, NULL, 0, &before[i]);
    assert_string_equal(before[0].text, "GN.7 2012 520 vägt|GN.7 2018 480 vägt|GN.7 2021 450 vägt|"
                                        "GN.7 2022 440 vägt|GN.7 2023 420 vägt|");
    assert_string_equal(before[1].text, "GN.7 2021 310 vägt|");
    assert_string_equal(before[2].text, "GN.11 2023 50 vägt|GN.7 2020 400 vägt|GN.7 2023 350|");

    assert_int_equal(project_rebuild(f->store, &count, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(values_of(f, k[i], 0, NULL, 0, &s), before[i].text);

    struct feeds peer = {.max_content = 65536};
    memcpy(peer.network, f->feeds.network, ID_SIZE);
    assert_non_null(peer.store = store_open(f->peer_path, &err));
    struct relay r = {&peer, 0};
    for (int i = 0; i < 3; i++)
        assert_true(store_range(f->store, k[i]->pub, 1, 100, relay_one, &r) > 0);
    assert_int_equal(r.refused, 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(values_in(peer.store, k[i], 0, NULL, 0, &s), before[i].text);
    store_destroy(&peer.store);
}

/* The year of the clock the entries are dated by. */
static uint32_t this_year(void)
{
    time_t t = time(NULL);
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    return (uint32_t)tm.tm_year + 1900;
}

static void a_value_left_out_or_an_empty_snapshot_withdraws(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    struct example *all;
    size_t n;
    values(f, &f->a, 2021, (struct val[]){{"GN.7", 460, 0}}, 1, NULL);
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 450, 0}, {"GN.11", 30, 0}}, 2, NULL);
    /* a correction: the value replaced, the other kept because it is given again */
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 440, 0}, {"GN.11", 30, 0}}, 2, NULL);
    assert_string_equal(values_of(f, &f->a, 2022, NULL, 0, &s), "GN.11 2022 30|GN.7 2022 440|");
    /* a value withdrawn: left out */
    values(f, &f->a, 2022, (struct val[]){{"GN.11", 30, 0}}, 1, NULL);
    assert_string_equal(values_of(f, &f->a, 2022, NULL, 0, &s), "GN.11 2022 30|");
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(all[0].year, 2021); /* the examples use the correction */
    free(all);
    /* the year withdrawn: an empty snapshot */
    values(f, &f->a, 2022, NULL, 0, NULL);
    assert_string_equal(years_of(f, &f->a, &s), "2021()");
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s), "GN.7 2021 460|");
    assert_int_equal(indicators_examples(f->store, "GN.11", 5, &all, &n), 0);
    assert_int_equal(n, 0);
    free(all);
    /* and published again */
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 445, 0}}, 1, NULL);
    assert_string_equal(years_of(f, &f->a, &s), "2021() 2022()");
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s), "GN.7 2021 460|GN.7 2022 445|");
}

static void forced_and_preliminary_values_are_marked(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    struct example *all;
    size_t n;
    uint32_t now = this_year();
    char want[128];
    values(f, &f->a, now - 1, (struct val[]){{"GN.7", 1e9, 1}, {"GN.11", 30, 0}}, 2, NULL);
    values(f, &f->a, now, (struct val[]){{"GN.7", 400, 0}}, 1, NULL);
    snprintf(want, sizeof want, "GN.11 %u 30|GN.7 %u 1e+09 forced|GN.7 %u 400 preliminary|",
             now - 1, now - 1, now);
    assert_string_equal(values_of(f, &f->a, 0, NULL, 0, &s), want);
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 1);
    assert_true(all[0].preliminary);
    assert_false(all[0].forced);
    free(all);
    assert_int_equal(indicators_examples(f->store, "GN.11", 5, &all, &n), 0);
    assert_false(all[0].preliminary);
    free(all);
    /* a value of a year published after it was over is final; the year's flag is shown once */
    assert_false(indicators_preliminary(2022, 1672531200000ULL)); /* 2023-01-01T00:00Z */
    assert_true(indicators_preliminary(2022, 1672531199999ULL));
    assert_true(indicators_preliminary(2023, 1672531200000ULL));
}

static void the_history_shows_every_version_of_each_value(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    uint8_t wrong[ID_SIZE];
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 450, 0}, {"GN.11", 30, 0}}, 2, NULL);  /* 1 */
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 440, 0}, {"GN.11", 30, 0}}, 2, NULL);  /* 2 */
    values(f, &f->a, 2021, (struct val[]){{"GN.7", 470, 0}}, 1, NULL);                    /* 3 */
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 1e9, 1}, {"GN.11", 30, 0}}, 2, NULL);  /* 4 */
    values(f, &f->a, 2022, (struct val[]){{"GN.11", 31, 0}}, 1, NULL);                    /* 5 */
    values(f, &f->a, 2022, (struct val[]){{"GN.7", 435, 0}, {"GN.11", 31, 0}}, 2, wrong); /* 6 */
    values(f, &f->a, 2022, NULL, 0, NULL);                                                /* 7 */
    values(f, &f->b, 2022, (struct val[]){{"GN.7", 300, 0}}, 1, NULL);
    assert_string_equal(history_of(f->store, &f->a, NULL, 0, &s),
                        "GN.11 2022 30 s1|GN.11 2022 31 s5|GN.11 2022 withdrawn s7|"
                        "GN.7 2021 470 s3|"
                        "GN.7 2022 450 s1|GN.7 2022 440 s2|GN.7 2022 1e+09 forced s4|"
                        "GN.7 2022 withdrawn s5|GN.7 2022 435 s6|GN.7 2022 withdrawn s7|");
    assert_string_equal(history_of(f->store, &f->a, (const char *[]){"GN.11"}, 1, &s),
                        "GN.11 2022 30 s1|GN.11 2022 31 s5|GN.11 2022 withdrawn s7|");
    assert_string_equal(history_of(f->store, &f->b, NULL, 0, &s), "GN.7 2022 300 s1|");
    assert_string_equal(history_of(f->store, &f->c, NULL, 0, &s), "");
    /* a redacted snapshot is not part of the history */
    redact(f, &f->a, wrong);
    assert_string_equal(history_of(f->store, &f->a, (const char *[]){"GN.7"}, 1, &s),
                        "GN.7 2021 470 s3|"
                        "GN.7 2022 450 s1|GN.7 2022 440 s2|GN.7 2022 1e+09 forced s4|"
                        "GN.7 2022 withdrawn s5|");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_newer_snapshot_of_a_year_replaces_the_older_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bad_snapshots_are_refused_with_a_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(
            examples_show_the_latest_value_and_the_change_over_the_window, setup, teardown),
        cmocka_unit_test_setup_teardown(lower_is_better_puts_the_lowest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(higher_is_better_puts_the_highest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(a_redacted_snapshot_takes_its_year_away, setup, teardown),
        cmocka_unit_test_setup_teardown(redacting_a_replaced_snapshot_leaves_the_newer_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_projection_is_the_same_when_rebuilt_or_replicated,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_value_left_out_or_an_empty_snapshot_withdraws, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(forced_and_preliminary_values_are_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(the_history_shows_every_version_of_each_value, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
