/*
 * Entries: encode, sign, decode, verify. Every refusal has its own reason, and no
 * alteration, truncation or random input is ever accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ekonet/entry.h"
#include "wire.pb-c.h"

#define MAX_CONTENT 4096
#define MAX_LEN     entry_max_encoded(MAX_CONTENT)

struct fixture {
    struct node_key alice, mallory;
    uint8_t network[ID_SIZE];
};

static int setup(void **state)
{
    static struct fixture f;
    uint8_t seed[32];
    key_lib_init();
    memset(seed, 1, sizeof seed);
    key_from_seed(&f.alice, seed);
    memset(seed, 2, sizeof seed);
    key_from_seed(&f.mallory, seed);
    memset(f.network, 0xEC, sizeof f.network);
    *state = &f;
    return 0;
}

/* A signed report-kind entry of alice at seq with the given prev. */
static struct entry *make(struct fixture *f, uint64_t seq, const uint8_t *prev, const char *text)
{
    struct entry *e =
        entry_new(f->network, f->alice.pub, seq, prev, 1700000000000ull + seq,
                  EKONET__ENTRY_KIND__KIND_REPORT, (const uint8_t *)text, strlen(text));
    assert_non_null(e);
    assert_int_equal(entry_sign(e, &f->alice), 0);
    return e;
}

/* Encodes and decodes e, so that checks run on what a peer would send. */
static int roundtrip(const struct entry *e, struct entry **out)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(entry_encode(e, 1, &buf, &len), 0);
    int rc = entry_decode(buf, len, MAX_LEN, out);
    free(buf);
    return rc;
}

static void a_signed_entry_roundtrips_and_verifies(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "hello"), *d;
    assert_int_equal(roundtrip(e, &d), ENTRY_OK);
    assert_memory_equal(d->id, e->id, ID_SIZE);
    assert_memory_equal(d->header, e->header, e->header_len);
    assert_int_equal(d->seq, 1);
    assert_int_equal(d->kind, EKONET__ENTRY_KIND__KIND_REPORT);
    assert_int_equal(d->content_len, 5);
    assert_int_equal(entry_check(d, f->network, MAX_CONTENT), ENTRY_OK);

    /* id = BLAKE2b-256 of the header bytes */
    uint8_t id[ID_SIZE];
    crypto_generichash(id, ID_SIZE, e->header, e->header_len, NULL, 0);
    assert_memory_equal(id, d->id, ID_SIZE);

    /* the signature covers the domain prefix: over the bare header it does not verify */
    assert_int_not_equal(
        crypto_sign_verify_detached(d->sigs[0].sig, d->header, d->header_len, f->alice.pub), 0);
    entry_destroy(&e);
    entry_destroy(&d);
    assert_null(d);
}

static void an_altered_header_byte_is_refused(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "hello");
    /* Flip one bit inside the content hash: the header still parses, the signature fails. */
    size_t at = e->header_len;
    for (size_t i = 0; i + ID_SIZE <= e->header_len && at == e->header_len; i++)
        if (memcmp(e->header + i, e->content_hash, ID_SIZE) == 0) at = i;
    assert_true(at < e->header_len);
    e->header[at + 3] ^= 0x10;
    struct entry *d;
    assert_int_equal(roundtrip(e, &d), ENTRY_OK);
    assert_int_equal(entry_check(d, f->network, MAX_CONTENT), ENTRY_BAD_SIGNATURE);
    entry_destroy(&d);

    /* Every single-bit change anywhere in the header is refused, at decode or at check. */
    e->header[at + 3] ^= 0x10;
    for (size_t i = 0; i < e->header_len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            e->header[i] ^= (uint8_t)(1 << bit);
            int rc = roundtrip(e, &d);
            if (rc == ENTRY_OK) rc = entry_check(d, f->network, MAX_CONTENT);
            assert_int_not_equal(rc, ENTRY_OK);
            entry_destroy(&d);
            e->header[i] ^= (uint8_t)(1 << bit);
        }
    }
    entry_destroy(&e);
}

static void a_wrong_signature_is_refused(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "hello");
    e->sigs[0].sig[10] ^= 1;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_BAD_SIGNATURE);
    randombytes_buf(e->sigs[0].sig, SIG_SIZE);
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_BAD_SIGNATURE);
    entry_destroy(&e);
}

