/*
 * beacon: see beacon.h. A beacon is passed on once, when it is newer than the one kept for its
 * member, so each beacon crosses each link at most once or twice whatever the topology. New
 * beacons are gathered and passed on together every BEACON_FLUSH_MS, one message per session,
 * and not to the sessions that sent the same beacon meanwhile: with 300 members a node wakes
 * for a few beacon messages a second, not for every copy of every beacon. A copy of a beacon
 * already kept is recognised before its signature is checked. New beacons are kept in memory at
 * once and stored at the flush, all in one transaction: a node does not commit for every
 * message, and a crash loses at most a flush's worth, which their members replace.
 */
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "ekonet/beacon.h"
#include "ekonet/contacts.h"
#include "ekonet/envelope.h"
#include "ekonet/frontier.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "ekonet/version.h"
#include "node.h"
#include "session.h"
#include "watch.h"

static struct beacon_seen *find(const struct node *n, const uint8_t key[KEY_SIZE])
{
    for (size_t i = 0; i < n->nbeacons; i++)
        if (memcmp(n->beacons[i].key, key, KEY_SIZE) == 0) return &n->beacons[i];
    return NULL;
}

const struct beacon_seen *beacon_of(const struct node *n, const uint8_t key[KEY_SIZE])
{
    return find(n, key);
}

int beacon_reachable(const struct node *n, const struct beacon_seen *b, uint64_t now_ms)
{
    if (!b) return 0;
    if (memcmp(b->key, n->key.pub, KEY_SIZE) == 0) return 1;
    uint64_t window = 2ull * b->interval_s * 1000;
    return now_ms - b->received_ms <= window &&
           (b->time_ms >= now_ms || now_ms - b->time_ms <= window + BEACON_SKEW_MS);
}

int beacon_member_reachable(const struct node *n, const uint8_t key[KEY_SIZE], uint64_t now_ms)
{
    return memcmp(key, n->key.pub, KEY_SIZE) == 0 || beacon_reachable(n, find(n, key), now_ms);
}

/* Remembers a beacon in memory; the new entry or NULL when out of memory. */
static struct beacon_seen *remember(struct node *n, const uint8_t key[KEY_SIZE], uint64_t time_ms,
                                    uint64_t received_ms, uint32_t interval_s)
{
    struct beacon_seen *b = find(n, key);
    if (!b) {
        if (n->nbeacons == n->capbeacons) {
            size_t cap = n->capbeacons ? 2 * n->capbeacons : 64;
            struct beacon_seen *v = realloc(n->beacons, cap * sizeof *v);
            if (!v) return NULL;
            n->beacons = v;
            n->capbeacons = cap;
        }
        b = &n->beacons[n->nbeacons++];
        memset(b, 0, sizeof *b);
        memcpy(b->key, key, KEY_SIZE);
    }
    b->time_ms = time_ms;
    b->received_ms = received_ms;
    b->interval_s = interval_s;
    return b;
}

static int load_one(void *ctx, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                    uint64_t received_ms, const uint8_t *raw, size_t len)
{
    struct node *n = ctx;
    Ekonet__Beacon *m = ekonet__beacon__unpack(NULL, len, raw);
    Ekonet__BeaconBody *b = m ? ekonet__beacon_body__unpack(NULL, m->body.len, m->body.data) : NULL;
    struct beacon_seen *s = b ? remember(n, member, time_ms, received_ms, b->interval_s) : NULL;
    if (s) s->reachable = beacon_reachable(n, s, node_now_ms());
    if (memcmp(member, n->key.pub, KEY_SIZE) == 0) n->beacon_last_ms = time_ms; /* no going back */
    if (b) ekonet__beacon_body__free_unpacked(b, NULL);
    if (m) ekonet__beacon__free_unpacked(m, NULL);
    return 0;
}

int beacon_start(struct node *n)
{
    return beacon_each(n->store, load_one, n);
}

void beacon_stop(struct node *n)
{
    beacon_store_fresh(n);
    for (size_t i = 0; i < n->nfresh; i++) free(n->fresh[i].raw);
    free(n->fresh);
    n->fresh = NULL;
    n->nfresh = n->capfresh = 0;
    free(n->beacons);
    n->beacons = NULL;
    n->nbeacons = n->capbeacons = 0;
}

