/*
 * pending: what staff published while the node could not yet sign it (docs/PROTOCOL.md 7.8):
 * after a start, a node signs nothing new until another member has confirmed the head of its
 * own feed, so that a node restored from an old backup never signs a second entry at a seq
 * it signed before. Until then each publish is kept here, durably, in the order given, and
 * signed and sent in that order once the head is confirmed.
 *
 *   pending    n (the order), kind, content, created; once done: the entry's id and seq, or
 *              why it was refused. Done rows are kept PENDING_KEEP_MS, so that the CLI can say
 *              what became of a publish it left waiting.
 *
 * At most PENDING_MAX publishes wait at once; more are refused (nothing is dropped).
 */
#ifndef EKONET_PENDING_H
#define EKONET_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"

#define PENDING_MAX     1000
#define PENDING_KEEP_MS (7 * 24 * 3600 * 1000ull)
#define PENDING_WHY_MAX 200

struct store;

enum pending_state { PENDING_WAITING, PENDING_SIGNED, PENDING_REFUSED };

struct pending_row {
    int64_t n;
    uint32_t kind;
    uint64_t created_ms, done_ms;
    enum pending_state state;
    uint8_t id[ID_SIZE]; /* SIGNED: the entry */
    uint64_t seq;
    char why[PENDING_WHY_MAX]; /* REFUSED: the reason */
    const uint8_t *content;    /* valid during a pending_each call */
    size_t content_len;
};

/* Keeps a publish as pending (committed before it returns): 0 with *n, 1 when PENDING_MAX
   wait already, -1 on a store error. */
int pending_add(struct store *s, uint32_t kind, const uint8_t *content, size_t len, uint64_t now_ms,
                int64_t *n);

/* Calls fn for each row in order (waiting ones only if waiting), content included; fn returns
   nonzero to stop. 0 or -1. */
int pending_each(struct store *s, int waiting, int (*fn)(void *ctx, const struct pending_row *r),
                 void *ctx);

/* Row n, content not filled: 1 found, 0 not, -1 error. */
int pending_get(struct store *s, int64_t n, struct pending_row *r);

/* Marks row n signed (id, seq) or, with why, refused; in the caller's transaction. 0 or -1. */
int pending_done(struct store *s, int64_t n, const uint8_t id[ID_SIZE], uint64_t seq,
                 const char *why, uint64_t now_ms);

/*
 * Whether author's feed already holds an entry of kind with this content, signed at or after
 * since_ms: a publish that a restored store still lists as waiting although it was signed after
 * the backup (and the entry taken back from the network). 1 (id, seq filled), 0 or -1.
 */
int pending_signed_already(struct store *s, const uint8_t author[KEY_SIZE], uint32_t kind,
                           const uint8_t *content, size_t len, uint64_t since_ms,
                           uint8_t id[ID_SIZE], uint64_t *seq);

/* Publishes still waiting. -1 on error. */
int64_t pending_waiting(struct store *s);

/* Forgets done rows finished before before_ms. 0 or -1. */
int pending_trim(struct store *s, uint64_t before_ms);

#endif
