/*
 * chart: one member's values of one indicator year by year, compared with its own past, as
 * an SVG document or on the terminal. The time axis is proportional to years (a missing year
 * leaves its room, and the line across it is dashed), each value is a point marker, one
 * value is a point on an axis around it, and the network's median and middle half per year
 * are a grey band behind, for context: never another member's name or rank.
 *
 * Names, unit and direction are in the reader's language (lang.h): Swedish throughout, or
 * English throughout; numbers carry the locale's decimal separator (numfmt.h).
 */
#ifndef EKONET_CLI_CHART_H
#define EKONET_CLI_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/lang.h"

/* Sizes of one SVG chart, in pixels; charts of several indicators are stacked. */
#define CHART_SVG_WIDTH  680
#define CHART_SVG_HEIGHT 300
/* The terminal chart: rows of the plot, and columns it may take at most. */
#define CHART_TEXT_ROWS     8
#define CHART_TEXT_MAX_COLS 72

struct chart_point {
    uint32_t year;
    double value;
};

/* The network's values of one year (members < 5: no quartiles, has_quartiles 0). */
struct chart_band {
    uint32_t year;
    uint32_t members;
    int has_quartiles;
    double q1, median, q3;
};

struct chart {
    const char *member; /* the member's name */
    const char *code;   /* "GN.11" */
    const char *name;   /* the indicator's name in the reader's language */
    const char *unit;   /* in the reader's language */
    int known;          /* the indicator is in the catalogue in force (direction known) */
    int lower_is_better;
    int decimals; /* of the unit (numfmt_decimals) */
    char point;   /* decimal separator */
    enum lang lang;
    const struct chart_point *points; /* by year, at least one */
    size_t npoints;
    const struct chart_band *band; /* by year, within the points' years */
    size_t nband;
};

/* The words the charts and the trend use, in one language. */
struct chart_words {
    const char *higher_better, *lower_better; /* "higher is better" */
    const char *better, *worse, *same;        /* a change judged */
    const char *no_value, *no_values;         /* a year without a value; several */
    const char *per_year;                     /* "a year" */
    const char *over, *years;                 /* "over 2 years" */
    const char *band;                         /* the grey band's legend */
    const char *median;                       /* the median line's legend */
    const char *gap;                          /* the dashed line's legend */
    const char *not_in_catalogue;             /* the name of an unknown code */
    const char *to;                           /* "2019 to 2023" */
    const char *grey_note;                    /* the SVG's description: what the grey is */
    const char *col_year, *col_value, *col_change, *col_network; /* the trend's columns */
    const char *members;                                         /* "12 members" */
    const char *no_band;                                         /* too few members for the band */
    const char *preliminary, *forced; /* a value published before its year was over; outside
                                         its range, confirmed */
    const char *history, *published, *corrected, *withdrawn; /* trend --history */
};

/* The words of lang. */
const struct chart_words *chart_words(enum lang l);

/* An SVG document of the charts ch[0..n), stacked (caller frees), *len its length; NULL when
   out of memory. */
char *chart_svg(const struct chart *ch, size_t n, size_t *len);

/* Prints ch as a terminal chart of CHART_TEXT_ROWS rows, at most width columns (grey in
   colour when color is set). */
void chart_text(const struct chart *ch, int color, int width);

#endif
