/*
 * The network's band beside a member's trend, and the value axis of its charts: quartiles as
 * spreadsheets compute them, no quartiles from fewer than 5 members, members out of good
 * standing left out, a kept band's year computed again when its snapshots change (that year
 * alone), the bands of a catalogue computed one by one while idle; an axis of round ticks
 * around one value (340 to 420 for 380, not 380 to 381), never below 0 nor above 100 %.
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

#include "ekonet/axis.h"
#include "ekonet/band.h"
#include "ekonet/store.h"
#include "tmpdir.h"

struct fixture {
    char dir[64], path[128];
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    tmpdir_make(f->dir, f->path, "band");
    assert_non_null(f->store = store_open(f->path, &err));
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

/* Member m's value of code for year, as the projection stores it (with its snapshot row). */
static void put(struct fixture *f, uint8_t m, const char *code, uint32_t year, double value)
{
    uint8_t author[KEY_SIZE];
    memset(author, m, KEY_SIZE);
    sqlite3_stmt *st = store_stmt(f->store, "INSERT OR REPLACE INTO indicator_values(code, author,"
                                            " year, value) VALUES(?1, ?2, ?3, ?4)");
    assert_non_null(st);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, year);
    sqlite3_bind_double(st, 4, value);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    st = store_stmt(f->store, "INSERT OR REPLACE INTO snapshots(author, year, seq, n)"
                              " VALUES(?1, ?2, ?3, ?4)");
    assert_non_null(st);
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    sqlite3_bind_int64(st, 3, year);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)m * 10000 + year);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
}

static int admits_all_but_9(void *ctx, const uint8_t author[KEY_SIZE])
{
    (void)ctx;
    return author[0] != 9;
}

/* QUARTILE.INC of 10, 20, 22.5, 30, 40, 50: 20.625, 26.25, 37.5; of one value: itself. */
static void quartiles_as_spreadsheets(void **state)
{
    (void)state;
    const double v[] = {10, 20, 22.5, 30, 40, 50};
    double q1, m, q3;
    band_quartiles(v, 6, &q1, &m, &q3);
    assert_true(q1 == 20.625 && m == 26.25 && q3 == 37.5);
    band_quartiles(v + 1, 1, &q1, &m, &q3);
    assert_true(q1 == 20 && m == 20 && q3 == 20);
    const double w[] = {11, 22, 33, 44, 55};
    band_quartiles(w, 5, &q1, &m, &q3);
    assert_true(q1 == 22 && m == 33 && q3 == 44);
}

/* Five members make a band, four do not; a member out of standing does not count. */
static void band_needs_five_members(void **state)
{
    struct fixture *f = *state;
    for (uint8_t m = 1; m <= 5; m++) put(f, m, "GN.11", 2020, 11.0 * m);
    for (uint8_t m = 1; m <= 4; m++) put(f, m, "GN.11", 2021, 12.0 * m);
    put(f, 9, "GN.11", 2021, 1000); /* revoked: not the fifth */
    put(f, 1, "GN.7", 2020, 400);
    struct band b;
    assert_int_equal(band_compute(f->store, "GN.11", admits_all_but_9, NULL, &b), 0);
    const struct band_year *y20 = &b.years[2020 - BAND_FIRST_YEAR],
                           *y21 = &b.years[2021 - BAND_FIRST_YEAR],
                           *y22 = &b.years[2022 - BAND_FIRST_YEAR];
    assert_int_equal(y20->members, 5);
    assert_true(y20->q1 == 22 && y20->median == 33 && y20->q3 == 44);
    assert_int_equal(y21->members, 4);
    assert_true(y21->median == 0); /* no quartiles from four */
    assert_int_equal(y22->members, 0);
}

/* A kept band is used until the snapshots change; then it is computed again. */
static void cache_follows_the_snapshots(void **state)
{
    struct fixture *f = *state;
    for (uint8_t m = 1; m <= 5; m++) put(f, m, "GN.2", 2020, 100.0 * m);
    struct band_cache *c = band_cache_new();
    assert_non_null(c);
    assert_int_equal(band_cache_refresh(c, f->store), 0);
    const struct band *b = band_cache_get(c, f->store, "GN.2", NULL, NULL);
    assert_non_null(b);
    assert_true(b->years[2020 - BAND_FIRST_YEAR].median == 300);
    assert_ptr_equal(band_cache_get(c, f->store, "GN.2", NULL, NULL), b);
    assert_int_equal(band_cache_refresh(c, f->store), 0); /* nothing changed */
    assert_ptr_equal(band_cache_get(c, f->store, "GN.2", NULL, NULL), b);
    put(f, 6, "GN.2", 2020, 10000);
    assert_int_equal(band_cache_refresh(c, f->store), 0);
    b = band_cache_get(c, f->store, "GN.2", NULL, NULL);
    assert_non_null(b);
    assert_int_equal(b->years[2020 - BAND_FIRST_YEAR].members, 6);
    assert_true(b->years[2020 - BAND_FIRST_YEAR].median == 350);
    band_cache_clear(c);
    band_cache_destroy(&c);
    assert_null(c);
    band_cache_destroy(&c); /* idempotent */
}

