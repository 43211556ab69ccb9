#include <stdlib.h>
#include <string.h>

#include "content.pb-c.h"
#include "ekonet/indicators.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_SEQ[] = "SELECT seq FROM snapshots WHERE author=?1 AND year=?2";
static const char SQL_CLEAR[] = "DELETE FROM indicator_values WHERE author=?1 AND year=?2";
static const char SQL_SNAPSHOT[] = "INSERT OR REPLACE INTO snapshots(author, year, seq, n, source)"
                                   " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char SQL_VALUE[] = "INSERT OR REPLACE INTO indicator_values(code, author, year, value,"
                                " note) VALUES(?1, ?2, ?3, ?4, ?5)";

/* Removes author's values of year (before a newer snapshot, or a redaction). */
static int clear_year(struct store *s, const uint8_t *author, uint32_t year)
{
    sqlite3_stmt *st = store_stmt(s, SQL_CLEAR);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    return step(st);
}

int indicators_project(struct store *s, const struct entry *e, int64_t n)
{
    if (!e->content) return 0;
    Ekonet__Snapshot *snap = ekonet__snapshot__unpack(NULL, e->content_len, e->content);
    if (!snap) return 0;
    int rc = -1;
    sqlite3_stmt *st = store_stmt(s, SQL_SEQ);
    if (!st) goto out;
    sqlite3_bind_blob(st, 1, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, snap->year);
    int have = sqlite3_step(st) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) >= e->seq;
    sqlite3_reset(st);
    if (have) { /* a newer snapshot of that year is here already */
        rc = 0;
        goto out;
    }
    if (clear_year(s, e->author, snap->year) < 0 || !(st = store_stmt(s, SQL_SNAPSHOT))) goto out;
    sqlite3_bind_blob(st, 1, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, snap->year);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 4, n);
    sqlite3_bind_text(st, 5, snap->source ? snap->source : "", -1, SQLITE_STATIC);
    if (step(st) < 0) goto out;
    for (size_t i = 0; i < snap->n_values; i++) {
        if (!(st = store_stmt(s, SQL_VALUE))) goto out;
        sqlite3_bind_text(st, 1, snap->values[i]->code, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, e->author, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, snap->year);
        sqlite3_bind_double(st, 4, snap->values[i]->value);
        sqlite3_bind_text(st, 5, snap->values[i]->note ? snap->values[i]->note : "", -1,
                          SQLITE_STATIC);
        if (step(st) < 0) goto out;
    }
    rc = 0;
out:
    ekonet__snapshot__free_unpacked(snap, NULL);
    return rc;
}

/*
 * After the snapshot in force for author's year was redacted: the author's latest other snapshot
 * of that year that still has its content takes its place, as in a rebuild from the entries or
 * on a node that got the redacted entry without its content. 0 or -1.
 */
