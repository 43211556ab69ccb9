#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
static const char SQL_SNAPSHOT[] = "INSERT OR REPLACE INTO snapshots(author, year, seq, n, source,"
                                   " ts, nv) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_VALUE[] = "INSERT OR REPLACE INTO indicator_values(code, author, year, value,"
                                " note, forced, preliminary) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

int indicators_preliminary(uint32_t year, uint64_t timestamp_ms)
{
    time_t t = (time_t)(timestamp_ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return 0;
    return (int64_t)year >= (int64_t)tm.tm_year + 1900;
}

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
    sqlite3_bind_int64(st, 6, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)snap->n_values);
    if (step(st) < 0) goto out;
    int preliminary = indicators_preliminary(snap->year, e->timestamp_ms);
    for (size_t i = 0; i < snap->n_values; i++) {
        if (!(st = store_stmt(s, SQL_VALUE))) goto out;
        sqlite3_bind_text(st, 1, snap->values[i]->code, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, e->author, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, snap->year);
        sqlite3_bind_double(st, 4, snap->values[i]->value);
        sqlite3_bind_text(st, 5, snap->values[i]->note ? snap->values[i]->note : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_int(st, 6, snap->values[i]->has_forced && snap->values[i]->forced);
        sqlite3_bind_int(st, 7, preliminary);
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
        store_stmt(s, "SELECT n, seq, content, ts FROM entries WHERE author=?1 AND"
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
                          .timestamp_ms = (uint64_t)sqlite3_column_int64(st, 3),
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
    MEMBER_YEARS "SELECT s.year, s.source, s.ts FROM snapshots s JOIN k ON k.key = s.author"
                 " JOIN y ON y.year = s.year AND y.gen = k.gen WHERE s.nv > 0 ORDER BY s.year";
static const char SQL_VALUES[] =
    MEMBER_YEARS "SELECT v.code, v.year, v.value, v.note, v.forced, v.preliminary"
                 " FROM indicator_values v"
                 " JOIN k ON k.key = v.author JOIN y ON y.year = v.year AND y.gen = k.gen"
                 " WHERE (?2=0 OR v.year=?2) ORDER BY v.code, v.year";

int indicators_years(struct store *s, const uint8_t author[KEY_SIZE],
                     void (*fn)(void *ctx, const struct indicator_year *y), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_YEARS);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct indicator_year y = {.year = (uint32_t)sqlite3_column_int64(st, 0),
                                   .source = (const char *)sqlite3_column_text(st, 1),
                                   .timestamp_ms = (uint64_t)sqlite3_column_int64(st, 2)};
        y.preliminary = indicators_preliminary(y.year, y.timestamp_ms);
        if (!y.source) y.source = "";
        fn(ctx, &y);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether code is among codes (ncodes 0: every code is). */
static int wanted(const char *code, const char *const *codes, size_t ncodes)
{
    for (size_t i = 0; i < ncodes; i++)
        if (strcmp(codes[i], code) == 0) return 1;
    return ncodes == 0;
}

int indicators_values(struct store *s, const uint8_t author[KEY_SIZE], uint32_t year,
                      const char *const *codes, size_t ncodes,
                      void (*fn)(void *ctx, const struct indicator_point *p), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_VALUES);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct indicator_point p = {.code = (const char *)sqlite3_column_text(st, 0),
                                    .year = (uint32_t)sqlite3_column_int64(st, 1),
                                    .value = sqlite3_column_double(st, 2),
                                    .note = (const char *)sqlite3_column_text(st, 3),
                                    .forced = sqlite3_column_int(st, 4) != 0,
                                    .preliminary = sqlite3_column_int(st, 5) != 0};
        if (!p.note) p.note = "";
        if (p.code && wanted(p.code, codes, ncodes)) fn(ctx, &p);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * One indicator's values by member. Most members have one key, and then each row of
 * indicator_values is in force as it stands. A member that changed its key (a succession) has
 * rows under each: a row is in force unless a newer key of the member (higher gen) has a
 * snapshot of its year (one without the code, or without values, withdraws it), and it stands
 * for the member's current key. The keys of such members and their superseded years are read
 * first (few or none), so that the values themselves are read as plain rows.
 */
struct successions {
    struct succ_key {
        uint8_t key[KEY_SIZE], current[KEY_SIZE];
    } * keys; /* sorted by key */
    size_t nkeys;
    struct succ_year {
        uint8_t key[KEY_SIZE];
        uint32_t year;
    } * superseded; /* sorted by key and year */
    size_t nsuperseded;
};

/* Keys and superseded snapshots read at most (far more than successions happen); more are
   left out, as if the member had not changed its key. */
#define SUCCESSION_KEYS_MAX  4096
#define SUCCESSION_YEARS_MAX (SUCCESSION_KEYS_MAX * 8)

static const char SQL_SUCC_KEYS[] =
    "WITH multi(member) AS (SELECT member FROM members GROUP BY member HAVING count(*) > 1)"
    " SELECT m.key, (SELECT c.key FROM members c WHERE c.member = m.member ORDER BY c.gen DESC"
    " LIMIT 1) FROM members m JOIN multi ON multi.member = m.member ORDER BY m.key";
static const char SQL_SUCC_YEARS[] =
    "WITH multi(member) AS (SELECT member FROM members GROUP BY member HAVING count(*) > 1)"
    " SELECT s.author, s.year FROM snapshots s JOIN members m ON m.key = s.author"
    " JOIN multi ON multi.member = m.member WHERE EXISTS (SELECT 1 FROM members n"
    " JOIN snapshots t ON t.author = n.key WHERE n.member = m.member AND n.gen > m.gen"
    " AND t.year = s.year) ORDER BY s.author, s.year";

static int succ_key_cmp(const void *k, const void *e)
{
    return memcmp(k, ((const struct succ_key *)e)->key, KEY_SIZE);
}

static int succ_year_cmp(const void *a, const void *b)
{
    const struct succ_year *x = a, *y = b;
    int c = memcmp(x->key, y->key, KEY_SIZE);
    return c ? c : (x->year > y->year) - (x->year < y->year);
}

static void successions_free(struct successions *w)
{
    free(w->keys);
    free(w->superseded);
    memset(w, 0, sizeof *w);
}

/* Reads the keys of the members that changed key, and their superseded years, into w (the
   caller frees it with successions_free); 0 or -1. */
static int successions_load(struct store *s, struct successions *w)
{
    memset(w, 0, sizeof *w);
    sqlite3_stmt *st = store_stmt(s, SQL_SUCC_KEYS);
    int rc = st ? SQLITE_ROW : SQLITE_ERROR;
    size_t cap = 0;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != KEY_SIZE || sqlite3_column_bytes(st, 1) != KEY_SIZE ||
            w->nkeys == SUCCESSION_KEYS_MAX)
            continue;
        if (w->nkeys == cap) {
            void *v = realloc(w->keys, (cap = cap ? cap * 2 : 8) * sizeof *w->keys);
            if (!v) break;
            w->keys = v;
        }
        memcpy(w->keys[w->nkeys].key, sqlite3_column_blob(st, 0), KEY_SIZE);
        memcpy(w->keys[w->nkeys++].current, sqlite3_column_blob(st, 1), KEY_SIZE);
    }
    if (st) sqlite3_reset(st);
    if (rc != SQLITE_DONE) return successions_free(w), -1;
    if (w->nkeys == 0) return 0;
    st = store_stmt(s, SQL_SUCC_YEARS);
    rc = st ? SQLITE_ROW : SQLITE_ERROR;
    cap = 0;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != KEY_SIZE || w->nsuperseded == SUCCESSION_YEARS_MAX)
            continue;
        if (w->nsuperseded == cap) {
            void *v = realloc(w->superseded, (cap = cap ? cap * 2 : 16) * sizeof *w->superseded);
            if (!v) break;
            w->superseded = v;
        }
        memcpy(w->superseded[w->nsuperseded].key, sqlite3_column_blob(st, 0), KEY_SIZE);
        w->superseded[w->nsuperseded++].year = (uint32_t)sqlite3_column_int64(st, 1);
    }
    if (st) sqlite3_reset(st);
    if (rc != SQLITE_DONE) return successions_free(w), -1;
    return 0;
}

