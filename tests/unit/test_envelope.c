/*
 * Envelopes and acks: only the recipient opens a sealed request; every change to a signed or
 * sealed byte is refused with its reason; times are checked; and the tables behind contact
 * requests move through their states, drop what is acknowledged or expired, and never hold
 * a relay copy of what was acknowledged.
 */
#define _GNU_SOURCE /* memmem */
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
#include "ekonet/contacts.h"
#include "ekonet/envelope.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

#define NOW   1790000000000ull
#define MONTH (30 * ENVELOPE_DAY_MS)

static struct node_key alice, bob, carol;
static uint8_t net[ID_SIZE];

static int setup(void **state)
{
    (void)state;
    uint8_t seed[32];
    key_lib_init();
    memset(seed, 1, sizeof seed);
    key_from_seed(&alice, seed);
    memset(seed, 2, sizeof seed);
    key_from_seed(&bob, seed);
    memset(seed, 3, sizeof seed);
    key_from_seed(&carol, seed);
    memset(net, 0xAB, sizeof net);
    return 0;
}

/* A sealed request from alice to bob. */
static void seal(uint8_t **raw, size_t *len, const char *text, uint64_t created, uint64_t expires)
{
    struct errbuf err = {""};
    if (envelope_seal(&alice, net, bob.pub, ENVELOPE_REQUEST, NULL, created, expires,
                      (const uint8_t *)text, strlen(text), raw, len, &err) < 0)
        fail_msg("envelope_seal: %s", err.msg);
}

/* Decodes and checks raw at now; the status. */
static int check(const uint8_t *raw, size_t len, uint64_t now)
{
    struct envelope e;
    int rc = envelope_decode(raw, len, &e);
    if (rc == ENV_OK) rc = envelope_check(&e, net, now);
    envelope_clear(&e);
    return rc;
}

static void test_only_the_recipient_opens(void **state)
{
    (void)state;
    uint8_t *raw, *plain;
    size_t len, plen;
    seal(&raw, &len, "Hur gjorde ni?", NOW, NOW + MONTH);
    struct envelope e;
    assert_int_equal(envelope_decode(raw, len, &e), ENV_OK);
    assert_int_equal(envelope_check(&e, net, NOW + 1000), ENV_OK);
    assert_memory_equal(e.from, alice.pub, KEY_SIZE);
    assert_memory_equal(e.to, bob.pub, KEY_SIZE);
    assert_int_equal(e.kind, ENVELOPE_REQUEST);
    assert_int_equal(envelope_open(&e, &carol, &plain, &plen), -1); /* not hers */
    assert_int_equal(envelope_open(&e, &alice, &plain, &plen), -1); /* not even the sender's */
    assert_int_equal(envelope_open(&e, &bob, &plain, &plen), 0);
    assert_int_equal(plen, strlen("Hur gjorde ni?"));
    assert_memory_equal(plain, "Hur gjorde ni?", plen);
    /* the plaintext is nowhere in the bytes a relay holds */
    assert_null(memmem(raw, len, "gjorde", 6));
    free(plain);
    envelope_clear(&e);
    free(raw);
}

