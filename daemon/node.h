/*
 * node: one ekonetd. One struct, one loop (node_run) that waits on every socket with one
 * poll(2) and dispatches on which is readable:
 *
 *   signal pipe  -> stop
 *   gates        -> gate_events  (connections accepted and closed: which to close, gate.h)
 *   zap          -> zap_handle   (CURVE handshakes: who may connect)
 *   api          -> api_handle   (the CLI)
 *   router       -> peer_handle  (other members' nodes)
 *   checker      -> sync_checked (verified batches of entries)
 *   sessions     -> each outbound session's socket and monitor
 *
 * Signal handlers only write a byte to the pipe; the loop does the work.
 */
#ifndef EKONETD_NODE_H
#define EKONETD_NODE_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include <zmq.h>

#include "ekonet/band.h"
#include "ekonet/catalogue.h"
#include "ekonet/checker.h"
#include "ekonet/config.h"
#include "ekonet/feed.h"
#include "ekonet/key.h"
#include "ekonet/store.h"
#include "beacon.h"
#include "courier.h"

#define NODE_LAST_ERRORS 5

/* Descriptors (docs/OPERATIONS.md, "Limits"): the node raises its file limit to NODE_FILES (the
   unit sets it too). It keeps NODE_FILES_RESERVE, and 4 per session it may dial, for itself;
   the local API, the event stream and the metrics server each hold at most their share (an
   eighth of the limit at most); the peer port the rest, up to NODE_PEER_CONNS_MAX. */
#define NODE_FILES          65536
#define NODE_FILES_RESERVE  128
#define NODE_PEER_CONNS_MAX 8192 /* connections on the peer port, at most, whatever the limit */
#define NODE_PEER_CONNS_MIN 64   /* fewer than this: the file limit is too low to run */
#define API_CONNECTIONS     256  /* local API clients at once; past it the oldest goes */
#define API_PER_PROCESS     16   /* of which from one process; past it the new one goes */
#define WATCH_CONNECTIONS   64   /* event stream listeners at once; past it the oldest goes */
#define WATCH_PER_PROCESS   4    /* of which from one process */
#define HANDSHAKE_MS        5000 /* a connection whose ZMTP/CURVE handshake is not done is closed */

/* The listening sockets, each with a gate (gate.h). */
enum { GATE_PEER, GATE_API, GATE_EVENTS, NODE_GATES };

/* The limits a peer can run into (docs/PROTOCOL.md section 7.7); peer_limit_label names them. */
enum peer_limit {
    LIMIT_MALFORMED,     /* a message that does not decode, or breaks a field's rules */
    LIMIT_BATCH_ENTRIES, /* an Entries message with too many entries */
    LIMIT_BATCH_BYTES,   /* an Entries message with too many bytes */
    LIMIT_WANTS,         /* more Wants waiting to be served than allowed */
    LIMIT_FRONTIER,      /* a Frontier with too many heads */
    LIMIT_SEND_QUEUE,    /* the peer does not read: its send queue is full */
    LIMIT_RECONNECTS,    /* too many sessions opened in a minute */
    LIMIT_REFUSED,       /* entries refused as forged or from another network */
    LIMIT_CUT_OFF,       /* a message or handshake from a peer that is cut off */
    PEER_LIMIT_COUNT
};

struct node_stats {
    uint64_t handshakes_accepted;
    uint64_t handshakes_refused;
    uint64_t peer_messages;
    uint64_t peer_dropped; /* no User-Id, not a member (any more), or malformed */
    uint64_t api_requests;
    uint64_t api_errors;
    uint64_t bytes_in, bytes_out;
    uint64_t send_drops; /* messages a peer's full queue would not take */
    uint64_t sessions_opened;
    uint64_t forks;
    uint64_t probes; /* entries asked for at a seq held here, given another id there (sync.c) */
    uint64_t pruned, grafted; /* sessions this node asked to make lazy, eager (sync.c) */
    uint64_t haves_sent;      /* Have messages sent to lazy sessions */
    uint64_t peer_limits[PEER_LIMIT_COUNT]; /* a peer ran into a limit, by limit (session.c) */
    uint64_t peers_cut;                     /* peers cut off for repeated violations */
};

