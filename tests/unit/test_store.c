/*
 * The store and the accept path: what is published survives reopening, batches are atomic,
 * duplicates, gaps, forks and bad content are refused with their reasons, and the query
 * tables can be rebuilt from the entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "content.pb-c.h"
#include "ekonet/feed.h"
#include "ekonet/pending.h"
#include "ekonet/project.h"
#include "ekonet/reports.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

#define MAX_CONTENT 65536

struct fixture {
    char dir[64];
    char path[128];
    struct node_key me, other;
    struct store *store;
    struct feeds feeds;
};

static void open_store(struct fixture *f)
{
    struct errbuf err = {""};
    f->store = store_open(f->path, &err);
    if (!f->store) fail_msg("store_open: %s", err.msg);
    memset(&f->feeds, 0, sizeof f->feeds);
    f->feeds.store = f->store;
    memset(f->feeds.network, 0xAB, ID_SIZE);
    f->feeds.max_content = MAX_CONTENT;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    uint8_t seed[32];
    key_lib_init();
    tmpdir_make(f->dir, f->path, "store");
    memset(seed, 3, sizeof seed);
    key_from_seed(&f->me, seed);
    memset(seed, 4, sizeof seed);
    key_from_seed(&f->other, seed);
    open_store(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_destroy(&f->store);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Packs a report with this title (and optionally the id it supersedes). */
static uint8_t *report(const char *title, const uint8_t *supersedes, size_t *len)
{
    Ekonet__Report r = EKONET__REPORT__INIT;
    r.title = (char *)title;
    r.summary = "summary";
    if (supersedes) {
        r.has_supersedes = 1;
        r.supersedes = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)supersedes};
    }
    *len = ekonet__report__get_packed_size(&r);
    uint8_t *buf = malloc(*len);
    ekonet__report__pack(&r, buf);
    return buf;
}

static struct entry *publish(struct fixture *f, const char *title, const uint8_t *supersedes)
{
    size_t len;
    uint8_t *c = report(title, supersedes, &len);
    struct entry *e;
    struct errbuf why = {""}, err = {""};
    int rc =
        feed_publish(&f->feeds, &f->me, EKONET__ENTRY_KIND__KIND_REPORT, c, len, &e, &why, &err);
    free(c);
    if (rc != ENTRY_OK) fail_msg("publish: %d %s %s", rc, why.msg, err.msg);
    return e;
}

/* The other member's feed, built by hand as a peer would send it. */
static struct entry **other_feed(struct fixture *f, size_t n)
{
    struct entry **v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        char title[32];
        size_t len;
        snprintf(title, sizeof title, "report %zu", i + 1);
        uint8_t *c = report(title, NULL, &len);
        v[i] = entry_new(f->feeds.network, f->other.pub, i + 1, i ? v[i - 1]->id : NULL, 1000 + i,
                         EKONET__ENTRY_KIND__KIND_REPORT, c, len);
        entry_sign(v[i], &f->other);
        free(c);
    }
    return v;
}

static void free_feed(struct entry **v, size_t n)
{
    for (size_t i = 0; i < n; i++) entry_destroy(&v[i]);
    free(v);
}

static int accept(struct fixture *f, struct entry *const *v, size_t n, int *status)
{
    struct errbuf why = {""}, err = {""};
    int rc = feed_accept(&f->feeds, v, n, status, &why, &err);
    assert_int_not_equal(rc, -1);
    return rc;
}

static uint64_t head_seq(struct fixture *f, const uint8_t *author)
{
    struct feed_head h;
    assert_int_equal(store_head(f->store, author, &h), 0);
    return h.seq;
}

/* Transactions nest: a batch accepted inside the caller's transaction is a savepoint of its
   own, so one that fails leaves the others. */
