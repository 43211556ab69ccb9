/*
 * own: this node's own feed (docs/PROTOCOL.md 7.8). After every start the node signs nothing
 * new until the head of its own feed is confirmed, so that a node started on an old copy of
 * its store (a restored backup, a copied directory) never signs a second entry at a seq it
 * signed before, which every member would take as a fork and quarantine the feed for good:
 *
 *   a member's Frontier or Have names that head (seq and entry id), or its Digest equals this
 *   node's, while no live session claims more of the feed than this node holds (what it
 *   claims is fetched first, as for any feed); or the roster has no other member; or the
 *   operator says the network holds nothing newer (ekonet pending confirm).
 *
 * Until then each publish is kept as pending (pending.h) and signed, in order, when it is.
 */
#ifndef EKONETD_OWN_H
#define EKONETD_OWN_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

struct node;
struct session;

/* What own_publish did: signed (entry, caller destroys it) or kept as pending (number). */
struct own_published {
    struct entry *entry;
    int64_t pending;
};

/* Starts the module: reads the restored mark; confirms at once when no other member exists.
   0 or -1 (memory, store). */
int own_start(struct node *n);

/* Frees the module's state. */
void own_stop(struct node *n);

/* 1 once the head is confirmed since the start. */
int own_confirmed(const struct node *n);

/* What the node waits for, one sentence for the user, into buf; "" when confirmed. */
const char *own_waits_for(const struct node *n, char *buf, size_t size);

/* Who confirmed ("" when not yet) and when. */
const char *own_confirmed_by(const struct node *n, uint64_t *when_ms);

/* 1 if the store was restored (ekonet restore) and the head is not yet confirmed. */
int own_restored(const struct node *n);

/* A member's session says it holds this node's feed up to seq; id is its entry there (NULL when
   the peer gave none). */
void own_claim(struct node *n, struct session *s, uint64_t seq, const uint8_t *id);

/* The session's Digest equals this node's: its heads, this node's own among them, are the same. */
void own_digest_equal(struct node *n, struct session *s);

/* The session answered a Want of this node's feed with nothing: it holds no more than this node. */
void own_claim_unfounded(struct node *n, struct session *s);

/* The own feed's head moved, or the roster changed: confirms if that settles it. */
void own_changed(struct node *n);

/* The operator says the network holds nothing newer: confirmed. 0 or -1 (store; node_error). */
int own_confirm_by_operator(struct node *n);

/* Publishes content of kind now, or keeps it pending until the head is confirmed: ENTRY_OK
   with *out, a refusal (why), or -1 (err). */
int own_publish(struct node *n, uint32_t kind, const uint8_t *content, size_t len,
                struct own_published *out, struct errbuf *why, struct errbuf *err);

/* A fork was proven in this node's own feed at seq: tells the operator what it means. */
void own_forked(struct node *n, uint64_t seq);

#endif
