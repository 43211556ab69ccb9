/*
 * roster: projection of the board feed and its in-memory lookups. Memory: one struct member
 * per admitted or revoked member (about 200 bytes), so a network of 300 members takes
 * 60 KB; lookups are binary searches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

void roster_destroy(struct roster **pr)
{
    if (!pr || !*pr) return;
    free((*pr)->members);
    free((*pr)->by_curve);
    free(*pr);
    *pr = NULL;
}

/* bsearch: a key against a member */
static int key_vs_member(const void *key, const void *m)
{
    return memcmp(key, ((const struct member *)m)->key, KEY_SIZE);
}

/* bsearch: a CURVE key against an entry of by_curve */
static int curve_vs_member(const void *curve, const void *pm)
{
    return memcmp(curve, (*(const struct member *const *)pm)->curve, KEY_SIZE);
}

static int cmp_curve(const void *a, const void *b)
{
    const struct member *x = *(const struct member *const *)a,
                        *y = *(const struct member *const *)b;
    return memcmp(x->curve, y->curve, KEY_SIZE);
}

static void copy_text(char *dst, size_t size, const unsigned char *src)
{
    snprintf(dst, size, "%s", src ? (const char *)src : "");
}

static int load_network(struct roster *r, struct store *s)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT id, name, threshold, board_seq FROM network WHERE one=1");
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ID_SIZE) {
        r->joined = 1;
        memcpy(r->network, sqlite3_column_blob(st, 0), ID_SIZE);
        copy_text(r->name, sizeof r->name, sqlite3_column_text(st, 1));
        r->threshold = (uint32_t)sqlite3_column_int(st, 2);
        r->board_seq = (uint64_t)sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;

    st = store_stmt(s, "SELECT key FROM board_keys ORDER BY key");
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->nboard < BOARD_MAX_KEYS)
        if (sqlite3_column_bytes(st, 0) == KEY_SIZE)
            memcpy(r->board[r->nboard++], sqlite3_column_blob(st, 0), KEY_SIZE);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int load_members(struct roster *r, struct store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM members");
    if (!st || sqlite3_step(st) != SQLITE_ROW) return -1;
    size_t n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    r->members = calloc(n ? n : 1, sizeof *r->members);
    r->by_curve = calloc(n ? n : 1, sizeof *r->by_curve);
    if (!r->members || !r->by_curve) return -1;
    st = store_stmt(s, "SELECT key, curve, name, code, kind, status, admitted_ms, admitted_seq,"
                       " coalesce(last_seq, 0), member, gen, successor, coalesce(succession, 0)"
                       " FROM members ORDER BY key");
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->nmembers < n) {
        struct member *m = &r->members[r->nmembers];
        if (sqlite3_column_bytes(st, 0) != KEY_SIZE || sqlite3_column_bytes(st, 1) != KEY_SIZE)
            continue;
        memcpy(m->key, sqlite3_column_blob(st, 0), KEY_SIZE);
        memcpy(m->curve, sqlite3_column_blob(st, 1), KEY_SIZE);
        copy_text(m->name, sizeof m->name, sqlite3_column_text(st, 2));
        copy_text(m->code, sizeof m->code, sqlite3_column_text(st, 3));
        m->kind = sqlite3_column_int(st, 4);
        m->status = sqlite3_column_int(st, 5);
        m->admitted_ms = (uint64_t)sqlite3_column_int64(st, 6);
        m->admitted_seq = (uint64_t)sqlite3_column_int64(st, 7);
        m->last_seq = (uint64_t)sqlite3_column_int64(st, 8);
        if (sqlite3_column_bytes(st, 9) == KEY_SIZE)
            memcpy(m->root, sqlite3_column_blob(st, 9), KEY_SIZE);
        else
            memcpy(m->root, m->key, KEY_SIZE);
        m->gen = (uint32_t)sqlite3_column_int64(st, 10);
        m->has_successor = sqlite3_column_bytes(st, 11) == KEY_SIZE;
        if (m->has_successor) memcpy(m->successor, sqlite3_column_blob(st, 11), KEY_SIZE);
        m->succession = sqlite3_column_int(st, 12);
        if (m->status == MEMBER_REVOKED) r->nrevoked++;
        r->by_curve[r->nmembers] = m;
        r->nmembers++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
    qsort(r->by_curve, r->nmembers, sizeof *r->by_curve, cmp_curve);
    return 0;
}

