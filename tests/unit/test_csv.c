/*
 * CSV reader: RFC 4180 records as spreadsheets save them (quotes, CRLF, a BOM, ';' in
 * Swedish locales), with the line numbers a user needs to find a bad record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ekonet/csv.h"

static struct csv *open_csv(const char *text, char sep)
{
    struct csv *c = csv_new(text, strlen(text), sep);
    assert_non_null(c);
    return c;
}

/* Reads one record and checks its line and fields (NULL-terminated list). */
/* The end of expect_record's fields: a null pointer of the type va_arg reads. */
#define END ((const char *)NULL)

static void expect_record(struct csv *c, size_t line, ...)
{
    char **f;
    size_t n, i = 0;
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), line);
    va_list ap;
    va_start(ap, line);
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        assert_true(i < n);
        assert_string_equal(f[i], want);
    }
    va_end(ap);
    assert_int_equal(n, i);
}

static void expect_end(struct csv *c)
{
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n), 0);
    assert_int_equal(csv_next(c, &f, &n), 0);
}

/* Plain records, one per line; the end is reported, and again when asked again. */
static void plain_records(void **state)
{
    (void)state;
    struct csv *c = open_csv("code,name\n2518,Övertorneå\n0180,Stockholm\n", ',');
    expect_record(c, 1, "code", "name", END);
    expect_record(c, 2, "2518", "Övertorneå", END);
    expect_record(c, 3, "0180", "Stockholm", END);
    expect_end(c);
    csv_destroy(&c);
    assert_null(c);
}

/* The last record needs no newline. */
static void last_record_without_newline(void **state)
{
    (void)state;
    struct csv *c = open_csv("a,b\nc,d", ',');
    expect_record(c, 1, "a", "b", END);
    expect_record(c, 2, "c", "d", END);
    expect_end(c);
    csv_destroy(&c);
}

/* Empty fields are kept: between separators, at the ends and as "". */
static void empty_fields(void **state)
{
    (void)state;
    struct csv *c = open_csv("a,,c\n,\n\"\",x\nsingle\n", ',');
    expect_record(c, 1, "a", "", "c", END);
    expect_record(c, 2, "", "", END);
    expect_record(c, 3, "", "x", END);
    expect_record(c, 4, "single", END);
    expect_end(c);
    csv_destroy(&c);
}

/* Quotes protect separators, "" stands for one quote. */
static void quoted_fields(void **state)
{
    (void)state;
    struct csv *c = open_csv("\"Umeå, Västerbotten\",\"sa \"\"hej\"\"\",plain\n"
                             "\"\"\"\",\"a;b\"\n",
                             ',');
    expect_record(c, 1, "Umeå, Västerbotten", "sa \"hej\"", "plain", END);
    expect_record(c, 2, "\"", "a;b", END);
    expect_end(c);
    csv_destroy(&c);
}

/* A newline inside quotes is part of the field, and the records after it keep their lines. */
static void newlines_inside_quotes(void **state)
{
    (void)state;
    struct csv *c = open_csv("code,text\n"
                             "GN.7,\"first line\nsecond line\n\nfourth line\"\n"
                             "GN.11,after\n"
                             "\n"
                             "GN.12,\"x\r\ny\"\n"
                             "GN.2,last\n",
                             ',');
    expect_record(c, 1, "code", "text", END);
    expect_record(c, 2, "GN.7", "first line\nsecond line\n\nfourth line", END);
    expect_record(c, 6, "GN.11", "after", END);
    expect_record(c, 8, "GN.12", "x\r\ny", END);
    expect_record(c, 10, "GN.2", "last", END);
    expect_end(c);
    csv_destroy(&c);
}

/* CRLF line ends (as Excel writes them) leave no \r in the fields. */
static void crlf_line_ends(void **state)
{
    (void)state;
    struct csv *c = open_csv("a,b\r\n\"c\",d\r\n\r\ne,\"f\"\r\n", ',');
    expect_record(c, 1, "a", "b", END);
    expect_record(c, 2, "c", "d", END);
    expect_record(c, 4, "e", "f", END);
    expect_end(c);
    csv_destroy(&c);
}

