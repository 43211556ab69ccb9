/*
 * The files of `ekonet indicators import` and what it says of a Kolada answer: the files read
 * with their bounds, the KPI map (--map first, then the KPI table for the catalogue in force),
 * and the report of what was read as which indicator and what was skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "ekonet/file.h"

void ind_files_free(struct ind_files *f)
{
    for (size_t i = 0; i < f->n; i++) free((char *)f->v[i].data);
    free(f->v);
    memset(f, 0, sizeof *f);
}

int ind_files_read(struct cli *c, char **paths, size_t n, struct ind_files *f)
{
    size_t total = 0;
    memset(f, 0, sizeof *f);
    if (n > KOLADA_MAX_PAGES)
        return cli_usage_error(c,
                               "%zu files: one import reads at most %d (the pages of one answer)",
                               n, KOLADA_MAX_PAGES);
    if (!(f->v = calloc(n, sizeof *f->v))) return cli_fail(c, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct errbuf err;
        char *text;
        size_t len;
        if (file_read_all(paths[i], IND_IMPORT_FILE_MAX, &text, &len, &err) < 0) {
            ind_files_free(f);
            return cli_fail(c, "%s", err.msg);
        }
        f->v[f->n++] = (struct kolada_page){paths[i], text, len};
        if ((total += len) > IND_IMPORT_TOTAL_MAX) {
            ind_files_free(f);
            return cli_fail(c,
                            "the files hold more than %d MB together, the most one import "
                            "reads: ask Kolada for fewer rows (this municipality only)",
                            IND_IMPORT_TOTAL_MAX / (1024 * 1024));
        }
    }
    return EXIT_OK;
}

const char *ind_file_format(const struct kolada_page *f)
{
    size_t i = 0;
    if (f->len >= 3 && memcmp(f->data, "\xEF\xBB\xBF", 3) == 0) i = 3; /* a BOM */
    while (i < f->len && strchr(" \t\r\n", f->data[i])) i++;
    return i < f->len && (f->data[i] == '{' || f->data[i] == '[') ? "kolada" : "csv";
}

/* The KPI table: the file EKONET_KOLADA_KPI names, else the one shipped. 0 or -1 with err. */
static int kpi_table(struct kolada_table **t, struct errbuf *err)
{
    const char *path = getenv("EKONET_KOLADA_KPI");
    if (!path || !*path) {
        *t = kolada_table_default();
        return *t ? 0 : errbuf_set(err, "out of memory");
    }
    char *text;
    size_t len;
    struct errbuf why;
    if (file_read_all(path, IND_KPI_TABLE_MAX, &text, &len, &why) < 0)
        return errbuf_set(err, "EKONET_KOLADA_KPI: %s", why.msg);
    *t = kolada_table_parse(text, len, &why);
    free(text);
    return *t ? 0
              : errbuf_set(err, "%.200s:%s", path,
                           strncmp(why.msg, "line ", 5) == 0 ? why.msg + 5 : why.msg);
}

int ind_kolada_read(const struct ind_files *f, const struct catalogue *cat, const char *place,
                    struct ind_kpi_maps *m, struct import *imp, struct errbuf *err)
{
    memset(imp, 0, sizeof *imp);
    kolada_table_destroy(&m->table);
    if (kpi_table(&m->table, err) < 0) return -1;
    size_t n = m->ngiven;
    kolada_table_map(m->table, cat, m->map, &n, IND_MAP_MAX);
    m->ntable = n - m->ngiven;
    return kolada_import(f->v, f->n, cat, place, m->map, n, imp, err);
}

void ind_kpi_maps_free(struct ind_kpi_maps *m)
{
    kolada_table_destroy(&m->table);
}

/* Where the import took a KPI's code from: --map, the KPI table, or the catalogue (a KPI id that
 * is a code). */
static const char *kpi_from(const struct ind_kpi_maps *m, const char *kpi, int json)
{
    for (size_t i = 0; i < m->ngiven + m->ntable; i++)
        if (strcmp(m->map[i].kpi, kpi) == 0)
            return i < m->ngiven ? (json ? "map" : "--map")
                                 : (json ? "table" : "Kolada's KPI table");
    return json ? "catalogue" : "the catalogue";
}

/* The Kolada part of the report as JSON fields of o. */
static void report_json(const struct import *imp, const struct ind_kpi_maps *m, cJSON *o)
{
    cJSON_AddNumberToObject(o, "pages", (double)imp->pages);
    cJSON_AddNumberToObject(o, "rows", (double)imp->rows);
    cJSON_AddStringToObject(o, "gender", "T");
    cJSON_AddNumberToObject(o, "other_genders_skipped", (double)imp->other_gender);
    cJSON *kpis = cJSON_AddArrayToObject(o, "kpis");
    for (size_t i = 0; i < imp->nkpis; i++) {
        cJSON *k = cJSON_CreateObject();
        cJSON_AddStringToObject(k, "kpi", imp->kpis[i].kpi);
        cJSON_AddStringToObject(k, "code", imp->kpis[i].code);
        cJSON_AddNumberToObject(k, "values", (double)imp->kpis[i].values);
        cJSON_AddStringToObject(k, "from", kpi_from(m, imp->kpis[i].kpi, 1));
        cJSON_AddItemToArray(kpis, k);
    }
}

/* The Kolada part of the report as lines. */
static void report_text(const struct import *imp, const struct ind_kpi_maps *m)
{
    printf("Read %zu page%s of Kolada's answer (%zu row%s), gender T (the total)\n", imp->pages,
           imp->pages == 1 ? "" : "s", imp->rows, imp->rows == 1 ? "" : "s");
    for (size_t i = 0; i < imp->nkpis; i++)
        printf("%s read as %s (%s): %zu value%s\n", imp->kpis[i].kpi, imp->kpis[i].code,
               kpi_from(m, imp->kpis[i].kpi, 0), imp->kpis[i].values,
               imp->kpis[i].values == 1 ? "" : "s");
    if (imp->other_gender)
        printf("%zu value%s of gender %s skipped: only gender T (the total) is read\n",
               imp->other_gender, imp->other_gender == 1 ? "" : "s", imp->other_genders);
}

void ind_import_report(const struct import *imp, const struct ind_kpi_maps *m, cJSON *o)
{
    if (o) {
        cJSON_AddNumberToObject(o, "null_values_skipped", (double)imp->nulls);
        cJSON_AddNumberToObject(o, "other_municipalities_skipped", (double)imp->other_place);
        if (m) report_json(imp, m, o);
        return;
    }
    if (m) report_text(imp, m);
    if (imp->nulls)
        printf("%zu null value%s skipped (for example %s)\n", imp->nulls,
               imp->nulls == 1 ? " was" : "s were", imp->nulls_example);
    if (imp->other_place)
        printf("%zu row%s of other municipalities skipped\n", imp->other_place,
               imp->other_place == 1 ? "" : "s");
}
