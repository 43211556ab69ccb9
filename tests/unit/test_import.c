/*
 * Importing indicator values: numbers as Swedes write them, CSV as Excel saves it (UTF-8 with or
 * without a byte order mark, Windows-1252, UTF-16; tab, ';' or ','; a Swedish or English
 * header), and refused with "save as CSV UTF-8" when its encoding cannot be told; Kolada JSON
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
#include "ekonet/charset.h"
#include "ekonet/import.h"
#include "ekonet/kolada.h"

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

/* An answer of one page, saved as kolada.json, for Västerås (1980). */
static int kolada(const struct catalogue *cat, const char *json, const struct kpi_map *map,
                  size_t nmap, struct import *imp, struct errbuf *err)
{
    struct kolada_page page = {"kolada.json", json, strlen(json)};
    return kolada_import(&page, 1, cat, "1980", map, nmap, imp, err);
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
         "kolada.json: values[1]: GN.11 is a share in per cent: 0 to 100; 120 is outside"},
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

/* A note as a municipality writes it, and the same in Windows-1252 (as Swedish Excel saves a
   CSV): Ö å ä é – and a no-break space between thousands. */
#define NOTE_UTF8                                                                                      \
    "Ökad utsortering av matavfall på återvinningscentralen – se miljöbokslutet, s. 12 (Björn " \
    "Åhlén)"
#define NOTE_CP1252                                                                                \
    "\xD6kad utsortering av matavfall p\xE5 \xE5tervinningscentralen \x96 se milj\xF6"             \
    "bokslutet, s. 12 (Bj\xF6rn \xC5hl\xE9n)"
#define NOTE2_UTF8   "Källa: kommunens årsredovisning; mätt av Överkalix kommun"
#define NOTE2_CP1252 "K\xE4lla: kommunens \xE5rsredovisning; m\xE4tt av \xD6verkalix kommun"

/* The file Swedish Excel saves as "CSV (semikolonavgränsad)": Windows-1252, ';', decimal
   commas, a Swedish header, CRLF, an empty row and empty trailing columns. */
static void a_windows_1252_file_as_swedish_excel_saves_it(void **state)
{
    const struct catalogue *cat = *state;
    struct import imp;
    struct errbuf err = {""};
    const char *text = "kod;\xE5r;v\xE4rde;kommentar;;\r\n"
                       "GN.7;2023;412,5;" NOTE_CP1252 ";;\r\n"
                       ";;;;;\r\n"
                       "GN.4;2022;1\xA0"
                       "234,5;\"" NOTE2_CP1252 "\";;\r\n";
    assert_int_equal(csv(cat, text, &imp, &err), 0);
    assert_int_equal(imp.charset, CHARSET_CP1252);
    assert_int_equal(imp.n, 2);
    assert_true(imp.v[0].value == 412.5);
    assert_string_equal(imp.v[0].note, NOTE_UTF8);
    assert_string_equal(imp.v[1].code, "GN.4");
    assert_true(imp.v[1].value == 1234.5);
    assert_string_equal(imp.v[1].note, NOTE2_UTF8);
    import_free(&imp);
}

