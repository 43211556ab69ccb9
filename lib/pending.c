#include <string.h>

#include <sqlite3.h>

#include "ekonet/pending.h"
#include "ekonet/store.h"

static const char SQL_COUNT[] = "SELECT count(*) FROM pending WHERE done_ms IS NULL";
static const char SQL_ADD[] = "INSERT INTO pending(kind, content, created_ms) VALUES(?1, ?2, ?3)";
static const char SQL_EACH[] =
    "SELECT n, kind, created_ms, done_ms, entry_id, seq, refused, content FROM pending"
    " WHERE ?1=0 OR done_ms IS NULL ORDER BY n";
static const char SQL_GET[] = "SELECT n, kind, created_ms, done_ms, entry_id, seq, refused"
                              " FROM pending WHERE n=?1";
static const char SQL_DONE[] =
    "UPDATE pending SET done_ms=?2, entry_id=?3, seq=?4, refused=?5 WHERE n=?1";
static const char SQL_TRIM[] = "DELETE FROM pending WHERE done_ms IS NOT NULL AND done_ms<?1";

static const char SQL_SIGNED[] =
    "SELECT id, seq FROM entries WHERE author=?1 AND kind=?2 AND ts>=?3 AND content=?4"
    " ORDER BY seq LIMIT 1";

int pending_signed_already(struct store *s, const uint8_t author[KEY_SIZE], uint32_t kind,
                           const uint8_t *content, size_t len, uint64_t since_ms,
                           uint8_t id[ID_SIZE], uint64_t *seq)
{
    sqlite3_stmt *st = store_stmt(s, SQL_SIGNED);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, kind);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)since_ms);
    sqlite3_bind_blob(st, 4, len ? content : (const void *)"", (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ID_SIZE) {
        memcpy(id, sqlite3_column_blob(st, 0), ID_SIZE);
        *seq = (uint64_t)sqlite3_column_int64(st, 1);
        found = 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int64_t pending_waiting(struct store *s)
{
    sqlite3_stmt *st = store_stmt(s, SQL_COUNT);
    if (!st) return -1;
    int64_t count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return count;
}

int pending_add(struct store *s, uint32_t kind, const uint8_t *content, size_t len, uint64_t now_ms,
                int64_t *n)
{
    int64_t waiting = pending_waiting(s);
    if (waiting < 0) return -1;
    if (waiting >= PENDING_MAX) return 1;
    sqlite3_stmt *st = store_stmt(s, SQL_ADD);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, kind);
    sqlite3_bind_blob(st, 2, len ? content : (const void *)"", (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)now_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return -1;
    *n = sqlite3_last_insert_rowid(store_db(s));
    return 0;
}

/* Fills r from a row of SQL_EACH or SQL_GET (content aside). */
static void read_row(sqlite3_stmt *st, struct pending_row *r)
{
    memset(r, 0, sizeof *r);
    r->n = sqlite3_column_int64(st, 0);
    r->kind = (uint32_t)sqlite3_column_int64(st, 1);
    r->created_ms = (uint64_t)sqlite3_column_int64(st, 2);
    r->done_ms = (uint64_t)sqlite3_column_int64(st, 3);
    if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
        r->state = PENDING_WAITING;
    } else if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
        r->state = PENDING_REFUSED;
        const unsigned char *why = sqlite3_column_text(st, 6);
        if (why) strncpy(r->why, (const char *)why, sizeof r->why - 1);
    } else {
        r->state = PENDING_SIGNED;
        if (sqlite3_column_bytes(st, 4) == ID_SIZE)
            memcpy(r->id, sqlite3_column_blob(st, 4), ID_SIZE);
        r->seq = (uint64_t)sqlite3_column_int64(st, 5);
    }
}

int pending_each(struct store *s, int waiting, int (*fn)(void *ctx, const struct pending_row *r),
                 void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_EACH);
    if (!st) return -1;
    sqlite3_bind_int(st, 1, waiting);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct pending_row r;
        read_row(st, &r);
        r.content = sqlite3_column_blob(st, 7);
        r.content_len = (size_t)sqlite3_column_bytes(st, 7);
        if (fn(ctx, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int pending_get(struct store *s, int64_t n, struct pending_row *r)
{
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, n);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_row(st, r);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int pending_done(struct store *s, int64_t n, const uint8_t id[ID_SIZE], uint64_t seq,
                 const char *why, uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_DONE);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now_ms);
    if (why) {
        sqlite3_bind_text(st, 5, why, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_blob(st, 3, id, ID_SIZE, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)seq);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int pending_trim(struct store *s, uint64_t before_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_TRIM);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)before_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
