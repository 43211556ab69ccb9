/*
 * Numbers and codes as people read them: an indicator's value rounded to its unit's decimals,
 * a comma in Swedish and a point otherwise, computed numbers without binary noise, codes in
 * natural order, and the language of names, units and directions from the locale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/lang.h"
#include "ekonet/numfmt.h"

/* Each unit of the default catalogue has its decimals; an unknown share has one. */
static void decimals_come_from_the_unit(void **state)
{
    (void)state;
    assert_int_equal(numfmt_decimals("%"), 1);
    assert_int_equal(numfmt_decimals("kg/person"), 0);
    assert_int_equal(numfmt_decimals("ton CO2/inv"), 2);
    assert_int_equal(numfmt_decimals("andel %"), 1);
    assert_int_equal(numfmt_decimals("okänd enhet"), NUMFMT_DEFAULT_DECIMALS);
    assert_int_equal(numfmt_decimals(NULL), NUMFMT_DEFAULT_DECIMALS);
}

/* A change of -20.399999999999977 is -20.4; halves round away from zero. */
static void rounding_removes_float_noise(void **state)
{
    (void)state;
    double change = -20.399999999999977;
    assert_true(change != -20.4);
    assert_true(numfmt_round(change, 1) == -20.4);
    assert_true(numfmt_clean(change) == -20.4);
    assert_true(numfmt_round(0.15, 1) == 0.2);
    assert_true(numfmt_round(-0.15, 1) == -0.2);
    assert_true(numfmt_round(412.5, 0) == 413);
    assert_true(numfmt_round(0.1 + 0.2, 2) == 0.3);
    assert_true(numfmt_clean(0.1 + 0.2) == 0.3);
    double z = numfmt_round(-0.04, 1);
    assert_true(z == 0);
    char buf[32];
    snprintf(buf, sizeof buf, "%g", z);
    assert_string_equal(buf, "0"); /* not -0 */
}

/* Swedish readers get a comma, others a point; a sign only when asked for. */
static void format_uses_the_separator_given(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(numfmt_format(b, sizeof b, 38.5, 1, ',', 0), "38,5");
    assert_string_equal(numfmt_format(b, sizeof b, 38.5, 1, '.', 0), "38.5");
    assert_string_equal(numfmt_format(b, sizeof b, 30, 1, ',', 0), "30,0");
    assert_string_equal(numfmt_format(b, sizeof b, 412, 0, ',', 0), "412");
    assert_string_equal(numfmt_format(b, sizeof b, 16, 1, ',', 1), "+16,0");
    assert_string_equal(numfmt_format(b, sizeof b, -20.399999999999977, 1, ',', 1), "-20,4");
    assert_string_equal(numfmt_format(b, sizeof b, -0.04, 1, '.', 1), "0.0");
    assert_string_equal(numfmt_format(b, sizeof b, 0, 0, '.', 1), "0");
    /* too large for decimals in 32 bytes: shown short, never cut mid-number */
    assert_string_equal(numfmt_format(b, sizeof b, 1e300, 0, '.', 0), "1e+300");
    assert_string_equal(numfmt_format(b, sizeof b, -2.5e20, 1, ',', 0), "-2,5e+20");
}

/* The separator follows the locale: LC_ALL over LC_NUMERIC over LANG. */
static void separator_comes_from_the_locale(void **state)
{
    (void)state;
    assert_int_equal(numfmt_point_of("sv_SE.UTF-8"), ',');
    assert_int_equal(numfmt_point_of("sv_FI"), ',');
    assert_int_equal(numfmt_point_of("C"), '.');
    assert_int_equal(numfmt_point_of("C.UTF-8"), '.');
    assert_int_equal(numfmt_point_of("POSIX"), '.');
    assert_int_equal(numfmt_point_of(""), '.');
    assert_int_equal(numfmt_point_of(NULL), '.');
    assert_int_equal(numfmt_point_of("svenska"), '.');
    unsetenv("LC_ALL");
    unsetenv("LC_NUMERIC");
    setenv("LANG", "sv_SE.UTF-8", 1);
    assert_int_equal(numfmt_point(), ',');
    setenv("LC_NUMERIC", "C", 1);
    assert_int_equal(numfmt_point(), '.');
    setenv("LC_ALL", "sv_SE.UTF-8", 1);
    assert_int_equal(numfmt_point(), ',');
    setenv("LC_ALL", "C", 1);
    assert_int_equal(numfmt_point(), '.');
    unsetenv("LC_ALL");
    unsetenv("LC_NUMERIC");
    unsetenv("LANG");
    assert_int_equal(numfmt_point(), '.');
}

/* Swedish for sv locales, English otherwise; units in the reader's language. */
static void language_comes_from_the_locale(void **state)
{
    (void)state;
    assert_int_equal(lang_of("sv_SE.UTF-8"), LANG_SV);
    assert_int_equal(lang_of("sv"), LANG_SV);
    assert_int_equal(lang_of("sv_FI@euro"), LANG_SV);
    assert_int_equal(lang_of("C"), LANG_EN);
    assert_int_equal(lang_of("svenska"), LANG_EN);
    assert_int_equal(lang_of(NULL), LANG_EN);
    unsetenv("LC_ALL");
    setenv("LC_MESSAGES", "sv_SE.UTF-8", 1);
    setenv("LANG", "C", 1);
    assert_int_equal(lang_from_env(), LANG_SV);
    setenv("LC_ALL", "C.UTF-8", 1);
    assert_int_equal(lang_from_env(), LANG_EN);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    assert_string_equal(lang_unit("resor/inv", LANG_EN), "trips/inhabitant");
    assert_string_equal(lang_unit("resor/inv", LANG_SV), "resor/inv");
    assert_string_equal(lang_unit("%", LANG_EN), "%");
    assert_string_equal(lang_unit("egen enhet", LANG_EN), "egen enhet");
}

static int code_order(const void *a, const void *b)
{
    return numfmt_code_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* GN.2 before GN.11, GN.1a before GN.1b before GN.2, GN.10a before GN.11. */
static void codes_sort_naturally(void **state)
{
    (void)state;
    const char *v[] = {"GN.11", "GN.2", "GN.10b", "GN.1b", "GN.12", "GN.1a", "GN.10a", "GN.7"};
    qsort(v, sizeof v / sizeof v[0], sizeof v[0], code_order);
    const char *want[] = {"GN.1a", "GN.1b", "GN.2", "GN.7", "GN.10a", "GN.10b", "GN.11", "GN.12"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) assert_string_equal(v[i], want[i]);
    assert_int_equal(numfmt_code_cmp("GN.7", "GN.7"), 0);
    assert_true(numfmt_code_cmp("GN.7", "GN.7a") < 0);
    assert_true(numfmt_code_cmp("0180", "1980") < 0);
    assert_true(numfmt_code_cmp("GN.07", "GN.7") > 0); /* same number: fewer zeros first */
    assert_true(numfmt_code_cmp("GN.99999999999999999999", "GN.100000000000000000000") < 0);
    assert_true(numfmt_code_cmp("", "GN.1") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimals_come_from_the_unit),
        cmocka_unit_test(rounding_removes_float_noise),
        cmocka_unit_test(format_uses_the_separator_given),
        cmocka_unit_test(separator_comes_from_the_locale),
        cmocka_unit_test(language_comes_from_the_locale),
        cmocka_unit_test(codes_sort_naturally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
