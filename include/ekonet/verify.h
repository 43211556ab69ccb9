/*
 * verify: checks every feed in a store from its first entry: ids, prev links, seqs without
 * holes, signatures (the board feed's by k of the board in force at each entry, replaying
 * its charters), content hashes. What `ekonetd --verify` runs.
 */
#ifndef EKONET_VERIFY_H
#define EKONET_VERIFY_H

#include <stdint.h>

#include "ekonet/key.h"

struct store;

struct verify_result {
    uint64_t feeds, entries, detached; /* detached: header only, content erased or absent */
    uint64_t problems;
};

/* Walks every feed; problem(ctx, sentence) for each problem found. 0 or -1 (store error). */
int store_verify(struct store *s, const uint8_t network[ID_SIZE], struct verify_result *r,
                 void (*problem)(void *ctx, const char *what), void *ctx);

#endif
