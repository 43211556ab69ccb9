/*
 * band: the network's quartiles of one indicator per year (see the header). The values come
 * from indicators_by_year in order of year and value, one per member as last corrected (over
 * its keys), so that each year's values arrive sorted and nothing is sorted here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/band.h"
#include "ekonet/indicators.h"
#include "ekonet/store.h"

/* Values of one year one band reads at most: one per member, and far more members than any
   network of municipalities has; more are left out of the quartiles. */
#define BAND_VALUES_MAX 4096

struct band_cache {
    struct band *bands[BAND_CACHE_MAX];
    size_t n, next_evicted; /* full: bands are replaced in turn */
    uint64_t fp[2];
    int have_fp;
};

/* The value at fraction p of sorted[0..n). */
static double quantile(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    return i + 1 < n ? v[i] + (h - lo) * (v[i + 1] - v[i]) : v[i];
}

void band_quartiles(const double *sorted, size_t n, double *q1, double *median, double *q3)
{
    *q1 = quantile(sorted, n, 0.25);
    *median = quantile(sorted, n, 0.5);
    *q3 = quantile(sorted, n, 0.75);
}

/* Closes year's values v[0..n) into b. */
static void close_year(struct band *b, uint32_t year, const double *v, size_t n)
{
    if (year < BAND_FIRST_YEAR || year > BAND_LAST_YEAR || n == 0) return;
    struct band_year *y = &b->years[year - BAND_FIRST_YEAR];
    y->members = (uint32_t)n;
    if (n >= BAND_MIN_MEMBERS) band_quartiles(v, n, &y->q1, &y->median, &y->q3);
}

/* The band being computed: the current year's values so far. */
struct band_fill {
    struct band *b;
    band_admits_fn admits;
    void *ctx;
    uint32_t year;
    double *v;
    size_t n;
};

static int band_value(void *ctx, const uint8_t member[KEY_SIZE], uint32_t year, double value)
{
    struct band_fill *f = ctx;
    if (year != f->year) {
        close_year(f->b, f->year, f->v, f->n);
        f->year = year, f->n = 0;
    }
    if (f->admits && !f->admits(f->ctx, member)) return 0;
    if (f->n < BAND_VALUES_MAX) f->v[f->n++] = value;
    return 0;
}

int band_compute(struct store *s, const char *code, band_admits_fn admits, void *ctx,
                 struct band *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->code, sizeof b->code, "%s", code);
    struct band_fill f = {b, admits, ctx, 0, malloc(BAND_VALUES_MAX * sizeof(double)), 0};
    if (!f.v) return -1;
    int rc = indicators_by_year(s, code, band_value, &f);
    close_year(b, f.year, f.v, f.n);
    free(f.v);
    return rc;
}

int band_fingerprint(struct store *s, uint64_t fp[2])
{
    /* a snapshot added, replaced, withdrawn or restored after a redaction changes the count
       of rows or the sum of their entries' numbers */
    sqlite3_stmt *st = store_stmt(s, "SELECT count(n), total(n) FROM snapshots");
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fp[0] = (uint64_t)sqlite3_column_int64(st, 0);
        fp[1] = (uint64_t)sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

struct band_cache *band_cache_new(void)
{
    return calloc(1, sizeof(struct band_cache));
}

void band_cache_clear(struct band_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) free(c->bands[i]);
    c->n = c->next_evicted = 0;
}

void band_cache_destroy(struct band_cache **pc)
{
    if (!pc || !*pc) return;
    band_cache_clear(*pc);
    free(*pc);
    *pc = NULL;
}

int band_cache_refresh(struct band_cache *c, struct store *s)
{
    uint64_t fp[2];
    if (band_fingerprint(s, fp) < 0) return -1;
    if (!c->have_fp || fp[0] != c->fp[0] || fp[1] != c->fp[1]) band_cache_clear(c);
    c->fp[0] = fp[0], c->fp[1] = fp[1], c->have_fp = 1;
    return 0;
}

const struct band *band_cache_get(struct band_cache *c, struct store *s, const char *code,
                                  band_admits_fn admits, void *ctx)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->bands[i]->code, code) == 0) return c->bands[i];
    struct band *b = malloc(sizeof *b);
    if (!b || band_compute(s, code, admits, ctx, b) < 0) {
        free(b);
        return NULL;
    }
    if (c->n < BAND_CACHE_MAX) {
        c->bands[c->n++] = b;
    } else {
        free(c->bands[c->next_evicted]);
        c->bands[c->next_evicted] = b;
        c->next_evicted = (c->next_evicted + 1) % BAND_CACHE_MAX;
    }
    return b;
}
