/*
 * sync: the peer protocol; see sync.h for the flow. Bounds that keep memory flat whatever the
 * backlog: a Want asks for at most WANT_LIMIT entries, its answer is read from the store and
 * sent in batches of at most BATCH_ENTRIES entries or BATCH_BYTES; a session has at most
 * WANT_WINDOW wants in flight and each feed is wanted from one session at a time, so at most
 * WANT_WINDOW * WANT_LIMIT entries per session are on their way.
 */
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "ekonet/checker.h"
#include "ekonet/feed.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/redact.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "ekonet/version.h"
#include "node.h"
#include "own.h"
#include "session.h"
#include "sync.h"
#include "watch.h"

/* Heads per Frontier: a network has a few hundred members (Sweden has 290 municipalities and
   21 regions), and only heads of the board and of members are remembered (known_author). */
#define FRONTIER_MAX          4096
#define STUCK_MS              60000 /* a peer that served a refused entry is not asked for that feed */
#define ENTRIES_MAX           (2 * BATCH_ENTRIES)
#define CHECK_INLINE_MAX      4 /* entries checked on the loop's thread rather than the checker's */
#define STORE_GROUP           4 /* verified batches stored in one commit while more are verified */
#define BATCH_BYTES_MAX       (2 * BATCH_BYTES) /* an Entries message of more than one entry */
#define SERVE_PAGES           4                 /* pages served to one session per pass */
#define UNCONFIRMED_DIGEST_MS 1000 /* digests while the own feed's head is not confirmed */
/* Entries of one feed a peer's claimed head counts for in sync_behind, at most: what one
   session fetches in one round of wants. So a claim of 2^64 - 1 cannot make the figure absurd,
   and with a roster of 10000 members and 8192 sessions the sum stays far from overflowing. */
#define BEHIND_FEED_MAX ((uint64_t)WANT_WINDOW * WANT_LIMIT)

static void load_head(void *ctx, const uint8_t author[KEY_SIZE], const struct feed_head *h)
{
    struct node *n = ctx;
    if (h->seq) frontier_set_id(n->ours, author, h->seq, h->id);
    if (h->fork_seq) frontier_set(n->forked, author, h->fork_seq);
}

int sync_start(struct node *n)
{
    if (!(n->ours = frontier_new_ids()) || !(n->forked = frontier_new()) ||
        !(n->grown = frontier_new()) || !(n->early = frontier_new()))
        return -1;
    return store_feeds(n->store, load_head, n);
}

/* The first 12 hex digits of a key, as logs show peers. */
static const char *short_id(char buf[13], const uint8_t *key)
{
    hex_encode(buf, key, 6);
    return buf;
}

/* ---- sending ------------------------------------------------------------------------------ */

static void send_hello(struct node *n, struct session *s)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello h = EKONET__HELLO__INIT;
    h.version = EKONET_PROTOCOL_VERSION;
    h.network = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)n->cfg->network};
    h.agent = "ekonetd/" EKONET_VERSION;
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &h;
    session_send(n, s, &m);
}

/* Sends heads (keys[i], seqs[i]) as one Frontier, or as Have messages of at most HAVE_MAX,
   each with its entry's id when this node holds that entry as the feed's head. */
static void send_heads(struct node *n, struct session *s, int have, uint8_t (*keys)[KEY_SIZE],
                       const uint64_t *seqs, size_t count)
{
    Ekonet__FeedHead *heads = calloc(count + 1, sizeof *heads);
    Ekonet__FeedHead **ptrs = calloc(count + 1, sizeof *ptrs);
    if (!heads || !ptrs) goto done;
    for (size_t i = 0; i < count; i++) {
        ekonet__feed_head__init(&heads[i]);
        heads[i].author = (ProtobufCBinaryData){KEY_SIZE, keys[i]};
        heads[i].seq = seqs[i];
        const uint8_t *id = frontier_id(n->ours, keys[i]);
        if (id && frontier_get(n->ours, keys[i]) == seqs[i]) {
            heads[i].has_id = 1;
            heads[i].id = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)id};
        }
        ptrs[i] = &heads[i];
    }
    size_t i = 0;
    do { /* a Frontier may be empty */
        size_t k = have && count - i > HAVE_MAX ? HAVE_MAX : count - i;
        Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
        Ekonet__Frontier f = EKONET__FRONTIER__INIT;
        Ekonet__Have h = EKONET__HAVE__INIT;
        if (have) {
            h.n_heads = k;
            h.heads = ptrs + i;
            m.body_case = EKONET__PEER_MESSAGE__BODY_HAVE;
            m.have = &h;
            n->stats.haves_sent++;
        } else {
            f.n_heads = k;
            f.heads = ptrs;
            m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
            m.frontier = &f;
        }
        session_send(n, s, &m);
        i += k;
    } while (i < count);
done:
    free(heads);
    free(ptrs);
}

/* Copies a frontier's heads into new arrays; their count, or -1 when out of memory. */
static long heads_of(const struct frontier *f, uint8_t (**keys)[KEY_SIZE], uint64_t **seqs)
{
    size_t count = frontier_count(f), i = 0, pos = 0;
    *keys = calloc(count + 1, KEY_SIZE);
    *seqs = calloc(count + 1, sizeof **seqs);
    if (!*keys || !*seqs) return -1;
    while (i < count && frontier_next(f, &pos, (*keys)[i], &(*seqs)[i])) i++;
    return (long)i;
}

static void send_frontier(struct node *n, struct session *s)
{
    uint8_t(*keys)[KEY_SIZE];
    uint64_t *seqs;
    long count = heads_of(n->ours, &keys, &seqs);
    if (count >= 0) send_heads(n, s, 0, keys, seqs, (size_t)count);
    free(keys);
    free(seqs);
}

/* Live sessions new entries are pushed over. */
static unsigned eager_sessions(const struct node *n)
{
    unsigned k = 0;
    for (const struct session *s = n->sessions; s; s = s->next)
        k += s->state == SESSION_LIVE && !s->lazy;
    return k;
}

/* Asks the peer to push new entries to this node (eager), or only to announce them (lazy). */
static void send_push_mode(struct node *n, struct session *s, int eager)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__PushMode pm = EKONET__PUSH_MODE__INIT;
    pm.eager = eager;
    m.body_case = EKONET__PEER_MESSAGE__BODY_PUSH_MODE;
    m.push_mode = &pm;
    s->lazy = !eager;
    if (eager)
        n->stats.grafted++;
    else
        n->stats.pruned++;
    session_send(n, s, &m);
}

/*
 * Lazy push: each live lazy session is told the new heads of the feeds grown since the last
 * round that it may lack, as far as this node knows its frontier. Due every ANNOUNCE_MS (a
 * quarter of the digest interval when that is shorter).
 */
static void announce_heads(struct node *n)
{
    if (frontier_count(n->grown) == 0) return;
    uint8_t(*keys)[KEY_SIZE], (*pick)[KEY_SIZE] = NULL;
    uint64_t *seqs, *picked = NULL;
    long count = heads_of(n->grown, &keys, &seqs);
    if (count >= 0 && (pick = calloc((size_t)count + 1, KEY_SIZE)) &&
        (picked = calloc((size_t)count + 1, sizeof *picked))) {
        for (struct session *s = n->sessions; s; s = s->next) {
            if (s->state != SESSION_LIVE || !s->lazy || !s->have_frontier) continue;
            size_t k = 0;
            for (long i = 0; i < count; i++) {
                if (frontier_get(s->theirs, keys[i]) >= seqs[i]) continue;
                memcpy(pick[k], keys[i], KEY_SIZE);
                picked[k++] = seqs[i];
            }
            if (k) send_heads(n, s, 1, pick, picked, k);
        }
    }
    frontier_clear(n->grown);
    free(keys);
    free(seqs);
    free(pick);
    free(picked);
}

