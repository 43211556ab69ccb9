/*
 * band: the network's values of one indicator year by year, for context beside one member's
 * own trend: how many members have a value that year, and the quartiles of their values (the
 * median and the middle half). It names no member and ranks none. A year with fewer than
 * BAND_MIN_MEMBERS values has no quartiles: with so few, they would come close to showing
 * single members' values.
 *
 * Reading every member's values of an indicator costs about 6,000 rows at 300 members x 20
 * years, so a node keeps the bands it computed (band_cache): a year whose snapshots changed
 * (band_fingerprint) is computed again when next asked for (about 300 rows), every band when
 * the roster changes (band_cache_clear). The node computes the bands of the catalogue while
 * idle (band_cache_warm), so that no one waits for them.
 */
#ifndef EKONET_BAND_H
#define EKONET_BAND_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"

struct store;

#define BAND_MIN_MEMBERS 5
#define BAND_FIRST_YEAR  1990 /* the years a snapshot may have */
#define BAND_LAST_YEAR   2100
#define BAND_YEARS       (BAND_LAST_YEAR - BAND_FIRST_YEAR + 1)
#define BAND_CACHE_MAX   200 /* indicators whose bands a cache keeps (CATALOGUE_MAX) */

struct band_year {
    uint32_t members;      /* members with a value that year */
    double q1, median, q3; /* when members >= BAND_MIN_MEMBERS */
};

struct band {
    char code[17];
    struct band_year years[BAND_YEARS]; /* [year - BAND_FIRST_YEAR] */
};

/* Whose values count: 1 for a member in good standing. */
typedef int (*band_admits_fn)(void *ctx, const uint8_t author[KEY_SIZE]);

/* The quartiles of sorted[0..n), n >= 1, interpolated between neighbours (Hyndman and Fan's
   type 7, as spreadsheets' QUARTILE.INC). */
void band_quartiles(const double *sorted, size_t n, double *q1, double *median, double *q3);

/* Fills b with code's values, year by year, of the members admits accepts. 0 or -1. */
int band_compute(struct store *s, const char *code, band_admits_fn admits, void *ctx,
                 struct band *b);

/* Two numbers a year that change whenever its projection of snapshots does. */
struct band_print {
    struct {
        uint64_t count, total;
    } year[BAND_YEARS];
};
int band_fingerprint(struct store *s, struct band_print *fp);

struct band_cache;

/* An empty cache (NULL when out of memory); band_cache_destroy frees it and nulls *c. */
struct band_cache *band_cache_new(void);
void band_cache_destroy(struct band_cache **c);

/* Forgets every band (the roster changed: whose values count did). */
void band_cache_clear(struct band_cache *c);

/* Marks the years whose snapshots changed since the last call as out of date in every band
   kept (nothing is read when the store changed nothing since); once per request. 0 or -1. */
int band_cache_refresh(struct band_cache *c, struct store *s);

/* code's band, computed when not kept and its stale years again (borrowed until the cache's
   next call); NULL on error. */
const struct band *band_cache_get(struct band_cache *c, struct store *s, const char *code,
                                  band_admits_fn admits, void *ctx);

/* One step of idle work: computes the first band of codes[0..n) not kept or out of date.
   1 when it computed one, 0 when all are ready (or the cache is full), -1 on error. */
int band_cache_warm(struct band_cache *c, struct store *s, const char *const *codes, size_t n,
                    band_admits_fn admits, void *ctx);

#endif
