#include <string.h>
#include <time.h>

#include "ekonet/content.h"
#include "ekonet/feed.h"
#include "ekonet/project.h"
#include "ekonet/store.h"

/* Checks one entry against the store's view of its feed, inside the open transaction. */
static int check_one(struct feeds *f, const struct entry *e, struct errbuf *why)
{
    int rc = entry_check(e, f->network, f->max_content);
    if (rc != ENTRY_OK) return rc;
    struct feed_head h;
    if (store_head(f->store, e->author, &h) < 0) return -1;
    if (h.fork_seq && e->seq >= h.fork_seq) return ENTRY_QUARANTINED;
    rc = entry_check_chain(e, h.seq, h.id);
    if (rc == ENTRY_DUPLICATE) {
        struct entry *have = NULL;
        int got = store_get_seq(f->store, e->author, e->seq, &have);
        if (got < 0) return -1;
        rc = got && memcmp(have->id, e->id, ID_SIZE) != 0 ? ENTRY_FORK : ENTRY_DUPLICATE;
        entry_destroy(&have);
        return rc;
    }
    if (rc != ENTRY_OK) return rc;
    if (f->member && (rc = f->member(f->member_ctx, e->author, e->seq)) != ENTRY_OK) return rc;
    if (!e->content) return ENTRY_CONTENT_MISSING;
    return content_check(e->kind, e->content, e->content_len, why);
}

int feed_accept(struct feeds *f, struct entry *const *v, size_t n, int *status, struct errbuf *why,
                struct errbuf *err)
{
    int accepted = 0, first_refusal = 1;
    if (store_begin(f->store, err) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        struct errbuf detail = {""};
        int rc = check_one(f, v[i], &detail);
        if (rc == ENTRY_OK) {
            int64_t num;
            if (store_put(f->store, v[i], &num) < 0 || project_entry(f->store, v[i], num) < 0)
                rc = -1;
        }
        if (rc < 0) {
            errbuf_set(err, "cannot store entries: %s", store_errmsg(f->store));
            store_rollback(f->store);
            return -1;
        }
        status[i] = rc;
        if (rc == ENTRY_OK) {
            accepted++;
        } else if (first_refusal) {
            first_refusal = 0;
            if (why) {
                if (detail.msg[0])
                    errbuf_set(why, "%s: %s", entry_status_str(rc), detail.msg);
                else
                    errbuf_set(why, "%s", entry_status_str(rc));
            }
        }
    }
    if (store_commit(f->store, err) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if (status[i] == ENTRY_OK)
            f->accepted++;
        else
            f->refused[status[i]]++;
    }
    return accepted;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int feed_publish(struct feeds *f, const struct node_key *k, uint32_t kind, const uint8_t *content,
                 size_t len, struct entry **out, struct errbuf *why, struct errbuf *err)
{
    *out = NULL;
    struct feed_head h;
    if (store_head(f->store, k->pub, &h) < 0)
        return errbuf_set(err, "cannot read the feed: %s", store_errmsg(f->store));
    /* Content is checked here too, before signing, so that a refusal names the field. */
    if (len > f->max_content) {
        errbuf_set(why, "the content is %zu bytes, over the limit of %zu", len, f->max_content);
        return ENTRY_CONTENT_TOO_LARGE;
    }
    int rc = content_check(kind, content, len, why);
    if (rc != ENTRY_OK) return rc;
    struct entry *e =
        entry_new(f->network, k->pub, h.seq + 1, h.seq ? h.id : NULL, now_ms(), kind, content, len);
    if (!e || entry_sign(e, k) < 0) {
        entry_destroy(&e);
        return errbuf_set(err, "out of memory");
    }
    int status;
    int n = feed_accept(f, &e, 1, &status, why, err);
    if (n < 0 || status != ENTRY_OK) {
        entry_destroy(&e);
        return n < 0 ? -1 : status;
    }
    *out = e;
    return ENTRY_OK;
}