static void send_digest(struct node *n, struct session *s)
{
    uint8_t d[FRONTIER_DIGEST];
    frontier_digest(n->ours, d);
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Digest dg = EKONET__DIGEST__INIT;
    dg.digest = (ProtobufCBinaryData){FRONTIER_DIGEST, d};
    dg.feeds = frontier_count(n->ours);
    m.body_case = EKONET__PEER_MESSAGE__BODY_DIGEST;
    m.digest = &dg;
    session_send(n, s, &m);
    s->last_digest_ms = node_now_ms();
}

/* Sends encoded entries as Entries messages of at most BATCH_ENTRIES / BATCH_BYTES each. */
static void send_entries(struct node *n, struct session *s, const uint8_t *author, uint64_t from,
                         ProtobufCBinaryData *v, size_t count, int done)
{
    size_t i = 0;
    do {
        size_t k = 0, bytes = 0;
        while (i + k < count && k < BATCH_ENTRIES &&
               (k == 0 || bytes + v[i + k].len <= BATCH_BYTES))
            bytes += v[i + k++].len;
        Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
        Ekonet__Entries e = EKONET__ENTRIES__INIT;
        if (author) {
            e.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
            e.has_author = e.has_from = 1;
            e.from = from + i;
        }
        e.n_entries = k;
        e.entries = v + i;
        if (done && i + k == count) e.has_done = e.done = 1;
        m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
        m.entries = &e;
        session_send(n, s, &m);
        s->entries_out += k;
        i += k;
    } while (i < count);
}

/* ---- wants --------------------------------------------------------------------------------- */

/* The session fetching author's feed, if any (one at a time), and the last seq asked of it. */
static const struct session *fetching(const struct node *n, const uint8_t author[KEY_SIZE],
                                      uint64_t *until)
{
    const struct session *found = NULL;
    *until = 0;
    for (const struct session *s = n->sessions; s; s = s->next) {
        for (int i = 0; i < s->nwants; i++) {
            if (s->wants[i].probe || memcmp(s->wants[i].author, author, KEY_SIZE) != 0) continue;
            found = s;
            if (s->wants[i].until > *until) *until = s->wants[i].until;
        }
    }
    return found;
}

/* Whether entries of author from seq on could be accepted here at all. */
static int acceptable(const struct node *n, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    uint64_t fork = frontier_get(n->forked, author);
    if (fork && seq >= fork) return 0;
    if (!n->roster) return 0; /* a node outside a network replicates nothing */
    if (memcmp(author, n->roster->network, ID_SIZE) == 0) return 1;
    return roster_may_author(n->roster, author, seq) == ENTRY_OK;
}

/*
 * Asks s for the next range of author's feed, if it holds more than this node has or has
 * asked for. Several ranges of one feed may be in flight to the same session (its answers
 * come in order); never to two sessions at once. Returns 1 if a want was sent.
 */
static int try_want(struct node *n, struct session *s, const uint8_t author[KEY_SIZE])
{
    uint64_t until, theirs = frontier_get(s->theirs, author), ours = frontier_get(n->ours, author);
    if (theirs <= ours) return 0; /* the common case, decided before looking at every session */
    const struct session *f = fetching(n, author, &until);
    if (f && f != s) return 0;
    uint64_t from = f && until > ours ? until + 1 : ours + 1;
    if (theirs < from || frontier_get(s->stuck, author) > node_now_ms() ||
        !acceptable(n, author, from))
        return 0;
    uint64_t limit = theirs - from + 1 < WANT_LIMIT ? theirs - from + 1 : WANT_LIMIT;
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Want w = EKONET__WANT__INIT;
    w.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    w.from = from;
    w.limit = (uint32_t)limit;
    m.body_case = EKONET__PEER_MESSAGE__BODY_WANT;
    m.want = &w;
    if (session_send(n, s, &m) < 0) return 0;
    struct want *nw = &s->wants[s->nwants++];
    memset(nw, 0, sizeof *nw);
    memcpy(nw->author, author, KEY_SIZE);
    nw->next = from;
    nw->until = from + limit - 1;
    nw->progress_ms = node_now_ms();
    return 1;
}

/*
 * The peer's entry of author at seq has another id than this node's: two entries at one seq, a
 * fork whichever branch is longer (docs/PROTOCOL.md 7.6). Asks the peer for its entry there;
 * the answer is refused as ENTRY_FORK, and the proof spreads (fork_in_batch). At most one
 * probe per feed per session, within the session's window of wants.
 */
static void probe(struct node *n, struct session *s, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    if (seq == 0 || s->nwants >= WANT_WINDOW || frontier_get(n->forked, author)) return;
    for (int i = 0; i < s->nwants; i++)
        if (s->wants[i].probe && memcmp(s->wants[i].author, author, KEY_SIZE) == 0) return;
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Want w = EKONET__WANT__INIT;
    w.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    w.from = seq;
    w.limit = 1;
    m.body_case = EKONET__PEER_MESSAGE__BODY_WANT;
    m.want = &w;
    if (session_send(n, s, &m) < 0) return;
    struct want *nw = &s->wants[s->nwants++];
    memcpy(nw->author, author, KEY_SIZE);
    nw->next = nw->until = seq;
    nw->progress_ms = node_now_ms();
    nw->probe = 1;
    n->stats.probes++;
    char a[13], p[13];
    elog(ELOG_INFO, "fork probe", "author=%s seq=%llu peer=%s", short_id(a, author),
         (unsigned long long)seq, short_id(p, s->key));
}

/* Fills the session's window with wants: the board feed first, then any feed it is ahead on. */
static void schedule_wants(struct node *n, struct session *s)
{
    if (s->state != SESSION_LIVE) return;
    while (n->roster && s->nwants < WANT_WINDOW && try_want(n, s, n->roster->network)) {
    }
    size_t pos = 0;
    uint8_t author[KEY_SIZE];
    uint64_t seq;
    while (s->nwants < WANT_WINDOW && frontier_next(s->theirs, &pos, author, &seq))
        while (s->nwants < WANT_WINDOW && try_want(n, s, author)) {
        }
}

static void drop_want(struct session *s, int i)
{
    s->wants[i] = s->wants[--s->nwants];
}

static void schedule_all(struct node *n)
{
    for (struct session *s = n->sessions; s; s = s->next) schedule_wants(n, s);
}

/* ---- receiving ----------------------------------------------------------------------------- */

static int valid_key(const ProtobufCBinaryData *b)
{
    return b->len == KEY_SIZE;
}

/* Checks a Hello; NULL if the session may go on, else the reason to end it. */
static const char *hello_problem(const struct node *n, const Ekonet__Hello *h)
{
    if (h->version != EKONET_PROTOCOL_VERSION) return "unsupported protocol version";
    if (h->network.len != ID_SIZE || memcmp(h->network.data, n->cfg->network, ID_SIZE) != 0)
        return "wrong network";
    return NULL;
}

struct proofs {
    struct node *n;
    struct session *s;
    struct frontier *sent; /* author -> seq of the proof sent */
};

static void send_proof(void *ctx, const uint8_t author[KEY_SIZE], uint64_t seq, const uint8_t *a,
                       size_t alen, const uint8_t *b, size_t blen, uint64_t detected_ms)
{
    struct proofs *p = ctx;
    (void)detected_ms;
    if (frontier_get(p->n->forked, author) != seq || frontier_get(p->sent, author) == seq) return;
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__ForkProof fp = EKONET__FORK_PROOF__INIT;
    fp.a = (ProtobufCBinaryData){alen, (uint8_t *)a};
    fp.b = (ProtobufCBinaryData){blen, (uint8_t *)b};
    m.body_case = EKONET__PEER_MESSAGE__BODY_FORK_PROOF;
    m.fork_proof = &fp;
    session_send(p->n, p->s, &m);
    frontier_set(p->sent, author, seq);
}