int roster_reload(struct roster *r, struct store *s)
{
    free(r->members);
    free(r->by_curve);
    memset(r, 0, sizeof *r);
    if (load_network(r, s) < 0 || load_members(r, s) < 0) return -1;
    return 0;
}

struct roster *roster_load(struct store *s, struct errbuf *err)
{
    struct roster *r = calloc(1, sizeof *r);
    if (!r || roster_reload(r, s) < 0) {
        errbuf_set(err, "cannot read the roster: %s", store_errmsg(s));
        roster_destroy(&r);
        return NULL;
    }
    return r;
}

const struct member *roster_member(const struct roster *r, const uint8_t key[KEY_SIZE])
{
    if (r->nmembers == 0) return NULL;
    return bsearch(key, r->members, r->nmembers, sizeof *r->members, key_vs_member);
}

const struct member *roster_member_by_curve(const struct roster *r, const uint8_t curve[KEY_SIZE])
{
    if (r->nmembers == 0) return NULL;
    struct member **found =
        bsearch(curve, r->by_curve, r->nmembers, sizeof *r->by_curve, curve_vs_member);
    return found ? *found : NULL;
}

const struct member *roster_current(const struct roster *r, const uint8_t key[KEY_SIZE])
{
    const struct member *m = roster_member(r, key);
    for (int i = 0; m && m->has_successor && i < ROSTER_CHAIN_MAX; i++) {
        const struct member *next = roster_member(r, m->successor);
        if (!next) break;
        m = next;
    }
    return m;
}

int roster_same_member(const struct roster *r, const uint8_t a[KEY_SIZE], const uint8_t b[KEY_SIZE])
{
    if (memcmp(a, b, KEY_SIZE) == 0) return 1;
    const struct member *x = roster_member(r, a), *y = roster_member(r, b);
    return x && y && memcmp(x->root, y->root, KEY_SIZE) == 0;
}

int roster_may_author(const struct roster *r, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    const struct member *m = roster_member(r, author);
    if (!m) return ENTRY_NOT_MEMBER;
    if (m->status == MEMBER_REVOKED && seq > m->last_seq) return ENTRY_REVOKED;
    return ENTRY_OK;
}

size_t roster_count_signatures(const struct entry *e, const uint8_t (*keys)[KEY_SIZE], size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < e->nsigs; i++) {
        int board = 0, repeated = 0;
        for (size_t k = 0; k < n && !board; k++) board = !memcmp(e->sigs[i].key, keys[k], KEY_SIZE);
        for (size_t j = 0; j < i && !repeated; j++)
            repeated = !memcmp(e->sigs[i].key, e->sigs[j].key, KEY_SIZE);
        /* A key not on the board, or one that signed already, does not count. */
        if (board && !repeated && entry_verify_sig(e, &e->sigs[i]) == 0) count++;
    }
    return count;
}

static const char SQL_LIST[] =
    "SELECT m.key, m.name, m.code, m.decision, m.reason, m.kind, m.status, m.admitted_ms,"
    " m.admitted_seq, coalesce(m.revoked_ms, 0), coalesce(m.last_seq, 0),"
    " coalesce(f.head_seq, 0), m.application, m.member"
    " FROM members m LEFT JOIN feeds f ON f.author = m.key WHERE m.successor IS NULL"
    " ORDER BY m.name, m.key";
static const char SQL_FORMER[] =
    "SELECT key, coalesce(last_seq, 0), coalesce(revoked_ms, 0), coalesce(succession, 0)"
    " FROM members WHERE member=?1 AND successor IS NOT NULL ORDER BY gen DESC";

