/*
 * A new key for a member (the board's SUCCEED act), through the one accept path: the old key
 * stops at last_seq and the new key continues the member in a feed of its own; acts that
 * would join two members, or revive a replaced key, change nothing; a planned succession needs
 * the old key's rotation; and every view (reports, indicators, examples, profile, members)
 * joins the member's keys, also after the projections are rebuilt from the entries; the
 * node's key files switch crash-safe.
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
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/indicators.h"
#include "ekonet/profiles.h"
#include "ekonet/project.h"
#include "ekonet/reports.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

struct fixture {
    char dir[64], path[128];
    struct node_key board[2], alice, bob, carol, dave;
    uint8_t network[ID_SIZE];
    struct store *store;
    struct roster *roster;
    struct feeds feeds;
    struct entry *head; /* the board feed's last entry */
};

static void key_of(struct node_key *k, int n)
{
    uint8_t seed[32];
    memset(seed, n, sizeof seed);
    key_from_seed(k, seed);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    key_lib_init();
    key_of(&f->board[0], 10);
    key_of(&f->board[1], 11);
    key_of(&f->alice, 21);
    key_of(&f->bob, 22);
    key_of(&f->carol, 23);
    key_of(&f->dave, 24);
    tmpdir_make(f->dir, f->path, "succession");
    assert_non_null(f->store = store_open(f->path, &err));
    assert_int_equal(project_setup(f->store, &err), 0);
    assert_non_null(f->roster = roster_load(f->store, &err));
    f->feeds.store = f->store;
    f->feeds.roster = f->roster;
    f->feeds.max_content = 65536;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    entry_destroy(&f->head);
    roster_destroy(&f->roster);
    store_destroy(&f->store);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Offers a board act (signed by both board keys) after the head: its status, and why. */
static int board_act(struct fixture *f, uint32_t kind, const uint8_t *content, size_t len,
                     char *why_out)
{
    uint64_t seq = f->head ? f->head->seq + 1 : 1;
    struct entry *e = entry_new(f->network, f->network, seq, f->head ? f->head->id : NULL,
                                1000 + seq, kind, content, len);
    assert_non_null(e);
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    int status;
    struct errbuf why = {""}, err = {""};
    assert_int_equal(feed_accept(&f->feeds, &e, 1, &status, &why, &err) < 0, 0);
    if (why_out) strcpy(why_out, why.msg);
    if (status == ENTRY_OK) {
        entry_destroy(&f->head);
        f->head = e;
    } else {
        entry_destroy(&e);
    }
    return status;
}

/* Founds the network (both board keys, k = 2) and admits alice and bob. */
static void found(struct fixture *f)
{
    Ekonet__Charter c = EKONET__CHARTER__INIT;
    ProtobufCBinaryData keys[2] = {{KEY_SIZE, f->board[0].pub}, {KEY_SIZE, f->board[1].pub}};
    c.name = "Testnätet";
    c.n_board_keys = 2;
    c.board_keys = keys;
    c.threshold = 2;
    uint8_t buf[512];
    size_t len = ekonet__charter__pack(&c, buf);
    key_hash(f->network, buf, len);
    memcpy(f->feeds.network, f->network, ID_SIZE);
    assert_int_equal(board_act(f, EKONET__ENTRY_KIND__KIND_CHARTER, buf, len, NULL), ENTRY_OK);
    const struct node_key *who[] = {&f->alice, &f->bob};
    const char *names[] = {"Övertorneå", "Stockholm"}, *codes[] = {"2518", "0180"};
    for (int i = 0; i < 2; i++) {
        Ekonet__Admit a = EKONET__ADMIT__INIT;
        a.member = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)who[i]->pub};
        a.name = (char *)names[i];
        a.code = (char *)codes[i];
        a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
        a.decision = "Styrelsemöte §4";
        len = ekonet__admit__pack(&a, buf);
        assert_int_equal(board_act(f, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len, NULL), ENTRY_OK);
    }
}