/* A new session is given the proof of each fork this node knows (one per feed, the one its
   quarantine starts at): a node that was away when a fork was found learns of it from the
   first member it meets (docs/PROTOCOL.md 7.6), whether or not it could find it itself. */
static void send_fork_proofs(struct node *n, struct session *s)
{
    if (frontier_count(n->forked) == 0) return;
    struct proofs p = {n, s, frontier_new()};
    if (p.sent && store_forks(n->store, send_proof, &p) < 0)
        node_error(n, "cannot read fork proofs: %s", store_errmsg(n->store));
    frontier_destroy(&p.sent);
}

static void went_live(struct node *n, struct session *s, const Ekonet__Hello *h)
{
    char id[ID_HEX], q[96];
    s->state = SESSION_LIVE;
    s->state_ms = node_now_ms();
    n->stats.sessions_opened++;
    elog(ELOG_INFO, "peer up", "node=%s direction=%s endpoint=%s agent=%s",
         hex_encode(id, s->key, KEY_SIZE), s->outbound ? "out" : "in",
         elog_quote(q, sizeof q, s->endpoint), h->agent ? h->agent : "?");
    watch_event(n, "peer_up", s->key, NULL, 0, NULL, "session with %s up (%s, %s)",
                node_member_name(n, s->key) ? node_member_name(n, s->key) : id,
                s->outbound ? "dialled" : "accepted", s->endpoint);
    send_fork_proofs(n, s);
    courier_session_live(n, s);
    beacon_session_live(n, s);
}

/* Whether author's feed is one this node may hold: the board's or a member's (revoked ones
   too: their feeds up to the revocation). */
static int known_author(const struct node *n, const uint8_t author[KEY_SIZE])
{
    return n->roster && (memcmp(author, n->roster->network, ID_SIZE) == 0 ||
                         roster_member(n->roster, author) != NULL);
}

/*
 * The peer holds author's feed up to seq (a Frontier, a Have or an entry it sent says so).
 * Only feeds this node may hold are remembered, so what a session knows of its peer stays
 * within the roster, 48 bytes a feed, whatever the peer sends; a head of a member admitted
 * later is learnt from the Frontier that sync_roster_changed asks for. 1 if remembered.
 */
static int peer_holds(struct node *n, struct session *s, const uint8_t author[KEY_SIZE],
                      uint64_t seq)
{
    if (!known_author(n, author)) return 0;
    frontier_raise(s->theirs, author, seq);
    return 1;
}

/*
 * Whether the peer's entry at h's seq is the one this node holds there (when the peer gave
 * its id and this node holds that seq): if not, the feed has forked and the peer is asked
 * for its entry (probe). A head beyond this node's is checked by its chain when it arrives.
 */
static void check_head(struct node *n, struct session *s, const Ekonet__FeedHead *h)
{
    const uint8_t *author = h->author.data;
    uint64_t ours = frontier_get(n->ours, author);
    uint8_t id[ID_SIZE];
    if (h->id.len != ID_SIZE || h->seq == 0 || h->seq > ours) return;
    if (h->seq == ours)
        memcpy(id, frontier_id(n->ours, author), ID_SIZE);
    else if (store_id_at(n->store, author, h->seq, id) != 1)
        return;
    if (memcmp(id, h->id.data, ID_SIZE) != 0) probe(n, s, author, h->seq);
}

/* One head of a Frontier or a Have: remembered, checked, and, for this node's own feed, a
   claim (own.h). 1 if it is of a feed this node may hold. */
static int head_heard(struct node *n, struct session *s, const Ekonet__FeedHead *h)
{
    if (!valid_key(&h->author) || !peer_holds(n, s, h->author.data, h->seq)) return 0;
    check_head(n, s, h);
    if (memcmp(h->author.data, n->key.pub, KEY_SIZE) == 0)
        own_claim(n, s, h->seq, h->id.len == ID_SIZE ? h->id.data : NULL);
    return 1;
}

static void on_frontier(struct node *n, struct session *s, const Ekonet__Frontier *f)
{
    if (f->n_heads > FRONTIER_MAX) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_FRONTIER);
        return;
    }
    int own = 0;
    for (size_t i = 0; i < f->n_heads; i++) {
        head_heard(n, s, f->heads[i]);
        own |= valid_key(&f->heads[i]->author) &&
               memcmp(f->heads[i]->author.data, n->key.pub, KEY_SIZE) == 0;
    }
    if (!own) own_claim(n, s, 0, NULL); /* a Frontier names every feed the peer holds */
    s->have_frontier = 1;
    schedule_wants(n, s);
}

struct serve {
    ProtobufCBinaryData *v;
    size_t n;
    uint64_t stop; /* serve seqs below this (a fork) */
};

static int serve_one(void *ctx, const struct entry *e)
{
    struct serve *sv = ctx;
    if (sv->stop && e->seq >= sv->stop) return 1;
    uint8_t *buf;
    size_t len;
    if (entry_encode(e, 1, &buf, &len) < 0) return 1;
    sv->v[sv->n++] = (ProtobufCBinaryData){len, buf};
    return 0;
}

/* A Want waits in the session's queue; sync_serve answers it a page at a time, as fast as the
   peer reads. */
static void on_want(struct node *n, struct session *s, const Ekonet__Want *w)
{
    if (!valid_key(&w->author) || w->from == 0) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_MALFORMED);
        return;
    }
    if (s->nserving == SERVE_QUEUE) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_WANTS);
        return;
    }
    /* limit 0 asks for nothing (until = from - 1: answered empty, done); the range stops at
       the last seq there is, so a from near 2^64 is served like any other. */
    uint64_t span = w->limit > WANT_LIMIT ? WANT_LIMIT : w->limit;
    struct want *q = &s->serving[s->nserving++];
    memcpy(q->author, w->author.data, KEY_SIZE);
    q->next = w->from;
    uint64_t after = UINT64_MAX - w->from; /* seqs there are after from */
    q->until = span == 0 ? w->from - 1 : w->from + (span - 1 < after ? span - 1 : after);
    q->progress_ms = node_now_ms();
}

/*
 * Sends the next page of the session's first queued Want: one Entries message of at most
 * BATCH_ENTRIES entries and BATCH_BYTES (at least one entry), done on the last. Returns 1 if it
 * was sent; 0 if the peer's queue is full (the session is paused, the page sent again later).
 */
static int serve_page(struct node *n, struct session *s)
{
    struct want *w = &s->serving[0];
    /* until < next: a Want of limit 0, answered with an empty page */
    uint64_t left = w->until < w->next ? 0 : w->until - w->next + 1;
    uint32_t slice = left < BATCH_ENTRIES ? (uint32_t)left : BATCH_ENTRIES;
    struct serve sv = {calloc(slice + 1, sizeof *sv.v), 0, frontier_get(n->forked, w->author)};
    if (!sv.v) return 0;
    if (slice && store_range(n->store, w->author, w->next, slice, serve_one, &sv) < 0)
        node_error(n, "cannot read entries: %s", store_errmsg(n->store));
    size_t k = 0, bytes = 0;
    while (k < sv.n && (k == 0 || bytes + sv.v[k].len <= BATCH_BYTES)) bytes += sv.v[k++].len;
    int done = k == sv.n && (sv.n < slice || k == left); /* k == left: the range is served */
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries e = EKONET__ENTRIES__INIT;
    e.author = (ProtobufCBinaryData){KEY_SIZE, w->author};
    e.has_author = e.has_from = 1;
    e.from = w->next;
    e.n_entries = k;
    e.entries = sv.v;
    e.has_done = e.done = done;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &e;
    int sent = session_send(n, s, &m) == 0;
    for (size_t i = 0; i < sv.n; i++) free(sv.v[i].data);
    free(sv.v);
    if (!sent) {
        if (s->paused_until_ms <= node_now_ms())
            s->paused_until_ms = node_now_ms() + SERVE_PAUSE_MS;
        return 0;
    }
    s->entries_out += k;
    w->next += k;
    if (done) memmove(&s->serving[0], &s->serving[1], --s->nserving * sizeof s->serving[0]);
    return 1;
}