/* A leading UTF-8 byte order mark is not part of the first field. */
static void leading_bom(void **state)
{
    (void)state;
    struct csv *c = open_csv("\xEF\xBB\xBF"
                             "code,name\n01,Stockholms län\n",
                             ',');
    expect_record(c, 1, "code", "name", END);
    expect_record(c, 2, "01", "Stockholms län", END);
    expect_end(c);
    csv_destroy(&c);

    /* only at the very start: elsewhere it is data */
    c = open_csv("a\n\xEF\xBB\xBF"
                 "b\n",
                 ',');
    expect_record(c, 1, "a", END);
    expect_record(c, 2,
                  "\xEF\xBB\xBF"
                  "b",
                  END);
    expect_end(c);
    csv_destroy(&c);
}

/* Empty lines (LF or CRLF) between records are skipped but counted. */
static void empty_lines_skipped(void **state)
{
    (void)state;
    struct csv *c = open_csv("\n\na\n\n\nb\n\r\nc\n\n", ',');
    expect_record(c, 3, "a", END);
    expect_record(c, 6, "b", END);
    expect_record(c, 8, "c", END);
    expect_end(c);
    csv_destroy(&c);

    c = open_csv("", ',');
    expect_end(c);
    csv_destroy(&c);

    c = open_csv("\n\r\n\n", ',');
    expect_end(c);
    csv_destroy(&c);
}

/* With ';' as separator, commas are ordinary characters (Swedish decimal commas). */
static void semicolon_separator(void **state)
{
    (void)state;
    struct csv *c = open_csv("code;value;unit\nGN.7;412,5;kg/person\nGN.6;\"a;b\";%\n", ';');
    expect_record(c, 1, "code", "value", "unit", END);
    expect_record(c, 2, "GN.7", "412,5", "kg/person", END);
    expect_record(c, 3, "GN.6", "a;b", "%", END);
    expect_end(c);
    csv_destroy(&c);
}

/* csv_sniff picks tab when the first record has more tabs than ',' and ';', else ';' only when
   it has more of them than commas; what is inside quotes does not count. */
static void sniff_separator(void **state)
{
    (void)state;
    const char *semi = "code;name_sv;name_en\nGN.7;a,b;c\n";
    const char *comma = "code,name_sv,name_en\nGN.7;a;b;c;d\n";
    assert_int_equal(csv_sniff(semi, strlen(semi)), ';');
    assert_int_equal(csv_sniff(comma, strlen(comma)), ',');
    assert_int_equal(csv_sniff("a,b;c", 5), ',');
    assert_int_equal(csv_sniff("a;b", 3), ';');
    assert_int_equal(csv_sniff("only", 4), ',');
    assert_int_equal(csv_sniff("", 0), ',');
    /* the length bounds the look: the ';' past it does not count */
    assert_int_equal(csv_sniff("ab;;;", 2), ',');
    /* tabs, as Excel's "Unicode text" */
    const char *tabs = "kod\tår\tvärde\tkommentar\n";
    assert_int_equal(csv_sniff(tabs, strlen(tabs)), '\t');
    assert_int_equal(csv_sniff("a\tb,c;d", 8), ',');
    /* quoted separators are text */
    const char *quoted = "GN.7;2023;\"a, b, c, d\"\n";
    assert_int_equal(csv_sniff(quoted, strlen(quoted)), ';');
    const char *multiline = "GN.7,\"a;\nb;c;d\",x\n";
    assert_int_equal(csv_sniff(multiline, strlen(multiline)), ',');
}

/* Tab-separated records: a comma and a ';' are text. */
static void tab_separator(void **state)
{
    (void)state;
    struct csv *c = open_csv("kod\tvärde\r\nGN.7\t12,5; ungefär\r\n", '\t');
    expect_record(c, 1, "kod", "värde", END);
    expect_record(c, 2, "GN.7", "12,5; ungefär", END);
    expect_end(c);
    csv_destroy(&c);
}