static void batches_share_a_commit_and_fail_alone(void **state)
{
    struct fixture *f = *state;
    struct entry **v = other_feed(f, 6);
    int status[3];
    struct errbuf why = {""}, err = {""};
    assert_int_equal(store_begin(f->store, &err), 0);
    assert_int_equal(accept(f, v, 3, status), 3);
    struct entry *gap[2] = {v[3], v[5]}; /* all or nothing: the gap refuses both */
    assert_int_equal(feed_accept_all(&f->feeds, gap, 2, status, &why, &err), 0);
    assert_int_equal(status[1], ENTRY_GAP);
    assert_int_equal(head_seq(f, f->other.pub), 3);
    assert_int_equal(store_commit(f->store, &err), 0);
    assert_int_equal(head_seq(f, f->other.pub), 3);
    /* the outer rollback undoes a batch that was committed inside it */
    assert_int_equal(store_begin(f->store, &err), 0);
    assert_int_equal(accept(f, v + 3, 1, status), 1);
    store_rollback(f->store);
    assert_int_equal(head_seq(f, f->other.pub), 3);
    /* and the store is usable as before */
    assert_int_equal(accept(f, v + 3, 3, status), 3);
    store_destroy(&f->store);
    open_store(f);
    assert_int_equal(head_seq(f, f->other.pub), 6);
    free_feed(v, 6);
}

static int fts_count(struct fixture *f, const char *query)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(f->store),
                           "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH ?1", -1, &st,
                           NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Verified batches stored together (feed_accept_batches): one transaction, each batch with
   its own outcomes and its own first refusal, and all of them in the full-text index. */
static void batches_accepted_together_keep_their_own_outcomes(void **state)
{
    struct fixture *f = *state;
    struct entry **v = other_feed(f, 6);
    struct entry *a[] = {v[0], v[1], v[2]}, *b[] = {v[3], v[5]}, *c[] = {v[4], v[5]};
    int sa[3], sb[2], sc[2];
    struct feed_batch fb[] = {{.v = a, .n = 3, .status = sa},
                              {.v = b, .n = 2, .status = sb},
                              {.v = c, .n = 2, .status = sc}};
    struct errbuf err = {""};
    assert_int_equal(feed_accept_batches(&f->feeds, fb, 3, &err), 6);
    assert_int_equal(fb[0].accepted, 3);
    assert_string_equal(fb[0].why.msg, "");
    assert_int_equal(fb[1].accepted, 1);
    assert_int_equal(sb[0], ENTRY_OK);
    assert_int_equal(sb[1], ENTRY_GAP); /* seq 6 before 5: refused, and taken in batch c */
    assert_non_null(strstr(fb[1].why.msg, entry_status_str(ENTRY_GAP)));
    assert_int_equal(fb[2].accepted, 2);
    assert_string_equal(fb[2].why.msg, "");
    assert_int_equal(f->feeds.refused[ENTRY_GAP], 1);
    assert_int_equal(fts_count(f, "report"), 6);
    /* batches of nothing: nothing to do */
    struct feed_batch none = {.v = a, .n = 0, .status = sa};
    assert_int_equal(feed_accept_batches(&f->feeds, &none, 1, &err), 0);
    store_destroy(&f->store);
    open_store(f);
    assert_int_equal(head_seq(f, f->other.pub), 6);
    assert_int_equal(fts_count(f, "report"), 6);
    free_feed(v, 6);
}

static void a_new_store_has_the_current_schema(void **state)
{
    struct fixture *f = *state;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->store), "PRAGMA user_version", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), STORE_SCHEMA_VERSION);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(store_db(f->store), "PRAGMA journal_mode", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
}

