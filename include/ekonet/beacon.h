/*
 * beacon: a node's signed status, gossiped to every member about once a minute
 * (docs/PROTOCOL.md section 9). It says what the node holds (the head of every feed, a varint
 * per member in the order of the roster it knows), how it is
 * doing, and by arriving at all that it is reachable.
 *
 *   Beacon { bytes body; bytes sig; }   sig = Ed25519 by body.node over "ekonet-beacon-v1" || body
 */
#ifndef EKONET_BEACON_H
#define EKONET_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/key.h"
#include "wire.pb-c.h"

#define BEACON_DOMAIN       "ekonet-beacon-v1"
#define BEACON_HEADS_MAX    10000
#define BEACON_MAX          (BEACON_HEADS_MAX * 10 + 1024) /* a head is at most a 10-byte varint */
#define BEACON_INTERVAL_MAX 3600
#define BEACON_SKEW_MS      (10 * 60000ull) /* how far ahead of the receiver's clock time_ms may be */

/* Packs and signs body with k (body->node must be k's). *raw is malloc'd. 0 or -1. */
int beacon_seal(const struct node_key *k, const Ekonet__BeaconBody *body, uint8_t **raw,
                size_t *len);

/*
 * Decodes and checks a beacon against network and now: sizes, fields, time, signature. Returns
 * an envelope_status (ENV_OK, ENV_TOO_LARGE, ENV_MALFORMED, ENV_WRONG_NETWORK, ENV_BAD_TIME,
 * ENV_BAD_SIGNATURE); on ENV_OK *out is the body (free with ekonet__beacon_body__free_unpacked).
 */
int beacon_open(const uint8_t *raw, size_t len, const uint8_t network[ID_SIZE], uint64_t now_ms,
                Ekonet__BeaconBody **out);

struct store;
struct roster;
struct frontier;

/*
 * The heads a beacon carries: the board feed's, then each member's in the roster's order (by
 * node id). body->member_heads must have room for r->nmembers; none are set when there are
 * more than BEACON_HEADS_MAX members.
 */
void beacon_set_heads(Ekonet__BeaconBody *body, const struct roster *r,
                      const struct frontier *ours);

/*
 * Whether the beacon's heads can be read against roster r: not when the beacon was made
 * against another roster (another board head); until the member's next beacon, its heads are
 * unknown.
 */
int beacon_heads_readable(const Ekonet__BeaconBody *b, const struct roster *r);

/*
 * The beacon's head of author's feed, read against roster r: 1 with *seq (0 when the beacon's
 * node holds none of it), or 0 when its heads are not readable against r.
 */
int beacon_head(const Ekonet__BeaconBody *b, const struct roster *r, const uint8_t author[KEY_SIZE],
                uint64_t *seq);

/*
 * Who made a beacon and when, read without checking anything else (not even the signature):
 * enough to drop a copy of a beacon already kept before paying for its verification. 0, or
 * -1 when raw is not a beacon.
 */
int beacon_peek(const uint8_t *raw, size_t len, uint8_t node[KEY_SIZE], uint64_t *time_ms);

/* Keeps raw as member's latest beacon (made at time_ms, received at received_ms), unless a
   newer one is kept. 1 kept, 0 not newer, -1 error. */
int beacon_keep(struct store *s, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                uint64_t received_ms, const uint8_t *raw, size_t len);

/* Calls fn for every kept beacon; fn returns 0 to go on. 0 or -1. */
typedef int (*beacon_fn)(void *ctx, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                         uint64_t received_ms, const uint8_t *raw, size_t len);
int beacon_each(struct store *s, beacon_fn fn, void *ctx);

/* Forgets a member's beacon (revoked). 0 or -1. */
int beacon_forget(struct store *s, const uint8_t member[KEY_SIZE]);

#endif
