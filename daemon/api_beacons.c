/*
 * api_beacons: the whole network as the members' beacons say (`ekonet network`), and how far
 * an entry has spread (`ekonet reach`).
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "beacon.h"
#include "ekonet/beacon.h"
#include "ekonet/contacts.h"
#include "ekonet/frontier.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "ekonet/version.h"
#include "session.h"

/* Every kept beacon body, unpacked into the call's arena, with its member. */
struct kept {
    struct call *c;
    uint8_t (*keys)[KEY_SIZE];
    Ekonet__BeaconBody **bodies;
    size_t n, cap;
};

static int keep_one(void *ctx, const uint8_t member[KEY_SIZE], uint64_t time_ms,
                    uint64_t received_ms, const uint8_t *raw, size_t len)
{
    struct kept *k = ctx;
    (void)time_ms;
    (void)received_ms;
    if (k->n == k->cap) return 0;
    ProtobufCAllocator al = arena_allocator(&k->c->arena);
    Ekonet__Beacon *m = ekonet__beacon__unpack(&al, len, raw);
    Ekonet__BeaconBody *b = m ? ekonet__beacon_body__unpack(&al, m->body.len, m->body.data) : NULL;
    if (!b) return 0;
    memcpy(k->keys[k->n], member, KEY_SIZE);
    k->bodies[k->n++] = b;
    return 0;
}

/* Loads every kept beacon, with those received since the last flush (a member shown reachable
   by its beacon is shown with it); 0, or -1 replied. */
static int load_kept(struct call *c, struct kept *k)
{
    const struct roster *r = c->node->roster;
    beacon_store_fresh(c->node);
    memset(k, 0, sizeof *k);
    k->c = c;
    k->cap = (r ? r->nmembers : 0) + 1;
    k->keys = arena_alloc(&c->arena, k->cap * KEY_SIZE);
    k->bodies = arena_alloc(&c->arena, k->cap * sizeof *k->bodies);
    if (!k->keys || !k->bodies || beacon_each(c->node->store, keep_one, k) < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the beacons: %s",
                 store_errmsg(c->node->store));
        return -1;
    }
    return 0;
}

static const Ekonet__BeaconBody *kept_of(const struct kept *k, const uint8_t key[KEY_SIZE])
{
    for (size_t i = 0; i < k->n; i++)
        if (memcmp(k->keys[i], key, KEY_SIZE) == 0) return k->bodies[i];
    return NULL;
}

/* Entries this node holds that the beacon's node lacks: 1 with *lag, or 0 when its heads
   cannot be read against this node's roster. */
static int lag_of(const struct node *n, const Ekonet__BeaconBody *b, uint64_t *lag)
{
    uint64_t seq, have;
    uint8_t author[KEY_SIZE];
    size_t pos = 0;
    *lag = 0;
    if (!beacon_heads_readable(b, n->roster)) return 0;
    while (frontier_next(n->ours, &pos, author, &seq))
        if (beacon_head(b, n->roster, author, &have) && seq > have) *lag += seq - have;
    return 1;
}

static int by_name(const void *a, const void *b)
{
    const Ekonet__MemberStatus *x = *(Ekonet__MemberStatus *const *)a,
                               *y = *(Ekonet__MemberStatus *const *)b;
    return strcmp(x->name, y->name);
}