/* The keys the member of row r had before its current one, newest first. 0 or -1. */
static int list_former(struct store *s, const void *member, struct member_row *r)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORMER);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, member, KEY_SIZE, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        r->former_total++;
        if (r->nformer == ROSTER_FORMER_MAX || sqlite3_column_bytes(st, 0) != KEY_SIZE) continue;
        struct former_key *k = &r->former[r->nformer++];
        memcpy(k->key, sqlite3_column_blob(st, 0), KEY_SIZE);
        k->last_seq = (uint64_t)sqlite3_column_int64(st, 1);
        k->replaced_ms = (uint64_t)sqlite3_column_int64(st, 2);
        k->succession = sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int roster_list(struct store *s, void (*fn)(void *ctx, const struct member_row *r), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_LIST);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct member_row r = {0};
        if (sqlite3_column_bytes(st, 0) != KEY_SIZE) continue;
        memcpy(r.key, sqlite3_column_blob(st, 0), KEY_SIZE);
        r.name = (const char *)sqlite3_column_text(st, 1);
        r.code = (const char *)sqlite3_column_text(st, 2);
        r.decision = (const char *)sqlite3_column_text(st, 3);
        r.reason = (const char *)sqlite3_column_text(st, 4);
        r.kind = sqlite3_column_int(st, 5);
        r.status = sqlite3_column_int(st, 6);
        r.admitted_ms = (uint64_t)sqlite3_column_int64(st, 7);
        r.admitted_seq = (uint64_t)sqlite3_column_int64(st, 8);
        r.revoked_ms = (uint64_t)sqlite3_column_int64(st, 9);
        r.last_seq = (uint64_t)sqlite3_column_int64(st, 10);
        r.head_seq = (uint64_t)sqlite3_column_int64(st, 11);
        r.application = sqlite3_column_blob(st, 12);
        r.application_len = (size_t)sqlite3_column_bytes(st, 12);
        if (sqlite3_column_bytes(st, 13) == KEY_SIZE &&
            list_former(s, sqlite3_column_blob(st, 13), &r) < 0)
            break;
        fn(ctx, &r);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- projection ------------------------------------------------------------------------ */

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int project_charter(struct store *s, const struct entry *e, const Ekonet__Charter *c)
{
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO network(one, id, name, threshold, board_seq, created_ms)"
           " VALUES(1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(one) DO UPDATE SET name=excluded.name,"
           " threshold=excluded.threshold, board_seq=excluded.board_seq");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, e->author, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->threshold);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
    if (step_done(st) < 0) return -1;
    if (!(st = store_stmt(s, "DELETE FROM board_keys")) || step_done(st) < 0) return -1;
    for (size_t i = 0; i < c->n_board_keys; i++) {
        if (!(st = store_stmt(s, "INSERT OR IGNORE INTO board_keys(key) VALUES(?1)"))) return -1;
        sqlite3_bind_blob(st, 1, c->board_keys[i].data, KEY_SIZE, SQLITE_STATIC);
        if (step_done(st) < 0) return -1;
    }
    return 0;
}

static int project_admit(struct store *s, const struct entry *e, const Ekonet__Admit *a)
{
    uint8_t curve[KEY_SIZE];
    if (key_pub_to_curve(curve, a->member.data) < 0) return 0;
    size_t applen = 0;
    uint8_t *app = NULL;
    if (a->application) {
        applen = ekonet__signed_application__get_packed_size(a->application);
        if (!(app = malloc(applen))) return -1;
        ekonet__signed_application__pack(a->application, app);
    }
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO members(key, curve, name, code, kind, status, admitted_ms, admitted_seq,"
           " decision, application, member) VALUES(?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?1)"
           " ON CONFLICT(key) DO UPDATE SET name=excluded.name, code=excluded.code,"
           " kind=excluded.kind, status=1, admitted_ms=excluded.admitted_ms,"
           " admitted_seq=excluded.admitted_seq, decision=excluded.decision,"
           " application=coalesce(excluded.application, application), revoked_ms=NULL,"
           " revoked_seq=NULL, reason=NULL, last_seq=NULL"
           /* a key that was succeeded stays replaced: its member goes on under its successor */
           " WHERE successor IS NULL");
    int rc = -1;
    if (st) {
        sqlite3_bind_blob(st, 1, a->member.data, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, curve, KEY_SIZE, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, a->code, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, a->kind);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)e->timestamp_ms);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)e->seq);
        sqlite3_bind_text(st, 8, a->decision, -1, SQLITE_STATIC);
        if (app)
            sqlite3_bind_blob(st, 9, app, (int)applen, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 9);
        rc = step_done(st);
    }
    free(app);
    return rc;
}

static int project_revoke(struct store *s, const struct entry *e, const Ekonet__Revoke *r)
{
    sqlite3_stmt *st =
        store_stmt(s, "UPDATE members SET status=2, revoked_ms=?2, revoked_seq=?3, reason=?4,"
                      " last_seq=?5 WHERE key=?1 AND successor IS NULL");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, r->member.data, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
    sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)r->last_seq);
    return step_done(st);
}

