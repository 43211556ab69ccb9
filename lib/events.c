/*
 * events: projection and queries of EVENT entries (include/ekonet/events.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ekonet/events.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_INSERT[] =
    "INSERT OR IGNORE INTO events(n, id, author, seq, ts, kind, title, starts, ends, location,"
    " topics, supersedes, cancelled, versions) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, 1 + coalesce((SELECT versions FROM events WHERE id=?12 AND author=?3), 0))";
static const char SQL_SUPERSEDE[] =
    "UPDATE events SET superseded_by=?1 WHERE id=?2 AND author=?3 AND superseded_by IS NULL";

int events_project(struct store *s, const struct entry *e, int64_t n)
{
    if (!e->content) return 0;
    Ekonet__Event *ev = ekonet__event__unpack(NULL, e->content_len, e->content);
    if (!ev) return 0;
    size_t len = 1;
    for (size_t i = 0; i < ev->n_topics; i++) len += strlen(ev->topics[i]) + 1;
    char *topics = calloc(1, len);
    for (size_t i = 0; topics && i < ev->n_topics; i++) {
        if (i) strcat(topics, "\n");
        strcat(topics, ev->topics[i]);
    }
    sqlite3_stmt *st = topics ? store_stmt(s, SQL_INSERT) : NULL;
    int rc = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, n);
        sqlite3_bind_blob(st, 2, e->id, ID_SIZE, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, e->author, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)e->seq);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
        sqlite3_bind_int(st, 6, ev->kind);
        sqlite3_bind_text(st, 7, ev->title, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)ev->starts_ms);
        if (ev->has_ends_ms)
            sqlite3_bind_int64(st, 9, (sqlite3_int64)ev->ends_ms);
        else
            sqlite3_bind_null(st, 9);
        sqlite3_bind_text(st, 10, ev->location ? ev->location : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, topics, -1, SQLITE_STATIC);
        if (ev->has_supersedes)
            sqlite3_bind_blob(st, 12, ev->supersedes.data, (int)ev->supersedes.len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 12);
        sqlite3_bind_int(st, 13, ev->has_cancelled && ev->cancelled);
        rc = step(st);
    }
    if (rc == 0 && ev->has_supersedes) {
        if (!(st = store_stmt(s, SQL_SUPERSEDE)))
            rc = -1;
        else {
            sqlite3_bind_blob(st, 1, e->id, ID_SIZE, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, ev->supersedes.data, (int)ev->supersedes.len, SQLITE_STATIC);
            sqlite3_bind_blob(st, 3, e->author, KEY_SIZE, SQLITE_STATIC);
            rc = step(st);
        }
    }
    free(topics);
    ekonet__event__free_unpacked(ev, NULL);
    return rc;
}

static const char SQL_RETRACT[] =
    "WITH RECURSIVE back(id) AS (SELECT ?1 UNION SELECT e.supersedes FROM events e JOIN back"
    "  ON e.id = back.id WHERE e.supersedes IS NOT NULL AND e.author=?2),"
    " fwd(id) AS (SELECT id FROM back UNION SELECT e.superseded_by FROM events e JOIN fwd"
    "  ON e.id = fwd.id WHERE e.superseded_by IS NOT NULL)"
    " UPDATE events SET retracted=1 WHERE author=?2 AND id IN (SELECT id FROM fwd)";

int events_retract(struct store *s, const uint8_t author[KEY_SIZE], const uint8_t target[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_RETRACT);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, target, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, author, KEY_SIZE, SQLITE_STATIC);
    return step(st);
}

int events_forget(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, "DELETE FROM events WHERE id=?1");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    return step(st);
}

#define ROW                                                                                        \
    "id, author, seq, ts, kind, title, location, topics, starts, coalesce(ends, 0),"               \
    " versions, cancelled"

static void row_from(sqlite3_stmt *st, struct event_row *r)
{
    memset(r, 0, sizeof *r);
    if (sqlite3_column_bytes(st, 0) == ID_SIZE) memcpy(r->id, sqlite3_column_blob(st, 0), ID_SIZE);
    if (sqlite3_column_bytes(st, 1) == KEY_SIZE)
        memcpy(r->author, sqlite3_column_blob(st, 1), KEY_SIZE);
    r->seq = (uint64_t)sqlite3_column_int64(st, 2);
    r->timestamp_ms = (uint64_t)sqlite3_column_int64(st, 3);
    r->kind = sqlite3_column_int(st, 4);
    r->title = (const char *)sqlite3_column_text(st, 5);
    r->location = (const char *)sqlite3_column_text(st, 6);
    r->topics = (const char *)sqlite3_column_text(st, 7);
    r->starts_ms = (uint64_t)sqlite3_column_int64(st, 8);
    r->ends_ms = (uint64_t)sqlite3_column_int64(st, 9);
    r->versions = (uint32_t)sqlite3_column_int(st, 10);
    r->cancelled = sqlite3_column_int(st, 11);
}

/* Upcoming: not ended by now (an event without an end lasts its start day), soonest first. */
static const char SQL_COUNT[] =
    "SELECT count(*) FROM events WHERE superseded_by IS NULL"
    " AND retracted=0 AND (?1 IS NULL OR author IN (SELECT key FROM (" ROSTER_KEYS_OF(
        "?1") "))) AND (?2=0 OR kind=?2)"
              " AND ((?3=0 AND coalesce(ends, starts + 86400000) >= ?4)"
              "   OR (?3=1 AND coalesce(ends, starts + 86400000) < ?4))";
