/*
 * courier: carries contact envelopes and their acks between members (docs/PROTOCOL.md
 * section 8). Store and forward by flooding:
 *
 *   session live   each side sends the envelopes and acks it holds that the peer lacks
 *   Envelopes      checked (network, times, signature, box hash, both ends admitted); one for
 *                  this node is opened, kept in the inbox and acknowledged; one for another
 *                  member is held (bounded) and passed on to every other session
 *   Acks           checked; the acknowledged envelope is dropped everywhere, its sender marks
 *                  it delivered; acks are kept until the envelope's expiry to stop late copies
 *   every minute   what expired is dropped; own requests not delivered become expired
 *
 * Everything is committed (fsynced) before it is acknowledged or passed on, so a crash at any
 * point loses nothing: the worst case is a copy sent again, which is recognised by its id.
 */
#ifndef EKONETD_COURIER_H
#define EKONETD_COURIER_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/envelope.h"
#include "wire.pb-c.h"

struct node;
struct session;

#define ENVELOPES_PER_MESSAGE 64
#define ACKS_PER_MESSAGE      512
#define ACKS_PER_MEMBER       50000 /* acks kept from one signer */
#define COURIER_PURGE_MS      60000

struct courier_stats {
    uint64_t envelopes_in, acks_in;     /* received and new */
    uint64_t duplicates;                /* already held, delivered or acknowledged */
    uint64_t delivered;                 /* opened here: requests and replies to this node */
    uint64_t relayed;                   /* held for another member */
    uint64_t relay_full;                /* refused: relay store or a sender's share full */
    uint64_t refused[ENV_STATUS_COUNT]; /* by reason */
    uint64_t expired;                   /* dropped at expiry */
};

/* A session went live: offer it what this node holds. */
void courier_session_live(struct node *n, struct session *s);

/* Messages from a live session. */
void courier_envelopes(struct node *n, struct session *s, const Ekonet__Envelopes *m);
void courier_acks(struct node *n, struct session *s, const Ekonet__Acks *m);

/*
 * Seals and sends content to member `to`, expiring at expires_ms: a ContactRequest
 * (in_reply_to NULL), or a ContactReply to request in_reply_to, which takes that request to
 * state ("answered" or "declined"). The envelope and the conversation are committed before it
 * returns; id gets the envelope id. 0 or -1 with err.
 */
int courier_send(struct node *n, const uint8_t to[KEY_SIZE], const uint8_t *in_reply_to,
                 const char *state, const uint8_t *content, size_t len, uint64_t expires_ms,
                 uint8_t id[ID_SIZE], struct errbuf *err);

/* Timers: expiry. */
void courier_tick(struct node *n);

/* Members were revoked: their envelopes go. */
void courier_roster_changed(struct node *n);

#endif
