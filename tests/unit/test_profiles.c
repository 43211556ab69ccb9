/*
 * The profiles projection through the accept path: a member's newest profile is in force
 * whatever order profiles are applied in; a redacted profile in force gives way to the
 * member's latest other one; a rebuild and a node that replicates the feeds show the same;
 * until a member publishes a profile, its membership application stands in for it.
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
#include "ekonet/board.h"
#include "ekonet/feed.h"
#include "ekonet/profiles.h"
#include "ekonet/project.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

struct fixture {
    char dir[64], path[128], peer_path[128];
    struct node_key a, b; /* two members */
    struct store *store;
    struct feeds feeds;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    uint8_t seed[32] = {0};
    key_lib_init();
    seed[0] = 31;
    key_from_seed(&f->a, seed);
    seed[0] = 32;
    key_from_seed(&f->b, seed);
    tmpdir_make(f->dir, f->path, "profiles");
    snprintf(f->peer_path, sizeof f->peer_path, "%s/peer.db", f->dir);
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

static int try_publish(struct fixture *f, const struct node_key *k, uint32_t kind,
                       const uint8_t *buf, size_t len, uint8_t id[ID_SIZE], struct errbuf *why)
{
    struct entry *e = NULL;
    struct errbuf err = {""};
    int rc = feed_publish(&f->feeds, k, kind, buf, len, &e, why, &err);
    if (rc < 0) fail_msg("publish: %s", err.msg);
    if (rc == ENTRY_OK && id) memcpy(id, e->id, ID_SIZE);
    entry_destroy(&e);
    return rc;
}

/* Publishes a profile of k naming the politician pol, with one endpoint and languages. */
static void profile(struct fixture *f, const struct node_key *k, const char *pol,
                    const char *endpoint, uint8_t id[ID_SIZE])
{
    Ekonet__Profile p = EKONET__PROFILE__INIT;
    Ekonet__ContactPerson cp = EKONET__CONTACT_PERSON__INIT, co = EKONET__CONTACT_PERSON__INIT;
    char *langs[] = {"sv", "fi"}, *topics[] = {"avfall"}, *eps[] = {(char *)endpoint};
    uint8_t buf[1024];
    struct errbuf why = {""};
    cp.name = (char *)pol;
    cp.n_languages = 2;
    cp.languages = langs;
    cp.n_expertise = 1;
    cp.expertise = topics;
    co.name = "Olle Berg";
    p.name = "Övertorneå";
    p.code = "2518";
    p.n_endpoints = 1;
    p.endpoints = eps;
    p.politician = &cp;
    p.official = &co;
    assert_true(ekonet__profile__get_packed_size(&p) <= sizeof buf);
    size_t len = ekonet__profile__pack(&p, buf);
    if (try_publish(f, k, EKONET__ENTRY_KIND__KIND_PROFILE, buf, len, id, &why) != ENTRY_OK)
        fail_msg("profile refused: %s", why.msg);
}

static void redact(struct fixture *f, const struct node_key *k, const uint8_t target[ID_SIZE])
{
    Ekonet__Redact r = EKONET__REDACT__INIT;
    uint8_t buf[128];
    struct errbuf why = {""};
    r.target = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)target};
    r.reason = "fel";
    if (try_publish(f, k, EKONET__ENTRY_KIND__KIND_REDACT, buf, ekonet__redact__pack(&r, buf), NULL,
                    &why) != ENTRY_OK)
        fail_msg("redact refused: %s", why.msg);
}

/* What a node shows of k: "seq 2: Anna (sv,fi; avfall) at tcp://a:1", "application: ..." or
   "none". */
struct seen {
    char text[256];
};

static const char *shown_in(struct store *st, const struct node_key *k, struct seen *s)
{
    struct profile_info info;
    Ekonet__Profile *p;
    int rc = profile_effective(st, k->pub, &info, &p);
    assert_true(rc >= 0);
    if (rc == 0) {
        assert_int_equal(info.source, PROFILE_NONE);
        return strcpy(s->text, "none");
    }
    const Ekonet__ContactPerson *pol = p->politician;
    int o = info.source == PROFILE_PUBLISHED
                ? snprintf(s->text, sizeof s->text, "seq %llu: ", (unsigned long long)info.seq)
                : snprintf(s->text, sizeof s->text, "application: ");
    o += snprintf(s->text + o, sizeof s->text - (size_t)o, "%s (", pol->name);
    for (size_t i = 0; i < pol->n_languages; i++)
        o += snprintf(s->text + o, sizeof s->text - (size_t)o, "%s%s", i ? "," : "",
                      pol->languages[i]);
    o += snprintf(s->text + o, sizeof s->text - (size_t)o, ";");
    for (size_t i = 0; i < pol->n_expertise; i++)
        o += snprintf(s->text + o, sizeof s->text - (size_t)o, " %s", pol->expertise[i]);
    o += snprintf(s->text + o, sizeof s->text - (size_t)o, ") at");
    for (size_t i = 0; i < p->n_endpoints; i++)
        o += snprintf(s->text + o, sizeof s->text - (size_t)o, " %s", p->endpoints[i]);
    ekonet__profile__free_unpacked(p, NULL);
    return s->text;
}