static void published_entries_survive_reopening(void **state)
{
    struct fixture *f = *state;
    struct entry *e1 = publish(f, "Solpaneler på skolorna", NULL);
    struct entry *e2 = publish(f, "Matavfall", NULL);
    assert_int_equal(e1->seq, 1);
    assert_int_equal(e2->seq, 2);
    assert_memory_equal(e2->prev, e1->id, ID_SIZE);

    store_destroy(&f->store);
    open_store(f);
    struct feed_head h;
    assert_int_equal(store_head(f->store, f->me.pub, &h), 0);
    assert_int_equal(h.seq, 2);
    assert_memory_equal(h.id, e2->id, ID_SIZE);
    struct entry *got;
    assert_int_equal(store_get(f->store, e1->id, &got), 1);
    assert_memory_equal(got->header, e1->header, e1->header_len);
    assert_memory_equal(got->content, e1->content, e1->content_len);
    assert_int_equal(entry_check(got, f->feeds.network, MAX_CONTENT), ENTRY_OK);
    entry_destroy(&got);
    assert_int_equal(store_get_seq(f->store, f->me.pub, 2, &got), 1);
    assert_memory_equal(got->id, e2->id, ID_SIZE);
    entry_destroy(&got);
    assert_int_equal(store_get_seq(f->store, f->me.pub, 3, &got), 0);
    uint64_t entries, feeds;
    assert_int_equal(store_counts(f->store, &entries, &feeds), 0);
    assert_int_equal(entries, 2);
    assert_int_equal(feeds, 1);
    entry_destroy(&e1);
    entry_destroy(&e2);
}

static void a_batch_from_a_peer_is_accepted_in_order(void **state)
{
    struct fixture *f = *state;
    struct entry **v = other_feed(f, 100);
    int status[100];
    assert_int_equal(accept(f, v, 100, status), 100);
    for (int i = 0; i < 100; i++) assert_int_equal(status[i], ENTRY_OK);
    struct feed_head h;
    store_head(f->store, f->other.pub, &h);
    assert_int_equal(h.seq, 100);
    assert_int_equal(f->feeds.accepted, 100);
    free_feed(v, 100);
}

static void duplicates_gaps_and_forks_are_told_apart(void **state)
{
    struct fixture *f = *state;
    struct entry **v = other_feed(f, 5);
    int status[5];
    assert_int_equal(accept(f, v, 3, status), 3);
    /* the same entries again: duplicates */
    assert_int_equal(accept(f, v, 1, status), 0);
    assert_int_equal(status[0], ENTRY_DUPLICATE);
    /* seq 5 while the head is 3: a gap */
    assert_int_equal(accept(f, &v[4], 1, status), 0);
    assert_int_equal(status[0], ENTRY_GAP);
    /* another entry with seq 2 signed by the same author: a fork */
    size_t len;
    uint8_t *c = report("forked", NULL, &len);
    struct entry *fork = entry_new(f->feeds.network, f->other.pub, 2, v[0]->id, 5555,
                                   EKONET__ENTRY_KIND__KIND_REPORT, c, len);
    entry_sign(fork, &f->other);
    assert_int_equal(accept(f, &fork, 1, status), 0);
    assert_int_equal(status[0], ENTRY_FORK);
    /* once the fork is marked, nothing past it is accepted */
    assert_int_equal(store_mark_fork(f->store, f->other.pub, 2), 0);
    assert_int_equal(accept(f, &v[3], 1, status), 0);
    assert_int_equal(status[0], ENTRY_QUARANTINED);
    assert_int_equal(f->feeds.refused[ENTRY_DUPLICATE], 1);
    assert_int_equal(f->feeds.refused[ENTRY_GAP], 1);
    assert_int_equal(f->feeds.refused[ENTRY_FORK], 1);
    free(c);
    entry_destroy(&fork);
    free_feed(v, 5);
}

static void a_bad_entry_in_a_batch_is_refused_alone(void **state)
{
    struct fixture *f = *state;
    struct entry **v = other_feed(f, 4);
    v[2]->sigs[0].sig[0] ^= 1; /* forged */
    int status[4];
    assert_int_equal(accept(f, v, 4, status), 2);
    assert_int_equal(status[0], ENTRY_OK);
    assert_int_equal(status[1], ENTRY_OK);
    assert_int_equal(status[2], ENTRY_BAD_SIGNATURE);
    assert_int_equal(status[3], ENTRY_GAP); /* its predecessor was refused */
    struct feed_head h;
    store_head(f->store, f->other.pub, &h);
    assert_int_equal(h.seq, 2);
    free_feed(v, 4);
}