/* The member author's row of year stands for (its current key), or NULL when a newer key of
   the member superseded the year. */
static const uint8_t *successions_member(const struct successions *w, const uint8_t *author,
                                         uint32_t year)
{
    if (w->nkeys == 0) return author;
    const struct succ_key *k = bsearch(author, w->keys, w->nkeys, sizeof *k, succ_key_cmp);
    if (!k) return author;
    struct succ_year y;
    memcpy(y.key, author, KEY_SIZE);
    y.year = year;
    if (w->nsuperseded && bsearch(&y, w->superseded, w->nsuperseded, sizeof y, succ_year_cmp))
        return NULL;
    return k->current;
}

/* One value of an indicator in force: its member (current key), year and value. */
struct value_row {
    uint8_t member[KEY_SIZE];
    uint32_t year;
    double value;
    int forced, preliminary;
};

/* Rows one indicator has at most read (4096 members for 111 years); more are left out. */
#define MEMBER_ROWS_MAX (4096 * 111)

static const char SQL_ROWS_BY_AUTHOR[] =
    "SELECT author, year, value, forced, preliminary FROM indicator_values WHERE code=?1"
    " ORDER BY author, year";
/* for the band: the index alone answers (it holds the key's columns), no row is read */
static const char SQL_ROWS_BY_YEAR[] =
    "SELECT author, year, value, 0, 0 FROM indicator_values"
    " INDEXED BY indicator_values_year WHERE code=?1 ORDER BY year, value";