/* ---- sending ------------------------------------------------------------------------------ */

struct batch {
    ProtobufCBinaryData v[BEACONS_PER_MESSAGE];
    size_t n, bytes;
};

static void flush(struct node *n, struct session *s, struct batch *b)
{
    if (b->n == 0) return;
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Beacons bs = EKONET__BEACONS__INIT;
    bs.beacons = b->v;
    bs.n_beacons = b->n;
    m.body_case = EKONET__PEER_MESSAGE__BODY_BEACONS;
    m.beacons = &bs;
    if (session_send(n, s, &m) == 0) n->beacon_stats.sent += b->n;
    for (size_t i = 0; i < b->n; i++) free(b->v[i].data);
    b->n = b->bytes = 0;
}

/* Adds a copy of raw to the batch for s, sending the batch first when it is full. */
static void add(struct node *n, struct session *s, struct batch *b, const uint8_t *raw, size_t len)
{
    if (b->n == BEACONS_PER_MESSAGE || (b->n && b->bytes + len > BATCH_BYTES)) flush(n, s, b);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return;
    memcpy(copy, raw, len);
    b->v[b->n].data = copy; /* the batch owns it: flush frees it */
    b->v[b->n++].len = len;
    b->bytes += len;
}

struct offer {
    struct node *n;
    struct session *s;
    struct batch b;
};

static int offer_one(void *ctx, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                     uint64_t received_ms, const uint8_t *raw, size_t len)
{
    struct offer *o = ctx;
    (void)time_ms;
    (void)received_ms;
    /* a revoked member's last beacon is kept for `ekonet network`, not passed on */
    if (memcmp(member, o->s->key, KEY_SIZE) != 0 && node_admits(o->n, member))
        add(o->n, o->s, &o->b, raw, len);
    return 0;
}

void beacon_session_live(struct node *n, struct session *s)
{
    if (!n->roster) return;
    struct offer o = {.n = n, .s = s};
    beacon_each(n->store, offer_one, &o);
    flush(n, s, &o.b);
}

static struct beacon_fresh *fresh_of(struct node *n, const uint8_t member[KEY_SIZE])
{
    for (size_t i = 0; i < n->nfresh; i++)
        if (memcmp(n->fresh[i].member, member, KEY_SIZE) == 0) return &n->fresh[i];
    return NULL;
}

/* Session from sent (NULL: made here) a beacon of member; note that it holds it. */
static void fresh_holder(struct node *n, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                         const struct session *from)
{
    struct beacon_fresh *f = fresh_of(n, member);
    if (f && f->time_ms == time_ms && f->nhave < BEACON_HAVE_MAX) f->have[f->nhave++] = from;
}

/* Gathers raw (a beacon of member, newer than the one kept) to store and pass on at the next
   flush. 0, or -1 when out of memory. */
static int pass_on(struct node *n, const struct session *from, const uint8_t member[KEY_SIZE],
                   uint64_t time_ms, uint64_t received_ms, const uint8_t *raw, size_t len)
{
    struct beacon_fresh *f = fresh_of(n, member);
    if (!f) {
        if (n->nfresh == n->capfresh) {
            size_t cap = n->capfresh ? 2 * n->capfresh : 16;
            struct beacon_fresh *v = realloc(n->fresh, cap * sizeof *v);
            if (!v) return -1;
            n->fresh = v;
            n->capfresh = cap;
        }
        f = &n->fresh[n->nfresh++];
        memcpy(f->member, member, KEY_SIZE);
        f->raw = NULL;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        *f = n->fresh[--n->nfresh];
        return -1;
    }
    memcpy(copy, raw, len);
    free(f->raw);
    f->raw = copy;
    f->len = len;
    f->time_ms = time_ms;
    f->received_ms = received_ms;
    f->round = n->beacon_round + 1;
    f->kept = 0;
    f->nhave = 0;
    if (from) f->have[f->nhave++] = from;
    return 0;
}