int sync_serve(struct node *n)
{
    uint64_t now = node_now_ms();
    int wait = -1;
    for (struct session *s = n->sessions; s; s = s->next) {
        if (s->state != SESSION_LIVE || !s->nserving) continue;
        for (int p = 0; p < SERVE_PAGES && s->nserving && now >= s->paused_until_ms; p++) {
            if (!session_room(n, s)) /* decided before a page is read from the store */
                s->paused_until_ms = now + SEND_RETRY_MS;
            else if (!serve_page(n, s))
                break;
        }
        if (!s->nserving) continue;
        uint64_t due = s->paused_until_ms > now ? s->paused_until_ms - now : 0;
        if (wait < 0 || due < (uint64_t)wait)
            wait = (int)(due < SERVE_PAUSE_MS ? due : SERVE_PAUSE_MS);
    }
    return wait;
}

/* Passes a fork proof to every live session but the one it came from. */
static void pass_fork_proof(struct node *n, const Ekonet__ForkProof *p, struct session *from)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    m.body_case = EKONET__PEER_MESSAGE__BODY_FORK_PROOF;
    m.fork_proof = (Ekonet__ForkProof *)p;
    for (struct session *s = n->sessions; s; s = s->next)
        if (s != from && s->state == SESSION_LIVE) session_send(n, s, &m);
}

static void fork_found(struct node *n, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    char id[ID_HEX];
    frontier_set(n->forked, author, seq);
    n->stats.forks++;
    if (memcmp(author, n->key.pub, KEY_SIZE) == 0) own_forked(n, seq);
    node_error(n, "fork in the feed of %s at seq %llu: feed quarantined",
               hex_encode(id, author, KEY_SIZE), (unsigned long long)seq);
    watch_event(
        n, "fork", author, NULL, seq, NULL, "fork in the feed of %s at seq %llu: quarantined",
        node_member_name(n, author) ? node_member_name(n, author) : id, (unsigned long long)seq);
}

/* The store saw a fork while accepting e: proof = the entry it holds and e; pass it on. */
static void fork_in_batch(struct node *n, const struct entry *e)
{
    struct entry *have = NULL;
    uint8_t *a = NULL, *b = NULL;
    size_t alen, blen;
    if (store_get_seq(n->store, e->author, e->seq, &have) == 1 &&
        entry_encode(have, 0, &a, &alen) == 0 && entry_encode(e, 0, &b, &blen) == 0) {
        Ekonet__ForkProof p = EKONET__FORK_PROOF__INIT;
        p.a = (ProtobufCBinaryData){alen, a};
        p.b = (ProtobufCBinaryData){blen, b};
        fork_found(n, e->author, e->seq);
        pass_fork_proof(n, &p, NULL);
    }
    free(a);
    free(b);
    entry_destroy(&have);
}

static void on_fork_proof(struct node *n, struct session *s, const Ekonet__ForkProof *p)
{
    struct errbuf err = {""};
    int rc = feed_fork_proof(&n->feeds, p->a.data, p->a.len, p->b.data, p->b.len, &err);
    if (rc == FEED_FORK_NEW) {
        struct entry *e = NULL;
        if (entry_decode(p->a.data, p->a.len, entry_max_encoded(n->cfg->max_content), &e) ==
            ENTRY_OK)
            fork_found(n, e->author, e->seq);
        entry_destroy(&e);
        pass_fork_proof(n, p, s);
    } else if (rc == -1) {
        node_error(n, "%s", err.msg);
    } else if (rc == ENTRY_NOT_MEMBER) {
        s->refused++; /* maybe a member this node does not know of yet */
        elog(ELOG_DEBUG, "fork proof refused", "reason=%s", entry_status_label(rc));
    } else if (rc != FEED_FORK_KNOWN) {
        s->refused++; /* what no honest node would pass on */
        elog(ELOG_WARN, "fork proof refused", "reason=%s", entry_status_label(rc));
        peer_violation(n, s->key, rc == ENTRY_MALFORMED ? LIMIT_MALFORMED : LIMIT_REFUSED);
    }
}

#define EARLY_LOG_MS 3600000 /* entries of one author dated ahead: logged once an hour */

/*
 * An entry dated too far ahead (docs/PROTOCOL.md section 2.3) is its author's doing, not the
 * peer's, which may be an honest relay: the peer is not counted, only not asked for that feed
 * again until the entry is due (a new session asks once more). Logged once an hour per author.
 */
static void held_early(struct node *n, struct session *s, const struct entry *e)
{
    char author[13], peer[13], lead[32], q[160], ql[48];
    uint64_t now = node_now_ms(), due = entry_due_ms(e);
    frontier_set(s->stuck, e->author, due > now + STUCK_MS ? due : now + STUCK_MS);
    if (frontier_get(n->early, e->author) > now) return;
    frontier_set(n->early, e->author, now + EARLY_LOG_MS);
    const char *name = node_member_name(n, e->author);
    entry_lead_str(e, now, lead, sizeof lead);
    elog(ELOG_WARN, "entry held: dated ahead", "author=%s member=%s seq=%llu ahead=%s peer=%s",
         short_id(author, e->author), elog_quote(q, sizeof q, name ? name : ""),
         (unsigned long long)e->seq, elog_quote(ql, sizeof ql, lead), short_id(peer, s->key));
    watch_event(n, "refused", e->author, e->id, e->seq, entry_status_label(ENTRY_FUTURE),
                "entry %llu of %s held: dated %s ahead of this node's clock (is its clock fast?)",
                (unsigned long long)e->seq, name ? name : author, lead);
}

/* Logs and counts what a peer sent that was refused (duplicates and gaps are normal). */
static void note_refusals(struct node *n, struct session *s, struct entry *const *v,
                          const int *status, size_t count, const struct errbuf *why)
{
    char peer[13], author[13], q[256];
    int hostile = 0;
    size_t refused = 0, first = 0;
    for (size_t i = 0; i < count; i++) {
        int rc = status[i];
        if (rc == ENTRY_OK || rc == ENTRY_DUPLICATE || rc == ENTRY_GAP) continue;
        if (rc == ENTRY_FUTURE) {
            held_early(n, s, v[i]);
            continue;
        }
        /* what no honest node stores, so would never pass on */
        hostile |= rc == ENTRY_BAD_SIGNATURE || rc == ENTRY_WRONG_NETWORK ||
                   rc == ENTRY_WRONG_KEY || rc == ENTRY_FEW_SIGNATURES ||
                   rc == ENTRY_CONTENT_HASH || rc == ENTRY_CONTENT_SIZE;
        if (rc == ENTRY_FORK) fork_in_batch(n, v[i]);
        /* Its prev is not this node's entry before it: the peer holds another one there. */
        if (rc == ENTRY_BAD_PREV && known_author(n, v[i]->author))
            probe(n, s, v[i]->author, v[i]->seq - 1);
        if (rc == ENTRY_NOT_MEMBER || rc == ENTRY_QUARANTINED)
            continue; /* may come later / known */
        s->refused++;
        /* Do not ask this peer for that feed again for a while: it would serve the same. Only
           feeds this node may hold are remembered (a batch may name a thousand made-up ones). */
        if (known_author(n, v[i]->author))
            frontier_set(s->stuck, v[i]->author, node_now_ms() + STUCK_MS);
        if (refused++ == 0) first = i;
        watch_event(n, "refused", v[i]->author, v[i]->id, v[i]->seq, entry_status_label(rc),
                    "entry %llu of %s from %s refused: %s", (unsigned long long)v[i]->seq,
                    node_member_name(n, v[i]->author) ? node_member_name(n, v[i]->author)
                                                      : short_id(author, v[i]->author),
                    node_member_name(n, s->key) ? node_member_name(n, s->key)
                                                : short_id(peer, s->key),
                    entry_status_str(rc));
    }
    /* One line a batch, naming the first refused: a batch may hold a thousand. */
    if (refused)
        elog(ELOG_WARN, "entry refused",
             "peer=%s author=%s seq=%llu reason=%s refused=%zu detail=%s", short_id(peer, s->key),
             short_id(author, v[first]->author), (unsigned long long)v[first]->seq,
             entry_status_label(status[first]), refused, elog_quote(q, sizeof q, why->msg));
    if (hostile) peer_violation(n, s->key, LIMIT_REFUSED); /* one per batch */
}

