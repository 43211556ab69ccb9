/*
 * The board feed and the roster: k of n board signatures, amendments, admissions and
 * revocations, and entries of members and non-members, all through the one accept path.
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
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

#define NBOARD 4

struct fixture {
    char dir[64], path[128];
    struct node_key board[NBOARD], outsider, alice, bob;
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

/* Packs a charter naming board keys [first, first+count) with threshold k. */
static uint8_t *charter(struct fixture *f, int first, int count, uint32_t k, size_t *len)
{
    Ekonet__Charter c = EKONET__CHARTER__INIT;
    ProtobufCBinaryData keys[NBOARD];
    for (int i = 0; i < count; i++)
        keys[i] = (ProtobufCBinaryData){KEY_SIZE, f->board[first + i].pub};
    c.name = "Testnätet";
    c.n_board_keys = (size_t)count;
    c.board_keys = keys;
    c.threshold = k;
    *len = ekonet__charter__get_packed_size(&c);
    uint8_t *buf = malloc(*len);
    ekonet__charter__pack(&c, buf);
    return buf;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    key_lib_init();
    for (int i = 0; i < NBOARD; i++) key_of(&f->board[i], 10 + i);
    key_of(&f->outsider, 20);
    key_of(&f->alice, 21);
    key_of(&f->bob, 22);
    tmpdir_make(f->dir, f->path, "board");
    assert_non_null(f->store = store_open(f->path, &err));
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

/* A board act following the current head, unsigned. */
static struct entry *act(struct fixture *f, uint32_t kind, const uint8_t *content, size_t len)
{
    uint64_t seq = f->head ? f->head->seq + 1 : 1;
    struct entry *e = entry_new(f->network, f->network, seq, f->head ? f->head->id : NULL,
                                1000 + seq, kind, content, len);
    assert_non_null(e);
    return e;
}

/* Offers e to the accept path; returns its status and keeps it as the head if accepted. */
static int offer(struct fixture *f, struct entry *e, char *why_out)
{
    int status;
    struct errbuf why = {""}, err = {""};
    assert_int_not_equal(feed_accept(&f->feeds, &e, 1, &status, &why, &err), -1);
    if (why_out) strcpy(why_out, why.msg);
    if (status == ENTRY_OK) {
        entry_destroy(&f->head);
        f->head = e;
    } else {
        entry_destroy(&e);
    }
    return status;
}

/* Founds the network: board keys 0..2, k = 2, signed by keys 0 and 1. */
static void found(struct fixture *f)
{
    size_t len;
    uint8_t *c = charter(f, 0, 3, 2, &len);
    key_hash(f->network, c, len);
    memcpy(f->feeds.network, f->network, ID_SIZE);
    struct entry *e = act(f, EKONET__ENTRY_KIND__KIND_CHARTER, c, len);
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    assert_int_equal(offer(f, e, NULL), ENTRY_OK);
    free(c);
    assert_true(f->roster->joined);
    assert_int_equal(f->roster->threshold, 2);
    assert_int_equal(f->roster->nboard, 3);
}

static struct entry *admission(struct fixture *f, const struct node_key *member, const char *name,
                               const char *code)
{
    Ekonet__Admit a = EKONET__ADMIT__INIT;
    a.member = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)member->pub};
    a.name = (char *)name;
    a.code = (char *)code;
    a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    a.decision = "Styrelsemöte 2026-11-20 §4";
    size_t len = ekonet__admit__get_packed_size(&a);
    uint8_t *buf = malloc(len);
    ekonet__admit__pack(&a, buf);
    struct entry *e = act(f, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len);
    free(buf);
    return e;
}

static void the_charter_needs_k_signatures_of_its_own_board(void **state)
{
    struct fixture *f = *state;
    size_t len;
    uint8_t *c = charter(f, 0, 3, 2, &len);
    key_hash(f->network, c, len);
    memcpy(f->feeds.network, f->network, ID_SIZE);
    char why[400];
    struct entry *e = act(f, EKONET__ENTRY_KIND__KIND_CHARTER, c, len);
    entry_sign(e, &f->board[0]);
    assert_int_equal(offer(f, e, why), ENTRY_FEW_SIGNATURES);
    assert_non_null(strstr(why, "1 of 2 required"));
    /* a charter whose hash is not the network id belongs to another network */
    uint8_t *other = charter(f, 1, 3, 2, &len);
    e = act(f, EKONET__ENTRY_KIND__KIND_CHARTER, other, len);
    entry_sign(e, &f->board[1]);
    entry_sign(e, &f->board[2]);
    assert_int_equal(offer(f, e, NULL), ENTRY_WRONG_NETWORK);
    free(other);
    free(c);
    found(f);
}

