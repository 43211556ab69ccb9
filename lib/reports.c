/*
 * reports: projection and queries of the knowledge bank (see include/ekonet/reports.h).
 * Searching builds its SQL from the filters given; everything else uses cached statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/reports.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"

/* A report's row has the number of its entry: finding it by id goes through entries' index of
   ids (a second index of the same random ids would double what each insert writes). */
#define ROW_OF(id) "(SELECT n FROM entries WHERE id=" id ")"

/* The entry's row is stored before it is projected (and kept when the projection is rebuilt):
   its received time caps the time lists order the report by. */
static const char SQL_INSERT[] =
    "INSERT OR IGNORE INTO reports(n, id, author, seq, ts, listed, kind, title, summary, body,"
    " topics, supersedes, versions, origin) VALUES(?1, ?2, ?3, ?4, ?5,"
    " min(?5, coalesce((SELECT received FROM entries WHERE n=?1), ?5)), ?6, ?7, ?8, ?9, ?10, ?11,"
    " 1 + coalesce((SELECT versions FROM reports WHERE n=" ROW_OF(
        "?11") " AND author=?3), 0),"
               " coalesce((SELECT origin FROM reports WHERE n=" ROW_OF(
                   "?11") " AND author=?3), ?2))";
static const char SQL_FTS_INSERT[] =
    "INSERT INTO reports_fts(rowid, title, summary, body, topics) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char SQL_TOPIC[] = "INSERT OR IGNORE INTO report_topics(topic, n) VALUES(?1, ?2)";
static const char SQL_INDICATOR[] =
    "INSERT OR IGNORE INTO report_indicators(code, n) VALUES(?1, ?2)";
static const char SQL_SUPERSEDED[] =
    "SELECT n FROM reports WHERE n=" ROW_OF("?1") " AND author=?2 AND superseded_by IS NULL"
                                                  " AND retracted=0";
static const char SQL_SUPERSEDE[] = "UPDATE reports SET superseded_by=?1 WHERE n=?2";

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_FTS_ROW[] = "SELECT title, summary, body, topics FROM reports WHERE n=?1";
static const char SQL_FTS_DELETE[] =
    "INSERT INTO reports_fts(reports_fts, rowid, title, summary, body, topics)"
    " VALUES('delete', ?1, ?2, ?3, ?4, ?5)";

/* Takes row n out of the full-text index; only call it for a row that is in it (newest
   version, not retracted): external-content FTS5 forgets a row by being told its old values. */
static int fts_remove(struct store *s, int64_t n)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FTS_ROW);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, n);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return 0;
    }
    char *cols[4];
    for (int i = 0; i < 4; i++) cols[i] = strdup((const char *)sqlite3_column_text(st, i));
    sqlite3_reset(st);
    int rc = cols[0] && cols[1] && cols[2] && cols[3] ? 0 : -1;
    if (rc == 0 && (st = store_stmt(s, SQL_FTS_DELETE))) {
        sqlite3_bind_int64(st, 1, n);
        for (int i = 0; i < 4; i++) sqlite3_bind_text(st, i + 2, cols[i], -1, SQLITE_STATIC);
        rc = step(st);
    }
    for (int i = 0; i < 4; i++) free(cols[i]);
    return rc;
}

/* Joins topics with '\n' into a new string. */
static char *join_topics(char **topics, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(topics[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    *p = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) *p++ = '\n';
        size_t l = strlen(topics[i]);
        memcpy(p, topics[i], l);
        p += l;
        *p = '\0';
    }
    return s;
}

