/*
 * sync: the peer protocol (docs/PROTOCOL.md section 7). Anti-entropy and push:
 *
 *   session up     both send Hello, then their Frontier (author -> head seq)
 *   Frontier       the receiver wants what it lacks: Want(author, from, limit), the board
 *                  feed first, at most WANT_WINDOW wants per session and one per feed overall
 *   Want           the holder streams Entries from its store in bounded batches, done on the last
 *   Entries        verified, and stored in one transaction per batch, or per group of batches
 *                  while a sync keeps the checker busy (feed_accept_batches); then pushed at
 *                  once to every session whose frontier shows it behind for that feed
 *   Digest         every digest_interval: a receiver whose frontier digest differs sends its
 *                  Frontier, which repairs anything missed
 *   ForkProof      stored, the feed quarantined from that seq, passed on once
 *
 * The data path reads top to bottom: socket -> decode -> checker -> feed_accept_batches -> push.
 */
#ifndef EKONETD_SYNC_H
#define EKONETD_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"

struct node;
struct session;

/* Loads this node's frontier from the store. 0 or -1. */
int sync_start(struct node *n);

/* Stores the batches still in the checker (at shutdown). */
void sync_stop(struct node *n);

/* A message from an outbound session's socket. */
void sync_message(struct node *n, struct session *s, const uint8_t *data, size_t len);

/* A message on the ROUTER from an admitted member (User-Id key) with routing id rid. */
void sync_inbound(struct node *n, const uint8_t key[KEY_SIZE], const uint8_t *rid, size_t rid_len,
                  const char *address, const uint8_t *data, size_t len);

/* An outbound session's handshake succeeded: send Hello and Frontier. */
void sync_session_up(struct node *n, struct session *s);

/* A session ended or was disconnected: its wants go to other sessions. */
void sync_session_down(struct node *n, struct session *s);

/*
 * Entries were published here: the frontier moves and each entry is pushed to every live
 * eager session behind for its feed.
 */
void sync_accepted(struct node *n, struct entry *const *v, const int *status, size_t count);

/* Stores the batches the checker has verified (its fd is readable). */
void sync_checked(struct node *n);

/* Serves a few pages of the Wants queued on each session whose peer reads. Returns the
   milliseconds until more should be served: 0 now (the loop should not sleep), -1 when no
   Want waits. */
int sync_serve(struct node *n);

/* Timers: digests, timeouts, dialling. Returns milliseconds until it wants to run again. */
int sync_tick(struct node *n);

/* Pushes s the board acts its frontier shows it lacks (at most BATCH_ENTRIES): a member whose
   session is cut because the board revoked it learns so from the act itself. */
void sync_send_board(struct node *n, struct session *s);

/* The roster changed: authors that were not members may be wanted now. */
void sync_roster_changed(struct node *n);

/* Entries this node lacks that the peer holds, as far as its frontier says. */
uint64_t sync_behind(const struct node *n, const struct session *s);

#endif
