/*
 * frontier: a set of feed heads, author -> seq, with a digest that changes whenever a head
 * does. A node keeps its own frontier and, per session, what it knows of the peer's.
 *
 * The digest is the XOR over all heads with seq > 0 of BLAKE2b-128(author || seq as 8 bytes
 * little-endian || id): order does not matter and each update costs one hash. id is the head
 * entry's id in a frontier made with frontier_new_ids (a node's own, so that two feeds of one
 * length that differ, a fork, differ in the digest too), 32 zero bytes in any other.
 * Memory: 48 bytes a feed, 80 with ids; lookups are open addressing on the key's first bytes.
 */
#ifndef EKONET_FRONTIER_H
#define EKONET_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

#define FRONTIER_DIGEST 16

struct frontier;

/* An empty frontier; NULL when out of memory. */
struct frontier *frontier_new(void);

/* An empty frontier that also keeps each head's entry id; NULL when out of memory. */
struct frontier *frontier_new_ids(void);

/* Frees f and nulls the caller's pointer. */
void frontier_destroy(struct frontier **f);

/* The head for author, 0 if unknown. */
uint64_t frontier_get(const struct frontier *f, const uint8_t author[32]);

/* Sets author's head (0 removes it). 0 or -1 when out of memory. */
int frontier_set(struct frontier *f, const uint8_t author[32], uint64_t seq);

/* Sets author's head and its entry id (a frontier_new_ids frontier). 0 or -1 (memory). */
int frontier_set_id(struct frontier *f, const uint8_t author[32], uint64_t seq,
                    const uint8_t id[32]);

/* The entry id of author's head, or NULL when unknown or the frontier keeps no ids. */
const uint8_t *frontier_id(const struct frontier *f, const uint8_t author[32]);

/* Raises author's head to seq if it is lower. */
int frontier_raise(struct frontier *f, const uint8_t author[32], uint64_t seq);

/* Number of feeds with a head. */
size_t frontier_count(const struct frontier *f);

/* The digest of all heads. */
void frontier_digest(const struct frontier *f, uint8_t out[FRONTIER_DIGEST]);

/* Iteration: start with *pos = 0; returns 1 with the next head, 0 at the end. */
int frontier_next(const struct frontier *f, size_t *pos, uint8_t author[32], uint64_t *seq);

/* Removes every head. */
void frontier_clear(struct frontier *f);

#endif
