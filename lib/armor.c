#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ekonet/armor.h"
#include "ekonet/file.h"

#define LINE 64

char *armor_encode(const char *what, const char *comment, const uint8_t *data, size_t len)
{
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    size_t clen = comment ? strlen(comment) : 0, cap = clen * 2 + 16 + b64len + b64len / LINE + 128;
    char *out = malloc(cap), *p = out;
    if (!b64 || !out) {
        free(b64);
        free(out);
        return NULL;
    }
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    if (comment) {
        /* every line of the comment becomes a "# " line */
        const char *c = comment;
        while (*c) {
            const char *nl = strchr(c, '\n');
            size_t l = nl ? (size_t)(nl - c) : strlen(c);
            p += sprintf(p, "# %.*s\n", (int)l, c);
            c += l + (nl ? 1 : 0);
        }
    }
    p += sprintf(p, "-----BEGIN EKONET %s-----\n", what);
    size_t n = strlen(b64);
    for (size_t i = 0; i < n; i += LINE) p += sprintf(p, "%.*s\n", LINE, b64 + i);
    sprintf(p, "-----END EKONET %s-----\n", what);
    free(b64);
    return out;
}

int armor_decode(const char *text, const char *what, size_t max, uint8_t **out, size_t *len,
                 struct errbuf *err)
{
    char begin[64], end[64];
    snprintf(begin, sizeof begin, "-----BEGIN EKONET %s-----", what);
    snprintf(end, sizeof end, "-----END EKONET %s-----", what);
    const char *b = strstr(text, begin);
    if (!b) return errbuf_set(err, "this is not an ekonet %s (no \"%s\" line)", what, begin);
    b += strlen(begin);
    const char *e = strstr(b, end);
    if (!e) return errbuf_set(err, "the %s is cut short (no \"%s\" line)", what, end);
    size_t b64len = (size_t)(e - b);
    if (b64len / 4 * 3 > max + 3)
        return errbuf_set(err, "the %s is larger than %zu bytes", what, max);
    *out = malloc(b64len / 4 * 3 + 4);
    if (!*out) return errbuf_set(err, "out of memory");
    const char *last;
    if (sodium_base642bin(*out, b64len / 4 * 3 + 4, b, b64len, " \t\r\n", len, &last,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        last != e || *len > max) {
        free(*out);
        *out = NULL;
        return errbuf_set(err, "the %s's base64 block is damaged", what);
    }
    return 0;
}

int armor_read_file(const char *path, const char *what, size_t max, uint8_t **out, size_t *len,
                    struct errbuf *err)
{
    char *text;
    struct errbuf inner;
    if (file_read_all(path, max * 2 + 65536, &text, NULL, err) < 0) return -1;
    int rc = armor_decode(text, what, max, out, len, &inner);
    free(text);
    if (rc < 0) return errbuf_set(err, "%s: %s", path, inner.msg);
    return 0;
}