void api_network_status(struct call *c)
{
    struct node *n = c->node;
    const struct roster *r = n->roster;
    struct kept k;
    if (!r) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "this node has not joined a network (ekonet join BUNDLE)");
        return;
    }
    if (load_kept(c, &k) < 0) return;
    Ekonet__NetworkStatusReply *out = arena_alloc(&c->arena, sizeof *out);
    Ekonet__MemberStatus *v = arena_alloc(&c->arena, (r->nmembers + 1) * sizeof *v);
    Ekonet__MemberStatus **pv = arena_alloc(&c->arena, (r->nmembers + 1) * sizeof *pv);
    if (!out || !v || !pv) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return;
    }
    ekonet__network_status_reply__init(out);
    uint64_t now = node_now_ms();
    for (size_t i = 0; i < r->nmembers; i++) {
        const struct member *m = &r->members[i];
        Ekonet__MemberStatus *s = &v[i];
        ekonet__member_status__init(s);
        s->key = api_bin(&c->arena, m->key, KEY_SIZE);
        s->name = (char *)m->name;
        s->code = (char *)m->code;
        s->status = m->status == MEMBER_ADMITTED ? "admitted" : "revoked";
        s->self = memcmp(m->key, n->key.pub, KEY_SIZE) == 0;
        s->head = frontier_get(n->ours, m->key);
        const struct session *ss = session_find(n, m->key);
        s->session = ss && ss->state == SESSION_LIVE;
        const Ekonet__BeaconBody *b = kept_of(&k, m->key);
        const struct beacon_seen *seen = beacon_of(n, m->key);
        if (b && seen) {
            s->has_beacon_ms = s->has_received_ms = s->has_interval_s = s->has_started_ms = 1;
            s->has_sessions = s->has_entries = s->has_outbox = s->has_relay = 1;
            s->beacon_ms = b->time_ms;
            s->received_ms = seen->received_ms;
            s->interval_s = b->interval_s;
            s->agent = b->agent;
            s->started_ms = b->started_ms;
            s->sessions = b->sessions;
            s->entries = b->entries;
            s->has_lag = s->self || lag_of(n, b, &s->lag);
            s->outbox = b->outbox;
            s->relay = b->relay;
        }
        s->reachable = m->status == MEMBER_ADMITTED && beacon_member_reachable(n, m->key, now);
        if (m->status == MEMBER_ADMITTED) {
            out->admitted++;
            out->reachable += s->reachable;
        }
        pv[i] = s;
    }
    qsort(pv, r->nmembers, sizeof *pv, by_name);
    out->members = pv;
    out->n_members = r->nmembers;
    out->beacon_interval_s = n->cfg->beacon_interval;
    c->reply.result_case = EKONET__API_REPLY__RESULT_NETWORK_STATUS;
    c->reply.network_status = out;
}

void api_reach(struct call *c, const Ekonet__ReachRequest *req)
{
    struct node *n = c->node;
    const struct roster *r = n->roster;
    uint8_t id[ID_SIZE];
    struct entry *e = NULL;
    struct kept k;
    if (!r) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "this node has not joined a network (ekonet join BUNDLE)");
        return;
    }
    if (api_resolve(c, req->id, id) < 0 || load_kept(c, &k) < 0) return;
    if (store_get(n->store, id, &e) != 1) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the entry: %s",
                 store_errmsg(n->store));
        return;
    }
    Ekonet__ReachReply *out = arena_alloc(&c->arena, sizeof *out);
    ProtobufCBinaryData *missing = arena_alloc(&c->arena, (r->nmembers + 1) * sizeof *missing);
    if (!out || !missing) {
        entry_destroy(&e);
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return;
    }
    ekonet__reach_reply__init(out);
    out->id = api_bin(&c->arena, id, ID_SIZE);
    out->author = api_bin(&c->arena, e->author, KEY_SIZE);
    out->author_name = (char *)node_member_name(n, e->author);
    out->seq = e->seq;
    for (size_t i = 0; i < r->nmembers; i++) {
        const struct member *m = &r->members[i];
        if (m->status != MEMBER_ADMITTED) continue;
        out->members++;
        const Ekonet__BeaconBody *b = kept_of(&k, m->key);
        uint64_t head = 0;
        int known = b && beacon_head(b, r, e->author, &head);
        if (memcmp(m->key, n->key.pub, KEY_SIZE) == 0 || head >= e->seq)
            out->reached++;
        else if (!known)
            out->unknown++;
        else
            missing[out->n_missing++] = api_bin(&c->arena, m->key, KEY_SIZE);
    }
    out->missing = missing;
    entry_destroy(&e);
    c->reply.result_case = EKONET__API_REPLY__RESULT_REACH;
    c->reply.reach = out;
}