/*
 * A batch of entries from a peer on its way into the store: decoded on arrival, verified by the
 * checker's helper thread, stored (finish_batch) in arrival order.
 */
struct batch {
    struct session *s; /* NULL once the session is gone */
    struct entry **v;
    size_t count;
    int *status;
    size_t pushed; /* entries pushed (not an answer) */
    int answer;    /* an answer to a want: author, from, n, done below */
    uint8_t author[KEY_SIZE];
    uint64_t from;
    size_t n;
    int done;
};

static void spread(struct node *n, struct entry *const *v, const int *status, size_t count,
                   const struct session *from, int fetched);

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->count; i++) entry_destroy(&b->v[i]);
    free(b->v);
    free(b->status);
    free(b);
}

/* What follows a stored batch: refusals noted, pushes, the want moved on. accepted < 0: the
   store failed (a full disk, say) and nothing of the batch was kept. */
static void batch_stored(struct node *n, struct batch *b, int accepted, const struct errbuf *why)
{
    struct session *s = b->s;
    if (accepted < 0) {
        /* The want is asked again in STORE_RETRY_MS rather than waiting for its timeout. */
        for (int i = 0; s && b->answer && i < s->nwants; i++)
            if (memcmp(s->wants[i].author, b->author, KEY_SIZE) == 0)
                s->wants[i].progress_ms = node_now_ms() - WANT_TIMEOUT_MS + STORE_RETRY_MS;
        batch_free(b);
        return;
    }
    if (b->count) {
        if (s) note_refusals(n, s, b->v, b->status, b->count, why);
        spread(n, b->v, b->status, b->count, s, b->answer);
    }
    /* A push of nothing but entries held already: this node is reached another way, so the
       peer need only announce them from now on (lazy push, docs/PROTOCOL.md 7.5). A few
       sessions stay eager all the same (push_eager): entries then come by the fastest of a few
       ways, not along one path of a tree that is as slow as its slowest node. */
    size_t held = 0;
    while (held < b->count && b->status[held] == ENTRY_DUPLICATE) held++;
    if (s && b->pushed && held == b->count && !s->lazy && !s->kept &&
        eager_sessions(n) > n->cfg->push_eager)
        send_push_mode(n, s, 0);
    /* Entries of the peer's own feed fetched from it: a Have tells it they are held here, so
       that a node that signed entries no other node had learns that its head is confirmed
       (docs/PROTOCOL.md 7.8) without waiting for a digest round. */
    if (s && b->answer && accepted > 0 && memcmp(b->author, s->key, KEY_SIZE) == 0) {
        uint64_t head = frontier_get(n->ours, b->author);
        send_heads(n, s, 1, &b->author, &head, 1);
    }
    /* The answer to one of our wants moves it on, or ends it. */
    for (int i = 0; s && b->answer && i < s->nwants; i++) {
        struct want *w = &s->wants[i];
        if (memcmp(w->author, b->author, KEY_SIZE) != 0 || b->from < w->next || b->from > w->until)
            continue;
        w->progress_ms = node_now_ms();
        w->next = b->from + b->n;
        if (b->done && b->n == 0 && !w->probe && memcmp(b->author, n->key.pub, KEY_SIZE) == 0)
            own_claim_unfounded(n, s);
        if (b->done) drop_want(s, i);
        break;
    }
    batch_free(b);
    if (s) schedule_wants(n, s);
}

/*
 * Stores verified batches, several in one transaction: when the store is what is slow, the
 * checker has several ready, and they share one commit, which writes each changed page and
 * the full-text index once. A store error keeps none of them; their peers are asked again.
 */
static void finish_batches(struct node *n, struct batch **v, size_t k)
{
    uint64_t changes = n->feeds.roster_changes, redactions = n->feeds.redactions;
    struct feed_batch fb[CHECKER_QUEUE];
    struct errbuf err = {""};
    for (size_t j = 0; j < k; j++)
        fb[j] = (struct feed_batch){.v = v[j]->v, .n = v[j]->count, .status = v[j]->status};
    store_set_durable(n->store, 0); /* a peer would send these again */
    int stored = feed_accept_batches(&n->feeds, fb, k, &err);
    store_set_durable(n->store, 1);
    if (stored < 0) node_error(n, "%s", err.msg);
    for (size_t j = 0; j < k; j++) {
        /* the later ones stay listed, so a session closed meanwhile is taken out of them */
        for (size_t i = 0; i < n->nbatches; i++)
            if (n->batches[i] == v[j]) n->batches[i] = n->batches[--n->nbatches];
        batch_stored(n, v[j], stored < 0 ? -1 : fb[j].accepted, &fb[j].why);
    }
    if (n->feeds.redactions != redactions) redact_purge(n->store); /* no copy left in the files */
    /* Board acts in the batches: act on the new roster (it may close sessions). */
    if (n->feeds.roster_changes != changes) {
        node_roster_changed(n);
        sync_roster_changed(n);
    }
}

static void finish_batch(struct node *n, struct batch *b)
{
    finish_batches(n, &b, 1);
}

/* Adds to v[0..k) the batches the checker has done, in order; the new count. */
static size_t checked_batches(struct node *n, struct batch **v, size_t k)
{
    while (k < CHECKER_QUEUE && (v[k] = checker_pop(n->checker))) k++;
    return k;
}

/* Stores the held batches, in order. */
static void store_held(struct node *n)
{
    struct batch *v[CHECKER_QUEUE];
    size_t k = n->nheld;
    memcpy(v, n->held, k * sizeof *v);
    n->nheld = 0;
    if (k) finish_batches(n, v, k);
}

/*
 * A verified batch is held while the checker is at work on others, as in a sync, and stored
 * with them, STORE_GROUP at a time: the full-text index's writes at each commit of 512 entries
 * were a quarter of the work of storing them. When the checker has nothing left, what is held
 * is stored at once. So a batch is held only while pending is not 0, and nothing is ever
 * checked inline (checker_check_now) ahead of a held batch.
 */
void sync_checked(struct node *n)
{
    n->nheld = checked_batches(n, (struct batch **)n->held, n->nheld);
    if (n->nheld >= STORE_GROUP || checker_pending(n->checker) == 0) store_held(n);
}

/*
 * An answer with done that ends before the range this node wanted says the peer holds no more
 * of that feed, or serves no more of it (a fork it knows): whatever head it claimed beyond is
 * forgotten, so that the feed is neither asked of it again at once nor counted behind (PROTOCOL
 * 7.3). Read in the order the peer sent, before later messages that may claim more.
 */
static void answer_ends(struct session *s, const Ekonet__Entries *m)
{
    if (!m->has_author || !valid_key(&m->author) || !m->has_done || !m->done || m->from == 0 ||
        m->n_entries > UINT64_MAX - m->from)
        return;
    uint64_t last = m->from + m->n_entries - 1; /* the last seq it served */
    for (int i = 0; i < s->nwants; i++) {
        const struct want *w = &s->wants[i];
        if (memcmp(w->author, m->author.data, KEY_SIZE) != 0 || m->from < w->next ||
            m->from > w->until)
            continue;
        if (last < w->until && frontier_get(s->theirs, w->author) > last)
            frontier_set(s->theirs, w->author, last);
        return;
    }
}

