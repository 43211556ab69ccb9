/*
 * courier: contact envelopes and acks; see courier.h for the flow. A session remembers in
 * `posted` what the peer already has (sent either way), so nothing is sent twice in a session.
 * Acks are remembered under BLAKE2b(envelope id || signer), envelopes under their id.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "content.pb-c.h"
#include "courier.h"
#include "ekonet/contacts.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "node.h"
#include "session.h"
#include "watch.h"

/* What a session remembers in `posted`, at most (48 bytes each): past it, the set starts
   again, and at worst a parcel goes to a peer that has it (it drops the duplicate). A peer
   sending envelopes with ids made up could otherwise grow it without bound. */
#define POSTED_MAX 4096

static void mark_posted(struct session *s, const uint8_t key[ID_SIZE])
{
    if (frontier_count(s->posted) >= POSTED_MAX) frontier_clear(s->posted);
    frontier_set(s->posted, key, 1);
}

/* What a received batch leaves to pass on once it is committed. */
struct parcel {
    int is_ack;
    uint8_t key[ID_SIZE];     /* envelope id, or the ack's key */
    uint8_t sender[KEY_SIZE]; /* not sent back to: the envelope's sender or the ack's signer */
    uint8_t *raw;
    size_t len;
    int own; /* this node's own envelope: relayed once a peer has it */
};

struct parcels {
    struct parcel *v;
    size_t n, cap;
};

static int parcel_add(struct parcels *p, int is_ack, const uint8_t key[ID_SIZE],
                      const uint8_t sender[KEY_SIZE], const uint8_t *raw, size_t len, int own)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        struct parcel *v = realloc(p->v, cap * sizeof *v);
        if (!v) return -1;
        p->v = v;
        p->cap = cap;
    }
    struct parcel *x = &p->v[p->n];
    if (!(x->raw = malloc(len ? len : 1))) return -1;
    if (len) memcpy(x->raw, raw, len);
    x->len = len;
    x->is_ack = is_ack;
    x->own = own;
    memcpy(x->key, key, ID_SIZE);
    memcpy(x->sender, sender, KEY_SIZE);
    p->n++;
    return 0;
}

static void parcels_free(struct parcels *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->v[i].raw);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static void ack_key(uint8_t out[ID_SIZE], const uint8_t envelope[ID_SIZE],
                    const uint8_t signer[KEY_SIZE])
{
    uint8_t both[ID_SIZE + KEY_SIZE];
    memcpy(both, envelope, ID_SIZE);
    memcpy(both + ID_SIZE, signer, KEY_SIZE);
    key_hash(out, both, sizeof both);
}

static int admitted(const struct node *n, const uint8_t key[KEY_SIZE])
{
    const struct member *m = n->roster ? roster_member(n->roster, key) : NULL;
    return m && m->status == MEMBER_ADMITTED;
}

/* Sends the parcels to one session in bounded messages; marks what it sent as posted. Own
   envelopes handed over are collected in relayed (may be NULL). */
static void post(struct node *n, struct session *s, const struct parcels *p,
                 struct parcels *relayed)
{
    ProtobufCBinaryData envs[ENVELOPES_PER_MESSAGE], acks[ACKS_PER_MESSAGE];
    size_t ne = 0, na = 0, bytes = 0;
    const struct parcel *sent[ACKS_PER_MESSAGE + ENVELOPES_PER_MESSAGE];
    size_t nsent = 0;
    for (size_t i = 0; i <= p->n; i++) {
        const struct parcel *x = i < p->n ? &p->v[i] : NULL;
        int take =
            x && memcmp(x->sender, s->key, KEY_SIZE) != 0 && !frontier_get(s->posted, x->key);
        int full = !x || ne == ENVELOPES_PER_MESSAGE || na == ACKS_PER_MESSAGE ||
                   (take && bytes + x->len > BATCH_BYTES);
        if (full && (ne || na)) {
            Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
            Ekonet__Envelopes me = EKONET__ENVELOPES__INIT;
            Ekonet__Acks ma = EKONET__ACKS__INIT;
            int ok = 1;
            if (ne) {
                me.envelopes = envs;
                me.n_envelopes = ne;
                m.body_case = EKONET__PEER_MESSAGE__BODY_ENVELOPES;
                m.envelopes = &me;
                ok = session_send(n, s, &m) == 0;
            }
            if (na && ok) {
                ma.acks = acks;
                ma.n_acks = na;
                m.body_case = EKONET__PEER_MESSAGE__BODY_ACKS;
                m.acks = &ma;
                ok = session_send(n, s, &m) == 0;
            }
            for (size_t k = 0; ok && k < nsent; k++) {
                mark_posted(s, sent[k]->key);
                if (relayed && sent[k]->own)
                    parcel_add(relayed, 0, sent[k]->key, sent[k]->sender, NULL, 0, 1);
            }
            ne = na = bytes = nsent = 0;
        }
        if (!take) continue;
        if (x->is_ack)
            acks[na++] = (ProtobufCBinaryData){x->len, x->raw};
        else
            envs[ne++] = (ProtobufCBinaryData){x->len, x->raw};
        bytes += x->len;
        sent[nsent++] = x;
    }
}

