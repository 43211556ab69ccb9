/*
 * beacon: sealing and opening beacons; see beacon.h. The bytes come from any member and are
 * checked like every other message: bounded before decoding, every field checked after.
 */
#include <stdlib.h>
#include <string.h>

#include "ekonet/beacon.h"
#include "ekonet/envelope.h"
#include "ekonet/frontier.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "ekonet/text.h"

int beacon_seal(const struct node_key *k, const Ekonet__BeaconBody *body, uint8_t **raw,
                size_t *len)
{
    size_t blen = ekonet__beacon_body__get_packed_size(body);
    uint8_t *b = malloc(blen ? blen : 1), sig[SIG_SIZE];
    *raw = NULL;
    if (!b) return -1;
    ekonet__beacon_body__pack(body, b);
    key_sign(k, BEACON_DOMAIN, b, blen, sig);
    Ekonet__Beacon m = EKONET__BEACON__INIT;
    m.body = (ProtobufCBinaryData){blen, b};
    m.sig = (ProtobufCBinaryData){SIG_SIZE, sig};
    *len = ekonet__beacon__get_packed_size(&m);
    if ((*raw = malloc(*len))) ekonet__beacon__pack(&m, *raw);
    free(b);
    return *raw ? 0 : -1;
}

static int valid_body(const Ekonet__BeaconBody *b)
{
    if (b->network.len != ID_SIZE || b->node.len != KEY_SIZE) return 0;
    if (b->interval_s < 1 || b->interval_s > BEACON_INTERVAL_MAX) return 0;
    if (!text_valid_line(b->agent, 64)) return 0;
    return b->n_member_heads <= BEACON_HEADS_MAX;
}

void beacon_set_heads(Ekonet__BeaconBody *body, const struct roster *r, const struct frontier *ours)
{
    body->board_seq = r->board_seq;
    body->n_member_heads = r->nmembers <= BEACON_HEADS_MAX ? r->nmembers : 0;
    for (size_t i = 0; i < body->n_member_heads; i++)
        body->member_heads[i] = frontier_get(ours, r->members[i].key);
}

int beacon_heads_readable(const Ekonet__BeaconBody *b, const struct roster *r)
{
    /* The same board head means the same members: the i-th head is the i-th member's. */
    return b->board_seq == r->board_seq && b->n_member_heads == r->nmembers;
}

int beacon_head(const Ekonet__BeaconBody *b, const struct roster *r, const uint8_t author[KEY_SIZE],
                uint64_t *seq)
{
    if (!beacon_heads_readable(b, r)) return 0;
    if (memcmp(author, r->network, ID_SIZE) == 0) {
        *seq = b->board_seq;
        return 1;
    }
    const struct member *m = roster_member(r, author);
    *seq = m ? b->member_heads[m - r->members] : 0;
    return 1;
}

int beacon_open(const uint8_t *raw, size_t len, const uint8_t network[ID_SIZE], uint64_t now_ms,
                Ekonet__BeaconBody **out)
{
    *out = NULL;
    if (len > BEACON_MAX) return ENV_TOO_LARGE;
    Ekonet__Beacon *m = ekonet__beacon__unpack(NULL, len, raw);
    if (!m) return ENV_MALFORMED;
    Ekonet__BeaconBody *b = NULL;
    int rc = ENV_MALFORMED;
    if (m->sig.len != SIG_SIZE) goto out;
    b = ekonet__beacon_body__unpack(NULL, m->body.len, m->body.data);
    if (!b || !valid_body(b)) goto out;
    rc = ENV_WRONG_NETWORK;
    if (memcmp(b->network.data, network, ID_SIZE) != 0) goto out;
    rc = ENV_BAD_TIME;
    if (b->time_ms > now_ms + BEACON_SKEW_MS || b->started_ms > b->time_ms) goto out;
    rc = ENV_BAD_SIGNATURE;
    if (key_verify(b->node.data, BEACON_DOMAIN, m->body.data, m->body.len, m->sig.data) < 0)
        goto out;
    rc = ENV_OK;
    *out = b;
    b = NULL;
out:
    if (b) ekonet__beacon_body__free_unpacked(b, NULL);
    ekonet__beacon__free_unpacked(m, NULL);
    return rc;
}

int beacon_peek(const uint8_t *raw, size_t len, uint8_t node[KEY_SIZE], uint64_t *time_ms)
{
    if (len > BEACON_MAX) return -1;
    Ekonet__Beacon *m = ekonet__beacon__unpack(NULL, len, raw);
    Ekonet__BeaconBody *b = m ? ekonet__beacon_body__unpack(NULL, m->body.len, m->body.data) : NULL;
    int rc = b && b->node.len == KEY_SIZE ? 0 : -1;
    if (rc == 0) {
        memcpy(node, b->node.data, KEY_SIZE);
        *time_ms = b->time_ms;
    }
    if (b) ekonet__beacon_body__free_unpacked(b, NULL);
    if (m) ekonet__beacon__free_unpacked(m, NULL);
    return rc;
}

static const char SQL_KEEP[] =
    "INSERT INTO beacons(member, time_ms, received_ms, raw) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(member) DO UPDATE SET time_ms=?2, received_ms=?3, raw=?4 WHERE time_ms < ?2";

int beacon_keep(struct store *s, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                uint64_t received_ms, const uint8_t *raw, size_t len)
{
    sqlite3_stmt *st = store_stmt(s, SQL_KEEP);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, member, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)time_ms);
    sqlite3_bind_int64(st, 3, (int64_t)received_ms);
    sqlite3_bind_blob(st, 4, raw, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return -1;
    return sqlite3_changes(store_db(s)) > 0;
}

static const char SQL_EACH[] = "SELECT member, time_ms, received_ms, raw FROM beacons";

int beacon_each(struct store *s, beacon_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_EACH);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != KEY_SIZE) continue;
        if (fn(ctx, sqlite3_column_blob(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
               (uint64_t)sqlite3_column_int64(st, 2), sqlite3_column_blob(st, 3),
               (size_t)sqlite3_column_bytes(st, 3)) != 0)
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_FORGET[] = "DELETE FROM beacons WHERE member=?";

int beacon_forget(struct store *s, const uint8_t member[KEY_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORGET);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, member, KEY_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