static void on_entries(struct node *n, struct session *s, const Ekonet__Entries *m)
{
    size_t max = entry_max_encoded(n->cfg->max_content);
    int malformed = 0;
    if (m->n_entries > ENTRIES_MAX) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_BATCH_ENTRIES);
        return;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < m->n_entries; i++) bytes += m->entries[i].len;
    if (m->n_entries > 1 && bytes > BATCH_BYTES_MAX) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_BATCH_BYTES);
        return;
    }
    struct batch *b = calloc(1, sizeof *b);
    if (!b || !(b->v = calloc(m->n_entries + 1, sizeof *b->v)) ||
        !(b->status = calloc(m->n_entries + 1, sizeof *b->status))) {
        if (b) batch_free(b);
        return;
    }
    b->s = s;
    if ((b->answer = m->has_author && valid_key(&m->author))) {
        memcpy(b->author, m->author.data, KEY_SIZE);
        b->from = m->from;
        b->n = m->n_entries;
        b->done = m->has_done && m->done;
    }
    for (size_t i = 0; i < m->n_entries; i++) {
        int rc = entry_decode(m->entries[i].data, m->entries[i].len, max, &b->v[b->count]);
        if (rc != ENTRY_OK) {
            s->refused++;
            n->feeds.refused[rc]++;
            malformed = 1;
            continue;
        }
        peer_holds(n, s, b->v[b->count]->author, b->v[b->count]->seq);
        b->count++;
    }
    s->entries_in += b->count;
    answer_ends(s, m);
    if (!b->answer) b->pushed = b->count;
    if (malformed) peer_violation(n, s->key, LIMIT_MALFORMED); /* one per batch */
    /* Entries this node holds already need no verifying: in a mesh most pushes are such. One
       beyond the feed's stored head is not held, and needs no look-up (each is a read
       transaction of its own, with its locks: most of a first sync's system calls). */
    size_t k = 0;
    for (size_t i = 0; i < b->count; i++)
        if (b->v[i]->seq > frontier_get(n->ours, b->v[i]->author) ||
            store_has_id(n->store, b->v[i]->id) == 0) {
            b->v[k++] = b->v[i];
        } else {
            n->feeds.refused[ENTRY_DUPLICATE]++; /* as feed_accept would count it */
            entry_destroy(&b->v[i]);
        }
    b->count = k;
    /* A small batch with nothing ahead of it is checked here and now: handing it to the checker
       thread and back costs two wake-ups, each a wait for a core on a busy machine, and a new
       entry meets them at every node on its way through the network. */
    if (b->count <= CHECK_INLINE_MAX && checker_check_now(n->checker, b->v, b->count) == 0) {
        finish_batch(n, b);
        return;
    }
    /* Keep the order: when the queue is full, the held and the oldest batches are stored
       first. */
    while (checker_submit(n->checker, b->v, b->count, b) < 0) {
        struct batch *old = checker_wait(n->checker);
        if (!old) { /* out of memory in the checker */
            store_held(n);
            finish_batch(n, b);
            return;
        }
        n->held[n->nheld++] = old;
        n->nheld = checked_batches(n, (struct batch **)n->held, n->nheld);
        store_held(n);
    }
    n->batches[n->nbatches++] = b;
}

/* A lazy peer's new heads: known from now on; what this node lacks of them is asked for at the
   next tick, when the session also turns eager (sync_tick), unless a push brought it first. */
static void on_have(struct node *n, struct session *s, const Ekonet__Have *h)
{
    if (h->n_heads > HAVE_MAX) {
        s->refused++;
        peer_violation(n, s->key, LIMIT_FRONTIER);
        return;
    }
    for (size_t i = 0; i < h->n_heads; i++) {
        const Ekonet__FeedHead *f = h->heads[i];
        if (head_heard(n, s, f)) s->heard |= f->seq > frontier_get(n->ours, f->author.data);
    }
}

/*
 * The peer's push mode. A prune leaves this node fewer ways in than push_eager when the peer
 * had more than enough of its own: this node then asks for the session back, and the peer keeps
 * it eager from then on (kept), until this node prunes it. Without that answer, pruning from
 * both ends left most nodes one or two eager sessions, and a report as slow as the slowest node
 * on one path.
 */
static void on_push_mode(struct node *n, struct session *s, const Ekonet__PushMode *pm)
{
    s->lazy = !pm->eager;
    s->kept = pm->eager;
    if (s->lazy && eager_sessions(n) < n->cfg->push_eager) send_push_mode(n, s, 1);
}

static void on_digest(struct node *n, struct session *s, const Ekonet__Digest *d)
{
    uint8_t ours[FRONTIER_DIGEST];
    frontier_digest(n->ours, ours);
    if (d->digest.len != FRONTIER_DIGEST || memcmp(d->digest.data, ours, FRONTIER_DIGEST) != 0)
        send_frontier(n, s);
    else
        own_digest_equal(n, s); /* the same heads, with their ids: this node's own too */
}

/* Handles one decoded message; the session may be closed (freed) when it returns 1. */
static int dispatch(struct node *n, struct session *s, const Ekonet__PeerMessage *m)
{
    if (m->body_case == EKONET__PEER_MESSAGE__BODY_HELLO) {
        const char *problem = hello_problem(n, m->hello);
        if (problem) {
            session_backoff(n, s->key);
            session_close(n, s, problem);
            return 1;
        }
        if (s->outbound && s->state == SESSION_CONNECTING) sync_session_up(n, s);
        if (s->state != SESSION_LIVE) went_live(n, s, m->hello);
        return 0;
    }
    if (m->body_case == EKONET__PEER_MESSAGE__BODY_BYE) {
        char id[13], q[96];
        elog(ELOG_DEBUG, "bye", "node=%s reason=%s", short_id(id, s->key),
             elog_quote(q, sizeof q, m->bye->reason ? m->bye->reason : ""));
        if (s->outbound) session_backoff(n, s->key);
        session_close(n, s, NULL);
        return 1;
    }
    if (s->state != SESSION_LIVE) return 0; /* nothing counts before the Hello */
    switch (m->body_case) {
    case EKONET__PEER_MESSAGE__BODY_FRONTIER:
        on_frontier(n, s, m->frontier);
        break;
    case EKONET__PEER_MESSAGE__BODY_WANT:
        on_want(n, s, m->want);
        break;
    case EKONET__PEER_MESSAGE__BODY_ENTRIES:
        /* Batches stored here may hold a revocation, which closes sessions: maybe this one. */
        on_entries(n, s, m->entries);
        return !node_has_session(n, s);
    case EKONET__PEER_MESSAGE__BODY_DIGEST:
        on_digest(n, s, m->digest);
        break;
    case EKONET__PEER_MESSAGE__BODY_FORK_PROOF:
        on_fork_proof(n, s, m->fork_proof);
        break;
    case EKONET__PEER_MESSAGE__BODY_ENVELOPES:
        courier_envelopes(n, s, m->envelopes);
        break;
    case EKONET__PEER_MESSAGE__BODY_ACKS:
        courier_acks(n, s, m->acks);
        break;
    case EKONET__PEER_MESSAGE__BODY_BEACONS:
        beacon_receive(n, s, m->beacons);
        break;
    case EKONET__PEER_MESSAGE__BODY_HAVE:
        on_have(n, s, m->have);
        break;
    case EKONET__PEER_MESSAGE__BODY_PUSH_MODE:
        on_push_mode(n, s, m->push_mode);
        break;
    default:
        s->refused++; /* a newer peer's message: ignored */
    }
    return 0;
}

/*
 * A Frontier or a Have larger in bytes than FRONTIER_MAX or HAVE_MAX heads can be: refused
 * before it is decoded, so that no peer makes the node allocate for 90,000 made-up heads (the
 * count is checked again after decoding, for an encoding that does not begin with the
 * message's field). protobuf-c writes the one field set first: 0x12 is field 2 (Frontier), 0x5a
 * field 11 (Have), both length-delimited. A FeedHead with its id takes at most 81 bytes.
 */