static void test_every_changed_byte_is_refused(void **state)
{
    (void)state;
    uint8_t *raw;
    size_t len;
    seal(&raw, &len, "Frågan", NOW, NOW + MONTH);
    for (size_t i = 0; i < len; i++) {
        raw[i] ^= 0x01;
        int rc = check(raw, len, NOW);
        if (rc == ENV_OK) fail_msg("a flipped bit at byte %zu of %zu was accepted", i, len);
        raw[i] ^= 0x01;
    }
    assert_int_equal(check(raw, len, NOW), ENV_OK);
    /* the reasons, byte by byte where it matters */
    Ekonet__Envelope *m = ekonet__envelope__unpack(NULL, len, raw);
    assert_non_null(m);
    uint8_t buf[ENVELOPE_MAX];
    m->box.data[40] ^= 1;
    size_t n = ekonet__envelope__pack(m, buf);
    assert_int_equal(check(buf, n, NOW), ENV_BAD_BOX);
    m->box.data[40] ^= 1;
    m->sig.data[0] ^= 1;
    n = ekonet__envelope__pack(m, buf);
    assert_int_equal(check(buf, n, NOW), ENV_BAD_SIGNATURE);
    m->sig.data[0] ^= 1;
    ekonet__envelope__free_unpacked(m, NULL);
    uint8_t other[ID_SIZE];
    memset(other, 0xCD, sizeof other);
    struct envelope e;
    assert_int_equal(envelope_decode(raw, len, &e), ENV_OK);
    assert_int_equal(envelope_check(&e, other, NOW), ENV_WRONG_NETWORK);
    envelope_clear(&e);
    assert_int_equal(check(raw, ENVELOPE_MAX + 1, NOW), ENV_TOO_LARGE);
    assert_int_equal(check((const uint8_t *)"garbage", 7, NOW), ENV_MALFORMED);
    free(raw);
}

static void test_times(void **state)
{
    (void)state;
    uint8_t *raw;
    size_t len;
    seal(&raw, &len, "x", NOW, NOW + MONTH);
    assert_int_equal(check(raw, len, NOW + MONTH - 1), ENV_OK);
    assert_int_equal(check(raw, len, NOW + MONTH), ENV_EXPIRED);
    assert_int_equal(check(raw, len, NOW - ENVELOPE_SKEW_MS - 1), ENV_BAD_TIME); /* future */
    free(raw);
    seal(&raw, &len, "x", NOW, NOW + ENVELOPE_LIFETIME_MAX + 1);
    assert_int_equal(check(raw, len, NOW), ENV_BAD_TIME);
    free(raw);
    seal(&raw, &len, "x", NOW, NOW);
    assert_int_equal(check(raw, len, NOW - 1), ENV_BAD_TIME);
    free(raw);
}

static void test_too_long_to_seal(void **state)
{
    (void)state;
    size_t big = ENVELOPE_MAX_BOX;
    uint8_t *text = calloc(1, big), *raw = NULL;
    size_t len;
    struct errbuf err = {""};
    assert_int_equal(envelope_seal(&alice, net, bob.pub, ENVELOPE_REQUEST, NULL, NOW, NOW + MONTH,
                                   text, big, &raw, &len, &err),
                     -1);
    assert_non_null(strstr(err.msg, "too long"));
    assert_null(raw);
    free(text);
}

static void test_acks(void **state)
{
    (void)state;
    uint8_t *raw, *araw;
    size_t len, alen;
    seal(&raw, &len, "x", NOW, NOW + MONTH);
    struct envelope e;
    struct ack a;
    assert_int_equal(envelope_decode(raw, len, &e), ENV_OK);
    assert_int_equal(ack_make(&bob, &e, &araw, &alen), 0);
    assert_int_equal(ack_decode(araw, alen, &a), ENV_OK);
    assert_int_equal(ack_check(&a, net, NOW), ENV_OK);
    assert_memory_equal(a.envelope, e.id, ID_SIZE);
    assert_memory_equal(a.from, bob.pub, KEY_SIZE);
    assert_memory_equal(a.to, alice.pub, KEY_SIZE);
    assert_int_equal(a.expires_ms, NOW + MONTH);
    assert_int_equal(ack_check(&a, net, NOW + MONTH), ENV_EXPIRED);
    ack_clear(&a);
    for (size_t i = 0; i < alen; i++) {
        araw[i] ^= 0x10;
        int rc = ack_decode(araw, alen, &a);
        if (rc == ENV_OK) rc = ack_check(&a, net, NOW);
        ack_clear(&a);
        if (rc == ENV_OK) fail_msg("a flipped bit at byte %zu of the ack was accepted", i);
        araw[i] ^= 0x10;
    }
    envelope_clear(&e);
    free(araw);
    free(raw);
}

