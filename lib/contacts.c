/*
 * contacts: the tables behind contact requests; see contacts.h. Every function runs inside or
 * outside the caller's transaction; the daemon wraps each received batch in one.
 */
#include <string.h>

#include "ekonet/contacts.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"

#define BIND_ID(st, i, p) sqlite3_bind_blob(st, i, p, ID_SIZE, SQLITE_STATIC)

/* Steps a statement that returns no rows; 0 or -1. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a statement whose first column is a count (or a flag); the value or -1. */
static int64_t scalar(sqlite3_stmt *st)
{
    int64_t v = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        v = 0;
    sqlite3_reset(st);
    return v;
}

static const char SQL_HOLD[] = "INSERT OR IGNORE INTO envelopes(id, sender, recipient, expires, "
                               "own, received, raw) VALUES(?, ?, ?, ?, ?, ?, ?)";

int contacts_hold(struct store *s, const struct envelope *e, int own, uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_HOLD);
    if (!st) return -1;
    BIND_ID(st, 1, e->id);
    BIND_ID(st, 2, e->from);
    BIND_ID(st, 3, e->to);
    sqlite3_bind_int64(st, 4, (int64_t)e->expires_ms);
    sqlite3_bind_int(st, 5, own);
    sqlite3_bind_int64(st, 6, (int64_t)now_ms);
    sqlite3_bind_blob(st, 7, e->raw, (int)e->raw_len, SQLITE_STATIC);
    if (run(st) < 0) return -1;
    return sqlite3_changes(store_db(s)) > 0;
}

static const char SQL_HELD[] = "SELECT count(*) FROM envelopes WHERE id=?";

int contacts_held(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_HELD);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    return (int)scalar(st);
}

static const char SQL_USAGE[] =
    "SELECT count(*), coalesce(sum(length(raw)), 0), coalesce(sum(sender=?), 0) "
    "FROM envelopes WHERE own=0";

int contacts_relay_usage(struct store *s, const uint8_t sender[KEY_SIZE], uint64_t *count,
                         uint64_t *bytes, uint64_t *from_sender)
{
    sqlite3_stmt *st = store_stmt(s, SQL_USAGE);
    if (!st) return -1;
    BIND_ID(st, 1, sender);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *count = (uint64_t)sqlite3_column_int64(st, 0);
        *bytes = (uint64_t)sqlite3_column_int64(st, 1);
        *from_sender = (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_EACH_HELD[] = "SELECT id, sender, recipient, own, raw FROM envelopes "
                                    "WHERE expires > ? ORDER BY n";

int contacts_each_held(struct store *s, uint64_t now_ms, contacts_held_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_EACH_HELD);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)now_ms);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != ID_SIZE || sqlite3_column_bytes(st, 1) != KEY_SIZE ||
            sqlite3_column_bytes(st, 2) != KEY_SIZE)
            continue;
        if (fn(ctx, sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 1),
               sqlite3_column_blob(st, 2), sqlite3_column_int(st, 3), sqlite3_column_blob(st, 4),
               (size_t)sqlite3_column_bytes(st, 4)) != 0)
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_WAITING[] =
    "SELECT DISTINCT recipient FROM envelopes WHERE own=1 AND expires > ? LIMIT ?";

int contacts_waiting(struct store *s, uint64_t now_ms, uint8_t (*keys)[KEY_SIZE], size_t max)
{
    sqlite3_stmt *st = store_stmt(s, SQL_WAITING);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)now_ms);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_bytes(st, 0) == KEY_SIZE)
            memcpy(keys[n++], sqlite3_column_blob(st, 0), KEY_SIZE);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

static const char SQL_ACK_PUT[] = "INSERT OR IGNORE INTO acks(envelope, signer, sender, expires, "
                                  "raw) VALUES(?, ?, ?, ?, ?)";
static const char SQL_ACK_DROP[] = "DELETE FROM envelopes WHERE id=? AND recipient=?";

int contacts_ack_put(struct store *s, const struct ack *a)
{
    sqlite3_stmt *st = store_stmt(s, SQL_ACK_PUT);
    if (!st) return -1;
    BIND_ID(st, 1, a->envelope);
    BIND_ID(st, 2, a->from);
    BIND_ID(st, 3, a->to);
    sqlite3_bind_int64(st, 4, (int64_t)a->expires_ms);
    sqlite3_bind_blob(st, 5, a->raw, (int)a->raw_len, SQLITE_STATIC);
    if (run(st) < 0) return -1;
    if (sqlite3_changes(store_db(s)) == 0) return 0;
    /* only the recipient's ack releases an envelope */
    if (!(st = store_stmt(s, SQL_ACK_DROP))) return -1;
    BIND_ID(st, 1, a->envelope);
    BIND_ID(st, 2, a->from);
    return run(st) < 0 ? -1 : 1;
}