/* The new key joins the old key's member (name, code, kind, membership, application) one
   generation on; only if the old key has no successor yet and the new key is no key of the
   roster at all. */
static const char SQL_SUCCESSOR[] =
    "INSERT INTO members(key, curve, name, code, kind, status, admitted_ms, admitted_seq,"
    " decision, application, member, gen) SELECT ?1, ?2, name, code, kind, 1, admitted_ms,"
    " admitted_seq, decision, application, member, gen + 1 FROM members"
    " WHERE key=?3 AND successor IS NULL AND NOT EXISTS (SELECT 1 FROM members WHERE key=?1)";
static const char SQL_SUCCEEDED[] =
    "UPDATE members SET status=2, revoked_ms=?2, revoked_seq=?3, reason=?4, last_seq=?5,"
    " successor=?6, succession=?7 WHERE key=?1";

static int project_succeed(struct store *s, const struct entry *e, const Ekonet__Succeed *x)
{
    uint8_t curve[KEY_SIZE];
    if (key_pub_to_curve(curve, x->new_key.data) < 0) return 0;
    sqlite3_stmt *st = store_stmt(s, SQL_SUCCESSOR);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, x->new_key.data, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, curve, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, x->old_key.data, KEY_SIZE, SQLITE_STATIC);
    if (step_done(st) < 0) return -1;
    if (sqlite3_changes(store_db(s)) == 0) return 0; /* changes nothing (PROTOCOL.md 5.3) */
    if (!(st = store_stmt(s, SQL_SUCCEEDED))) return -1;
    sqlite3_bind_blob(st, 1, x->old_key.data, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
    sqlite3_bind_text(st, 4, x->decision, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)x->last_seq);
    sqlite3_bind_blob(st, 6, x->new_key.data, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, x->reason);
    return step_done(st);
}

static int project_catalogue(struct store *s, const struct entry *e, const Ekonet__Catalogue *c)
{
    sqlite3_stmt *st =
        store_stmt(s, "INSERT OR REPLACE INTO catalogue_in_force(one, seq, revision, content)"
                      " VALUES(1, ?1, ?2, ?3)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq);
    sqlite3_bind_text(st, 2, c->revision, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, e->content, (int)e->content_len, SQLITE_STATIC);
    return step_done(st);
}

int roster_project(struct store *s, const struct entry *e, int64_t n)
{
    (void)n;
    if (!e->content) return 0;
    const uint8_t *d = e->content;
    size_t len = e->content_len;
    int rc = 0;
    switch (e->kind) {
    case EKONET__ENTRY_KIND__KIND_CHARTER: {
        Ekonet__Charter *c = ekonet__charter__unpack(NULL, len, d);
        if (c) rc = project_charter(s, e, c), ekonet__charter__free_unpacked(c, NULL);
        return rc;
    }
    case EKONET__ENTRY_KIND__KIND_ADMIT: {
        Ekonet__Admit *a = ekonet__admit__unpack(NULL, len, d);
        if (a) rc = project_admit(s, e, a), ekonet__admit__free_unpacked(a, NULL);
        break;
    }
    case EKONET__ENTRY_KIND__KIND_REVOKE: {
        Ekonet__Revoke *r = ekonet__revoke__unpack(NULL, len, d);
        if (r) rc = project_revoke(s, e, r), ekonet__revoke__free_unpacked(r, NULL);
        break;
    }
    case EKONET__ENTRY_KIND__KIND_SUCCEED: {
        Ekonet__Succeed *x = ekonet__succeed__unpack(NULL, len, d);
        if (x) rc = project_succeed(s, e, x), ekonet__succeed__free_unpacked(x, NULL);
        break;
    }
    case EKONET__ENTRY_KIND__KIND_CATALOGUE: {
        Ekonet__Catalogue *c = ekonet__catalogue__unpack(NULL, len, d);
        if (c) rc = project_catalogue(s, e, c), ekonet__catalogue__free_unpacked(c, NULL);
        break;
    }
    default:
        return 0;
    }
    if (rc < 0) return -1;
    sqlite3_stmt *st = store_stmt(s, "UPDATE network SET board_seq=?1 WHERE one=1");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq);
    return step_done(st);
}