static int insert_row(struct store *s, const struct entry *e, int64_t n, const Ekonet__Report *r,
                      const char *topics)
{
    sqlite3_stmt *st = store_stmt(s, SQL_INSERT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_blob(st, 2, e->id, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_int(st, 6, r->has_kind ? (int)r->kind : EKONET__REPORT_KIND__REPORT_EXPERIENCE);
    sqlite3_bind_text(st, 7, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->summary ? r->summary : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->body ? r->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, topics, -1, SQLITE_STATIC);
    if (r->has_supersedes)
        sqlite3_bind_blob(st, 11, r->supersedes.data, (int)r->supersedes.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 11);
    if (step(st) < 0) return -1;
    if (sqlite3_changes(store_db(s)) == 0) return 1; /* projected already */
    if (!(st = store_stmt(s, SQL_FTS_INSERT))) return -1;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_text(st, 2, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->summary ? r->summary : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->body ? r->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, topics, -1, SQLITE_STATIC);
    return step(st);
}

int reports_project(struct store *s, const struct entry *e, int64_t n)
{
    if (!e->content) return 0; /* detached or redacted: nothing to show */
    Ekonet__Report *r = ekonet__report__unpack(NULL, e->content_len, e->content);
    if (!r) return 0; /* accepted entries were validated; a damaged one is skipped */
    char *topics = join_topics(r->topics, r->n_topics);
    int rc = topics ? insert_row(s, e, n, r, topics) : -1;
    for (size_t i = 0; rc == 0 && i < r->n_topics; i++) {
        sqlite3_stmt *st = store_stmt(s, SQL_TOPIC);
        if (!st)
            rc = -1;
        else {
            sqlite3_bind_text(st, 1, r->topics[i], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, n);
            rc = step(st);
        }
    }
    for (size_t i = 0; rc == 0 && i < r->n_indicators; i++) {
        sqlite3_stmt *st = store_stmt(s, SQL_INDICATOR);
        if (!st)
            rc = -1;
        else {
            sqlite3_bind_text(st, 1, r->indicators[i], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, n);
            rc = step(st);
        }
    }
    if (rc == 0 && r->has_supersedes) {
        /* only the author's own newest version can be superseded; it leaves the index */
        sqlite3_stmt *st = store_stmt(s, SQL_SUPERSEDED);
        int64_t old = -1;
        if (!st)
            rc = -1;
        else {
            sqlite3_bind_blob(st, 1, r->supersedes.data, (int)r->supersedes.len, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, e->author, KEY_SIZE, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) old = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
        }
        if (old >= 0 && (rc = fts_remove(s, old)) == 0) {
            if (!(st = store_stmt(s, SQL_SUPERSEDE)))
                rc = -1;
            else {
                sqlite3_bind_blob(st, 1, e->id, ID_SIZE, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, old);
                rc = step(st);
            }
        }
    }
    free(topics);
    ekonet__report__free_unpacked(r, NULL);
    return rc < 0 ? -1 : 0;
}

/* Every version of a report: the chain of supersedes back from, and forward to, id. */
#define VERSIONS                                                                                   \
    "WITH RECURSIVE back(id) AS (SELECT ?1 UNION SELECT r.supersedes FROM back JOIN reports r"     \
    "  ON r.n = " ROW_OF("back.id") " WHERE r.supersedes IS NOT NULL AND r.author=?2),"            \
                                    " fwd(id) AS (SELECT id FROM back UNION SELECT "               \
                                    "r.superseded_by FROM fwd JOIN reports r"                      \
                                    "  ON r.n = " ROW_OF(                                          \
                                        "fwd.id") " WHERE r.superseded_by IS NOT NULL),"           \
                                                  " rows(n) AS (SELECT e.n FROM fwd JOIN entries " \
                                                  "e ON e.id = fwd.id)"
static const char SQL_VISIBLE_VERSION[] =
    VERSIONS " SELECT n FROM reports WHERE n IN (SELECT n FROM rows) AND +author=?2"
             " AND superseded_by IS NULL AND retracted=0";
static const char SQL_RETRACT[] =
    VERSIONS " UPDATE reports SET retracted=1 WHERE n IN (SELECT n FROM rows) AND +author=?2";

int reports_retract(struct store *s, const uint8_t author[KEY_SIZE], const uint8_t target[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_VISIBLE_VERSION);
    int64_t visible = -1;
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, target, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, author, KEY_SIZE, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) visible = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (visible >= 0 && fts_remove(s, visible) < 0) return -1;
    if (!(st = store_stmt(s, SQL_RETRACT))) return -1;
    sqlite3_bind_blob(st, 1, target, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, author, KEY_SIZE, SQLITE_STATIC);
    return step(st);
}

static const char SQL_FORGET_ROW[] =
    "SELECT n, superseded_by IS NULL AND retracted=0 FROM reports WHERE n=" ROW_OF("?1");

int reports_forget(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORGET_ROW);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return 0;
    }
    int64_t n = sqlite3_column_int64(st, 0);
    int indexed = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    int rc = indexed ? fts_remove(s, n) : 0;
    static const char *const wipe[] = {"DELETE FROM report_topics WHERE n=?1",
                                       "DELETE FROM report_indicators WHERE n=?1",
                                       "DELETE FROM reports WHERE n=?1"};
    for (int i = 0; rc == 0 && i < 3; i++) {
        if (!(st = store_stmt(s, wipe[i]))) return -1;
        sqlite3_bind_int64(st, 1, n);
        rc = step(st);
    }
    return rc;
}

