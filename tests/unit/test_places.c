/*
 * Places: the 290 municipalities and 21 regions compiled into the binaries, looked up by
 * their SCB codes as members give them in ekonetd.conf and reports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ekonet/places.h"

/* Every municipality and every region is there, municipalities first. */
static void all_places_are_listed(void **state)
{
    (void)state;
    assert_int_equal(place_count(), 311);
    size_t municipalities = 0, regions = 0;
    for (size_t i = 0; i < place_count(); i++) {
        const struct place *p = place_at(i);
        assert_non_null(p);
        if (p->kind == PLACE_MUNICIPALITY) {
            assert_int_equal(regions, 0); /* no municipality after the first region */
            municipalities++;
        } else {
            assert_int_equal(p->kind, PLACE_REGION);
            regions++;
        }
    }
    assert_int_equal(municipalities, 290);
    assert_int_equal(regions, 21);
    assert_null(place_at(311));
    assert_null(place_at((size_t)-1));
}

/* 2518 is Övertorneå, a municipality in Norrbotten (25). */
static void lookup_overtornea(void **state)
{
    (void)state;
    const struct place *p = place_lookup("2518");
    assert_non_null(p);
    assert_string_equal(p->code, "2518");
    assert_string_equal(p->name, "Övertorneå");
    assert_int_equal(p->kind, PLACE_MUNICIPALITY);
    assert_string_equal(p->county_code, "25");
    assert_string_equal(place_kind_str(p->kind), "municipality");
}

/* 0180 is Stockholm, in Stockholms län (01). */
static void lookup_stockholm(void **state)
{
    (void)state;
    const struct place *p = place_lookup("0180");
    assert_non_null(p);
    assert_string_equal(p->name, "Stockholm");
    assert_int_equal(p->kind, PLACE_MUNICIPALITY);
    assert_string_equal(p->county_code, "01");
    assert_ptr_equal(place_lookup("0180"), p); /* the same static entry every time */
}

/* A two-digit code is a region, which is its own county. */
static void lookup_region(void **state)
{
    (void)state;
    const struct place *p = place_lookup("25");
    assert_non_null(p);
    assert_string_equal(p->name, "Norrbottens län");
    assert_int_equal(p->kind, PLACE_REGION);
    assert_string_equal(p->county_code, "25");
    assert_string_equal(place_kind_str(p->kind), "region");

    p = place_lookup("01");
    assert_non_null(p);
    assert_string_equal(p->name, "Stockholms län");
}

/* Codes that are not SCB codes of any place find nothing. */
static void unknown_codes(void **state)
{
    (void)state;
    assert_null(place_lookup("9999"));
    assert_null(place_lookup("02")); /* there is no county 02 */
    assert_null(place_lookup(""));
    assert_null(place_lookup("25180"));
    assert_null(place_lookup("251"));
    assert_null(place_lookup("2518 "));
    assert_null(place_lookup("Övertorneå"));
    assert_null(place_lookup("code")); /* the header line is not a place */
}

/* Every municipality lies in an existing region, whose code starts its own code. */
static void municipalities_lie_in_regions(void **state)
{
    (void)state;
    for (size_t i = 0; i < place_count(); i++) {
        const struct place *p = place_at(i);
        if (p->kind != PLACE_MUNICIPALITY) continue;
        assert_int_equal(strlen(p->code), 4);
        assert_int_equal(strlen(p->county_code), 2);
        const struct place *county = place_lookup(p->county_code);
        assert_non_null(county);
        assert_int_equal(county->kind, PLACE_REGION);
        assert_memory_equal(p->code, p->county_code, 2);
        assert_true(p->name[0] != '\0');
    }
}

/* No two places share a code, so every lookup finds the place listed. */
static void codes_are_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < place_count(); i++) {
        const struct place *p = place_at(i);
        assert_ptr_equal(place_lookup(p->code), p);
        for (size_t j = i + 1; j < place_count(); j++)
            assert_string_not_equal(p->code, place_at(j)->code);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_places_are_listed), cmocka_unit_test(lookup_overtornea),
        cmocka_unit_test(lookup_stockholm),      cmocka_unit_test(lookup_region),
        cmocka_unit_test(unknown_codes),         cmocka_unit_test(municipalities_lie_in_regions),
        cmocka_unit_test(codes_are_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
