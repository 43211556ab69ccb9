/*
 * Text checks and hex: what the CLI and the node accept as one line, a block of text, a URL
 * or an id, and how bytes are shown as hex.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ekonet/hex.h"
#include "ekonet/text.h"

/* Swedish letters, a tree emoji and the highest code point are valid UTF-8. */
/* A fault is found where it is, with the column in characters, and a NUL is not an end. */
static void faults_are_placed(void **state)
{
    (void)state;
    struct text_fault f;
    char buf[80];
    static const char nul[] = "hej\n\xC3\xA5\xC3\xA4\0d\xC3\xA5";
    assert_int_equal(text_find_fault(nul, sizeof nul - 1, "\n", &f), 1);
    assert_string_equal(text_fault_str(&f, buf, sizeof buf), "line 2, column 3: a NUL byte");
    assert_int_equal(text_find_fault("åäö\tö", 9, "\n", &f), 1);
    assert_string_equal(text_fault_str(&f, buf, sizeof buf),
                        "line 1, column 4: the control character U+0009");
    assert_int_equal(text_find_fault("ok\n\xC3", 4, "\n", &f), 1); /* cut at the end */
    assert_string_equal(text_fault_str(&f, buf, sizeof buf),
                        "line 2, column 1: bytes that are not UTF-8");
    assert_int_equal(text_find_fault("rad ett\n\trad två", 17, "\t\n", &f), 0);
    assert_true(text_blank(" \t\n"));
    assert_true(text_blank(""));
    assert_false(text_blank(" å "));
}

static void swedish_text_is_valid(void **state)
{
    (void)state;
    const char *s = "Övertorneå kommun: Håll Sverige Rent, ärligt och öppet";
    assert_true(text_valid_utf8(s, 200));
    assert_true(text_valid_line(s, 200));
    assert_true(text_valid_block(s, 200));
    assert_true(text_valid_line("\xF0\x9F\x8C\xB2 skog", 20));     /* U+1F332 */
    assert_true(text_valid_line("\xF4\x8F\xBF\xBF", 4));           /* U+10FFFF */
    assert_true(text_valid_line("\xED\x9F\xBF \xEE\x80\x80", 10)); /* around the surrogates */
    assert_true(text_valid_line("\xE0\xA0\x80", 3));               /* U+0800, shortest 3-byte */
    assert_true(text_valid_line("\xF0\x90\x80\x80", 4));           /* U+10000, shortest 4-byte */
}

/* Overlong encodings of '/' and NUL are refused, in every length. */
static void overlong_encodings_are_refused(void **state)
{
    (void)state;
    assert_false(text_valid_utf8("\xC0\xAF", 10));
    assert_false(text_valid_utf8("\xC1\xBF", 10));
    assert_false(text_valid_utf8("\xC0\x80", 10));
    assert_false(text_valid_utf8("\xE0\x80\xAF", 10));
    assert_false(text_valid_utf8("\xE0\x9F\xBF", 10));
    assert_false(text_valid_utf8("\xF0\x80\x80\xAF", 10));
    assert_false(text_valid_utf8("\xF0\x8F\xBF\xBF", 10));
}

/* UTF-16 surrogates encoded as UTF-8 (CESU) are refused. */
static void surrogates_are_refused(void **state)
{
    (void)state;
    assert_false(text_valid_utf8("\xED\xA0\x80", 10)); /* U+D800 */
    assert_false(text_valid_utf8("\xED\xBF\xBF", 10)); /* U+DFFF */
    assert_false(text_valid_line("a\xED\xB0\x80z", 10));
}

/* A sequence cut short, at the end or before other text, is refused. */
static void truncated_sequences_are_refused(void **state)
{
    (void)state;
    assert_false(text_valid_utf8("\xC3", 10));
    assert_false(text_valid_utf8("\xE2\x82", 10));
    assert_false(text_valid_utf8("\xF0\x9F\x8C", 10));
    assert_false(text_valid_utf8("\xC3 ok", 10));
    assert_false(text_valid_utf8("ab\xE2\x82z", 10));
    assert_false(text_valid_utf8("\x80", 10)); /* a lone continuation byte */
    assert_false(text_valid_utf8("\xA5", 10));
}

/* Lead bytes above F4 and code points above U+10FFFF do not exist in UTF-8. */
static void bytes_above_f4_are_refused(void **state)
{
    (void)state;
    assert_false(text_valid_utf8("\xF4\x90\x80\x80", 10)); /* U+110000 */
    assert_false(text_valid_utf8("\xF5\x80\x80\x80", 10));
    assert_false(text_valid_utf8("\xF8\x88\x80\x80\x80", 10));
    assert_false(text_valid_utf8("\xFE", 10));
    assert_false(text_valid_utf8("\xFF", 10));
}

