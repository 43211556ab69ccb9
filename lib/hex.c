#include <string.h>

#include "ekonet/hex.h"

char *hex_encode(char *dst, const uint8_t *src, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[src[i] >> 4];
        dst[2 * i + 1] = digits[src[i] & 15];
    }
    dst[2 * n] = '\0';
    return dst;
}

static int nibble(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int hex_decode(uint8_t *dst, size_t n, const char *str)
{
    if (strlen(str) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = nibble((unsigned char)str[2 * i]), lo = nibble((unsigned char)str[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        dst[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int hex_is_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (size_t i = 0; i < n; i++)
        if (nibble((unsigned char)s[i]) < 0) return 0;
    return 1;
}
