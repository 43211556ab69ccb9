/*
 * session: lifecycle of the conversations with other members' nodes (see session.h).
 * Dialling uses libzmq's own reconnection (1 s, backing off to 30 s) while a session exists;
 * a session that fails (refused handshake, no Hello, unreachable for a minute) is closed and
 * that member is not dialled again for a while (session_backoff), so that the node tries
 * others.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "ekonet/config.h"
#include "ekonet/contacts.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "node.h"
#include "sendq.h"
#include "session.h"
#include "sync.h"
#include "watch.h"

#define BACKOFF_FIRST_MS 5000
#define BACKOFF_MAX_MS   600000
/* A dialled session closed with a Bye: how long its socket may still send what was queued (the
   kernel takes it at once unless the peer stopped reading; shutdown waits this long at most). */
#define BYE_LINGER_MS 250

static void unlink_session(struct node *n, struct session *s)
{
    for (struct session **p = &n->sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            n->nsessions--;
            return;
        }
    }
}

static void peer_down_event(struct node *n, const struct session *s, const char *reason)
{
    char id[13];
    const char *name = node_member_name(n, s->key);
    watch_event(n, "peer_down", s->key, NULL, 0, reason, "session with %s down (%s)",
                name ? name : hex_encode(id, s->key, 6), reason);
}

static struct session *session_new(struct node *n, const uint8_t key[KEY_SIZE])
{
    struct session *s = calloc(1, sizeof *s);
    if (!s || !(s->theirs = frontier_new()) || !(s->stuck = frontier_new()) ||
        !(s->posted = frontier_new()) || !(s->sendq = sendq_new(n->sendq, PEER_QUEUE_BYTES))) {
        if (s) {
            frontier_destroy(&s->theirs);
            frontier_destroy(&s->stuck);
            frontier_destroy(&s->posted);
        }
        free(s);
        return NULL;
    }
    memcpy(s->key, key, KEY_SIZE);
    s->opened_ms = s->state_ms = s->last_recv_ms = node_now_ms();
    s->next = n->sessions;
    n->sessions = s;
    n->nsessions++;
    return s;
}

static int setopt_int(void *sock, int opt, int v)
{
    return zmq_setsockopt(sock, opt, &v, sizeof v);
}

struct session *session_dial(struct node *n, const uint8_t key[KEY_SIZE], const char *endpoint)
{
    uint8_t server[KEY_SIZE];
    char mon[64], id[ID_HEX];
    if (key_pub_to_curve(server, key) < 0) return NULL;
    struct session *s = session_new(n, key);
    if (!s) return NULL;
    s->outbound = 1;
    /* A node whose key is being rotated and whose handshakes were refused tries its next key:
       once the board's act makes it the member's, the act reaches the node that way (its
       current key is refused everywhere by then). */
    const struct node_key *me = n->rotating && n->dial_next_key ? &n->next_key : &n->key;
    snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint);
    int64_t maxmsg = (int64_t)n->cfg->max_peer_message;
    s->sock = zmq_socket(n->zctx, ZMQ_DEALER);
    snprintf(mon, sizeof mon, "inproc://monitor-%p", (void *)s);
    if (!s->sock || setopt_int(s->sock, ZMQ_LINGER, 0) < 0 ||
        zmq_setsockopt(s->sock, ZMQ_CURVE_SERVERKEY, server, KEY_SIZE) < 0 ||
        zmq_setsockopt(s->sock, ZMQ_CURVE_PUBLICKEY, me->curve_pub, KEY_SIZE) < 0 ||
        zmq_setsockopt(s->sock, ZMQ_CURVE_SECRETKEY, me->curve_sec, KEY_SIZE) < 0 ||
        zmq_setsockopt(s->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
        setopt_int(s->sock, ZMQ_IMMEDIATE, 1) < 0 ||
        setopt_int(s->sock, ZMQ_SNDHWM, PEER_SNDHWM) < 0 ||
        setopt_int(s->sock, ZMQ_RCVHWM, PEER_RCVHWM) < 0 ||
        setopt_int(s->sock, ZMQ_HEARTBEAT_IVL, PEER_HEARTBEAT_MS) < 0 ||
        setopt_int(s->sock, ZMQ_HEARTBEAT_TIMEOUT, PEER_DEAD_MS) < 0 ||
        setopt_int(s->sock, ZMQ_RECONNECT_IVL, 1000) < 0 ||
        setopt_int(s->sock, ZMQ_RECONNECT_IVL_MAX, 30000) < 0 ||
        zmq_socket_monitor(s->sock, mon,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) < 0 ||
        !(s->monitor = zmq_socket(n->zctx, ZMQ_PAIR)) || zmq_connect(s->monitor, mon) < 0 ||
        zmq_connect(s->sock, endpoint) < 0 || zwatch_init(&s->sock_w, s->sock) < 0 ||
        zwatch_init(&s->monitor_w, s->monitor) < 0) {
        elog(ELOG_WARN, "cannot dial", "node=%s endpoint=%s error=\"%s\"",
             hex_encode(id, key, KEY_SIZE), endpoint, zmq_strerror(zmq_errno()));
        session_close(n, s, NULL);
        return NULL;
    }
    elog(ELOG_DEBUG, "dialling", "node=%s endpoint=%s%s", hex_encode(id, key, KEY_SIZE), endpoint,
         me == &n->key ? "" : " as=next_key");
    return s;
}