/* The old key's rotation to the new one, signed by signer; caller frees. */
static Ekonet__SignedRotation *rotation(struct fixture *f, const struct node_key *old,
                                        const struct node_key *new, uint64_t last_seq,
                                        const struct node_key *signer)
{
    Ekonet__Rotation r = EKONET__ROTATION__INIT;
    r.network = (ProtobufCBinaryData){ID_SIZE, f->network};
    r.old_key = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)old->pub};
    r.new_key = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)new->pub};
    r.last_seq = last_seq;
    r.created_ms = 1234;
    uint8_t *buf;
    size_t len;
    assert_int_equal(rotation_sign(&r, signer, &buf, &len), 0);
    Ekonet__SignedRotation *s = ekonet__signed_rotation__unpack(NULL, len, buf);
    free(buf);
    assert_non_null(s);
    return s;
}

/* Offers the succession old -> new; rot (may be NULL) is the planned one's rotation. */
static int succeed(struct fixture *f, const struct node_key *old, const struct node_key *new,
                   int reason, uint64_t last_seq, Ekonet__SignedRotation *rot, char *why)
{
    Ekonet__Succeed s = EKONET__SUCCEED__INIT;
    s.old_key = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)old->pub};
    s.new_key = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)new->pub};
    s.reason = reason;
    s.decision = "Styrelsebeslut §12";
    s.last_seq = last_seq;
    s.rotation = rot;
    uint8_t buf[1024];
    assert_true(ekonet__succeed__get_packed_size(&s) <= sizeof buf);
    size_t len = ekonet__succeed__pack(&s, buf);
    return board_act(f, EKONET__ENTRY_KIND__KIND_SUCCEED, buf, len, why);
}

static int publish(struct fixture *f, const struct node_key *k, uint32_t kind, const uint8_t *buf,
                   size_t len, char *why_out)
{
    struct entry *e = NULL;
    struct errbuf why = {""}, err = {""};
    int rc = feed_publish(&f->feeds, k, kind, buf, len, &e, &why, &err);
    if (rc < 0) fail_msg("publish: %s", err.msg);
    if (why_out) strcpy(why_out, why.msg);
    entry_destroy(&e);
    return rc;
}

static void report(struct fixture *f, const struct node_key *k, const char *title)
{
    Ekonet__Report r = EKONET__REPORT__INIT;
    uint8_t buf[256];
    r.title = (char *)title;
    assert_int_equal(
        publish(f, k, EKONET__ENTRY_KIND__KIND_REPORT, buf, ekonet__report__pack(&r, buf), NULL),
        ENTRY_OK);
}

static void snapshot(struct fixture *f, const struct node_key *k, uint32_t year, double value)
{
    Ekonet__IndicatorValue v = EKONET__INDICATOR_VALUE__INIT, *pv = &v;
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    uint8_t buf[256];
    v.code = "GN.7";
    v.value = value;
    s.year = year;
    s.n_values = 1;
    s.values = &pv;
    assert_int_equal(publish(f, k, EKONET__ENTRY_KIND__KIND_INDICATORS, buf,
                             ekonet__snapshot__pack(&s, buf), NULL),
                     ENTRY_OK);
}

static void profile(struct fixture *f, const struct node_key *k, const char *politician)
{
    Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = EKONET__CONTACT_PERSON__INIT;
    Ekonet__Profile p = EKONET__PROFILE__INIT;
    uint8_t buf[512];
    pol.name = (char *)politician;
    off.name = "Olle";
    p.name = "Övertorneå";
    p.code = "2518";
    p.politician = &pol;
    p.official = &off;
    assert_int_equal(
        publish(f, k, EKONET__ENTRY_KIND__KIND_PROFILE, buf, ekonet__profile__pack(&p, buf), NULL),
        ENTRY_OK);
}