static const char *shown(struct fixture *f, const struct node_key *k, struct seen *s)
{
    return shown_in(f->store, k, s);
}

static void the_newest_profile_is_in_force(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    assert_string_equal(shown(f, &f->a, &s), "none");
    profile(f, &f->a, "Anna", "tcp://a:1", NULL);
    assert_string_equal(shown(f, &f->a, &s), "seq 1: Anna (sv,fi; avfall) at tcp://a:1");
    profile(f, &f->a, "Berit", "tcp://a:2", NULL);
    assert_string_equal(shown(f, &f->a, &s), "seq 2: Berit (sv,fi; avfall) at tcp://a:2");
    profile(f, &f->b, "Cecilia", "tcp://b:1", NULL);
    assert_string_equal(shown(f, &f->a, &s), "seq 2: Berit (sv,fi; avfall) at tcp://a:2");
    assert_string_equal(shown(f, &f->b, &s), "seq 1: Cecilia (sv,fi; avfall) at tcp://b:1");
}

/* Applies a's entry at seq to the projection again, as a replay in another order would. */
static void apply_again(struct fixture *f, uint64_t seq)
{
    struct entry *e = NULL;
    assert_int_equal(store_get_seq(f->store, f->a.pub, seq, &e), 1);
    assert_int_equal(profiles_project(f->store, e, 100 + (int64_t)seq), 0);
    entry_destroy(&e);
}

static void an_older_profile_applied_late_does_not_win(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    profile(f, &f->a, "Anna", "tcp://a:1", NULL);
    profile(f, &f->a, "Berit", "tcp://a:2", NULL);
    profile(f, &f->a, "Cecilia", "tcp://a:3", NULL);
    apply_again(f, 1);
    apply_again(f, 2);
    assert_string_equal(shown(f, &f->a, &s), "seq 3: Cecilia (sv,fi; avfall) at tcp://a:3");
    /* from nothing: the newest first, then the older ones */
    assert_int_equal(sqlite3_exec(store_db(f->store), "DELETE FROM profiles", NULL, NULL, NULL),
                     SQLITE_OK);
    apply_again(f, 3);
    apply_again(f, 1);
    apply_again(f, 2);
    assert_string_equal(shown(f, &f->a, &s), "seq 3: Cecilia (sv,fi; avfall) at tcp://a:3");
}

static void a_redacted_profile_in_force_gives_way_to_the_one_before(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    uint8_t p1[ID_SIZE], p2[ID_SIZE], p3[ID_SIZE];
    profile(f, &f->a, "Anna", "tcp://a:1", p1);
    profile(f, &f->a, "Berit", "tcp://a:2", p2);
    profile(f, &f->a, "Cecilia", "tcp://a:3", p3);
    redact(f, &f->a, p2); /* not in force: nothing changes */
    assert_string_equal(shown(f, &f->a, &s), "seq 3: Cecilia (sv,fi; avfall) at tcp://a:3");
    redact(f, &f->a, p3); /* in force: the latest one left with its content takes over */
    assert_string_equal(shown(f, &f->a, &s), "seq 1: Anna (sv,fi; avfall) at tcp://a:1");
    redact(f, &f->a, p1);
    assert_string_equal(shown(f, &f->a, &s), "none");
    /* no copy of a redacted profile is left in the projection */
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(f->store), "SELECT count(*) FROM profiles", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
}

/* Hands a stored entry, as a peer would get it, to another node's feeds; counts refusals. */
struct relay {
    struct feeds *to;
    int refused;
};

static int relay_one(void *ctx, const struct entry *e)
{
    struct relay *r = ctx;
    struct entry *copy = entry_dup(e);
    struct errbuf why = {""}, err = {""};
    int status = -1;
    if (!copy || feed_accept(r->to, &copy, 1, &status, &why, &err) != 1) r->refused++;
    entry_destroy(&copy);
    return 0;
}

/* A rebuild, and a node that gets the feeds after the redactions (the redacted entries without
   their content), show the same profiles. */
