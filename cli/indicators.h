/*
 * What the indicator commands share (indicators.c, trend.c, examples.c): the catalogue from
 * the node, the options of the commands that show values, and how values are presented
 * (rounded to the unit's decimals, the reader's decimal separator and language).
 */
#ifndef EKONET_CLI_INDICATORS_H
#define EKONET_CLI_INDICATORS_H

#include <stddef.h>

#include "cli.h"
#include "ekonet/lang.h"
#include "wire.pb-c.h"

/* Lists of good examples hold at most this many members (the node cuts to it too). */
#define IND_EXAMPLES_MAX 10
/* --years of examples: the improvement over at most this many years. */
#define IND_YEARS_MAX 50

/* The catalogue in force, from the node (reply: the caller's to free). */
int ind_catalogue_call(struct cli *c, Ekonet__ApiReply **reply);

/* The indicator with this code in the catalogue reply (borrowed) or NULL. */
const Ekonet__Indicator *ind_find(const Ekonet__CatalogueReply *r, const char *code);

/* --member M, --year Y, --svg FILE, --years N, --limit N as a command allows. */
struct ind_view {
    const char *member, *svg;
    long year, years, limit;
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

/* Commands (trend.c, examples.c). */
int ind_trend(struct cli *c, int argc, char **argv);
int ind_examples(struct cli *c, int argc, char **argv);

#endif