static void invalid_content_is_refused_with_the_field_named(void **state)
{
    struct fixture *f = *state;
    size_t len;
    uint8_t *c = report("", NULL, &len);
    struct entry *e;
    struct errbuf why = {""}, err = {""};
    int rc =
        feed_publish(&f->feeds, &f->me, EKONET__ENTRY_KIND__KIND_REPORT, c, len, &e, &why, &err);
    assert_int_equal(rc, ENTRY_CONTENT_INVALID);
    assert_non_null(strstr(why.msg, "title"));
    assert_null(e);
    free(c);
    /* unknown kinds and undecodable content, too */
    rc = feed_publish(&f->feeds, &f->me, 99, (const uint8_t *)"x", 1, &e, &why, &err);
    assert_int_equal(rc, ENTRY_UNKNOWN_KIND);
    rc = feed_publish(&f->feeds, &f->me, EKONET__ENTRY_KIND__KIND_REPORT,
                      (const uint8_t *)"\xff\xff", 2, &e, &why, &err);
    assert_int_equal(rc, ENTRY_CONTENT_INVALID);
    uint64_t entries, feeds;
    store_counts(f->store, &entries, &feeds);
    assert_int_equal(entries, 0);
}

static void entries_of_non_members_are_refused(void **state)
{
    struct fixture *f = *state;
    struct roster empty = {0}; /* a network whose board admitted nobody */
    f->feeds.roster = &empty;
    struct entry **v = other_feed(f, 1);
    int status[1];
    assert_int_equal(accept(f, v, 1, status), 0);
    assert_int_equal(status[0], ENTRY_NOT_MEMBER);
    free_feed(v, 1);
}

struct titles {
    char text[512];
    uint32_t versions[8];
    int n;
};

static void collect(void *ctx, const struct report_row *r)
{
    struct titles *t = ctx;
    strcat(t->text, r->title);
    strcat(t->text, "|");
    t->versions[t->n++] = r->versions;
}

static void edits_supersede_and_reindex_rebuilds_the_same(void **state)
{
    struct fixture *f = *state;
    struct entry *a = publish(f, "Första", NULL);
    struct entry *b = publish(f, "Andra", NULL);
    struct entry *a2 = publish(f, "Första, reviderad", a->id);
    struct report_filter filter = {.limit = 50};
    struct errbuf err;
    struct titles before = {"", {0}, 0}, after = {"", {0}, 0};
    uint64_t total;
    assert_int_equal(reports_query(f->store, &filter, collect, &before, &total, &err), 0);
    assert_int_equal(total, 2);
    assert_string_equal(before.text, "Första, reviderad|Andra|");
    assert_int_equal(before.versions[0], 2);

    /* wipe a projection row by hand, then rebuild from the entries */
    sqlite3_exec(store_db(f->store), "DELETE FROM reports", NULL, NULL, NULL);
    uint64_t count;
    assert_int_equal(project_rebuild(f->store, &count, &err), 0);
    assert_int_equal(count, 3);
    assert_int_equal(reports_query(f->store, &filter, collect, &after, &total, &err), 0);
    assert_string_equal(after.text, before.text);
    assert_int_equal(after.versions[0], 2);
    entry_destroy(&a);
    entry_destroy(&b);
    entry_destroy(&a2);
}

