#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ekonet/board.h"
#include "ekonet/checker.h"
#include "ekonet/hex.h"
#include "ekonet/roster.h"
#include "ekonet/log.h"
#include "backup.h"
#include "gate.h"
#include "rotation.h"
#include "metrics.h"
#include "node.h"
#include "notify.h"
#include "own.h"
#include "sendq.h"
#include "spare.h"
#include "watch.h"
#include "session.h"
#include "sync.h"

/* libzmq 4.3 keeps ZMQ_ZAP_ENFORCE_DOMAIN among its draft options: set it by number. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif
#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN   "ekonet"
#define TRIM_MS      60000 /* memory freed in the allocator goes back to the system this often */
/* Idle work on the network's bands a tick at most (one band of 300 members x 20 years takes a
   few ms): the loop stays responsive while a start computes a whole catalogue's. */
#define BANDS_WARM_MS 20

uint64_t node_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void node_error(struct node *n, const char *fmt, ...)
{
    char msg[160], ts[32], q[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(n->last_errors[n->last_error_pos], sizeof n->last_errors[0], "%s %s", ts, msg);
    n->last_error_pos = (n->last_error_pos + 1) % NODE_LAST_ERRORS;
    if (n->last_error_count < NODE_LAST_ERRORS) n->last_error_count++;
    elog(ELOG_ERROR, "error", "detail=%s", elog_quote(q, sizeof q, msg));
}

const char *node_member_name(const struct node *n, const uint8_t key[KEY_SIZE])
{
    const struct member *m = n->roster ? roster_member(n->roster, key) : NULL;
    if (m) return m->name;
    if (memcmp(key, n->key.pub, KEY_SIZE) == 0) return n->cfg->name;
    return NULL;
}

int node_admits(const struct node *n, const uint8_t key[KEY_SIZE])
{
    if (n->roster) {
        const struct member *m = roster_member(n->roster, key);
        return m && m->status == MEMBER_ADMITTED;
    }
    for (size_t i = 0; i < n->cfg->nallow; i++)
        if (memcmp(n->cfg->allow[i], key, KEY_SIZE) == 0) return 1;
    return 0;
}

int node_band_admits(void *ctx, const uint8_t key[KEY_SIZE])
{
    const struct node *n = ctx;
    return !n->roster || node_admits(n, key) || memcmp(key, n->key.pub, KEY_SIZE) == 0;
}

/* Idle work of a tick: bands of the catalogue computed (or stale years of them) for at most
   BANDS_WARM_MS, so that a trend seldom waits for the network's bands (band.h). */
static void warm_bands(struct node *n)
{
    const char *codes[CATALOGUE_MAX];
    size_t k = 0;
    for (size_t i = 0; n->catalogue && i < catalogue_count(n->catalogue) && k < CATALOGUE_MAX; i++)
        codes[k++] = catalogue_at(n->catalogue, i)->code;
    /* a store that cannot be read is reported by the trend that asks, not every tick */
    uint64_t until = node_now_ms() + BANDS_WARM_MS;
    while (band_cache_warm(n->bands, n->store, codes, k, node_band_admits, n) == 1 &&
           node_now_ms() < until)
        ;
}

/* The catalogue in force: the board's newest revision, else the default shipped. */
static struct catalogue *catalogue_in_force(struct node *n, char *revision, size_t size)
{
    snprintf(revision, size, "default");
    sqlite3_stmt *st = n->roster ? store_stmt(n->store, "SELECT revision, content FROM"
                                                        " catalogue_in_force WHERE one=1")
                                 : NULL;
    struct catalogue *c = NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(revision, size, "%s", (const char *)sqlite3_column_text(st, 0));
        c = catalogue_from_content(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
    }
    if (st) sqlite3_reset(st);
    return c ? c : catalogue_default();
}

/* Drops every inbound session by rebinding the peer socket; members reconnect at once. */
static void cut_sessions(struct node *n)
{
    char ep[256];
    size_t len = sizeof ep;
    n->router_w.dirty = 1;
    if (zmq_getsockopt(n->router, ZMQ_LAST_ENDPOINT, ep, &len) < 0 ||
        zmq_unbind(n->router, ep) < 0) {
        node_error(n, "cannot close sessions: %s", zmq_strerror(zmq_errno()));
        return;
    }
    gate_reset(n->gates[GATE_PEER]);
    for (int i = 0; i < 50; i++) {
        if (zmq_bind(n->router, n->cfg->listen) == 0) return;
        usleep(20000); /* the old listener closes in libzmq's I/O thread */
    }
    node_error(n, "cannot listen on %s again: %s", n->cfg->listen, zmq_strerror(zmq_errno()));
}

/*
 * Closes the sessions of members that are no longer admitted. A connection on the ROUTER can
 * only be cut by dropping every inbound connection (the revoked member may hold one without a
 * session, too), after which the members reconnect and the ZAP handler refuses the revoked.
 */
static void cut_revoked(struct node *n)
{
    struct session *next;
    for (struct session *s = n->sessions; s; s = next) {
        next = s->next;
        if (node_admits(n, s->key)) continue;
        sync_send_board(n, s); /* the act that revoked it, so that its node can say so */
        session_close(n, s, "revoked");
    }
    for (struct session *s = n->sessions; s; s = next) {
        next = s->next;
        if (!s->outbound) session_close(n, s, NULL);
    }
    elog(ELOG_INFO, "sessions cut", "reason=revocation");
    cut_sessions(n);
}

void node_roster_changed(struct node *n)
{
    if (!n->roster || n->feeds.roster_changes == n->roster_seen) return;
    n->roster_seen = n->feeds.roster_changes;
    beacon_roster_changed(n);
    if (n->roster->nrevoked > n->revoked_seen) {
        cut_revoked(n);
        courier_roster_changed(n);
    }
    n->revoked_seen = n->roster->nrevoked;
    rotation_roster_changed(n);
    rotation_adopt_profile(n);
    char q[96];
    struct catalogue *c =
        catalogue_in_force(n, n->catalogue_revision, sizeof n->catalogue_revision);
    catalogue_destroy(&n->catalogue);
    n->catalogue = c;
    band_cache_clear(n->bands); /* whose values count may have changed */
    own_changed(n);             /* the only other member revoked, say */
    elog(ELOG_INFO, "roster", "members=%zu revoked=%zu board_seq=%llu catalogue=%s",
         n->roster->nmembers - n->roster->nrevoked, n->roster->nrevoked,
         (unsigned long long)n->roster->board_seq, elog_quote(q, sizeof q, n->catalogue_revision));
}

/* Finds out whether the node belongs to a network: its store holds that network's charter. */
static int open_roster(struct node *n, struct errbuf *err)
{
    char want[ID_HEX], have[ID_HEX];
    uint8_t solo[ID_SIZE];
    if (!(n->roster = roster_load(n->store, err))) return -1;
    hex_encode(want, n->cfg->network, ID_SIZE);
    if (n->roster->joined) {
        if (memcmp(n->roster->network, n->cfg->network, ID_SIZE) != 0)
            return errbuf_set(err, "the store belongs to network %s but %s names network %s",
                              hex_encode(have, n->roster->network, ID_SIZE), n->cfg->path, want);
        n->feeds.roster = n->roster;
        n->revoked_seen = n->roster->nrevoked;
        return 0;
    }
    network_solo_id(solo, n->key.pub);
    if (memcmp(solo, n->cfg->network, ID_SIZE) != 0)
        return errbuf_set(err,
                          "%s names network %s, but this node has not joined it; "
                          "run: ekonet join BUNDLE",
                          n->cfg->path, want);
    roster_destroy(&n->roster); /* alone: the allow list decides who may connect */
    return 0;
}

int node_recv_routed(void *sock, zmq_msg_t *rid, zmq_msg_t *body)
{
    zmq_msg_init(rid);
    zmq_msg_init(body);
    if (zmq_msg_recv(rid, sock, ZMQ_DONTWAIT) < 0) return -1;
    int frames = 1, more = zmq_msg_more(rid);
    if (more && zmq_msg_recv(body, sock, ZMQ_DONTWAIT) >= 0) {
        frames++;
        more = zmq_msg_more(body);
    }
    while (more) {
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        more = zmq_msg_recv(&extra, sock, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
        zmq_msg_close(&extra);
        frames++;
    }
    return frames;
}

static int setopt_int(void *sock, int opt, int value)
{
    return zmq_setsockopt(sock, opt, &value, sizeof value);
}

/* The peer ROUTER: CURVE server with this node's key, ZAP enforced, bounded messages. */
static int open_router(struct node *n, struct errbuf *err)
{
    int64_t maxmsg = (int64_t)n->cfg->max_peer_message;
    int enforce = 0;
    size_t len = sizeof enforce;
    n->router = zmq_socket(n->zctx, ZMQ_ROUTER);
    if (!n->router || setopt_int(n->router, ZMQ_LINGER, 0) < 0 ||
        setopt_int(n->router, ZMQ_CURVE_SERVER, 1) < 0 ||
        zmq_setsockopt(n->router, ZMQ_CURVE_SECRETKEY, n->key.curve_sec, KEY_SIZE) < 0 ||
        zmq_setsockopt(n->router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN)) < 0 ||
        zmq_setsockopt(n->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
        setopt_int(n->router, ZMQ_HEARTBEAT_IVL, PEER_HEARTBEAT_MS) < 0 ||
        setopt_int(n->router, ZMQ_HEARTBEAT_TIMEOUT, PEER_DEAD_MS) < 0 ||
        setopt_int(n->router, ZMQ_HEARTBEAT_TTL, PEER_DEAD_MS) < 0 ||
        setopt_int(n->router, ZMQ_ROUTER_MANDATORY, 1) < 0 ||
        setopt_int(n->router, ZMQ_SNDHWM, PEER_SNDHWM) < 0 ||
        setopt_int(n->router, ZMQ_RCVHWM, PEER_RCVHWM) < 0 ||
        setopt_int(n->router, ZMQ_HANDSHAKE_IVL, HANDSHAKE_MS) < 0)
        return errbuf_set(err, "cannot set up the peer socket: %s", zmq_strerror(zmq_errno()));
    /* Without an enforced domain libzmq lets any CURVE key in when the handler is missing. */
    if (setopt_int(n->router, ZMQ_ZAP_ENFORCE_DOMAIN, 1) < 0 ||
        zmq_getsockopt(n->router, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, &len) < 0 || enforce != 1)
        return errbuf_set(err, "this libzmq cannot enforce ZAP authentication "
                               "(ZMQ_ZAP_ENFORCE_DOMAIN); refusing to run without it");
    struct gate_limits lim = {n->peer_conns, n->cfg->connections_per_address, HANDSHAKE_MS};
    if (!(n->gates[GATE_PEER] = gate_new(n->zctx, n->router, "peer", &lim, err))) return -1;
    if (zmq_bind(n->router, n->cfg->listen) < 0)
        return errbuf_set(err, "cannot listen on %s: %s", n->cfg->listen,
                          zmq_strerror(zmq_errno()));
    return 0;
}

/* The local API: a ROUTER on ipc://<data_dir>/api.sock, mode 0660. */
static int open_api(struct node *n, struct errbuf *err)
{
    char endpoint[160];
    /* A hard cap far above the soft limit, so oversized requests still get an error reply. */
    int64_t maxmsg = (int64_t)n->cfg->max_api_request * 4;
    if (snprintf(n->api_path, sizeof n->api_path, "%s/api.sock", n->cfg->data_dir) >= 100)
        return errbuf_set(err,
                          "data directory path %s is too long for a Unix socket "
                          "(at most 90 characters)",
                          n->cfg->data_dir);
    snprintf(endpoint, sizeof endpoint, "ipc://%s", n->api_path);
    n->api = zmq_socket(n->zctx, ZMQ_ROUTER);
    if (!n->api || setopt_int(n->api, ZMQ_LINGER, 0) < 0 ||
        setopt_int(n->api, ZMQ_HANDSHAKE_IVL, HANDSHAKE_MS) < 0 ||
        zmq_setsockopt(n->api, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0)
        return errbuf_set(err, "cannot set up the API socket: %s", zmq_strerror(zmq_errno()));
    /* Every client is local and short-lived: a process holds a few at most (the CLI one), and
       past the limit the oldest goes. */
    struct gate_limits lim = {n->api_conns, API_PER_PROCESS, UINT32_MAX};
    if (!(n->gates[GATE_API] = gate_new(n->zctx, n->api, "api", &lim, err))) return -1;
    if (zmq_bind(n->api, endpoint) < 0)
        return errbuf_set(err, "cannot open the local API at %s: %s", n->api_path,
                          zmq_strerror(zmq_errno()));
    if (chmod(n->api_path, 0660) < 0)
        return errbuf_set(err, "cannot set the mode of %s: %s", n->api_path, strerror(errno));
    return 0;
}

static unsigned share(unsigned want, unsigned files, unsigned part)
{
    return want < files / part ? want : files / part;
}

/*
 * The node's descriptors: its file limit raised to NODE_FILES where the hard limit allows, a
 * reserve for itself and the sessions it dials, shares for the local sockets and the metrics
 * server, the rest (up to NODE_PEER_CONNS_MAX, or peer_connections) for the peer port.
 */
static int plan_files(struct node *n, struct errbuf *err)
{
    n->files = gate_raise_file_limit(NODE_FILES);
    n->api_conns = share(API_CONNECTIONS, n->files, 8);
    n->watch_conns = share(WATCH_CONNECTIONS, n->files, 16);
    n->metrics_conns = share(METRICS_CONNECTIONS, n->files, 8);
    uint64_t kept = NODE_FILES_RESERVE + 4ull * (n->cfg->outbound + DIRECT_MAX) + n->api_conns +
                    n->watch_conns + n->metrics_conns;
    uint64_t room = n->files > kept ? n->files - kept : 0;
    uint64_t peer = n->cfg->peer_connections ? n->cfg->peer_connections : NODE_PEER_CONNS_MAX;
    if (peer > room) peer = room;
    if (peer < NODE_PEER_CONNS_MIN)
        return errbuf_set(err,
                          "the limit on open files (%u) is too low: ekonetd needs at least %llu "
                          "(raise LimitNOFILE or ulimit -n, or lower outbound)",
                          n->files, (unsigned long long)kept + NODE_PEER_CONNS_MIN);
    n->peer_conns = (unsigned)peer;
    if (n->cfg->peer_connections > peer)
        elog(ELOG_WARN, "file limit", "files=%u peer_connections=%u configured=%u", n->files,
             n->peer_conns, n->cfg->peer_connections);
    return 0;
}

struct node *node_new(const struct config *cfg, const struct node_key *key, struct store *store,
                      int sigfd, struct errbuf *err)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) {
        errbuf_set(err, "out of memory");
        return NULL;
    }
    n->cfg = cfg;
    n->key = *key;
    n->store = store;
    n->sigfd = sigfd;
    n->started_ms = node_now_ms();
    n->feeds.store = store;
    memcpy(n->feeds.network, cfg->network, ID_SIZE);
    n->feeds.max_content = cfg->max_content;
    if (open_roster(n, err) < 0 || rotation_load(n, err) < 0 || plan_files(n, err) < 0) goto fail;
    if (spare_open() < 0) {
        errbuf_set(err, "cannot keep a descriptor in reserve: %s", strerror(errno));
        goto fail;
    }
    n->catalogue = catalogue_in_force(n, n->catalogue_revision, sizeof n->catalogue_revision);
    n->bands = band_cache_new();
    n->zctx = zmq_ctx_new();
    n->sendq = sendq_new(NULL, NODE_QUEUE_BYTES);
    if (!n->catalogue || !n->bands || !n->zctx || !n->sendq) {
        errbuf_set(err, "cannot start: out of memory");
        goto fail;
    }
    zmq_ctx_set(n->zctx, ZMQ_BLOCKY, 0);
    /* The ZAP handler must be bound before any CURVE socket can accept a handshake. */
    n->zap = zmq_socket(n->zctx, ZMQ_REP);
    if (!n->zap || setopt_int(n->zap, ZMQ_LINGER, 0) < 0 || zmq_bind(n->zap, ZAP_ENDPOINT) < 0) {
        errbuf_set(err, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (open_router(n, err) < 0 || open_api(n, err) < 0 || watch_open(n, err) < 0) goto fail;
    int watched = 0;
    for (int g = 0; g < NODE_GATES; g++)
        watched += zwatch_init(&n->gate_w[g], gate_socket(n->gates[g])) == 0;
    if (watched < NODE_GATES || zwatch_init(&n->zap_w, n->zap) < 0 ||
        zwatch_init(&n->api_w, n->api) < 0 || zwatch_init(&n->router_w, n->router) < 0) {
        errbuf_set(err, "cannot poll the sockets: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (metrics_start(n, err) < 0) goto fail;
    if (!(n->notify = notify_new(&cfg->notify))) {
        errbuf_set(err, "out of memory");
        goto fail;
    }
    if (sync_start(n) < 0 || beacon_start(n) < 0 || own_start(n) < 0) {
        errbuf_set(err, "cannot read the feeds: %s", store_errmsg(store));
        goto fail;
    }
    session_targets(n);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (!(n->checker = checker_new(cores > 1 ? (int)(cores > 8 ? 7 : cores - 1) : 0, cfg->network,
                                   cfg->max_content))) {
        errbuf_set(err, "cannot start the verifying threads");
        goto fail;
    }
    return n;
fail:
    node_destroy(&n);
    return NULL;
}

void node_destroy(struct node **pn)
{
    if (!pn || !*pn) return;
    struct node *n = *pn;
    metrics_stop(n);
    backup_job_end(n);            /* a running copy stops within one step and is removed */
    if (n->checker) sync_stop(n); /* stores what is verified */
    while (n->sessions) session_close(n, n->sessions, "shutting down");
    watch_close(n);
    notify_destroy(&n->notify);
    beacon_stop(n);
    own_stop(n);
    frontier_destroy(&n->ours);
    frontier_destroy(&n->forked);
    frontier_destroy(&n->grown);
    frontier_destroy(&n->early);
    checker_destroy(&n->checker);
    free(n->pfds);
    free(n->pfd_sessions);
    free(n->pfd_ready);
    gate_destroy(&n->gates[GATE_API]);
    gate_destroy(&n->gates[GATE_PEER]);
    if (n->api) zmq_close(n->api);
    if (n->router) zmq_close(n->router);
    if (n->zap) zmq_close(n->zap);
    if (n->zctx) zmq_ctx_term(n->zctx);
    sendq_release(&n->sendq); /* after the context: libzmq has freed every message */
    if (n->api_path[0]) unlink(n->api_path);
    catalogue_destroy(&n->catalogue);
    band_cache_destroy(&n->bands);
    roster_destroy(&n->roster);
    key_wipe(&n->key);
    free(n);
    *pn = NULL;
}

int node_has_session(const struct node *n, const struct session *s)
{
    for (const struct session *o = n->sessions; o; o = o->next)
        if (o == s) return 1;
    return 0;
}

int zwatch_init(struct zwatch *w, void *sock)
{
    size_t len = sizeof w->fd;
    w->dirty = 1;
    return zmq_getsockopt(sock, ZMQ_FD, &w->fd, &len);
}

/* True if sock has a message waiting; w is clean afterwards (until the next use). */
static int zwatch_readable(struct zwatch *w, void *sock)
{
    int events = 0;
    size_t len = sizeof events;
    w->dirty = 0;
    return zmq_getsockopt(sock, ZMQ_EVENTS, &events, &len) == 0 && (events & ZMQ_POLLIN);
}

/* The poll set: the signal pipe, the checker, the metrics server's wake-up pipe, ZAP, the
   API, the ROUTER, the gates' monitors, then each outbound session's monitor and socket. */
enum {
    PFD_SIGNAL,
    PFD_CHECKER,
    PFD_METRICS,
    PFD_ZAP,
    PFD_API,
    PFD_ROUTER,
    PFD_GATES,
    PFD_FIXED = PFD_GATES + NODE_GATES
};

static int build_pollset(struct node *n, size_t *count)
{
    size_t need = PFD_FIXED + 2 * n->nsessions;
    if (need > n->pfds_cap) {
        struct pollfd *p = realloc(n->pfds, need * sizeof *p);
        if (p) n->pfds = p;
        struct session **ss = realloc(n->pfd_sessions, need * sizeof *ss);
        if (ss) n->pfd_sessions = ss;
        unsigned char *r = realloc(n->pfd_ready, need);
        if (r) n->pfd_ready = r;
        if (!p || !ss || !r) return -1;
        n->pfds_cap = need;
    }
    const int fds[PFD_FIXED] = {
        n->sigfd,       checker_fd(n->checker), metrics_fd(n),   n->zap_w.fd,    n->api_w.fd,
        n->router_w.fd, n->gate_w[0].fd,        n->gate_w[1].fd, n->gate_w[2].fd};
    size_t k = 0;
    for (; k < PFD_FIXED; k++) {
        n->pfds[k] = (struct pollfd){fds[k], POLLIN, 0};
        n->pfd_sessions[k] = NULL;
    }
    for (struct session *s = n->sessions; s; s = s->next) {
        if (!s->outbound) continue;
        n->pfds[k] = (struct pollfd){s->monitor_w.fd, POLLIN, 0};
        n->pfd_sessions[k++] = s;
        n->pfds[k] = (struct pollfd){s->sock_w.fd, POLLIN, 0};
        n->pfd_sessions[k++] = s;
    }
    *count = k;
    return 0;
}

/* The ZeroMQ socket behind poll set entry i, and its watch; NULL for a plain descriptor. */
static void *pollset_socket(struct node *n, size_t i, struct zwatch **w)
{
    struct session *s = n->pfd_sessions[i];
    switch (i) {
    case PFD_SIGNAL:
    case PFD_CHECKER:
    case PFD_METRICS:
        return NULL;
    case PFD_ZAP:
        *w = &n->zap_w;
        return n->zap;
    case PFD_API:
        *w = &n->api_w;
        return n->api;
    case PFD_ROUTER:
        *w = &n->router_w;
        return n->router;
    default:
        break;
    }
    if (i < PFD_FIXED) {
        *w = &n->gate_w[i - PFD_GATES];
        return gate_socket(n->gates[i - PFD_GATES]);
    }
    int monitor = (i - PFD_FIXED) % 2 == 0;
    *w = monitor ? &s->monitor_w : &s->sock_w;
    return monitor ? s->monitor : s->sock;
}

/*
 * Waits up to wait ms for something to do and marks what is ready. Dirty sockets are asked
 * first, and the loop does not sleep when one of them has a message; a socket whose
 * descriptor fired is asked after. A ready socket is dirty again at once: its handler runs
 * this turn and may leave messages, or consume the news. Returns the number ready, or -1
 * (errno) from poll.
 */
static int pollset_wait(struct node *n, size_t count, int wait)
{
    int ready = 0;
    struct zwatch *w = NULL;
    for (size_t i = 0; i < count; i++) {
        void *sock = pollset_socket(n, i, &w);
        n->pfd_ready[i] = sock && w->dirty && zwatch_readable(w, sock);
        if (n->pfd_ready[i]) w->dirty = 1;
        ready += n->pfd_ready[i];
    }
    int rc = poll(n->pfds, (nfds_t)count, ready ? 0 : wait);
    if (rc < 0) return -1;
    for (size_t i = 0; rc > 0 && i < count; i++) {
        if (!(n->pfds[i].revents & (POLLIN | POLLERR | POLLHUP)) || n->pfd_ready[i]) continue;
        void *sock = pollset_socket(n, i, &w);
        n->pfd_ready[i] = sock ? zwatch_readable(w, sock) : 1;
        if (sock && n->pfd_ready[i]) w->dirty = 1;
        ready += n->pfd_ready[i];
    }
    return ready;
}

/* Messages waiting on an outbound session's socket. */
static void session_readable(struct node *n, struct session *s)
{
    for (int i = 0; i < 64 && node_has_session(n, s); i++) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        sync_message(n, s, zmq_msg_data(&m), zmq_msg_size(&m));
        zmq_msg_close(&m);
    }
}

/* Once a minute, memory the node holds but does not use goes back to the system: SQLite's
   cached pages (up to 8 MB after a sync; the file stays in the system's cache) and what glibc
   keeps of what was freed after a burst (a sync served, reports passed on): a node of 25
   sessions held 2.5 MB so. */
static void trim_memory(struct node *n)
{
    store_release_memory(n->store);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void node_loop_init(struct node_loop *l)
{
    l->next_tick = 0;
    l->next_trim = node_now_ms() + TRIM_MS;
    l->serve_wait = -1;
}

int node_step(struct node *n, struct node_loop *l, int max_wait)
{
    uint64_t now = node_now_ms();
    if (now >= l->next_tick) {
        l->next_tick = now + (uint64_t)sync_tick(n);
        metrics_tick(n);
        warm_bands(n);
    }
    if (now >= l->next_trim) {
        l->next_trim = now + TRIM_MS;
        trim_memory(n);
    }
    size_t count;
    uint64_t now2 = node_now_ms(), wait = l->next_tick > now2 ? l->next_tick - now2 : 0;
    if (wait > (uint64_t)max_wait) wait = (uint64_t)max_wait;
    if (build_pollset(n, &count) < 0) {
        node_error(n, "out of memory");
        return -1;
    }
    int timeout = (int)wait, notify_wait = notify_step(n->notify);
    if (l->serve_wait >= 0 && l->serve_wait < timeout) timeout = l->serve_wait;
    if (notify_wait >= 0 && notify_wait < timeout) timeout = notify_wait;
    int rc = pollset_wait(n, count, timeout);
    if (rc < 0 && errno == EINTR) return 0;
    if (rc < 0) {
        node_error(n, "poll failed: %s", strerror(errno));
        return -1;
    }
    if (n->restart) return 1; /* this node's key was rotated (rotation.c) */
    if (n->pfd_ready[PFD_SIGNAL]) {
        char sig;
        if (read(n->sigfd, &sig, 1) == 1) {
            elog(ELOG_INFO, "stopping", "signal=%d", sig);
            return 1;
        }
    }
    /* Connections first: one past a limit is closed before its descriptor is needed. */
    for (int g = 0; g < NODE_GATES; g++)
        if (n->pfd_ready[PFD_GATES + g]) gate_events(n->gates[g]);
    if (n->pfd_ready[PFD_ZAP]) zap_handle(n);
    if (n->pfd_ready[PFD_API]) api_handle(n);
    if (n->pfd_ready[PFD_ROUTER]) peer_handle(n);
    if (n->pfd_ready[PFD_METRICS]) metrics_render(n);
    for (size_t i = PFD_FIXED; i < count; i++) {
        struct session *s = n->pfd_sessions[i];
        if (!n->pfd_ready[i] || !node_has_session(n, s)) continue;
        if ((i - PFD_FIXED) % 2 == 0)
            session_monitor(n, s);
        else
            session_readable(n, s);
    }
    /* After the sockets: the batches just read go to the checker before the loop's thread
       stores what it has verified, so that the checker has work while it does. */
    if (n->pfd_ready[PFD_CHECKER]) sync_checked(n);
    l->serve_wait = sync_serve(n);
    return 0;
}

int node_run(struct node *n)
{
    char id[ID_HEX], q[256];
    elog(ELOG_INFO, "started", "node=%s name=%s listen=%s api=%s",
         hex_encode(id, n->key.pub, KEY_SIZE), elog_quote(q, sizeof q, n->cfg->name),
         n->cfg->listen, n->api_path);
    struct node_loop l;
    node_loop_init(&l);
    rotation_roster_changed(n); /* a key replaced while the node was down says so at once */
    rotation_adopt_profile(n);
    int rc;
    while ((rc = node_step(n, &l, 1000)) == 0) {
    }
    return rc < 0 ? -1 : 0;
}
