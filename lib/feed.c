/*
 * feed: the one place where entries are accepted. Two kinds of feed go through it:
 *
 *   member feeds  author = a member's node key; one signature, the author's; the roster says
 *                 whether the author may publish at that seq
 *   board feed    author = the network id; k or more signatures of distinct current board
 *                 keys (for seq 1, the charter, the keys it names itself); only board kinds
 *
 * Both then pass the same chain checks (quarantine, duplicate/fork, gap, prev), content
 * validation and, last, the date (at most ENTRY_FUTURE_MAX_MS ahead of this node's clock), and
 * are stored and projected in the caller's batch transaction. A board entry changes the
 * roster, so the in-memory roster is reloaded right after it is projected: the next entry of
 * the same batch is already judged by the new board and members.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/feed.h"
#include "ekonet/hex.h"
#include "ekonet/project.h"
#include "ekonet/redact.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

/* Records that have and e, both valid, share author and seq; the feed stops there. */
static int record_fork(struct feeds *f, const struct entry *have, const struct entry *e)
{
    uint8_t *a, *b;
    size_t alen, blen;
    if (entry_encode(have, 0, &a, &alen) < 0) return -1;
    if (entry_encode(e, 0, &b, &blen) < 0) {
        free(a);
        return -1;
    }
    int rc = store_fork_add(f->store, e->author, e->seq, a, alen, b, blen);
    free(a);
    free(b);
    if (rc < 0 || store_mark_fork(f->store, e->author, e->seq) < 0) return -1;
    if (rc == 1) f->forks++;
    return 0;
}

/* The chain checks every feed shares, against the feed's stored head h; ENTRY_OK, a refusal,
   or -1 on a store error. */
static int check_chain(struct feeds *f, const struct entry *e, const struct feed_head *h)
{
    if (h->fork_seq && e->seq >= h->fork_seq) return ENTRY_QUARANTINED;
    int rc = entry_check_chain(e, h->seq, h->id);
    if (rc != ENTRY_DUPLICATE) return rc;
    struct entry *have = NULL;
    int got = store_get_seq(f->store, e->author, e->seq, &have);
    if (got < 0) return -1;
    rc = got && memcmp(have->id, e->id, ID_SIZE) != 0 ? ENTRY_FORK : ENTRY_DUPLICATE;
    if (rc == ENTRY_FORK && record_fork(f, have, e) < 0) rc = -1;
    entry_destroy(&have);
    return rc;
}

/* Signatures of the board: the charter's own keys for seq 1, else the roster's. */
static int check_board_signatures(struct feeds *f, const struct entry *e, struct errbuf *why)
{
    size_t k, count;
    if (e->seq == 1) {
        /* The genesis charter names its board, and the network id is the hash of it. */
        if (e->kind != EKONET__ENTRY_KIND__KIND_CHARTER) {
            errbuf_set(why, "the board feed must begin with the charter");
            return ENTRY_CONTENT_INVALID;
        }
        if (memcmp(e->content_hash, f->network, ID_SIZE) != 0) return ENTRY_WRONG_NETWORK;
        Ekonet__Charter *c = ekonet__charter__unpack(NULL, e->content_len, e->content);
        if (!c || charter_validate(c, why) < 0) {
            if (c) ekonet__charter__free_unpacked(c, NULL);
            return ENTRY_CONTENT_INVALID;
        }
        uint8_t keys[BOARD_MAX_KEYS][KEY_SIZE];
        for (size_t i = 0; i < c->n_board_keys; i++)
            memcpy(keys[i], c->board_keys[i].data, KEY_SIZE);
        k = c->threshold;
        count = roster_count_signatures(e, (const uint8_t(*)[KEY_SIZE])keys, c->n_board_keys);
        ekonet__charter__free_unpacked(c, NULL);
    } else {
        if (!f->roster->joined) return ENTRY_GAP; /* the charter has not arrived yet */
        k = f->roster->threshold;
        count = roster_count_signatures(e, (const uint8_t(*)[KEY_SIZE])f->roster->board,
                                        f->roster->nboard);
    }
    if (count >= k) return ENTRY_OK;
    errbuf_set(why,
               "%zu of %zu required (a key not on the board, or one that signed twice, "
               "does not count)",
               count, k);
    return ENTRY_FEW_SIGNATURES;
}

