/*
 * The Prometheus text format as ekonetd writes it: HELP and TYPE before the samples, label
 * values escaped (a member's name may hold anything a board act carried), numbers that
 * Prometheus parses, and nothing half-written served when memory runs out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/exposition.h"

/* A family: its HELP and TYPE lines, then one line per sample. */
static void family_and_samples(void **state)
{
    (void)state;
    struct exposition x = {0};
    char l[128] = "";
    metric_family(&x, "ekonet_sessions", "gauge", "Sessions with other members' nodes.");
    assert_int_equal(metric_label(l, sizeof l, "state", "live"), 0);
    assert_int_equal(metric_label(l, sizeof l, "direction", "in"), 0);
    metric_value(&x, "ekonet_sessions", l, 3);
    metric_family(&x, "ekonet_entries", "gauge", "Entries stored.");
    metric_value(&x, "ekonet_entries", "", 120000);
    size_t len;
    char *text = exposition_take(&x, &len);
    assert_non_null(text);
    assert_string_equal(text, "# HELP ekonet_sessions Sessions with other members' nodes.\n"
                              "# TYPE ekonet_sessions gauge\n"
                              "ekonet_sessions{state=\"live\",direction=\"in\"} 3\n"
                              "# HELP ekonet_entries Entries stored.\n"
                              "# TYPE ekonet_entries gauge\n"
                              "ekonet_entries 120000\n");
    assert_int_equal(len, strlen(text));
    assert_null(x.text); /* taken: x is empty again */
    free(text);
}

/* Backslash, double quote and newline are escaped in label values; UTF-8 passes as it is. */
static void label_values_are_escaped(void **state)
{
    (void)state;
    char l[256] = "";
    assert_int_equal(metric_label(l, sizeof l, "name", "Övertorneå"), 0);
    assert_int_equal(metric_label(l, sizeof l, "odd", "a\\b\"c\nd"), 0);
    assert_string_equal(l, "name=\"Övertorneå\",odd=\"a\\\\b\\\"c\\nd\"");
    char e[32] = "";
    assert_int_equal(metric_label(e, sizeof e, "empty", ""), 0);
    assert_string_equal(e, "empty=\"\"");
}

/* A value that is not UTF-8 cannot break a scrape: its high bytes become '?'. */
static void bytes_that_are_not_utf8(void **state)
{
    (void)state;
    char l[64] = "";
    assert_int_equal(metric_label(l, sizeof l, "name", "V\xE4xj\xF6"), 0); /* Latin-1 Växjö */
    assert_string_equal(l, "name=\"V?xj?\"");
}

/* A label set that would not fit is left as it was, never cut in the middle of a value. */
static void label_overflow(void **state)
{
    (void)state;
    char l[24] = "";
    assert_int_equal(metric_label(l, sizeof l, "a", "12345"), 0);
    assert_int_equal(metric_label(l, sizeof l, "b", "1234567890"), -1);
    assert_string_equal(l, "a=\"12345\"");
    /* escaping makes it longer: 8 quotes are 16 bytes */
    char q[18] = "";
    assert_int_equal(metric_label(q, sizeof q, "q", "\"\"\"\"\"\"\"\""), -1);
    assert_string_equal(q, "");
    char exact[8] = "";
    assert_int_equal(metric_label(exact, sizeof exact, "k", "abc"), 0); /* k="abc" + NUL */
    assert_string_equal(exact, "k=\"abc\"");
}

/* Integers are exact, fractions short, and the special values are spelt as Prometheus reads. */
static void values(void **state)
{
    (void)state;
    struct exposition x = {0};
    metric_family(&x, "t", "untyped", "Values.");
    metric_value(&x, "t", "", 0);
    metric_value(&x, "t", "", 18446744073709551615.0); /* beyond 2^53: exponent form */
    metric_value(&x, "t", "", 9007199254740991.0);     /* 2^53 - 1: every digit */
    metric_value(&x, "t", "", 1795714536.071);
    metric_value(&x, "t", "", -2.5);
    metric_value(&x, "t", "", NAN);
    metric_value(&x, "t", "", INFINITY);
    metric_value(&x, "t", "", -INFINITY);
    char *text = exposition_take(&x, NULL);
    assert_non_null(text);
    assert_string_equal(text, "# HELP t Values.\n# TYPE t untyped\n"
                              "t 0\nt 1.84467440737096e+19\nt 9007199254740991\n"
                              "t 1795714536.071\nt -2.5\nt NaN\nt +Inf\nt -Inf\n");
    free(text);
}

/* In help text backslash and newline are escaped; quotes are not. */
static void help_is_escaped(void **state)
{
    (void)state;
    struct exposition x = {0};
    metric_family(&x, "t_total", "counter", "a \\ b\n\"c\"");
    char *text = exposition_take(&x, NULL);
    assert_string_equal(text, "# HELP t_total a \\\\ b\\n\"c\"\n# TYPE t_total counter\n");
    free(text);
}

/* Many families grow the buffer; nothing is lost on the way. */
static void grows(void **state)
{
    (void)state;
    struct exposition x = {0};
    for (int i = 0; i < 2000; i++) {
        char l[64] = "";
        metric_family(&x, "ekonet_grow_total", "counter", "Growing.");
        metric_label(l, sizeof l, "i", i % 2 ? "odd" : "even");
        metric_value(&x, "ekonet_grow_total", l, i);
    }
    size_t len;
    char *text = exposition_take(&x, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_non_null(strstr(text, "ekonet_grow_total{i=\"odd\"} 1999\n"));
    free(text);
}

/* Nothing written is an empty exposition, not a failure; a failed one is never handed out. */
static void empty_and_failed(void **state)
{
    (void)state;
    struct exposition x = {0};
    size_t len = 99;
    char *text = exposition_take(&x, &len);
    assert_non_null(text);
    assert_string_equal(text, "");
    assert_int_equal(len, 0);
    free(text);
    metric_family(&x, "t", "gauge", "T.");
    x.failed = 1; /* as after a failed allocation */
    metric_value(&x, "t", "", 1);
    assert_null(exposition_take(&x, &len));
    assert_int_equal(len, 0);
    assert_null(x.text);
    exposition_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(family_and_samples),
        cmocka_unit_test(label_values_are_escaped),
        cmocka_unit_test(bytes_that_are_not_utf8),
        cmocka_unit_test(label_overflow),
        cmocka_unit_test(values),
        cmocka_unit_test(help_is_escaped),
        cmocka_unit_test(grows),
        cmocka_unit_test(empty_and_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