static const char SQL_ACKED[] = "SELECT count(*) FROM acks WHERE envelope=? AND signer=?";

int contacts_acked(struct store *s, const uint8_t envelope[ID_SIZE],
                   const uint8_t recipient[KEY_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_ACKED);
    if (!st) return -1;
    BIND_ID(st, 1, envelope);
    BIND_ID(st, 2, recipient);
    return (int)scalar(st);
}

static const char SQL_ACK_COUNT[] = "SELECT count(*) FROM acks WHERE signer=?";

int64_t contacts_ack_count(struct store *s, const uint8_t signer[KEY_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_ACK_COUNT);
    if (!st) return -1;
    BIND_ID(st, 1, signer);
    return scalar(st);
}

static const char SQL_EACH_ACK[] =
    "SELECT envelope, signer, sender, raw FROM acks WHERE expires > ?";

int contacts_each_ack(struct store *s, uint64_t now_ms, contacts_ack_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_EACH_ACK);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)now_ms);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != ID_SIZE || sqlite3_column_bytes(st, 1) != KEY_SIZE ||
            sqlite3_column_bytes(st, 2) != KEY_SIZE)
            continue;
        if (fn(ctx, sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 1),
               sqlite3_column_blob(st, 2), sqlite3_column_blob(st, 3),
               (size_t)sqlite3_column_bytes(st, 3)) != 0)
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_ADD[] =
    "INSERT OR IGNORE INTO contacts(id, outgoing, peer, created, expires, state, updated, "
    "request) VALUES(?, ?, ?, ?, ?, ?, ?, ?)";

int contacts_add(struct store *s, const uint8_t id[ID_SIZE], int outgoing,
                 const uint8_t peer[KEY_SIZE], uint64_t created_ms, uint64_t expires_ms,
                 const uint8_t *request, size_t len, uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_ADD);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    sqlite3_bind_int(st, 2, outgoing);
    BIND_ID(st, 3, peer);
    sqlite3_bind_int64(st, 4, (int64_t)created_ms);
    sqlite3_bind_int64(st, 5, (int64_t)expires_ms);
    sqlite3_bind_text(st, 6, outgoing ? "queued" : "new", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (int64_t)now_ms);
    sqlite3_bind_blob(st, 8, request, (int)len, SQLITE_STATIC);
    if (run(st) < 0) return -1;
    return sqlite3_changes(store_db(s)) > 0;
}

#define CONTACT_COLUMNS                                                                            \
    "id, outgoing, peer, created, expires, updated, state, request, reply, reply_id, "             \
    "reply_state, note"

/* Fills c from a row of CONTACT_COLUMNS; 0, or -1 for a row of the wrong shape. */
static int row(sqlite3_stmt *st, struct contact *c)
{
    memset(c, 0, sizeof *c);
    if (sqlite3_column_bytes(st, 0) != ID_SIZE || sqlite3_column_bytes(st, 2) != KEY_SIZE)
        return -1;
    memcpy(c->id, sqlite3_column_blob(st, 0), ID_SIZE);
    c->outgoing = sqlite3_column_int(st, 1);
    memcpy(c->peer, sqlite3_column_blob(st, 2), KEY_SIZE);
    c->created_ms = (uint64_t)sqlite3_column_int64(st, 3);
    c->expires_ms = (uint64_t)sqlite3_column_int64(st, 4);
    c->updated_ms = (uint64_t)sqlite3_column_int64(st, 5);
    c->state = (const char *)sqlite3_column_text(st, 6);
    c->request = sqlite3_column_blob(st, 7);
    c->request_len = (size_t)sqlite3_column_bytes(st, 7);
    if (sqlite3_column_type(st, 8) == SQLITE_BLOB) {
        c->reply = sqlite3_column_blob(st, 8);
        c->reply_len = (size_t)sqlite3_column_bytes(st, 8);
    }
    if (sqlite3_column_bytes(st, 9) == ID_SIZE) c->reply_id = sqlite3_column_blob(st, 9);
    c->reply_state = (const char *)sqlite3_column_text(st, 10);
    c->note = (const char *)sqlite3_column_text(st, 11);
    if (!c->state) c->state = "?";
    return 0;
}

