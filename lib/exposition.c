/*
 * exposition: the Prometheus text format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Each line is appended with
 * one formatted write; the buffer doubles when it is full.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/exposition.h"
#include "ekonet/text.h"

static void append(struct exposition *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(struct exposition *x, const char *fmt, ...)
{
    if (x->failed) return;
    for (;;) {
        size_t room = x->cap - x->len;
        va_list ap;
        va_start(ap, fmt);
        int n = x->text ? vsnprintf(x->text + x->len, room, fmt, ap) : 0;
        va_end(ap);
        if (n < 0) {
            x->failed = 1;
            return;
        }
        if (x->text && (size_t)n < room) {
            x->len += (size_t)n;
            return;
        }
        size_t cap = x->cap ? x->cap * 2 : 4096;
        while (cap < x->len + (size_t)n + 1) cap *= 2;
        char *t = realloc(x->text, cap);
        if (!t) {
            x->failed = 1;
            return;
        }
        x->text = t;
        x->cap = cap;
        x->text[x->len] = '\0'; /* a failed write may have left bytes past len */
    }
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; without ':' for label names. */
static int valid_name(const char *s, int colon)
{
    if (!*s || (*s >= '0' && *s <= '9')) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || (colon && *s == ':')))
            return 0;
    return 1;
}

void metric_family(struct exposition *x, const char *name, const char *type, const char *help)
{
    if (!valid_name(name, 1) || (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0 &&
                                 strcmp(type, "untyped") != 0)) {
        x->failed = 1; /* a caller's mistake: the page fails rather than lie */
        return;
    }
    append(x, "# HELP %s ", name);
    if (!strpbrk(help, "\\\n")) {
        append(x, "%s", help);
    } else {
        /* In help text only backslash and newline are escaped. */
        for (const char *p = help; *p; p++) {
            if (*p == '\\')
                append(x, "\\\\");
            else if (*p == '\n')
                append(x, "\\n");
            else
                append(x, "%c", *p);
        }
    }
    append(x, "\n# TYPE %s %s\n", name, type);
}

void metric_value(struct exposition *x, const char *name, const char *labels, double value)
{
    if (!valid_name(name, 1)) {
        x->failed = 1;
        return;
    }
    char v[40];
    if (isnan(value))
        snprintf(v, sizeof v, "NaN");
    else if (isinf(value))
        snprintf(v, sizeof v, value > 0 ? "+Inf" : "-Inf");
    else if (value == floor(value) && fabs(value) < 9007199254740992.0) /* 2^53: exact */
        snprintf(v, sizeof v, "%.0f", value);
    else
        snprintf(v, sizeof v, "%.15g", value);
    if (labels && *labels)
        append(x, "%s{%s} %s\n", name, labels, v);
    else
        append(x, "%s %s\n", name, v);
}

int metric_label(char *labels, size_t size, const char *name, const char *value)
{
    if (!valid_name(name, 0)) return -1;
    size_t len = strnlen(labels, size);
    if (len == size) return -1;
    int utf8 = text_valid_utf8(value, SIZE_MAX);
    int n = snprintf(labels + len, size - len, "%s%s=\"", len ? "," : "", name);
    size_t at = len + (n > 0 ? (size_t)n : 0);
    if (n < 0 || at >= size) goto full;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
        char one[2] = {(char)(!utf8 && *p >= 0x80 ? '?' : *p), '\0'};
        const char *put = esc ? esc : one;
        size_t k = strlen(put);
        if (at + k >= size) goto full;
        memcpy(labels + at, put, k);
        at += k;
    }
    if (at + 2 > size) goto full;
    labels[at++] = '"';
    labels[at] = '\0';
    return 0;
full:
    labels[len] = '\0';
    return -1;
}

char *exposition_take(struct exposition *x, size_t *len)
{
    if (!x->failed && !x->text) append(x, "%s", ""); /* nothing written: "" */
    char *t = x->failed ? NULL : x->text;
    if (len) *len = t ? x->len : 0;
    if (!t) free(x->text);
    memset(x, 0, sizeof *x);
    return t;
}

void exposition_free(struct exposition *x)
{
    free(x->text);
    memset(x, 0, sizeof *x);
}
