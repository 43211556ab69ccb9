/*
 * session: one conversation with another member's node. A session is either dialled by this
 * node (outbound: its own DEALER socket, CURVE client, with a monitor that reports the
 * handshake) or accepted (inbound: a routing id on the node's ROUTER, created only by a Hello
 * from an admitted member). There is at most one session per member: when both nodes dial each
 * other, the session dialled by the node with the lower node id is kept.
 *
 * What a session knows of the peer: its frontier (what it holds), the wants in flight to it.
 */
#ifndef EKONETD_SESSION_H
#define EKONETD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/frontier.h"
#include "ekonet/key.h"
#include "node.h"
#include "wire.pb-c.h"

#define DIRECT_MAX         16  /* members dialled at once for direct delivery */
#define WANT_WINDOW        12  /* wants in flight per session */
#define WANT_LIMIT         512 /* entries per want */
#define BATCH_ENTRIES      512 /* entries per Entries message */
#define BATCH_BYTES        (1024 * 1024)
#define HELLO_TIMEOUT_MS   20000 /* handshake done, Hello awaited */
#define CONNECT_TIMEOUT_MS 15000 /* a dialled node that never answers: the slot goes to another */
#define WANT_TIMEOUT_MS    60000 /* a want with no progress */
#define STORE_RETRY_MS     3000  /* a want whose entries the store could not keep */
#define HAVE_MAX           4096  /* heads per Have message */
#define ANNOUNCE_MS        5000  /* lazy sessions are told of new heads this often, at most */
/* Every node sends each peer a Digest at least every 5 minutes, so a session silent for 15
   is gone (ZMTP heartbeats notice a dead connection sooner; this catches a hung peer). */
#define DIGEST_INTERVAL_MAX_MS 300000
#define SESSION_IDLE_MS        900000
/* Per-peer limits (docs/PROTOCOL.md section 7.7). */
#define SERVE_QUEUE    (2 * WANT_WINDOW) /* a peer's Wants waiting to be served */
#define SERVE_PAUSE_MS 1000              /* a peer whose queue is full is served again after */
#define PEER_SNDHWM    64                /* messages queued to one peer */
#define PEER_RCVHWM    4                 /* messages from one connection read ahead of the loop */
/* Bytes queued to one peer, and to all peers together (sendq.h): a message goes when its queue
   is empty or it fits. A peer that reads slowly is served again after SEND_RETRY_MS. */
#define PEER_QUEUE_BYTES (4u << 20)
#define NODE_QUEUE_BYTES (32u << 20)
#define SEND_RETRY_MS    20
/* ZMTP heartbeats: a connection silent for PEER_DEAD_MS is dropped. Each costs a wake-up of
   both nodes' I/O threads: with 16 sessions, every 5 s made them half of an idle node's traffic. */
#define PEER_HEARTBEAT_MS 15000
#define PEER_DEAD_MS      45000
#define PEER_VIOLATIONS   16     /* in a minute: the peer is cut off */
#define PEER_HELLOS       30     /* sessions a member may open in a minute */
#define PEER_CUT_MS       600000 /* how long a peer is cut off */

struct node;

enum session_state {
    SESSION_CONNECTING, /* outbound: dialling, handshake not done */
    SESSION_HELLO,      /* our Hello sent, theirs awaited */
    SESSION_LIVE,       /* Hellos exchanged */
};

struct want {
    uint8_t author[KEY_SIZE];
    uint64_t next;  /* the next seq expected */
    uint64_t until; /* the last seq asked for */
    uint64_t progress_ms;
    int probe; /* one entry at a seq this node holds, whose id the peer gives as another (a
                  fork): not the feed's one want (sync.c probe) */
};