static void a_successor_continues_the_member_and_the_old_key_stops(void **state)
{
    struct fixture *f = *state;
    char why[256];
    found(f);
    report(f, &f->alice, "Före");
    /* before the act the new key is nobody */
    assert_int_equal(roster_may_author(f->roster, f->carol.pub, 1), ENTRY_NOT_MEMBER);
    assert_int_equal(
        succeed(f, &f->alice, &f->carol, EKONET__SUCCESSION_REASON__SUCCESSION_LOST, 1, NULL, NULL),
        ENTRY_OK);
    const struct member *old = roster_member(f->roster, f->alice.pub),
                        *new = roster_member(f->roster, f->carol.pub);
    assert_non_null(old);
    assert_non_null(new);
    assert_int_equal(old->status, MEMBER_REVOKED);
    assert_true(old->has_successor);
    assert_memory_equal(old->successor, f->carol.pub, KEY_SIZE);
    assert_int_equal(old->last_seq, 1);
    assert_int_equal(new->status, MEMBER_ADMITTED);
    assert_string_equal(new->name, "Övertorneå");
    assert_string_equal(new->code, "2518");
    assert_memory_equal(new->root, f->alice.pub, KEY_SIZE);
    assert_int_equal(new->gen, 1);
    assert_int_equal(new->admitted_ms, old->admitted_ms);
    assert_ptr_equal(roster_current(f->roster, f->alice.pub), new);
    assert_true(roster_same_member(f->roster, f->alice.pub, f->carol.pub));
    assert_false(roster_same_member(f->roster, f->bob.pub, f->carol.pub));
    assert_int_equal(f->roster->nrevoked, 1);
    /* the old key's entries up to last_seq stay; it publishes nothing after the act */
    assert_int_equal(roster_may_author(f->roster, f->alice.pub, 1), ENTRY_OK);
    Ekonet__Report r = EKONET__REPORT__INIT;
    uint8_t buf[64];
    r.title = "Efter";
    assert_int_equal(publish(f, &f->alice, EKONET__ENTRY_KIND__KIND_REPORT, buf,
                             ekonet__report__pack(&r, buf), why),
                     ENTRY_REVOKED);
    assert_non_null(strstr(why, "this node's key was replaced by"));
    /* the new key's feed begins at seq 1 */
    report(f, &f->carol, "Efter");
    struct feed_head h;
    assert_int_equal(store_head(f->store, f->carol.pub, &h), 0);
    assert_int_equal(h.seq, 1);
}

static void acts_that_would_join_members_or_revive_a_key_change_nothing(void **state)
{
    struct fixture *f = *state;
    found(f);
    const int lost = EKONET__SUCCESSION_REASON__SUCCESSION_LOST;
    /* a successor that is a member already, and an old key that is none: accepted, no effect */
    assert_int_equal(succeed(f, &f->alice, &f->bob, lost, 0, NULL, NULL), ENTRY_OK);
    assert_int_equal(succeed(f, &f->dave, &f->carol, lost, 0, NULL, NULL), ENTRY_OK);
    assert_int_equal(roster_member(f->roster, f->alice.pub)->status, MEMBER_ADMITTED);
    assert_false(roster_member(f->roster, f->alice.pub)->has_successor);
    assert_null(roster_member(f->roster, f->carol.pub));
    assert_null(roster_member(f->roster, f->dave.pub));
    /* a chain: alice -> carol -> dave */
    assert_int_equal(succeed(f, &f->alice, &f->carol, lost, 0, NULL, NULL), ENTRY_OK);
    /* a replaced key is not succeeded twice */
    assert_int_equal(succeed(f, &f->alice, &f->dave, lost, 0, NULL, NULL), ENTRY_OK);
    assert_null(roster_member(f->roster, f->dave.pub));
    assert_int_equal(succeed(f, &f->carol, &f->dave, EKONET__SUCCESSION_REASON__SUCCESSION_STOLEN,
                             0, NULL, NULL),
                     ENTRY_OK);
    const struct member *cur = roster_current(f->roster, f->alice.pub);
    assert_memory_equal(cur->key, f->dave.pub, KEY_SIZE);
    assert_int_equal(cur->gen, 2);
    assert_memory_equal(cur->root, f->alice.pub, KEY_SIZE);
    /* the successor of a replaced key cannot be an earlier key of the chain */
    assert_int_equal(succeed(f, &f->dave, &f->alice, lost, 0, NULL, NULL), ENTRY_OK);
    assert_memory_equal(roster_current(f->roster, f->alice.pub)->key, f->dave.pub, KEY_SIZE);
    /* admitting or revoking a replaced key changes nothing */
    Ekonet__Admit a = EKONET__ADMIT__INIT;
    a.member = (ProtobufCBinaryData){KEY_SIZE, f->alice.pub};
    a.name = "Övertorneå";
    a.code = "2518";
    a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    a.decision = "Igen";
    uint8_t buf[256];
    size_t len = ekonet__admit__pack(&a, buf);
    assert_int_equal(board_act(f, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len, NULL), ENTRY_OK);
    assert_int_equal(roster_member(f->roster, f->alice.pub)->status, MEMBER_REVOKED);
    Ekonet__Revoke rv = EKONET__REVOKE__INIT;
    rv.member = (ProtobufCBinaryData){KEY_SIZE, f->carol.pub};
    rv.reason = "fel";
    rv.last_seq = 99;
    len = ekonet__revoke__pack(&rv, buf);
    assert_int_equal(board_act(f, EKONET__ENTRY_KIND__KIND_REVOKE, buf, len, NULL), ENTRY_OK);
    assert_int_equal(roster_member(f->roster, f->carol.pub)->last_seq, 0);
    /* the member's current key can be revoked like any */
    rv.member = (ProtobufCBinaryData){KEY_SIZE, f->dave.pub};
    len = ekonet__revoke__pack(&rv, buf);
    assert_int_equal(board_act(f, EKONET__ENTRY_KIND__KIND_REVOKE, buf, len, NULL), ENTRY_OK);
    assert_int_equal(roster_member(f->roster, f->dave.pub)->status, MEMBER_REVOKED);
}