static const char SQL_ROWS_OF_YEAR[] =
    "SELECT author, year, value, 0, 0 FROM indicator_values"
    " INDEXED BY indicator_values_year WHERE code=?1 AND year=?2 ORDER BY value";

static int value_row_cmp(const void *a, const void *b)
{
    const struct value_row *x = a, *y = b;
    int c = memcmp(x->member, y->member, KEY_SIZE);
    return c ? c : (x->year > y->year) - (x->year < y->year);
}

/* code's values in force (of year only, for SQL_ROWS_OF_YEAR), in the order of sql; with
   successions, rows by member are sorted again (a member's rows come under several keys). *rows is
   the caller's. 0 or -1. */
static int member_rows(struct store *s, const char *sql, const char *code, uint32_t year,
                       struct value_row **rows, size_t *n)
{
    struct successions w;
    *rows = NULL, *n = 0;
    if (successions_load(s, &w) < 0) return -1;
    sqlite3_stmt *st = store_stmt(s, sql);
    int rc = st ? SQLITE_ROW : SQLITE_ERROR;
    size_t cap = 0;
    if (st) sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (st && sql == SQL_ROWS_OF_YEAR) sqlite3_bind_int64(st, 2, year);
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t y = (uint32_t)sqlite3_column_int64(st, 1);
        const uint8_t *m = sqlite3_column_bytes(st, 0) == KEY_SIZE
                               ? successions_member(&w, sqlite3_column_blob(st, 0), y)
                               : NULL;
        if (!m || *n == MEMBER_ROWS_MAX) continue;
        if (*n == cap) {
            void *v = realloc(*rows, (cap = cap ? cap * 2 : 1024) * sizeof **rows);
            if (!v) break;
            *rows = v;
        }
        struct value_row *r = &(*rows)[(*n)++];
        memcpy(r->member, m, KEY_SIZE);
        r->year = y;
        r->value = sqlite3_column_double(st, 2);
        r->forced = sqlite3_column_int(st, 3) != 0;
        r->preliminary = sqlite3_column_int(st, 4) != 0;
    }
    if (st) sqlite3_reset(st);
    if (rc == SQLITE_DONE && *n > 1 && w.nkeys && sql == SQL_ROWS_BY_AUTHOR)
        qsort(*rows, *n, sizeof **rows, value_row_cmp);
    successions_free(&w);
    if (rc != SQLITE_DONE) {
        free(*rows);
        *rows = NULL, *n = 0;
        return -1;
    }
    return 0;
}

int indicators_by_year(struct store *s, const char *code, uint32_t year,
                       int (*fn)(void *ctx, const uint8_t member[KEY_SIZE], uint32_t year,
                                 double value),
                       void *ctx)
{
    struct value_row *rows;
    size_t n;
    if (member_rows(s, year ? SQL_ROWS_OF_YEAR : SQL_ROWS_BY_YEAR, code, year, &rows, &n) < 0)
        return -1;
    for (size_t i = 0; i < n && fn(ctx, rows[i].member, rows[i].year, rows[i].value) == 0; i++)
        ;
    free(rows);
    return 0;
}

/* The years a snapshot may be of (PROTOCOL.md 4.1.2: 1990-2100). */
#define FIRST_YEAR 1990
#define YEARS      (2100 - FIRST_YEAR + 1)

/*
 * The history's working state: the versions found so far (codes copied, since the snapshots
 * are freed), and for each year the index of each code's latest version, to tell what a
 * snapshot changed. A snapshot touches one year: at most SNAPSHOT_MAX_VALUES codes there.
 */