static void a_signature_by_another_key_is_refused(void **state)
{
    struct fixture *f = *state;
    /* mallory signs alice's entry with his own key: wrong key */
    struct entry *e = entry_new(f->network, f->alice.pub, 1, NULL, 1,
                                EKONET__ENTRY_KIND__KIND_REPORT, (const uint8_t *)"x", 1);
    entry_sign(e, &f->mallory);
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_WRONG_KEY);
    /* ... and claims it is alice's signature: it does not verify */
    memcpy(e->sigs[0].key, f->alice.pub, KEY_SIZE);
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_BAD_SIGNATURE);
    /* two signatures on a member entry: refused as well */
    memcpy(e->sigs[0].key, f->mallory.pub, KEY_SIZE);
    entry_sign(e, &f->alice);
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_WRONG_KEY);
    entry_destroy(&e);
}

static void an_entry_of_another_network_is_refused(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "hello");
    uint8_t other[ID_SIZE];
    memset(other, 0x77, sizeof other);
    assert_int_equal(entry_check(e, other, MAX_CONTENT), ENTRY_WRONG_NETWORK);
    entry_destroy(&e);
}

static void seq_must_be_head_plus_one(void **state)
{
    struct fixture *f = *state;
    struct entry *e1 = make(f, 1, NULL, "one");
    struct entry *e2 = make(f, 2, e1->id, "two");
    struct entry *e3 = make(f, 3, e2->id, "three");
    uint8_t zero[ID_SIZE] = {0};
    assert_int_equal(entry_check_chain(e1, 0, zero), ENTRY_OK);
    assert_int_equal(entry_check_chain(e2, 1, e1->id), ENTRY_OK);
    assert_int_equal(entry_check_chain(e3, 1, e1->id), ENTRY_GAP);       /* one missing */
    assert_int_equal(entry_check_chain(e2, 0, zero), ENTRY_GAP);         /* empty feed */
    assert_int_equal(entry_check_chain(e1, 2, e2->id), ENTRY_DUPLICATE); /* already past it */
    assert_int_equal(entry_check_chain(e2, 2, e2->id), ENTRY_DUPLICATE);
    entry_destroy(&e1);
    entry_destroy(&e2);
    entry_destroy(&e3);
}

static void prev_must_name_the_head(void **state)
{
    struct fixture *f = *state;
    struct entry *e1 = make(f, 1, NULL, "one");
    uint8_t bogus[ID_SIZE];
    memset(bogus, 0x42, sizeof bogus);
    struct entry *e2 = make(f, 2, bogus, "two");
    assert_int_equal(entry_check_chain(e2, 1, e1->id), ENTRY_BAD_PREV);
    entry_destroy(&e1);
    entry_destroy(&e2);
}

static void seq_one_has_no_prev_and_later_ones_have_one(void **state)
{
    struct fixture *f = *state;
    uint8_t prev[ID_SIZE] = {1};
    struct entry *e;
    /* entry_new refuses to build such headers: parse_header rejects them */
    assert_null(entry_new(f->network, f->alice.pub, 1, prev, 1, EKONET__ENTRY_KIND__KIND_REPORT,
                          (const uint8_t *)"x", 1));
    assert_null(entry_new(f->network, f->alice.pub, 2, NULL, 1, EKONET__ENTRY_KIND__KIND_REPORT,
                          (const uint8_t *)"x", 1));
    assert_null(entry_new(f->network, f->alice.pub, 0, NULL, 1, EKONET__ENTRY_KIND__KIND_REPORT,
                          (const uint8_t *)"x", 1));
    /* and a hand-made header with seq 2 and no prev does not decode */
    Ekonet__EntryHeader h = EKONET__ENTRY_HEADER__INIT;
    uint8_t hash[ID_SIZE] = {0}, hdr[256];
    h.network = (ProtobufCBinaryData){ID_SIZE, f->network};
    h.author = (ProtobufCBinaryData){KEY_SIZE, f->alice.pub};
    h.seq = 2;
    h.content_hash = (ProtobufCBinaryData){ID_SIZE, hash};
    size_t n = ekonet__entry_header__pack(&h, hdr);
    assert_int_equal(entry_from_parts(hdr, n, NULL, 0, NULL, 0, &e), ENTRY_BAD_HEADER);
    /* a field of the wrong size does not decode either */
    h.seq = 1;
    h.author.len = 31;
    n = ekonet__entry_header__pack(&h, hdr);
    assert_int_equal(entry_from_parts(hdr, n, NULL, 0, NULL, 0, &e), ENTRY_BAD_HEADER);
}