struct session *session_accept(struct node *n, const uint8_t key[KEY_SIZE], const uint8_t *rid,
                               size_t rid_len, const char *address)
{
    if (rid_len > sizeof((struct session *)0)->rid) return NULL;
    struct session *s = session_new(n, key);
    if (!s) return NULL;
    memcpy(s->rid, rid, rid_len);
    s->rid_len = rid_len;
    snprintf(s->endpoint, sizeof s->endpoint, "%s", address ? address : "");
    return s;
}

void session_close(struct node *n, struct session *s, const char *reason)
{
    char id[ID_HEX], q[128];
    if (reason && s->state != SESSION_CONNECTING) {
        Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
        Ekonet__Bye bye = EKONET__BYE__INIT;
        bye.reason = (char *)reason;
        m.body_case = EKONET__PEER_MESSAGE__BODY_BYE;
        m.bye = &bye;
        session_send(n, s, &m);
    }
    if (s->state == SESSION_LIVE) {
        elog(ELOG_INFO, "peer down", "node=%s direction=%s reason=%s",
             hex_encode(id, s->key, KEY_SIZE), s->outbound ? "out" : "in",
             elog_quote(q, sizeof q, reason ? reason : "closed"));
        peer_down_event(n, s, reason ? reason : "closed");
    }
    sync_session_down(n, s);
    unlink_session(n, s);
    if (s->sock) {
        /* what was sent last (a Bye, the act that revoked the peer) still leaves, for a while */
        if (reason && s->state != SESSION_CONNECTING)
            setopt_int(s->sock, ZMQ_LINGER, BYE_LINGER_MS);
        zmq_socket_monitor(s->sock, NULL, 0);
        zmq_close(s->sock);
    }
    if (s->monitor) zmq_close(s->monitor);
    frontier_destroy(&s->theirs);
    frontier_destroy(&s->stuck);
    frontier_destroy(&s->posted);
    sendq_release(&s->sendq); /* freed with its last message in libzmq */
    free(s);
}

struct session *session_find(struct node *n, const uint8_t key[KEY_SIZE])
{
    for (struct session *s = n->sessions; s; s = s->next)
        if (memcmp(s->key, key, KEY_SIZE) == 0) return s;
    return NULL;
}

struct session *session_find_rid(struct node *n, const uint8_t *rid, size_t len)
{
    for (struct session *s = n->sessions; s; s = s->next)
        if (!s->outbound && s->rid_len == len && memcmp(s->rid, rid, len) == 0) return s;
    return NULL;
}

/* The queue a message to s counts in: its own, or the node's for a Bye to a refused Hello
   (sent on a session that is never created). */
static struct sendq *queue_of(const struct node *n, const struct session *s)
{
    return s->sendq ? s->sendq : n->sendq;
}

int session_room(const struct node *n, const struct session *s)
{
    return sendq_room(queue_of(n, s), 1);
}