static void the_projection_is_the_same_when_rebuilt_or_replicated(void **state)
{
    struct fixture *f = *state;
    struct seen before[2], s;
    struct errbuf err = {""};
    uint64_t count;
    uint8_t a2[ID_SIZE], b1[ID_SIZE];
    profile(f, &f->a, "Anna", "tcp://a:1", NULL);
    profile(f, &f->a, "Berit", "tcp://a:2", a2);
    redact(f, &f->a, a2);
    profile(f, &f->b, "Cecilia", "tcp://b:1", b1);
    profile(f, &f->b, "David", "tcp://b:2", NULL);
    redact(f, &f->b, b1);
    const struct node_key *k[2] = {&f->a, &f->b};
    for (int i = 0; i < 2; i++) shown(f, k[i], &before[i]);
    assert_string_equal(before[0].text, "seq 1: Anna (sv,fi; avfall) at tcp://a:1");
    assert_string_equal(before[1].text, "seq 2: David (sv,fi; avfall) at tcp://b:2");

    assert_int_equal(project_rebuild(f->store, &count, &err), 0);
    for (int i = 0; i < 2; i++) assert_string_equal(shown(f, k[i], &s), before[i].text);

    struct feeds peer = {.max_content = 65536};
    memcpy(peer.network, f->feeds.network, ID_SIZE);
    assert_non_null(peer.store = store_open(f->peer_path, &err));
    struct relay r = {&peer, 0};
    for (int i = 0; i < 2; i++)
        assert_true(store_range(f->store, k[i]->pub, 1, 100, relay_one, &r) > 0);
    assert_int_equal(r.refused, 0);
    assert_int_equal(peer.profiles, 4); /* what the daemon watches to dial anew */
    for (int i = 0; i < 2; i++) assert_string_equal(shown_in(peer.store, k[i], &s), before[i].text);
    store_destroy(&peer.store);
}

/* Until a member publishes a profile, what its admitted application said stands in for it. */
static void the_application_stands_in_until_a_profile_is_published(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    Ekonet__Application app = EKONET__APPLICATION__INIT;
    Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = EKONET__CONTACT_PERSON__INIT;
    char *langs[] = {"se"};
    pol.name = "Sanna";
    pol.n_languages = 1;
    pol.languages = langs;
    off.name = "Olle";
    app.node_key = (ProtobufCBinaryData){KEY_SIZE, f->a.pub};
    app.name = "Övertorneå";
    app.code = "2518";
    app.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    app.endpoint = "tcp://app:7650";
    app.politician = &pol;
    app.official = &off;
    app.created_ms = 1700000000000;
    uint8_t *signed_app;
    size_t len;
    assert_int_equal(application_sign(&app, &f->a, &signed_app, &len), 0);
    /* the row the roster writes when the board admits a */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->store),
                                        "INSERT INTO members(key, curve, name, code, kind, status,"
                                        " admitted_ms, admitted_seq, decision, application,"
                                        " member) VALUES(?1, ?1, 'Övertorneå kommun', '2518', 1,"
                                        " 1, 0, 2, '§4', ?2, ?1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, f->a.pub, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, signed_app, (int)len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    free(signed_app);

    assert_string_equal(shown(f, &f->a, &s), "application: Sanna (se;) at tcp://app:7650");
    struct profile_info info;
    Ekonet__Profile *p;
    assert_int_equal(profile_effective(f->store, f->a.pub, &info, &p), 1);
    assert_string_equal(p->name, "Övertorneå kommun"); /* the board's name */
    assert_string_equal(p->official->name, "Olle");
    assert_int_equal(info.timestamp_ms, 1700000000000);
    ekonet__profile__free_unpacked(p, NULL);
    assert_int_equal(profile_get(f->store, f->a.pub, &info, &p), 0);

    uint8_t id[ID_SIZE];
    profile(f, &f->a, "Anna", "tcp://a:1", id);
    assert_string_equal(shown(f, &f->a, &s), "seq 1: Anna (sv,fi; avfall) at tcp://a:1");
    redact(f, &f->a, id);
    assert_string_equal(shown(f, &f->a, &s), "application: Sanna (se;) at tcp://app:7650");
    assert_string_equal(shown(f, &f->b, &s), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_newest_profile_is_in_force, setup, teardown),
        cmocka_unit_test_setup_teardown(an_older_profile_applied_late_does_not_win, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_redacted_profile_in_force_gives_way_to_the_one_before,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_projection_is_the_same_when_rebuilt_or_replicated,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_application_stands_in_until_a_profile_is_published,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