#define NODE_BACKOFF_MAX 512
#define NODE_RECORDS_MAX 1024

/* What the node remembers of a member's conduct (session.c): violations in the current
   minute, sessions opened in it, and until when it is cut off. */
struct peer_record {
    uint8_t key[KEY_SIZE];
    uint64_t window_ms; /* start of the current minute */
    uint32_t violations, hellos;
    uint64_t cut_until_ms;
};
#define NODE_TARGETS_MAX 1024

/* A member this node may dial, and where. */
struct dial_target {
    uint8_t key[KEY_SIZE];
    char endpoint[160];
};

struct backoff {
    uint8_t key[KEY_SIZE];
    uint64_t until_ms;
    uint32_t delay_ms;
    uint64_t where; /* the endpoints it was held off at (session.c: where_of) */
};

struct session;
struct frontier;
struct own;
struct metrics;
struct gate;
struct backup_job;

/*
 * A ZeroMQ socket in the loop's poll set. Its ZMQ_FD only tells that something changed, and
 * any call on the socket may consume that news, so a socket used since it was last asked is
 * dirty: the loop asks it (ZMQ_EVENTS) before sleeping. Asking costs two system calls, which
 * zmq_poll pays for every socket twice on every wake-up.
 */
struct zwatch {
    int fd;
    int dirty;
};

/* Takes sock's ZMQ_FD into w, dirty; 0 or -1. */
int zwatch_init(struct zwatch *w, void *sock);

struct node {
    const struct config *cfg;
    struct node_key key;
    struct store *store;
    struct feeds feeds;
    struct roster *roster;            /* = feeds.roster; NULL before the node joins a network */
    uint64_t roster_seen;             /* feeds.roster_changes already acted on */
    size_t revoked_seen;              /* revocations already acted on */
    struct catalogue *catalogue;      /* the indicator catalogue in force */
    char catalogue_revision[64];      /* "default" or the board's revision */
    struct band_cache *bands;         /* the network's quartiles per indicator (api_trend) */
    struct checker *checker;          /* verifies batches of entries on a helper thread */
    void *batches[2 * CHECKER_QUEUE]; /* batches in the checker or held (sync.c) */
    size_t nbatches;
    void *held[CHECKER_QUEUE]; /* verified batches waiting to be stored together (sync.c) */
    size_t nheld;
    void *zctx;
    void *zap;
    void *router;
    void *api;
    char api_path[128];
    int sigfd;
    uint64_t started_ms;
    struct node_stats stats;
    /* peers (session.c, sync.c) */
    struct session *sessions;
    size_t nsessions;
    struct sendq *sendq;     /* bytes queued to all peers (sendq.h), each session's under it */
    struct frontier *ours;   /* this node's heads, with their ids */
    struct own *own;         /* whether the own feed's head is confirmed (own.c) */
    struct frontier *forked; /* author -> seq of a proven fork */
    struct frontier *grown;  /* feeds grown since the last Have round, to their new heads */
    struct frontier *early;  /* author -> when its entries dated ahead may be logged again */
    uint64_t announce_ms;    /* when the next Have round is due */
    struct dial_target targets[NODE_TARGETS_MAX];
    size_t ntargets, nseeds; /* targets[0..nseeds) are the configured seeds */
    uint64_t targets_stamp;  /* feeds.profiles + feeds.redactions when targets were listed */
    struct backoff backoff[NODE_BACKOFF_MAX];
    size_t nbackoff;
    struct peer_record records[NODE_RECORDS_MAX];
    size_t nrecords;
    struct zwatch zap_w, api_w, router_w;
    struct gate *gates[NODE_GATES]; /* connections held by each listening socket (gate.h) */
    struct zwatch gate_w[NODE_GATES];
    unsigned files;                                             /* the file limit in force */
    unsigned peer_conns, api_conns, watch_conns, metrics_conns; /* each socket's share */
    struct pollfd *pfds; /* the poll set (node.c), grown as sessions are added */
    struct session **pfd_sessions;
    unsigned char *pfd_ready;
    size_t pfds_cap;
    struct courier_stats courier; /* contact envelopes (courier.c) */
    struct metrics *metrics;      /* the Prometheus endpoint, NULL when off (metrics.c) */
    struct notify *notify;        /* the [notify] command's runs (notify.c) */
    struct beacon_seen *beacons;  /* the latest beacon of each member (beacon.c) */
    size_t nbeacons, capbeacons;
    struct beacon_stats beacon_stats;
    uint64_t beacon_next_ms, beacon_last_ms;
    struct beacon_fresh *fresh; /* beacons to pass on at the next flushes (beacon.c) */
    size_t nfresh, capfresh;
    uint64_t beacon_flush_ms;
    unsigned beacon_round; /* flushes so far */
    void *events;          /* the event stream's PUB socket (watch.c) */
    char events_path[128];
    uint64_t courier_purge_ms;
    struct backup_job *backup; /* the running or last backup (backup.c), NULL before one */
    uint32_t backup_jobs;      /* backups started since the node started */
    char last_errors[NODE_LAST_ERRORS][200]; /* ring, newest at last_error_pos-1 */
    int last_error_pos, last_error_count;
    /* a change of this node's key (rotation.c) */
    int rotating;             /* ekonet key rotate made next_key: nothing is published */
    struct node_key next_key; /* rotating: the key the board is asked to make the member's */
    int dial_next_key;        /* rotating: the next dial uses next_key (session.c) */
    int replaced_seen;        /* the roster's succession of this node's key was acted on */
    int restart;              /* the loop ends so that the daemon starts again (main.c) */
};