/* A message the peer's queue would not take: answers to Wants wait (after SEND_RETRY_MS when
   its queue was full in bytes, after SERVE_PAUSE_MS when full in messages), the rest is
   dropped and repaired later (digests, Haves). */
static void send_refused(struct node *n, struct session *s, int in_bytes)
{
    uint64_t now = node_now_ms();
    if (now >= s->paused_until_ms) {
        s->paused_until_ms = now + (in_bytes ? SEND_RETRY_MS : SERVE_PAUSE_MS);
        n->stats.peer_limits[LIMIT_SEND_QUEUE]++;
    }
}

int session_send(struct node *n, struct session *s, const Ekonet__PeerMessage *m)
{
    size_t len = ekonet__peer_message__get_packed_size(m);
    struct sendq *q = queue_of(n, s);
    zmq_msg_t msg;
    void *data;
    int rc = -1, e = EAGAIN, full = !sendq_room(q, len);
    if (!full && sendq_msg(q, &msg, len, &data) == 0) {
        ekonet__peer_message__pack(m, data);
        if (s->outbound) {
            s->sock_w.dirty = 1; /* node.h: struct zwatch */
            rc = zmq_msg_send(&msg, s->sock, ZMQ_DONTWAIT);
        } else {
            n->router_w.dirty = 1;
            rc = zmq_send(n->router, s->rid, s->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            if (rc >= 0) rc = zmq_msg_send(&msg, n->router, ZMQ_DONTWAIT);
        }
        if (rc < 0) e = zmq_errno();
        if (rc < 0) zmq_msg_close(&msg);
    }
    if (rc < 0) {
        /* EHOSTUNREACH: the ROUTER has no connection with that routing id any more */
        if (!s->outbound && e == EHOSTUNREACH) s->gone = 1;
        if (full || e == EAGAIN) send_refused(n, s, full);
        s->send_drops++;
        n->stats.send_drops++;
        return -1;
    }
    s->msgs_out++;
    n->stats.bytes_out += len;
    return 0;
}

const char *peer_limit_label(int limit)
{
    static const char *const labels[PEER_LIMIT_COUNT] = {
        "malformed",  "batch_entries", "batch_bytes", "wants",  "frontier",
        "send_queue", "reconnects",    "refused",     "cut_off"};
    return limit >= 0 && limit < PEER_LIMIT_COUNT ? labels[limit] : "?";
}

/* The member's record, its minute started again when it is over; a new one (replacing the
   record touched longest ago) when there is none. */
static struct peer_record *record_of(struct node *n, const uint8_t key[KEY_SIZE], uint64_t now)
{
    struct peer_record *r = NULL, *oldest = NULL;
    for (size_t i = 0; i < n->nrecords && !r; i++) {
        if (memcmp(n->records[i].key, key, KEY_SIZE) == 0) r = &n->records[i];
        if (!oldest || n->records[i].window_ms < oldest->window_ms) oldest = &n->records[i];
    }
    if (!r) {
        r = n->nrecords < NODE_RECORDS_MAX ? &n->records[n->nrecords++] : oldest;
        memset(r, 0, sizeof *r);
        memcpy(r->key, key, KEY_SIZE);
    }
    if (now - r->window_ms >= 60000) {
        r->window_ms = now;
        r->violations = r->hellos = 0;
    }
    return r;
}

int peer_cut_off(struct node *n, const uint8_t key[KEY_SIZE])
{
    for (size_t i = 0; i < n->nrecords; i++)
        if (memcmp(n->records[i].key, key, KEY_SIZE) == 0)
            return node_now_ms() < n->records[i].cut_until_ms;
    return 0;
}

int peer_violation(struct node *n, const uint8_t key[KEY_SIZE], int limit)
{
    uint64_t now = node_now_ms();
    struct peer_record *r = record_of(n, key, now);
    n->stats.peer_limits[limit]++;
    if (now < r->cut_until_ms || ++r->violations < PEER_VIOLATIONS) return 0;
    char id[ID_HEX];
    r->cut_until_ms = now + PEER_CUT_MS;
    n->stats.peers_cut++;
    elog(ELOG_WARN, "peer cut off", "node=%s violations=%u last=%s seconds=%d",
         hex_encode(id, key, KEY_SIZE), r->violations, peer_limit_label(limit), PEER_CUT_MS / 1000);
    watch_event(n, "peer_cut", key, NULL, 0, peer_limit_label(limit),
                "%s cut off for %d minutes: %u violations in a minute (last: %s)",
                node_member_name(n, key) ? node_member_name(n, key) : hex_encode(id, key, 6),
                PEER_CUT_MS / 60000, r->violations, peer_limit_label(limit));
    return 1;
}

int peer_hello(struct node *n, const uint8_t key[KEY_SIZE])
{
    struct peer_record *r = record_of(n, key, node_now_ms());
    if (++r->hellos <= PEER_HELLOS) return 0;
    peer_violation(n, key, LIMIT_RECONNECTS);
    return -1;
}

void session_dial_failed(struct node *n, struct session *s, const char *reason)
{
    char id[ID_HEX];
    elog(ELOG_INFO, "dial failed", "node=%s endpoint=%s reason=%s",
         hex_encode(id, s->key, KEY_SIZE), s->endpoint, reason);
    session_backoff(n, s->key);
    session_close(n, s, NULL);
    if (n->rotating && strcmp(reason, "refused") == 0) n->dial_next_key = !n->dial_next_key;
}

void session_monitor(struct node *n, struct session *s)
{
    for (;;) {
        uint8_t ev[6];
        char addr[256];
        uint16_t event;
        if (zmq_recv(s->monitor, ev, sizeof ev, ZMQ_DONTWAIT) < 0) return;
        zmq_recv(s->monitor, addr, sizeof addr, ZMQ_DONTWAIT);
        memcpy(&event, ev, sizeof event);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            sync_session_up(n, s);
        } else if (event == ZMQ_EVENT_DISCONNECTED) {
            /* libzmq dials again by itself; the session starts over when it is back */
            if (s->state != SESSION_CONNECTING) {
                char id[ID_HEX];
                elog(ELOG_INFO, "peer down", "node=%s direction=out reason=disconnected",
                     hex_encode(id, s->key, KEY_SIZE));
                peer_down_event(n, s, "disconnected");
                sync_session_down(n, s);
                s->state = SESSION_CONNECTING;
                s->state_ms = node_now_ms();
            }
        } else {
            /* the peer refused our key (we are not a member there), or spoke nonsense */
            session_dial_failed(n, s,
                                event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH       ? "refused"
                                : event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? "protocol"
                                                                               : "handshake");
            return;
        }
    }
}