static void a_planned_succession_needs_the_old_keys_rotation(void **state)
{
    struct fixture *f = *state;
    char why[256];
    const int planned = EKONET__SUCCESSION_REASON__SUCCESSION_PLANNED;
    found(f);
    report(f, &f->alice, "Före");
    assert_int_equal(succeed(f, &f->alice, &f->carol, planned, 1, NULL, why),
                     ENTRY_CONTENT_INVALID);
    assert_non_null(strstr(why, "needs the old key's rotation"));
    struct {
        Ekonet__SignedRotation *rot;
        int reason;
        const char *says;
    } bad[] = {
        {rotation(f, &f->alice, &f->carol, 1, &f->carol), planned, "does not verify"},
        {rotation(f, &f->alice, &f->dave, 1, &f->alice), planned, "names other keys"},
        {rotation(f, &f->alice, &f->carol, 2, &f->alice), planned, "at seq 2, the succession at 1"},
        {rotation(f, &f->alice, &f->carol, 1, &f->alice),
         EKONET__SUCCESSION_REASON__SUCCESSION_LOST, "only a planned succession"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(succeed(f, &f->alice, &f->carol, bad[i].reason, 1, bad[i].rot, why),
                         ENTRY_CONTENT_INVALID);
        if (!strstr(why, bad[i].says)) fail_msg("case %zu: \"%s\" in \"%s\"", i, bad[i].says, why);
        ekonet__signed_rotation__free_unpacked(bad[i].rot, NULL);
    }
    /* a rotation made for another network */
    uint8_t mine[ID_SIZE];
    memcpy(mine, f->network, ID_SIZE);
    f->network[0] ^= 1;
    Ekonet__SignedRotation *other = rotation(f, &f->alice, &f->carol, 1, &f->alice);
    memcpy(f->network, mine, ID_SIZE);
    assert_int_equal(succeed(f, &f->alice, &f->carol, planned, 1, other, why),
                     ENTRY_CONTENT_INVALID);
    assert_non_null(strstr(why, "another network"));
    ekonet__signed_rotation__free_unpacked(other, NULL);
    assert_false(roster_member(f->roster, f->alice.pub)->has_successor);
    Ekonet__SignedRotation *good = rotation(f, &f->alice, &f->carol, 1, &f->alice);
    assert_int_equal(succeed(f, &f->alice, &f->carol, planned, 1, good, why), ENTRY_OK);
    ekonet__signed_rotation__free_unpacked(good, NULL);
    assert_int_equal(roster_member(f->roster, f->alice.pub)->succession, planned);
}

/* What the views say, as text. */
struct seen {
    char text[512];
    size_t n;
};

static void add_year(void *ctx, const struct indicator_year *y)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    snprintf(s->text + o, sizeof s->text - o, "%s%u", o ? " " : "", y->year);
}

static void add_value(void *ctx, const struct indicator_point *p)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    snprintf(s->text + o, sizeof s->text - o, "%s %u %g|", p->code, p->year, p->value);
}

/* "2021:11 2021:21": a version of a value, or "2021:-" withdrawn. */
static void add_version(void *ctx, const struct indicator_version *v)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    if (v->withdrawn)
        snprintf(s->text + o, sizeof s->text - o, "%s%u:-", o ? " " : "", v->year);
    else
        snprintf(s->text + o, sizeof s->text - o, "%s%u:%g", o ? " " : "", v->year, v->value);
}

