/*
 * catalogue: a revision of the network's indicator catalogue: codes, Swedish and English
 * names, units and whether lower or higher is better. The board publishes revisions; until
 * one is in force the default shipped in share/indicators-default.csv is used.
 *
 * CSV columns: code,name_sv,name_en,unit,better[,source[,min,max]]   (better = lower | higher)
 *
 * Every indicator has a plausible range [min, max]: given in the catalogue, or else 0 to 100
 * for a unit with '%' and 0 or more for any other unit. A value outside it is published only
 * when the staff member confirms it (the value is then marked forced).
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
    double min;   /* the plausible range: finite, min <= max */
    double max;   /* INFINITY: no upper bound */
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

/* indicator_check_value's answer for a finite value outside the indicator's range. */
#define INDICATOR_OUTSIDE 1

/*
 * Whether value is plausible for the indicator: 0 within its range; INDICATOR_OUTSIDE with a
 * sentence naming the range ("GN.11 is a share in per cent: 0 to 100; 150 is outside"); -1
 * with a sentence when it is not a finite number (never publishable).
 */
int indicator_check_value(const struct indicator *ind, double value, struct errbuf *err);

/* The range of ind as people read it, in buf: "0 to 100", "0 or more". */
const char *indicator_range_text(const struct indicator *ind, char *buf, size_t size);

/* Number of indicators and the i-th (borrowed). */
size_t catalogue_count(const struct catalogue *c);
const struct indicator *catalogue_at(const struct catalogue *c, size_t i);

#endif
