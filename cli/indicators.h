/*
 * What the indicator commands share (indicators.c: catalogue, set, import, show;
 * indicators_correct.c: withdraw and the history of corrections; trend.c; examples.c): the
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

/* Commands (indicators_correct.c, trend.c, examples.c). */
int ind_withdraw(struct cli *c, int argc, char **argv);
int ind_trend(struct cli *c, int argc, char **argv);
int ind_examples(struct cli *c, int argc, char **argv);

#endif
