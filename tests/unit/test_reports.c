/*
 * The knowledge bank's projection: full-text search that folds Swedish diacritics, filters,
 * versions, retractions (of every version) and redactions (gone from the index too).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.pb-c.h"
#include "ekonet/feed.h"
#include "ekonet/redact.h"
#include "ekonet/reports.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

struct fixture {
    char dir[64], path[128];
    struct node_key me;
    struct store *store;
    struct feeds feeds;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    uint8_t seed[32] = {5};
    key_lib_init();
    key_from_seed(&f->me, seed);
    tmpdir_make(f->dir, f->path, "reports");
    assert_non_null(f->store = store_open(f->path, &err));
    f->feeds.store = f->store;
    f->feeds.max_content = 65536;
    memset(f->feeds.network, 1, ID_SIZE);
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

static void publish(struct fixture *f, uint32_t kind, const uint8_t *buf, size_t len,
                    uint8_t id[ID_SIZE])
{
    struct entry *e;
    struct errbuf why = {""}, err = {""};
    int rc = feed_publish(&f->feeds, &f->me, kind, buf, len, &e, &why, &err);
    if (rc != ENTRY_OK) fail_msg("publish: %s %s", why.msg, err.msg);
    if (id) memcpy(id, e->id, ID_SIZE);
    entry_destroy(&e);
}

static void report(struct fixture *f, const char *title, const char *body, const char *topic,
                   const uint8_t *supersedes, uint8_t id[ID_SIZE])
{
    Ekonet__Report r = EKONET__REPORT__INIT;
    char *topics[1] = {(char *)topic};
    uint8_t buf[4096];
    r.title = (char *)title;
    r.body = (char *)body;
    if (topic) r.n_topics = 1, r.topics = topics;
    if (supersedes) {
        r.has_supersedes = 1;
        r.supersedes = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)supersedes};
    }
    publish(f, EKONET__ENTRY_KIND__KIND_REPORT, buf, ekonet__report__pack(&r, buf), id);
}

struct hits {
    char titles[512];
    char snippet[256];
};

static void collect(void *ctx, const struct report_row *r)
{
    struct hits *h = ctx;
    strcat(h->titles, r->title);
    strcat(h->titles, "|");
    if (r->snippet && !h->snippet[0]) snprintf(h->snippet, sizeof h->snippet, "%s", r->snippet);
}

static uint64_t search(struct fixture *f, const char *query, const char *topic, struct hits *h)
{
    struct report_filter flt = {.query = query, .topic = topic, .limit = 50};
    struct errbuf err;
    uint64_t total = 0;
    memset(h, 0, sizeof *h);
    assert_int_equal(reports_query(f->store, &flt, collect, h, &total, &err), 0);
    return total;
}

static void queries_are_words_that_must_all_match(void **state)
{
    (void)state;
    char *q = reports_fts_query("  Malmö  \"avfall* OR ");
    assert_string_equal(q, "\"Malmö\" AND \"avfall\"* AND \"OR\"");
    free(q);
    assert_null(reports_fts_query("   "));
}

static void search_folds_diacritics_and_ranks_titles_first(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    report(f, "Matavfall i Malmö", "Bruna påsar i Rosengård.", "avfall", NULL, NULL);
    report(f, "Solceller", "Vi pratade om Malmö också.", "energi", NULL, NULL);
    assert_int_equal(search(f, "malmo", NULL, &h), 2);
    assert_string_equal(h.titles, "Matavfall i Malmö|Solceller|"); /* the title match first */
    assert_int_equal(search(f, "MALMÖ", NULL, &h), 2);
    assert_int_equal(search(f, "rosengard", NULL, &h), 1);
    assert_non_null(strstr(h.snippet, SNIPPET_OPEN "Rosengård" SNIPPET_CLOSE));
    assert_int_equal(search(f, "matavf", NULL, &h), 0);  /* whole words ... */
    assert_int_equal(search(f, "matavf*", NULL, &h), 1); /* ... or what they begin with */
    assert_int_equal(search(f, "malmo", "energi", &h), 1);
    assert_string_equal(h.titles, "Solceller|");
    assert_int_equal(search(f, "malmo solceller", NULL, &h), 1);
    assert_int_equal(search(f, "\"", NULL, &h), 0); /* a lone quote is a word, not a syntax error */
}

static void retracting_any_version_hides_them_all(void **state)
{
    struct fixture *f = *state;
    uint8_t v1[ID_SIZE], v2[ID_SIZE], v3[ID_SIZE];
    struct hits h;
    report(f, "Version ett", "text", NULL, NULL, v1);
    report(f, "Version två", "text", NULL, v1, v2);
    report(f, "Version tre", "text", NULL, v2, v3);
    assert_int_equal(search(f, "version", NULL, &h), 1);
    assert_string_equal(h.titles, "Version tre|");
    Ekonet__Retract r = EKONET__RETRACT__INIT;
    r.target = (ProtobufCBinaryData){ID_SIZE, v2}; /* the middle one */
    uint8_t buf[128];
    publish(f, EKONET__ENTRY_KIND__KIND_RETRACT, buf, ekonet__retract__pack(&r, buf), NULL);
    assert_int_equal(search(f, "version", NULL, &h), 0);
    uint8_t newest[ID_SIZE], author[KEY_SIZE];
    int retracted = 0;
    assert_int_equal(reports_newest(f->store, v1, newest, author, &retracted), 1);
    assert_memory_equal(newest, v3, ID_SIZE);
    assert_true(retracted);
}

static void a_redaction_empties_the_entry_and_the_index(void **state)
{
    struct fixture *f = *state;
    uint8_t id[ID_SIZE];
    struct hits h;
    report(f, "Kontakter", "hemligtord19121212", NULL, NULL, id);
    assert_int_equal(search(f, "hemligtord19121212", NULL, &h), 1);
    Ekonet__Redact r = EKONET__REDACT__INIT;
    r.target = (ProtobufCBinaryData){ID_SIZE, id};
    r.reason = "personnummer";
    uint8_t buf[128];
    publish(f, EKONET__ENTRY_KIND__KIND_REDACT, buf, ekonet__redact__pack(&r, buf), NULL);
    assert_int_equal(redact_purge(f->store), 0);
    assert_int_equal(search(f, "hemligtord19121212", NULL, &h), 0);
    assert_int_equal(redact_listed(f->store, id), 1);
    struct entry *e;
    assert_int_equal(store_get(f->store, id, &e), 1);
    assert_null(e->content); /* the header stays */
    entry_destroy(&e);
    /* a member cannot redact what is not in its own feed */
    uint8_t other[ID_SIZE] = {9};
    r.target = (ProtobufCBinaryData){ID_SIZE, other};
    struct errbuf why = {""}, err = {""};
    size_t len = ekonet__redact__pack(&r, buf);
    assert_int_equal(
        feed_publish(&f->feeds, &f->me, EKONET__ENTRY_KIND__KIND_REDACT, buf, len, &e, &why, &err),
        ENTRY_CONTENT_INVALID);
    assert_non_null(strstr(why.msg, "own feed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queries_are_words_that_must_all_match),
        cmocka_unit_test_setup_teardown(search_folds_diacritics_and_ranks_titles_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(retracting_any_version_hides_them_all, setup, teardown),
        cmocka_unit_test_setup_teardown(a_redaction_empties_the_entry_and_the_index, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
