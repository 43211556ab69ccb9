#include <stdio.h>
#include <string.h>

#include "ekonet/project.h"
#include "ekonet/events.h"
#include "ekonet/indicators.h"
#include "ekonet/profiles.h"
#include "ekonet/redact.h"
#include "ekonet/reports.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

static const struct projection {
    uint32_t kind;
    const char *create;
    const char *drop;
    int (*apply)(struct store *s, const struct entry *e, int64_t n);
} projections[] = {
    /* create and drop are given once per group of tables, at the group's first kind */
    {EKONET__ENTRY_KIND__KIND_CHARTER, ROSTER_SCHEMA, ROSTER_DROP, roster_project},
    {EKONET__ENTRY_KIND__KIND_ADMIT, NULL, NULL, roster_project},
    {EKONET__ENTRY_KIND__KIND_REVOKE, NULL, NULL, roster_project},
    {EKONET__ENTRY_KIND__KIND_CATALOGUE, NULL, NULL, roster_project},
    {EKONET__ENTRY_KIND__KIND_SUCCEED, NULL, NULL, roster_project},
    {EKONET__ENTRY_KIND__KIND_REPORT, REPORTS_SCHEMA, REPORTS_DROP, reports_project},
    {EKONET__ENTRY_KIND__KIND_EVENT, EVENTS_SCHEMA, EVENTS_DROP, events_project},
    {EKONET__ENTRY_KIND__KIND_INDICATORS, INDICATORS_SCHEMA, INDICATORS_DROP, indicators_project},
    {EKONET__ENTRY_KIND__KIND_PROFILE, PROFILES_SCHEMA, PROFILES_DROP, profiles_project},
    {EKONET__ENTRY_KIND__KIND_RETRACT, NULL, NULL, retract_project},
    {EKONET__ENTRY_KIND__KIND_REDACT, REDACT_SCHEMA, REDACT_DROP, redact_project},
};
#define NPROJ (sizeof projections / sizeof projections[0])

static int exec(struct store *s, const char *sql, struct errbuf *err)
{
    char *msg = NULL;
    if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    errbuf_set(err, "cannot build the query tables: %s", msg ? msg : store_errmsg(s));
    sqlite3_free(msg);
    return -1;
}

static int stored_version(struct store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT value FROM meta WHERE key='projection_version'");
    int v = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    if (st) sqlite3_reset(st);
    return v;
}

int project_entry(struct store *s, const struct entry *e, int64_t n)
{
    for (size_t i = 0; i < NPROJ; i++)
        if (projections[i].kind == e->kind) return projections[i].apply(s, e, n);
    return 0;
}

static const char SQL_REPLAY[] = "SELECT n, header, sigs, content FROM entries ORDER BY n";

/* Drops, creates and refills the projections; runs inside the caller's transaction. */
static int rebuild(struct store *s, uint64_t *count, struct errbuf *err)
{
    char sql[64];
    *count = 0;
    for (size_t i = 0; i < NPROJ; i++)
        if (projections[i].create &&
            (exec(s, projections[i].drop, err) < 0 || exec(s, projections[i].create, err) < 0))
            return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store_db(s), SQL_REPLAY, -1, &st, NULL) != SQLITE_OK)
        return errbuf_set(err, "cannot read the entries: %s", store_errmsg(s));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct entry *e;
        long long n = sqlite3_column_int64(st, 0);
        const void *content = sqlite3_column_blob(st, 3);
        int null = sqlite3_column_type(st, 3) == SQLITE_NULL;
        if (entry_from_parts(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                             sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
                             null ? NULL : (content ? content : (const void *)""),
                             (size_t)sqlite3_column_bytes(st, 3), &e) != ENTRY_OK) {
            sqlite3_finalize(st);
            return errbuf_set(err, "stored entry %lld does not decode; the database is damaged", n);
        }
        int prc = project_entry(s, e, n);
        entry_destroy(&e);
        if (prc < 0) {
            errbuf_set(err, "cannot project entry: %s", store_errmsg(s));
            sqlite3_finalize(st);
            return -1;
        }
        (*count)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return errbuf_set(err, "cannot read the entries: %s", store_errmsg(s));
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES('projection_version', %d)",
             PROJECT_VERSION);
    return exec(s, sql, err);
}

int project_rebuild(struct store *s, uint64_t *count, struct errbuf *err)
{
    if (store_begin(s, err) < 0) return -1;
    if (rebuild(s, count, err) < 0) {
        store_rollback(s);
        return -1;
    }
    return store_commit(s, err);
}

int project_setup(struct store *s, struct errbuf *err)
{
    if (stored_version(s) == PROJECT_VERSION) {
        for (size_t i = 0; i < NPROJ; i++)
            if (projections[i].create && exec(s, projections[i].create, err) < 0) return -1;
        return 0;
    }
    uint64_t count;
    return project_rebuild(s, &count, err);
}
