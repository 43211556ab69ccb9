#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ekonet/text.h"

/* Length of the UTF-8 sequence at s, or 0 if it is not valid. */
static size_t seq_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;
        if (c == 0xF4 && s[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

/* allow: the control characters permitted (a string of them). */
static int valid(const char *s, size_t max, const char *allow, size_t min)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        if (*p >= 0x20 && *p < 0x7f) { /* printable ASCII, most of any text: one byte */
            p++;
            if (++n > max) return 0;
            continue;
        }
        size_t l = seq_len(p);
        if (l == 0) return 0;
        if (l == 1 && (*p < 0x20 || *p == 0x7f) && !strchr(allow, *p)) return 0;
        p += l;
        n += l;
        if (n > max) return 0;
    }
    return n >= min;
}

int text_valid_utf8(const char *s, size_t max)
{
    return valid(s, max, "\t\n\r", 0);
}

int text_valid_line(const char *s, size_t max)
{
    return valid(s, max, "", 1);
}

int text_valid_block(const char *s, size_t max)
{
    return valid(s, max, "\t\n", 0);
}

/* The length of the UTF-8 sequence at p, of which only end - p bytes may be read; 0 if it is
   not valid or cut short. */
static size_t seq_len_bounded(const unsigned char *p, const unsigned char *end)
{
    unsigned char tmp[4] = {0};
    size_t have = (size_t)(end - p) < 4 ? (size_t)(end - p) : 4;
    memcpy(tmp, p, have); /* seq_len reads up to 4 bytes; zero padding fails a cut sequence */
    return seq_len(tmp);
}

int text_find_fault(const char *s, size_t len, const char *allow, struct text_fault *f)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    memset(f, 0, sizeof *f);
    f->line = f->col = 1;
    while (p < end) {
        size_t l = *p ? seq_len_bounded(p, end) : 1;
        if (*p == 0 || l == 0) {
            f->nul = *p == 0;
            f->not_utf8 = *p != 0;
            return 1;
        }
        if (l == 1 && (*p < 0x20 || *p == 0x7f) && !strchr(allow, *p)) {
            f->byte = *p;
            return 1;
        }
        if (*p == '\n') {
            f->line++;
            f->col = 1;
        } else
            f->col++;
        p += l;
    }
    return 0;
}

const char *text_fault_str(const struct text_fault *f, char *buf, size_t n)
{
    if (f->nul)
        snprintf(buf, n, "line %zu, column %zu: a NUL byte", f->line, f->col);
    else if (f->not_utf8)
        snprintf(buf, n, "line %zu, column %zu: bytes that are not UTF-8", f->line, f->col);
    else
        snprintf(buf, n, "line %zu, column %zu: the control character U+%04X", f->line, f->col,
                 f->byte);
    return buf;
}

int text_blank(const char *s)
{
    return s[strspn(s, " \t\n")] == '\0';
}

size_t text_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

int text_valid_url(const char *s, size_t max)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return 0;
    if (!valid(s, max, "", 1)) return 0;
    if (strchr(s, ' ')) return 0;
    const char *host = s + skip;
    return *host && *host != '/' && *host != ':' && *host != '?' && *host != '#';
}

int text_valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!text_valid_line(s, 254) || strchr(s, ' ') || !at || at == s) return 0;
    return strchr(at + 1, '.') != NULL && at[1] != '.' && strchr(at + 1, '@') == NULL;
}

int text_valid_phone(const char *s)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr("+ -()", *p))
            return 0;
    }
    return digits >= 5 && strlen(s) <= 40;
}

int text_valid_language(const char *s)
{
    size_t run = 0, first = 1;
    for (const char *p = s;; p++) {
        if (*p == '-' || *p == '\0') {
            if (first ? (run < 2 || run > 3) : (run < 2 || run > 8)) return 0;
            if (*p == '\0') return 1;
            first = 0;
            run = 0;
        } else if (isalpha((unsigned char)*p) || (!first && isdigit((unsigned char)*p))) {
            run++;
        } else {
            return 0;
        }
    }
}

/* Where code point u sorts in Swedish: marks and spaces first (by code), then digits, then the
   letters a-z, å, ä, ö (case folded; é as e, ü as y, æ as ä, ø as ö, and the like), then
   anything else by code. */
static uint32_t sv_weight(uint32_t u)
{
    /* Latin-1's letters U+00C0-U+00FF as the letter they sort as (0: not a letter); å ä æ ö ø
       are Swedish letters of their own, apart */
    static const char latin1[64] = {
        'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', /* C0 */
        'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'y', 'y', 0,   's', /* D0 */
        'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', /* E0 */
        'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'y', 'y', 0,   'y', /* F0 */
    };
    uint32_t l = u >= 'A' && u <= 'Z' ? u + 32 : u;
    if (l >= 'a' && l <= 'z') return 2000 + (l - 'a');
    if (u >= '0' && u <= '9') return 1000 + (u - '0');
    if (u < 0x80) return u;
    if (u == 0xC5 || u == 0xE5) return 2000 + 26;                           /* å */
    if (u == 0xC4 || u == 0xE4 || u == 0xC6 || u == 0xE6) return 2000 + 27; /* ä æ */
    if (u == 0xD6 || u == 0xF6 || u == 0xD8 || u == 0xF8) return 2000 + 28; /* ö ø */
    if (u >= 0xC0 && u <= 0xFF && latin1[u - 0xC0])
        return 2000 + (uint32_t)(latin1[u - 0xC0] - 'a');
    return 3000 + u;
}

/* The code point at *p (advanced past it); a byte that is not UTF-8 as itself. */
static uint32_t next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    size_t n = seq_len(s);
    uint32_t u = s[0];
    if (n == 2) u = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if (n == 3) u = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    if (n == 4)
        u = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
            (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    *p = s + (n ? n : 1);
    return u;
}

int text_cmp_sv(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        uint32_t x = sv_weight(next_cp(&p)), y = sv_weight(next_cp(&q));
        if (x != y) return x < y ? -1 : 1;
    }
    if (*p || *q) return *p ? 1 : -1;
    return strcmp(a, b); /* the same letters: "Ale" before "ale", by bytes */
}

size_t text_unix_newlines(char *s, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) s[k++] = s[i];
    if (k < len) s[k] = '\0';
    return k;
}
