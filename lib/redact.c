#include "ekonet/redact.h"
#include "content.pb-c.h"
#include "ekonet/events.h"
#include "ekonet/indicators.h"
#include "ekonet/profiles.h"
#include "ekonet/reports.h"
#include "ekonet/store.h"

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_LIST[] = "INSERT OR IGNORE INTO redactions(target, redactor, reason, ts, "
                               "entry) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char SQL_ERASE[] = "UPDATE entries SET content=NULL WHERE id=?1";

int redact_project(struct store *s, const struct entry *e, int64_t n)
{
    (void)n;
    if (!e->content) return 0;
    Ekonet__Redact *r = ekonet__redact__unpack(NULL, e->content_len, e->content);
    if (!r || r->target.len != ID_SIZE) {
        if (r) ekonet__redact__free_unpacked(r, NULL);
        return 0;
    }
    int rc = -1;
    sqlite3_stmt *st = store_stmt(s, SQL_LIST);
    if (st) {
        sqlite3_bind_blob(st, 1, r->target.data, ID_SIZE, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, e->author, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)e->timestamp_ms);
        sqlite3_bind_blob(st, 5, e->id, ID_SIZE, SQLITE_STATIC);
        rc = step(st);
    }
    /* The truth changes here, once: the content is gone and cannot come back. */
    if (rc == 0 && (st = store_stmt(s, SQL_ERASE))) {
        sqlite3_bind_blob(st, 1, r->target.data, ID_SIZE, SQLITE_STATIC);
        rc = step(st);
    }
    if (rc == 0) rc = reports_forget(s, r->target.data);
    if (rc == 0) rc = events_forget(s, r->target.data);
    if (rc == 0) rc = indicators_forget(s, r->target.data);
    if (rc == 0) rc = profiles_forget(s, r->target.data);
    ekonet__redact__free_unpacked(r, NULL);
    return rc;
}

int retract_project(struct store *s, const struct entry *e, int64_t n)
{
    (void)n;
    if (!e->content) return 0;
    Ekonet__Retract *r = ekonet__retract__unpack(NULL, e->content_len, e->content);
    if (!r) return 0;
    int rc = 0;
    if (r->target.len == ID_SIZE) {
        rc = reports_retract(s, e->author, r->target.data);
        if (rc == 0) rc = events_retract(s, e->author, r->target.data);
    }
    ekonet__retract__free_unpacked(r, NULL);
    return rc;
}

int redact_purge(struct store *s)
{
    /* FTS5 keeps deleted words in old segments until they are merged: merge them all. */
    int rc = sqlite3_exec(store_db(s), "INSERT INTO reports_fts(reports_fts) VALUES('optimize')",
                          NULL, NULL, NULL);
    return rc == SQLITE_OK && store_checkpoint(s) == 0 ? 0 : -1;
}

int redact_listed(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM redactions WHERE target=?1");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