/* The same values in every encoding Excel saves: each gives the same import. */
static void every_encoding_excel_saves_gives_the_same_values(void **state)
{
    const struct catalogue *cat = *state;
    const char *utf8 = "Kod;År;Värde;Kommentar\r\nGN.7;2023;412,5;\"" NOTE2_UTF8 "\"\r\n";
    /* UTF-16LE with its mark, tab-separated: Excel's "Unicode text" */
    const char *tabbed = "Kod\tÅr\tVärde\tKommentar\r\nGN.7\t2023\t412,5\t" NOTE2_UTF8 "\r\n";
    unsigned char le[512], be[512];
    size_t n = 2;
    le[0] = 0xFF, le[1] = 0xFE, be[0] = 0xFE, be[1] = 0xFF;
    for (const unsigned char *p = (const unsigned char *)tabbed; *p; n += 2) {
        unsigned u = *p++;
        if (u >= 0xC0) u = ((u & 0x1F) << 6) | (*p++ & 0x3F); /* two-byte sequences only here */
        le[n] = (unsigned char)(u & 0xFF), le[n + 1] = (unsigned char)(u >> 8);
        be[n] = (unsigned char)(u >> 8), be[n + 1] = (unsigned char)(u & 0xFF);
    }
    char bom[256];
    snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", utf8);
    const struct {
        const char *text;
        size_t len;
        int charset;
    } files[] = {
        {utf8, strlen(utf8), CHARSET_UTF8},
        {bom, strlen(bom), CHARSET_UTF8_BOM},
        {"kod;\xE5r;v\xE4rde;kommentar\r\nGN.7;2023;412,5;\"" NOTE2_CP1252 "\"\r\n", 0,
         CHARSET_CP1252},
        {(const char *)le, n, CHARSET_UTF16LE},
        {(const char *)be, n, CHARSET_UTF16BE},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct import imp;
        struct errbuf err = {""};
        size_t len = files[i].len ? files[i].len : strlen(files[i].text);
        if (import_csv(files[i].text, len, cat, &imp, &err) < 0)
            fail_msg("file %zu: %s", i, err.msg);
        assert_int_equal(imp.charset, files[i].charset);
        assert_int_equal(imp.n, 1);
        assert_string_equal(imp.v[0].code, "GN.7");
        assert_true(imp.v[0].value == 412.5);
        assert_string_equal(imp.v[0].note, NOTE2_UTF8);
        import_free(&imp);
    }
}

/* A file whose encoding cannot be told is refused with its line and "save as CSV UTF-8". */
static void an_encoding_that_cannot_be_told_is_refused(void **state)
{
    const struct catalogue *cat = *state;
    const char *advice = "CSV UTF-8 (kommaavgränsad) (*.csv)";
    /* a byte Windows-1252 does not define */
    expect_csv_refusal(cat, "GN.7;2023;1\nGN.11;2023;2;\x81t\n", "line 2: ", "0x81");
    expect_csv_refusal(cat, "GN.7;2023;1\nGN.11;2023;2;\x9D\n", "line 2: ", advice);
    /* UTF-8 on line 1, Windows-1252 on line 3: pieced together */
    expect_csv_refusal(cat, "GN.7;2023;1;Växjö\nGN.4;2023;1\nGN.11;2023;2;V\xE4xj\xF6\n",
                       "line 3: ", "mixes encodings");
    /* NUL bytes: UTF-16 without its mark */
    static const char nul[] = "G\0N\0.\0"
                              "7\0;\0";
    struct import imp;
    struct errbuf err = {""};
    expect_refusal(import_csv(nul, sizeof nul - 1, cat, &imp, &err), &imp, &err,
                   "line 1: ", "NUL bytes");
    assert_non_null(strstr(err.msg, advice));
    /* control bytes beside Windows-1252 letters: not text */
    expect_csv_refusal(cat, "GN.7;2023;1;\xE5\nGN.4;2023;\x01\n", "line 2: ", "not text");
    /* a byte order mark that lies */
    expect_csv_refusal(cat, "\xEF\xBB\xBFGN.7;2023;1\nGN.4;2023;1;\xE5\n",
                       "line 2: ", "starts as UTF-8");
    /* UTF-16: a lone surrogate, half a character */
    static const char lone[] = "\xFF\xFEG\0\n\0\x00\xD8x\0";
    expect_refusal(import_csv(lone, sizeof lone - 1, cat, &imp, &err), &imp, &err,
                   "line 2: ", "lone surrogate");
    static const char half[] = "\xFF\xFEG\0N";
    expect_refusal(import_csv(half, sizeof half - 1, cat, &imp, &err), &imp, &err,
                   "line 1: ", "half a character");
}

/* Tab, ';' and ','; decimal comma or point; the separator told from the first line even when
   notes hold the other separators. */