/* One line holds no control characters at all; a block holds newlines and tabs only. */
static void control_characters(void **state)
{
    (void)state;
    assert_false(text_valid_line("two\nlines", 100));
    assert_false(text_valid_line("tab\there", 100));
    assert_false(text_valid_line("cr\r", 100));
    assert_false(text_valid_line("bell\a", 100));
    assert_false(text_valid_line("escape\x1b[31m", 100));
    assert_false(text_valid_line("delete\x7f", 100));

    assert_true(text_valid_block("Rubrik\n\n\tindraget stycke\n", 100));
    assert_false(text_valid_block("windows\r\n", 100));
    assert_false(text_valid_block("escape\x1b[31m", 100));
    assert_false(text_valid_block("delete\x7f", 100));

    assert_true(text_valid_utf8("cr\r\nlf\ttab", 100));
}

/* The bound is in bytes: exactly max passes, one more byte fails, even mid-character. */
static void max_length_bound(void **state)
{
    (void)state;
    assert_true(text_valid_line("abcde", 5));
    assert_false(text_valid_line("abcdef", 5));
    assert_true(text_valid_line("åäö", 6));
    assert_false(text_valid_line("åäö", 5));
    assert_true(text_valid_block("a\nb", 3));
    assert_false(text_valid_block("a\nbc", 3));
    assert_true(text_valid_utf8("ö", 2));
    assert_false(text_valid_utf8("ö", 1));
    assert_false(text_valid_utf8("x", 0));
}

/* An empty string is no line, but it is an empty block. */
static void empty_text(void **state)
{
    (void)state;
    assert_false(text_valid_line("", 100));
    assert_true(text_valid_block("", 100));
    assert_true(text_valid_utf8("", 0));
}

/* text_chars counts code points, not bytes. */
static void chars_count_code_points(void **state)
{
    (void)state;
    assert_int_equal(text_chars(""), 0);
    assert_int_equal(text_chars("abc"), 3);
    assert_int_equal(strlen("Övertorneå"), 12);
    assert_int_equal(text_chars("Övertorneå"), 10);
    assert_int_equal(text_chars("\xF0\x9F\x8C\xB2"), 1);
    assert_int_equal(text_chars("€5"), 2);
}

/* http and https URLs with a host pass, in any case of the scheme. */
static void urls_accepted(void **state)
{
    (void)state;
    assert_true(text_valid_url("http://example.se", 100));
    assert_true(text_valid_url("https://www.overtornea.se/rapporter/avfall-2023.pdf", 100));
    assert_true(text_valid_url("HTTPS://EXAMPLE.SE/", 100));
    assert_true(text_valid_url("https://example.se:8443/a?b=c#d", 100));
    assert_true(text_valid_url("https://åre.se/", 100));
}

/* Other schemes, no host, spaces, controls and over-long URLs are refused. */
static void urls_refused(void **state)
{
    (void)state;
    assert_false(text_valid_url("ftp://example.se/file", 100));
    assert_false(text_valid_url("file:///etc/passwd", 100));
    assert_false(text_valid_url("javascript:alert(1)", 100));
    assert_false(text_valid_url("example.se", 100));
    assert_false(text_valid_url("http:/example.se", 100));
    assert_false(text_valid_url("https://", 100));
    assert_false(text_valid_url("http://", 100));
    assert_false(text_valid_url("https:///path", 100));
    assert_false(text_valid_url("https://:443/", 100));
    assert_false(text_valid_url("https://?q=1", 100));
    assert_false(text_valid_url("https://#top", 100));
    assert_false(text_valid_url("https://example.se/två ord", 100));
    assert_false(text_valid_url(" https://example.se", 100));
    assert_false(text_valid_url("https://example.se/\n", 100));
    assert_false(text_valid_url("https://example.se/\t", 100));
    assert_false(text_valid_url("https://example.se/\xC0\xAF", 100));
    assert_false(text_valid_url("", 100));

    assert_true(text_valid_url("https://a.se", 12));
    assert_false(text_valid_url("https://ab.se", 12));
}

/* hex_encode writes lowercase digits and a NUL. */
static void hex_encode_lowercase(void **state)
{
    (void)state;
    const uint8_t bytes[] = {0x00, 0x7f, 0xab, 0xff, 0x10};
    char buf[2 * sizeof bytes + 1];
    memset(buf, 'X', sizeof buf);
    assert_ptr_equal(hex_encode(buf, bytes, sizeof bytes), buf);
    assert_string_equal(buf, "007fabff10");

    char empty[1] = {'X'};
    assert_string_equal(hex_encode(empty, bytes, 0), "");
}

