/*
 * metrics: renders the node's figures in the reactor thread and serves the latest rendering
 * from libmicrohttpd's thread (see metrics.h). What the two threads share, under one mutex:
 * the latest text, when it was rendered, and the HTTP request counters.
 *
 * Rendering reads the store (counts, contacts, file size): a few indexed queries, once per
 * scrape. The listening socket is bound here, not by libmicrohttpd, so that a failure names
 * the address and the reason exactly.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "beacon.h"
#include "ekonet/contacts.h"
#include "ekonet/exposition.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/pending.h"
#include "ekonet/roster.h"
#include "ekonet/version.h"
#include "gate.h"
#include "metrics.h"
#include "own.h"
#include "sendq.h"
#include "spare.h"
#include "node.h"
#include "notify.h"
#include "session.h"
#include "sync.h"

enum { PATH_METRICS, PATH_HEALTHZ, PATH_OTHER, PATH_COUNT };
static const char *const path_labels[PATH_COUNT] = {"/metrics", "/healthz", "other"};

struct metrics {
    struct MHD_Daemon *mhd;
    pthread_mutex_t lock;
    /* under lock */
    char *text; /* the latest exposition, NULL until the first rendering */
    size_t len;
    uint64_t rendered_ms; /* monotonic */
    uint64_t alive_ms;    /* the node's loop last ticked */
    uint64_t scraped_ms;  /* /metrics last asked for */
    int wanted;           /* a scrape waits for a fresh rendering */
    pthread_cond_t fresh; /* signalled after each rendering */
    uint64_t requests[PATH_COUNT];
    int wake[2]; /* a byte written to wake[1] asks the node's loop for a rendering */
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- rendering (the node's loop) ------------------------------------------------------- */

/* A family with one sample and no labels. */
static void single(struct exposition *x, const char *name, const char *type, const char *help,
                   double value)
{
    metric_family(x, name, type, help);
    metric_value(x, name, "", value);
}

/* A family with one label: one sample per value in labels[from..to). */
static void by_label(struct exposition *x, const char *name, const char *type, const char *help,
                     const char *label, const char *(*label_of)(int), const uint64_t *values,
                     int from, int to, int skip)
{
    metric_family(x, name, type, help);
    for (int i = from; i < to; i++) {
        char l[128] = "";
        if (i == skip) continue;
        metric_label(l, sizeof l, label, label_of(i));
        metric_value(x, name, l, (double)values[i]);
    }
}

static void render_node(struct exposition *x, const struct node *n)
{
    char id[ID_HEX], l[1024] = "";
    metric_family(x, "ekonet_info", "gauge",
                  "This node: its software version, node id, member name and SCB code (always 1).");
    metric_label(l, sizeof l, "version", EKONET_VERSION);
    metric_label(l, sizeof l, "node_id", hex_encode(id, n->key.pub, KEY_SIZE));
    metric_label(l, sizeof l, "name", n->cfg->name);
    metric_label(l, sizeof l, "code", n->cfg->code);
    metric_value(x, "ekonet_info", l, 1);
    single(x, "ekonet_start_time_seconds", "gauge",
           "When ekonetd started, in seconds since 1970 (Unix time).",
           (double)n->started_ms / 1000.0);
    single(x, "ekonet_uptime_seconds", "gauge", "How long ekonetd has been running, in seconds.",
           (double)(node_now_ms() - n->started_ms) / 1000.0);
}

static void render_sessions(struct exposition *x, const struct node *n)
{
    static const char *const states[] = {"connecting", "hello", "live"};
    uint64_t count[3][2] = {{0}}, behind = 0, lazy = 0;
    for (const struct session *s = n->sessions; s; s = s->next) {
        if (s->state >= SESSION_CONNECTING && s->state <= SESSION_LIVE)
            count[s->state][s->outbound ? 1 : 0]++;
        if (s->state == SESSION_LIVE) behind += sync_behind(n, s), lazy += s->lazy != 0;
    }
    metric_family(
        x, "ekonet_sessions", "gauge",
        "Sessions with other members' nodes, by state and by who dialled (out: this node).");
    for (int st = 0; st < 3; st++)
        for (int out = 0; out < 2; out++) {
            char l[64] = "";
            metric_label(l, sizeof l, "state", states[st]);
            metric_label(l, sizeof l, "direction", out ? "out" : "in");
            metric_value(x, "ekonet_sessions", l, (double)count[st][out]);
        }
    single(x, "ekonet_sessions_lazy", "gauge",
           "Live sessions this node announces new entries to (Have) instead of pushing them.",
           (double)lazy);
    single(x, "ekonet_sync_behind_entries", "gauge",
           "Entries live peers hold that this node lacks, as their frontiers say, summed over the "
           "sessions (an entry two peers hold counts twice).",
           (double)behind);
    single(x, "ekonet_sessions_opened_total", "counter", "Sessions that went live.",
           (double)n->stats.sessions_opened);
}

static void render_store(struct exposition *x, const struct node *n)
{
    uint64_t entries = 0, feeds = 0;
    if (store_counts(n->store, &entries, &feeds) == 0) {
        single(x, "ekonet_entries", "gauge", "Entries stored, of every member's feed.",
               (double)entries);
        single(x, "ekonet_feeds", "gauge", "Feeds stored (members that published anything).",
               (double)feeds);
    }
    single(x, "ekonet_store_bytes", "gauge", "Size of the database file and its WAL, in bytes.",
           (double)store_bytes(n->store));
    size_t members = n->roster ? n->roster->nmembers - n->roster->nrevoked : 0;
    single(x, "ekonet_members", "gauge", "Members admitted to the network (revoked ones not).",
           (double)members);
    single(x, "ekonet_members_revoked", "gauge", "Members whose membership the board revoked.",
           (double)(n->roster ? n->roster->nrevoked : 0));
    single(x, "ekonet_forks", "gauge",
           "Feeds quarantined after a fork (their author signed two entries with one seq).",
           (double)frontier_count(n->forked));
    single(x, "ekonet_fork_probes_total", "counter",
           "Entries asked of a peer at a seq held here because the peer gave another id there.",
           (double)n->stats.probes);
    single(x, "ekonet_own_head_confirmed", "gauge",
           "1 once another member has confirmed the head of this node's own feed since the start "
           "(until then publishes are kept as pending).",
           own_confirmed(n) ? 1.0 : 0.0);
    int64_t pending = pending_waiting(n->store);
    single(x, "ekonet_pending_publishes", "gauge",
           "Publishes kept until the head of this node's own feed is confirmed.",
           pending > 0 ? (double)pending : 0.0);
    single(x, "ekonet_entries_accepted_total", "counter",
           "Entries accepted into the store: published here or received from peers.",
           (double)n->feeds.accepted);
    single(x, "ekonet_entries_duplicate_total", "counter",
           "Entries received that the store already held.",
           (double)n->feeds.refused[ENTRY_DUPLICATE]);
    by_label(x, "ekonet_entries_refused_total", "counter", "Entries refused, by reason.", "reason",
             entry_status_label, n->feeds.refused, 1, ENTRY_STATUS_COUNT, ENTRY_DUPLICATE);
}

static void render_traffic(struct exposition *x, const struct node *n)
{
    const struct node_stats *s = &n->stats;
    single(x, "ekonet_peer_messages_total", "counter", "Messages received from peers.",
           (double)s->peer_messages);
    single(x, "ekonet_peer_dropped_total", "counter",
           "Peer messages dropped: no session, not a member (any more), or malformed.",
           (double)s->peer_dropped);
    single(x, "ekonet_received_bytes_total", "counter", "Bytes of peer messages received.",
           (double)s->bytes_in);
    single(x, "ekonet_sent_bytes_total", "counter", "Bytes of peer messages sent.",
           (double)s->bytes_out);
    single(x, "ekonet_send_drops_total", "counter",
           "Messages to peers dropped because the peer's queue was full.", (double)s->send_drops);
    metric_family(x, "ekonet_push_mode_changes_total", "counter",
                  "Sessions this node asked to push to it (eager: a Have showed entries no push "
                  "brought, or a prune left fewer eager sessions than push_eager) or only to "
                  "announce (lazy: a push brought nothing new).");
    char to[32] = "";
    metric_label(to, sizeof to, "to", "eager");
    metric_value(x, "ekonet_push_mode_changes_total", to, (double)s->grafted);
    to[0] = '\0';
    metric_label(to, sizeof to, "to", "lazy");
    metric_value(x, "ekonet_push_mode_changes_total", to, (double)s->pruned);
    single(x, "ekonet_haves_sent_total", "counter",
           "Have messages sent: new heads announced to sessions that are not pushed to.",
           (double)s->haves_sent);
    metric_family(x, "ekonet_peer_limits_total", "counter",
                  "Times a peer ran into a per-peer limit, by limit (docs/PROTOCOL.md 7.7).");
    for (int i = 0; i < PEER_LIMIT_COUNT; i++) {
        char l[64] = "";
        metric_label(l, sizeof l, "limit", peer_limit_label(i));
        metric_value(x, "ekonet_peer_limits_total", l, (double)s->peer_limits[i]);
    }
    single(x, "ekonet_peers_cut_total", "counter",
           "Peers cut off for ten minutes after repeated violations of the limits.",
           (double)s->peers_cut);
    metric_family(x, "ekonet_handshakes_total", "counter",
                  "CURVE handshakes by result: accepted (a member) or refused (anyone else).");
    metric_value(x, "ekonet_handshakes_total", "result=\"accepted\"",
                 (double)s->handshakes_accepted);
    metric_value(x, "ekonet_handshakes_total", "result=\"refused\"", (double)s->handshakes_refused);
    single(x, "ekonet_api_requests_total", "counter", "Requests on the local API (the CLI).",
           (double)s->api_requests);
    single(x, "ekonet_api_errors_total", "counter", "Local API requests answered with an error.",
           (double)s->api_errors);
}

static void render_contacts(struct exposition *x, const struct node *n)
{
    const struct courier_stats *c = &n->courier;
    struct contacts_counts cc;
    if (contacts_counts(n->store, &cc) == 0) {
        single(x, "ekonet_outbox_pending", "gauge",
               "Contact requests and replies sent from here, not yet delivered.",
               (double)cc.outbox_pending);
        single(x, "ekonet_inbox_new", "gauge", "Contact requests received and not yet read.",
               (double)cc.inbox_new);
        single(x, "ekonet_relay_envelopes", "gauge",
               "Other members' sealed envelopes held here for delivery.", (double)cc.held);
        single(x, "ekonet_relay_bytes", "gauge", "Size of those envelopes, in bytes.",
               (double)cc.held_bytes);
    }
    single(x, "ekonet_envelopes_received_total", "counter",
           "Contact envelopes received from peers that were new here.", (double)c->envelopes_in);
    single(x, "ekonet_acks_received_total", "counter",
           "Acknowledgements of envelopes received from peers that were new here.",
           (double)c->acks_in);
    by_label(x, "ekonet_envelopes_refused_total", "counter",
             "Contact envelopes and acknowledgements refused, by reason.", "reason",
             envelope_status_label, c->refused, 1, ENV_STATUS_COUNT, -1);
    single(x, "ekonet_relay_full_total", "counter",
           "Envelopes refused because relay_store or relay_per_member was full.",
           (double)c->relay_full);
    single(x, "ekonet_envelopes_relayed_total", "counter",
           "Envelopes for other members taken in to pass on.", (double)c->relayed);
    single(x, "ekonet_envelopes_expired_total", "counter", "Envelopes dropped at their expiry.",
           (double)c->expired);
    single(x, "ekonet_contacts_delivered_total", "counter",
           "Contact requests and replies to this node opened here.", (double)c->delivered);
}

/* The [notify] command's runs (notify.c). */
static void render_notify(struct exposition *x, const struct node *n)
{
    if (!n->notify) return;
    const struct notify_stats *s = notify_stats(n->notify);
    single(x, "ekonet_notify_started_total", "counter",
           "Notify commands started, for new reports and contact requests.", (double)s->started);
    single(x, "ekonet_notify_succeeded_total", "counter", "Notify commands that exited with 0.",
           (double)s->succeeded);
    single(x, "ekonet_notify_failed_total", "counter",
           "Notify commands that could not start, exited with another status or by a signal.",
           (double)s->failed);
    single(x, "ekonet_notify_timed_out_total", "counter",
           "Notify commands killed after [notify] timeout.", (double)s->timed_out);
    single(x, "ekonet_notify_dropped_total", "counter",
           "Events not notified: max_running commands were running, or the event was too large.",
           (double)s->dropped);
    single(x, "ekonet_notify_running", "gauge", "Notify commands running now.", (double)s->running);
}

/* Per member: how old its latest beacon is (members never heard from have no sample), and the
   count of members reachable as `ekonet network` judges it. */
static void render_beacons(struct exposition *x, const struct node *n)
{
    const struct roster *r = n->roster;
    uint64_t now = node_now_ms(), reachable = 0;
    metric_family(x, "ekonet_beacon_age_seconds", "gauge",
                  "Seconds since this node received each admitted member's latest beacon "
                  "(the member itself: 0).");
    for (size_t i = 0; r && i < r->nmembers; i++) {
        const struct member *m = &r->members[i];
        if (m->status != MEMBER_ADMITTED) continue;
        int self = memcmp(m->key, n->key.pub, KEY_SIZE) == 0;
        const struct beacon_seen *b = beacon_of(n, m->key);
        reachable += beacon_member_reachable(n, m->key, now);
        if (!self && !b) continue;
        char l[512] = "";
        metric_label(l, sizeof l, "code", m->code);
        metric_label(l, sizeof l, "name", m->name);
        double age = self || now < b->received_ms ? 0 : (double)(now - b->received_ms) / 1000.0;
        metric_value(x, "ekonet_beacon_age_seconds", l, age);
    }
    single(x, "ekonet_members_reachable", "gauge",
           "Admitted members whose latest beacon came within two of their beacon periods "
           "(this node counts itself).",
           (double)reachable);
    const struct beacon_stats *s = &n->beacon_stats;
    single(x, "ekonet_beacons_received_total", "counter",
           "Beacons received from peers that were new here.", (double)s->received);
    single(x, "ekonet_beacons_refused_total", "counter",
           "Beacons refused: bad signature, not a member, or malformed.", (double)s->refused);
    single(x, "ekonet_beacons_ignored_total", "counter",
           "Beacons received that were not newer than the member's kept one by a second.",
           (double)s->ignored);
    single(x, "ekonet_beacons_sent_total", "counter",
           "Beacons sent to peers: this node's own and those passed on.", (double)s->sent);
}

static void render_http(struct exposition *x, struct metrics *m)
{
    uint64_t requests[PATH_COUNT];
    pthread_mutex_lock(&m->lock);
    memcpy(requests, m->requests, sizeof requests);
    pthread_mutex_unlock(&m->lock);
    metric_family(x, "ekonet_http_requests_total", "counter",
                  "Requests to this metrics endpoint, by path (other: any unknown path).");
    for (int i = 0; i < PATH_COUNT; i++) {
        char l[64] = "";
        metric_label(l, sizeof l, "path", path_labels[i]);
        metric_value(x, "ekonet_http_requests_total", l, (double)requests[i]);
    }
}

/* Every family, in the order they are shown. */
/* The listening sockets' connections (gate.h) and the bytes queued to peers (sendq.h). */
static void render_gates(struct exposition *x, const struct node *n)
{
    static const char *const help[] = {
        "Connections held now by each listening socket (peer port, local API, event stream).",
        "Connections accepted by each listening socket.",
        "Connections closed at once: over their address's limit, or none was young.",
        "Young connections (handshake not done) closed to make room for newer ones.",
        "Accepts that failed inside libzmq (for example, out of file descriptors)."};
    static const char *const names[] = {"ekonet_connections", "ekonet_connections_accepted_total",
                                        "ekonet_connections_refused_total",
                                        "ekonet_connections_evicted_total",
                                        "ekonet_connections_accept_failed_total"};
    for (int k = 0; k < 5; k++) {
        metric_family(x, names[k], k ? "counter" : "gauge", help[k]);
        for (int g = 0; g < NODE_GATES; g++) {
            const struct gate_stats *st = n->gates[g] ? gate_stats(n->gates[g]) : NULL;
            if (!st) continue;
            const uint64_t v[] = {st->open, st->accepted, st->refused, st->evicted, st->failed};
            char l[64] = "";
            metric_label(l, sizeof l, "socket", gate_name(n->gates[g]));
            metric_value(x, names[k], l, (double)v[k]);
        }
    }
    single(x, "ekonet_file_limit", "gauge", "The limit on open files in force for ekonetd.",
           (double)n->files);
    single(x, "ekonet_connections_shed_total", "counter",
           "Connections dropped as they were accepted because no descriptor was left.",
           (double)spare_shed());
    single(x, "ekonet_send_queue_bytes", "gauge",
           "Bytes queued to peers and not yet taken by their connections, all sessions together.",
           (double)sendq_bytes(n->sendq));
}

static void render(struct exposition *x, struct node *n)
{
    render_node(x, n);
    render_sessions(x, n);
    render_store(x, n);
    render_traffic(x, n);
    render_contacts(x, n);
    render_beacons(x, n);
    render_notify(x, n);
    render_gates(x, n);
    render_http(x, n->metrics);
}

void metrics_tick(struct node *n)
{
    struct metrics *m = n->metrics;
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    m->alive_ms = mono_ms();
    pthread_mutex_unlock(&m->lock);
}

int metrics_fd(const struct node *n)
{
    return n->metrics ? n->metrics->wake[0] : -1;
}

void metrics_render(struct node *n)
{
    struct metrics *m = n->metrics;
    if (!m) return;
    file_drain(m->wake[0]);
    pthread_mutex_lock(&m->lock);
    int due = m->wanted;
    pthread_mutex_unlock(&m->lock);
    if (!due) return;
    struct exposition x = {0};
    render(&x, n);
    size_t len;
    char *text = exposition_take(&x, &len);
    if (!text) return; /* out of memory: /healthz turns 503 if it lasts */
    pthread_mutex_lock(&m->lock);
    char *old = m->text;
    m->text = text;
    m->len = len;
    m->rendered_ms = mono_ms();
    m->wanted = 0;
    pthread_cond_broadcast(&m->fresh);
    pthread_mutex_unlock(&m->lock);
    free(old);
}

/* Under the lock: waits (at most METRICS_WAIT_MS) for a rendering newer than
   METRICS_FRESH_MS, asking the node's loop for one. */
static void wait_fresh(struct metrics *m)
{
    uint64_t now = mono_ms();
    m->scraped_ms = now;
    if (m->text && now - m->rendered_ms <= METRICS_FRESH_MS) return;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += METRICS_WAIT_MS / 1000;
    uint64_t before = m->rendered_ms;
    m->wanted = 1;
    file_wake(m->wake[1]);
    while (m->rendered_ms == before && pthread_cond_timedwait(&m->fresh, &m->lock, &until) == 0)
        ;
}

/* ---- serving (libmicrohttpd's thread) -------------------------------------------------- */

/* The response to one request: a status and a body (malloc'd) made under the lock. */
static unsigned respond(struct metrics *m, const char *url, const char *method, char **body,
                        size_t *len)
{
    char line[160];
    unsigned status = MHD_HTTP_OK;
    int path = strcmp(url, "/metrics") == 0   ? PATH_METRICS
               : strcmp(url, "/healthz") == 0 ? PATH_HEALTHZ
                                              : PATH_OTHER;
    *body = NULL;
    pthread_mutex_lock(&m->lock);
    m->requests[path]++;
    if (path == PATH_METRICS) wait_fresh(m);
    uint64_t age = m->alive_ms ? mono_ms() - m->alive_ms : 0;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        snprintf(line, sizeof line, "only GET and HEAD\n");
    } else if (path == PATH_OTHER) {
        status = MHD_HTTP_NOT_FOUND;
        snprintf(line, sizeof line, "not found; try /metrics or /healthz\n");
    } else if (path == PATH_METRICS && !m->text) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(line, sizeof line, "the node's loop has not rendered its figures (busy?)\n");
    } else if (path == PATH_METRICS) {
        if ((*body = malloc(m->len ? m->len : 1))) memcpy(*body, m->text, m->len);
        *len = m->len;
    } else if (!m->alive_ms) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(line, sizeof line, "starting: the node's loop has not run yet\n");
    } else if (age > METRICS_STALE_MS) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(line, sizeof line, "stalled: the node's loop last ran %llu s ago\n",
                 (unsigned long long)(age / 1000));
    } else {
        snprintf(line, sizeof line, "ok\n");
    }
    pthread_mutex_unlock(&m->lock);
    if (status != MHD_HTTP_OK || path != PATH_METRICS) {
        *body = strdup(line);
        *len = strlen(line);
    }
    return status;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    char *body;
    size_t len;
    unsigned status = respond(cls, url, method, &body, &len);
    if (!body) return MHD_NO; /* out of memory: drop the connection */
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    int exposition = status == MHD_HTTP_OK && strcmp(url, "/metrics") == 0;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            exposition ? "text/plain; version=0.0.4; charset=utf-8"
                                       : "text/plain; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* libmicrohttpd's own complaints go to the log like everything else. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256], q[300];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    elog(ELOG_WARN, "metrics server", "detail=%s", elog_quote(q, sizeof q, msg));
}

