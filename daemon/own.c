/*
 * own: see own.h. The module keeps whether the head is confirmed and by whom; what each peer
 * said of this node's feed is kept in its session (own_seq, own_id), so that a claim goes when
 * its session does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ekonet/content.h"
#include "ekonet/frontier.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/pending.h"
#include "ekonet/redact.h"
#include "ekonet/roster.h"
#include "node.h"
#include "own.h"
#include "session.h"
#include "sync.h"
#include "watch.h"

#define RESTORED_KEY "restored_ms" /* meta: set by ekonet restore, removed once confirmed */
#define BY_MAX       160

struct own {
    int confirmed;
    uint64_t confirmed_ms;
    char by[BY_MAX];
    int restored;
    uint64_t restored_ms;
    int flush_failed; /* a store error stopped signing what is pending: own_changed retries */
};

int own_start(struct node *n)
{
    int64_t ms = 0;
    if (!(n->own = calloc(1, sizeof *n->own))) return -1;
    int got = store_meta_get(n->store, RESTORED_KEY, &ms);
    if (got < 0) return -1;
    n->own->restored = got;
    n->own->restored_ms = (uint64_t)ms;
    own_changed(n);
    return 0;
}

void own_stop(struct node *n)
{
    free(n->own);
    n->own = NULL;
}

int own_confirmed(const struct node *n)
{
    return n->own && n->own->confirmed;
}

int own_restored(const struct node *n)
{
    return n->own && n->own->restored && !n->own->confirmed;
}

const char *own_confirmed_by(const struct node *n, uint64_t *when_ms)
{
    *when_ms = n->own ? n->own->confirmed_ms : 0;
    return n->own && n->own->confirmed ? n->own->by : "";
}

/* The live session that claims more of this node's feed than it holds, if any. */
static const struct session *claims_more(const struct node *n)
{
    uint64_t head = frontier_get(n->ours, n->key.pub);
    for (const struct session *s = n->sessions; s; s = s->next)
        if (s->state == SESSION_LIVE && s->own_claimed && s->own_seq > head) return s;
    return NULL;
}

/* 1 if no member but this node may hold its feed: no other admitted member, or no network
   yet (a feed is replicated only between members). */
static int alone(const struct node *n)
{
    if (!n->roster || !n->roster->joined) return 1;
    for (size_t i = 0; i < n->roster->nmembers; i++) {
        const struct member *m = &n->roster->members[i];
        if (m->status == MEMBER_ADMITTED && memcmp(m->key, n->key.pub, KEY_SIZE) != 0) return 0;
    }
    return 1;
}

/* Logs what a publish signed here became and sends it on its way to every member. */
static void signed_one(struct node *n, struct entry *e, uint64_t redactions, int64_t pending)
{
    char id[ID_HEX];
    elog(ELOG_INFO, "published", "id=%s kind=%s seq=%llu pending=%lld",
         hex_encode(id, e->id, ID_SIZE), entry_kind_str(e->kind), (unsigned long long)e->seq,
         (long long)pending);
    int ok = ENTRY_OK;
    sync_accepted(n, &e, &ok, 1);
    if (n->feeds.redactions != redactions) redact_purge(n->store); /* no copy left in the files */
}

struct first {
    int64_t n;
    uint32_t kind;
    uint64_t created_ms;
    uint8_t *content;
    size_t len;
    int failed;
};

static int take_first(void *ctx, const struct pending_row *r)
{
    struct first *f = ctx;
    f->n = r->n;
    f->kind = r->kind;
    f->created_ms = r->created_ms;
    f->len = r->content_len;
    if (!(f->content = malloc(r->content_len + 1))) f->failed = 1;
    if (f->content) memcpy(f->content, r->content, r->content_len);
    return 1;
}

/* Signs the oldest pending publish, marking its row in the same transaction, so that a crash
   leaves it either waiting or signed, never both. 1 if one was done, 0 if none waits, -1. */