static void test_request_validation(void **state)
{
    (void)state;
    Ekonet__ContactRequest r = EKONET__CONTACT_REQUEST__INIT;
    struct errbuf err = {""};
    r.role = EKONET__CONTACT_ROLE__ROLE_OFFICIAL;
    r.subject = "Matsvinn";
    r.message = "Hur gjorde ni?";
    r.from_name = "Karin Berg";
    r.reply_to = "karin@stockholm.example.se";
    assert_int_equal(contact_request_validate(&r, &err), 0);
    r.about = "indicator:GN.7";
    assert_int_equal(contact_request_validate(&r, &err), 0);
    r.about = "topic:avfall";
    assert_int_equal(contact_request_validate(&r, &err), 0);
    r.about = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_int_equal(contact_request_validate(&r, &err), 0);
    r.about = "något annat";
    assert_int_equal(contact_request_validate(&r, &err), -1);
    assert_non_null(strstr(err.msg, "about"));
    r.about = NULL;
    r.reply_to = "karin";
    assert_int_equal(contact_request_validate(&r, &err), -1);
    assert_non_null(strstr(err.msg, "not an email address"));
    r.reply_to = "karin@stockholm.example.se";
    r.subject = "två\nrader";
    assert_int_equal(contact_request_validate(&r, &err), -1);
    assert_non_null(strstr(err.msg, "subject"));
    r.subject = "Matsvinn";
    r.role = 7;
    assert_int_equal(contact_request_validate(&r, &err), -1);
    assert_non_null(strstr(err.msg, "role"));

    Ekonet__ContactReply p = EKONET__CONTACT_REPLY__INIT;
    Ekonet__ContactPerson who = EKONET__CONTACT_PERSON__INIT;
    p.answer = EKONET__CONTACT_ANSWER__ANSWER_TEXT;
    p.responder = &who;
    who.name = "Per Ek";
    assert_int_equal(contact_reply_validate(&p, &err), -1);
    assert_non_null(strstr(err.msg, "needs its text"));
    p.text = "Så här gjorde vi.";
    assert_int_equal(contact_reply_validate(&p, &err), 0);
    p.responder = NULL;
    assert_int_equal(contact_reply_validate(&p, &err), -1);
}

/* ---- the tables ---------------------------------------------------------------------------- */

struct db {
    char dir[64], path[128];
    struct store *s;
};