struct session {
    struct session *next;
    uint8_t key[KEY_SIZE]; /* the member's node id */
    int outbound;
    char endpoint[160];   /* outbound: where we dial; inbound: the peer's address */
    void *sock, *monitor; /* outbound only */
    struct zwatch sock_w, monitor_w;
    uint8_t rid[256]; /* inbound only: routing id on the ROUTER */
    size_t rid_len;
    enum session_state state;
    int have_frontier; /* the peer's Frontier arrived: pushes are guided by it */
    int lazy;          /* new entries are announced to the peer in Have, not pushed (sync.c) */
    int heard;         /* a Have of the peer showed heads this node lacks */
    int kept;          /* the peer asked for pushes (PushMode eager): only the peer prunes it */
    int gone;          /* inbound: the connection behind the routing id is closed */
    struct frontier *theirs;
    struct frontier *stuck;  /* author -> until (ms): the peer served a refused entry of it */
    struct frontier *posted; /* envelope ids and ack keys the peer has (courier.c) */
    struct sendq *sendq;     /* bytes queued to the peer (sendq.h) */
    struct want wants[WANT_WINDOW];
    int nwants;
    struct want serving[SERVE_QUEUE]; /* the peer's Wants, served a page at a time (sync.c) */
    int nserving;
    uint64_t paused_until_ms; /* its send queue was full: serve it again after this */
    uint64_t opened_ms, state_ms, last_recv_ms, last_digest_ms;
    uint64_t msgs_in, msgs_out, entries_in, entries_out, refused, send_drops;
    /* What the peer said last of this node's own feed (own.c): its head and that entry's id */
    uint64_t own_seq;
    uint8_t own_id[ID_SIZE];
    int own_claimed, own_has_id;
};

/* Dials a member at endpoint (key@endpoint); the session starts CONNECTING. NULL on failure. */
struct session *session_dial(struct node *n, const uint8_t key[KEY_SIZE], const char *endpoint);

/* Creates the inbound session for a member whose Hello came with routing id rid. */
struct session *session_accept(struct node *n, const uint8_t key[KEY_SIZE], const uint8_t *rid,
                               size_t rid_len, const char *address);

/* Ends a session: says Bye (with reason) when it was live, releases everything. */
void session_close(struct node *n, struct session *s, const char *reason);

/* The session with this member, or with this routing id; NULL if none. */
struct session *session_find(struct node *n, const uint8_t key[KEY_SIZE]);
struct session *session_find_rid(struct node *n, const uint8_t *rid, size_t len);

/* Sends one message; 0, or -1 if it could not be queued (counted; the session may be gone).
   A message goes only while the peer's queue and the node's have room in bytes (sendq.h). */
int session_send(struct node *n, struct session *s, const Ekonet__PeerMessage *m);

/* True if the peer's queue (and the node's) can take more now. */
int session_room(const struct node *n, const struct session *s);

/* A dialled session that never came up: logged (dial failed, with reason), closed, and the
   member held off (session_backoff). */
void session_dial_failed(struct node *n, struct session *s, const char *reason);

/* Handles the events waiting on an outbound session's monitor. */
void session_monitor(struct node *n, struct session *s);

/* Keeps the number of dialled sessions up, choosing among seeds and members. */
void session_maintain(struct node *n);

/* Holds off dialling a member after a failure (doubling, up to ten minutes). */
void session_backoff(struct node *n, const uint8_t key[KEY_SIZE]);

/* Rebuilds the list of members this node may dial (after the roster changed). */
void session_targets(struct node *n);

/* A peer ran into a limit: counted, and a member with PEER_VIOLATIONS in a minute is cut off
   for PEER_CUT_MS (logged). Returns 1 if it is cut off now; its session is closed by the caller
   (session_cut_off). */
int peer_violation(struct node *n, const uint8_t key[KEY_SIZE], int limit);

/* True if the member is cut off: its messages are dropped and its handshakes refused. */
int peer_cut_off(struct node *n, const uint8_t key[KEY_SIZE]);

/* A member opens a session: 0, or -1 when it opened too many in the last minute (counted). */
int peer_hello(struct node *n, const uint8_t key[KEY_SIZE]);

/* The label of a peer_limit for logs and metrics. */
const char *peer_limit_label(int limit);

/* Counts sessions: all, live, outbound. */
void session_counts(const struct node *n, unsigned *all, unsigned *live, unsigned *outbound);

#endif
