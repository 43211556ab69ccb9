/*
 * profiles: projection and queries of PROFILE entries (include/ekonet/profiles.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The endpoints '\n'-joined (validation keeps newlines out of them); caller frees. */
static char *join_endpoints(const Ekonet__Profile *p)
{
    size_t len = 1;
    for (size_t i = 0; i < p->n_endpoints; i++) len += strlen(p->endpoints[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; out && i < p->n_endpoints; i++) {
        if (i) strcat(out, "\n");
        strcat(out, p->endpoints[i]);
    }
    return out;
}

static const char SQL_SEQ[] = "SELECT seq FROM profiles WHERE author=?1";
static const char SQL_PUT[] =
    "INSERT OR REPLACE INTO profiles(author, id, seq, n, ts, name, code, endpoints, content)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

int profiles_project(struct store *s, const struct entry *e, int64_t n)
{
    if (!e->content) return 0; /* redacted: nothing of it is shown */
    Ekonet__Profile *p = ekonet__profile__unpack(NULL, e->content_len, e->content);
    if (!p) return 0;
    int rc = -1;
    char *endpoints = NULL;
    sqlite3_stmt *st = store_stmt(s, SQL_SEQ);
    if (!st) goto out;
    sqlite3_bind_blob(st, 1, e->author, KEY_SIZE, SQLITE_STATIC);
    int newer = sqlite3_step(st) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) >= e->seq;
    sqlite3_reset(st);
    if (newer) { /* latest wins: the one in force came later in the feed */
        rc = 0;
        goto out;
    }
    if (!(endpoints = join_endpoints(p)) || !(st = store_stmt(s, SQL_PUT))) goto out;
    sqlite3_bind_blob(st, 1, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, e->id, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 4, n);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_text(st, 6, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, endpoints, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, e->content, (int)e->content_len, SQLITE_STATIC);
    rc = step(st);
out:
    free(endpoints);
    ekonet__profile__free_unpacked(p, NULL);
    return rc;
}

/*
 * After the profile in force was redacted: the author's latest other profile that still has
 * its content takes its place, as in a rebuild from the entries or on a node that got the
 * redacted entry without its content. 0 or -1.
 */
static int restore(struct store *s, const uint8_t author[KEY_SIZE], const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT n, id, seq, ts, content FROM entries WHERE author=?1 AND kind=?2"
                      " AND id<>?3 AND content IS NOT NULL ORDER BY seq DESC");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, EKONET__ENTRY_KIND__KIND_PROFILE);
    sqlite3_bind_blob(st, 3, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == ID_SIZE) {
        struct entry e = {.seq = (uint64_t)sqlite3_column_int64(st, 2),
                          .timestamp_ms = (uint64_t)sqlite3_column_int64(st, 3),
                          .kind = EKONET__ENTRY_KIND__KIND_PROFILE,
                          .content = (uint8_t *)sqlite3_column_blob(st, 4),
                          .content_len = (size_t)sqlite3_column_bytes(st, 4)};
        memcpy(e.author, author, KEY_SIZE);
        memcpy(e.id, sqlite3_column_blob(st, 1), ID_SIZE);
        rc = profiles_project(s, &e, sqlite3_column_int64(st, 0)) < 0 ? SQLITE_ERROR : SQLITE_DONE;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int profiles_forget(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, "SELECT author FROM profiles WHERE id=?1");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    uint8_t author[KEY_SIZE];
    int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SIZE;
    if (found) memcpy(author, sqlite3_column_blob(st, 0), KEY_SIZE);
    sqlite3_reset(st);
    if (!found) return 0; /* not a profile, or not the one in force */
    if (!(st = store_stmt(s, "DELETE FROM profiles WHERE author=?1"))) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    if (step(st) < 0) return -1;
    return restore(s, author, id);
}

/* Of the profiles in force of a member's keys, the newest key's. */
static const char SQL_MEMBER_PROFILE[] =
    "SELECT p.id, p.seq, p.ts, p.content, p.author FROM profiles p"
    " JOIN (" ROSTER_KEYS_OF("?1") ") k ON k.key = p.author ORDER BY k.gen DESC LIMIT 1";

int profile_get(struct store *s, const uint8_t author[KEY_SIZE], struct profile_info *info,
                Ekonet__Profile **p)
{
    *p = NULL;
    memset(info, 0, sizeof *info);
    sqlite3_stmt *st = store_stmt(s, SQL_MEMBER_PROFILE);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ID_SIZE) {
        *p = ekonet__profile__unpack(NULL, (size_t)sqlite3_column_bytes(st, 3),
                                     sqlite3_column_blob(st, 3));
        res = *p ? 1 : -1;
        if (*p) {
            info->source = PROFILE_PUBLISHED;
            memcpy(info->id, sqlite3_column_blob(st, 0), ID_SIZE);
            info->seq = (uint64_t)sqlite3_column_int64(st, 1);
            info->timestamp_ms = (uint64_t)sqlite3_column_int64(st, 2);
            if (sqlite3_column_bytes(st, 4) == KEY_SIZE)
                memcpy(info->author, sqlite3_column_blob(st, 4), KEY_SIZE);
        }
    }
    sqlite3_reset(st);
    return res;
}

/* A Profile made of an application and the board's name and code for the member; NULL when
   out of memory. The application was checked when the board's ADMIT act was accepted. */
static Ekonet__Profile *from_application(const Ekonet__Application *a, const char *name,
                                         const char *code)
{
    Ekonet__Profile p = EKONET__PROFILE__INIT;
    char *endpoint = a->endpoint;
    p.name = (char *)name;
    p.code = (char *)code;
    if (endpoint && *endpoint) {
        p.n_endpoints = 1;
        p.endpoints = &endpoint;
    }
    p.politician = a->politician;
    p.official = a->official;
    /* Packed and unpacked again, so that the caller frees it like any decoded Profile. */
    size_t len = ekonet__profile__get_packed_size(&p);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) return NULL;
    ekonet__profile__pack(&p, buf);
    Ekonet__Profile *out = ekonet__profile__unpack(NULL, len, buf);
    free(buf);
    return out;
}

int profile_effective(struct store *s, const uint8_t author[KEY_SIZE], struct profile_info *info,
                      Ekonet__Profile **p)
{
    int rc = profile_get(s, author, info, p);
    if (rc != 0) return rc;
    sqlite3_stmt *st = store_stmt(s, "SELECT name, code, application FROM members WHERE key=?1");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    rc = sqlite3_step(st);
    int res = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 2) == SQLITE_BLOB) {
        Ekonet__SignedApplication *sa = ekonet__signed_application__unpack(
            NULL, (size_t)sqlite3_column_bytes(st, 2), sqlite3_column_blob(st, 2));
        Ekonet__Application *a =
            sa ? ekonet__application__unpack(NULL, sa->application.len, sa->application.data)
               : NULL;
        if (a) {
            *p = from_application(a, (const char *)sqlite3_column_text(st, 0),
                                  (const char *)sqlite3_column_text(st, 1));
            res = *p ? 1 : -1;
            info->source = *p ? PROFILE_APPLICATION : PROFILE_NONE;
            info->timestamp_ms = a->created_ms;
            ekonet__application__free_unpacked(a, NULL);
        }
        if (sa) ekonet__signed_application__free_unpacked(sa, NULL);
    }
    sqlite3_reset(st);
    return res;
}
