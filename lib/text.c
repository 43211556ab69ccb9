#include <ctype.h>
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
