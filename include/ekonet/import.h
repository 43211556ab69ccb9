/*
 * import: indicator values from files, checked against the catalogue in force before anything
 * is published: either every value is good, or nothing is imported and the first problem is
 * named with its line (CSV) or item (JSON). Parsing checks the codes, years and numbers;
 * import_check then the plausible ranges and the current year, for a file or `indicators set`.
 *
 *   CSV          code,year,value[,note]; ',' or ';' between fields; a header line is skipped;
 *                Swedish decimal commas ("412,5") and spaces in numbers ("1 234,5") accepted
 *   Kolada JSON  {"values": [{"kpi", "municipality", "period", "values": [{"gender", "value"}]}]}
 *                (or the array alone): gender T only; null values skipped and counted; rows of
 *                other municipalities skipped; KPI ids mapped to indicator codes
 */
#ifndef EKONET_IMPORT_H
#define EKONET_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/catalogue.h"
#include "ekonet/errbuf.h"

#define IMPORT_MAX_VALUES 10000

struct import_value {
    uint32_t year;
    char code[17];
    double value;
    char note[201];
    char where[48]; /* "line 12", "values[3]": where the value was read */
    int forced;     /* set by import_check: outside the range, confirmed with --force */
};

struct import {
    struct import_value *v;
    size_t n;
    size_t nulls;           /* Kolada: values that were null (skipped) */
    size_t other_place;     /* Kolada: rows of other municipalities (skipped) */
    size_t other_gender;    /* Kolada: values for K or M (skipped) */
    char nulls_example[64]; /* e.g. "N15428 2019" */
};

/* A Kolada KPI id and the indicator code it stands for. */
struct kpi_map {
    const char *kpi;
    const char *code;
};

/* Parses CSV; 0, or -1 with err "line N: problem". */
int import_csv(const char *data, size_t len, const struct catalogue *cat, struct import *out,
               struct errbuf *err);

/* Parses Kolada JSON for the municipality with SCB code place; 0, or -1 with err. */
int import_kolada(const char *data, size_t len, const struct catalogue *cat, const char *place,
                  const struct kpi_map *map, size_t nmap, struct import *out, struct errbuf *err);

/*
 * Checks every value against its indicator's range and the year against max_year (the
 * current year): 0, or -1 with err naming where ("line 4: GN.11 is a share in per cent: 0 to
 * 100; 150 is outside. Use --force if it is right"). A value outside its range passes with
 * force, and is marked forced.
 */
int import_check(struct import *imp, const struct catalogue *cat, int force, uint32_t max_year,
                 struct errbuf *err);

/* Parses a number as written in Sweden or elsewhere: "412,5", "412.5", "1 234,5". 0 or -1. */
int import_number(const char *s, double *out);

/* Frees what an import holds. */
void import_free(struct import *imp);

#endif