static int is_board_feed(const struct feeds *f, const struct entry *e)
{
    return memcmp(e->author, f->network, ID_SIZE) == 0;
}

/*
 * What a retraction or redaction points at. A member retracts and redacts entries of its own
 * feed (earlier in it, so they are here); the board redacts anyone's entries but its own acts,
 * whether they have arrived here yet or not. ENTRY_OK, a refusal, or -1.
 */
static int check_target(struct feeds *f, const struct entry *e, struct errbuf *why)
{
    const uint8_t *target = NULL;
    Ekonet__Retract *rt = NULL;
    Ekonet__Redact *rd = NULL;
    if (e->kind == EKONET__ENTRY_KIND__KIND_RETRACT &&
        (rt = ekonet__retract__unpack(NULL, e->content_len, e->content)))
        target = rt->target.data;
    else if (e->kind == EKONET__ENTRY_KIND__KIND_REDACT &&
             (rd = ekonet__redact__unpack(NULL, e->content_len, e->content)))
        target = rd->target.data;
    if (!target) return ENTRY_OK;
    struct entry *t = NULL;
    int got = store_get(f->store, target, &t), rc = ENTRY_OK;
    if (got < 0) {
        rc = -1;
    } else if (is_board_feed(f, e)) {
        if (got && is_board_feed(f, t)) {
            errbuf_set(why, "the board's own acts cannot be redacted");
            rc = ENTRY_CONTENT_INVALID;
        }
    } else if (!got || memcmp(t->author, e->author, KEY_SIZE) != 0) {
        errbuf_set(why, "a member can %s only entries of its own feed", rt ? "retract" : "redact");
        rc = ENTRY_CONTENT_INVALID;
    } else if (rt && t->kind != EKONET__ENTRY_KIND__KIND_REPORT &&
               t->kind != EKONET__ENTRY_KIND__KIND_EVENT) {
        errbuf_set(why, "only reports and events can be retracted");
        rc = ENTRY_CONTENT_INVALID;
    }
    entry_destroy(&t);
    if (rt) ekonet__retract__free_unpacked(rt, NULL);
    if (rd) ekonet__redact__free_unpacked(rd, NULL);
    return rc;
}

/* An entry whose id is stored is a duplicate: the header bytes are the ones already checked.
   Reads the feed's head into h; an entry beyond it is not stored, and needs no look-up. */
static int known(struct feeds *f, const struct entry *e, struct feed_head *h)
{
    if (store_head(f->store, e->author, h) < 0) return -1;
    if (e->seq > h->seq) return ENTRY_OK;
    int rc = store_has_id(f->store, e->id);
    return rc < 0 ? -1 : rc ? ENTRY_DUPLICATE : ENTRY_OK;
}

static int check_board(struct feeds *f, const struct entry *e, struct errbuf *why)
{
    struct feed_head h;
    int rc = known(f, e, &h);
    if (rc != ENTRY_OK) return rc;
    if (!f->roster) {
        errbuf_set(why, "this node has not joined a network, so it has no board");
        return ENTRY_NOT_MEMBER;
    }
    if (memcmp(e->network, f->network, ID_SIZE) != 0) return ENTRY_WRONG_NETWORK;
    if (!board_kind(e->kind) && e->kind != EKONET__ENTRY_KIND__KIND_REDACT) {
        errbuf_set(why, "the board feed carries only board acts");
        return ENTRY_CONTENT_INVALID;
    }
    rc = entry_check_content(e, f->max_content);
    if (rc != ENTRY_OK) return rc;
    if (!e->content) return ENTRY_CONTENT_MISSING; /* the roster needs every board act */
    if ((rc = check_board_signatures(f, e, why)) != ENTRY_OK) return rc;
    if ((rc = check_chain(f, e, &h)) != ENTRY_OK) return rc;
    if ((rc = content_check(e->kind, e->content, e->content_len, why)) != ENTRY_OK) return rc;
    /* A planned succession's rotation names the network, which the content alone does not. */
    if (e->kind == EKONET__ENTRY_KIND__KIND_SUCCEED &&
        succeed_check_network(e->content, e->content_len, f->network, why) < 0)
        return ENTRY_CONTENT_INVALID;
    return check_target(f, e, why);
}