static const char SQL_UPCOMING[] =
    "SELECT " ROW " FROM events WHERE superseded_by IS NULL AND retracted=0"
    " AND (?1 IS NULL OR author IN (SELECT key FROM (" ROSTER_KEYS_OF(
        "?1") "))) AND (?2=0 OR kind=?2)"
              " AND ((?3=0 AND coalesce(ends, starts + 86400000) >= ?4)"
              "   OR (?3=1 AND coalesce(ends, starts + 86400000) < ?4))"
              " ORDER BY CASE WHEN ?3=0 THEN starts ELSE -starts END LIMIT ?5";

static void bind_filter(sqlite3_stmt *st, const struct event_filter *f)
{
    if (f->author) sqlite3_bind_blob(st, 1, f->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, f->kind);
    sqlite3_bind_int(st, 3, f->past ? 1 : 0);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)f->now_ms);
}

int events_list(struct store *s, const struct event_filter *f,
                void (*fn)(void *ctx, const struct event_row *r), void *ctx, uint64_t *total)
{
    sqlite3_stmt *st = store_stmt(s, SQL_COUNT);
    if (!st) return -1;
    bind_filter(st, f);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    *total = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!(st = store_stmt(s, SQL_UPCOMING))) return -1;
    bind_filter(st, f);
    sqlite3_bind_int64(st, 5, f->limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct event_row r;
        row_from(st, &r);
        fn(ctx, &r);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_GET[] = "SELECT " ROW ", retracted, (SELECT content FROM entries"
                              " WHERE entries.n = events.n) FROM events WHERE id=?1";

int events_get(struct store *s, const uint8_t id[ID_SIZE],
               void (*fn)(void *ctx, const struct event_row *r), void *ctx, Ekonet__Event **ev)
{
    *ev = NULL;
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 12)) {
        res = 2;
    } else if (rc == SQLITE_ROW) {
        *ev = ekonet__event__unpack(NULL, (size_t)sqlite3_column_bytes(st, 13),
                                    sqlite3_column_blob(st, 13));
        res = 0;
        if (*ev) {
            struct event_row r;
            row_from(st, &r);
            fn(ctx, &r);
            res = 1;
        }
    }
    sqlite3_reset(st);
    return res;
}

static const char SQL_NEWEST[] =
    "WITH RECURSIVE fwd(id) AS (SELECT ?1 UNION SELECT e.superseded_by FROM events e JOIN fwd"
    " ON e.id = fwd.id WHERE e.superseded_by IS NOT NULL)"
    " SELECT id, author, retracted FROM events WHERE id IN (SELECT id FROM fwd)"
    " AND superseded_by IS NULL";

int events_newest(struct store *s, const uint8_t id[ID_SIZE], uint8_t newest[ID_SIZE],
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