static int sign_oldest(struct node *n)
{
    struct first f = {0};
    struct errbuf why = {""}, err = {""};
    struct entry *e = NULL;
    if (pending_each(n->store, 1, take_first, &f) < 0 || f.failed) goto fail;
    if (!f.n) return 0;
    uint8_t id[ID_SIZE];
    uint64_t seq;
    int already = pending_signed_already(n->store, n->key.pub, f.kind, f.content, f.len,
                                         f.created_ms, id, &seq);
    if (already < 0) goto fail;
    if (already) { /* signed after the backup this store came from, and taken back since */
        if (pending_done(n->store, f.n, id, seq, NULL, node_now_ms()) < 0) goto fail;
        elog(ELOG_INFO, "pending publish signed before", "n=%lld seq=%llu", (long long)f.n,
             (unsigned long long)seq);
        free(f.content);
        return 1;
    }
    uint64_t redactions = n->feeds.redactions;
    if (store_begin(n->store, &err) < 0) goto fail;
    int rc = feed_publish(&n->feeds, &n->key, f.kind, f.content, f.len, &e, &why, &err);
    if (rc < 0 ||
        pending_done(n->store, f.n, rc == ENTRY_OK ? e->id : NULL, rc == ENTRY_OK ? e->seq : 0,
                     rc == ENTRY_OK ? NULL
                     : why.msg[0]   ? why.msg
                                    : entry_status_str(rc),
                     node_now_ms()) < 0) {
        store_rollback(n->store);
        goto fail;
    }
    if (store_commit(n->store, &err) < 0) goto fail;
    if (rc == ENTRY_OK) {
        signed_one(n, e, redactions, f.n);
        watch_event(n, "published", n->key.pub, e->id, e->seq, NULL,
                    "pending publish %lld signed as seq %llu", (long long)f.n,
                    (unsigned long long)e->seq);
    } else {
        node_error(n, "pending publish %lld refused: %s", (long long)f.n,
                   why.msg[0] ? why.msg : entry_status_str(rc));
    }
    entry_destroy(&e);
    free(f.content);
    return 1;
fail:
    entry_destroy(&e);
    free(f.content);
    node_error(n, "cannot sign what is pending: %s", err.msg[0] ? err.msg : store_errmsg(n->store));
    return -1;
}

/* Signs everything pending, in order. */
static void flush(struct node *n)
{
    int rc;
    /* A key being rotated signs nothing more (its feed ends at the rotation's last seq): what
       waits is signed under the new key once the node runs under it (rotation.c). */
    if (n->rotating) return;
    while ((rc = sign_oldest(n)) == 1) {
    }
    n->own->flush_failed = rc < 0;
    if (rc == 0) pending_trim(n->store, node_now_ms() - PENDING_KEEP_MS);
}

static void confirm(struct node *n, const char *by)
{
    struct own *o = n->own;
    o->confirmed = 1;
    o->confirmed_ms = node_now_ms();
    snprintf(o->by, sizeof o->by, "%s", by);
    if (o->restored && store_meta_delete(n->store, RESTORED_KEY) < 0)
        node_error(n, "cannot clear the restored mark: %s", store_errmsg(n->store));
    char q[BY_MAX + 8];
    elog(ELOG_INFO, "own feed confirmed", "seq=%llu by=%s restored=%d",
         (unsigned long long)frontier_get(n->ours, n->key.pub), elog_quote(q, sizeof q, by),
         o->restored);
    watch_event(n, "confirmed", n->key.pub, NULL, frontier_get(n->ours, n->key.pub), NULL,
                "the head of this node's own feed (seq %llu) is confirmed by %s",
                (unsigned long long)frontier_get(n->ours, n->key.pub), by);
    flush(n);
}

/* The name a log and the CLI give a member's node. */
static void name_of(const struct node *n, const uint8_t key[KEY_SIZE], char *buf, size_t size)
{
    const char *name = node_member_name(n, key);
    char id[ID_HEX];
    snprintf(buf, size, "%s", name ? name : hex_encode(id, key, 6));
}

/* Confirms when a session's claim matches the head and no session claims more. */
static void check(struct node *n)
{
    if (!n->own || n->own->confirmed) return;
    if (alone(n)) return confirm(n, "no other member");
    if (claims_more(n)) return;
    uint64_t head = frontier_get(n->ours, n->key.pub);
    const uint8_t *id = frontier_id(n->ours, n->key.pub);
    for (const struct session *s = n->sessions; s; s = s->next) {
        if (s->state != SESSION_LIVE || !s->own_claimed || s->own_seq != head) continue;
        if (head == 0 || (s->own_has_id && id && memcmp(s->own_id, id, ID_SIZE) == 0)) {
            char by[BY_MAX];
            name_of(n, s->key, by, sizeof by);
            return confirm(n, by);
        }
    }
}

void own_claim(struct node *n, struct session *s, uint64_t seq, const uint8_t *id)
{
    char peer[ID_HEX];
    elog(ELOG_DEBUG, "own feed claimed", "peer=%s seq=%llu id=%d", hex_encode(peer, s->key, 6),
         (unsigned long long)seq, id != NULL);
    s->own_claimed = 1;
    s->own_seq = seq;
    s->own_has_id = id != NULL;
    if (id) memcpy(s->own_id, id, ID_SIZE);
    check(n);
}