struct history {
    struct indicator_version *v;
    char (*vcode)[17];
    size_t n, cap;
    struct {
        size_t *latest; /* indices into v */
        size_t n, cap;
    } year[YEARS];
    int full;
};

/* code's latest version in its year, or NULL; *slot is its place in the year's list (the
   list's length when there is none). */
static const struct indicator_version *latest_of(const struct history *h, uint32_t year,
                                                 const char *code, size_t *slot)
{
    size_t y = year - FIRST_YEAR;
    for (size_t k = 0; k < h->year[y].n; k++) {
        size_t i = h->year[y].latest[k];
        if (strcmp(h->vcode[i], code) == 0) {
            *slot = k;
            return &h->v[i];
        }
    }
    *slot = h->year[y].n;
    return NULL;
}

/* Adds a version and makes it its code's latest for its year; 0, or -1 out of memory. */
static int add_version(struct history *h, const struct indicator_version *v)
{
    size_t y = v->year - FIRST_YEAR, k;
    latest_of(h, v->year, v->code, &k);
    if (h->n == INDICATORS_HISTORY_MAX) {
        h->full = 1;
        return 0;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        struct indicator_version *nv = realloc(h->v, cap * sizeof *nv);
        if (nv) h->v = nv;
        char(*nc)[17] = nv ? realloc(h->vcode, cap * sizeof *nc) : NULL;
        if (!nc) return -1;
        h->vcode = nc;
        h->cap = cap;
    }
    if (h->year[y].n == h->year[y].cap) { /* room for one more code */
        size_t cap = h->year[y].cap ? h->year[y].cap * 2 : 16;
        size_t *nl = realloc(h->year[y].latest, cap * sizeof *nl);
        if (!nl) return -1;
        memset(nl + h->year[y].n, 0, (cap - h->year[y].n) * sizeof *nl); /* set before counted */
        h->year[y].latest = nl;
        h->year[y].cap = cap;
    }
    if (!h->year[y].latest || k > h->year[y].n) return -1; /* cannot be: latest_of found k */
    snprintf(h->vcode[h->n], sizeof h->vcode[h->n], "%s", v->code);
    h->v[h->n] = *v;
    h->year[y].latest[k] = h->n++;
    if (k == h->year[y].n) h->year[y].n++;
    return 0;
}

/* Whether snap holds a value for code. */
static int holds(const Ekonet__Snapshot *snap, const char *code)
{
    for (size_t i = 0; i < snap->n_values; i++)
        if (strcmp(snap->values[i]->code, code) == 0) return 1;
    return 0;
}

/* The versions one snapshot (entry seq at ts) makes: values set or changed, values left out. */
static int history_snapshot(struct history *h, const Ekonet__Snapshot *snap, uint64_t seq,
                            uint64_t ts, const char *const *codes, size_t ncodes)
{
    if (snap->year < FIRST_YEAR || snap->year >= FIRST_YEAR + YEARS) return 0; /* not accepted */
    size_t y = snap->year - FIRST_YEAR;
    struct indicator_version v = {.year = snap->year, .seq = seq, .timestamp_ms = ts};
    v.preliminary = indicators_preliminary(snap->year, ts);
    for (size_t k = 0; k < h->year[y].n; k++) { /* first what it leaves out */
        char code[17];
        const struct indicator_version *was = &h->v[h->year[y].latest[k]];
        if (was->withdrawn || holds(snap, h->vcode[h->year[y].latest[k]])) continue;
        snprintf(code, sizeof code, "%s", h->vcode[h->year[y].latest[k]]);
        v.code = code;
        v.withdrawn = 1;
        if (add_version(h, &v) < 0) return -1;
    }
    v.withdrawn = 0;
    for (size_t i = 0; i < snap->n_values; i++) {
        const Ekonet__IndicatorValue *x = snap->values[i];
        if (!wanted(x->code, codes, ncodes)) continue;
        size_t slot;
        const struct indicator_version *was = latest_of(h, snap->year, x->code, &slot);
        v.code = x->code;
        v.value = x->value;
        v.forced = x->has_forced && x->forced;
        if (!was || was->withdrawn || was->value != v.value || was->forced != v.forced)
            if (add_version(h, &v) < 0) return -1;
    }
    return 0;
}