/* Stores the fresh beacons, all in one transaction (one commit per flush, not per message). */
void beacon_store_fresh(struct node *n)
{
    struct errbuf err;
    if (n->nfresh == 0) return;
    store_set_durable(n->store, 0); /* a beacon lost in a crash is replaced soon */
    if (store_begin(n->store, &err) == 0) {
        for (size_t i = 0; i < n->nfresh; i++) {
            struct beacon_fresh *f = &n->fresh[i];
            if (f->kept) continue;
            if (beacon_keep(n->store, f->member, f->time_ms, f->received_ms, f->raw, f->len) < 0)
                break;
            f->kept = 1;
        }
        if (store_commit(n->store, &err) < 0) node_error(n, "cannot keep beacons: %s", err.msg);
    }
    store_set_durable(n->store, 1);
}

/*
 * Stores the fresh beacons and sends each live session those it has not sent: an eager session
 * (sync.c) the beacons of this flush, a lazy one those of the last BEACON_LAZY_ROUNDS flushes
 * at every BEACON_LAZY_ROUNDS-th: beacons spread over the few sessions that new entries take,
 * and the many others only make sure, a third as often.
 */
static void flush_fresh(struct node *n)
{
    beacon_store_fresh(n);
    int lazy_round = ++n->beacon_round % BEACON_LAZY_ROUNDS == 0;
    for (struct session *s = n->sessions; s && n->nfresh; s = s->next) {
        if (s->state != SESSION_LIVE || (s->lazy && !lazy_round)) continue;
        struct batch b = {0};
        for (size_t i = 0; i < n->nfresh; i++) {
            const struct beacon_fresh *f = &n->fresh[i];
            if (!s->lazy && f->round != n->beacon_round) continue; /* sent already */
            size_t h = 0;
            while (h < f->nhave && f->have[h] != s) h++;
            if (h == f->nhave && memcmp(f->member, s->key, KEY_SIZE) != 0)
                add(n, s, &b, f->raw, f->len);
        }
        flush(n, s, &b);
    }
    if (!lazy_round) return;
    for (size_t i = 0; i < n->nfresh; i++) free(n->fresh[i].raw);
    n->nfresh = 0;
}

/* ---- this node's beacon ------------------------------------------------------------------- */

static void send_own(struct node *n, uint64_t now)
{
    uint64_t entries = 0, feeds = 0;
    struct contacts_counts cc;
    unsigned all, live, outbound;
    store_counts(n->store, &entries, &feeds);
    if (contacts_counts(n->store, &cc) < 0) memset(&cc, 0, sizeof cc);
    session_counts(n, &all, &live, &outbound);
    uint64_t *heads = calloc(n->roster->nmembers + 1, sizeof *heads);
    if (!heads) return;
    Ekonet__BeaconBody b = EKONET__BEACON_BODY__INIT;
    b.member_heads = heads;
    beacon_set_heads(&b, n->roster, n->ours);
    b.network = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)n->cfg->network};
    b.node = (ProtobufCBinaryData){KEY_SIZE, n->key.pub};
    b.time_ms = now > n->beacon_last_ms ? now : n->beacon_last_ms + 1;
    b.interval_s = n->cfg->beacon_interval;
    b.agent = "ekonetd/" EKONET_VERSION;
    b.started_ms = n->started_ms;
    b.sessions = live;
    b.entries = entries;
    b.outbox = cc.own_held;
    b.relay = cc.held;
    uint8_t *raw = NULL;
    size_t len = 0;
    if (beacon_seal(&n->key, &b, &raw, &len) == 0 &&
        beacon_keep(n->store, n->key.pub, b.time_ms, now, raw, len) >= 0) {
        n->beacon_last_ms = b.time_ms;
        remember(n, n->key.pub, b.time_ms, now, b.interval_s);
        if (pass_on(n, NULL, n->key.pub, b.time_ms, now, raw, len) == 0)
            fresh_of(n, n->key.pub)->kept = 1; /* stored above: not again at the flush */
    }
    free(raw);
    free(heads);
}

