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

/* A band kept, and the years of it that snapshots changed since it was computed. */
struct kept {
    struct band b;
    uint8_t stale[BAND_YEARS];
    size_t nstale;
};

struct band_cache {
    struct kept *bands[BAND_CACHE_MAX];
    size_t n, next_evicted; /* full: bands are replaced in turn */
    struct band_print fp;   /* of the snapshots when the bands were last checked */
    int have_fp;
    int64_t changes; /* the store's row changes then: none since, no need to check */
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

/* Reads code's values of year (0: of every year) into b. 0 or -1. */
static int fill(struct store *s, const char *code, uint32_t year, band_admits_fn admits, void *ctx,
                struct band *b)
{
    struct band_fill f = {b, admits, ctx, 0, malloc(BAND_VALUES_MAX * sizeof(double)), 0};
    if (!f.v) return -1;
    int rc = indicators_by_year(s, code, year, band_value, &f);
    close_year(b, f.year, f.v, f.n);
    free(f.v);
    return rc;
}

int band_compute(struct store *s, const char *code, band_admits_fn admits, void *ctx,
                 struct band *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->code, sizeof b->code, "%s", code);
    return fill(s, code, 0, admits, ctx, b);
}

int band_fingerprint(struct store *s, struct band_print *fp)
{
    /* a snapshot added, replaced, withdrawn or restored after a redaction changes its year's
       count of rows or the sum of their entries' numbers */
    sqlite3_stmt *st = store_stmt(s, "SELECT year, count(n), total(n) FROM snapshots"
                                     " INDEXED BY snapshots_year GROUP BY year");
    if (!st) return -1;
    memset(fp, 0, sizeof *fp);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t y = sqlite3_column_int64(st, 0);
        if (y < BAND_FIRST_YEAR || y > BAND_LAST_YEAR) continue;
        fp->year[y - BAND_FIRST_YEAR].count = (uint64_t)sqlite3_column_int64(st, 1);
        fp->year[y - BAND_FIRST_YEAR].total = (uint64_t)sqlite3_column_double(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
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
    int64_t changes = sqlite3_total_changes64(store_db(s));
    if (c->have_fp && changes == c->changes) return 0;
    struct band_print *fp = malloc(sizeof *fp);
    if (!fp || band_fingerprint(s, fp) < 0) {
        free(fp);
        return -1;
    }
    for (size_t y = 0; y < BAND_YEARS; y++) {
        if (c->have_fp && fp->year[y].count == c->fp.year[y].count &&
            fp->year[y].total == c->fp.year[y].total)
            continue;
        for (size_t i = 0; i < c->n; i++) { /* this year of every band kept is out of date */
            c->bands[i]->nstale += !c->bands[i]->stale[y];
            c->bands[i]->stale[y] = 1;
        }
    }
    c->fp = *fp;
    c->have_fp = 1;
    c->changes = changes;
    free(fp);
    return 0;
}

/* Computes the stale years of k again. 0 or -1. */
static int freshen(struct kept *k, struct store *s, band_admits_fn admits, void *ctx)
{
    for (uint32_t y = 0; k->nstale && y < BAND_YEARS; y++) {
        if (!k->stale[y]) continue;
        memset(&k->b.years[y], 0, sizeof k->b.years[y]);
        if (fill(s, k->b.code, BAND_FIRST_YEAR + y, admits, ctx, &k->b) < 0) return -1;
        k->stale[y] = 0;
        k->nstale--;
    }
    return 0;
}

/* The kept band of code, or NULL. */
static struct kept *find(struct band_cache *c, const char *code)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->bands[i]->b.code, code) == 0) return c->bands[i];
    return NULL;
}

const struct band *band_cache_get(struct band_cache *c, struct store *s, const char *code,
                                  band_admits_fn admits, void *ctx)
{
    struct kept *k = find(c, code);
    if (k) return freshen(k, s, admits, ctx) < 0 ? NULL : &k->b;
    if (!(k = calloc(1, sizeof *k)) || band_compute(s, code, admits, ctx, &k->b) < 0) {
        free(k);
        return NULL;
    }
    if (c->n < BAND_CACHE_MAX) {
        c->bands[c->n++] = k;
    } else {
        free(c->bands[c->next_evicted]);
        c->bands[c->next_evicted] = k;
        c->next_evicted = (c->next_evicted + 1) % BAND_CACHE_MAX;
    }
    return &k->b;
}

int band_cache_warm(struct band_cache *c, struct store *s, const char *const *codes, size_t n,
                    band_admits_fn admits, void *ctx)
{
    if (band_cache_refresh(c, s) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        struct kept *k = find(c, codes[i]);
        if (k && !k->nstale) continue;
        if (c->n == BAND_CACHE_MAX && !k) return 0; /* full: bands are computed as asked */
        return band_cache_get(c, s, codes[i], admits, ctx) ? 1 : -1;
    }
    return 0;
}
