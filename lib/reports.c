#include <stdlib.h>
#include <string.h>

#include "ekonet/reports.h"
#include "ekonet/store.h"

static const char SQL_INSERT[] =
    "INSERT OR IGNORE INTO reports(n, id, author, seq, ts, kind, title, summary, topics,"
    " supersedes, versions) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " 1 + coalesce((SELECT versions FROM reports WHERE id=?10 AND author=?3), 0))";
static const char SQL_SUPERSEDE[] =
    "UPDATE reports SET superseded_by=?1 WHERE id=?2 AND author=?3 AND superseded_by IS NULL";

/* Joins topics with '\n' into a new string. */
static char *join_topics(const Ekonet__Report *r)
{
    size_t len = 1;
    for (size_t i = 0; i < r->n_topics; i++) len += strlen(r->topics[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    *p = '\0';
    for (size_t i = 0; i < r->n_topics; i++) {
        size_t l = strlen(r->topics[i]);
        if (i) *p++ = '\n';
        memcpy(p, r->topics[i], l);
        p += l;
        *p = '\0';
    }
    return s;
}

int reports_project(struct store *s, const struct entry *e, int64_t n)
{
    if (!e->content) return 0; /* detached or redacted: nothing to show */
    Ekonet__Report *r = ekonet__report__unpack(NULL, e->content_len, e->content);
    if (!r) return 0; /* accepted entries validated; a stored one that fails is skipped */
    char *topics = join_topics(r);
    sqlite3_stmt *st = store_stmt(s, SQL_INSERT);
    int rc = -1;
    if (!topics || !st) goto out;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_blob(st, 2, e->id, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_int(st, 6, r->has_kind ? r->kind : EKONET__REPORT_KIND__REPORT_EXPERIENCE);
    sqlite3_bind_text(st, 7, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->summary ? r->summary : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, topics, -1, SQLITE_STATIC);
    if (r->has_supersedes)
        sqlite3_bind_blob(st, 10, r->supersedes.data, (int)r->supersedes.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 10);
    if (sqlite3_step(st) != SQLITE_DONE) goto out;
    sqlite3_reset(st);
    if (r->has_supersedes) {
        /* Only the author's own earlier report can be superseded. */
        st = store_stmt(s, SQL_SUPERSEDE);
        if (!st) goto out;
        sqlite3_bind_blob(st, 1, e->id, ID_SIZE, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, r->supersedes.data, (int)r->supersedes.len, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, e->author, KEY_SIZE, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) goto out;
    }
    rc = 0;
out:
    if (st) sqlite3_reset(st);
    free(topics);
    ekonet__report__free_unpacked(r, NULL);
    return rc;
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
}

#define ROW_COLUMNS "id, author, seq, ts, kind, title, summary, topics, versions"

static const char SQL_LIST[] = "SELECT " ROW_COLUMNS " FROM reports WHERE superseded_by IS NULL"
                               " AND (?1 IS NULL OR author=?1) ORDER BY ts DESC, n DESC LIMIT ?2";
static const char SQL_COUNT[] =
    "SELECT count(*) FROM reports WHERE superseded_by IS NULL AND (?1 IS NULL OR author=?1)";

int reports_list(struct store *s, const struct report_filter *f,
                 void (*fn)(void *ctx, const struct report_row *r), void *ctx, uint64_t *total)
{
    sqlite3_stmt *st = store_stmt(s, SQL_COUNT);
    if (!st) return -1;
    if (f->author) sqlite3_bind_blob(st, 1, f->author, KEY_SIZE, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) return -1;
    *total = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);

    st = store_stmt(s, SQL_LIST);
    if (!st) return -1;
    if (f->author) sqlite3_bind_blob(st, 1, f->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct report_row row;
        row_from(st, &row);
        fn(ctx, &row);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_GET[] =
    "SELECT r.id, r.author, r.seq, r.ts, r.kind, r.title, r.summary, r.topics, r.versions,"
    " e.content, length(e.header) FROM reports r JOIN entries e ON e.n=r.n WHERE r.id=?1";

int reports_get(struct store *s, const uint8_t id[ID_SIZE],
                void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                Ekonet__Report **report, uint64_t *entry_size)
{
    *report = NULL;
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 9);
        const uint8_t *content = sqlite3_column_blob(st, 9);
        *report = ekonet__report__unpack(NULL, len, content);
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
