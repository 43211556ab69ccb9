/*
 * The indicator commands' shared parts (indicators.c: catalogue, set, import, show, trend,
 * examples; indicators_correct.c: withdraw, and the history of corrections that trend shows).
 */
#ifndef EKONET_CLI_INDICATORS_H
#define EKONET_CLI_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "ekonet/catalogue.h"

/* The catalogue in force, from the node; *reply is the caller's. An exit status. */
int indicators_get_catalogue(struct cli *c, Ekonet__ApiReply **reply);

/* A member's (NULL: this node's) snapshot of year (0: the latest), or an empty reply (year 0);
 *reply is the caller's. An exit status. */
int indicators_get_snapshot(struct cli *c, const char *member, uint32_t year,
                            Ekonet__ApiReply **reply);

/* A struct catalogue built from the node's reply, for the checks of set and import; the
   caller's (NULL when out of memory). */
struct catalogue *indicators_catalogue_of(const Ekonet__CatalogueReply *r);

/* The year of this machine's clock (UTC), as the node counts years that have begun. */
uint32_t indicators_this_year(void);

/* An indicator's range of plausible values in buf: "0 to 100", "0 or more". */
const char *indicators_range_of(const Ekonet__Indicator *x, char *buf, size_t size);

/* ekonet indicators withdraw YEAR [CODE...]: an exit status. */
int indicators_withdraw(struct cli *c, int argc, char **argv);

/* A series' history (trend --history) as lines under its trend, and as a JSON array. */
void indicators_history_text(const Ekonet__TrendSeries *s);
cJSON *indicators_history_json(const Ekonet__TrendSeries *s);

#endif
