/*
 * Indicator catalogue: the default shipped with the program, and the CSV revisions the board
 * publishes, refused with the line of the first problem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/catalogue.h"

#define HEADER "code,name_sv,name_en,unit,better,source\n"
#define GN7    "GN.7,Mängd hushållsavfall,Household waste,kg/person,lower,Avfall Sverige\n"
#define GN11   "GN.11,Ekologiska livsmedel,Organic food,%,higher\n"

static struct catalogue *parse(const char *text, struct errbuf *err)
{
    memset(err->msg, 0, sizeof err->msg);
    return catalogue_parse_csv(text, strlen(text), err);
}

/* Parsing text must fail with exactly the sentence want. */
static void expect_refused(const char *text, const char *want)
{
    struct errbuf err;
    struct catalogue *c = parse(text, &err);
    assert_null(c);
    assert_string_equal(err.msg, want);
}

/* The default catalogue has the 16 indicators of the shipped list. */
static void default_has_sixteen_indicators(void **state)
{
    (void)state;
    struct catalogue *c = catalogue_default();
    assert_non_null(c);
    assert_int_equal(catalogue_count(c), 16);
    assert_string_equal(catalogue_at(c, 0)->code, "GN.1a");
    assert_string_equal(catalogue_at(c, 15)->code, "GN.12");
    assert_null(catalogue_at(c, 16));
    for (size_t i = 0; i < catalogue_count(c); i++) {
        const struct indicator *it = catalogue_at(c, i);
        assert_ptr_equal(catalogue_find(c, it->code), it);
        assert_true(it->name_sv[0] && it->name_en[0] && it->unit[0]);
    }
    catalogue_destroy(&c);
    assert_null(c);
}

/* GN.7 household waste is counted in kg per person, and less is better. */
static void default_gn7_lower_is_better(void **state)
{
    (void)state;
    struct catalogue *c = catalogue_default();
    const struct indicator *it = catalogue_find(c, "GN.7");
    assert_non_null(it);
    assert_string_equal(it->name_sv, "Mängd hushållsavfall");
    assert_string_equal(it->name_en, "Household waste");
    assert_string_equal(it->unit, "kg/person");
    assert_true(it->lower_is_better);
    assert_string_equal(it->source, "Avfall Sverige");
    catalogue_destroy(&c);
}

/* GN.11 organic food in municipal kitchens: more is better. */
static void default_gn11_higher_is_better(void **state)
{
    (void)state;
    struct catalogue *c = catalogue_default();
    const struct indicator *it = catalogue_find(c, "GN.11");
    assert_non_null(it);
    assert_string_equal(it->unit, "%");
    assert_false(it->lower_is_better);
    assert_null(catalogue_find(c, "GN.99"));
    assert_null(catalogue_find(c, "gn.7")); /* codes are case-sensitive */
    assert_null(catalogue_find(c, ""));
    catalogue_destroy(&c);
}

/* A revision the board publishes: quoted names, blank lines, the source column optional. */
static void parse_a_revision(void **state)
{
    (void)state;
    struct errbuf err;
    struct catalogue *c =
        parse(HEADER GN7 "\n"
                         "GN.13,\"Cykelvägar, km\",\"Cycle paths, km\",km/inv,higher,\n" GN11,
              &err);
    assert_non_null(c);
    assert_int_equal(catalogue_count(c), 3);
    const struct indicator *it = catalogue_find(c, "GN.13");
    assert_non_null(it);
    assert_string_equal(it->name_sv, "Cykelvägar, km");
    assert_string_equal(it->name_en, "Cycle paths, km");
    assert_string_equal(it->source, "");
    assert_false(it->lower_is_better);
    assert_string_equal(catalogue_find(c, "GN.11")->source, ""); /* no source column */
    catalogue_destroy(&c);
}

/* The same catalogue saved by a Swedish spreadsheet: ';' separators, CRLF, a BOM. */
static void semicolon_catalogue_accepted(void **state)
{
    (void)state;
    struct errbuf err;
    struct catalogue *c =
        parse("\xEF\xBB\xBF"
              "code;name_sv;name_en;unit;better;source\r\n"
              "GN.7;Mängd hushållsavfall;Household waste;kg/person;lower;Avfall Sverige\r\n"
              "GN.14;Andel, per kommun;Share, per municipality;%;higher;SCB\r\n",
              &err);
    assert_non_null(c);
    assert_int_equal(catalogue_count(c), 2);
    assert_true(catalogue_find(c, "GN.7")->lower_is_better);
    assert_string_equal(catalogue_find(c, "GN.14")->name_sv, "Andel, per kommun");
    assert_string_equal(catalogue_find(c, "GN.14")->source, "SCB");
    catalogue_destroy(&c);
}

/* The first record must be the header. */
static void bad_header(void **state)
{
    (void)state;
    expect_refused("kod,namn,name,enhet,bättre\n" GN7,
                   "line 1: expected the header code,name_sv,name_en,unit,better");
    expect_refused("code,name_sv,name_en\n" GN7,
                   "line 1: expected the header code,name_sv,name_en,unit,better");
    expect_refused("\n\n" GN7, "line 3: expected the header code,name_sv,name_en,unit,better");
}

