#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/charset.h"

/* Windows-1252's 0x80-0x9F (0: undefined); 0xA0-0xFF are U+00A0-U+00FF, as in Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

const char *charset_name(enum charset cs)
{
    switch (cs) {
    case CHARSET_UTF8_BOM:
        return "UTF-8 with BOM";
    case CHARSET_UTF16LE:
        return "UTF-16LE";
    case CHARSET_UTF16BE:
        return "UTF-16BE";
    case CHARSET_CP1252:
        return "Windows-1252";
    default:
        return "UTF-8";
    }
}

/* Length of the well-formed UTF-8 sequence at p (at most end - p bytes), 0 if there is none. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t left = (size_t)(end - p);
    unsigned c = p[0];
    if (c < 0x80) return 1;
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || n > left) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xF0 && p[1] < 0x90)) return 0; /* overlong */
    if ((c == 0xED && p[1] >= 0xA0) || (c == 0xF4 && p[1] >= 0x90))
        return 0; /* surrogate, >U+10FFFF */
    return n;
}

/* Appends code point u as UTF-8 at o; returns the byte after it. */
static char *put_utf8(char *o, uint32_t u)
{
    if (u < 0x80) {
        *o++ = (char)u;
    } else if (u < 0x800) {
        *o++ = (char)(0xC0 | (u >> 6));
        *o++ = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        *o++ = (char)(0xE0 | (u >> 12));
        *o++ = (char)(0x80 | ((u >> 6) & 0x3F));
        *o++ = (char)(0x80 | (u & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (u >> 18));
        *o++ = (char)(0x80 | ((u >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((u >> 6) & 0x3F));
        *o++ = (char)(0x80 | (u & 0x3F));
    }
    return o;
}

/* A control byte a text file does not hold (tab, CR and LF are text). */
static int control(unsigned c)
{
    return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F;
}

/* What a scan of bytes without a byte order mark found (lines are 1-based). */
struct scan {
    size_t multibyte_line; /* the first UTF-8 sequence of two bytes or more (0: none) */
    size_t bad_line;       /* the first byte that is not UTF-8 (0: none) */
    unsigned bad;          /* that byte */
    size_t nul_line, control_line, undefined_line;
    unsigned control, undefined;
};

static void scan_bytes(const unsigned char *p, const unsigned char *end, struct scan *s)
{
    size_t line = 1;
    memset(s, 0, sizeof *s);
    while (p < end) {
        unsigned c = *p;
        size_t n = utf8_len(p, end);
        if (c == '\n') line++;
        if (c == 0 && !s->nul_line) s->nul_line = line;
        if (c != 0 && control(c) && !s->control_line) s->control_line = line, s->control = c;
        if (n >= 2 && !s->multibyte_line) s->multibyte_line = line;
        if (n == 0) {
            if (!s->bad_line) s->bad_line = line, s->bad = c;
            if (c >= 0x80 && c < 0xA0 && !cp1252_high[c - 0x80] && !s->undefined_line)
                s->undefined_line = line, s->undefined = c;
        }
        p += n ? n : 1;
    }
}

/* A new buffer of room bytes and a NUL, or NULL with err. */
static char *room_for(size_t room, struct errbuf *err)
{
    char *b = malloc(room + 1);
    if (!b) errbuf_set(err, "out of memory");
    return b;
}

static int from_cp1252(const unsigned char *p, const unsigned char *end, char **out, size_t *outlen,
                       struct errbuf *err)
{
    char *b = room_for(3 * (size_t)(end - p), err), *o = b;
    if (!b) return -1;
    for (; p < end; p++) o = put_utf8(o, *p < 0x80 ? *p : *p < 0xA0 ? cp1252_high[*p - 0x80] : *p);
    *o = '\0';
    *out = b;
    *outlen = (size_t)(o - b);
    return 0;
}

/* Bytes without a byte order mark: UTF-8, else Windows-1252, else refused. */
static int from_unmarked(const unsigned char *p, const unsigned char *end, char **out,
                         size_t *outlen, enum charset *cs, struct errbuf *err)
{
    struct scan s;
    scan_bytes(p, end, &s);
    if (s.nul_line)
        return errbuf_set(err,
                          "line %zu: the file holds NUL bytes: it is UTF-16 without a byte order "
                          "mark, or not text; " CHARSET_ADVICE,
                          s.nul_line);
    if (!s.bad_line) {
        *cs = CHARSET_UTF8;
        char *b = room_for((size_t)(end - p), err);
        if (!b) return -1;
        memcpy(b, p, (size_t)(end - p));
        b[end - p] = '\0';
        *out = b;
        *outlen = (size_t)(end - p);
        return 0;
    }
    if (s.multibyte_line)
        return errbuf_set(err,
                          "line %zu: the file mixes encodings: byte 0x%02X is not UTF-8, but line "
                          "%zu is UTF-8; " CHARSET_ADVICE,
                          s.bad_line, s.bad, s.multibyte_line);
    if (s.undefined_line)
        return errbuf_set(err,
                          "line %zu: the encoding cannot be told: byte 0x%02X is neither UTF-8 "
                          "nor a character of Windows-1252; " CHARSET_ADVICE,
                          s.undefined_line, s.undefined);
    if (s.control_line)
        return errbuf_set(
            err,
            "line %zu: the file is not text: it holds the control byte 0x%02X; " CHARSET_ADVICE,
            s.control_line, s.control);
    *cs = CHARSET_CP1252;
    return from_cp1252(p, end, out, outlen, err);
}

/* UTF-16 after its byte order mark (big-endian when be). */
static int from_utf16(const unsigned char *p, const unsigned char *end, int be, char **out,
                      size_t *outlen, struct errbuf *err)
{
    char *b = room_for(3 * (size_t)(end - p) / 2, err), *o = b;
    size_t line = 1;
    if (!b) return -1;
    for (; end - p >= 2; p += 2) {
        uint32_t u = be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
        if (u >= 0xD800 && u <= 0xDBFF && end - p >= 4) { /* a high surrogate: its pair */
            uint32_t lo = be ? (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 8 | p[2];
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                o = put_utf8(o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                p += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            free(b);
            return errbuf_set(err, "line %zu: not valid UTF-16 (a lone surrogate); " CHARSET_ADVICE,
                              line);
        }
        if (u == 0) {
            free(b);
            return errbuf_set(err, "line %zu: the file holds a NUL character; " CHARSET_ADVICE,
                              line);
        }
        line += u == '\n';
        o = put_utf8(o, u);
    }
    if (p != end) {
        free(b);
        return errbuf_set(
            err, "line %zu: the UTF-16 file ends in half a character; " CHARSET_ADVICE, line);
    }
    *o = '\0';
    *out = b;
    *outlen = (size_t)(o - b);
    return 0;
}

int charset_to_utf8(const char *data, size_t len, char **out, size_t *outlen, enum charset *cs,
                    struct errbuf *err)
{
    const unsigned char *p = (const unsigned char *)data, *end = p + len;
    if (len > CHARSET_MAX_INPUT)
        return errbuf_set(err, "the file is larger than %u bytes", CHARSET_MAX_INPUT);
    if (len >= 2 && (p[0] == 0xFF || p[0] == 0xFE) && p[1] == (p[0] ^ 1)) {
        *cs = p[0] == 0xFF ? CHARSET_UTF16LE : CHARSET_UTF16BE;
        return from_utf16(p + 2, end, *cs == CHARSET_UTF16BE, out, outlen, err);
    }
    if (len < 3 || memcmp(p, "\xEF\xBB\xBF", 3) != 0)
        return from_unmarked(p, end, out, outlen, cs, err);
    int rc = from_unmarked(p + 3, end, out, outlen, cs, err);
    if (rc == 0 && *cs != CHARSET_UTF8) { /* marked UTF-8 but is not: the mark lies */
        free(*out);
        *out = NULL;
        struct scan s;
        scan_bytes(p + 3, end, &s);
        return errbuf_set(err,
                          "line %zu: the file starts as UTF-8 (with a byte order mark) but byte "
                          "0x%02X is not UTF-8; " CHARSET_ADVICE,
                          s.bad_line, s.bad);
    }
    if (rc == 0) *cs = CHARSET_UTF8_BOM;
    return rc;
}
