/*
 * kolada: indicator values from the answers of Kolada's API (api.kolada.se/v2), read in full or
 * refused: nothing of an answer is imported unless every page of it is there.
 *
 * An answer is one or more pages (saved as files), each
 *   {"count": N, "values": [ROW...], "next_page": URL, "previous_page": URL}
 * ("next_url"/"previous_url" in older answers; the array of rows alone is a whole answer):
 *   ROW = {"kpi": "U07801", "municipality": "1980", "period": 2022 | "2022",
 *          "values": [{"gender": "T" | "K" | "M", "value": 431.0 | null, ...}]}
 * A page's number is read from the page=K of its next_page (K-1) or previous_page (K+1); pages
 * without either are a whole answer (page 1 of 1). The answer is named by those addresses less
 * their page=K: pages of different answers are refused. So are a page given twice, a page
 * missing (named, with the pages there are), and rows that do not add up to "count" (Kolada
 * documents it as the page's rows; some answers give the answer's rows: either is accepted).
 *
 * Rows of other municipalities, values of other genders than T (the total) and null values are
 * skipped and counted; an answer left with no values says why (only gender T is read, and how
 * many K/M values there were). KPI ids become indicator codes by a map: --map first, then the
 * KPI table (share/kolada-kpi.csv: rows kpi,code,name_sv,catalogue,kolada_title,source, each for
 * the indicator that has that code and Swedish name in the catalogue in force), then a KPI id
 * that is a code of the catalogue.
 */
#ifndef EKONET_KOLADA_H
#define EKONET_KOLADA_H

#include <stddef.h>

#include "ekonet/catalogue.h"
#include "ekonet/errbuf.h"
#include "ekonet/import.h"

/* Pages of one answer imported at once: 5000 rows a page (Kolada's most), 320 000 rows. */
#define KOLADA_MAX_PAGES 64
/* next_page and previous_page addresses longer than this are not Kolada's. */
#define KOLADA_URL_MAX 1024
/* Rows of a KPI table (share/kolada-kpi.csv or EKONET_KOLADA_KPI). */
#define KOLADA_TABLE_MAX 256

/* One saved page: its file's name (for messages) and text (borrowed). */
struct kolada_page {
    const char *name;
    const char *data;
    size_t len;
};

/* A Kolada KPI id and the indicator code it stands for. */
struct kpi_map {
    const char *kpi;
    const char *code;
};

/*
 * Reads the pages of one answer (any order) for the municipality with SCB code place: 0 with
 * out filled (its pages, rows and what was skipped counted), or -1 with err naming the file and
 * item ("b.json: values[3]: ..."), or the pages ("a.json is page 1 of 3 of Kolada's answer
 * (count 12000; 5000 rows here): pages 2 and 3 were not given. ..."), and out empty.
 */
int kolada_import(const struct kolada_page *pages, size_t npages, const struct catalogue *cat,
                  const char *place, const struct kpi_map *map, size_t nmap, struct import *out,
                  struct errbuf *err);

/* A KPI table: which Kolada KPI is which indicator of a catalogue. */
struct kolada_table;

/* Parses a KPI table (a header line, then kpi,code,name_sv[,...]); NULL with err "line N: ...".
 * Caller owns. */
struct kolada_table *kolada_table_parse(const char *data, size_t len, struct errbuf *err);

/* The table shipped in share/kolada-kpi.csv, compiled in. Caller owns (NULL: out of memory). */
struct kolada_table *kolada_table_default(void);

/* Number of rows. */
size_t kolada_table_count(const struct kolada_table *t);

/*
 * Appends to map[*nmap..max) the rows whose code names an indicator of cat with the same Swedish
 * name (the indicator the row was confirmed for); their strings are borrowed from t.
 */
void kolada_table_map(const struct kolada_table *t, const struct catalogue *cat,
                      struct kpi_map *map, size_t *nmap, size_t max);

/* Frees t and nulls the caller's pointer. */
void kolada_table_destroy(struct kolada_table **t);

#endif