/* Marks own envelopes that reached a peer as relayed (queued -> relayed). */
static void mark_relayed(struct node *n, const struct parcels *relayed)
{
    if (relayed->n == 0) return;
    struct errbuf err;
    if (store_begin(n->store, &err) < 0) return;
    for (size_t i = 0; i < relayed->n; i++)
        contacts_relayed(n->store, relayed->v[i].key, node_now_ms());
    if (store_commit(n->store, &err) < 0)
        node_error(n, "cannot record a relayed request: %s", err.msg);
}

/* Sends parcels to every live session except `except`. */
static void post_all(struct node *n, const struct parcels *p, const struct session *except)
{
    if (p->n == 0) return;
    struct parcels relayed = {0};
    for (struct session *s = n->sessions; s; s = s->next)
        if (s != except && s->state == SESSION_LIVE) post(n, s, p, &relayed);
    mark_relayed(n, &relayed);
    parcels_free(&relayed);
}

/* ---- a session goes live ------------------------------------------------------------------ */

static int gather_envelope(void *ctx, const uint8_t id[ID_SIZE], const uint8_t sender[KEY_SIZE],
                           const uint8_t recipient[KEY_SIZE], int own, const uint8_t *raw,
                           size_t len)
{
    (void)recipient;
    return parcel_add(ctx, 0, id, sender, raw, len, own);
}

static int gather_ack(void *ctx, const uint8_t envelope[ID_SIZE], const uint8_t signer[KEY_SIZE],
                      const uint8_t sender[KEY_SIZE], const uint8_t *raw, size_t len)
{
    (void)sender;
    uint8_t key[ID_SIZE];
    ack_key(key, envelope, signer);
    return parcel_add(ctx, 1, key, signer, raw, len, 0);
}

void courier_session_live(struct node *n, struct session *s)
{
    if (!n->roster) return;
    struct parcels p = {0}, relayed = {0};
    uint64_t now = node_now_ms();
    if (contacts_each_ack(n->store, now, gather_ack, &p) < 0 ||
        contacts_each_held(n->store, now, gather_envelope, &p) < 0)
        node_error(n, "cannot read the envelopes held: %s", store_errmsg(n->store));
    post(n, s, &p, &relayed);
    mark_relayed(n, &relayed);
    parcels_free(&relayed);
    parcels_free(&p);
}

/* ---- receiving ---------------------------------------------------------------------------- */

static void refuse(struct node *n, struct session *s, int status, const uint8_t *from)
{
    char peer[13], sender[13] = "?";
    n->courier.refused[status < ENV_STATUS_COUNT ? status : ENV_MALFORMED]++;
    s->refused++;
    if (from) hex_encode(sender, from, 6);
    elog(ELOG_DEBUG, "envelope refused", "peer=%s from=%s reason=\"%s\"",
         hex_encode(peer, s->key, 6), sender, envelope_status_str(status));
}

/* Acknowledges envelope e addressed here: makes (or finds) the ack, adds it to out. */
static int acknowledge(struct node *n, const struct envelope *e, struct parcels *out)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    struct ack a;
    if (ack_make(&n->key, e, &raw, &len) < 0 || ack_decode(raw, len, &a) != ENV_OK) {
        free(raw);
        return -1;
    }
    int rc = contacts_ack_put(n->store, &a);
    uint8_t key[ID_SIZE];
    ack_key(key, e->id, n->key.pub);
    if (rc >= 0) rc = parcel_add(out, 1, key, n->key.pub, raw, len, 0);
    ack_clear(&a);
    free(raw);
    return rc;
}

