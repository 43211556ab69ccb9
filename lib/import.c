#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/charset.h"
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
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF) { /* a narrow no-break space */
            p += 2;
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

/* The CSV columns: where code, year, value and note are (note: -1 when there is none). */
struct columns {
    int at[4];    /* COL_CODE .. COL_NOTE */
    int header;   /* the file has a header line */
    size_t ncols; /* the header's columns */
    char sep;
};
enum { COL_CODE, COL_YEAR, COL_VALUE, COL_NOTE };

/* The words of a header line, in English and Swedish, lower case. */
static const struct {
    const char *word;
    int col;
} header_words[] = {
    {"code", COL_CODE},       {"kod", COL_CODE},        {"year", COL_YEAR},
    {"år", COL_YEAR},         {"value", COL_VALUE},     {"värde", COL_VALUE},
    {"note", COL_NOTE},       {"comment", COL_NOTE},    {"kommentar", COL_NOTE},
    {"anmärkning", COL_NOTE}, {"anteckning", COL_NOTE},
};

/* s trimmed and in lower case (ASCII, and Å Ä Ö É) in buf. */
static const char *fold(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    while (*s == ' ') s++;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 2 < size; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (n && (unsigned char)buf[n - 1] == 0xC3 &&
            (c == 0x85 || c == 0x84 || c == 0x96 || c == 0x89))
            c = (unsigned char)(c + 0x20); /* Å Ä Ö É after their lead byte */
        buf[n++] = (char)c;
    }
    while (n && buf[n - 1] == ' ') n--;
    buf[n] = '\0';
    return buf;
}

/* The column a header word names, or -1. */
static int header_col(const char *field)
{
    char w[32];
    fold(field, w, sizeof w);
    for (size_t i = 0; i < sizeof header_words / sizeof header_words[0]; i++)
        if (strcmp(w, header_words[i].word) == 0) return header_words[i].col;
    return -1;
}

/* Whether a record is a header line: its first two fields name columns (a value's code alone
   could be a header word). */
static int is_header(char **f, size_t n)
{
    return n >= 2 && header_col(f[0]) >= 0 && header_col(f[1]) >= 0;
}

/* Fields after the last one that is not empty are dropped: spreadsheets save empty columns. */
static size_t trimmed(char **f, size_t n)
{
    while (n && f[n - 1][strspn(f[n - 1], " ")] == '\0') n--;
    return n;
}

/* Whether the first record of data read with sep looks like code,year,value[,note] or a
   header: how the separator is told when the file itself does not say. */
static int fits(const char *data, size_t len, char sep)
{
    struct csv *c = csv_new(data, len, sep);
    char **f;
    size_t n = 0;
    long year;
    int rc = 0;
    while (c && csv_next(c, &f, &n) == 1 && (n = trimmed(f, n)) == 0) {
    }
    if (c && n >= 3 && n <= 4)
        rc = is_header(f, n) || parse_year(f[1], &year) == 0;
    else if (c && n >= 3 && n <= CSV_MAX_FIELDS)
        rc = is_header(f, n);
    csv_destroy(&c);
    return rc;
}

/* The separator: tab, ';' or ',', the first whose first record fits, else csv_sniff's. */
static char separator(const char *data, size_t len)
{
    static const char seps[] = {'\t', ';', ','};
    for (size_t i = 0; i < sizeof seps; i++)
        if (fits(data, len, seps[i])) return seps[i];
    return csv_sniff(data, len);
}

/* Reads a header line f[0..n): which column is which. 0, or -1 with err. */
static int read_header(char **f, size_t n, const char *where, struct columns *cols,
                       struct errbuf *err)
{
    for (int k = 0; k < 4; k++) cols->at[k] = -1;
    for (size_t i = 0; i < n; i++) {
        int col = header_col(f[i]);
        if (!*f[i]) continue;
        if (col < 0)
            return errbuf_set(
                err,
                "%s: unknown column \"%.30s\": the columns are kod;år;värde;kommentar "
                "(or code,year,value,note)",
                where, f[i]);
        if (cols->at[col] >= 0)
            return errbuf_set(err, "%s: the column \"%.30s\" is given twice", where, f[i]);
        cols->at[col] = (int)i;
    }
    if (cols->at[COL_CODE] < 0 || cols->at[COL_YEAR] < 0 || cols->at[COL_VALUE] < 0)
        return errbuf_set(err,
                          "%s: the header needs the columns kod, år and värde (code, year "
                          "and value)",
                          where);
    cols->header = 1;
    cols->ncols = n;
    return 0;
}

