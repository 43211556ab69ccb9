/*
 * import: indicator values from files, checked against the catalogue in force before anything
 * is published: either every value is good, or nothing is imported and the first problem is
 * named with its line (CSV) or item (JSON). Parsing checks the codes, years and numbers;
 * import_check then the plausible ranges and the current year, for a file or `indicators set`.
 *
 *   CSV          code,year,value[,note] as a spreadsheet saves it: UTF-8 (with or without a
 *                byte order mark), Windows-1252 or UTF-16 with its mark (charset.h); tab, ';'
 *                or ',' between fields (the first line tells which); an optional header line
 *                in English or Swedish (code,year,value,note or kod;år;värde;kommentar) that
 *                may put the columns in any order; empty rows and empty trailing columns
 *                skipped; decimal commas ("412,5") and spaces or no-break spaces between
 *                thousands ("1 234,5") accepted
 *   Kolada JSON  the pages of one answer of Kolada's API: kolada.h
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
    char where[160]; /* "line 12", "kolada.json: values[3]": where the value was read */
    int forced;      /* set by import_check: outside the range, confirmed with --force */
};

/* Kolada: a KPI read, the indicator it was read as and how many of its values. */
struct import_kpi {
    char kpi[16];
    char code[17];
    size_t values;
};

struct import {
    struct import_value *v;
    size_t n;
    int charset;             /* CSV: the enum charset the file was in */
    size_t nulls;            /* Kolada: values that were null (skipped) */
    size_t other_place;      /* Kolada: rows of other municipalities (skipped) */
    size_t other_gender;     /* Kolada: values of genders other than T: K, M (skipped) */
    char other_genders[16];  /* Kolada: those genders, "K, M" */
    char nulls_example[64];  /* e.g. "N15428 2019" */
    size_t pages;            /* Kolada: pages (files) of the answer read */
    size_t rows;             /* Kolada: rows in them */
    struct import_kpi *kpis; /* Kolada: the KPIs read, in the order met */
    size_t nkpis;
};

/* Parses CSV; 0, or -1 with err "line N: problem". */
int import_csv(const char *data, size_t len, const struct catalogue *cat, struct import *out,
               struct errbuf *err);

/*
 * Adds a value of code for year to imp (for the readers of files): -1 with err, where first
 * ("line 4: GN.99 is not an indicator ..."), for an unknown code, a year outside 1990-2100, a
 * value that is not a number, a note that is not one line of 200 bytes, a code and year given
 * twice or more than IMPORT_MAX_VALUES values.
 */
int import_add(struct import *imp, const struct catalogue *cat, const char *where, const char *code,
               long year, double value, const char *note, struct errbuf *err);

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