#define FEED_HEAD_BYTES 96
static int too_many_heads(const uint8_t *data, size_t len)
{
    if (len == 0) return 0;
    if (data[0] == 0x12) return len > (size_t)FRONTIER_MAX * FEED_HEAD_BYTES;
    if (data[0] == 0x5a) return len > (size_t)HAVE_MAX * FEED_HEAD_BYTES;
    return 0;
}

void sync_message(struct node *n, struct session *s, const uint8_t *data, size_t len)
{
    uint64_t changes = n->feeds.roster_changes;
    s->last_recv_ms = node_now_ms();
    s->msgs_in++;
    n->stats.bytes_in += len;
    n->stats.peer_messages++;
    if (peer_cut_off(n, s->key)) {
        n->stats.peer_dropped++;
        n->stats.peer_limits[LIMIT_CUT_OFF]++;
        session_close(n, s, "cut off: repeated violations");
        return;
    }
    if (too_many_heads(data, len)) {
        s->refused++;
        n->stats.peer_dropped++;
        if (peer_violation(n, s->key, LIMIT_FRONTIER))
            session_close(n, s, "cut off: repeated violations");
        return;
    }
    Ekonet__PeerMessage *m =
        len <= n->cfg->max_peer_message ? ekonet__peer_message__unpack(NULL, len, data) : NULL;
    if (!m) {
        s->refused++;
        n->stats.peer_dropped++;
        if (peer_violation(n, s->key, LIMIT_MALFORMED))
            session_close(n, s, "cut off: repeated violations");
        return;
    }
    int closed = dispatch(n, s, m);
    ekonet__peer_message__free_unpacked(m, NULL);
    if (!closed && peer_cut_off(n, s->key)) session_close(n, s, "cut off: repeated violations");
    /* A fork proof may have moved the roster's view; batches act on theirs when stored. */
    if (n->feeds.roster_changes != changes) {
        node_roster_changed(n);
        sync_roster_changed(n);
    }
}

/* A Hello from a member with no session yet: resolve duplicates, then accept. */
static void first_hello(struct node *n, const uint8_t key[KEY_SIZE], const uint8_t *rid,
                        size_t rid_len, const char *address, const Ekonet__Hello *h)
{
    const char *problem = hello_problem(n, h);
    struct session tmp = {.rid_len = rid_len, .state = SESSION_LIVE};
    memcpy(tmp.rid, rid, rid_len < sizeof tmp.rid ? rid_len : sizeof tmp.rid);
    memcpy(tmp.key, key, KEY_SIZE);
    unsigned all, live, outbound;
    session_counts(n, &all, &live, &outbound);
    struct session *other = session_find(n, key);
    /* Both dialled: the session dialled by the lower node id stays. One still connecting
       yields to the one that is here. */
    if (!problem && other && other->outbound && other->state != SESSION_CONNECTING &&
        memcmp(n->key.pub, key, KEY_SIZE) < 0)
        problem = "duplicate session";
    if (!problem && !other && all >= n->cfg->max_sessions) problem = "too many sessions";
    if (!problem && peer_hello(n, key) < 0) problem = "too many reconnects";
    if (problem) {
        Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
        Ekonet__Bye bye = EKONET__BYE__INIT;
        bye.reason = (char *)problem;
        m.body_case = EKONET__PEER_MESSAGE__BODY_BYE;
        m.bye = &bye;
        session_send(n, &tmp, &m);
        return;
    }
    /* Their dial wins, or the member dialled again: the session it replaces is told so (Wants
       sent on it are not answered, PROTOCOL 7.2), then forgotten. */
    if (other) session_close(n, other, other->outbound ? NULL : "replaced by a new session");
    struct session *s = session_accept(n, key, rid, rid_len, address);
    if (!s) return;
    s->state = SESSION_HELLO;
    send_hello(n, s);
    send_frontier(n, s);
    s->last_digest_ms = node_now_ms();
    went_live(n, s, h);
}

void sync_inbound(struct node *n, const uint8_t key[KEY_SIZE], const uint8_t *rid, size_t rid_len,
                  const char *address, const uint8_t *data, size_t len)
{
    if (peer_cut_off(n, key)) { /* its connection stays open; what it says is dropped unread */
        struct session *cut = session_find(n, key);
        if (cut) session_close(n, cut, "cut off: repeated violations");
        n->stats.peer_messages++;
        n->stats.peer_dropped++;
        n->stats.peer_limits[LIMIT_CUT_OFF]++;
        return;
    }
    struct session *s = session_find_rid(n, rid, rid_len);
    if (s && memcmp(s->key, key, KEY_SIZE) != 0) {
        session_close(n, s, NULL); /* a routing id reused by another member */
        s = NULL;
    }
    if (s) {
        sync_message(n, s, data, len);
        return;
    }
    n->stats.peer_messages++;
    if (too_many_heads(data, len)) { /* not a Hello either */
        n->stats.peer_dropped++;
        peer_violation(n, key, LIMIT_FRONTIER);
        return;
    }
    Ekonet__PeerMessage *m =
        len <= n->cfg->max_peer_message ? ekonet__peer_message__unpack(NULL, len, data) : NULL;
    if (m && m->body_case == EKONET__PEER_MESSAGE__BODY_HELLO)
        first_hello(n, key, rid, rid_len, address, m->hello);
    else
        n->stats.peer_dropped++; /* only a Hello opens a session */
    if (!m) peer_violation(n, key, LIMIT_MALFORMED);
    if (m) ekonet__peer_message__free_unpacked(m, NULL);
}

void sync_session_up(struct node *n, struct session *s)
{
    frontier_clear(s->theirs);
    s->have_frontier = 0;
    s->lazy = s->heard = s->kept = 0;
    s->nwants = 0;
    s->own_claimed = 0;
    s->state = SESSION_HELLO;
    s->state_ms = node_now_ms();
    send_hello(n, s);
    send_frontier(n, s);
    s->last_digest_ms = node_now_ms();
}

void sync_session_down(struct node *n, struct session *s)
{
    for (size_t i = 0; i < n->nbatches; i++)
        if (((struct batch *)n->batches[i])->s == s) ((struct batch *)n->batches[i])->s = NULL;
    int had = s->nwants;
    s->nwants = 0;
    s->nserving = 0;
    s->have_frontier = 0;
    frontier_clear(s->theirs);
    if (had)
        for (struct session *o = n->sessions; o; o = o->next)
            if (o != s) schedule_wants(n, o);
}

/* The event stream: one event per feed in the batch, and one per admission or revocation.
   from: the session that brought them, pushed or fetched (the answer to a want); NULL when
   published here. */