static void db_open(struct db *d)
{
    struct errbuf err = {""};
    strcpy(d->dir, "/tmp/ekonet-test-envelope-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->path, sizeof d->path, "%s/ekonet.db", d->dir);
    if (!(d->s = store_open(d->path, &err))) fail_msg("store_open: %s", err.msg);
}

static void db_close(struct db *d)
{
    char wal[160], shm[160];
    store_destroy(&d->s);
    snprintf(wal, sizeof wal, "%s-wal", d->path);
    snprintf(shm, sizeof shm, "%s-shm", d->path);
    unlink(d->path);
    unlink(wal);
    unlink(shm);
    rmdir(d->dir);
}

static int count_held(void *ctx, const uint8_t id[ID_SIZE], const uint8_t sender[KEY_SIZE],
                      const uint8_t recipient[KEY_SIZE], int own, const uint8_t *raw, size_t len)
{
    (void)id, (void)sender, (void)recipient, (void)own, (void)raw, (void)len;
    (*(int *)ctx)++;
    return 0;
}

static void get_state(void *ctx, const struct contact *c)
{
    snprintf(ctx, 16, "%s", c->state);
}

static const char *state_of(struct db *d, const uint8_t id[ID_SIZE])
{
    static char state[16];
    strcpy(state, "none");
    assert_true(contacts_get(d->s, id, get_state, state) >= 0);
    return state;
}

static void test_relay_copy_and_ack(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    uint8_t *raw, *araw;
    size_t len, alen;
    seal(&raw, &len, "x", NOW, NOW + MONTH);
    struct envelope e;
    struct ack a;
    assert_int_equal(envelope_decode(raw, len, &e), ENV_OK);
    assert_int_equal(contacts_hold(d.s, &e, 0, NOW), 1);
    assert_int_equal(contacts_hold(d.s, &e, 0, NOW), 0); /* a duplicate */
    uint64_t count, bytes, from;
    assert_int_equal(contacts_relay_usage(d.s, alice.pub, &count, &bytes, &from), 0);
    assert_int_equal(count, 1);
    assert_int_equal(bytes, len);
    assert_int_equal(from, 1);
    /* an ack signed by someone other than the recipient does not release the copy */
    assert_int_equal(ack_make(&carol, &e, &araw, &alen), 0);
    assert_int_equal(ack_decode(araw, alen, &a), ENV_OK);
    assert_int_equal(contacts_ack_put(d.s, &a), 1);
    ack_clear(&a);
    free(araw);
    assert_int_equal(contacts_held(d.s, e.id), 1);
    assert_int_equal(contacts_acked(d.s, e.id, bob.pub), 0);
    /* the recipient's does */
    assert_int_equal(ack_make(&bob, &e, &araw, &alen), 0);
    assert_int_equal(ack_decode(araw, alen, &a), ENV_OK);
    assert_int_equal(contacts_ack_put(d.s, &a), 1);
    assert_int_equal(contacts_ack_put(d.s, &a), 0);
    assert_int_equal(contacts_held(d.s, e.id), 0);
    assert_int_equal(contacts_acked(d.s, e.id, bob.pub), 1);
    assert_int_equal(contacts_ack_count(d.s, bob.pub), 1);
    ack_clear(&a);
    free(araw);
    /* expiry drops the acks too */
    uint64_t envs, acks, expired;
    assert_int_equal(contacts_purge(d.s, NOW + MONTH, &envs, &acks, &expired), 0);
    assert_int_equal(acks, 2);
    assert_int_equal(contacts_acked(d.s, e.id, bob.pub), 0);
    envelope_clear(&e);
    free(raw);
    db_close(&d);
}

static void test_outbox_states(void **state)
{
    (void)state;
    struct db d;
    db_open(&d);
    uint8_t *raw;
    size_t len;
    seal(&raw, &len, "x", NOW, NOW + MONTH);
    struct envelope e;
    assert_int_equal(envelope_decode(raw, len, &e), ENV_OK);
    const uint8_t req[] = "request bytes";
    assert_int_equal(contacts_add(d.s, e.id, 1, bob.pub, NOW, NOW + MONTH, req, sizeof req, NOW),
                     1);
    assert_int_equal(contacts_add(d.s, e.id, 1, bob.pub, NOW, NOW + MONTH, req, sizeof req, NOW),
                     0);
    assert_int_equal(contacts_hold(d.s, &e, 1, NOW), 1);
    assert_string_equal(state_of(&d, e.id), "queued");
    assert_int_equal(contacts_relayed(d.s, e.id, NOW), 0);
    assert_string_equal(state_of(&d, e.id), "relayed");
    /* delivered only by the recipient */
    assert_int_equal(contacts_delivered(d.s, e.id, carol.pub, NOW), 0);
    assert_string_equal(state_of(&d, e.id), "relayed");
    assert_int_equal(contacts_delivered(d.s, e.id, bob.pub, NOW), 1);
    assert_string_equal(state_of(&d, e.id), "delivered");
    /* answered once, by the recipient only */
    const uint8_t rep[] = "reply bytes";
    assert_int_equal(contacts_answered(d.s, e.id, carol.pub, "answered", rep, sizeof rep, NOW), 0);
    assert_int_equal(contacts_answered(d.s, e.id, bob.pub, "declined", rep, sizeof rep, NOW), 1);
    assert_int_equal(contacts_answered(d.s, e.id, bob.pub, "answered", rep, sizeof rep, NOW), 0);
    assert_string_equal(state_of(&d, e.id), "declined");
    /* a second request expires undelivered; the member leaves before a third arrives */
    uint8_t id2[ID_SIZE], id3[ID_SIZE];
    memset(id2, 2, sizeof id2);
    memset(id3, 3, sizeof id3);
    assert_int_equal(contacts_add(d.s, id2, 1, bob.pub, NOW, NOW + 10, req, sizeof req, NOW), 1);
    assert_int_equal(contacts_add(d.s, id3, 1, carol.pub, NOW, NOW + MONTH, req, sizeof req, NOW),
                     1);
    uint64_t envs, acks, expired;
    assert_int_equal(contacts_purge(d.s, NOW + 10, &envs, &acks, &expired), 0);
    assert_int_equal(expired, 1);
    assert_string_equal(state_of(&d, id2), "expired");
    assert_string_equal(state_of(&d, e.id), "declined");
    assert_int_equal(contacts_forget_member(d.s, carol.pub, NOW), 0);
    assert_string_equal(state_of(&d, id3), "expired");
    struct contacts_counts cc;
    assert_int_equal(contacts_counts(d.s, &cc), 0);
    assert_int_equal(cc.outbox_pending, 0);
    assert_int_equal(cc.own_held, 1);
    int held = 0;
    assert_int_equal(contacts_each_held(d.s, NOW, count_held, &held), 0);
    assert_int_equal(held, 1);
    held = 0;
    assert_int_equal(contacts_each_held(d.s, NOW + MONTH, count_held, &held), 0);
    assert_int_equal(held, 0); /* expired ones are not offered */
    /* the outbox survives reopening */
    store_destroy(&d.s);
    struct errbuf err = {""};
    assert_non_null(d.s = store_open(d.path, &err));
    assert_string_equal(state_of(&d, e.id), "declined");
    uint8_t found[ID_SIZE];
    char prefix[9];
    snprintf(prefix, sizeof prefix, "%02x%02x%02x%02x", e.id[0], e.id[1], e.id[2], e.id[3]);
    assert_int_equal(contacts_resolve(d.s, prefix, found), 1);
    assert_memory_equal(found, e.id, ID_SIZE);
    envelope_clear(&e);
    free(raw);
    db_close(&d);
}

/* A refused envelope or ack holds nothing: a caller that clears only what decoded leaks nothing. */
static void test_a_refusal_holds_nothing(void **state)
{
    (void)state;
    uint8_t header[] = {0x0a, 0x03, 'b', 'a', 'd'}, sig[SIG_SIZE] = {0}, box[64] = {0};
    Ekonet__Envelope m = EKONET__ENVELOPE__INIT;
    m.header = (ProtobufCBinaryData){sizeof header, header};
    m.sig = (ProtobufCBinaryData){sizeof sig, sig};
    m.box = (ProtobufCBinaryData){sizeof box, box};
    uint8_t buf[256];
    size_t n = ekonet__envelope__pack(&m, buf);
    struct envelope e;
    assert_int_equal(envelope_decode(buf, n, &e), ENV_MALFORMED);
    assert_null(e.msg);
    Ekonet__Ack am = EKONET__ACK__INIT;
    am.header = m.header;
    am.sig = m.sig;
    n = ekonet__ack__pack(&am, buf);
    struct ack a;
    assert_int_equal(ack_decode(buf, n, &a), ENV_MALFORMED);
    assert_null(a.msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_the_recipient_opens),
        cmocka_unit_test(test_every_changed_byte_is_refused),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_too_long_to_seal),
        cmocka_unit_test(test_acks),
        cmocka_unit_test(test_a_refusal_holds_nothing),
        cmocka_unit_test(test_request_validation),
        cmocka_unit_test(test_relay_copy_and_ack),
        cmocka_unit_test(test_outbox_states),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