static const char SQL_GET[] = "SELECT " CONTACT_COLUMNS " FROM contacts WHERE id=?";

int contacts_get(struct store *s, const uint8_t id[ID_SIZE],
                 void (*fn)(void *ctx, const struct contact *c), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    struct contact c;
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && row(st, &c) == 0) {
        fn(ctx, &c);
        found = 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

static const char SQL_LIST[] =
    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE outgoing=? ORDER BY n DESC LIMIT ?";

int contacts_list(struct store *s, int outgoing, unsigned limit,
                  void (*fn)(void *ctx, const struct contact *c), void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_LIST);
    if (!st) return -1;
    sqlite3_bind_int(st, 1, outgoing);
    sqlite3_bind_int64(st, 2, limit);
    struct contact c;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (row(st, &c) == 0) fn(ctx, &c);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_RESOLVE[] = "SELECT id FROM contacts WHERE id BETWEEN ?1 AND ?2 LIMIT 2";

int contacts_resolve(struct store *s, const char *prefix, uint8_t id[ID_SIZE])
{
    return store_resolve_in(s, SQL_RESOLVE, prefix, id);
}

static const char SQL_RELAYED_REQ[] = "UPDATE contacts SET state='relayed', updated=?2 "
                                      "WHERE id=?1 AND outgoing=1 AND state='queued'";
static const char SQL_RELAYED_REPLY[] = "UPDATE contacts SET reply_state='relayed', updated=?2 "
                                        "WHERE reply_id=?1 AND reply_state='queued'";

int contacts_relayed(struct store *s, const uint8_t id[ID_SIZE], uint64_t now_ms)
{
    const char *sql[] = {SQL_RELAYED_REQ, SQL_RELAYED_REPLY};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = store_stmt(s, sql[i]);
        if (!st) return -1;
        BIND_ID(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)now_ms);
        if (run(st) < 0) return -1;
    }
    return 0;
}

/* A conversation's peer is a member: its reply or ack may come from a key that succeeded the
   one the conversation began with (docs/PROTOCOL.md 8.5). */
#define PEER_IS(p) "peer IN (SELECT key FROM (" ROSTER_KEYS_OF(p) "))"

static const char SQL_DELIVERED_REQ[] =
    "UPDATE contacts SET state='delivered', updated=?3 WHERE id=?1 AND outgoing=1 AND " PEER_IS(
        "?2") " AND state IN ('queued', 'relayed', 'expired')";
static const char SQL_DELIVERED_REPLY[] =
    "UPDATE contacts SET reply_state='delivered', updated=?3 WHERE reply_id=?1 AND " PEER_IS(
        "?2") " AND reply_state IN ('queued', 'relayed', 'expired')";

int contacts_delivered(struct store *s, const uint8_t id[ID_SIZE],
                       const uint8_t recipient[KEY_SIZE], uint64_t now_ms)
{
    const char *sql[] = {SQL_DELIVERED_REQ, SQL_DELIVERED_REPLY};
    int moved = 0;
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = store_stmt(s, sql[i]);
        if (!st) return -1;
        BIND_ID(st, 1, id);
        BIND_ID(st, 2, recipient);
        sqlite3_bind_int64(st, 3, (int64_t)now_ms);
        if (run(st) < 0) return -1;
        moved += sqlite3_changes(store_db(s));
    }
    return moved > 0;
}

static const char SQL_ANSWERED[] =
    "UPDATE contacts SET state=?3, reply=?4, updated=?5, note=NULL WHERE id=?1 AND outgoing=1"
    " AND " PEER_IS("?2") " AND reply IS NULL";

int contacts_answered(struct store *s, const uint8_t id[ID_SIZE], const uint8_t peer[KEY_SIZE],
                      const char *state, const uint8_t *reply, size_t len, uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_ANSWERED);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    BIND_ID(st, 2, peer);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, reply, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (int64_t)now_ms);
    if (run(st) < 0) return -1;
    return sqlite3_changes(store_db(s)) > 0;
}

static const char SQL_REPLIED[] =
    "UPDATE contacts SET state=?2, reply=?3, reply_id=?4, reply_state='queued', updated=?5, "
    "expires=?6 WHERE id=?1 AND outgoing=0";

