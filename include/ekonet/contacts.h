/*
 * contacts: what a node keeps of contact requests (DESIGN section 6), in three tables:
 *
 *   envelopes   sealed envelopes held for delivery: this node's own (until acknowledged or
 *               expired) and relay copies for other members (ciphertext only, bounded)
 *   acks        signed acknowledgements, kept until the envelope's expiry: they stop late copies
 *   contacts    this node's own conversations, the plaintext it wrote or received: requests it
 *               sent (outbox) and requests addressed to it (inbox), each with its reply
 *
 * Outbox states:  queued -> relayed -> delivered -> answered | declined, or expired.
 * Inbox states:   new -> read -> answered | declined; the reply's own delivery is reply_state.
 */
#ifndef EKONET_CONTACTS_H
#define EKONET_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/envelope.h"

struct store;

/* One conversation; pointers are borrowed for the duration of the callback. */
struct contact {
    uint8_t id[ID_SIZE]; /* the request envelope's id */
    int outgoing;
    uint8_t peer[KEY_SIZE];
    uint64_t created_ms, expires_ms, updated_ms;
    const char *state;
    const uint8_t *request; /* ContactRequest */
    size_t request_len;
    const uint8_t *reply; /* ContactReply, or NULL */
    size_t reply_len;
    const uint8_t *reply_id; /* the reply envelope's id, or NULL */
    const char *reply_state; /* NULL unless this node replied */
    const char *note;        /* why it expired early, or NULL */
};

/* Holds an envelope (own: this node sent it). 1 stored, 0 already held, -1 error. */
int contacts_hold(struct store *s, const struct envelope *e, int own, uint64_t now_ms);

/* 1 if the envelope is held, 0 if not, -1 on error. */
int contacts_held(struct store *s, const uint8_t id[ID_SIZE]);

/* Relay copies held: all (count, bytes) and from one sender. 0 or -1. */
int contacts_relay_usage(struct store *s, const uint8_t sender[KEY_SIZE], uint64_t *count,
                         uint64_t *bytes, uint64_t *from_sender);

/* Calls fn for every held envelope not yet expired, oldest first; fn returns 0 to go on. */
typedef int (*contacts_held_fn)(void *ctx, const uint8_t id[ID_SIZE],
                                const uint8_t sender[KEY_SIZE], const uint8_t recipient[KEY_SIZE],
                                int own, const uint8_t *raw, size_t len);
int contacts_each_held(struct store *s, uint64_t now_ms, contacts_held_fn fn, void *ctx);

/* The members this node's own envelopes not yet acknowledged are addressed to, at most max:
   how many, or -1 on error. */
int contacts_waiting(struct store *s, uint64_t now_ms, uint8_t (*keys)[KEY_SIZE], size_t max);

/* Stores an ack and drops the envelope it acknowledges (when signed by its recipient).
   1 stored, 0 already known, -1 error. */
int contacts_ack_put(struct store *s, const struct ack *a);

/* 1 if recipient acknowledged the envelope, 0 if not, -1 on error. */
int contacts_acked(struct store *s, const uint8_t envelope[ID_SIZE],
                   const uint8_t recipient[KEY_SIZE]);

/* Acks kept from one signer (a bound against floods). -1 on error. */
int64_t contacts_ack_count(struct store *s, const uint8_t signer[KEY_SIZE]);

/* Calls fn for every ack not yet expired; fn returns 0 to go on. */
typedef int (*contacts_ack_fn)(void *ctx, const uint8_t envelope[ID_SIZE],
                               const uint8_t signer[KEY_SIZE], const uint8_t sender[KEY_SIZE],
                               const uint8_t *raw, size_t len);
int contacts_each_ack(struct store *s, uint64_t now_ms, contacts_ack_fn fn, void *ctx);

/* Adds a conversation (state "queued" for a request sent, "new" for one received).
   1 added, 0 already there, -1 error. */
int contacts_add(struct store *s, const uint8_t id[ID_SIZE], int outgoing,
                 const uint8_t peer[KEY_SIZE], uint64_t created_ms, uint64_t expires_ms,
                 const uint8_t *request, size_t len, uint64_t now_ms);

/* The conversation with this id (fn called once): 1 found, 0 not, -1 error. */
int contacts_get(struct store *s, const uint8_t id[ID_SIZE],
                 void (*fn)(void *ctx, const struct contact *c), void *ctx);

/* Conversations of one direction, newest first, at most limit. 0 or -1. */
int contacts_list(struct store *s, int outgoing, unsigned limit,
                  void (*fn)(void *ctx, const struct contact *c), void *ctx);

/* Resolves a hex id prefix among conversations: 1 unique, 0 none, 2 ambiguous, -1 error. */
int contacts_resolve(struct store *s, const char *prefix, uint8_t id[ID_SIZE]);

/* Own envelope id was handed to a peer: queued -> relayed (request or reply). 0 or -1. */
int contacts_relayed(struct store *s, const uint8_t id[ID_SIZE], uint64_t now_ms);

/* recipient acknowledged own envelope id: -> delivered. 1 if a state moved, 0, -1. */
int contacts_delivered(struct store *s, const uint8_t id[ID_SIZE],
                       const uint8_t recipient[KEY_SIZE], uint64_t now_ms);

/* A reply from peer to request id arrived: state answered or declined. 1 new, 0 had one or
   no such request, -1 error. */
int contacts_answered(struct store *s, const uint8_t id[ID_SIZE], const uint8_t peer[KEY_SIZE],
                      const char *state, const uint8_t *reply, size_t len, uint64_t now_ms);

/* This node replied to received request id with envelope reply_id, which expires then.
   0 or -1. */
int contacts_replied(struct store *s, const uint8_t id[ID_SIZE], const char *state,
                     const uint8_t *reply, size_t len, const uint8_t reply_id[ID_SIZE],
                     uint64_t expires_ms, uint64_t now_ms);

/* A received request was shown: new -> read. 0 or -1. */
int contacts_mark_read(struct store *s, const uint8_t id[ID_SIZE], uint64_t now_ms);

/* Drops what expired: envelopes, acks; own requests and replies not delivered become
   expired. Fills the counts (may be NULL). 0 or -1. */
int contacts_purge(struct store *s, uint64_t now_ms, uint64_t *envelopes, uint64_t *acks,
                   uint64_t *expired);

/* A member is no longer admitted: envelopes from or to it are dropped, own requests to it
   expire with a note. 0 or -1. */
int contacts_forget_member(struct store *s, const uint8_t key[KEY_SIZE], uint64_t now_ms);

struct contacts_counts {
    uint64_t outbox_pending; /* queued or relayed */
    uint64_t inbox_new;
    uint64_t held, held_bytes; /* relay copies */
    uint64_t own_held;         /* own envelopes awaiting an ack */
    uint64_t acks;
};
int contacts_counts(struct store *s, struct contacts_counts *c);

#endif