/* A listening TCP socket on IP:PORT; -1 with err. */
static int listen_on(const char *address, const char *conf, struct errbuf *err)
{
    char host[64], port[8];
    unsigned p;
    struct addrinfo hints = {0}, *ai = NULL;
    if (!config_parse_address(address, host, sizeof host, &p))
        return errbuf_set(err, "%s: [metrics] listen \"%s\" is not IP:PORT", conf, address);
    snprintf(port, sizeof port, "%u", p);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, port, &hints, &ai);
    if (gai != 0)
        return errbuf_set(err, "cannot serve metrics on %s: %s", address, gai_strerror(gai));
    int one = 1, fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (ai->ai_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        freeaddrinfo(ai);
        return errbuf_set(err,
                          "cannot serve metrics on %s: %s (is another ekonetd using it? set "
                          "[metrics] listen in %s, or off)",
                          address, strerror(e), conf);
    }
    freeaddrinfo(ai);
    return fd;
}

int metrics_start(struct node *n, struct errbuf *err)
{
    if (!n->cfg->metrics_listen) return 0;
    struct metrics *m = calloc(1, sizeof *m);
    pthread_condattr_t ca;
    if (!m || pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return errbuf_set(err, "cannot start the metrics server: out of memory");
    }
    if (file_wake_pipe(m->wake) < 0) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        return errbuf_set(err, "cannot start the metrics server: %s", strerror(errno));
    }
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&m->fresh, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        pthread_mutex_destroy(&m->lock);
        close(m->wake[0]);
        close(m->wake[1]);
        free(m);
        return errbuf_set(err, "cannot start the metrics server: out of memory");
    }
    pthread_condattr_destroy(&ca);
    n->metrics = m;
    int fd = listen_on(n->cfg->metrics_listen, n->cfg->path, err);
    if (fd < 0) return -1;
    m->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, answer, m, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT, n->metrics_conns, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)METRICS_IDLE_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
        MHD_OPTION_END);
    /* On failure the socket is left open: libmicrohttpd may have closed it already, and
       closing a number another thread may reuse is worse than one descriptor until exit. */
    if (!m->mhd)
        return errbuf_set(err, "cannot start the metrics server on %s", n->cfg->metrics_listen);
    elog(ELOG_INFO, "metrics", "listen=%s", n->cfg->metrics_listen);
    return 0;
}

void metrics_stop(struct node *n)
{
    struct metrics *m = n->metrics;
    if (!m) return;
    if (m->mhd) MHD_stop_daemon(m->mhd);
    pthread_cond_destroy(&m->fresh);
    pthread_mutex_destroy(&m->lock);
    close(m->wake[0]);
    close(m->wake[1]);
    free(m->text);
    free(m);
    n->metrics = NULL;
}
