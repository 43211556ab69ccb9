#include <stdlib.h>
#include <string.h>

#include "ekonet/csv.h"

#define FIELD_MAX 4096

struct csv {
    const char *p, *end;
    char sep;
    size_t line, record_line;
    char *fields[CSV_MAX_FIELDS];
    char *buf; /* fields are copied here, NUL-separated */
    size_t cap;
};

struct csv *csv_new(const char *data, size_t len, char sep)
{
    struct csv *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    c->p = data;
    c->end = data + len;
    c->sep = sep;
    c->line = 1;
    c->cap = 8192;
    c->buf = malloc(c->cap);
    if (!c->buf) {
        free(c);
        return NULL;
    }
    return c;
}

void csv_destroy(struct csv **pc)
{
    if (!pc || !*pc) return;
    free((*pc)->buf);
    free(*pc);
    *pc = NULL;
}

size_t csv_line(const struct csv *c)
{
    return c->record_line;
}

char csv_sniff(const char *data, size_t len)
{
    size_t commas = 0, semis = 0, tabs = 0;
    int quoted = 0;
    for (size_t i = 0; i < len && (quoted || data[i] != '\n'); i++) {
        if (data[i] == '"') quoted = !quoted; /* a doubled quote toggles twice */
        if (quoted) continue;
        commas += data[i] == ',';
        semis += data[i] == ';';
        tabs += data[i] == '\t';
    }
    if (tabs > commas && tabs > semis) return '\t';
    return semis > commas ? ';' : ',';
}

static int put(struct csv *c, size_t *o, char ch)
{
    if (*o + 1 >= c->cap) {
        /* room for the largest record: every field at FIELD_MAX and its NUL */
        if (c->cap >= (size_t)CSV_MAX_FIELDS * (FIELD_MAX + 1)) return -1;
        char *nb = realloc(c->buf, c->cap * 2);
        if (!nb) return -1;
        c->buf = nb;
        c->cap *= 2;
    }
    c->buf[(*o)++] = ch;
    return 0;
}

int csv_next(struct csv *c, char ***fields, size_t *nfields)
{
    /* Skip empty lines between records. */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n') c->line++;
        c->p++;
    }
    if (c->p >= c->end) return 0;
    c->record_line = c->line;

    size_t o = 0, n = 0, starts[CSV_MAX_FIELDS], flen = 0;
    starts[n++] = 0;
    int quoted = 0;
    while (c->p < c->end) {
        char ch = *c->p++;
        if (quoted) {
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->p++;
                } else {
                    quoted = 0;
                    continue;
                }
            } else if (ch == '\n') {
                c->line++;
            }
        } else if (ch == '"' && flen == 0) {
            quoted = 1;
            continue;
        } else if (ch == c->sep) {
            if (put(c, &o, '\0') < 0 || n == CSV_MAX_FIELDS) return -1;
            starts[n++] = o;
            flen = 0;
            continue;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && c->p < c->end && *c->p == '\n') c->p++;
            c->line++;
            break;
        }
        if (++flen > FIELD_MAX || put(c, &o, ch) < 0) return -1;
    }
    if (quoted) return -1;
    if (put(c, &o, '\0') < 0) return -1;
    for (size_t i = 0; i < n; i++) c->fields[i] = c->buf + starts[i];
    *fields = c->fields;
    *nfields = n;
    return 1;
}