static void content_must_match_hash_and_size(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "the content");
    e->content[0] ^= 1;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_CONTENT_HASH);
    e->content[0] ^= 1;
    e->content_len--;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_CONTENT_SIZE);
    e->content_len++;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_OK);
    /* detached content: the header still verifies */
    free(e->content);
    e->content = NULL;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_OK);
    entry_destroy(&e);
}

static void oversized_content_and_entries_are_refused(void **state)
{
    struct fixture *f = *state;
    size_t big = MAX_CONTENT + 1;
    char *text = malloc(big + 1);
    memset(text, 'a', big);
    text[big] = '\0';
    struct entry *e = make(f, 1, NULL, text), *d;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_CONTENT_TOO_LARGE);
    /* refused by its declared size even without the content */
    free(e->content);
    e->content = NULL;
    assert_int_equal(entry_check(e, f->network, MAX_CONTENT), ENTRY_CONTENT_TOO_LARGE);
    entry_destroy(&e);

    /* an encoded entry over the limit is refused before it is unpacked */
    char *huge = malloc(MAX_LEN + 10);
    memset(huge, 'b', MAX_LEN + 9);
    huge[MAX_LEN + 9] = '\0';
    e = make(f, 1, NULL, huge);
    assert_int_equal(roundtrip(e, &d), ENTRY_TOO_LARGE);
    assert_null(d);
    entry_destroy(&e);
    free(huge);
    free(text);
}

static void truncated_bytes_are_refused(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "some content to cut"), *d;
    uint8_t *buf;
    size_t len, without_content;
    assert_int_equal(entry_encode(e, 0, &buf, &without_content), 0);
    free(buf);
    assert_int_equal(entry_encode(e, 1, &buf, &len), 0);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = entry_decode(buf, cut, MAX_LEN, &d);
        if (rc == ENTRY_OK && cut == without_content) {
            /* exactly the entry without its content field: a detached entry, nothing more */
            assert_null(d->content);
            entry_destroy(&d);
            continue;
        }
        if (rc == ENTRY_OK) rc = entry_check(d, f->network, MAX_CONTENT);
        assert_int_not_equal(rc, ENTRY_OK);
        entry_destroy(&d);
    }
    free(buf);
    entry_destroy(&e);
}

static void random_bytes_are_refused(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[600];
    for (int i = 0; i < 2000; i++) {
        size_t len = randombytes_uniform(sizeof buf);
        randombytes_buf(buf, len);
        struct entry *d;
        int rc = entry_decode(buf, len, MAX_LEN, &d);
        if (rc == ENTRY_OK) rc = entry_check(d, f->network, MAX_CONTENT);
        assert_int_not_equal(rc, ENTRY_OK);
        entry_destroy(&d);
    }
}

static void every_refusal_has_its_own_reason(void **state)
{
    (void)state;
    for (int i = 1; i < ENTRY_STATUS_COUNT; i++) {
        for (int j = i + 1; j < ENTRY_STATUS_COUNT; j++) {
            assert_string_not_equal(entry_status_str(i), entry_status_str(j));
            assert_string_not_equal(entry_status_label(i), entry_status_label(j));
        }
    }
    assert_string_equal(entry_status_str(ENTRY_BAD_SIGNATURE), "bad signature");
    assert_string_equal(entry_status_label(ENTRY_WRONG_NETWORK), "wrong_network");
    assert_string_equal(entry_status_str(-1), "unknown refusal");
}