void own_claim_unfounded(struct node *n, struct session *s)
{
    uint64_t head = frontier_get(n->ours, n->key.pub);
    if (!s->own_claimed || s->own_seq <= head) return;
    s->own_seq = head; /* neither more than here nor, without an id, a confirmation */
    s->own_has_id = 0;
    check(n);
}

void own_digest_equal(struct node *n, struct session *s)
{
    if (!n->own || n->own->confirmed || claims_more(n)) return;
    char by[BY_MAX];
    name_of(n, s->key, by, sizeof by);
    confirm(n, by);
}

void own_changed(struct node *n)
{
    if (n->own && n->own->confirmed && n->own->flush_failed) flush(n);
    check(n);
}

int own_confirm_by_operator(struct node *n)
{
    if (n->own->confirmed) {
        if (n->own->flush_failed) flush(n);
        return n->own->flush_failed ? -1 : 0;
    }
    elog(ELOG_WARN, "own feed confirmed by the operator", "seq=%llu",
         (unsigned long long)frontier_get(n->ours, n->key.pub));
    confirm(n, "the operator");
    return n->own->flush_failed ? -1 : 0;
}

const char *own_waits_for(const struct node *n, char *buf, size_t size)
{
    unsigned long long head = frontier_get(n->ours, n->key.pub);
    const struct session *more = claims_more(n);
    char who[BY_MAX] = "", day[16] = "";
    if (!n->own || n->own->confirmed) {
        buf[0] = '\0';
    } else if (more) {
        name_of(n, more->key, who, sizeof who);
        snprintf(buf, size,
                 "this node first takes back its own entries %llu to %llu from %s (published "
                 "before its store was last saved or restored)",
                 head + 1, (unsigned long long)more->own_seq, who);
    } else if (n->own->restored) {
        time_t t = (time_t)(n->own->restored_ms / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        snprintf(buf, size,
                 "the store was restored from a backup on %s: this node signs nothing new until "
                 "another member's node has confirmed the head of its feed (seq %llu) or taken "
                 "back anything newer",
                 day, head);
    } else {
        snprintf(buf, size,
                 "this node signs nothing new after a start until another member's node has "
                 "confirmed the head of its feed (seq %llu); none has yet",
                 head);
    }
    return buf;
}

int own_publish(struct node *n, uint32_t kind, const uint8_t *content, size_t len,
                struct own_published *out, struct errbuf *why, struct errbuf *err)
{
    out->entry = NULL;
    out->pending = 0;
    uint64_t fork = frontier_get(n->forked, n->key.pub), redactions = n->feeds.redactions;
    if (fork) {
        errbuf_set(why,
                   "this node's own feed forked at seq %llu, so no member takes what it publishes; "
                   "the board must give this member a new key (ekonet status says more)",
                   (unsigned long long)fork);
        return ENTRY_QUARANTINED;
    }
    int rc = feed_check_publish(&n->feeds, &n->key, kind, content, len, why, err);
    if (rc != ENTRY_OK) return rc;
    int64_t waiting = n->own->confirmed ? pending_waiting(n->store) : 1;
    if (waiting < 0) return errbuf_set(err, "cannot read the store: %s", store_errmsg(n->store));
    if (waiting == 0) {
        rc = feed_publish(&n->feeds, &n->key, kind, content, len, &out->entry, why, err);
        if (rc == ENTRY_OK) signed_one(n, out->entry, redactions, 0);
        return rc;
    }
    rc = pending_add(n->store, kind, content, len, node_now_ms(), &out->pending);
    if (rc < 0) return errbuf_set(err, "cannot keep it as pending: %s", store_errmsg(n->store));
    if (rc == 1) {
        errbuf_set(why, "%d publishes wait already (ekonet pending); nothing more is taken",
                   PENDING_MAX);
        return ENTRY_CONTENT_INVALID;
    }
    elog(ELOG_INFO, "kept as pending", "n=%lld kind=%s", (long long)out->pending,
         entry_kind_str(kind));
    if (n->own->confirmed) flush(n); /* behind others that wait: in order */
    return ENTRY_OK;
}

void own_forked(struct node *n, uint64_t seq)
{
    elog(ELOG_ERROR, "own feed forked",
         "seq=%llu detail=\"two different entries at seq %llu were signed with this node's key "
         "(its store restored from an old copy and then used, or the key in use on two "
         "machines); every member stops taking this node's feed from that seq on, so nothing "
         "it publishes reaches anyone; the board must give the member a new key\"",
         (unsigned long long)seq, (unsigned long long)seq);
    node_error(n, "this node's own feed forked at seq %llu: the board must give it a new key",
               (unsigned long long)seq);
}