static void add_report(void *ctx, const struct report_row *r)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    snprintf(s->text + o, sizeof s->text - o, "%s%s", o ? " " : "", r->title);
}

static void add_member(void *ctx, const struct member_row *r)
{
    struct seen *s = ctx;
    size_t o = strlen(s->text);
    char hex[ID_HEX];
    snprintf(s->text + o, sizeof s->text - o, "%s%s %.8s former %zu", o ? "; " : "", r->name,
             hex_encode(hex, r->key, KEY_SIZE), r->nformer);
    for (size_t i = 0; i < r->nformer; i++) {
        o = strlen(s->text);
        snprintf(s->text + o, sizeof s->text - o, " %.8s until %llu",
                 hex_encode(hex, r->former[i].key, KEY_SIZE),
                 (unsigned long long)r->former[i].last_seq);
    }
}

/* Every view of the member whose key k is given, checked against what alice and carol did. */
static void check_views(struct fixture *f, const struct node_key *k, const char *politician)
{
    struct seen s = {{0}, 0};
    char hex[ID_HEX], want[256];
    assert_int_equal(indicators_years(f->store, k->pub, add_year, &s), 0);
    assert_string_equal(s.text, "2020 2021 2022");
    memset(&s, 0, sizeof s);
    assert_int_equal(indicators_values(f->store, k->pub, 0, NULL, 0, add_value, &s), 0);
    /* 2021 under both keys: the newer key's value */
    assert_string_equal(s.text, "GN.7 2020 10|GN.7 2021 21|GN.7 2022 22|");
    /* the history has both keys' versions, the old key's first */
    memset(&s, 0, sizeof s);
    assert_int_equal(indicators_history(f->store, k->pub, NULL, 0, add_version, &s), 0);
    assert_string_equal(s.text, "2020:10 2021:11 2021:21 2022:22");
    struct example *all;
    size_t n;
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    assert_int_equal(n, 2); /* the member once, and bob */
    const struct example *x =
        memcmp(all[0].author, f->carol.pub, KEY_SIZE) == 0 ? &all[0] : &all[1];
    assert_memory_equal(x->author, f->carol.pub, KEY_SIZE);
    assert_int_equal(x->year, 2022);
    assert_int_equal(x->npoints, 3);
    assert_true(x->has_from && x->from_year == 2020 && x->from_value == 10);
    free(all);
    memset(&s, 0, sizeof s);
    struct report_filter rf = {.author = k->pub, .limit = 10};
    uint64_t total;
    struct errbuf err;
    assert_int_equal(reports_query(f->store, &rf, add_report, &s, &total, &err), 0);
    assert_int_equal(total, 2);
    assert_string_equal(s.text, "Efter Före");
    struct profile_info info;
    Ekonet__Profile *p;
    assert_int_equal(profile_get(f->store, k->pub, &info, &p), 1);
    assert_string_equal(p->politician->name, politician);
    ekonet__profile__free_unpacked(p, NULL);
    memset(&s, 0, sizeof s);
    assert_int_equal(roster_list(f->store, add_member, &s), 0);
    snprintf(want, sizeof want, "Stockholm %.8s former 0; Övertorneå ",
             hex_encode(hex, f->bob.pub, KEY_SIZE));
    size_t o = strlen(want);
    snprintf(want + o, sizeof want - o, "%.8s former 1 ", hex_encode(hex, f->carol.pub, KEY_SIZE));
    o = strlen(want);
    snprintf(want + o, sizeof want - o, "%.8s until 4", hex_encode(hex, f->alice.pub, KEY_SIZE));
    assert_string_equal(s.text, want);
}

