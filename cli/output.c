/*
 * output: how the CLI shows things. Text for people (local time, short ids, columns cut to
 * the terminal), JSON for programs (full ids, times in milliseconds and ISO 8601 UTC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

void out_json(cJSON *root)
{
    char *s = root ? cJSON_Print(root) : NULL;
    if (s) {
        puts(s);
        free(s);
    } else {
        fputs("ekonet: out of memory\n", stderr);
    }
    cJSON_Delete(root);
}

cJSON *out_json_hex(const uint8_t *p, size_t n)
{
    char buf[2 * 64 + 1];
    if (n > 64) return cJSON_CreateNull();
    return cJSON_CreateString(hex_encode(buf, p, n));
}

const char *out_time(char *buf, size_t size, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

uint64_t out_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *out_time_iso(char *buf, size_t size, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char base[32];
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03uZ", base, (unsigned)(ms % 1000));
    return buf;
}

const char *out_bytes(char *buf, size_t size, uint64_t n)
{
    if (n < 1024)
        snprintf(buf, size, "%llu B", (unsigned long long)n);
    else if (n < 1024 * 1024)
        snprintf(buf, size, "%.1f KiB", n / 1024.0);
    else if (n < 1024ull * 1024 * 1024)
        snprintf(buf, size, "%.1f MiB", n / (1024.0 * 1024));
    else
        snprintf(buf, size, "%.1f GiB", n / (1024.0 * 1024 * 1024));
    return buf;
}

const char *out_duration(char *buf, size_t size, uint64_t s)
{
    if (s < 60)
        snprintf(buf, size, "%llus", (unsigned long long)s);
    else if (s < 3600)
        snprintf(buf, size, "%llum %llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
    else if (s < 86400)
        snprintf(buf, size, "%lluh %llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60));
    else
        snprintf(buf, size, "%llud %lluh", (unsigned long long)(s / 86400),
                 (unsigned long long)(s % 86400 / 3600));
    return buf;
}

const char *out_hex(char *buf, const uint8_t *p, size_t n)
{
    return hex_encode(buf, p, n);
}

const char *out_short_id(char *buf, const uint8_t *id)
{
    hex_encode(buf, id, 6);
    return buf;
}

void out_bold(const struct cli *c, const char *s)
{
    if (c->color)
        printf("\033[1m%s\033[0m", s);
    else
        fputs(s, stdout);
}

int out_columns(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 100;
}

void out_cell(const char *s, int width, int pad)
{
    /* Widths count code points: Swedish text has no double-width characters. */
    int used = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t total = 0;
    for (const unsigned char *q = p; *q; q++) total += (*q & 0xC0) != 0x80;
    if ((int)total <= width) {
        fputs(s, stdout);
        used = (int)total;
    } else {
        while (*p && used < width - 1) {
            size_t l = 1;
            while ((p[l] & 0xC0) == 0x80) l++;
            if (*p == '\n' || *p == '\t')
                putchar(' ');
            else
                fwrite(p, 1, l, stdout);
            p += l;
            used++;
        }
        fputs("…", stdout);
        used++;
    }
    while (pad && used++ < width) putchar(' ');
}

/* The bytes of the UTF-8 character at p that can be shown (1-4), or 0: a control character or
   bytes that are not UTF-8. */
static size_t shown_char(const unsigned char *p)
{
    size_t len = *p < 0x80                 ? 1
                 : *p >= 0xC2 && *p < 0xE0 ? 2
                 : *p >= 0xE0 && *p < 0xF0 ? 3
                 : *p >= 0xF0 && *p < 0xF5 ? 4
                                           : 0;
    if (len == 1) return *p >= 0x20 && *p != 0x7F ? 1 : 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return len;
}

void out_message(FILE *f, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t line = 0; /* bytes shown of this line; past OUT_LINE_MAX: cut, the rest dropped */
    for (; *p; p++) {
        if (*p == '\n') {
            fputc('\n', f);
            line = 0;
            continue;
        }
        size_t len = shown_char(p);
        if (line >= OUT_LINE_MAX) {
            if (line == OUT_LINE_MAX) fputs("…", f);
            line = OUT_LINE_MAX + 1;
        } else if (len) {
            fwrite(p, 1, len, f);
            line = line + len < OUT_LINE_MAX ? line + len : OUT_LINE_MAX;
        } else {
            fputc(*p == '\t' ? ' ' : '?', f);
            line++;
        }
        if (len > 1 && line <= OUT_LINE_MAX) p += len - 1;
    }
}