static int restore_year(struct store *s, const uint8_t *author, uint32_t year,
                        const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT n, seq, content FROM entries WHERE author=?1 AND"
                      " kind=?2 AND id<>?3 AND content IS NOT NULL ORDER BY seq DESC");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, EKONET__ENTRY_KIND__KIND_INDICATORS);
    sqlite3_bind_blob(st, 3, id, ID_SIZE, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const uint8_t *content = sqlite3_column_blob(st, 2);
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        Ekonet__Snapshot *snap = len ? ekonet__snapshot__unpack(NULL, len, content) : NULL;
        int same = snap && snap->year == year;
        if (snap) ekonet__snapshot__free_unpacked(snap, NULL);
        if (!same) continue;
        struct entry e = {.seq = (uint64_t)sqlite3_column_int64(st, 1),
                          .kind = EKONET__ENTRY_KIND__KIND_INDICATORS,
                          .content = (uint8_t *)content,
                          .content_len = len};
        memcpy(e.author, author, KEY_SIZE);
        int64_t n = sqlite3_column_int64(st, 0);
        rc = indicators_project(s, &e, n) < 0 ? SQLITE_ERROR : SQLITE_DONE;
        break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int indicators_forget(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(
        s, "SELECT author, year FROM snapshots WHERE n=(SELECT n FROM entries WHERE id=?1)");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    uint8_t author[KEY_SIZE];
    uint32_t year = 0;
    int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SIZE;
    if (found) {
        memcpy(author, sqlite3_column_blob(st, 0), KEY_SIZE);
        year = (uint32_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (!found) return 0;
    if (clear_year(s, author, year) < 0) return -1;
    if (!(st = store_stmt(s, "DELETE FROM snapshots WHERE author=?1 AND year=?2"))) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    if (step(st) < 0) return -1;
    return restore_year(s, author, year, id);
}

/*
 * A member's snapshots over all its keys (?1 names any of them): k its keys, y for each year
 * the newest key (highest gen) with a snapshot of it, whose snapshot is the one in force.
 */
#define MEMBER_YEARS                                                                               \
    "WITH k(key, gen) AS (" ROSTER_KEYS_OF(                                                        \
        "?1") "), y(year, gen) AS (SELECT s.year, max(k.gen)"                                      \
              " FROM snapshots s JOIN k ON k.key = s.author GROUP BY s.year) "

static const char SQL_YEARS[] =
    MEMBER_YEARS "SELECT s.year, s.source FROM snapshots s JOIN k ON k.key = s.author"
                 " JOIN y ON y.year = s.year AND y.gen = k.gen ORDER BY s.year";
static const char SQL_VALUES[] =
    MEMBER_YEARS "SELECT v.code, v.year, v.value, v.note FROM indicator_values v"
                 " JOIN k ON k.key = v.author JOIN y ON y.year = v.year AND y.gen = k.gen"
                 " WHERE (?2=0 OR v.year=?2) ORDER BY v.code, v.year";

int indicators_years(struct store *s, const uint8_t author[KEY_SIZE],
                     void (*fn)(void *ctx, uint32_t year, const char *source), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_YEARS);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (uint32_t)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int indicators_values(struct store *s, const uint8_t author[KEY_SIZE], uint32_t year,
                      const char *const *codes, size_t ncodes,
                      void (*fn)(void *ctx, const char *code, uint32_t year, double value,
                                 const char *note),
                      void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_VALUES);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        int wanted = ncodes == 0;
        for (size_t i = 0; i < ncodes && !wanted; i++) wanted = strcmp(codes[i], code) == 0;
        if (wanted)
            fn(ctx, code, (uint32_t)sqlite3_column_int64(st, 1), sqlite3_column_double(st, 2),
               (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * One indicator's values by member, over all the keys of each: s every snapshot with its
 * member and key generation, w for each member and year the newest key with a snapshot of
 * it. Each row names the member by its current key (its newest), by member and year.
 */
static const char SQL_EXAMPLES[] =
    "WITH s(member, gen, author, year) AS (SELECT coalesce(m.member, s.author),"
    " coalesce(m.gen, 0), s.author, s.year FROM snapshots s LEFT JOIN members m ON m.key = "
    "s.author),"
    " w(member, year, gen) AS (SELECT member, year, max(gen) FROM s GROUP BY member, year)"
    " SELECT coalesce((SELECT key FROM members WHERE member = s.member ORDER BY gen DESC LIMIT 1),"
    " s.member), v.year, v.value FROM indicator_values v"
    " JOIN s ON s.author = v.author AND s.year = v.year"
    " JOIN w ON w.member = s.member AND w.year = s.year AND w.gen = s.gen"
    " WHERE v.code=?1 ORDER BY s.member, v.year";

int indicators_examples(struct store *s, const char *code, uint32_t years, struct example **all,
                        size_t *n)
{
    sqlite3_stmt *st = store_stmt(s, SQL_EXAMPLES);
    size_t cap = 0;
    *all = NULL;
    *n = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    /* rows come by member, oldest first: the last row of a member is its latest value */
    struct {
        uint32_t year;
        double value;
    } *series = malloc(256 * sizeof *series);
    size_t ns = 0;
    uint8_t cur[KEY_SIZE];
    int rc = series ? SQLITE_ROW : SQLITE_NOMEM, more = 1;
    while (rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        more = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SIZE;
        int same = more && ns && memcmp(cur, sqlite3_column_blob(st, 0), KEY_SIZE) == 0;
        if (ns && !same) { /* close the member before */
            if (*n == cap) {
                cap = cap ? cap * 2 : 64;
                struct example *v = realloc(*all, cap * sizeof *v);
                if (!v) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                *all = v;
            }
            struct example *x = &(*all)[(*n)++];
            memset(x, 0, sizeof *x);
            memcpy(x->author, cur, KEY_SIZE);
            x->year = series[ns - 1].year;
            x->value = series[ns - 1].value;
            for (size_t i = 0; i < ns; i++) {
                if (series[i].year + years < x->year || series[i].year > x->year) continue;
                if (x->npoints < EXAMPLE_POINTS) {
                    x->points[x->npoints].year = series[i].year;
                    x->points[x->npoints++].value = series[i].value;
                }
                if (!x->has_from && series[i].year < x->year) {
                    x->has_from = 1;
                    x->from_year = series[i].year;
                    x->from_value = series[i].value;
                }
            }
            ns = 0;
        }
        if (!more) break;
        if (ns < 256) {
            memcpy(cur, sqlite3_column_blob(st, 0), KEY_SIZE);
            series[ns].year = (uint32_t)sqlite3_column_int64(st, 1);
            series[ns++].value = sqlite3_column_double(st, 2);
        }
    }
    sqlite3_reset(st);
    free(series);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        free(*all);
        *all = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

static int lower_better, by_change;

/* Better first; ties by later year. */
static int cmp_example(const void *pa, const void *pb)
{
    const struct example *a = pa, *b = pb;
    if (by_change && a->has_from != b->has_from) return a->has_from ? -1 : 1;
    double x = by_change ? a->value - a->from_value : a->value;
    double y = by_change ? b->value - b->from_value : b->value;
    if (x != y) return (x < y) == lower_better ? -1 : 1;
    return a->year > b->year ? -1 : a->year < b->year;
}

void indicators_order(struct example *v, size_t n, int lower_is_better, int change)
{
    if (n < 2) return; /* v may be NULL then, which qsort must not be given */
    lower_better = lower_is_better != 0;
    by_change = change;
    qsort(v, n, sizeof *v, cmp_example);
}