#define UNREADABLE (-2)

/* An envelope for this node: open it, keep what it says, acknowledge it (to s as well, when
   it brings one already delivered). 0, UNREADABLE, or -1 on a store error. */
static int deliver(struct node *n, struct session *s, const struct envelope *e, struct parcels *out)
{
    uint8_t *plain = NULL;
    size_t len = 0;
    struct errbuf why = {0};
    int rc = UNREADABLE;
    if (envelope_open(e, &n->key, &plain, &len) < 0) goto out;
    if (e->kind == ENVELOPE_REQUEST) {
        Ekonet__ContactRequest *r = ekonet__contact_request__unpack(NULL, len, plain);
        int ok = r && contact_request_validate(r, &why) == 0;
        if (ok)
            rc = contacts_add(n->store, e->id, 0, e->from, e->created_ms, e->expires_ms, plain, len,
                              node_now_ms());
        if (ok && rc == 1) watch_contact_request(n, e, r); /* the first time it arrives */
        if (r) ekonet__contact_request__free_unpacked(r, NULL);
        if (!ok) goto out;
    } else {
        Ekonet__ContactReply *r = ekonet__contact_reply__unpack(NULL, len, plain);
        int ok = r && contact_reply_validate(r, &why) == 0;
        const char *state =
            r && r->answer == EKONET__CONTACT_ANSWER__ANSWER_DECLINE ? "declined" : "answered";
        if (r) ekonet__contact_reply__free_unpacked(r, NULL);
        if (!ok) goto out;
        /* a reply to no request of ours is acknowledged all the same: it has arrived */
        rc = contacts_answered(n->store, e->in_reply_to, e->from, state, plain, len, node_now_ms());
    }
    if (rc < 0) goto out;
    if (rc == 1) {
        char id[ID_HEX], from[ID_HEX];
        n->courier.delivered++;
        elog(ELOG_INFO, e->kind == ENVELOPE_REQUEST ? "contact request" : "contact reply",
             "id=%.16s from=%.16s", hex_encode(id, e->id, ID_SIZE),
             hex_encode(from, e->from, KEY_SIZE));
        const char *name = node_member_name(n, e->from);
        const uint8_t *conv = e->kind == ENVELOPE_REQUEST ? e->id : e->in_reply_to;
        if (e->kind != ENVELOPE_REQUEST)
            watch_event(n, "contact_reply", e->from, conv, 0, NULL,
                        "reply to a contact request from %s (ekonet contact show %.8s)",
                        name ? name : from, hex_encode(id, conv, ID_SIZE));
    } else {
        uint8_t key[ID_SIZE];
        n->courier.duplicates++;
        ack_key(key, e->id, n->key.pub);
        frontier_set(s->posted, key, 0); /* the peer did not get our ack */
    }
    rc = acknowledge(n, e, out);
out:
    if (rc == UNREADABLE) {
        char from[ID_HEX];
        elog(ELOG_WARN, "unreadable envelope", "from=%.16s reason=\"%s\"",
             hex_encode(from, e->from, KEY_SIZE), why.msg[0] ? why.msg : "the box does not open");
    }
    if (plain) sodium_memzero(plain, len);
    free(plain);
    return rc;
}

/* An envelope for another member: hold it if there is room. 1 held, 0 not, -1 error. */
static int hold(struct node *n, const struct envelope *e)
{
    uint64_t count = 0, bytes = 0, from_sender = 0;
    if (contacts_relay_usage(n->store, e->from, &count, &bytes, &from_sender) < 0) return -1;
    if (bytes + e->raw_len > n->cfg->relay_store || from_sender >= n->cfg->relay_per_member) {
        n->courier.relay_full++;
        return 0;
    }
    int rc = contacts_hold(n->store, e, 0, node_now_ms());
    if (rc == 1) n->courier.relayed++;
    if (rc == 0) n->courier.duplicates++;
    return rc;
}

