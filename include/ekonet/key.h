/*
 * key: a node's (or a board member's) Ed25519 key. The same key, converted to X25519, is the
 * node's CURVE key and its key for sealed boxes, so one file identifies a member everywhere.
 *
 * Key file (text, mode 0600):
 *   # comment lines
 *   seed <64 hex digits>
 * The public key is derived from the seed. Files readable by group or others are refused.
 */
#ifndef EKONET_KEY_H
#define EKONET_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/errbuf.h"

#define KEY_SIZE 32
#define SIG_SIZE 64
#define ID_SIZE  32
#define ID_HEX   (2 * ID_SIZE + 1)

struct node_key {
    uint8_t pub[KEY_SIZE];       /* Ed25519 public key: the node id */
    uint8_t sec[64];             /* Ed25519 secret key (seed || pub) */
    uint8_t curve_pub[KEY_SIZE]; /* X25519 forms for CURVE and boxes */
    uint8_t curve_sec[KEY_SIZE];
};

/* Initialises libsodium; call once at start. 0 or -1. */
int key_lib_init(void);

/* Makes a fresh random key. */
int key_generate(struct node_key *k);

/* Derives the key from a 32-byte seed (tests, fixtures). */
int key_from_seed(struct node_key *k, const uint8_t seed[32]);

/* Writes a new key file (refuses to overwrite), mode 0600, fsynced. title goes in a comment. */
int key_save(const struct node_key *k, const char *path, const char *title, struct errbuf *err);

/* Loads a key file; refuses one that others can read, or that is malformed. */
int key_load(struct node_key *k, const char *path, struct errbuf *err);

/*
 * Makes the key file next the key file at path, crash-safe: the current one stays as aside (a
 * hard link made first; one already there is kept), next is renamed over path, the directory is
 * fsynced. Run again after a crash, it finishes what was begun. 0 or -1 with err.
 */
int key_file_switch(const char *path, const char *next, const char *aside, struct errbuf *err);

/* Clears the secret parts. */
void key_wipe(struct node_key *k);

/* Signs domain || msg. */
void key_sign(const struct node_key *k, const char *domain, const uint8_t *msg, size_t len,
              uint8_t sig[SIG_SIZE]);

/* Verifies an Ed25519 signature over domain || msg; 0 if valid, -1 otherwise. */
int key_verify(const uint8_t pub[KEY_SIZE], const char *domain, const uint8_t *msg, size_t len,
               const uint8_t sig[SIG_SIZE]);

/* Converts an Ed25519 public key to its X25519 (CURVE) form; -1 if it is not a valid point. */
int key_pub_to_curve(uint8_t curve[KEY_SIZE], const uint8_t pub[KEY_SIZE]);

/* BLAKE2b-256 of data. */
void key_hash(uint8_t out[ID_SIZE], const uint8_t *data, size_t len);

#endif
