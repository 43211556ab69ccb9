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

#include "content.pb-c.h"
#include "ekonet/entry.h"
#include "ekonet/key.h"
#include "wire.pb-c.h"

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

/* The charter of the network the handler targets' node is in (fixture.c; seeds.c): the board
   of keys 2 and 3, both signing. Packed content, the caller's to free. */
static inline uint8_t *fuzz_charter(size_t *len)
{
    struct node_key board[2];
    fuzz_key(&board[0], 2);
    fuzz_key(&board[1], 3);
    ProtobufCBinaryData keys[] = {{KEY_SIZE, board[0].pub}, {KEY_SIZE, board[1].pub}};
    Ekonet__Charter ch = EKONET__CHARTER__INIT;
    ch.name = "Fuzznätet";
    ch.n_board_keys = 2;
    ch.board_keys = keys;
    ch.threshold = 2;
    *len = ekonet__charter__get_packed_size(&ch);
    uint8_t *buf = malloc(*len);
    if (!buf) abort();
    ekonet__charter__pack(&ch, buf);
    return buf;
}

/* That network's id: its charter's content hash, as every board feed begins. */
static inline void fuzz_charter_network(uint8_t network[ID_SIZE])
{
    size_t len;
    uint8_t *charter = fuzz_charter(&len), any[ID_SIZE] = {0};
    struct entry *e =
        entry_new(any, any, 1, NULL, FUZZ_NOW_MS, EKONET__ENTRY_KIND__KIND_CHARTER, charter, len);
    if (!e) abort();
    memcpy(network, e->content_hash, ID_SIZE);
    entry_destroy(&e);
    free(charter);
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