static void separators_and_decimals_as_spreadsheets_write_them(void **state)
{
    const struct catalogue *cat = *state;
    const struct {
        const char *text;
        double value;
        const char *note;
    } files[] = {
        {"GN.7;2023;12,5;Vi har minskat, och mäter nu, varje kvartal\n", 12.5,
         "Vi har minskat, och mäter nu, varje kvartal"},
        {"GN.7,2023,\"12,5\",\"Fler hushåll; färre säckar; mer sortering\"\n", 12.5,
         "Fler hushåll; färre säckar; mer sortering"},
        {"GN.7\t2023\t12.5\tNy metod, se bilaga; 2023\n", 12.5, "Ny metod, se bilaga; 2023"},
        {"code,year,value,note\nGN.7,2023,12.5,\"a, b\"\n", 12.5, "a, b"},
        {"kod;år;värde\nGN.7;2023;1 212,5\n", 1212.5, ""},
        {"GN.7;2023;1\xE2\x80\xAF"
         "212,5\n",
         1212.5, ""}, /* a narrow no-break space */
        /* the columns in another order, named by the header */
        {"VÄRDE;KOMMENTAR;ÅR;KOD\n12,5;Överkalix;2023;GN.7\n", 12.5, "Överkalix"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct import imp;
        struct errbuf err = {""};
        if (csv(cat, files[i].text, &imp, &err) < 0) fail_msg("file %zu: %s", i, err.msg);
        assert_int_equal(imp.n, 1);
        assert_string_equal(imp.v[0].code, "GN.7");
        assert_int_equal(imp.v[0].year, 2023);
        assert_true(imp.v[0].value == files[i].value);
        assert_string_equal(imp.v[0].note, files[i].note);
        import_free(&imp);
    }
}

/* A header names its columns or is refused; rows keep to its columns. */
static void a_header_names_known_columns(void **state)
{
    const struct catalogue *cat = *state;
    expect_csv_refusal(cat, "kod;år;värde;enhet\nGN.7;2023;1;kg\n",
                       "line 1: ", "unknown column \"enhet\"");
    expect_csv_refusal(cat, "kod;år;kommentar\nGN.7;2023;x\n",
                       "line 1: ", "needs the columns kod, år and värde");
    expect_csv_refusal(cat, "kod;år;värde;år\n", "line 1: ", "\"år\" is given twice");
    expect_csv_refusal(cat, "kod;år;värde\nGN.7;2023;1;en anteckning\n",
                       "line 2: ", "found 4 fields, the header has 3 columns");
    expect_csv_refusal(cat, "värde;kommentar;år;kod\n12,5;x;2023\n",
                       "line 2: ", "found 3 fields, the header has 4 columns");
    /* a first field that is a header word, then a year: a value (of an unknown code) */
    expect_csv_refusal(cat, "kod;2023;5\n", "line 1: ", "kod is not an indicator");
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
    expect_kolada_refusal(cat, README_JSON, NULL, 0,
                          "kolada.json: values[0]: ", "--map N15428=CODE");
    /* a map for another KPI does not help */
    struct kpi_map map[] = {{"N00001", "GN.7"}};
    expect_kolada_refusal(cat, README_JSON, map, 1,
                          "kolada.json: values[0]: ", "--map N15428=CODE");
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
                          map, 1, "kolada.json:4: the JSON does not parse", NULL);
    expect_kolada_refusal(cat, "", map, 1, "kolada.json:1: the JSON does not parse", NULL);
    expect_kolada_refusal(cat, "{\"values\": [\n", map, 1,
                          "kolada.json:", "the JSON does not parse");
    /* JSON, but not Kolada's */
    expect_kolada_refusal(cat, "{\"count\": 0}", map, 1, "kolada.json: this is not Kolada data",
                          "no \"values\" array");
    expect_kolada_refusal(cat, "{\"values\": {\"kpi\": \"N15428\"}}", map, 1,
                          "kolada.json: this is not Kolada data", NULL);
    expect_kolada_refusal(cat, "[{\"kpi\": \"N15428\", \"period\": 2023, \"values\": []}]", map, 1,
                          "kolada.json: values[0]: ", "needs kpi, municipality, period and values");
    /* only other municipalities */
    expect_kolada_refusal(cat,
                          "{\"values\": [{\"kpi\": \"N15428\", \"municipality\": \"0180\","
                          " \"period\": 2023, \"values\": [{\"gender\": \"T\", \"value\": 1}]},"
                          " {\"kpi\": \"N15428\", \"municipality\": \"1280\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 2}]}]}",
                          map, 1, "kolada.json holds no values for 1980",
                          "2 rows of other municipalities");
    /* only nulls */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": null}]}]",
                          map, 1, "kolada.json holds no values for 1980", "1 null value)");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 1989,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "kolada.json: values[0]: ", "not 1989");
    /* a period that is not a whole year is not rounded to one */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023.5,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "kolada.json: values[0]: ", "period 2023.5 is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 1e300,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "kolada.json: values[0]: ", "is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": \"år\","
                          " \"values\": [{\"gender\": \"T\", \"value\": 50}]}]",
                          map, 1, "kolada.json: values[0]: ", "is not a year");
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": \"50\"}]}]",
                          map, 1, "kolada.json: values[0]: ", "not a number");
    /* the same KPI and year twice */
    expect_kolada_refusal(cat,
                          "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023,"
                          " \"values\": [{\"gender\": \"T\", \"value\": 50},"
                          " {\"gender\": \"T\", \"value\": 51}]}]",
                          map, 1, "kolada.json: values[0]: ", "GN.11 for 2023 is given twice");
}