/* One record of values: 0, or -1 with err. */
static int read_values(char **f, size_t n, const char *where, const struct columns *cols,
                       const struct catalogue *cat, struct import *out, struct errbuf *err)
{
    long year;
    double value;
    int last = cols->at[COL_CODE] > cols->at[COL_YEAR] ? cols->at[COL_CODE] : cols->at[COL_YEAR];
    if (cols->at[COL_VALUE] > last) last = cols->at[COL_VALUE];
    if (!cols->header && (n < 3 || n > 4))
        return errbuf_set(err, "%s: expected code,year,value[,note], found %zu field%s", where, n,
                          n == 1 ? "" : "s");
    if (cols->header && (n <= (size_t)last || n > cols->ncols))
        return errbuf_set(err, "%s: found %zu field%s, the header has %zu columns", where, n,
                          n == 1 ? "" : "s", cols->ncols);
    const char *code = f[cols->at[COL_CODE]], *yr = f[cols->at[COL_YEAR]],
               *v = f[cols->at[COL_VALUE]];
    const char *note =
        cols->at[COL_NOTE] >= 0 && (size_t)cols->at[COL_NOTE] < n ? f[cols->at[COL_NOTE]] : NULL;
    if (parse_year(yr, &year) < 0) return errbuf_set(err, "%s: \"%.20s\" is not a year", where, yr);
    if (!cols->header && n == 4 && cols->sep == ',' && *f[3] &&
        strspn(f[3], "0123456789") == strlen(f[3]) && strspn(f[2], "0123456789 ") == strlen(f[2]))
        /* 412,5 unquoted between commas: a decimal comma, not the note "5" */
        return errbuf_set(err,
                          "%s: \"%s,%s\" looks like a decimal comma: quote it (\"%s,%s\") or use "
                          "';' between fields",
                          where, f[2], f[3], f[2], f[3]);
    if (import_number(v, &value) < 0)
        return errbuf_set(err, "%s: \"%.30s\" is not a number", where, v);
    return import_add(out, cat, where, code, year, value, note, err);
}

int import_csv(const char *data, size_t len, const struct catalogue *cat, struct import *out,
               struct errbuf *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t tlen;
    enum charset cs;
    if (charset_to_utf8(data, len, &text, &tlen, &cs, err) < 0) return -1;
    struct columns cols = {{COL_CODE, COL_YEAR, COL_VALUE, COL_NOTE}, 0, 4, separator(text, tlen)};
    struct csv *c = csv_new(text, tlen, cols.sep);
    char **f, where[32];
    size_t n;
    int rc, first = 1;
    out->charset = (int)cs;
    if (!c) {
        free(text);
        return errbuf_set(err, "out of memory");
    }
    while ((rc = csv_next(c, &f, &n)) == 1) {
        snprintf(where, sizeof where, "line %zu", csv_line(c));
        if ((n = trimmed(f, n)) == 0) continue; /* an empty row: ";;;" */
        if (first && is_header(f, n)) {
            first = 0;
            if (read_header(f, n, where, &cols, err) < 0) goto fail;
            continue;
        }
        first = 0;
        if (read_values(f, n, where, &cols, cat, out, err) < 0) goto fail;
    }
    if (rc < 0) {
        errbuf_set(err, "line %zu: malformed CSV (an unterminated quote?)", csv_line(c));
        goto fail;
    }
    csv_destroy(&c);
    free(text);
    if (out->n == 0) return errbuf_set(err, "the file holds no values");
    return 0;
fail:
    csv_destroy(&c);
    free(text);
    import_free(out);
    return -1;
}
