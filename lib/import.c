#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/csv.h"
#include "ekonet/import.h"
#include "ekonet/text.h"

void import_free(struct import *imp)
{
    free(imp->v);
    free(imp->kpis);
    memset(imp, 0, sizeof *imp);
}

int import_number(const char *s, double *out)
{
    char buf[64];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\t') continue;
        if (p[0] == 0xC2 && p[1] == 0xA0) { /* a no-break space between thousands */
            p++;
            continue;
        }
        if (n + 1 >= sizeof buf) return -1;
        buf[n++] = (char)(*p == ',' ? '.' : *p);
    }
    buf[n] = '\0';
    if (n == 0) return -1;
    char *end;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int import_add(struct import *imp, const struct catalogue *cat, const char *where, const char *code,
               long year, double value, const char *note, struct errbuf *err)
{
    const struct indicator *ind = catalogue_find(cat, code);
    if (!ind)
        return errbuf_set(err, "%s: %.20s is not an indicator of the catalogue in force", where,
                          code);
    if (year < 1990 || year > 2100)
        return errbuf_set(err, "%s: the year must be between 1990 and 2100, not %ld", where, year);
    if (!isfinite(value)) return errbuf_set(err, "%s: %s: the value is not a number", where, code);
    if (note && *note && !text_valid_line(note, 200))
        return errbuf_set(err, "%s: the note must be one line of at most 200 bytes", where);
    for (size_t i = 0; i < imp->n; i++)
        if (imp->v[i].year == (uint32_t)year && strcmp(imp->v[i].code, code) == 0)
            return errbuf_set(err, "%s: %s for %ld is given twice", where, code, year);
    if (imp->n == IMPORT_MAX_VALUES)
        return errbuf_set(err, "%s: more than %d values in one import", where, IMPORT_MAX_VALUES);
    if (imp->n % 64 == 0) {
        struct import_value *v = realloc(imp->v, (imp->n + 64) * sizeof *v);
        if (!v) return errbuf_set(err, "out of memory");
        imp->v = v;
    }
    struct import_value *x = &imp->v[imp->n++];
    x->year = (uint32_t)year;
    snprintf(x->code, sizeof x->code, "%s", code);
    x->value = value;
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    snprintf(x->where, sizeof x->where, "%s", where);
    x->forced = 0;
    return 0;
}

int import_check(struct import *imp, const struct catalogue *cat, int force, uint32_t max_year,
                 struct errbuf *err)
{
    for (size_t i = 0; i < imp->n; i++) {
        struct import_value *v = &imp->v[i];
        const struct indicator *ind = catalogue_find(cat, v->code);
        struct errbuf why;
        if (v->year > max_year)
            return errbuf_set(err,
                              "%s: %u has not begun: values are published for %u and the "
                              "years before",
                              v->where, v->year, max_year);
        int rc = ind ? indicator_check_value(ind, v->value, &why) : 0;
        if (rc < 0 || (rc == INDICATOR_OUTSIDE && !force))
            return errbuf_set(err, "%s: %s%s", v->where, why.msg,
                              rc == INDICATOR_OUTSIDE ? ". Use --force if it is right" : "");
        v->forced = rc == INDICATOR_OUTSIDE;
    }
    return 0;
}

static int parse_year(const char *s, long *year)
{
    char *end;
    while (*s == ' ') s++;
    *year = strtol(s, &end, 10);
    while (*end == ' ') end++;
    return end != s && *end == '\0' ? 0 : -1;
}

int import_csv(const char *data, size_t len, const struct catalogue *cat, struct import *out,
               struct errbuf *err)
{
    memset(out, 0, sizeof *out);
    char sep = csv_sniff(data, len);
    struct csv *c = csv_new(data, len, sep);
    char **f, where[32];
    size_t n;
    int rc, first = 1;
    if (!c) return errbuf_set(err, "out of memory");
    while ((rc = csv_next(c, &f, &n)) == 1) {
        snprintf(where, sizeof where, "line %zu", csv_line(c));
        if (first && n > 0 && strcasecmp(f[0], "code") == 0) { /* a header */
            first = 0;
            continue;
        }
        first = 0;
        long year;
        double value;
        if (n < 3 || n > 4) {
            errbuf_set(err, "%s: expected code,year,value[,note], found %zu field%s", where, n,
                       n == 1 ? "" : "s");
            goto fail;
        }
        if (parse_year(f[1], &year) < 0) {
            errbuf_set(err, "%s: \"%.20s\" is not a year", where, f[1]);
            goto fail;
        }
        if (n == 4 && sep == ',' && *f[3] && strspn(f[3], "0123456789") == strlen(f[3]) &&
            strspn(f[2], "0123456789 ") == strlen(f[2])) {
            /* 412,5 unquoted between commas: a decimal comma, not the note "5" */
            errbuf_set(err,
                       "%s: \"%s,%s\" looks like a decimal comma: quote it (\"%s,%s\") or use ';' "
                       "between fields",
                       where, f[2], f[3], f[2], f[3]);
            goto fail;
        }
        if (import_number(f[2], &value) < 0) {
            errbuf_set(err, "%s: \"%.30s\" is not a number", where, f[2]);
            goto fail;
        }
        if (import_add(out, cat, where, f[0], year, value, n > 3 ? f[3] : NULL, err) < 0) goto fail;
    }
    if (rc < 0) {
        errbuf_set(err, "line %zu: malformed CSV (an unterminated quote?)", csv_line(c));
        goto fail;
    }
    csv_destroy(&c);
    if (out->n == 0) return errbuf_set(err, "the file holds no values");
    return 0;
fail:
    csv_destroy(&c);
    import_free(out);
    return -1;
}