/* A record with fewer than five columns. */
static void too_few_columns(void **state)
{
    (void)state;
    expect_refused(HEADER GN7 "GN.8,Bly,Lead,mg/kg ts\n",
                   "line 3: expected at least 5 columns, found 4");
    expect_refused(HEADER "GN.8\n", "line 2: expected at least 5 columns, found 1");
}

/* Codes are 1-16 letters, digits, '.', '_' or '-'. */
static void invalid_code(void **state)
{
    (void)state;
    expect_refused(HEADER GN7 "GN 8,Bly,Lead,mg/kg,lower\n",
                   "line 3: \"GN 8\" is not a valid indicator code");
    expect_refused(HEADER ",Bly,Lead,mg/kg,lower\n", "line 2: \"\" is not a valid indicator code");
    expect_refused(HEADER "GN.12345678901234,Bly,Lead,mg/kg,lower\n",
                   "line 2: \"GN.12345678901234\" is not a valid indicator code");
}

/* A code listed twice; blank lines before it still count. */
static void duplicate_code(void **state)
{
    (void)state;
    expect_refused(HEADER GN7 "\n\n" GN7, "line 5: indicator GN.7 is listed twice");
}

/* Names and unit must be non-empty single lines. */
static void empty_names(void **state)
{
    (void)state;
    expect_refused(HEADER "GN.8,,Lead,mg/kg,lower\n",
                   "line 2: names and unit must be non-empty lines of text");
    expect_refused(HEADER "GN.8,Bly,Lead,,lower\n",
                   "line 2: names and unit must be non-empty lines of text");
    expect_refused(HEADER "GN.8,\"Bly\ni slam\",Lead,mg/kg,lower\n",
                   "line 2: names and unit must be non-empty lines of text");
    expect_refused(HEADER "GN.8,Bly\xC0\xAF,Lead,mg/kg,lower\n",
                   "line 2: names and unit must be non-empty lines of text");
}

/* better is lower or higher, spelt exactly so. */
static void better_not_lower_or_higher(void **state)
{
    (void)state;
    expect_refused(HEADER GN7 GN11 "GN.8,Bly,Lead,mg/kg,lägre\n",
                   "line 4: 'better' must be lower or higher, not \"lägre\"");
    expect_refused(HEADER "GN.8,Bly,Lead,mg/kg,Lower\n",
                   "line 2: 'better' must be lower or higher, not \"Lower\"");
    expect_refused(HEADER "GN.8,Bly,Lead,mg/kg,\n",
                   "line 2: 'better' must be lower or higher, not \"\"");
}

/* A catalogue without indicators is refused, with or without its header. */
static void empty_catalogue(void **state)
{
    (void)state;
    expect_refused(HEADER, "the catalogue lists no indicators");
    expect_refused(HEADER "\n\n", "the catalogue lists no indicators");
    expect_refused("", "the catalogue lists no indicators");
}

/* A quote that never closes: the line where its record starts. */
static void unterminated_quote(void **state)
{
    (void)state;
    expect_refused(HEADER GN7 "GN.8,\"Bly,Lead,mg/kg,lower\nGN.9,a,b,c,lower\n",
                   "line 3: malformed CSV record");
}

/* At most CATALOGUE_MAX indicators. */
static void too_many_indicators(void **state)
{
    (void)state;
    size_t cap = sizeof HEADER + (CATALOGUE_MAX + 1) * 32;
    char *text = malloc(cap), *p = text;
    assert_non_null(text);
    p += snprintf(p, cap, "%s", HEADER);
    for (int i = 0; i < CATALOGUE_MAX; i++)
        p += snprintf(p, cap - (size_t)(p - text), "X.%d,namn,name,st,lower\n", i);

    struct errbuf err;
    struct catalogue *c = parse(text, &err);
    assert_non_null(c);
    assert_int_equal(catalogue_count(c), CATALOGUE_MAX);
    catalogue_destroy(&c);

    snprintf(p, cap - (size_t)(p - text), "X.%d,namn,name,st,lower\n", CATALOGUE_MAX);
    expect_refused(text, "line 202: more than 200 indicators");
    free(text);
}

/* Destroying nothing is harmless. */
static void destroy_null(void **state)
{
    (void)state;
    struct catalogue *c = NULL;
    catalogue_destroy(&c);
    catalogue_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_has_sixteen_indicators),
        cmocka_unit_test(default_gn7_lower_is_better),
        cmocka_unit_test(default_gn11_higher_is_better),
        cmocka_unit_test(parse_a_revision),
        cmocka_unit_test(semicolon_catalogue_accepted),
        cmocka_unit_test(bad_header),
        cmocka_unit_test(too_few_columns),
        cmocka_unit_test(invalid_code),
        cmocka_unit_test(duplicate_code),
        cmocka_unit_test(empty_names),
        cmocka_unit_test(better_not_lower_or_higher),
        cmocka_unit_test(empty_catalogue),
        cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(too_many_indicators),
        cmocka_unit_test(destroy_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