/* A quote that never closes makes the record malformed; its start line is reported. */
static void unterminated_quote(void **state)
{
    (void)state;
    char **f;
    size_t n;
    struct csv *c = open_csv("code,text\nGN.7,ok\n\nGN.8,\"never closed\nGN.9,x\n", ',');
    expect_record(c, 1, "code", "text", END);
    expect_record(c, 2, "GN.7", "ok", END);
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_int_equal(csv_line(c), 4);
    csv_destroy(&c);
}

/* Builds a record of n one-letter fields. */
static char *record_of(size_t n)
{
    char *s = malloc(2 * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'x';
        s[2 * i + 1] = i + 1 < n ? ',' : '\n';
    }
    s[2 * n] = '\0';
    return s;
}

/* CSV_MAX_FIELDS fields are read; one more makes the record malformed. */
static void too_many_fields(void **state)
{
    (void)state;
    char **f;
    size_t n;
    char *most = record_of(CSV_MAX_FIELDS), *over = record_of(CSV_MAX_FIELDS + 1);

    struct csv *c = open_csv(most, ',');
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, CSV_MAX_FIELDS);
    assert_string_equal(f[CSV_MAX_FIELDS - 1], "x");
    csv_destroy(&c);

    c = open_csv(over, ',');
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_int_equal(csv_line(c), 1);
    csv_destroy(&c);

    free(most);
    free(over);
}

/* A field of 4096 bytes is read; a longer one makes the record malformed. */
static void too_long_field(void **state)
{
    (void)state;
    char **f;
    size_t n;
    char *text = malloc(4097 + 3);
    assert_non_null(text);

    memset(text, 'a', 4096);
    strcpy(text + 4096, ",b");
    struct csv *c = open_csv(text, ',');
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, 2);
    assert_int_equal(strlen(f[0]), 4096);
    assert_string_equal(f[1], "b");
    csv_destroy(&c);

    memset(text, 'a', 4097);
    strcpy(text + 4097, ",b");
    c = open_csv(text, ',');
    assert_int_equal(csv_next(c, &f, &n), -1);
    csv_destroy(&c);
    free(text);
}

/* The largest record: CSV_MAX_FIELDS fields of 4096 bytes each. */
static void largest_record(void **state)
{
    (void)state;
    char **f;
    size_t n, len = CSV_MAX_FIELDS * 4097;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memset(text, 'z', len);
    for (size_t i = 1; i <= CSV_MAX_FIELDS; i++)
        text[i * 4097 - 1] = i < CSV_MAX_FIELDS ? ',' : '\n';
    text[len] = '\0';

    struct csv *c = open_csv(text, ',');
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, CSV_MAX_FIELDS);
    for (size_t i = 0; i < n; i++) assert_int_equal(strlen(f[i]), 4096);
    expect_end(c);
    csv_destroy(&c);
    free(text);
}

/* Only the bytes given are read, not up to a NUL. */
static void length_bounds_the_input(void **state)
{
    (void)state;
    const char text[] = "a,b\nc,d\n";
    struct csv *c = csv_new(text, 5, ',');
    assert_non_null(c);
    expect_record(c, 1, "a", "b", END);
    expect_record(c, 2, "c", END);
    expect_end(c);
    csv_destroy(&c);
    csv_destroy(&c); /* a nulled pointer is fine */
    csv_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_records),
        cmocka_unit_test(last_record_without_newline),
        cmocka_unit_test(empty_fields),
        cmocka_unit_test(quoted_fields),
        cmocka_unit_test(newlines_inside_quotes),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(leading_bom),
        cmocka_unit_test(empty_lines_skipped),
        cmocka_unit_test(semicolon_separator),
        cmocka_unit_test(sniff_separator),
        cmocka_unit_test(tab_separator),
        cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(too_many_fields),
        cmocka_unit_test(too_long_field),
        cmocka_unit_test(largest_record),
        cmocka_unit_test(length_bounds_the_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