static int check_member(struct feeds *f, const struct entry *e, struct errbuf *why)
{
    struct feed_head h;
    int rc = known(f, e, &h);
    if (rc != ENTRY_OK) return rc;
    rc = e->checked ? e->checked - 1 : entry_check(e, f->network, f->max_content);
    if (rc != ENTRY_OK) return rc;
    if ((rc = check_chain(f, e, &h)) != ENTRY_OK) return rc;
    if (f->roster && (rc = roster_may_author(f->roster, e->author, e->seq)) != ENTRY_OK) return rc;
    if (board_kind(e->kind)) {
        errbuf_set(why, "board acts belong in the board feed");
        return ENTRY_CONTENT_INVALID;
    }
    /* Without content (redacted at the sender) the header is all there is to check. */
    if (!e->content) return entry_kind_known(e->kind) ? ENTRY_OK : ENTRY_UNKNOWN_KIND;
    if ((rc = content_check(e->kind, e->content, e->content_len, why)) != ENTRY_OK) return rc;
    return check_target(f, e, why);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The date, after every other check: an entry refused for it is good but early, and is
   accepted once the clock here has come within ENTRY_FUTURE_MAX_MS of it. */
static int check_time(const struct entry *e, struct errbuf *why)
{
    uint64_t now = now_ms();
    char lead[32];
    if (entry_check_time(e, now) == ENTRY_OK) return ENTRY_OK;
    errbuf_set(why, "%s ahead (is a clock wrong?)", entry_lead_str(e, now, lead, sizeof lead));
    return ENTRY_FUTURE;
}

/* Stores and projects an accepted entry; a board entry also refreshes the roster. */
static int store_one(struct feeds *f, struct entry *e)
{
    int64_t num;
    int listed = e->content && !is_board_feed(f, e) ? redact_listed(f->store, e->id) : 0;
    if (listed < 0) return -1;
    if (listed) { /* redacted before it arrived: its content is not kept, nor passed on */
        free(e->content);
        e->content = NULL;
        e->content_len = 0;
    }
    if (store_put(f->store, e, &num) < 0 || project_entry(f->store, e, num) < 0) return -1;
    if (e->kind == EKONET__ENTRY_KIND__KIND_REDACT) f->redactions++;
    if (e->kind == EKONET__ENTRY_KIND__KIND_PROFILE) f->profiles++;
    if (is_board_feed(f, e)) {
        if (roster_reload(f->roster, f->store) < 0) return -1;
        f->roster_changes++;
    }
    return 0;
}

/* Checks and stores one batch inside the open transaction, counting the outcomes: 0, 1 when
   all_or_nothing and an entry was refused (but as a duplicate), -1 on a store error. */
static int accept_batch(struct feeds *f, struct feed_batch *b, int all_or_nothing,
                        uint64_t count[ENTRY_STATUS_COUNT], struct errbuf *err)
{
    int refused = 0;
    b->accepted = 0;
    b->why.msg[0] = '\0';
    for (size_t i = 0; i < b->n; i++) {
        struct errbuf detail = {""};
        struct entry *e = b->v[i];
        int rc = is_board_feed(f, e) ? check_board(f, e, &detail) : check_member(f, e, &detail);
        if (rc == ENTRY_OK) rc = check_time(e, &detail);
        if (rc == ENTRY_OK && store_one(f, e) < 0) rc = -1;
        if (rc < 0) return errbuf_set(err, "cannot store entries: %s", store_errmsg(f->store));
        b->status[i] = rc;
        count[rc]++;
        if (rc == ENTRY_OK) {
            b->accepted++;
        } else if (!refused++) {
            if (detail.msg[0])
                errbuf_set(&b->why, "%s: %s", entry_status_str(rc), detail.msg);
            else
                errbuf_set(&b->why, "%s", entry_status_str(rc));
        }
        if (rc != ENTRY_OK && rc != ENTRY_DUPLICATE && all_or_nothing) return 1;
    }
    return 0;
}

/* The batches in one transaction; all_or_nothing rolls everything back if any entry is
   refused (but as a duplicate). */
static int accept(struct feeds *f, struct feed_batch *b, size_t k, int all_or_nothing,
                  struct errbuf *err)
{
    uint64_t changes = f->roster_changes, count[ENTRY_STATUS_COUNT] = {0};
    int rc = 0;
    size_t entries = 0;
    err->msg[0] = '\0';
    for (size_t j = 0; j < k; j++) entries += b[j].n;
    if (!entries) return 0; /* pushes of entries held already: no transaction */
    if (store_begin(f->store, err) < 0) return -1;
    for (size_t j = 0; j < k && rc == 0; j++)
        rc = accept_batch(f, &b[j], all_or_nothing, count, err);
    if (rc != 0)
        store_rollback(f->store);
    else if (store_commit(f->store, err) < 0)
        rc = -1;
    if (rc != 0) {
        /* The roster may have moved with entries that are no longer stored. */
        if (f->roster && f->roster_changes != changes) roster_reload(f->roster, f->store);
        return rc > 0 ? 0 : -1;
    }
    f->accepted += count[ENTRY_OK];
    for (int s = 0; s < ENTRY_STATUS_COUNT; s++)
        if (s != ENTRY_OK) f->refused[s] += count[s];
    return (int)count[ENTRY_OK];
}

static int accept_one(struct feeds *f, struct entry *const *v, size_t n, int *status,
                      int all_or_nothing, struct errbuf *why, struct errbuf *err)
{
    struct feed_batch b = {.v = v, .n = n, .status = status};
    int rc = accept(f, &b, 1, all_or_nothing, err);
    if (why && b.why.msg[0]) *why = b.why;
    return rc;
}

int feed_accept(struct feeds *f, struct entry *const *v, size_t n, int *status, struct errbuf *why,
                struct errbuf *err)
{
    return accept_one(f, v, n, status, 0, why, err);
}

int feed_accept_all(struct feeds *f, struct entry *const *v, size_t n, int *status,
                    struct errbuf *why, struct errbuf *err)
{
    return accept_one(f, v, n, status, 1, why, err);
}

int feed_accept_batches(struct feeds *f, struct feed_batch *b, size_t k, struct errbuf *err)
{
    return accept(f, b, k, 0, err);
}

/* Whether k may publish content of kind as seq; ENTRY_OK or a refusal (why says what). */
static int check_publish(struct feeds *f, const struct node_key *k, uint64_t seq, uint32_t kind,
                         const uint8_t *content, size_t len, struct errbuf *why)
{
    /* Checked before signing too, so that a refusal names the field or the reason. */
    if (len > f->max_content) {
        errbuf_set(why, "the content is %zu bytes, over the limit of %zu", len, f->max_content);
        return ENTRY_CONTENT_TOO_LARGE;
    }
    if (f->roster && roster_may_author(f->roster, k->pub, seq) != ENTRY_OK) {
        const struct member *m = roster_member(f->roster, k->pub);
        char next[ID_HEX];
        if (m && m->has_successor)
            errbuf_set(why,
                       "this node's key was replaced by %.16s in the network %s: the member "
                       "publishes under its new key",
                       hex_encode(next, m->successor, KEY_SIZE), f->roster->name);
        else
            errbuf_set(why, "this node is not an admitted member of the network %s",
                       f->roster->joined ? f->roster->name : "(no charter yet)");
        return roster_may_author(f->roster, k->pub, seq);
    }
    int rc = content_check_publish(kind, content, len, why);
    if (rc != ENTRY_OK) return rc;
    if (board_kind(kind)) {
        errbuf_set(why, "board acts are published with 'ekonet board publish'");
        return ENTRY_CONTENT_INVALID;
    }
    return ENTRY_OK;
}

int feed_check_publish(struct feeds *f, const struct node_key *k, uint32_t kind,
                       const uint8_t *content, size_t len, struct errbuf *why, struct errbuf *err)
{
    struct feed_head h;
    if (store_head(f->store, k->pub, &h) < 0)
        return errbuf_set(err, "cannot read the feed: %s", store_errmsg(f->store));
    return check_publish(f, k, h.seq + 1, kind, content, len, why);
}

int feed_publish(struct feeds *f, const struct node_key *k, uint32_t kind, const uint8_t *content,
                 size_t len, struct entry **out, struct errbuf *why, struct errbuf *err)
{
    *out = NULL;
    struct feed_head h;
    if (store_head(f->store, k->pub, &h) < 0)
        return errbuf_set(err, "cannot read the feed: %s", store_errmsg(f->store));
    int rc = check_publish(f, k, h.seq + 1, kind, content, len, why);
    if (rc != ENTRY_OK) return rc;
    struct entry *e =
        entry_new(f->network, k->pub, h.seq + 1, h.seq ? h.id : NULL, now_ms(), kind, content, len);
    if (!e || entry_sign(e, k) < 0) {
        entry_destroy(&e);
        return errbuf_set(err, "out of memory");
    }
    int status = -1;
    int n = feed_accept(f, &e, 1, &status, why, err);
    if (n < 0 || status != ENTRY_OK) {
        entry_destroy(&e);
        return n < 0 ? -1 : status;
    }
    *out = e;
    return ENTRY_OK;
}

/* Checks one side of a fork proof as an entry of this network, content aside. */
static int check_proof_entry(struct feeds *f, const struct entry *e)
{
    if (memcmp(e->network, f->network, ID_SIZE) != 0) return ENTRY_WRONG_NETWORK;
    if (is_board_feed(f, e)) {
        if (!f->roster || !f->roster->joined) return ENTRY_NOT_MEMBER;
        size_t n = roster_count_signatures(e, (const uint8_t(*)[KEY_SIZE])f->roster->board,
                                           f->roster->nboard);
        return n >= f->roster->threshold ? ENTRY_OK : ENTRY_FEW_SIGNATURES;
    }
    if (e->nsigs != 1 || memcmp(e->sigs[0].key, e->author, KEY_SIZE) != 0) return ENTRY_WRONG_KEY;
    if (entry_verify_sig(e, &e->sigs[0]) != 0) return ENTRY_BAD_SIGNATURE;
    /* Only a member's feed can fork here: a proof about any other key would be stored, kept
       in memory and passed on by every node, for as many keys as anyone cares to make. */
    return f->roster && roster_member(f->roster, e->author) ? ENTRY_OK : ENTRY_NOT_MEMBER;
}

int feed_fork_proof(struct feeds *f, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    struct errbuf *err)
{
    struct entry *ea = NULL, *eb = NULL;
    size_t max = entry_max_encoded(f->max_content);
    int rc = entry_decode(a, alen, max, &ea);
    if (rc == ENTRY_OK) rc = entry_decode(b, blen, max, &eb);
    if (rc == ENTRY_OK && (memcmp(ea->author, eb->author, KEY_SIZE) != 0 || ea->seq != eb->seq ||
                           memcmp(ea->id, eb->id, ID_SIZE) == 0))
        rc = ENTRY_MALFORMED; /* not two different entries at one place of one feed */
    if (rc == ENTRY_OK) rc = check_proof_entry(f, ea);
    if (rc == ENTRY_OK) rc = check_proof_entry(f, eb);
    if (rc != ENTRY_OK) {
        entry_destroy(&ea);
        entry_destroy(&eb);
        return rc;
    }
    int added = -1;
    if (store_begin(f->store, err) == 0) {
        added = store_fork_add(f->store, ea->author, ea->seq, a, alen, b, blen);
        if (added < 0 || store_mark_fork(f->store, ea->author, ea->seq) < 0 ||
            store_commit(f->store, err) < 0) {
            errbuf_set(err, "cannot store a fork proof: %s", store_errmsg(f->store));
            store_rollback(f->store);
            added = -1;
        }
    }
    if (added == 1) f->forks++;
    entry_destroy(&ea);
    entry_destroy(&eb);
    return added < 0 ? -1 : added ? FEED_FORK_NEW : FEED_FORK_KNOWN;
}