static void announce(struct node *n, struct entry *const *v, const int *status, size_t count,
                     const struct session *from, int fetched)
{
    for (size_t i = 0; i < count; i++) {
        if (status[i] != ENTRY_OK) continue;
        const struct entry *e = v[i];
        size_t k = i, same = 0;
        while (k + 1 < count && memcmp(v[k + 1]->author, e->author, KEY_SIZE) == 0) k++;
        for (size_t j = i; j <= k; j++) same += status[j] == ENTRY_OK;
        char id[13], pid[13], via[80] = "";
        const char *who = node_member_name(n, e->author);
        if (from) {
            const char *peer = node_member_name(n, from->key);
            snprintf(via, sizeof via, ", %s %s", fetched ? "fetched from" : "pushed by",
                     peer ? peer : short_id(pid, from->key));
        }
        watch_event_via(n, "entries", e->author, v[k]->id, same, from ? from->key : NULL,
                        !from     ? NULL
                        : fetched ? "fetch"
                                  : "push",
                        "%zu entr%s of %s, up to seq %llu%s", same, same == 1 ? "y" : "ies",
                        who ? who : short_id(id, e->author), (unsigned long long)v[k]->seq, via);
        for (size_t j = i; j <= k; j++) {
            if (status[j] != ENTRY_OK || !v[j]->content) continue;
            watch_report(n, v[j]);
            if (v[j]->kind == EKONET__ENTRY_KIND__KIND_ADMIT) {
                Ekonet__Admit *a = ekonet__admit__unpack(NULL, v[j]->content_len, v[j]->content);
                if (a && a->member.len == KEY_SIZE)
                    watch_event(n, "admitted", a->member.data, v[j]->id, 0, NULL,
                                "%s (%s) admitted: %s", a->name, a->code, a->decision);
                if (a) ekonet__admit__free_unpacked(a, NULL);
            } else if (v[j]->kind == EKONET__ENTRY_KIND__KIND_REVOKE) {
                Ekonet__Revoke *r = ekonet__revoke__unpack(NULL, v[j]->content_len, v[j]->content);
                if (r && r->member.len == KEY_SIZE)
                    watch_event(
                        n, "revoked", r->member.data, v[j]->id, 0, r->reason, "%s revoked: %s",
                        node_member_name(n, r->member.data) ? node_member_name(n, r->member.data)
                                                            : short_id(id, r->member.data),
                        r->reason);
                if (r) ekonet__revoke__free_unpacked(r, NULL);
            }
        }
        i = k;
    }
}

/* Entries accepted here (from session from, pushed or fetched, or published here when from is
   NULL): the frontier moves and each is pushed to every live eager session behind for its
   feed. */
static void spread(struct node *n, struct entry *const *v, const int *status, size_t count,
                   const struct session *from, int fetched)
{
    announce(n, v, status, count, from, fetched);
    ProtobufCBinaryData *enc = calloc(count + 1, sizeof *enc),
                        *out = calloc(count + 1, sizeof *out);
    size_t nenc = 0;
    int own = 0;
    if (!enc || !out) goto done;
    for (size_t i = 0; i < count; i++)
        if (status[i] == ENTRY_OK) {
            frontier_set_id(n->ours, v[i]->author, v[i]->seq, v[i]->id);
            frontier_set(n->grown, v[i]->author, v[i]->seq); /* for lazy sessions */
            own |= memcmp(v[i]->author, n->key.pub, KEY_SIZE) == 0;
            nenc++;
        }
    if (nenc == 0) goto done;
    /* Push: every live eager session whose frontier shows it behind gets the entries at once. */
    for (struct session *s = n->sessions; s; s = s->next) {
        if (s == from || s->state != SESSION_LIVE || !s->have_frontier || s->lazy) continue;
        size_t k = 0;
        for (size_t i = 0; i < count; i++) {
            if (status[i] != ENTRY_OK) continue;
            if (frontier_get(s->theirs, v[i]->author) >= v[i]->seq) continue;
            /* encoded once, for the first session that needs it */
            if (!enc[i].data && entry_encode(v[i], 1, &enc[i].data, &enc[i].len) < 0) continue;
            frontier_raise(s->theirs, v[i]->author, v[i]->seq);
            out[k++] = enc[i];
        }
        if (k) send_entries(n, s, NULL, 0, out, k, 0);
    }
done:
    if (enc)
        for (size_t i = 0; i < count; i++) free(enc[i].data);
    free(enc);
    free(out);
    /* Taken back from the network: maybe the head is confirmed now, and what is pending is
       signed, after these went out. */
    if (own && from) own_changed(n);
}

void sync_accepted(struct node *n, struct entry *const *v, const int *status, size_t count)
{
    spread(n, v, status, count, NULL, 0);
}

void sync_send_board(struct node *n, struct session *s)
{
    if (!n->roster || s->state != SESSION_LIVE) return;
    const uint8_t *board = n->roster->network;
    uint64_t theirs = frontier_get(s->theirs, board), ours = frontier_get(n->ours, board);
    if (theirs >= ours) return;
    uint32_t count = ours - theirs < BATCH_ENTRIES ? (uint32_t)(ours - theirs) : BATCH_ENTRIES;
    struct serve sv = {calloc(count + 1, sizeof *sv.v), 0, 0};
    if (!sv.v) return;
    if (store_range(n->store, board, theirs + 1, count, serve_one, &sv) == 0 && sv.n)
        send_entries(n, s, NULL, 0, sv.v, sv.n, 0);
    for (size_t i = 0; i < sv.n; i++) free(sv.v[i].data);
    free(sv.v);
}

void sync_roster_changed(struct node *n)
{
    session_targets(n);
    schedule_all(n);
    /* Heads of authors that were not members were not remembered: a Digest makes each peer
       whose frontier differs send it again (on_digest). */
    for (struct session *s = n->sessions; s; s = s->next)
        if (s->state == SESSION_LIVE) send_digest(n, s);
}

uint64_t sync_behind(const struct node *n, const struct session *s)
{
    size_t pos = 0;
    uint8_t author[KEY_SIZE];
    uint64_t seq, behind = 0;
    while (frontier_next(s->theirs, &pos, author, &seq)) {
        uint64_t ours = frontier_get(n->ours, author);
        if (seq <= ours || !acceptable(n, author, ours + 1)) continue;
        /* A head is the peer's word: it counts for one round of wants at most. */
        behind += seq - ours < BEHIND_FEED_MAX ? seq - ours : BEHIND_FEED_MAX;
    }
    return behind;
}

int sync_tick(struct node *n)
{
    uint64_t now = node_now_ms(), interval = (uint64_t)n->cfg->digest_interval * 1000;
    if (interval > DIGEST_INTERVAL_MAX_MS) interval = DIGEST_INTERVAL_MAX_MS;
    session_maintain(n);
    own_changed(n);
    courier_tick(n);
    beacon_tick(n);
    if (now >= n->announce_ms) {
        n->announce_ms = now + (interval / 4 < ANNOUNCE_MS ? interval / 4 : ANNOUNCE_MS);
        announce_heads(n);
    }
    /* Read again: sessions dialled above are younger than the first reading, and an age
       computed against it would wrap round and close them at once as timed out. */
    now = node_now_ms();
    struct session *next;
    for (struct session *s = n->sessions; s; s = next) {
        next = s->next;
        uint64_t age = now > s->state_ms ? now - s->state_ms : 0;
        if (s->state == SESSION_CONNECTING && age > CONNECT_TIMEOUT_MS) {
            session_dial_failed(n, s, "timeout");
            continue;
        }
        if (s->state == SESSION_HELLO && age > HELLO_TIMEOUT_MS) {
            session_backoff(n, s->key);
            session_close(n, s, "no hello");
            continue;
        }
        if (s->gone) {
            session_close(n, s, NULL);
            continue;
        }
        if (s->state != SESSION_LIVE) continue;
        if (!s->outbound && now - s->last_recv_ms > SESSION_IDLE_MS) {
            session_close(n, s, "idle");
            continue;
        }
        /* Until the own feed's head is confirmed, a digest a second: a peer whose frontier
           differs answers with its Frontier, which may confirm it (own.h). */
        if (now - s->last_digest_ms >= (own_confirmed(n) ? interval : UNCONFIRMED_DIGEST_MS))
            send_digest(n, s);
        /* A Have showed entries that no push brought since: the way pushes reach this node
           is broken, so this peer pushes again (a graft); the wants below fetch the rest. */
        if (s->heard && s->lazy && sync_behind(n, s)) send_push_mode(n, s, 1);
        s->heard = 0;
        for (int i = s->nwants - 1; i >= 0; i--)
            if (now - s->wants[i].progress_ms > WANT_TIMEOUT_MS) drop_want(s, i);
        schedule_wants(n, s);
    }
    return 1000;
}

void sync_stop(struct node *n)
{
    struct batch *b;
    store_held(n);
    while ((b = checker_wait(n->checker))) finish_batch(n, b); /* verified: store them */
}
