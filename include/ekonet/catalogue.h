/*
 * catalogue: a revision of the network's indicator catalogue: codes, Swedish and English
 * names, units and whether lower or higher is better. The board publishes revisions; until
 * one is in force the default shipped in share/indicators-default.csv is used.
 *
 * CSV columns: code,name_sv,name_en,unit,better[,source]   (better = lower | higher)
 */
#ifndef EKONET_CATALOGUE_H
#define EKONET_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/errbuf.h"

#define CATALOGUE_MAX 200

struct indicator {
    char *code;
    char *name_sv;
    char *name_en;
    char *unit;
    int lower_is_better;
    char *source; /* may be empty */
};

struct catalogue;

/* Parses a catalogue CSV; NULL with err naming the line on any problem. Caller owns. */
struct catalogue *catalogue_parse_csv(const char *data, size_t len, struct errbuf *err);

/* A catalogue from a board CATALOGUE entry's content bytes; NULL if they do not decode. */
struct catalogue *catalogue_from_content(const uint8_t *data, size_t len);

/* Packs c as a Catalogue message with revision (for a board act); *out is the caller's. */
int catalogue_to_content(const struct catalogue *c, const char *revision, uint8_t **out,
                         size_t *len);

/* The default catalogue compiled into the binaries. Caller owns. */
struct catalogue *catalogue_default(void);

/* Frees c and nulls the caller's pointer. */
void catalogue_destroy(struct catalogue **c);

/* The indicator with this code (borrowed) or NULL. */
const struct indicator *catalogue_find(const struct catalogue *c, const char *code);

/*
 * Whether value is possible for the indicator: no negative amounts, and a share (unit %) at
 * most 100. 0, or -1 with a sentence.
 */
int indicator_check_value(const struct indicator *ind, double value, struct errbuf *err);

/* Number of indicators and the i-th (borrowed). */
size_t catalogue_count(const struct catalogue *c);
const struct indicator *catalogue_at(const struct catalogue *c, size_t i);

#endif
