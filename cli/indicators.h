/*
 * What the indicator commands share (indicators.c: catalogue, set, import, show;
 * indicators_kolada.c: the files of import and its Kolada report; indicators_correct.c:
 * withdraw and the history of corrections; trend.c; examples.c; export.c with sheet.c): the
 * catalogue and snapshots from the node, the options of the commands that show values, and how
 * values are presented (rounded to the unit's decimals, the reader's decimal separator and
 * language).
 */
#ifndef EKONET_CLI_INDICATORS_H
#define EKONET_CLI_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "ekonet/catalogue.h"
#include "ekonet/import.h"
#include "ekonet/kolada.h"
#include "ekonet/lang.h"
#include "wire.pb-c.h"

/* Lists of good examples hold at most this many members (the node cuts to it too). */
#define IND_EXAMPLES_MAX 10
/* --years of examples: the improvement over at most this many years. */
#define IND_YEARS_MAX 50

/* The catalogue in force, from the node (reply: the caller's to free). An exit status. */
int ind_catalogue_call(struct cli *c, Ekonet__ApiReply **reply);

/* A member's (NULL: this node's) snapshot of year (0: the latest), or an empty reply (year 0);
 *reply is the caller's. An exit status. */
int ind_snapshot_call(struct cli *c, const char *member, uint32_t year, Ekonet__ApiReply **reply);

/* A struct catalogue built from the node's reply, for the checks of set and import; the
   caller's (NULL when out of memory). */
struct catalogue *ind_catalogue_of(const Ekonet__CatalogueReply *r);

/* The indicator with this code in the catalogue reply (borrowed) or NULL. */
const Ekonet__Indicator *ind_find(const Ekonet__CatalogueReply *r, const char *code);

/* The year of this machine's clock (UTC), as the node counts years that have begun. */
uint32_t ind_this_year(void);

/* An indicator's range of plausible values in buf: "0 to 100", "0 or more". */
const char *ind_range_of(const Ekonet__Indicator *x, char *buf, size_t size);

/* --member M, --year Y, --svg FILE, --years N, --limit N, --history as a command allows. */
struct ind_view {
    const char *member, *svg;
    long year, years, limit;
    int history;
};

/* Parses the options named in allowed ("member year"); CLI_CONTINUE or the exit status. */
int ind_parse_view(struct cli *c, int argc, char **argv, struct ind_view *v, const char *allowed);

/* How the reader reads numbers and names: from the locale, once per command. */
struct ind_reader {
    enum lang lang;
    char point; /* ',' or '.' */
};
void ind_reader_init(struct ind_reader *r);

/* An indicator's name and unit in the reader's language. */
const char *ind_name(const struct ind_reader *r, const Ekonet__Indicator *ind);
const char *ind_unit(const struct ind_reader *r, const Ekonet__Indicator *ind);

/* The decimals of an indicator's values (of its unit; an unknown indicator's: 2). */
int ind_decimals(const Ekonet__Indicator *ind);

/* v for the reader, in buf: rounded to decimals, the reader's separator, '+' when plus. */
const char *ind_num(const struct ind_reader *r, char *buf, size_t size, double v, int decimals,
                    int plus);

/* "better", "worse" or "same" for a change of an indicator (in English: JSON's words). */
const char *ind_judge(double change, int lower_is_better);

/* Sort indicators, values and series by code in natural order (GN.2 before GN.11). */
void ind_sort_indicators(Ekonet__Indicator **v, size_t n);
void ind_sort_values(Ekonet__IndicatorValue **v, size_t n);
void ind_sort_series(Ekonet__TrendSeries **v, size_t n);

/* A series' history (trend --history) as lines under its trend, and as a JSON array. */
void ind_history_text(const struct ind_reader *r, const Ekonet__TrendSeries *s);
cJSON *ind_history_json(const Ekonet__TrendSeries *s);

/* Bytes of one file an import reads, and of all of them (the pages of one Kolada answer). */
#define IND_IMPORT_FILE_MAX  (32 * 1024 * 1024)
#define IND_IMPORT_TOTAL_MAX (64 * 1024 * 1024)
/* Bytes of the KPI table EKONET_KOLADA_KPI names. */
#define IND_KPI_TABLE_MAX (1024 * 1024)
/* --map options of one import, and the map they and the KPI table make. */
#define IND_MAP_GIVEN_MAX 64
#define IND_MAP_MAX       (IND_MAP_GIVEN_MAX + KOLADA_TABLE_MAX)

/* The files of an import, read whole: names borrowed from argv, texts owned. */
struct ind_files {
    struct kolada_page *v;
    size_t n;
};

/* Reads the n files of paths (at most KOLADA_MAX_PAGES, IND_IMPORT_FILE_MAX bytes each,
 * IND_IMPORT_TOTAL_MAX together); EXIT_OK, or the exit status with the problem said. */
int ind_files_read(struct cli *c, char **paths, size_t n, struct ind_files *f);
void ind_files_free(struct ind_files *f);

/* "kolada" for a file that starts as JSON does ('{' or '['), else "csv". */
const char *ind_file_format(const struct kolada_page *f);

/* Which indicator a Kolada KPI is: --map first (ngiven), then the KPI table's rows for the
 * catalogue in force (ntable; strings borrowed from table). */
struct ind_kpi_maps {
    struct kpi_map map[IND_MAP_MAX];
    size_t ngiven, ntable;
    struct kolada_table *table;
};
void ind_kpi_maps_free(struct ind_kpi_maps *m);

/* Reads the pages f for the municipality place with m->map[0..ngiven) and the KPI table
 * (EKONET_KOLADA_KPI, else the shipped one); 0, or -1 with err (kolada_import). */
int ind_kolada_read(const struct ind_files *f, const struct catalogue *cat, const char *place,
                    struct ind_kpi_maps *m, struct import *imp, struct errbuf *err);

/* What an import skipped and, for Kolada (m not NULL), read as which indicator: lines on
 * stdout, or fields of o (--json). */
void ind_import_report(const struct import *imp, const struct ind_kpi_maps *m, cJSON *o);

/* Commands (indicators_correct.c, trend.c, examples.c, export.c). */
int ind_withdraw(struct cli *c, int argc, char **argv);
int ind_export(struct cli *c, int argc, char **argv);
int ind_trend(struct cli *c, int argc, char **argv);
int ind_examples(struct cli *c, int argc, char **argv);

#endif