void beacon_tick(struct node *n)
{
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    if (!me || me->status != MEMBER_ADMITTED) return;
    uint64_t now = node_now_ms();
    /* Passed on every BEACON_FLUSH_MS, or a quarter period for the short periods of tests. */
    uint64_t every = (uint64_t)n->cfg->beacon_interval * 250;
    if (every > BEACON_FLUSH_MS) every = BEACON_FLUSH_MS;
    if (now >= n->beacon_next_ms) { /* this node's own goes out at once, with what waits */
        n->beacon_next_ms = now + (uint64_t)n->cfg->beacon_interval * 1000;
        send_own(n, now);
        n->beacon_flush_ms = now;
    }
    if (now >= n->beacon_flush_ms) {
        n->beacon_flush_ms = now + every;
        flush_fresh(n);
    }
    for (size_t i = 0; i < n->nbeacons; i++) {
        struct beacon_seen *b = &n->beacons[i];
        int r = beacon_reachable(n, b, now);
        if (!node_admits(n, b->key)) continue; /* revoked: kept to show, not watched */
        if (r == b->reachable) continue;
        b->reachable = r;
        const char *name = node_member_name(n, b->key);
        char id[13];
        watch_event(n, r ? "reachable" : "unreachable", b->key, NULL, 0, NULL, "%s %s",
                    name ? name : hex_encode(id, b->key, 6),
                    r ? "is reachable" : "is unreachable: no beacon within two of its periods");
    }
}

/* ---- receiving ---------------------------------------------------------------------------- */

void beacon_receive(struct node *n, struct session *s, const Ekonet__Beacons *m)
{
    if (!n->roster || m->n_beacons > BEACONS_PER_MESSAGE) {
        n->beacon_stats.refused++;
        s->refused++;
        return;
    }
    uint64_t now = node_now_ms();
    for (size_t i = 0; i < m->n_beacons; i++) {
        Ekonet__BeaconBody *b = NULL;
        const ProtobufCBinaryData *raw = &m->beacons[i];
        uint8_t node[KEY_SIZE];
        uint64_t time_ms;
        if (beacon_peek(raw->data, raw->len, node, &time_ms) == 0) {
            const struct beacon_seen *seen = find(n, node);
            if (seen && time_ms <= seen->time_ms) { /* a copy: nothing to check or keep */
                n->beacon_stats.ignored++;
                fresh_holder(n, node, time_ms, s);
                continue;
            }
        }
        int st = beacon_open(raw->data, raw->len, n->cfg->network, now, &b);
        const struct member *who = st == ENV_OK ? roster_member(n->roster, b->node.data) : NULL;
        if (st == ENV_OK && (!who || who->status != MEMBER_ADMITTED)) st = ENV_NOT_MEMBER;
        if (st != ENV_OK) {
            n->beacon_stats.refused++;
            s->refused++;
        } else {
            struct beacon_seen *seen = find(n, b->node.data);
            if (memcmp(b->node.data, n->key.pub, KEY_SIZE) == 0 ||
                (seen &&
                 (b->time_ms <= seen->time_ms || now - seen->received_ms < BEACON_MIN_GAP_MS))) {
                n->beacon_stats.ignored++;
            } else if (pass_on(n, s, b->node.data, b->time_ms, now, raw->data, raw->len) == 0) {
                n->beacon_stats.received++;
                remember(n, b->node.data, b->time_ms, now, b->interval_s);
            }
        }
        if (b) ekonet__beacon_body__free_unpacked(b, NULL);
    }
}

void beacon_roster_changed(struct node *n)
{
    if (!n->roster) return;
    uint64_t soon = n->beacon_last_ms + BEACON_FLUSH_MS;
    if (soon < n->beacon_next_ms) n->beacon_next_ms = soon;
    /* A revoked member's latest beacon stays (`ekonet network` shows when it was last heard
       from); it is no longer passed on, and no newer one is taken (beacon_receive). */
    beacon_store_fresh(n);
    size_t kept = 0;
    for (size_t i = 0; i < n->nfresh; i++) {
        if (node_admits(n, n->fresh[i].member))
            n->fresh[kept++] = n->fresh[i];
        else
            free(n->fresh[i].raw);
    }
    n->nfresh = kept;
}
