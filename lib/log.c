#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ekonet/log.h"

static enum elog_level current = ELOG_INFO;
static const char *const names[] = {"error", "warn", "info", "debug"};

void elog_set_level(enum elog_level level)
{
    current = level;
}

int elog_parse_level(const char *s, enum elog_level *out)
{
    for (int i = 0; i <= ELOG_DEBUG; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum elog_level)i;
            return 0;
        }
    }
    return -1;
}

int elog_enabled(enum elog_level level)
{
    return level <= current;
}

const char *elog_quote(char *buf, size_t size, const char *s)
{
    int bare = *s != '\0';
    for (const char *p = s; *p && bare; p++)
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f) bare = 0;
    if (bare) {
        snprintf(buf, size, "%s", s);
        return buf;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 6 < size; p++) {
        if (*p == '"' || *p == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)*p;
        } else if (*p == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (*p < ' ' || *p == 0x7f) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p);
        } else {
            buf[o++] = (char)*p;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

void elog(enum elog_level level, const char *msg, const char *fmt, ...)
{
    if (!elog_enabled(level)) return;
    char line[2048], ts[32], q[512];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    int n = snprintf(line, sizeof line, "ts=%s.%03dZ level=%s msg=%s", ts, (int)(tv.tv_usec / 1000),
                     names[level], elog_quote(q, sizeof q, msg));
    if (fmt && n >= 0 && (size_t)n < sizeof line - 2) {
        va_list ap;
        va_start(ap, fmt);
        line[n++] = ' ';
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
        n = m < 0 ? n - 1 : n + m;
    }
    if (n < 0) return;
    if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    /* One write per line so that lines from threads never interleave. */
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}