static void k_minus_one_signatures_are_refused_and_k_accepted(void **state)
{
    struct fixture *f = *state;
    found(f);
    char why[400];
    struct entry *e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[2]);
    struct entry *again = entry_dup(e);
    assert_int_equal(offer(f, e, why), ENTRY_FEW_SIGNATURES);
    assert_non_null(strstr(why, "1 of 2 required"));
    assert_null(roster_member(f->roster, f->alice.pub));
    entry_sign(again, &f->board[0]);
    assert_int_equal(offer(f, again, NULL), ENTRY_OK);
    const struct member *m = roster_member(f->roster, f->alice.pub);
    assert_non_null(m);
    assert_string_equal(m->name, "Övertorneå");
    assert_int_equal(m->status, MEMBER_ADMITTED);
}

static void outsiders_and_repeated_signatures_do_not_count(void **state)
{
    struct fixture *f = *state;
    found(f);
    /* one board key and one key not on the board */
    struct entry *e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->outsider);
    assert_int_equal(offer(f, e, NULL), ENTRY_FEW_SIGNATURES);
    /* the same board key twice */
    e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[0]);
    assert_int_equal(offer(f, e, NULL), ENTRY_FEW_SIGNATURES);
    /* a forged signature claiming a board key */
    e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    e->sigs[1].sig[7] ^= 1;
    assert_int_equal(offer(f, e, NULL), ENTRY_FEW_SIGNATURES);
    assert_int_equal(f->feeds.refused[ENTRY_FEW_SIGNATURES], 3);
}

static void an_amended_boards_old_keys_no_longer_count(void **state)
{
    struct fixture *f = *state;
    found(f);
    /* the board becomes keys 2 and 3, one signature enough; signed by the old board */
    size_t len;
    uint8_t *c = charter(f, 2, 2, 1, &len);
    struct entry *e = act(f, EKONET__ENTRY_KIND__KIND_CHARTER, c, len);
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    assert_int_equal(offer(f, e, NULL), ENTRY_OK);
    free(c);
    assert_int_equal(f->roster->threshold, 1);
    assert_int_equal(f->roster->nboard, 2);
    /* keys 0 and 1 are off the board now */
    e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    assert_int_equal(offer(f, e, NULL), ENTRY_FEW_SIGNATURES);
    e = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(e, &f->board[3]);
    assert_int_equal(offer(f, e, NULL), ENTRY_OK);
}

/* A member entry of key k at seq (prev from the store). */
static struct entry *report_of(struct fixture *f, const struct node_key *k, uint64_t seq,
                               const uint8_t *prev)
{
    Ekonet__Report r = EKONET__REPORT__INIT;
    r.title = "Rapport";
    size_t len = ekonet__report__get_packed_size(&r);
    uint8_t buf[64];
    ekonet__report__pack(&r, buf);
    struct entry *e = entry_new(f->network, k->pub, seq, prev, 5000 + seq,
                                EKONET__ENTRY_KIND__KIND_REPORT, buf, len);
    entry_sign(e, k);
    return e;
}

static void only_members_publish_and_revocation_stops_them(void **state)
{
    struct fixture *f = *state;
    found(f);
    struct entry *e1 = report_of(f, &f->alice, 1, NULL);
    struct entry *copy = entry_dup(e1);
    assert_int_equal(offer(f, copy, NULL), ENTRY_NOT_MEMBER);
    struct entry *ad = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(ad, &f->board[0]);
    entry_sign(ad, &f->board[2]);
    assert_int_equal(offer(f, ad, NULL), ENTRY_OK);
    struct entry *e2 = report_of(f, &f->alice, 2, e1->id);
    struct entry *e2copy = entry_dup(e2);
    int status;
    struct errbuf why, err;
    assert_int_equal(feed_accept(&f->feeds, &e1, 1, &status, &why, &err), 1);

    /* revoked after seq 1: seq 2 is refused */
    Ekonet__Revoke r = EKONET__REVOKE__INIT;
    r.member = (ProtobufCBinaryData){KEY_SIZE, f->alice.pub};
    r.reason = "Lämnade nätverket";
    r.last_seq = 1;
    uint8_t buf[128];
    size_t len = ekonet__revoke__pack(&r, buf);
    struct entry *rv = act(f, EKONET__ENTRY_KIND__KIND_REVOKE, buf, len);
    entry_sign(rv, &f->board[1]);
    entry_sign(rv, &f->board[2]);
    assert_int_equal(offer(f, rv, NULL), ENTRY_OK);
    assert_int_equal(f->roster->nrevoked, 1);
    assert_int_equal(roster_may_author(f->roster, f->alice.pub, 1), ENTRY_OK);
    assert_int_equal(offer(f, e2copy, NULL), ENTRY_REVOKED);
    entry_destroy(&e1);
    entry_destroy(&e2);
}