/* ---- the pages of one answer ------------------------------------------------------------- */

#define ANSWER "http://api.kolada.se/v2/data/kpi/U07801/year/2019,2020,2021,2022,2023"

/* Page number of an answer of pages pages (per_page=2, count as given, -1: none) in buf. */
static const char *page_text(char *buf, size_t size, int number, int pages, long count,
                             const char *rows)
{
    char next[160] = "null", prev[160] = "null", cnt[32] = "";
    if (number < pages)
        snprintf(next, sizeof next, "\"" ANSWER "?page=%d&per_page=2\"", number + 1);
    if (number > 1) snprintf(prev, sizeof prev, "\"" ANSWER "?page=%d&per_page=2\"", number - 1);
    if (count >= 0) snprintf(cnt, sizeof cnt, "\"count\": %ld, ", count);
    snprintf(buf, size, "{%s\"values\": [%s], \"next_page\": %s, \"previous_page\": %s}", cnt, rows,
             next, prev);
    return buf;
}

/* A row of U07801 (household waste: GN.7 by the KPI table) for Västerås in year. */
static const char *row(char *buf, size_t size, int year, double value)
{
    snprintf(buf, size,
             "{\"kpi\": \"U07801\", \"municipality\": \"1980\", \"period\": %d, \"values\": "
             "[{\"count\": 1, \"gender\": \"T\", \"status\": \"\", \"value\": %g}]}",
             year, value);
    return buf;
}

/* The two rows of page k (1..3) of a 6-row answer: 2019 ... 2023, and Stockholm's 2023. */
static const char *rows_of(char *buf, size_t size, int k)
{
    char a[256], b[256];
    if (k == 3)
        snprintf(buf, size, "%s, %s", row(a, sizeof a, 2023, 420),
                 "{\"kpi\": \"U07801\", \"municipality\": \"0180\", \"period\": 2023, \"values\": "
                 "[{\"gender\": \"T\", \"value\": 380}]}");
    else
        snprintf(buf, size, "%s, %s", row(a, sizeof a, 2017 + 2 * k, 470 - k),
                 row(b, sizeof b, 2018 + 2 * k, 460 - k));
    return buf;
}

struct answer {
    char text[3][1024];
    struct kolada_page pages[3];
};

/* The three pages of the answer, each with count (-1: none; 0: the page's own rows). */
static void answer_make(struct answer *a, long count)
{
    static const char *names[] = {"p1.json", "p2.json", "p3.json"};
    memset(a, 0, sizeof *a);
    for (int k = 1; k <= 3; k++) {
        char rows[600];
        page_text(a->text[k - 1], sizeof a->text[k - 1], k, 3, count == 0 ? 2 : count,
                  rows_of(rows, sizeof rows, k));
        a->pages[k - 1] = (struct kolada_page){names[k - 1], a->text[k - 1], 0};
        a->pages[k - 1].len = strlen(a->text[k - 1]);
    }
}

static struct kpi_map table_map[KOLADA_TABLE_MAX];