static void every_view_joins_the_members_keys(void **state)
{
    struct fixture *f = *state;
    struct errbuf err;
    found(f);
    snapshot(f, &f->alice, 2020, 10);
    snapshot(f, &f->alice, 2021, 11);
    profile(f, &f->alice, "Anna");
    report(f, &f->alice, "Före");
    snapshot(f, &f->bob, 2021, 5);
    assert_int_equal(
        succeed(f, &f->alice, &f->carol, EKONET__SUCCESSION_REASON__SUCCESSION_LOST, 4, NULL, NULL),
        ENTRY_OK);
    /* until the new key publishes a profile, the old key's presents the member */
    struct profile_info info;
    Ekonet__Profile *p;
    assert_int_equal(profile_get(f->store, f->carol.pub, &info, &p), 1);
    assert_memory_equal(info.author, f->alice.pub, KEY_SIZE);
    assert_string_equal(p->politician->name, "Anna");
    ekonet__profile__free_unpacked(p, NULL);
    snapshot(f, &f->carol, 2021, 21);
    snapshot(f, &f->carol, 2022, 22);
    report(f, &f->carol, "Efter");
    profile(f, &f->carol, "Berit");
    check_views(f, &f->carol, "Berit");
    check_views(f, &f->alice, "Berit"); /* the old key names the same member */
    uint64_t count;
    assert_int_equal(project_rebuild(f->store, &count, &err), 0);
    assert_int_equal(roster_reload(f->roster, f->store), 0);
    check_views(f, &f->carol, "Berit");

    /* the new key withdraws 2021: the old key's value of it does not come back */
    Ekonet__Snapshot empty = EKONET__SNAPSHOT__INIT;
    uint8_t buf[64];
    empty.year = 2021;
    assert_int_equal(publish(f, &f->carol, EKONET__ENTRY_KIND__KIND_INDICATORS, buf,
                             ekonet__snapshot__pack(&empty, buf), NULL),
                     ENTRY_OK);
    struct seen s = {{0}, 0};
    assert_int_equal(indicators_years(f->store, f->alice.pub, add_year, &s), 0);
    assert_string_equal(s.text, "2020 2022");
    memset(&s, 0, sizeof s);
    assert_int_equal(indicators_values(f->store, f->alice.pub, 0, NULL, 0, add_value, &s), 0);
    assert_string_equal(s.text, "GN.7 2020 10|GN.7 2022 22|");
    struct example *all;
    size_t n;
    assert_int_equal(indicators_examples(f->store, "GN.7", 5, &all, &n), 0);
    for (size_t i = 0; i < n; i++)
        if (memcmp(all[i].author, f->carol.pub, KEY_SIZE) == 0) assert_int_equal(all[i].npoints, 2);
    free(all);
}

/* The node's key files change crash-safe: the old key kept aside, the next one in place; a
   switch begun (the aside made) and interrupted is finished by running it again. */
static void the_key_files_switch_and_a_crash_midway_is_finished(void **state)
{
    struct fixture *f = *state;
    char cur[160], next[160], aside[160];
    struct errbuf err;
    struct node_key k;
    snprintf(cur, sizeof cur, "%s/node.key", f->dir);
    snprintf(next, sizeof next, "%s/node.key.next", f->dir);
    snprintf(aside, sizeof aside, "%s/node.key.old", f->dir);
    for (int crash = 0; crash < 2; crash++) {
        unlink(cur);
        unlink(aside);
        assert_int_equal(key_save(&f->alice, cur, "alice", &err), 0);
        assert_int_equal(key_save(&f->carol, next, "carol", &err), 0);
        if (crash) assert_int_equal(link(cur, aside), 0); /* the first step, then a crash */
        assert_int_equal(key_file_switch(cur, next, aside, &err), 0);
        assert_int_equal(key_load(&k, cur, &err), 0);
        assert_memory_equal(k.pub, f->carol.pub, KEY_SIZE);
        assert_int_equal(key_load(&k, aside, &err), 0);
        assert_memory_equal(k.pub, f->alice.pub, KEY_SIZE);
        assert_false(file_exists(next));
    }
    /* nothing to switch to: said, and node.key stays */
    assert_int_equal(key_file_switch(cur, next, aside, &err), -1);
    assert_non_null(strstr(err.msg, "node.key.next"));
    assert_int_equal(key_load(&k, cur, &err), 0);
    assert_memory_equal(k.pub, f->carol.pub, KEY_SIZE);
    unlink(cur);
    unlink(aside);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_successor_continues_the_member_and_the_old_key_stops,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(acts_that_would_join_members_or_revive_a_key_change_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_planned_succession_needs_the_old_keys_rotation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(every_view_joins_the_members_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(the_key_files_switch_and_a_crash_midway_is_finished, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