/* Only the year whose snapshots changed is read again: a value of 2020 changed behind the
   snapshots' back stays as kept, 2021 with a sixth member's snapshot is new. */
static void cache_reads_changed_years_alone(void **state)
{
    struct fixture *f = *state;
    for (uint8_t m = 1; m <= 5; m++) put(f, m, "GN.2", 2020, 100.0 * m);
    for (uint8_t m = 1; m <= 5; m++) put(f, m, "GN.2", 2021, 10.0 * m);
    struct band_cache *c = band_cache_new();
    assert_int_equal(band_cache_refresh(c, f->store), 0);
    assert_non_null(band_cache_get(c, f->store, "GN.2", NULL, NULL));
    sqlite3_stmt *st =
        store_stmt(f->store, "UPDATE indicator_values SET value = value * 2 WHERE year = 2020");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    put(f, 6, "GN.2", 2021, 60);
    assert_int_equal(band_cache_refresh(c, f->store), 0);
    const struct band *b = band_cache_get(c, f->store, "GN.2", NULL, NULL);
    assert_non_null(b);
    assert_true(b->years[2020 - BAND_FIRST_YEAR].median == 300); /* kept */
    assert_int_equal(b->years[2021 - BAND_FIRST_YEAR].members, 6);
    assert_true(b->years[2021 - BAND_FIRST_YEAR].median == 35);
    band_cache_destroy(&c);
}

/* Idle work computes the catalogue's bands one at a time, then has nothing to do until a
   snapshot changes a year. */
static void cache_warms_one_band_a_step(void **state)
{
    struct fixture *f = *state;
    for (uint8_t m = 1; m <= 5; m++) put(f, m, "GN.2", 2020, 100.0 * m);
    const char *codes[] = {"GN.2", "GN.7"};
    struct band_cache *c = band_cache_new();
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 1);
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 1);
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 0);
    put(f, 6, "GN.2", 2020, 600);
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 1); /* GN.2's 2020 */
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 1); /* GN.7's */
    assert_int_equal(band_cache_warm(c, f->store, codes, 2, NULL, NULL), 0);
    const struct band *b = band_cache_get(c, f->store, "GN.2", NULL, NULL);
    assert_int_equal(b->years[2020 - BAND_FIRST_YEAR].members, 6);
    band_cache_destroy(&c);
}

/* One value: a range around it in proportion; 380 gives 340 to 420, never 380 to 381. */
static void axis_around_one_value(void **state)
{
    (void)state;
    struct axis a;
    assert_int_equal(axis_nice(380, 380, 1, 0, &a), 0);
    assert_true(a.lo == 340 && a.hi == 420 && a.step == 20);
    assert_int_equal(a.nticks, 5);
    assert_int_equal(a.decimals, 0);
    assert_int_equal(axis_nice(0, 0, 1, 1, &a), 0); /* zero: 0 to 1, not below */
    assert_true(a.lo == 0 && a.hi >= 1);
    assert_int_equal(axis_nice(-2, -2, 0, 0, &a), 0);
    assert_true(a.lo < -2 && a.hi > -2);
}

/* Shares stay within 0-100; ticks are round and few; labels get the decimals they need. */
static void axis_round_and_bounded(void **state)
{
    (void)state;
    struct axis a;
    assert_int_equal(axis_nice(22.5, 38.5, 1, 1, &a), 0);
    assert_true(a.lo <= 22.5 && a.hi >= 38.5 && a.nticks <= AXIS_MAX_TICKS);
    assert_true(a.lo == 20 && a.hi == 40);
    assert_int_equal(axis_nice(1, 100, 1, 1, &a), 0);
    assert_true(a.lo == 0 && a.hi == 100);
    assert_int_equal(axis_nice(0.12, 0.19, 1, 0, &a), 0);
    assert_true(a.decimals >= 2);
    assert_int_equal(axis_nice(0, 1e9, 1, 0, &a), 0);
    assert_true(a.nticks <= AXIS_MAX_TICKS);
    assert_int_equal(axis_nice(1, 1.0 / 0.0, 1, 0, &a), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quartiles_as_spreadsheets),
        cmocka_unit_test_setup_teardown(band_needs_five_members, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_follows_the_snapshots, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_reads_changed_years_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_warms_one_band_a_step, setup, teardown),
        cmocka_unit_test(axis_around_one_value),
        cmocka_unit_test(axis_round_and_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