int contacts_replied(struct store *s, const uint8_t id[ID_SIZE], const char *state,
                     const uint8_t *reply, size_t len, const uint8_t reply_id[ID_SIZE],
                     uint64_t expires_ms, uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_REPLIED);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, reply, (int)len, SQLITE_STATIC);
    BIND_ID(st, 4, reply_id);
    sqlite3_bind_int64(st, 5, (int64_t)now_ms);
    sqlite3_bind_int64(st, 6, (int64_t)expires_ms);
    return run(st);
}

static const char SQL_READ[] =
    "UPDATE contacts SET state='read', updated=?2 WHERE id=?1 AND outgoing=0 AND state='new'";

int contacts_mark_read(struct store *s, const uint8_t id[ID_SIZE], uint64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(s, SQL_READ);
    if (!st) return -1;
    BIND_ID(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)now_ms);
    return run(st);
}

static const char SQL_PURGE_ENV[] = "DELETE FROM envelopes WHERE expires <= ?";
static const char SQL_PURGE_ACK[] = "DELETE FROM acks WHERE expires <= ?";
static const char SQL_EXPIRE_REQ[] =
    "UPDATE contacts SET state='expired', updated=?1 WHERE outgoing=1 AND expires <= ?1 "
    "AND state IN ('queued', 'relayed')";
static const char SQL_EXPIRE_REPLY[] =
    "UPDATE contacts SET reply_state='expired', updated=?1 WHERE outgoing=0 AND expires <= ?1 "
    "AND reply_state IN ('queued', 'relayed')";

int contacts_purge(struct store *s, uint64_t now_ms, uint64_t *envelopes, uint64_t *acks,
                   uint64_t *expired)
{
    const char *sql[] = {SQL_PURGE_ENV, SQL_PURGE_ACK, SQL_EXPIRE_REQ, SQL_EXPIRE_REPLY};
    uint64_t n[4] = {0};
    for (int i = 0; i < 4; i++) {
        sqlite3_stmt *st = store_stmt(s, sql[i]);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, (int64_t)now_ms);
        if (run(st) < 0) return -1;
        n[i] = (uint64_t)sqlite3_changes(store_db(s));
    }
    if (envelopes) *envelopes = n[0];
    if (acks) *acks = n[1];
    if (expired) *expired = n[2] + n[3];
    return 0;
}

static const char SQL_FORGET_ENV[] = "DELETE FROM envelopes WHERE sender=?1 OR recipient=?1";
static const char SQL_FORGET_REQ[] =
    "UPDATE contacts SET state='expired', updated=?2, note='the member is no longer admitted' "
    "WHERE peer=?1 AND outgoing=1 AND state IN ('queued', 'relayed')";
static const char SQL_FORGET_REPLY[] =
    "UPDATE contacts SET reply_state='expired', updated=?2, "
    "note='the member is no longer admitted' "
    "WHERE peer=?1 AND outgoing=0 AND reply_state IN ('queued', 'relayed')";

int contacts_forget_member(struct store *s, const uint8_t key[KEY_SIZE], uint64_t now_ms)
{
    const char *sql[] = {SQL_FORGET_ENV, SQL_FORGET_REQ, SQL_FORGET_REPLY};
    for (int i = 0; i < 3; i++) {
        sqlite3_stmt *st = store_stmt(s, sql[i]);
        if (!st) return -1;
        BIND_ID(st, 1, key);
        if (i) sqlite3_bind_int64(st, 2, (int64_t)now_ms);
        if (run(st) < 0) return -1;
    }
    return 0;
}

static const char SQL_COUNTS[] =
    "SELECT (SELECT count(*) FROM contacts WHERE outgoing=1 AND state IN ('queued','relayed')),"
    " (SELECT count(*) FROM contacts WHERE outgoing=0 AND state='new'),"
    " (SELECT count(*) FROM envelopes WHERE own=0),"
    " (SELECT coalesce(sum(length(raw)), 0) FROM envelopes WHERE own=0),"
    " (SELECT count(*) FROM envelopes WHERE own=1),"
    " (SELECT count(*) FROM acks)";

int contacts_counts(struct store *s, struct contacts_counts *c)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = store_stmt(s, SQL_COUNTS);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->outbox_pending = (uint64_t)sqlite3_column_int64(st, 0);
        c->inbox_new = (uint64_t)sqlite3_column_int64(st, 1);
        c->held = (uint64_t)sqlite3_column_int64(st, 2);
        c->held_bytes = (uint64_t)sqlite3_column_int64(st, 3);
        c->own_held = (uint64_t)sqlite3_column_int64(st, 4);
        c->acks = (uint64_t)sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}
