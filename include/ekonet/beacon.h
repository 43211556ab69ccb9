/*
 * beacon: a node's signed status, gossiped to every member about once a minute
 * (docs/PROTOCOL.md section 9). It says what the node holds (the head of every feed), how it is
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
#define BEACON_MAX          (BEACON_HEADS_MAX * 40 + 1024)
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