/* hex_decode takes either case but exactly 2*n hex digits. */
static void hex_decode_exact(void **state)
{
    (void)state;
    uint8_t out[4];
    assert_int_equal(hex_decode(out, 4, "007FabFF"), 0);
    assert_memory_equal(out, ((const uint8_t[]){0x00, 0x7f, 0xab, 0xff}), 4);

    assert_int_equal(hex_decode(out, 4, "007fab"), -1);     /* too short */
    assert_int_equal(hex_decode(out, 4, "007fabff00"), -1); /* too long */
    assert_int_equal(hex_decode(out, 4, "007fabfg"), -1);   /* not a digit */
    assert_int_equal(hex_decode(out, 4, "007f ab f"), -1);
    assert_int_equal(hex_decode(out, 4, "0x7fabff"), -1);
    assert_int_equal(hex_decode(out, 4, ""), -1);
    assert_int_equal(hex_decode(out, 0, ""), 0);
}

/* Encoding then decoding gives back every byte value. */
static void hex_roundtrip(void **state)
{
    (void)state;
    uint8_t bytes[256], back[256];
    char text[2 * sizeof bytes + 1];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (uint8_t)i;
    hex_encode(text, bytes, sizeof bytes);
    assert_int_equal(strlen(text), 512);
    assert_int_equal(hex_decode(back, sizeof back, text), 0);
    assert_memory_equal(back, bytes, sizeof bytes);
}

/* An id prefix is 1..max hex digits of either case. */
static void hex_prefixes(void **state)
{
    (void)state;
    assert_true(hex_is_prefix("a", 64));
    assert_true(hex_is_prefix("3fA9", 64));
    assert_true(hex_is_prefix("0123456789abcdef", 16));
    assert_false(hex_is_prefix("0123456789abcdef0", 16));
    assert_false(hex_is_prefix("", 64));
    assert_false(hex_is_prefix("3fz9", 64));
    assert_false(hex_is_prefix("3f 9", 64));
    assert_false(hex_is_prefix("-3f", 64));
}

/* Municipalities in Swedish alphabetical order: å ä ö after z, case and accents folded. */
static void names_sort_in_swedish_order(void **state)
{
    (void)state;
    const char *in_order[] = {"Ale",     "alingsås",  "Arvika",   "Eda",      "Enköping",
                              "Essunga", "Malmö",     "Malå",     "Trosa",    "Ydre",
                              "Zülpich", "Åre",       "Åstorp",   "Älvdalen", "Älvkarleby",
                              "Öckerö",  "Östersund", "Överkalix"};
    size_t n = sizeof in_order / sizeof in_order[0];
    for (size_t i = 0; i + 1 < n; i++) {
        if (text_cmp_sv(in_order[i], in_order[i + 1]) >= 0)
            fail_msg("\"%s\" should sort before \"%s\"", in_order[i], in_order[i + 1]);
        if (text_cmp_sv(in_order[i + 1], in_order[i]) <= 0)
            fail_msg("\"%s\" should sort after \"%s\"", in_order[i + 1], in_order[i]);
    }
    assert_int_equal(text_cmp_sv("Västerås", "Västerås"), 0);
    assert_true(text_cmp_sv("Eda", "Éda") < 0); /* the same letters: by bytes */
    assert_true(text_cmp_sv("Ed", "Eda") < 0);  /* a prefix first */
    assert_true(text_cmp_sv("\xFF", "a") != 0); /* not UTF-8: no crash, an order */
}

/* Windows line ends become line ends; a lone carriage return stays (and is refused later). */
static void windows_newlines(void **state)
{
    (void)state;
    char a[] = "rad ett\r\nrad två\r\n", b[] = "ett\rtvå", c[] = "\r\n";
    assert_int_equal(text_unix_newlines(a, strlen(a)), strlen("rad ett\nrad två\n"));
    assert_string_equal(a, "rad ett\nrad två\n");
    assert_int_equal(text_unix_newlines(b, strlen(b)), strlen("ett\rtvå"));
    assert_string_equal(b, "ett\rtvå");
    assert_int_equal(text_unix_newlines(c, 2), 1);
    assert_string_equal(c, "\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(swedish_text_is_valid),
        cmocka_unit_test(faults_are_placed),
        cmocka_unit_test(overlong_encodings_are_refused),
        cmocka_unit_test(surrogates_are_refused),
        cmocka_unit_test(truncated_sequences_are_refused),
        cmocka_unit_test(bytes_above_f4_are_refused),
        cmocka_unit_test(control_characters),
        cmocka_unit_test(max_length_bound),
        cmocka_unit_test(empty_text),
        cmocka_unit_test(chars_count_code_points),
        cmocka_unit_test(urls_accepted),
        cmocka_unit_test(urls_refused),
        cmocka_unit_test(hex_encode_lowercase),
        cmocka_unit_test(hex_decode_exact),
        cmocka_unit_test(hex_roundtrip),
        cmocka_unit_test(hex_prefixes),
        cmocka_unit_test(names_sort_in_swedish_order),
        cmocka_unit_test(windows_newlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