static void stored_parts_rebuild_the_same_entry(void **state)
{
    struct fixture *f = *state;
    struct entry *e = make(f, 1, NULL, "parts"), *d;
    size_t n;
    uint8_t *sigs = entry_pack_sigs(e, &n);
    assert_int_equal(n, KEY_SIZE + SIG_SIZE);
    assert_int_equal(
        entry_from_parts(e->header, e->header_len, sigs, n, e->content, e->content_len, &d),
        ENTRY_OK);
    assert_memory_equal(d->id, e->id, ID_SIZE);
    assert_int_equal(entry_check(d, f->network, MAX_CONTENT), ENTRY_OK);
    entry_destroy(&d);
    /* signatures of the wrong length are refused */
    assert_int_equal(entry_from_parts(e->header, e->header_len, sigs, n - 1, NULL, 0, &d),
                     ENTRY_MALFORMED);
    struct entry *copy = entry_dup(e);
    assert_memory_equal(copy->content, e->content, e->content_len);
    entry_destroy(&copy);
    free(sigs);
    entry_destroy(&e);
}

/* An entry dated ts (ms since 1970) by alice. */
static struct entry *dated(struct fixture *f, uint64_t ts)
{
    struct entry *e = entry_new(f->network, f->alice.pub, 1, NULL, ts,
                                EKONET__ENTRY_KIND__KIND_REPORT, (const uint8_t *)"x", 1);
    assert_non_null(e);
    return e;
}

/* The receiver's clock reads NOW: up to a day ahead is accepted, a millisecond more is held,
   and any date before is fine (old reports imported). */
static void an_entry_more_than_a_day_ahead_is_held(void **state)
{
    struct fixture *f = *state;
    const uint64_t now = 1790000000000ull, day = 24 * 3600 * 1000ull;
    struct entry *e = dated(f, now + day);
    assert_int_equal(ENTRY_FUTURE_MAX_MS, day);
    assert_int_equal(entry_check_time(e, now), ENTRY_OK);
    assert_int_equal(entry_check_time(e, now - 1), ENTRY_FUTURE);
    assert_int_equal(entry_due_ms(e), now);
    entry_destroy(&e);
    e = dated(f, now + day + 1);
    assert_int_equal(entry_check_time(e, now), ENTRY_FUTURE);
    assert_int_equal(entry_check_time(e, now + 1), ENTRY_OK); /* its time has come */
    entry_destroy(&e);
    e = dated(f, now + 50 * 365 * day);
    char lead[32];
    assert_int_equal(entry_check_time(e, now), ENTRY_FUTURE);
    assert_string_equal(entry_lead_str(e, now, lead, sizeof lead), "18250 days");
    entry_destroy(&e);
    e = dated(f, now + day + 3 * 3600000);
    assert_string_equal(entry_lead_str(e, now, lead, sizeof lead), "27 hours");
    entry_destroy(&e);
    for (uint64_t ts = 0; ts <= now; ts += now / 4) {
        e = dated(f, ts);
        assert_int_equal(entry_check_time(e, now), ENTRY_OK);
        entry_destroy(&e);
    }
    e = dated(f, UINT64_MAX); /* no overflow makes the end of time look early */
    assert_int_equal(entry_check_time(e, now), ENTRY_FUTURE);
    entry_destroy(&e);
    assert_string_equal(entry_status_label(ENTRY_FUTURE), "future");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_signed_entry_roundtrips_and_verifies),
        cmocka_unit_test(an_altered_header_byte_is_refused),
        cmocka_unit_test(a_wrong_signature_is_refused),
        cmocka_unit_test(a_signature_by_another_key_is_refused),
        cmocka_unit_test(an_entry_of_another_network_is_refused),
        cmocka_unit_test(seq_must_be_head_plus_one),
        cmocka_unit_test(prev_must_name_the_head),
        cmocka_unit_test(seq_one_has_no_prev_and_later_ones_have_one),
        cmocka_unit_test(content_must_match_hash_and_size),
        cmocka_unit_test(oversized_content_and_entries_are_refused),
        cmocka_unit_test(truncated_bytes_are_refused),
        cmocka_unit_test(random_bytes_are_refused),
        cmocka_unit_test(every_refusal_has_its_own_reason),
        cmocka_unit_test(stored_parts_rebuild_the_same_entry),
        cmocka_unit_test(an_entry_more_than_a_day_ahead_is_held),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
