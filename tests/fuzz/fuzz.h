/*
 * Shared fixtures of the libFuzzer targets: fixed keys and a fixed network id, so that every
 * run (and every seed made by seeds.c) sees the same identities.
 */
#ifndef EKONET_FUZZ_H
#define EKONET_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ekonet/key.h"

/* The clock the targets judge times against: 2026-01-01 00:00 UTC. */
#define FUZZ_NOW_MS 1767225600000ull

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Key i (0: this node, 1: another member, 2: a board member) made from a fixed seed. */
static inline void fuzz_key(struct node_key *k, int i)
{
    uint8_t seed[32];
    memset(seed, 0x40 + i, sizeof seed);
    if (key_lib_init() < 0 || key_from_seed(k, seed) < 0) abort();
}

/* The network every target belongs to. */
static inline void fuzz_network(uint8_t network[ID_SIZE])
{
    memset(network, 0x5e, ID_SIZE);
}

/* A NUL-terminated copy of the input (the text decoders want strings). Caller frees. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Writes the input to a fresh file under the temporary directory; the path is static. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
    static char path[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/ekonet-fuzz-%ld-%s", tmp && *tmp ? tmp : "/tmp", (long)getpid(),
             name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return path;
}

#endif
