/*
 * Frontiers (author -> head, with an order-free digest) and the checker (batches verified on
 * helper threads, handed back in the order they were submitted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ekonet/checker.h"
#include "ekonet/frontier.h"
#include "wire.pb-c.h"

static void key(uint8_t k[32], int i)
{
    memset(k, 0, 32);
    k[0] = (uint8_t)i;
    k[1] = (uint8_t)(i >> 8);
    k[31] = 0x5a;
}

static void heads_are_kept_and_raised(void **state)
{
    (void)state;
    struct frontier *f = frontier_new();
    uint8_t a[32], b[32];
    key(a, 1);
    key(b, 2);
    assert_int_equal(frontier_get(f, a), 0);
    frontier_set(f, a, 5);
    frontier_raise(f, a, 3);
    assert_int_equal(frontier_get(f, a), 5);
    frontier_raise(f, b, 7);
    assert_int_equal(frontier_count(f), 2);
    frontier_set(f, a, 0); /* removed */
    assert_int_equal(frontier_count(f), 1);
    assert_int_equal(frontier_get(f, a), 0);
    frontier_destroy(&f);
    assert_null(f);
}

static void the_digest_depends_on_the_heads_not_on_the_order(void **state)
{
    (void)state;
    struct frontier *x = frontier_new(), *y = frontier_new();
    uint8_t k[32], dx[FRONTIER_DIGEST], dy[FRONTIER_DIGEST];
    for (int i = 0; i < 1000; i++) { /* enough to make both tables grow */
        key(k, i);
        frontier_set(x, k, (uint64_t)i + 1);
    }
    for (int i = 999; i >= 0; i--) {
        key(k, i);
        frontier_set(y, k, 1);               /* a detour ... */
        frontier_set(y, k, (uint64_t)i + 1); /* ... to the same head */
    }
    frontier_digest(x, dx);
    frontier_digest(y, dy);
    assert_memory_equal(dx, dy, FRONTIER_DIGEST);
    key(k, 500);
    frontier_set(y, k, 502);
    frontier_digest(y, dy);
    assert_memory_not_equal(dx, dy, FRONTIER_DIGEST);
    /* iteration visits every head once */
    size_t pos = 0, n = 0;
    uint64_t seq, sum = 0;
    while (frontier_next(x, &pos, k, &seq)) n++, sum += seq;
    assert_int_equal(n, 1000);
    assert_int_equal(sum, 1000 * 1001 / 2);
    frontier_clear(x);
    assert_int_equal(frontier_count(x), 0);
    frontier_destroy(&x);
    frontier_destroy(&y);
}

/* Two feeds of one length that differ (a fork) differ in the digest of a frontier with ids. */
static void ids_are_kept_and_change_the_digest(void **state)
{
    (void)state;
    struct frontier *x = frontier_new_ids(), *y = frontier_new_ids(), *plain = frontier_new();
    uint8_t k[32], id[32], other[32], dx[FRONTIER_DIGEST], dy[FRONTIER_DIGEST];
    memset(id, 0x11, sizeof id);
    memset(other, 0x22, sizeof other);
    for (int i = 0; i < 200; i++) { /* the tables grow: ids move with their heads */
        key(k, i);
        frontier_set_id(x, k, 4, id);
        frontier_set_id(y, k, 4, id);
        frontier_set_id(plain, k, 4, id);
    }
    key(k, 150);
    assert_memory_equal(frontier_id(x, k), id, 32);
    assert_null(frontier_id(plain, k)); /* a plain frontier keeps no ids */
    frontier_digest(x, dx);
    frontier_digest(y, dy);
    assert_memory_equal(dx, dy, FRONTIER_DIGEST);
    frontier_set_id(y, k, 4, other); /* same seq, another entry */
    frontier_digest(y, dy);
    assert_memory_not_equal(dx, dy, FRONTIER_DIGEST);
    assert_memory_equal(frontier_id(y, k), other, 32);
    frontier_set_id(y, k, 4, id); /* back: the digest is a function of the heads alone */
    frontier_digest(y, dy);
    assert_memory_equal(dx, dy, FRONTIER_DIGEST);
    key(k, 999);
    assert_null(frontier_id(x, k));
    frontier_destroy(&x);
    frontier_destroy(&y);
    frontier_destroy(&plain);
}

static void batches_come_back_checked_and_in_order(void **state)
{
    (void)state;
    struct node_key k;
    uint8_t seed[32] = {9}, net[ID_SIZE] = {7};
    key_lib_init();
    key_from_seed(&k, seed);
    struct checker *c = checker_new(2, net, 1000);
    struct entry *v[6][20];
    int tags[6];
    for (int b = 0; b < 6; b++) {
        for (int i = 0; i < 20; i++) {
            v[b][i] = entry_new(net, k.pub, 1, NULL, 1, EKONET__ENTRY_KIND__KIND_REPORT,
                                (const uint8_t *)"x", 1);
            entry_sign(v[b][i], &k);
            if (i == 3) v[b][i]->sigs[0].sig[0] ^= 1; /* one forgery in each batch */
        }
        tags[b] = b;
    }
    size_t got = 0;
    for (int b = 0; b < 6; b++) {
        while (checker_submit(c, v[b], 20, &tags[b]) < 0) {
            int *t = checker_wait(c);
            assert_int_equal(*t, (int)got++); /* oldest first */
        }
    }
    int *t;
    while ((t = checker_wait(c))) assert_int_equal(*t, (int)got++);
    assert_int_equal(got, 6);
    assert_int_equal(checker_pending(c), 0);
    /* a batch with nothing ahead of it may be checked on the caller's thread; with a job
       queued it may not (it would be stored before the job's) */
    v[0][0]->checked = v[0][3]->checked = 0;
    assert_int_equal(checker_submit(c, &v[0][0], 1, &tags[0]), 0);
    assert_int_equal(checker_check_now(c, &v[0][3], 1), -1);
    assert_int_equal(v[0][3]->checked, 0);
    assert_ptr_equal(checker_wait(c), &tags[0]);
    assert_int_equal(checker_check_now(c, &v[0][3], 1), 0);
    assert_int_equal(v[0][3]->checked - 1, ENTRY_BAD_SIGNATURE);
    assert_int_equal(checker_pending(c), 0);
    for (int b = 0; b < 6; b++) {
        for (int i = 0; i < 20; i++) {
            assert_int_equal(v[b][i]->checked - 1, i == 3 ? ENTRY_BAD_SIGNATURE : ENTRY_OK);
            entry_destroy(&v[b][i]);
        }
    }
    checker_destroy(&c);
    /* without helper threads the caller checks at once */
    c = checker_new(0, net, 1000);
    struct entry *e =
        entry_new(net, k.pub, 1, NULL, 1, EKONET__ENTRY_KIND__KIND_REPORT, (const uint8_t *)"x", 1);
    entry_sign(e, &k);
    assert_int_equal(checker_submit(c, &e, 1, &tags[0]), 0);
    assert_ptr_equal(checker_pop(c), &tags[0]);
    assert_int_equal(e->checked - 1, ENTRY_OK);
    entry_destroy(&e);
    checker_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heads_are_kept_and_raised),
        cmocka_unit_test(the_digest_depends_on_the_heads_not_on_the_order),
        cmocka_unit_test(ids_are_kept_and_change_the_digest),
        cmocka_unit_test(batches_come_back_checked_and_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