/* The shipped KPI table's map for the default catalogue. */
static size_t shipped_map(const struct catalogue *cat)
{
    struct kolada_table *t = kolada_table_default();
    assert_non_null(t);
    size_t n = 0;
    kolada_table_map(t, cat, table_map, &n, KOLADA_TABLE_MAX);
    /* the strings stay in static storage for the test's life: copied below */
    static char kpis[KOLADA_TABLE_MAX][16], codes[KOLADA_TABLE_MAX][17];
    for (size_t i = 0; i < n; i++) {
        snprintf(kpis[i], sizeof kpis[i], "%s", table_map[i].kpi);
        snprintf(codes[i], sizeof codes[i], "%s", table_map[i].code);
        table_map[i] = (struct kpi_map){kpis[i], codes[i]};
    }
    kolada_table_destroy(&t);
    assert_null(t);
    return n;
}

static int pages_import(const struct catalogue *cat, const struct kolada_page *pages, size_t n,
                        struct import *imp, struct errbuf *err)
{
    return kolada_import(pages, n, cat, "1980", table_map, shipped_map(cat), imp, err);
}

static void expect_pages_refusal(const struct catalogue *cat, const struct kolada_page *pages,
                                 size_t n, const char *start, const char *part)
{
    struct import imp;
    struct errbuf err = {""};
    expect_refusal(pages_import(cat, pages, n, &imp, &err), &imp, &err, start, part);
}