/* Takes one received envelope; the caller's transaction is open. -1 on a store error. */
static int take_envelope(struct node *n, struct session *s, const ProtobufCBinaryData *b,
                         struct parcels *out)
{
    struct envelope e;
    int st = envelope_decode(b->data, b->len, &e), rc = 0;
    if (st == ENV_OK) mark_posted(s, e.id);
    if (st == ENV_OK) st = envelope_check(&e, n->cfg->network, node_now_ms());
    if (st == ENV_OK && (!admitted(n, e.from) || !admitted(n, e.to))) st = ENV_NOT_MEMBER;
    if (st != ENV_OK) {
        refuse(n, s, st, st == ENV_MALFORMED || st == ENV_TOO_LARGE ? NULL : e.from);
        goto out;
    }
    n->courier.envelopes_in++;
    int acked = contacts_acked(n->store, e.id, e.to);
    if (acked < 0) {
        rc = -1;
    } else if (memcmp(e.to, n->key.pub, KEY_SIZE) == 0) {
        rc = deliver(n, s, &e, out);
        if (rc == UNREADABLE) {
            refuse(n, s, ENV_UNREADABLE, e.from);
            rc = 0;
        }
    } else if (acked || memcmp(e.from, n->key.pub, KEY_SIZE) == 0) {
        n->courier.duplicates++; /* delivered already, or our own come back */
    } else {
        rc = hold(n, &e);
        if (rc == 1 && parcel_add(out, 0, e.id, e.from, e.raw, e.raw_len, 0) < 0) rc = -1;
    }
out:
    envelope_clear(&e);
    return rc < 0 ? -1 : 0;
}

/* Commits a received batch, then passes on what it brought: to every live session that lacks
   it, the one it came from included (our acks of its envelopes go back that way). */
static void finish(struct node *n, struct parcels *out, int failed)
{
    struct errbuf err;
    if (failed) {
        store_rollback(n->store);
        node_error(n, "cannot store envelopes: %s", store_errmsg(n->store));
    } else if (store_commit(n->store, &err) < 0) {
        node_error(n, "cannot store envelopes: %s", err.msg);
    } else {
        post_all(n, out, NULL);
    }
    parcels_free(out);
}

void courier_envelopes(struct node *n, struct session *s, const Ekonet__Envelopes *m)
{
    struct errbuf err;
    if (!n->roster || m->n_envelopes > ENVELOPES_PER_MESSAGE) {
        refuse(n, s, ENV_TOO_LARGE, NULL);
        return;
    }
    if (store_begin(n->store, &err) < 0) {
        node_error(n, "cannot store envelopes: %s", err.msg);
        return;
    }
    struct parcels out = {0};
    int failed = 0;
    for (size_t i = 0; i < m->n_envelopes && !failed; i++)
        failed = take_envelope(n, s, &m->envelopes[i], &out) < 0;
    finish(n, &out, failed);
}

/* Takes one received ack; the caller's transaction is open. -1 on a store error. */
static int take_ack(struct node *n, struct session *s, const ProtobufCBinaryData *b,
                    struct parcels *out)
{
    struct ack a;
    uint8_t key[ID_SIZE];
    int st = ack_decode(b->data, b->len, &a), rc = 0;
    if (st == ENV_OK) {
        ack_key(key, a.envelope, a.from);
        mark_posted(s, key);
        st = ack_check(&a, n->cfg->network, node_now_ms());
    }
    if (st == ENV_OK && !admitted(n, a.from)) st = ENV_NOT_MEMBER;
    if (st != ENV_OK) {
        refuse(n, s, st, st == ENV_MALFORMED || st == ENV_TOO_LARGE ? NULL : a.from);
        goto out;
    }
    int64_t had = contacts_ack_count(n->store, a.from);
    if (had < 0) {
        rc = -1;
        goto out;
    }
    if (had >= ACKS_PER_MEMBER) {
        n->courier.relay_full++;
        goto out;
    }
    rc = contacts_ack_put(n->store, &a);
    if (rc == 0) n->courier.duplicates++;
    if (rc != 1) goto out;
    n->courier.acks_in++;
    if (memcmp(a.to, n->key.pub, KEY_SIZE) == 0) {
        int moved = contacts_delivered(n->store, a.envelope, a.from, node_now_ms());
        if (moved < 0) rc = -1;
        if (moved > 0) {
            char id[ID_HEX];
            const char *name = node_member_name(n, a.from);
            watch_event(n, "contact_delivered", a.from, a.envelope, 0, NULL,
                        "%s's node has %.12s (delivered)", name ? name : "the recipient",
                        hex_encode(id, a.envelope, ID_SIZE));
        }
    }
    if (rc >= 0 && parcel_add(out, 1, key, a.from, a.raw, a.raw_len, 0) < 0) rc = -1;
out:
    ack_clear(&a);
    return rc < 0 ? -1 : 0;
}