char *reports_fts_query(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len * 2 + 16), *o = out;
    if (!out) return NULL;
    int words = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n') p++;
        if (!*p) break;
        if (words++) o += sprintf(o, " AND ");
        *o++ = '"';
        int prefix = 0;
        for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
            prefix = *p == '*' && (p[1] == '\0' || p[1] == ' ' || p[1] == '\t' || p[1] == '\n');
            if (*p != '"' && !prefix) *o++ = *p; /* a quote inside a word would end FTS5's string */
        }
        *o++ = '"';
        if (prefix) *o++ = '*'; /* "solcell*": every word that begins so */
    }
    *o = '\0';
    if (!words) {
        free(out);
        return NULL;
    }
    return out;
}

static void row_from(sqlite3_stmt *st, struct report_row *row)
{
    memset(row, 0, sizeof *row);
    if (sqlite3_column_bytes(st, 0) == ID_SIZE)
        memcpy(row->id, sqlite3_column_blob(st, 0), ID_SIZE);
    if (sqlite3_column_bytes(st, 1) == KEY_SIZE)
        memcpy(row->author, sqlite3_column_blob(st, 1), KEY_SIZE);
    row->seq = (uint64_t)sqlite3_column_int64(st, 2);
    row->timestamp_ms = (uint64_t)sqlite3_column_int64(st, 3);
    row->kind = sqlite3_column_int(st, 4);
    row->title = (const char *)sqlite3_column_text(st, 5);
    row->summary = (const char *)sqlite3_column_text(st, 6);
    row->topics = (const char *)sqlite3_column_text(st, 7);
    row->versions = (uint32_t)sqlite3_column_int(st, 8);
    /* the stable id, in queries that read it: their last column */
    int last = sqlite3_column_count(st) - 1;
    if (strcmp(sqlite3_column_name(st, last), "origin") == 0 &&
        sqlite3_column_bytes(st, last) == ID_SIZE)
        memcpy(row->origin, sqlite3_column_blob(st, last), ID_SIZE);
}

/* The WHERE clause of a query with the filters given; binds follow the same order. */
static void where(const struct report_filter *f, char *sql, size_t size)
{
    snprintf(sql + strlen(sql), size - strlen(sql),
             " WHERE r.superseded_by IS NULL AND r.retracted=0%s%s%s%s%s%s%s",
             f->query ? " AND reports_fts MATCH ?1" : "",
             f->author ? " AND r.author IN (SELECT key FROM (" ROSTER_KEYS_OF("?2") "))" : "",
             f->topic ? " AND r.n IN (SELECT n FROM report_topics WHERE topic=?3)" : "",
             f->indicator ? " AND r.n IN (SELECT n FROM report_indicators WHERE code=?4)" : "",
             f->since_ms ? " AND r.listed>=?5" : "", f->until_ms ? " AND r.listed<?6" : "",
             f->kind ? " AND r.kind=?7" : "");
}