static void board_acts_stay_in_the_board_feed(void **state)
{
    struct fixture *f = *state;
    found(f);
    struct entry *ad = admission(f, &f->alice, "Övertorneå", "2518");
    entry_sign(ad, &f->board[0]);
    entry_sign(ad, &f->board[1]);
    assert_int_equal(offer(f, ad, NULL), ENTRY_OK);
    /* a member cannot admit anyone from its own feed */
    Ekonet__Admit a = EKONET__ADMIT__INIT;
    a.member = (ProtobufCBinaryData){KEY_SIZE, f->bob.pub};
    a.name = "Bob";
    a.code = "0180";
    a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    a.decision = "själv";
    uint8_t buf[256];
    size_t len = ekonet__admit__pack(&a, buf);
    struct entry *e =
        entry_new(f->network, f->alice.pub, 1, NULL, 1, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len);
    entry_sign(e, &f->alice);
    assert_int_equal(offer(f, e, NULL), ENTRY_CONTENT_INVALID);
    /* and the board feed carries no reports */
    Ekonet__Report r = EKONET__REPORT__INIT;
    r.title = "x";
    len = ekonet__report__pack(&r, buf);
    e = act(f, EKONET__ENTRY_KIND__KIND_REPORT, buf, len);
    entry_sign(e, &f->board[0]);
    entry_sign(e, &f->board[1]);
    assert_int_equal(offer(f, e, NULL), ENTRY_CONTENT_INVALID);
}

static void applications_are_signed_by_the_applicant(void **state)
{
    struct fixture *f = *state;
    Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = EKONET__CONTACT_PERSON__INIT;
    pol.name = "Anna";
    pol.email = "anna@overtornea.se";
    off.name = "Olle";
    off.phone = "+46 927 720 00";
    Ekonet__Application app = EKONET__APPLICATION__INIT;
    app.node_key = (ProtobufCBinaryData){KEY_SIZE, f->alice.pub};
    app.name = "Övertorneå";
    app.code = "2518";
    app.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    app.politician = &pol;
    app.official = &off;
    uint8_t *buf;
    size_t len;
    struct errbuf err;
    assert_int_equal(application_sign(&app, &f->alice, &buf, &len), 0);
    Ekonet__SignedApplication *s = ekonet__signed_application__unpack(NULL, len, buf);
    Ekonet__Application *open = application_open(s, &err);
    assert_non_null(open);
    assert_string_equal(open->official->phone, "+46 927 720 00");
    ekonet__application__free_unpacked(open, NULL);
    /* a changed byte breaks the signature */
    s->application.data[s->application.len - 1] ^= 1;
    assert_null(application_open(s, &err));
    ekonet__signed_application__free_unpacked(s, NULL);
    free(buf);
    /* signed by someone else's key: refused */
    assert_int_equal(application_sign(&app, &f->bob, &buf, &len), 0);
    s = ekonet__signed_application__unpack(NULL, len, buf);
    assert_null(application_open(s, &err));
    assert_non_null(strstr(err.msg, "signature"));
    ekonet__signed_application__free_unpacked(s, NULL);
    free(buf);
    /* bad contact details are named */
    pol.email = "anna at overtornea";
    assert_int_equal(application_validate(&app, &err), -1);
    assert_non_null(strstr(err.msg, "politician contact person's email"));
    pol.email = NULL;
    app.code = "25";
    assert_int_equal(application_validate(&app, &err), -1);
    assert_non_null(strstr(err.msg, "region's code"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_charter_needs_k_signatures_of_its_own_board, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(k_minus_one_signatures_are_refused_and_k_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(outsiders_and_repeated_signatures_do_not_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_amended_boards_old_keys_no_longer_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(only_members_publish_and_revocation_stops_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(board_acts_stay_in_the_board_feed, setup, teardown),
        cmocka_unit_test_setup_teardown(applications_are_signed_by_the_applicant, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
