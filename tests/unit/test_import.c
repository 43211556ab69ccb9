/*
 * Importing indicator values: numbers as Swedes write them, CSV with ',' or ';', Kolada JSON
 * (gender T only, nulls and other municipalities skipped and counted, KPIs mapped to codes),
 * every value checked against the catalogue (its range, unless forced, and the current year),
 * and a refusal that names the line and leaves nothing imported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/catalogue.h"
#include "ekonet/import.h"

static int setup(void **state)
{
    struct catalogue *cat = catalogue_default();
    assert_non_null(cat);
    *state = cat;
    return 0;
}

static int teardown(void **state)
{
    struct catalogue *cat = *state;
    catalogue_destroy(&cat);
    return 0;
}

static int csv(const struct catalogue *cat, const char *text, struct import *imp,
               struct errbuf *err)
{
    return import_csv(text, strlen(text), cat, imp, err);
}

static int kolada(const struct catalogue *cat, const char *json, const struct kpi_map *map,
                  size_t nmap, struct import *imp, struct errbuf *err)
{
    return import_kolada(json, strlen(json), cat, "1980", map, nmap, imp, err);
}

/* A refused import holds nothing, and its message begins with start and contains part. */
static void expect_refusal(int rc, const struct import *imp, const struct errbuf *err,
                           const char *start, const char *part)
{
    assert_int_equal(rc, -1);
    if (strncmp(err->msg, start, strlen(start)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", start, err->msg);
    if (part && !strstr(err->msg, part)) fail_msg("expected \"%s\" in \"%s\"", part, err->msg);
    assert_int_equal(imp->n, 0);
    assert_null(imp->v);
}

static void expect_csv_refusal(const struct catalogue *cat, const char *text, const char *start,
                               const char *part)
{
    struct import imp;
    struct errbuf err = {""};
    expect_refusal(csv(cat, text, &imp, &err), &imp, &err, start, part);
}

static void expect_kolada_refusal(const struct catalogue *cat, const char *json,
                                  const struct kpi_map *map, size_t nmap, const char *start,
                                  const char *part)
{
    struct import imp;
    struct errbuf err = {""};
    expect_refusal(kolada(cat, json, map, nmap, &imp, &err), &imp, &err, start, part);
}

static void numbers_are_read_as_written_in_sweden_and_elsewhere(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(import_number("412,5", &v), 0); /* a decimal comma */
    assert_true(v == 412.5);
    assert_int_equal(import_number("412.5", &v), 0); /* a decimal point */
    assert_true(v == 412.5);
    assert_int_equal(import_number("1 234,5", &v), 0); /* a space between thousands */
    assert_true(v == 1234.5);
    assert_int_equal(import_number("1\xC2\xA0"
                                   "234,5",
                                   &v),
                     0); /* a no-break space, as Excel */
    assert_true(v == 1234.5);
    assert_int_equal(import_number("-3", &v), 0); /* a number; whether it may be negative is the
                                                     indicator's business */
    assert_true(v == -3);
}

static void what_is_not_a_number_is_refused(void **state)
{
    (void)state;
    double v = 7;
    const char *bad[] = {"", "abc", "1,2,3", "nan", "inf", " ", "12 kg"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (import_number(bad[i], &v) != -1) fail_msg("\"%s\" was taken for %g", bad[i], v);
    assert_true(v == 7); /* untouched */
}

/* Parses text (CSV, or Kolada JSON when it begins with '['), then import_check's answer. */
static int checked(const struct catalogue *cat, const char *text, int force, uint32_t max_year,
                   struct import *imp, struct errbuf *err)
{
    const struct kpi_map map[] = {{"N15428", "GN.11"}};
    int rc = text[0] == '[' ? kolada(cat, text, map, 1, imp, err) : csv(cat, text, imp, err);
    if (rc < 0) fail_msg("does not parse: %s", err->msg);
    return import_check(imp, cat, force, max_year, err);
}

static void values_outside_the_range_need_force_and_are_marked(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    struct {
        const char *text, *says;
    } bad[] = {
        {"GN.7,2023,-3\n", "line 1: GN.7 is in kg/person: 0 to 1500; -3 is outside. Use --force"},
        {"GN.7,2023,1e9\n", "line 1: GN.7 is in kg/person: 0 to 1500; 1000000000 is outside"},
        {"GN.7,2023,1\nGN.4,2023,\"100,5\"\n",
         "line 2: GN.4 is a share in per cent: 0 to 100; 100.5 is outside. Use --force if it is "
         "right"},
        {"[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2022,"
         " \"values\": [{\"gender\": \"T\", \"value\": 50}]},"
         " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
         " \"values\": [{\"gender\": \"T\", \"value\": 120}]}]",
         "values[1]: GN.11 is a share in per cent: 0 to 100; 120 is outside"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(checked(cat, bad[i].text, 0, 2026, &imp, &err), -1);
        if (strncmp(err.msg, bad[i].says, strlen(bad[i].says)) != 0)
            fail_msg("case %zu: expected \"%s...\", got \"%s\"", i, bad[i].says, err.msg);
        import_free(&imp);
        /* confirmed: published, and marked forced (only the value outside) */
        assert_int_equal(checked(cat, bad[i].text, 1, 2026, &imp, &err), 0);
        assert_true(imp.v[imp.n - 1].forced);
        if (imp.n > 1) assert_false(imp.v[0].forced);
        import_free(&imp);
    }
    /* the edges of the range are in it */
    assert_int_equal(
        checked(cat, "GN.7,2023,0\nGN.7,2022,1500\nGN.4,2023,100\n", 0, 2026, &imp, &err), 0);
    for (size_t i = 0; i < imp.n; i++) assert_false(imp.v[i].forced);
    import_free(&imp);
}

static void a_year_not_begun_is_refused_even_with_force(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    assert_int_equal(checked(cat, "GN.7,2026,400\nGN.7,2027,400\n", 1, 2026, &imp, &err), -1);
    assert_string_equal(err.msg, "line 2: 2027 has not begun: values are published for 2026 and "
                                 "the years before");
    import_free(&imp);
    assert_int_equal(checked(cat, "GN.7,2026,400\n", 0, 2026, &imp, &err), 0);
    import_free(&imp);
}

static void a_catalogue_names_its_ranges_or_gets_the_default(void **state)
{
    (void)state;
    struct errbuf err = {""};
    const char *text = "code,name_sv,name_en,unit,better,source,min,max\n"
                       "A.1,a,a,%,higher,,,\n"    /* a share: 0 to 100 */
                       "A.2,b,b,kg,lower\n"       /* an amount: 0 or more */
                       "A.3,c,c,ton,lower,,-5,\n" /* net emissions may be negative */
                       "A.4,d,d,%,higher,,10,90\n";
    struct catalogue *c = catalogue_parse_csv(text, strlen(text), &err);
    assert_non_null(c);
    char buf[64];
    const char *want[] = {"0 to 100", "0 or more", "-5 or more", "10 to 90"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(indicator_range_text(catalogue_at(c, i), buf, sizeof buf), want[i]);
    assert_int_equal(indicator_check_value(catalogue_at(c, 2), -5, &err), 0);
    assert_int_equal(indicator_check_value(catalogue_at(c, 2), -5.5, &err), INDICATOR_OUTSIDE);
    assert_int_equal(indicator_check_value(catalogue_at(c, 3), INFINITY, &err), -1);
    assert_string_equal(err.msg, "A.4: the value is not a number");

    /* the range travels in the board's catalogue content and comes back the same */
    uint8_t *content;
    size_t len;
    assert_int_equal(catalogue_to_content(c, "r1", &content, &len), 0);
    struct catalogue *back = catalogue_from_content(content, len);
    free(content);
    assert_non_null(back);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(indicator_range_text(catalogue_at(back, i), buf, sizeof buf), want[i]);
    catalogue_destroy(&back);
    catalogue_destroy(&c);

    const char *bad[] = {"code,name_sv,name_en,unit,better,source,min,max\nA.1,a,a,%,higher,,5,1\n",
                         "code,name_sv,name_en,unit,better,source,min,max\nA.1,a,a,%,higher,,x,\n"};
    const char *says[] = {"line 2: min 5 is above max 1", "line 2: min and max must be numbers"};
    for (size_t i = 0; i < 2; i++) {
        assert_null(catalogue_parse_csv(bad[i], strlen(bad[i]), &err));
        if (strncmp(err.msg, says[i], strlen(says[i])) != 0)
            fail_msg("expected \"%s...\", got \"%s\"", says[i], err.msg);
    }
}

static void a_comma_file_with_a_header_quotes_and_notes(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    const char *text = "code,year,value,note\n"
                       "GN.7,2023,\"412,5\",vägt vid återvinningscentralen\n"
                       "GN.11,2023,41.5\n"
                       "GN.7,2022,430\n";
    assert_int_equal(csv(cat, text, &imp, &err), 0);
    assert_int_equal(imp.n, 3); /* the header is not a value */
    assert_string_equal(imp.v[0].code, "GN.7");
    assert_int_equal(imp.v[0].year, 2023);
    assert_true(imp.v[0].value == 412.5);
    assert_string_equal(imp.v[0].note, "vägt vid återvinningscentralen");
    assert_string_equal(imp.v[1].code, "GN.11");
    assert_true(imp.v[1].value == 41.5);
    assert_string_equal(imp.v[1].note, "");
    assert_int_equal(imp.v[2].year, 2022);
    assert_true(imp.v[2].value == 430);
    assert_int_equal(imp.nulls + imp.other_place + imp.other_gender, 0);
    import_free(&imp);
    assert_null(imp.v);
    assert_int_equal(imp.n, 0);
}

static void a_semicolon_file_as_a_swedish_spreadsheet_saves_it(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    const char *text = "\xEF\xBB\xBF"
                       "Code;Year;Value;Note\r\n"
                       "GN.7;2023;412,5;egen mätning\r\n"
                       "\r\n"
                       "GN.7;2021;1 234,5\r\n"
                       "GN.11;2023;100\r\n"; /* a share may be all of it */
    assert_int_equal(csv(cat, text, &imp, &err), 0);
    assert_int_equal(imp.n, 3);
    assert_true(imp.v[0].value == 412.5);
    assert_string_equal(imp.v[0].note, "egen mätning");
    assert_string_equal(imp.v[1].code, "GN.7");
    assert_int_equal(imp.v[1].year, 2021);
    assert_true(imp.v[1].value == 1234.5);
    assert_true(imp.v[2].value == 100);
    import_free(&imp);

    /* without a header, the first line is a value */
    assert_int_equal(csv(cat, "GN.7;2023;412,5\n", &imp, &err), 0);
    assert_int_equal(imp.n, 1);
    assert_true(imp.v[0].value == 412.5);
    import_free(&imp);
}

static void a_file_without_values_is_refused(void **state)
{
    const struct catalogue *cat = *state;
    expect_csv_refusal(cat, "code,year,value,note\n", "the file holds no values", NULL);
    expect_csv_refusal(cat, "", "the file holds no values", NULL);
    expect_csv_refusal(cat, "\n\n\n", "the file holds no values", NULL);
}

static void every_csv_refusal_names_its_line(void **state)
{
    const struct catalogue *cat = *state;
    /* the header is line 1 and blank lines count: the bad value is on line 5 */
    expect_csv_refusal(cat, "code,year,value,note\n\nGN.7,2023,400\n\nGN.7,20x9,1\n",
                       "line 5: ", "\"20x9\" is not a year");
    /* too few and too many fields */
    expect_csv_refusal(cat, "GN.7,2023,1\nGN.7,2022\n",
                       "line 2: ", "expected code,year,value[,note], found 2 fields");
    expect_csv_refusal(cat, "GN.7,2023,1,a note,more\n", "line 1: ", "found 5 fields");
    expect_csv_refusal(cat, "GN.7\n", "line 1: ", "found 1 field");
    /* years outside 1990-2100 */
    expect_csv_refusal(cat, "GN.7,1990,1\nGN.7,1989,1\n",
                       "line 2: ", "between 1990 and 2100, not 1989");
    expect_csv_refusal(cat, "GN.7,2100,1\n\nGN.7,2101,1\n",
                       "line 3: ", "between 1990 and 2100, not 2101");
    /* numbers */
    expect_csv_refusal(cat, "code;year;value\nGN.7;2023;många\n",
                       "line 2: ", "\"många\" is not a number");
    expect_csv_refusal(cat, "GN.7,2023,\"1,2,3\"\n", "line 1: ", "\"1,2,3\" is not a number");
    /* codes the catalogue does not have */
    expect_csv_refusal(cat, "code,year,value\nGN.7,2023,1\nGN.99,2023,1\n",
                       "line 3: ", "GN.99 is not an indicator");
    /* the same code and year twice, even far apart */
    expect_csv_refusal(cat, "GN.7,2023,1\nGN.7,2022,1\n\nGN.11,2023,1\nGN.7,2023,2\n",
                       "line 5: ", "GN.7 for 2023 is given twice");
    /* an unterminated quote: the line where the record begins */
    expect_csv_refusal(cat, "code,year,value,note\nGN.7,2023,1\nGN.11,2023,2,\"en anteckning\n",
                       "line 3: ", "unterminated quote");
}

static void the_same_code_in_another_year_is_not_a_duplicate(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    assert_int_equal(csv(cat, "GN.7,2023,1\nGN.7,2022,2\nGN.11,2023,3\n", &imp, &err), 0);
    assert_int_equal(imp.n, 3);
    import_free(&imp);
}

static void many_values_grow_the_import(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    /* 111 years of two indicators: past the first allocation of 64 */
    char *text = malloc(111 * 2 * 32);
    size_t o = 0;
    for (int y = 1990; y <= 2100; y++)
        o += (size_t)sprintf(text + o, "GN.7,%d,%d\nGN.11,%d,%d\n", y, y - 1900, y, y % 100);
    assert_int_equal(import_csv(text, o, cat, &imp, &err), 0);
    assert_int_equal(imp.n, 222);
    assert_int_equal(imp.v[221].year, 2100);
    assert_true(imp.v[221].value == 0);
    assert_string_equal(imp.v[221].code, "GN.11");
    import_free(&imp);
    free(text);
}

/* The shape the README shows, from Kolada's API. */
static const char README_JSON[] =
    "{\"values\": [{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023, "
    "\"values\": [{\"count\": 1, \"gender\": \"T\", \"status\": \"\", \"value\": 74.1}]}], "
    "\"count\": 1}";

static void kolada_values_are_mapped_to_indicator_codes(void **state)
{
    const struct catalogue *cat = *state;
    struct kpi_map map[] = {{"N15428", "GN.11"}};
    struct import imp;
    struct errbuf err = {""};
    assert_int_equal(kolada(cat, README_JSON, map, 1, &imp, &err), 0);
    assert_int_equal(imp.n, 1);
    assert_string_equal(imp.v[0].code, "GN.11");
    assert_int_equal(imp.v[0].year, 2023);
    assert_true(imp.v[0].value == 74.1);
    assert_string_equal(imp.v[0].note, "Kolada");
    assert_int_equal(imp.nulls + imp.other_place + imp.other_gender, 0);
    import_free(&imp);
}

static void kolada_without_a_map_names_the_map_to_give(void **state)
{
    const struct catalogue *cat = *state;
    expect_kolada_refusal(cat, README_JSON, NULL, 0, "values[0]: ", "--map N15428=CODE");
    /* a map for another KPI does not help */
    struct kpi_map map[] = {{"N00001", "GN.7"}};
    expect_kolada_refusal(cat, README_JSON, map, 1, "values[0]: ", "--map N15428=CODE");
    /* a KPI that is a catalogue code needs no map */
    struct import imp;
    struct errbuf err = {""};
    const char *json = "[{\"kpi\": \"GN.7\", \"municipality\": \"1980\", \"period\": 2022,"
                       " \"values\": [{\"gender\": \"T\", \"value\": 433}]}]";
    assert_int_equal(kolada(cat, json, NULL, 0, &imp, &err), 0);
    assert_int_equal(imp.n, 1);
    assert_string_equal(imp.v[0].code, "GN.7");
    assert_true(imp.v[0].value == 433);
    import_free(&imp);
}

static void kolada_skips_and_counts_what_is_not_ours(void **state)
{
    const struct catalogue *cat = *state;
    struct kpi_map map[] = {{"N15428", "GN.11"}};
    struct import imp;
    struct errbuf err = {""};
    /* a bare array; period as a string and as a number; K and M; nulls; Stockholm */
    const char *json =
        "[\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": \"2022\", \"values\": [\n"
        "   {\"gender\": \"K\", \"value\": 80}, {\"gender\": \"T\", \"value\": 70.5},\n"
        "   {\"gender\": \"M\", \"value\": 61}]},\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2020, \"values\": [\n"
        "   {\"gender\": \"T\", \"value\": null}]},\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2019, \"values\": [\n"
        "   {\"gender\": \"T\"}]},\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"0180\", \"period\": 2023, \"values\": [\n"
        "   {\"gender\": \"T\", \"value\": 55}]},\n"
        " {\"kpi\": \"N99999\", \"municipality\": \"0180\", \"period\": 2023, \"values\": []},\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023, \"values\": [\n"
        "   {\"gender\": \"T\", \"value\": 74.1}]}\n"
        "]\n";
    assert_int_equal(kolada(cat, json, map, 1, &imp, &err), 0);
    assert_int_equal(imp.n, 2);
    assert_int_equal(imp.v[0].year, 2022);
    assert_true(imp.v[0].value == 70.5);
    assert_int_equal(imp.v[1].year, 2023);
    assert_true(imp.v[1].value == 74.1);
    assert_int_equal(imp.other_gender, 2);
    assert_int_equal(imp.nulls, 2);
    assert_string_equal(imp.nulls_example, "N15428 2020"); /* the first one */
    assert_int_equal(imp.other_place,
                     2); /* other places are skipped before their KPI is looked up */
    import_free(&imp);
}

static void kolada_refusals(void **state)
{
    const struct catalogue *cat = *state;
    struct kpi_map map[] = {{"N15428", "GN.11"}};
    /* malformed JSON: the line of the problem */
    expect_kolada_refusal(cat,
                          "{\n"
                          "  \"values\": [\n"
                          "    {\"kpi\": \"N15428\", \"municipality\": \"1980\",\n"
                          "     \"period\": 2023 x, \"values\": []}\n"
                          "  ]\n"
                          "}\n",
                          map, 1, "line 4: the JSON does not parse", NULL);
    expect_kolada_refusal(cat, "", map, 1, "line 1: the JSON does not parse", NULL);
    expect_kolada_refusal(cat, "{\"values\": [\n", map, 1, "line ", "the JSON does not parse");
    /* JSON, but not Kolada's */
    expect_kolada_refusal(cat, "{\"count\": 0}", map, 1, "this is not Kolada data",
                          "no \"values\" array");
    expect_kolada_refusal(cat, "{\"values\": {\"kpi\": \"N15428\"}}", map, 1,
                          "this is not Kolada data", NULL);
    expect_kolada_refusal(cat, "[{\"kpi\": \"N15428\", \"period\": 2023, \"values\": []}]", map, 1,
                          "values[0]: ", "needs kpi, municipality, period and values");
    /* only other municipalities */
    expect_kolada_refusal(cat,
                          "{\"values\": [{\"kpi\": \"N15428\", \"municipality\": \"0180\","
                          " \"period\": 2023, \"values\": [{\"gender\": \"T\", \"value\": 1}]},"
                          " {\"kpi\": \"N15428\", \"municipality\": \"1280\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 2}]}]}",
                          map, 1, "the file holds no values for 1980",
                          "2 rows of other municipalities");
    /* only nulls */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": null}]}]",
                          map, 1, "the file holds no values for 1980", "1 null values");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 1989,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "values[0]: ", "not 1989");
    /* a period that is not a whole year is not rounded to one */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023.5,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "values[0]: ", "period 2023.5 is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 1e300,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "values[0]: ", "is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": \"år\","
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "values[0]: ", "is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": \"50\"}]}]",
                          map, 1, "values[0]: ", "not a number");
    /* the same KPI and year twice */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50},"
                          " {\"gender\": \"T\", \"value\": 51}]}]",
                          map, 1, "values[0]: ", "GN.11 for 2023 is given twice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_are_read_as_written_in_sweden_and_elsewhere),
        cmocka_unit_test(what_is_not_a_number_is_refused),
        cmocka_unit_test_setup_teardown(a_comma_file_with_a_header_quotes_and_notes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_semicolon_file_as_a_swedish_spreadsheet_saves_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_file_without_values_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(every_csv_refusal_names_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(the_same_code_in_another_year_is_not_a_duplicate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(many_values_grow_the_import, setup, teardown),
        cmocka_unit_test_setup_teardown(kolada_values_are_mapped_to_indicator_codes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kolada_without_a_map_names_the_map_to_give, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kolada_skips_and_counts_what_is_not_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(kolada_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(values_outside_the_range_need_force_and_are_marked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_year_not_begun_is_refused_even_with_force, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_catalogue_names_its_ranges_or_gets_the_default, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