static void bind_filters(sqlite3_stmt *st, const struct report_filter *f, const char *fts)
{
    if (fts) sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    if (f->author) sqlite3_bind_blob(st, 2, f->author, KEY_SIZE, SQLITE_STATIC);
    if (f->topic) sqlite3_bind_text(st, 3, f->topic, -1, SQLITE_STATIC);
    if (f->indicator) sqlite3_bind_text(st, 4, f->indicator, -1, SQLITE_STATIC);
    if (f->since_ms) sqlite3_bind_int64(st, 5, (sqlite3_int64)f->since_ms);
    if (f->until_ms) sqlite3_bind_int64(st, 6, (sqlite3_int64)f->until_ms);
    if (f->kind) sqlite3_bind_int(st, 7, f->kind);
}

/* Counting stops at SEARCH_COUNT_CAP matches; ranking looks at the newest SEARCH_WINDOW. */
static const char SQL_FTS_COUNT[] =
    "SELECT count(*) FROM (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?1 LIMIT ?2)";
static const char SQL_FTS_BEST[] =
    "SELECT rowid, rank FROM (SELECT rowid, rank FROM reports_fts WHERE reports_fts MATCH ?1"
    " ORDER BY rowid DESC LIMIT ?4) ORDER BY rank LIMIT ?2 OFFSET ?3";
static const char SQL_FTS_HIT[] =
    "SELECT r.id, r.author, r.seq, r.ts, r.kind, r.title, r.summary, r.topics, r.versions,"
    " snippet(reports_fts, -1, '" SNIPPET_OPEN "', '" SNIPPET_CLOSE "', '…', 14)"
    " FROM reports_fts JOIN reports r ON r.n = reports_fts.rowid"
    " WHERE reports_fts MATCH ?1 AND reports_fts.rowid = ?2";

/*
 * A search without filters: the index ranks and cuts the best matches by itself (it holds
 * only what lists show); the rows and snippets are then read for those few alone.
 *
 * Ranking costs time in proportion to the matches, and a word that half of all reports use
 * would take a tenth of a second at 100,000 reports. So the newest SEARCH_WINDOW matches are
 * ranked (for such a word, the newest are as good a start as any), and counting stops at
 * SEARCH_COUNT_CAP (*total then says "at least"). More words narrow the search.
 */
static int search_fast(struct store *s, const struct report_filter *f, const char *fts,
                       void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                       uint64_t *total)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FTS_COUNT), *hit;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, SEARCH_COUNT_CAP);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    *total = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!(st = store_stmt(s, SQL_FTS_BEST))) return -1;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->limit);
    sqlite3_bind_int64(st, 3, f->offset);
    sqlite3_bind_int64(st, 4,
                       SEARCH_WINDOW > f->offset + f->limit ? SEARCH_WINDOW : f->offset + f->limit);
    int64_t rows[1000];
    double ranks[1000];
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 1000) {
        rows[n] = sqlite3_column_int64(st, 0);
        ranks[n++] = sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return -1;
    for (size_t i = 0; i < n; i++) {
        if (!(hit = store_stmt(s, SQL_FTS_HIT))) return -1;
        sqlite3_bind_text(hit, 1, fts, -1, SQLITE_STATIC);
        sqlite3_bind_int64(hit, 2, rows[i]);
        if (sqlite3_step(hit) == SQLITE_ROW) {
            struct report_row row;
            row_from(hit, &row);
            row.snippet = (const char *)sqlite3_column_text(hit, 9);
            row.rank = ranks[i];
            fn(ctx, &row);
        }
        sqlite3_reset(hit);
    }
    return 0;
}

