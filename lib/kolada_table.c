/*
 * kolada_table: which Kolada KPI is which indicator (kolada.h). A row holds for the catalogue
 * in force only when that catalogue has the row's code with the row's Swedish name: codes are
 * reused across revisions (GN.7 is household waste in the default catalogue and renewable energy
 * in SEKOM's of 2023), the name says which indicator the KPI was confirmed for. The columns
 * after name_sv (catalogue, kolada_title, source) record where a row comes from and are not
 * read. At most KOLADA_TABLE_MAX rows.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ekonet/csv.h"
#include "ekonet/kolada.h"
#include "ekonet/text.h"

extern const unsigned char share_kolada_kpi[];
extern const size_t share_kolada_kpi_len;

struct kolada_row {
    char kpi[16];
    char code[17];
    char name_sv[201];
};

struct kolada_table {
    struct kolada_row *rows;
    size_t n;
};

void kolada_table_destroy(struct kolada_table **t)
{
    if (!t || !*t) return;
    free((*t)->rows);
    free(*t);
    *t = NULL;
}

size_t kolada_table_count(const struct kolada_table *t)
{
    return t ? t->n : 0;
}

/* A KPI id as Kolada writes them: letters and digits ("U07801"), at most 15. */
static int kpi_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 15) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return 0;
    return 1;
}

/* One row into t: 0, or -1 with err "line N: ...". */
static int table_row(struct kolada_table *t, char **f, size_t n, size_t line, struct errbuf *err)
{
    if (n < 3)
        return errbuf_set(err, "line %zu: expected kpi,code,name_sv[,...], found %zu field%s", line,
                          n, n == 1 ? "" : "s");
    if (!kpi_valid(f[0]))
        return errbuf_set(err, "line %zu: \"%.20s\" is not a Kolada KPI id (as U07801)", line,
                          f[0]);
    if (!*f[1] || strlen(f[1]) > 16 || !text_valid_line(f[1], 16))
        return errbuf_set(err, "line %zu: the code must be one line of 1 to 16 bytes", line);
    if (!*f[2] || !text_valid_line(f[2], 200))
        return errbuf_set(err, "line %zu: the Swedish name must be one line of 1 to 200 bytes",
                          line);
    if (t->n == KOLADA_TABLE_MAX)
        return errbuf_set(err, "line %zu: more than %d rows", line, KOLADA_TABLE_MAX);
    struct kolada_row *r = &t->rows[t->n++];
    strcpy(r->kpi, f[0]);
    strcpy(r->code, f[1]);
    strcpy(r->name_sv, f[2]);
    return 0;
}

struct kolada_table *kolada_table_parse(const char *data, size_t len, struct errbuf *err)
{
    struct kolada_table *t = calloc(1, sizeof *t);
    struct csv *c = csv_new(data, len, csv_sniff(data, len));
    if (t) t->rows = calloc(KOLADA_TABLE_MAX, sizeof *t->rows);
    if (!t || !t->rows || !c) {
        errbuf_set(err, "out of memory");
        goto fail;
    }
    char **f;
    size_t n;
    int rc, first = 1;
    while ((rc = csv_next(c, &f, &n)) == 1) {
        if (first && n > 0 && strcasecmp(f[0], "kpi") == 0) { /* the header */
            first = 0;
            continue;
        }
        first = 0;
        if (table_row(t, f, n, csv_line(c), err) < 0) goto fail;
    }
    if (rc < 0) {
        errbuf_set(err, "line %zu: malformed CSV (an unterminated quote?)", csv_line(c));
        goto fail;
    }
    csv_destroy(&c);
    return t;
fail:
    csv_destroy(&c);
    kolada_table_destroy(&t);
    return NULL;
}

struct kolada_table *kolada_table_default(void)
{
    return kolada_table_parse((const char *)share_kolada_kpi, share_kolada_kpi_len, NULL);
}

void kolada_table_map(const struct kolada_table *t, const struct catalogue *cat,
                      struct kpi_map *map, size_t *nmap, size_t max)
{
    for (size_t i = 0; t && i < t->n && *nmap < max; i++) {
        const struct indicator *ind = catalogue_find(cat, t->rows[i].code);
        if (ind && strcmp(ind->name_sv, t->rows[i].name_sv) == 0)
            map[(*nmap)++] = (struct kpi_map){t->rows[i].kpi, t->rows[i].code};
    }
}