static void kolada_pages_in_any_order_are_read_whole(void **state)
{
    const struct catalogue *cat = *state;
    struct answer a;
    static const long counts[] = {-1, 6}; /* none, the answer's rows */
    for (size_t c = 0; c < 2; c++) {
        answer_make(&a, counts[c]);
        struct kolada_page order[3] = {a.pages[2], a.pages[0], a.pages[1]};
        struct import imp;
        struct errbuf err = {""};
        if (pages_import(cat, order, 3, &imp, &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(imp.pages, 3);
        assert_int_equal(imp.rows, 6);
        assert_int_equal(imp.n, 5); /* Stockholm's row is not ours */
        assert_int_equal(imp.other_place, 1);
        for (size_t i = 0; i < imp.n; i++) {
            assert_string_equal(imp.v[i].code, "GN.7");
            assert_int_equal(imp.v[i].year, 2019 + i); /* page order, whatever the files' */
        }
        assert_string_equal(imp.v[4].where, "p3.json: values[0]");
        assert_int_equal(imp.nkpis, 1);
        assert_string_equal(imp.kpis[0].kpi, "U07801");
        assert_string_equal(imp.kpis[0].code, "GN.7");
        assert_int_equal(imp.kpis[0].values, 5);
        import_free(&imp);
    }
    /* count as Kolada documents it: the rows of the page */
    answer_make(&a, 0);
    struct import imp;
    struct errbuf err = {""};
    assert_int_equal(pages_import(cat, a.pages, 3, &imp, &err), 0);
    assert_int_equal(imp.n, 5);
    import_free(&imp);
}

static void kolada_a_missing_page_is_named(void **state)
{
    const struct catalogue *cat = *state;
    struct answer a;
    answer_make(&a, 6);
    expect_pages_refusal(cat, a.pages, 1,
                         "p1.json is page 1 of 3 of Kolada's answer (count 6; 2 rows here): "
                         "pages 2 and 3 were not given.\nSave each page (its next_page address) "
                         "and import them together: ekonet indicators import page1.json "
                         "page2.json page3.json",
                         NULL);
    struct kolada_page ends[2] = {a.pages[2], a.pages[0]};
    expect_pages_refusal(cat, ends, 2,
                         "p1.json and p3.json are pages 1 and 3 of 3 of Kolada's answer (count "
                         "6; 4 rows here): page 2 was not given.",
                         NULL);
    expect_pages_refusal(cat, &a.pages[1], 1,
                         "p2.json is page 2 of 3 of Kolada's answer (count 6; 2 rows here): "
                         "pages 1 and 3 were not given.",
                         NULL);
    /* the last page, alone, says how many there are */
    answer_make(&a, -1);
    expect_pages_refusal(cat, &a.pages[2], 1,
                         "p3.json is page 3 of 3 of Kolada's answer (2 rows here): pages 1 and 2 "
                         "were not given.",
                         NULL);
    /* count as the page's rows: the pages after the last one given are not known */
    answer_make(&a, 0);
    expect_pages_refusal(cat, a.pages, 2,
                         "p1.json and p2.json are pages 1 and 2 of at least 3 of Kolada's answer "
                         "(count 2; 4 rows here): page 3 and any after it were not given.\nSave "
                         "each page (its next_page address) and import them together: ekonet "
                         "indicators import page1.json page2.json ... (every page)",
                         NULL);
}

static void kolada_pages_given_twice_or_of_other_answers_are_refused(void **state)
{
    const struct catalogue *cat = *state;
    struct answer a;
    answer_make(&a, 6);
    struct kolada_page twice[3] = {a.pages[0], a.pages[1], a.pages[1]};
    twice[2].name = "copy/p2 (1).json";
    expect_pages_refusal(cat, twice, 3,
                         "p2.json and p2 (1).json are both page 2 of Kolada's answer: give each "
                         "page once",
                         NULL);
    /* page 2 of another answer: another KPI */
    char other[1024], rows[600];
    page_text(other, sizeof other, 2, 3, 6, rows_of(rows, sizeof rows, 2));
    for (char *kpi; (kpi = strstr(other, "U07801/year"));) memcpy(kpi, "U07514", 6);
    struct kolada_page mixed[3] = {a.pages[0], {"other.json", other, strlen(other)}, a.pages[2]};
    expect_pages_refusal(
        cat, mixed, 3, "p1.json and other.json are pages of different answers",
        "U07801/year/2019,2020,2021,2022,2023?per_page=2 and "
        "/v2/data/kpi/U07514/year/2019,2020,2021,2022,2023?per_page=2): import one "
        "answer at a time");
    /* a whole answer (no links) among pages */
    const char *whole = "{\"count\": 0, \"values\": []}";
    struct kolada_page with_whole[2] = {a.pages[0], {"whole.json", whole, strlen(whole)}};
    expect_pages_refusal(cat, with_whole, 2,
                         "whole.json is a whole answer of Kolada (no next_page or previous_page), "
                         "and p1.json a page of another: import one answer at a time",
                         NULL);
    struct kolada_page two_whole[2] = {{"a.json", whole, strlen(whole)},
                                       {"b.json", README_JSON, strlen(README_JSON)}};
    expect_pages_refusal(cat, two_whole, 2, "a.json and b.json are two answers of Kolada", NULL);
}

/* One page with links as given (JSON values), rows of 2019. */
static void expect_links_refusal(const struct catalogue *cat, const char *links, const char *start)
{
    char text[1024], r[256];
    snprintf(text, sizeof text, "{\"count\": 1, \"values\": [%s], %s}", row(r, sizeof r, 2019, 1),
             links);
    struct kolada_page page = {"links.json", text, strlen(text)};
    expect_pages_refusal(cat, &page, 1, start, NULL);
}

static void kolada_paging_that_is_not_kolada_s_is_refused(void **state)
{
    const struct catalogue *cat = *state;
    expect_links_refusal(cat, "\"next_page\": \"" ANSWER "?per_page=2\"",
                         "links.json: next_page has no page number (page=K): not Kolada's paging");
    expect_links_refusal(cat, "\"next_page\": \"" ANSWER "?page=x\"",
                         "links.json: next_page has no page number");
    expect_links_refusal(cat, "\"next_page\": \"" ANSWER "?page=1\"",
                         "links.json: next_page is page 1: not Kolada's paging");
    expect_links_refusal(cat, "\"next_page\": 2", "links.json: next_page is not an address");
    expect_links_refusal(cat, "\"next_page\": \"\"", "links.json: next_page is not an address");
    expect_links_refusal(cat, "\"next_page\": \"http://a b/?page=2\"",
                         "links.json: next_page is not an address");
    expect_links_refusal(
        cat, "\"next_page\": \"" ANSWER "?page=4\", \"previous_page\": \"" ANSWER "?page=1\"",
        "links.json: next_page is page 4 and previous_page page 1");
    expect_links_refusal(cat,
                         "\"next_page\": \"" ANSWER "?page=3\", \"previous_page\": \"http://"
                         "api.kolada.se/v2/data/kpi/N00401/year/2020?page=1\"",
                         "links.json: next_page and previous_page are of different answers");
    expect_links_refusal(cat, "\"previous_page\": \"" ANSWER "?page=64\"",
                         "links.json is page 65 of Kolada's answer: one import reads at most 64 "
                         "pages");
    /* count over 64 pages of rows */
    char text[1024], r[256];
    snprintf(text, sizeof text,
             "{\"count\": 65, \"values\": [%s], \"next_page\": \"" ANSWER "?page=2&per_page=1\"}",
             row(r, sizeof r, 2019, 1));
    struct kolada_page page = {"links.json", text, strlen(text)};
    expect_pages_refusal(cat, &page, 1,
                         "Kolada's answer has 65 pages (count 65, 1 a page): one import reads at "
                         "most 64",
                         NULL);
    /* the older name of the links */
    expect_links_refusal(cat, "\"next_url\": \"" ANSWER "?page=2&per_page=1\"",
                         "links.json is page 1 of at least 2 of Kolada's answer");
    /* rows that do not add up to count */
    snprintf(text, sizeof text, "{\"count\": 3, \"values\": [%s]}", row(r, sizeof r, 2019, 1));
    page = (struct kolada_page){"short.json", text, strlen(text)};
    expect_pages_refusal(cat, &page, 1,
                         "short.json says count 3, but the 1 page of the answer holds 1 rows: a "
                         "page was cut short or changed",
                         NULL);
    snprintf(text, sizeof text, "{\"count\": -1, \"values\": []}");
    page.len = strlen(text);
    expect_pages_refusal(cat, &page, 1, "short.json: count is not a number of rows", NULL);
    expect_pages_refusal(cat, &page, 0, "no page of Kolada's answer was given", NULL);
    expect_pages_refusal(cat, &page, KOLADA_MAX_PAGES + 1, "65 files: one import reads at most 64",
                         NULL);
}

/* ---- gender -------------------------------------------------------------------------------- */

static void kolada_reads_gender_t_and_says_what_else_it_skipped(void **state)
{
    const struct catalogue *cat = *state;
    struct kpi_map map[] = {{"N15428", "GN.11"}};
    const char *json =
        "{\"count\": 2, \"values\": [\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2022, \"values\": [\n"
        "   {\"gender\": \"K\", \"value\": 80}, {\"gender\": \"M\", \"value\": 61}]},\n"
        " {\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2023, \"values\": [\n"
        "   {\"gender\": \"M\", \"value\": 62}, {\"gender\": \"K\", \"value\": 81}]}]}\n";
    expect_kolada_refusal(cat, json, map, 1,
                          "kolada.json holds no values for 1980: only gender T (the total) is "
                          "read, and its 4 values of gender K, M (K: women, M: men) were skipped",
                          "(0 rows of other municipalities, 0 null values)");
    /* with the total: read, the others counted and named */
    const char *mixed =
        "[{\"kpi\": \"N15428\", \"municipality\": \"1980\", \"period\": 2022, \"values\": [\n"
        "   {\"gender\": \"K\", \"value\": 80}, {\"gender\": \"T\", \"value\": 70},\n"
        "   {\"gender\": \"M\", \"value\": 61}, {\"gender\": \"F\", \"value\": 80},\n"
        "   {\"gender\": \"kvinnor och män!\", \"value\": 1}]}]";
    struct import imp;
    struct errbuf err = {""};
    assert_int_equal(kolada(cat, mixed, map, 1, &imp, &err), 0);
    assert_int_equal(imp.n, 1);
    assert_int_equal(imp.other_gender, 4);
    assert_string_equal(imp.other_genders, "K, M, F, other");
    import_free(&imp);
}

/* ---- the KPI table ------------------------------------------------------------------------- */

static void the_shipped_kpi_table_maps_the_catalogue_s_indicators(void **state)
{
    const struct catalogue *cat = *state;
    size_t n = shipped_map(cat);
    assert_true(n >= 1);
    int waste = 0;
    for (size_t i = 0; i < n; i++) {
        const struct indicator *ind = catalogue_find(cat, table_map[i].code);
        assert_non_null(ind);
        waste += strcmp(table_map[i].kpi, "U07801") == 0 && strcmp(table_map[i].code, "GN.7") == 0;
    }
    assert_int_equal(waste, 1);
    /* a catalogue where GN.7 is another indicator (SEKOM's of 2023): not mapped to GN.7 */
    const char *sekom = "code,name_sv,name_en,unit,better\n"
                        "GN.6a,Mängd hushållsavfall,Household waste,kg/person,lower\n"
                        "GN.7,Förnybar och återvunnen energi i lokaler,Renewable energy,%,higher\n";
    struct catalogue *c2023 = catalogue_parse_csv(sekom, strlen(sekom), NULL);
    assert_non_null(c2023);
    struct kolada_table *t = kolada_table_default();
    struct kpi_map map[KOLADA_TABLE_MAX];
    size_t m = 0;
    kolada_table_map(t, c2023, map, &m, KOLADA_TABLE_MAX);
    assert_int_equal(m, 1);
    assert_string_equal(map[0].kpi, "U07801");
    assert_string_equal(map[0].code, "GN.6a");
    /* never past max */
    m = 0;
    kolada_table_map(t, cat, map, &m, 1);
    assert_int_equal(m, 1);
    kolada_table_destroy(&t);
    catalogue_destroy(&c2023);
}

static void a_kpi_table_is_read_or_refused_with_its_line(void **state)
{
    const struct catalogue *cat = *state;
    const char *csv = "kpi,code,name_sv,catalogue,kolada_title,source\n"
                      "N15428,GN.11,Ekologiska livsmedel,default,\"Något, andel (%)\",test\n";
    struct errbuf err = {""};
    struct kolada_table *t = kolada_table_parse(csv, strlen(csv), &err);
    assert_non_null(t);
    assert_int_equal(kolada_table_count(t), 1);
    struct kpi_map map[4] = {{"N15428", "GN.4"}}; /* given first: it wins */
    size_t n = 1;
    kolada_table_map(t, cat, map, &n, 4);
    assert_int_equal(n, 2);
    assert_string_equal(map[1].code, "GN.11");
    struct import imp;
    assert_int_equal(kolada(cat, README_JSON, map, n, &imp, &err), 0);
    assert_string_equal(imp.v[0].code, "GN.4");
    import_free(&imp);
    assert_int_equal(kolada(cat, README_JSON, map + 1, 1, &imp, &err), 0);
    assert_string_equal(imp.v[0].code, "GN.11");
    import_free(&imp);
    kolada_table_destroy(&t);
    static const char *bad[][2] = {
        {"kpi,code,name_sv\nN15428,GN.11\n", "line 2: expected kpi,code,name_sv[,...], found 2"},
        {"n15428,GN.11,Namn\n", "line 1: \"n15428\" is not a Kolada KPI id"},
        {"N15428,,Namn\n", "line 1: the code must be one line of 1 to 16 bytes"},
        {"N15428,GN.11,\n", "line 1: the Swedish name must be one line"},
        {"N15428,GN.11,\"Namn\n", "line 1: malformed CSV"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = '\0';
        assert_null(kolada_table_parse(bad[i][0], strlen(bad[i][0]), &err));
        if (strncmp(err.msg, bad[i][1], strlen(bad[i][1])) != 0)
            fail_msg("expected \"%s...\", got \"%s\"", bad[i][1], err.msg);
    }
    char *many = malloc(20 * (KOLADA_TABLE_MAX + 1) + 1), *p = many;
    for (int i = 0; i <= KOLADA_TABLE_MAX; i++) p += sprintf(p, "N%05d,GN.7,Namn\n", i);
    assert_null(kolada_table_parse(many, strlen(many), &err));
    assert_string_equal(err.msg, "line 257: more than 256 rows");
    free(many);
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
        cmocka_unit_test_setup_teardown(a_windows_1252_file_as_swedish_excel_saves_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(every_encoding_excel_saves_gives_the_same_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_encoding_that_cannot_be_told_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(separators_and_decimals_as_spreadsheets_write_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_header_names_known_columns, setup, teardown),
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
        cmocka_unit_test_setup_teardown(kolada_pages_in_any_order_are_read_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(kolada_a_missing_page_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(kolada_pages_given_twice_or_of_other_answers_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(kolada_paging_that_is_not_kolada_s_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kolada_reads_gender_t_and_says_what_else_it_skipped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_shipped_kpi_table_maps_the_catalogue_s_indicators,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_kpi_table_is_read_or_refused_with_its_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(values_outside_the_range_need_force_and_are_marked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_year_not_begun_is_refused_even_with_force, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_catalogue_names_its_ranges_or_gets_the_default, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