/* By code, then year, then the order the walk found them (pointers into one array). */
static int cmp_version(const void *pa, const void *pb)
{
    const struct indicator_version *a = *(const struct indicator_version *const *)pa;
    const struct indicator_version *b = *(const struct indicator_version *const *)pb;
    int c = strcmp(a->code, b->code);
    if (c) return c;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Gives h's versions to fn by code, year and the order found; 0, or -1 out of memory. */
static int history_give(struct history *h, void (*fn)(void *ctx, const struct indicator_version *v),
                        void *ctx)
{
    const struct indicator_version **by = malloc((h->n + 1) * sizeof *by);
    if (!by) return -1;
    for (size_t i = 0; i < h->n; i++) {
        h->v[i].code = h->vcode[i];
        by[i] = &h->v[i];
    }
    if (h->n > 1) qsort(by, h->n, sizeof *by, cmp_version);
    for (size_t i = 0; i < h->n; i++) fn(ctx, by[i]);
    free(by);
    return 0;
}

/* A member's snapshots with content, of all its keys (?1 names any): oldest key first. */
static const char SQL_HISTORY[] = "WITH k(key, gen) AS (" ROSTER_KEYS_OF(
    "?1") ") SELECT e.seq, e.ts, e.content FROM entries e"
          " JOIN k ON k.key = e.author WHERE e.kind = ?2 AND e.content IS NOT NULL"
          " ORDER BY k.gen, e.seq";

int indicators_history(struct store *s, const uint8_t author[KEY_SIZE], const char *const *codes,
                       size_t ncodes, void (*fn)(void *ctx, const struct indicator_version *v),
                       void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_HISTORY);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, EKONET__ENTRY_KIND__KIND_INDICATORS);
    struct history h;
    memset(&h, 0, sizeof h);
    int rc = SQLITE_DONE, bad = 0;
    while (!bad && !h.full && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        const uint8_t *content = sqlite3_column_blob(st, 2);
        Ekonet__Snapshot *snap = len ? ekonet__snapshot__unpack(NULL, len, content) : NULL;
        if (!snap) continue; /* accepted entries decode; an empty content is no snapshot */
        bad = history_snapshot(&h, snap, (uint64_t)sqlite3_column_int64(st, 0),
                               (uint64_t)sqlite3_column_int64(st, 1), codes, ncodes) < 0;
        ekonet__snapshot__free_unpacked(snap, NULL);
    }
    sqlite3_reset(st);
    if (!bad && (rc == SQLITE_DONE || h.full)) bad = history_give(&h, fn, ctx) < 0;
    free(h.v);
    free(h.vcode);
    for (size_t y = 0; y < YEARS; y++) free(h.year[y].latest);
    if (bad || (rc != SQLITE_DONE && rc != SQLITE_ROW)) return -1;
    return h.full;
}

/* A member's example from its rows v[0..n) (oldest first) over a window of years. */
static void example_of(struct example *x, const struct value_row *v, size_t n, uint32_t years)
{
    const struct value_row *last = &v[n - 1];
    memset(x, 0, sizeof *x);
    memcpy(x->author, last->member, KEY_SIZE);
    x->year = last->year;
    x->value = last->value;
    x->forced = last->forced;
    x->preliminary = last->preliminary;
    for (size_t i = 0; i < n; i++) {
        if (v[i].year + years < x->year) continue;
        if (x->npoints < EXAMPLE_POINTS) {
            x->points[x->npoints].year = v[i].year;
            x->points[x->npoints++].value = v[i].value;
        }
        if (!x->has_from && v[i].year < x->year) {
            x->has_from = 1;
            x->from_year = v[i].year;
            x->from_value = v[i].value;
        }
    }
}

int indicators_examples(struct store *s, const char *code, uint32_t years, struct example **all,
                        size_t *n)
{
    struct value_row *rows;
    size_t nrows, members = 0;
    *all = NULL, *n = 0;
    if (member_rows(s, SQL_ROWS_BY_AUTHOR, code, 0, &rows, &nrows) < 0) return -1;
    for (size_t i = 0; i < nrows; i++)
        members += i == 0 || memcmp(rows[i].member, rows[i - 1].member, KEY_SIZE) != 0;
    if (members && !(*all = malloc(members * sizeof **all))) {
        free(rows);
        return -1;
    }
    /* rows come by member, oldest first: the last row of a member is its latest value */
    for (size_t i = 0, from = 0; i < nrows; i++)
        if (i + 1 == nrows || memcmp(rows[i].member, rows[i + 1].member, KEY_SIZE) != 0) {
            example_of(&(*all)[(*n)++], rows + from, i + 1 - from, years);
            from = i + 1;
        }
    free(rows);
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