/* Where key is dialled: a digest of its targets' endpoints, in any order. A backoff holds for
   those places; a member that names others (a node moved, docs/OPERATIONS.md) is dialled now. */
static uint64_t where_of(const struct node *n, const uint8_t key[KEY_SIZE])
{
    uint64_t d = 0;
    for (size_t i = 0; i < n->ntargets; i++) {
        if (memcmp(n->targets[i].key, key, KEY_SIZE) != 0) continue;
        uint64_t h = 14695981039346656037ull; /* FNV-1a */
        for (const char *p = n->targets[i].endpoint; *p; p++)
            h = (h ^ (uint8_t)*p) * 1099511628211ull;
        d ^= h;
    }
    return d;
}

void session_backoff(struct node *n, const uint8_t key[KEY_SIZE])
{
    struct backoff *b = NULL;
    uint64_t now = node_now_ms();
    for (size_t i = 0; i < n->nbackoff && !b; i++)
        if (memcmp(n->backoff[i].key, key, KEY_SIZE) == 0) b = &n->backoff[i];
    if (!b) {
        if (n->nbackoff == NODE_BACKOFF_MAX) n->nbackoff = 0; /* forget the oldest ones */
        b = &n->backoff[n->nbackoff++];
        memcpy(b->key, key, KEY_SIZE);
        b->delay_ms = 0;
    }
    b->delay_ms = b->delay_ms ? b->delay_ms * 2 : BACKOFF_FIRST_MS;
    if (b->delay_ms > BACKOFF_MAX_MS) b->delay_ms = BACKOFF_MAX_MS;
    b->until_ms = now + b->delay_ms;
    b->where = where_of(n, key);
}