/* The other member's entry at seq after prev, dated ts (ms since 1970). */
static struct entry *dated(struct fixture *f, uint64_t seq, const struct entry *prev, uint64_t ts,
                           const char *title)
{
    size_t len;
    uint8_t *c = report(title, NULL, &len);
    struct entry *e = entry_new(f->feeds.network, f->other.pub, seq, prev ? prev->id : NULL, ts,
                                EKONET__ENTRY_KIND__KIND_REPORT, c, len);
    entry_sign(e, &f->other);
    free(c);
    return e;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A minute under a day ahead is accepted, a minute over is held (refused as future, with how
   far ahead), and the feed waits there; a date long past is fine. */
static void an_entry_more_than_a_day_ahead_is_held_and_its_feed_waits(void **state)
{
    struct fixture *f = *state;
    const uint64_t minute = 60000, now = now_ms();
    struct entry *v[4];
    v[0] = dated(f, 1, NULL, 86400000, "1970");
    v[1] = dated(f, 2, v[0], now + ENTRY_FUTURE_MAX_MS - minute, "I morgon");
    v[2] = dated(f, 3, v[1], now + ENTRY_FUTURE_MAX_MS + minute, "I övermorgon");
    v[3] = dated(f, 4, v[2], now, "I dag");
    int status[4];
    struct errbuf why = {""}, err = {""};
    assert_int_equal(feed_accept(&f->feeds, v, 4, status, &why, &err), 2);
    assert_int_equal(status[0], ENTRY_OK);
    assert_int_equal(status[1], ENTRY_OK);
    assert_int_equal(status[2], ENTRY_FUTURE);
    assert_int_equal(status[3], ENTRY_GAP); /* it chains to the held one */
    assert_non_null(strstr(why.msg, "ahead of this node's clock"));
    assert_non_null(strstr(why.msg, "24 hours ahead"));
    assert_int_equal(f->feeds.refused[ENTRY_FUTURE], 1);
    assert_int_equal(head_seq(f, f->other.pub), 2);
    for (int i = 0; i < 4; i++) entry_destroy(&v[i]);
}

/* Stores and projects e as a node without the date rule did. */
static void store_unchecked(struct fixture *f, const struct entry *e)
{
    int64_t n;
    assert_int_equal(store_put(f->store, e, &n), 0);
    assert_int_equal(project_entry(f->store, e, n), 0);
}

struct listed {
    char text[512];
    uint64_t ts[8];
    int n;
};

static void collect_listed(void *ctx, const struct report_row *r)
{
    struct listed *l = ctx;
    strcat(l->text, r->title);
    strcat(l->text, "|");
    l->ts[l->n++] = r->timestamp_ms;
}

static void list_dated(struct fixture *f, const uint8_t *author, uint64_t since_ms,
                       uint64_t until_ms, struct listed *l)
{
    struct report_filter filter = {
        .author = author, .since_ms = since_ms, .until_ms = until_ms, .limit = 50};
    struct errbuf err;
    uint64_t total;
    memset(l, 0, sizeof *l);
    assert_int_equal(reports_query(f->store, &filter, collect_listed, l, &total, &err), 0);
}

static void list(struct fixture *f, const uint8_t *author, struct listed *l)
{
    list_dated(f, author, 0, 0, l);
}

/* Newest first means newest here: a report dated ahead is listed as of when it came, below
   those that came after it, and shows its author's date all the same. So does one stored
   before the rule (dated 50 years ahead), once the projection is rebuilt. Reindexing keeps it,
   and --since and --until find each report where the list puts it. */
static void lists_order_by_when_reports_came_not_by_the_authors_clock(void **state)
{
    struct fixture *f = *state;
    const uint64_t hour = 3600000, now = now_ms();
    struct entry *ahead = dated(f, 1, NULL, now + 23 * hour, "Daterad i morgon");
    struct entry *old = dated(f, 2, ahead, 1262304000000ull, "Från 2010");
    struct entry *future = dated(f, 3, old, now + 50 * 8766 * hour, "Daterad om 50 år");
    int status[2];
    struct listed l;
    struct errbuf err;
    assert_int_equal(accept(f, &ahead, 1, status), 1);
    entry_destroy(&ahead);
    ahead = publish(f, "Kom sedan", NULL);
    assert_int_equal(accept(f, &old, 1, status), 1);
    list(f, NULL, &l);
    assert_string_equal(l.text, "Kom sedan|Daterad i morgon|Från 2010|");
    assert_int_equal(l.ts[1], now + 23 * hour); /* the author's date is what is shown */
    list(f, f->other.pub, &l);
    assert_string_equal(l.text, "Daterad i morgon|Från 2010|");

    store_unchecked(f, future);
    entry_destroy(&future);
    future = publish(f, "Kom sist", NULL);
    list(f, NULL, &l);
    assert_string_equal(l.text, "Kom sist|Daterad om 50 år|Kom sedan|Daterad i morgon|Från 2010|");
    uint64_t count;
    assert_int_equal(project_rebuild(f->store, &count, &err), 0);
    list(f, NULL, &l);
    assert_string_equal(l.text, "Kom sist|Daterad om 50 år|Kom sedan|Daterad i morgon|Från 2010|");
    /* date filters go by the same time as the order: a report is found where it is listed */
    list_dated(f, NULL, now - hour, 0, &l);
    assert_string_equal(l.text, "Kom sist|Daterad om 50 år|Kom sedan|Daterad i morgon|");
    list_dated(f, NULL, 0, now - hour, &l);
    assert_string_equal(l.text, "Från 2010|");
    entry_destroy(&ahead);
    entry_destroy(&old);
    entry_destroy(&future);
}

static void id_prefixes_resolve(void **state)
{
    struct fixture *f = *state;
    struct entry *last = NULL;
    for (int i = 0; i < 20; i++) {
        entry_destroy(&last);
        last = publish(f, "x", NULL);
    }
    char hex[ID_HEX];
    uint8_t id[ID_SIZE];
    for (int i = 0; i < ID_SIZE; i++) sprintf(hex + 2 * i, "%02x", last->id[i]);
    assert_int_equal(store_resolve(f->store, hex, id), 1);
    assert_memory_equal(id, last->id, ID_SIZE);
    hex[12] = '\0';
    assert_int_equal(store_resolve(f->store, hex, id), 1);
    /* 20 entries among 16 first digits: some digit is shared */
    int ambiguous = 0;
    for (const char *d = "0123456789abcdef"; *d; d++) {
        char one[2] = {*d, '\0'};
        if (store_resolve(f->store, one, id) == 2) ambiguous = 1;
    }
    assert_true(ambiguous);
    assert_int_equal(store_resolve(f->store, "zz", id), 0);
    entry_destroy(&last);
}

static int count_entry(void *ctx, const struct entry *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

/* A peer's Want names any range: one reaching past the largest seq neither wraps nor widens. */
static void ranges_past_the_largest_seq_are_empty(void **state)
{
    struct fixture *f = *state;
    struct entry *e1 = publish(f, "Solpaneler på skolorna", NULL);
    struct entry *e2 = publish(f, "Matavfall", NULL);
    int n = 0;
    assert_int_equal(store_range(f->store, f->me.pub, 1, UINT32_MAX, count_entry, &n), 2);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(store_range(f->store, f->me.pub, UINT64_MAX - 1, UINT32_MAX, count_entry, &n),
                     0);
    assert_int_equal(store_range(f->store, f->me.pub, (uint64_t)INT64_MAX, 10, count_entry, &n), 0);
    assert_int_equal(store_range(f->store, f->me.pub, (uint64_t)INT64_MAX + 1, 10, count_entry, &n),
                     0);
    assert_int_equal(n, 0);
    entry_destroy(&e1);
    entry_destroy(&e2);
}

static void meta_numbers_are_kept_until_removed(void **state)
{
    struct fixture *f = *state;
    int64_t v = 7;
    assert_int_equal(store_meta_get(f->store, "restored_ms", &v), 0);
    assert_int_equal(v, 7); /* untouched when absent */
    assert_int_equal(store_meta_set(f->store, "restored_ms", 1764000000000), 0);
    store_destroy(&f->store);
    open_store(f);
    assert_int_equal(store_meta_get(f->store, "restored_ms", &v), 1);
    assert_true(v == 1764000000000);
    assert_int_equal(store_meta_delete(f->store, "restored_ms"), 0);
    assert_int_equal(store_meta_get(f->store, "restored_ms", &v), 0);
}

static int count_row(void *ctx, const struct pending_row *r)
{
    struct pending_row *last = ctx;
    *last = *r;
    last->content = NULL; /* valid only during the call */
    last->seq++;          /* used as the count: seq of a waiting row is 0 */
    return 0;
}

/* Publishes kept while the own feed's head is unconfirmed: kept in order across a reopening,
   marked signed or refused, bounded, and done rows forgotten after PENDING_KEEP_MS. */
static void pending_publishes_are_kept_in_order_and_bounded(void **state)
{
    struct fixture *f = *state;
    int64_t n1, n2, n;
    struct pending_row r;
    assert_int_equal(pending_add(f->store, 11, (const uint8_t *)"abc", 3, 1000, &n1), 0);
    assert_int_equal(pending_add(f->store, 13, (const uint8_t *)"", 0, 2000, &n2), 0);
    assert_true(n2 > n1);
    store_destroy(&f->store);
    open_store(f);
    assert_int_equal(pending_waiting(f->store), 2);
    uint8_t id[ID_SIZE];
    memset(id, 7, sizeof id);
    assert_int_equal(pending_done(f->store, n1, id, 42, NULL, 3000), 0);
    assert_int_equal(pending_done(f->store, n2, NULL, 0, "the title is empty", 3000), 0);
    assert_int_equal(pending_get(f->store, n1, &r), 1);
    assert_int_equal(r.state, PENDING_SIGNED);
    assert_true(r.seq == 42 && r.kind == 11 && r.created_ms == 1000 && r.done_ms == 3000);
    assert_memory_equal(r.id, id, ID_SIZE);
    assert_int_equal(pending_get(f->store, n2, &r), 1);
    assert_int_equal(r.state, PENDING_REFUSED);
    assert_string_equal(r.why, "the title is empty");
    assert_int_equal(pending_get(f->store, n2 + 1, &r), 0);
    assert_int_equal(pending_waiting(f->store), 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(pending_each(f->store, 1, count_row, &r), 0);
    assert_true(r.seq == 0); /* none waiting */
    for (int i = 0; i < PENDING_MAX; i++)
        assert_int_equal(pending_add(f->store, 11, (const uint8_t *)"x", 1, 4000, &n), 0);
    assert_int_equal(pending_add(f->store, 11, (const uint8_t *)"x", 1, 4000, &n), 1); /* full */
    assert_int_equal(pending_trim(f->store, 3001), 0); /* the two done rows go */
    assert_int_equal(pending_get(f->store, n1, &r), 0);
    assert_int_equal(pending_waiting(f->store), PENDING_MAX);
}

static void a_newer_schema_is_refused(void **state)
{
    struct fixture *f = *state;
    sqlite3_exec(store_db(f->store), "PRAGMA user_version=99", NULL, NULL, NULL);
    store_destroy(&f->store);
    struct errbuf err = {""};
    assert_null(store_open(f->path, &err));
    assert_non_null(strstr(err.msg, "newer than this ekonetd"));
    sqlite3 *db;
    sqlite3_open(f->path, &db);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    open_store(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_new_store_has_the_current_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(meta_numbers_are_kept_until_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(pending_publishes_are_kept_in_order_and_bounded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(published_entries_survive_reopening, setup, teardown),
        cmocka_unit_test_setup_teardown(a_batch_from_a_peer_is_accepted_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_share_a_commit_and_fail_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_accepted_together_keep_their_own_outcomes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(duplicates_gaps_and_forks_are_told_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_entry_in_a_batch_is_refused_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_content_is_refused_with_the_field_named, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(entries_of_non_members_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(edits_supersede_and_reindex_rebuilds_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_entry_more_than_a_day_ahead_is_held_and_its_feed_waits,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(lists_order_by_when_reports_came_not_by_the_authors_clock,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(id_prefixes_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(ranges_past_the_largest_seq_are_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(a_newer_schema_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