void courier_acks(struct node *n, struct session *s, const Ekonet__Acks *m)
{
    struct errbuf err;
    if (!n->roster || m->n_acks > ACKS_PER_MESSAGE) {
        refuse(n, s, ENV_TOO_LARGE, NULL);
        return;
    }
    if (store_begin(n->store, &err) < 0) {
        node_error(n, "cannot store acks: %s", err.msg);
        return;
    }
    struct parcels out = {0};
    int failed = 0;
    for (size_t i = 0; i < m->n_acks && !failed; i++)
        failed = take_ack(n, s, &m->acks[i], &out) < 0;
    finish(n, &out, failed);
}

/* ---- sending ------------------------------------------------------------------------------ */

int courier_send(struct node *n, const uint8_t to[KEY_SIZE], const uint8_t *in_reply_to,
                 const char *state, const uint8_t *content, size_t len, uint64_t expires_ms,
                 uint8_t id[ID_SIZE], struct errbuf *err)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    uint64_t now = node_now_ms();
    uint32_t kind = in_reply_to ? ENVELOPE_REPLY : ENVELOPE_REQUEST;
    if (envelope_seal(&n->key, n->cfg->network, to, kind, in_reply_to, now, expires_ms, content,
                      len, &raw, &raw_len, err) < 0)
        return -1;
    struct envelope e;
    int rc = -1;
    if (envelope_decode(raw, raw_len, &e) != ENV_OK) {
        errbuf_set(err, "cannot decode the envelope just sealed");
        goto out;
    }
    memcpy(id, e.id, ID_SIZE);
    if (store_begin(n->store, err) < 0) goto out;
    int added =
        kind == ENVELOPE_REQUEST
            ? contacts_add(n->store, e.id, 1, to, now, expires_ms, content, len, now)
            : contacts_replied(n->store, in_reply_to, state, content, len, e.id, expires_ms, now);
    if (added < 0 || contacts_hold(n->store, &e, 1, now) < 0) {
        errbuf_set(err, "cannot store the request: %s", store_errmsg(n->store));
        store_rollback(n->store);
        goto out;
    }
    if (store_commit(n->store, err) < 0) goto out;
    struct parcels p = {0};
    if (parcel_add(&p, 0, e.id, n->key.pub, raw, raw_len, 1) == 0) post_all(n, &p, NULL);
    parcels_free(&p);
    rc = 0;
out:
    envelope_clear(&e);
    free(raw);
    return rc;
}

/* ---- time and membership ------------------------------------------------------------------ */

void courier_tick(struct node *n)
{
    uint64_t now = node_now_ms();
    if (now < n->courier_purge_ms) return;
    n->courier_purge_ms = now + COURIER_PURGE_MS;
    uint64_t envs = 0, acks = 0, expired = 0;
    if (contacts_purge(n->store, now, &envs, &acks, &expired) < 0) {
        node_error(n, "cannot drop expired envelopes: %s", store_errmsg(n->store));
        return;
    }
    n->courier.expired += envs;
    if (envs || acks || expired)
        elog(ELOG_INFO, "expired", "envelopes=%llu acks=%llu requests=%llu",
             (unsigned long long)envs, (unsigned long long)acks, (unsigned long long)expired);
}

void courier_roster_changed(struct node *n)
{
    struct errbuf err;
    if (!n->roster || store_begin(n->store, &err) < 0) return;
    for (size_t i = 0; i < n->roster->nmembers; i++)
        if (n->roster->members[i].status != MEMBER_ADMITTED &&
            contacts_forget_member(n->store, n->roster->members[i].key, node_now_ms()) < 0) {
            store_rollback(n->store);
            return;
        }
    if (store_commit(n->store, &err) < 0) node_error(n, "cannot drop envelopes: %s", err.msg);
}