int reports_query(struct store *s, const struct report_filter *f,
                  void (*fn)(void *ctx, const struct report_row *r), void *ctx, uint64_t *total,
                  struct errbuf *err)
{
    char sql[1200], *fts = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (f->query && !(fts = reports_fts_query(f->query)))
        return errbuf_set(err, "give at least one word to search for");
    if (fts && !f->author && !f->topic && !f->indicator && !f->since_ms && !f->until_ms &&
        !f->kind) {
        rc = search_fast(s, f, fts, fn, ctx, total);
        free(fts);
        return rc < 0 ? errbuf_set(err, "the search failed; try other words") : 0;
    }
    const char *from = f->query ? " FROM reports_fts JOIN reports r ON r.n = reports_fts.rowid"
                                : " FROM reports r";
    snprintf(sql, sizeof sql, "SELECT count(*)%s", from);
    where(f, sql, sizeof sql);
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) goto fail;
    bind_filters(st, f, fts);
    if (sqlite3_step(st) != SQLITE_ROW) goto fail;
    *total = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);

    snprintf(
        sql, sizeof sql,
        "SELECT r.id, r.author, r.seq, r.ts, r.kind, r.title, r.summary, r.topics, r.versions%s,"
        " r.origin%s",
        f->query ? ", snippet(reports_fts, -1, '" SNIPPET_OPEN "', '" SNIPPET_CLOSE
                   "', '…', 14), rank"
                 : "",
        from);
    where(f, sql, sizeof sql);
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s LIMIT ?8 OFFSET ?9",
             f->query ? " ORDER BY rank" : " ORDER BY r.listed DESC, r.n DESC");
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) goto fail;
    bind_filters(st, f, fts);
    sqlite3_bind_int64(st, 8, f->limit);
    sqlite3_bind_int64(st, 9, f->offset);
    int step_rc;
    while ((step_rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct report_row row;
        row_from(st, &row);
        if (f->query) {
            row.snippet = (const char *)sqlite3_column_text(st, 9);
            row.rank = sqlite3_column_double(st, 10);
        }
        fn(ctx, &row);
    }
    if (step_rc != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    errbuf_set(err, "%s", f->query ? "the search failed; try other words" : store_errmsg(s));
out:
    sqlite3_finalize(st);
    free(fts);
    return rc;
}

static const char SQL_GET[] =
    "SELECT r.id, r.author, r.seq, r.ts, r.kind, r.title, r.summary, r.topics, r.versions,"
    " e.content, length(e.header), r.retracted, r.origin FROM entries e JOIN reports r ON r.n=e.n"
    " WHERE e.id=?1";

int reports_get(struct store *s, const uint8_t id[ID_SIZE],
                void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                Ekonet__Report **report, uint64_t *entry_size)
{
    *report = NULL;
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 11)) {
        res = 2;
    } else if (rc == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 9);
        *report = ekonet__report__unpack(NULL, len, sqlite3_column_blob(st, 9));
        res = 0;
        if (*report) {
            struct report_row row;
            row_from(st, &row);
            *entry_size = len + (uint64_t)sqlite3_column_int64(st, 10);
            fn(ctx, &row);
            res = 1;
        }
    }
    sqlite3_reset(st);
    return res;
}

static const char SQL_AUTHOR[] = "SELECT author FROM reports WHERE n=" ROW_OF("?1");
static const char SQL_VERSIONS[] =
    VERSIONS " SELECT id, versions, superseded_by IS NULL FROM reports"
             " WHERE n IN (SELECT n FROM rows) AND +author=?2 ORDER BY versions";

int reports_version(struct store *s, const uint8_t id[ID_SIZE], uint32_t version,
                    uint8_t found[ID_SIZE], uint32_t *count)
{
    uint8_t author[KEY_SIZE];
    sqlite3_stmt *st = store_stmt(s, SQL_AUTHOR);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), ok = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SIZE;
    if (ok) memcpy(author, sqlite3_column_blob(st, 0), KEY_SIZE);
    sqlite3_reset(st);
    if (!ok) return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
    if (!(st = store_stmt(s, SQL_VERSIONS))) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, author, KEY_SIZE, SQLITE_STATIC);
    int res = 0;
    *count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t v = (uint32_t)sqlite3_column_int(st, 1);
        int newest = sqlite3_column_int(st, 2);
        if (newest && v > *count) *count = v;
        if ((version ? v == version : newest) && sqlite3_column_bytes(st, 0) == ID_SIZE) {
            memcpy(found, sqlite3_column_blob(st, 0), ID_SIZE);
            res = 1;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? res : -1;
}