/* Starts the node: ZAP handler, peer ROUTER, local API. NULL with err on failure. */
struct node *node_new(const struct config *cfg, const struct node_key *key, struct store *store,
                      int sigfd, struct errbuf *err);

/* Runs the loop until a signal arrives on sigfd. 0 or -1. */
int node_run(struct node *n);

/* What the loop carries from one turn to the next (node_step). */
struct node_loop {
    uint64_t next_tick, next_trim; /* when sync_tick and the memory trim are due */
    int serve_wait;                /* ms until Wants waiting are served again (sync_serve) */
};

/* A loop at its start: the tick due at once, the trim in a minute. */
void node_loop_init(struct node_loop *l);

/* One turn of node_run: the timers that are due, a wait of at most max_wait ms (>= 0; less
   when Wants wait to be served) and the sockets found ready. 1 when a signal asks the node to stop,
   0 to go on, -1 on failure (recorded with node_error). */
int node_step(struct node *n, struct node_loop *l, int max_wait);

/* Closes every socket and frees the node (not the store). */
void node_destroy(struct node **n);

/*
 * Acts on changes of the roster after entries were accepted: a revocation cuts every
 * session (members reconnect and the ZAP handler refuses the revoked one), a catalogue
 * revision replaces the catalogue in force.
 */
void node_roster_changed(struct node *n);

/* True if key (Ed25519) may talk to this node now: an admitted member, or allowed by the
   configuration of a node that has not joined a network. */
int node_admits(const struct node *n, const uint8_t key[KEY_SIZE]);

/* Whose values the network's band counts (band_admits_fn): members in good standing and this
   node; ctx is the node. */
int node_band_admits(void *ctx, const uint8_t key[KEY_SIZE]);

/* Records an error for `ekonet status` and logs it. */
void node_error(struct node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The member's name for a node id, or NULL when unknown. */
const char *node_member_name(const struct node *n, const uint8_t key[KEY_SIZE]);

/* Milliseconds since 1970. */
uint64_t node_now_ms(void);

/*
 * Receives one message from a ROUTER without blocking: rid gets the routing id, body the
 * first frame after it; further frames are drained. Returns the number of frames (2 for a
 * well-formed message) or -1 when nothing is waiting. rid and body are initialised either
 * way; the caller closes both.
 */
int node_recv_routed(void *sock, zmq_msg_t *rid, zmq_msg_t *body);

/* ZAP: answers one handshake request (zap.c). */
void zap_handle(struct node *n);

/* Local API: answers one request (api.c). */
void api_handle(struct node *n);

/* Peers: handles messages waiting on the ROUTER (peer.c). */
void peer_handle(struct node *n);

/* True if s is still one of the node's sessions (handlers may close others). */
int node_has_session(const struct node *n, const struct session *s);

#endif