static int backing_off(const struct node *n, const uint8_t key[KEY_SIZE], uint64_t now)
{
    for (size_t i = 0; i < n->nbackoff; i++)
        if (memcmp(n->backoff[i].key, key, KEY_SIZE) == 0) return now < n->backoff[i].until_ms;
    return 0;
}

/* Adds a place to dial a member. A member listed among the seeds is dialled there only; any
   other member at each endpoint it advertises, each listed once. */
static void add_target(struct node *n, const uint8_t key[KEY_SIZE], const char *endpoint)
{
    if (n->ntargets == NODE_TARGETS_MAX || memcmp(key, n->key.pub, KEY_SIZE) == 0) return;
    for (size_t i = 0; i < n->ntargets; i++)
        if ((i < n->nseeds || strcmp(n->targets[i].endpoint, endpoint) == 0) &&
            memcmp(n->targets[i].key, key, KEY_SIZE) == 0)
            return;
    memcpy(n->targets[n->ntargets].key, key, KEY_SIZE);
    snprintf(n->targets[n->ntargets].endpoint, sizeof n->targets[0].endpoint, "%s", endpoint);
    n->ntargets++;
}

/* A member is dialled where its profile in force says, else where its application said. */
static void member_target(void *ctx, const struct member_row *r)
{
    struct node *n = ctx;
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    if (r->status != MEMBER_ADMITTED || profile_effective(n->store, r->key, &info, &p) != 1) return;
    for (size_t i = 0; i < p->n_endpoints; i++)
        if (strncmp(p->endpoints[i], "tcp://", 6) == 0) add_target(n, r->key, p->endpoints[i]);
    ekonet__profile__free_unpacked(p, NULL);
}

void session_targets(struct node *n)
{
    n->ntargets = 0;
    n->nseeds = NODE_TARGETS_MAX; /* while seeds are added, each member is listed once */
    for (size_t i = 0; i < n->cfg->nseeds; i++) {
        uint8_t key[KEY_SIZE];
        const char *ep;
        if (config_parse_seed(n->cfg->seeds[i], key, &ep)) add_target(n, key, ep);
    }
    n->nseeds = n->ntargets;
    n->targets_stamp = n->feeds.profiles + n->feeds.redactions;
    if (n->roster && n->cfg->dial_members) roster_list(n->store, member_target, n);
}

/* True if this node still lists key at endpoint among its targets. */
static int targeted(const struct node *n, const uint8_t key[KEY_SIZE], const char *endpoint)
{
    for (size_t i = 0; i < n->ntargets; i++)
        if (memcmp(n->targets[i].key, key, KEY_SIZE) == 0 &&
            strcmp(n->targets[i].endpoint, endpoint) == 0)
            return 1;
    return 0;
}

/*
 * A member's profile moved its endpoints (or a redaction took a profile away): list the
 * targets again, and give up dialling endpoints no longer listed that never answered, so
 * that the new ones are dialled now rather than after the connect timeout, nor after a
 * backoff earned at the old ones.
 */
static void retarget(struct node *n)
{
    session_targets(n);
    uint64_t now = node_now_ms();
    for (size_t i = 0; i < n->nbackoff; i++) {
        struct backoff *b = &n->backoff[i];
        if (b->until_ms > now && where_of(n, b->key) != b->where) b->until_ms = b->delay_ms = 0;
    }
    struct session *next;
    for (struct session *s = n->sessions; s; s = next) {
        next = s->next;
        if (s->outbound && s->state == SESSION_CONNECTING && !targeted(n, s->key, s->endpoint))
            session_close(n, s, NULL);
    }
}

void session_counts(const struct node *n, unsigned *all, unsigned *live, unsigned *outbound)
{
    *all = *live = *outbound = 0;
    for (const struct session *s = n->sessions; s; s = s->next) {
        (*all)++;
        *live += s->state == SESSION_LIVE;
        *outbound += s->outbound != 0;
    }
}