static const char SQL_NEWEST[] =
    "WITH RECURSIVE fwd(id) AS (SELECT ?1 UNION SELECT r.superseded_by FROM fwd JOIN reports r"
    " ON r.n = " ROW_OF(
        "fwd.id") " WHERE r.superseded_by IS NOT NULL)"
                  " SELECT r.id, r.author, r.retracted FROM fwd JOIN entries e ON e.id = fwd.id"
                  " JOIN reports r ON r.n = e.n WHERE r.superseded_by IS NULL";

int reports_newest(struct store *s, const uint8_t id[ID_SIZE], uint8_t newest[ID_SIZE],
                   uint8_t author[KEY_SIZE], int *retracted)
{
    sqlite3_stmt *st = store_stmt(s, SQL_NEWEST);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ID_SIZE &&
        sqlite3_column_bytes(st, 1) == KEY_SIZE) {
        memcpy(newest, sqlite3_column_blob(st, 0), ID_SIZE);
        memcpy(author, sqlite3_column_blob(st, 1), KEY_SIZE);
        *retracted = sqlite3_column_int(st, 2);
        res = 1;
    }
    sqlite3_reset(st);
    return res;
}

/*
 * A member's reports on an indicator: the intersection of the reports naming the indicator
 * (across the network) and the member's own. The smaller side is read: the indicator's when
 * it has at most REPORTS_SCAN_MAX reports (then the count is exact), else the member's newest
 * REPORTS_SCAN_MAX reports, each tested (then the count is of those).
 */
static const char SQL_INDICATOR_SIZE[] =
    "SELECT count(*) FROM (SELECT 1 FROM report_indicators WHERE code=?1 LIMIT ?2)";
/* CROSS JOIN keeps SQLite from reading the member's reports first: a row's flags come after its
   body, so reading them costs the body's pages. */
static const char SQL_BY_INDICATOR[] =
    "SELECT r.id, r.title, r.ts FROM report_indicators i CROSS JOIN reports r ON r.n=i.n"
    " WHERE i.code=?2 AND r.author=?1 AND r.superseded_by IS NULL AND r.retracted=0"
    " ORDER BY r.listed DESC, r.n DESC";
/* The member's newest report numbers from the index alone, tested, and only then read. */
static const char SQL_BY_AUTHOR[] =
    "SELECT r.id, r.title, r.ts FROM (SELECT n FROM reports INDEXED BY reports_author"
    " WHERE author=?1 ORDER BY listed DESC LIMIT ?3) AS newest CROSS JOIN reports r ON"
    " r.n=newest.n WHERE EXISTS(SELECT 1 FROM report_indicators i WHERE i.code=?2 AND"
    " i.n=newest.n) AND r.superseded_by IS NULL AND r.retracted=0 ORDER BY r.listed DESC, r.n DESC";

int reports_on_indicator(struct store *s, const uint8_t author[KEY_SIZE], const char *code,
                         size_t max, void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                         uint64_t *total)
{
    *total = 0;
    sqlite3_stmt *st = store_stmt(s, SQL_INDICATOR_SIZE);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, REPORTS_SCAN_MAX + 1);
    int small = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) <= REPORTS_SCAN_MAX;
    sqlite3_reset(st);
    if (!(st = store_stmt(s, small ? SQL_BY_INDICATOR : SQL_BY_AUTHOR))) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    if (!small) sqlite3_bind_int64(st, 3, REPORTS_SCAN_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((*total)++ >= max) continue;
        struct report_row row = {0};
        if (sqlite3_column_bytes(st, 0) == ID_SIZE)
            memcpy(row.id, sqlite3_column_blob(st, 0), ID_SIZE);
        memcpy(row.author, author, KEY_SIZE);
        row.title = (const char *)sqlite3_column_text(st, 1);
        row.timestamp_ms = (uint64_t)sqlite3_column_int64(st, 2);
        fn(ctx, &row);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
