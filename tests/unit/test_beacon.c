/*
 * Beacons: sealed and opened, with the heads they carry read back against the roster they were
 * made with, and not read against another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ekonet/beacon.h"
#include "ekonet/envelope.h"
#include "ekonet/frontier.h"
#include "ekonet/roster.h"

#define NOW 1767225600000ull

static struct node_key signer;

static int by_key(const void *a, const void *b)
{
    return memcmp(((const struct member *)a)->key, ((const struct member *)b)->key, KEY_SIZE);
}

/* A roster of three members (sorted by node id, as roster_load leaves it) at board seq 5. */
static void roster_of_three(struct roster *r, struct member m[3])
{
    memset(r, 0, sizeof *r);
    memset(m, 0, 3 * sizeof *m);
    memset(r->network, 0x5e, ID_SIZE);
    r->joined = 1;
    r->board_seq = 5;
    memcpy(m[0].key, signer.pub, KEY_SIZE);
    memset(m[1].key, 0xa0, KEY_SIZE);
    memset(m[2].key, 0xf0, KEY_SIZE);
    qsort(m, 3, sizeof *m, by_key);
    for (int i = 0; i < 3; i++) m[i].status = MEMBER_ADMITTED;
    m[2].status = MEMBER_REVOKED;
    r->members = m;
    r->nmembers = 3;
}

/* Seals a beacon of signer with ours' heads read through r; opens it; the body. */
static Ekonet__BeaconBody *made(const struct roster *r, const struct frontier *ours)
{
    uint64_t heads[3];
    Ekonet__BeaconBody b = EKONET__BEACON_BODY__INIT;
    b.network = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)r->network};
    b.node = (ProtobufCBinaryData){KEY_SIZE, signer.pub};
    b.time_ms = NOW;
    b.interval_s = 60;
    b.agent = "ekonetd/test";
    b.started_ms = NOW - 1000;
    b.member_heads = heads;
    beacon_set_heads(&b, r, ours);
    uint8_t *raw;
    size_t len;
    assert_int_equal(beacon_seal(&signer, &b, &raw, &len), 0);
    assert_true(len < 200); /* a few bytes a member, not a 32-byte id each */
    Ekonet__BeaconBody *out;
    assert_int_equal(beacon_open(raw, len, r->network, NOW, &out), ENV_OK);
    free(raw);
    return out;
}

static void heads_are_read_back_against_the_same_roster(void **state)
{
    (void)state;
    struct roster r;
    struct member m[3];
    roster_of_three(&r, m);
    struct frontier *ours = frontier_new();
    frontier_set(ours, r.network, 5);
    frontier_set(ours, m[0].key, 300);
    frontier_set(ours, m[2].key, 7); /* m[1] published nothing yet */
    Ekonet__BeaconBody *b = made(&r, ours);
    assert_int_equal(b->n_member_heads, 3);
    uint64_t seq;
    uint64_t want[3] = {300, 0, 7};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(beacon_head(b, &r, m[i].key, &seq), 1);
        assert_int_equal(seq, want[i]);
    }
    assert_int_equal(beacon_head(b, &r, r.network, &seq), 1);
    assert_int_equal(seq, 5);
    uint8_t stranger[KEY_SIZE];
    memset(stranger, 0x11, KEY_SIZE);
    assert_int_equal(beacon_head(b, &r, stranger, &seq), 1);
    assert_int_equal(seq, 0);

    /* After a board act here the beacon's order may not be this roster's: unknown. */
    r.board_seq = 6;
    assert_int_equal(beacon_head(b, &r, m[0].key, &seq), 0);
    r.board_seq = 5;
    r.nmembers = 2;
    assert_int_equal(beacon_head(b, &r, m[0].key, &seq), 0);
    ekonet__beacon_body__free_unpacked(b, NULL);
    frontier_destroy(&ours);
}

static void too_many_heads_are_refused(void **state)
{
    (void)state;
    size_t n = BEACON_HEADS_MAX + 200;
    uint64_t *heads = calloc(n, sizeof *heads);
    uint8_t network[ID_SIZE];
    memset(network, 0x5e, ID_SIZE);
    Ekonet__BeaconBody b = EKONET__BEACON_BODY__INIT;
    b.network = (ProtobufCBinaryData){ID_SIZE, network};
    b.node = (ProtobufCBinaryData){KEY_SIZE, signer.pub};
    b.time_ms = NOW;
    b.interval_s = 60;
    b.agent = "ekonetd/test";
    b.member_heads = heads;
    b.n_member_heads = BEACON_HEADS_MAX + 1;
    uint8_t *raw;
    size_t len;
    assert_int_equal(beacon_seal(&signer, &b, &raw, &len), 0);
    Ekonet__BeaconBody *out;
    assert_int_equal(beacon_open(raw, len, network, NOW, &out), ENV_MALFORMED);
    free(raw);
    for (size_t i = 0; i < n; i++) heads[i] = UINT64_MAX; /* 10-byte varints: over BEACON_MAX */
    b.n_member_heads = n;
    assert_int_equal(beacon_seal(&signer, &b, &raw, &len), 0);
    assert_true(len > BEACON_MAX);
    assert_int_equal(beacon_open(raw, len, network, NOW, &out), ENV_TOO_LARGE);
    free(raw);
    free(heads);
}

int main(void)
{
    uint8_t seed[32];
    memset(seed, 0x40, sizeof seed);
    if (key_lib_init() < 0 || key_from_seed(&signer, seed) < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heads_are_read_back_against_the_same_roster),
        cmocka_unit_test(too_many_heads_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