/* A member this node may dial now: admitted, not in session, not backing off, not cut off. */
static int dialable(struct node *n, const uint8_t key[KEY_SIZE], uint64_t now)
{
    return !session_find(n, key) && !backing_off(n, key, now) && node_admits(n, key) &&
           !peer_cut_off(n, key);
}

/*
 * Direct delivery: a member this node holds its own requests or replies for is dialled, beyond
 * `outbound`, so that they arrive as soon as its node can be reached; relays carry them
 * meanwhile. A member cut off for violations is not, as for any other dial.
 */
static void dial_waiting(struct node *n, uint64_t now)
{
    uint8_t waiting[DIRECT_MAX][KEY_SIZE];
    unsigned all, live, outbound;
    session_counts(n, &all, &live, &outbound);
    int nw = contacts_waiting(n->store, now, waiting, DIRECT_MAX);
    for (int w = 0; w < nw && all < n->cfg->max_sessions; w++) {
        if (!dialable(n, waiting[w], now)) continue;
        for (size_t i = 0; i < n->ntargets; i++)
            if (memcmp(n->targets[i].key, waiting[w], KEY_SIZE) == 0) {
                if (session_dial(n, waiting[w], n->targets[i].endpoint)) all++;
                break;
            }
    }
}

/*
 * Every new node starts at the seeds, so they would end up holding a session with every
 * member. A node that knows enough other members to fill its outbound sessions, has live
 * sessions with half as many members besides the seeds and has a member it could dial closes
 * one session it dialled to a seed (one per pass) once it has lasted SEED_PERIODS beacon
 * periods; its place goes to a member picked at random.
 */
#define SEED_PERIODS 4

static int is_seed(const struct node *n, const uint8_t key[KEY_SIZE])
{
    for (size_t i = 0; i < n->nseeds; i++)
        if (memcmp(n->targets[i].key, key, KEY_SIZE) == 0) return 1;
    return 0;
}

static void leave_seed(struct node *n, uint64_t now, unsigned outbound)
{
    if (n->ntargets - n->nseeds < n->cfg->outbound || outbound < n->cfg->outbound) return;
    uint64_t age = (uint64_t)n->cfg->beacon_interval * 1000 * SEED_PERIODS;
    struct session *seed = NULL;
    unsigned others = 0; /* live sessions besides the seeds */
    for (struct session *s = n->sessions; s; s = s->next) {
        if (s->state != SESSION_LIVE) continue;
        if (!is_seed(n, s->key))
            others++;
        else if (!seed && s->outbound && now - s->opened_ms >= age)
            seed = s;
    }
    /* not alone without it: as many other live sessions as half its outbound */
    if (!seed || 2 * others < n->cfg->outbound) return;
    for (size_t i = n->nseeds; i < n->ntargets; i++)
        if (dialable(n, n->targets[i].key, now)) { /* a member to dial instead */
            session_close(n, seed, "leaving the seed to new members");
            return;
        }
}

void session_maintain(struct node *n)
{
    unsigned all, live, outbound;
    uint64_t now = node_now_ms();
    if (n->targets_stamp != n->feeds.profiles + n->feeds.redactions) retarget(n);
    session_counts(n, &all, &live, &outbound);
    leave_seed(n, now, outbound);
    session_counts(n, &all, &live, &outbound);
    /* Seeds first, in order, then members from a random place; once enough members are
       known to fill the outbound sessions, members first and seeds last. */
    size_t nm = n->ntargets - n->nseeds;
    int members_first = nm >= n->cfg->outbound;
    uint32_t r = nm ? randombytes_uniform((uint32_t)nm) : 0;
    for (size_t k = 0; k < n->ntargets && outbound < n->cfg->outbound && all < n->cfg->max_sessions;
         k++) {
        size_t i;
        if (members_first)
            i = k < nm ? n->nseeds + (r + k) % nm : k - nm;
        else /* nm == 0 means every target is a seed */
            i = k < n->nseeds || nm == 0 ? k : n->nseeds + (r + (k - n->nseeds)) % nm;
        const struct dial_target *t = &n->targets[i];
        if (!dialable(n, t->key, now)) continue;
        if (session_dial(n, t->key, t->endpoint)) {
            outbound++;
            all++;
        }
    }
    if (n->roster) dial_waiting(n, now);
}
