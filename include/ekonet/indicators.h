/*
 * indicators: the projection of INDICATORS entries (snapshots: a member's values for one year;
 * the latest seq for a year wins, whole: a value it leaves out is withdrawn, and a snapshot
 * without values withdraws the year) and its queries: a member's snapshot, its values year by
 * year, the history of each year's value, and the good examples for one indicator. Nothing
 * here compares members across indicators: the network does not rank its members.
 *
 * The tables hold each key's snapshots; the queries join a member's keys (a key that succeeded
 * another, docs/PROTOCOL.md 4.4.1): for a year with snapshots under several of its keys, the
 * newest key's is in force, so that a member's series goes on across a change of key.
 *
 * A value is preliminary when its snapshot was published before the end of its year (UTC),
 * forced when the member confirmed it outside the catalogue's range; both are shown with it.
 */
#ifndef EKONET_INDICATORS_H
#define EKONET_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"

struct store;

#define INDICATORS_SCHEMA                                                                          \
    "CREATE TABLE IF NOT EXISTS snapshots(author BLOB NOT NULL, year INTEGER NOT NULL,"            \
    " seq INTEGER NOT NULL, n INTEGER NOT NULL, source TEXT NOT NULL DEFAULT '',"                  \
    " ts INTEGER NOT NULL DEFAULT 0, nv INTEGER NOT NULL DEFAULT 0,"                               \
    " PRIMARY KEY(author, year)) WITHOUT ROWID;"                                                   \
    "CREATE INDEX IF NOT EXISTS snapshots_n ON snapshots(n);"                                      \
    "CREATE INDEX IF NOT EXISTS snapshots_year ON snapshots(year, n);"                             \
    "CREATE TABLE IF NOT EXISTS indicator_values(code TEXT NOT NULL, author BLOB NOT NULL,"        \
    " year INTEGER NOT NULL, value REAL NOT NULL, note TEXT NOT NULL DEFAULT '',"                  \
    " forced INTEGER NOT NULL DEFAULT 0, preliminary INTEGER NOT NULL DEFAULT 0,"                  \
    " PRIMARY KEY(code, author, year)) WITHOUT ROWID;"                                             \
    "CREATE INDEX IF NOT EXISTS indicator_values_author ON indicator_values(author, year);"        \
    "CREATE INDEX IF NOT EXISTS indicator_values_year ON indicator_values(code, year, value);"
#define INDICATORS_DROP "DROP TABLE IF EXISTS snapshots; DROP TABLE IF EXISTS indicator_values;"

#define EXAMPLE_POINTS 40

/* Versions indicators_history gives at most (a member publishing weekly for 20 years: 1000). */
#define INDICATORS_HISTORY_MAX 10000

/* One year's value in force (indicators_values). */
struct indicator_point {
    const char *code;
    uint32_t year;
    double value;
    const char *note; /* "" when none */
    int forced;       /* outside the catalogue's range, confirmed by the member */
    int preliminary;  /* published before its year was over */
};

/* A year the member has values for (indicators_years). */
struct indicator_year {
    uint32_t year;
    const char *source;    /* "" when none */
    uint64_t timestamp_ms; /* when the snapshot in force was published */
    int preliminary;
};

/* One version of one year's value: what one snapshot changed of it (indicators_history). */
struct indicator_version {
    const char *code;
    uint32_t year;
    int withdrawn; /* the snapshot left the value out (or withdrew the year) */
    double value;  /* unless withdrawn */
    int forced;
    int preliminary;
    uint64_t seq; /* the snapshot's entry, in the feed of the key that signed it */
    uint64_t timestamp_ms;
};

struct example {
    uint8_t author[KEY_SIZE];
    uint32_t year; /* latest year with a value */
    double value;
    int forced;      /* the latest value */
    int preliminary; /* the latest value */
    int has_from;    /* an earlier year within the window */
    uint32_t from_year;
    double from_value;
    size_t npoints;
    struct {
        uint32_t year;
        double value;
    } points[EXAMPLE_POINTS]; /* the values over the window, oldest first */
};

/* Applies an INDICATORS entry. 0 or -1. */
int indicators_project(struct store *s, const struct entry *e, int64_t n);

/* Forgets the snapshot of entry id (a redaction). 0 or -1. */
int indicators_forget(struct store *s, const uint8_t id[ID_SIZE]);

/* Whether a value of year published at timestamp_ms is preliminary: the year was not over. */
int indicators_preliminary(uint32_t year, uint64_t timestamp_ms);

/* Calls fn for each year the member of key author (any of its keys) has values for (not
   withdrawn), oldest first. 0 or -1. */
int indicators_years(struct store *s, const uint8_t author[KEY_SIZE],
                     void (*fn)(void *ctx, const struct indicator_year *y), void *ctx);

/*
 * Calls fn for the values of author's member (all its keys): of one year (year != 0) or every year
 * (year 0), of the codes given (ncodes 0: all), by code and year. 0 or -1.
 */
int indicators_values(struct store *s, const uint8_t author[KEY_SIZE], uint32_t year,
                      const char *const *codes, size_t ncodes,
                      void (*fn)(void *ctx, const struct indicator_point *p), void *ctx);

/*
 * Calls fn for every version of the values of author's member (all its keys, the first key
 * first) of the codes given (ncodes 0: all), by code, year and order of publication: each
 * value a snapshot set, changed (value or forced) or withdrew, from the snapshots whose
 * content this node holds. At most INDICATORS_HISTORY_MAX versions (then the
 * newest are left out and 1 is returned); 0, or -1 on a store error.
 */
int indicators_history(struct store *s, const uint8_t author[KEY_SIZE], const char *const *codes,
                       size_t ncodes, void (*fn)(void *ctx, const struct indicator_version *v),
                       void *ctx);

/* One indicator's values in force of year (0: of every year), one per member and year (over
 * the member's keys; members named by their current key), by year and value; fn returning -1
 * stops. 0, or -1. */
int indicators_by_year(struct store *s, const char *code, uint32_t year,
                       int (*fn)(void *ctx, const uint8_t member[KEY_SIZE], uint32_t year,
                                 double value),
                       void *ctx);

/*
 * Good examples for one indicator: every member's latest value, and its change over `years`
 * years before that. *all (caller frees) gets one example per member with a value (author:
 * its current key), *n how many. The caller orders them by the indicator's direction
 * (indicators_order).
 */
int indicators_examples(struct store *s, const char *code, uint32_t years, struct example **all,
                        size_t *n);

/* Orders examples best first: by latest value, or (by_change) by improvement; with
   lower_is_better, lower counts as better. Examples without a change sort last. */
void indicators_order(struct example *v, size_t n, int lower_is_better, int by_change);

#endif
