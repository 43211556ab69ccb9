/*
 * sheet: one table for a spreadsheet (ekonet indicators export), written for Excel as CSV or
 * XLSX. Row 0 is the header; each cell is empty (no value), text, or a number shown with its
 * own decimals.
 *
 *   CSV   as Swedish Excel opens it with a double click: UTF-8 with a byte order mark, ';'
 *         between fields, a decimal comma (a number with its unit's decimals, or more when it
 *         has more, up to 6), CRLF after each row; a field with ';', a quote or a
 *         line break is quoted, and text that Excel would take for a formula (= + - @ first)
 *         gets an apostrophe before it
 *   XLSX  (libxlsxwriter) numbers as numbers with their decimals ("#,##0.0"), the header bold
 *         and frozen with the first frozen_cols columns, each column as wide as its widest
 *         cell (at most SHEET_COL_WIDTH_MAX), the sheet named after what it holds (cut to
 *         Excel's 31 characters, without the characters Excel refuses in a name)
 *
 * Both are written whole to a temporary file beside the target and renamed over it.
 */
#ifndef EKONET_CLI_SHEET_H
#define EKONET_CLI_SHEET_H

#include <stddef.h>

#include "ekonet/errbuf.h"

#define SHEET_MAX_ROWS      1202 /* a header, and members (1000) or indicators (200) */
#define SHEET_MAX_COLS      115  /* 4 columns of labels and the years 1990-2100 */
#define SHEET_NAME_MAX      31   /* characters of a sheet's name (Excel's limit) */
#define SHEET_COL_WIDTH_MAX 60   /* characters */
/* A CSV is refused past this many bytes. */
#define SHEET_MAX_BYTES (32u * 1024 * 1024)

enum sheet_format { SHEET_CSV, SHEET_XLSX };

struct sheet;

/* A sheet of rows x cols empty cells (rows with the header) named name; NULL when out of
   memory or past SHEET_MAX_ROWS or SHEET_MAX_COLS. sheet_destroy frees it and nulls *s. */
struct sheet *sheet_new(const char *name, size_t rows, size_t cols);
void sheet_destroy(struct sheet **s);

/* Puts a copy of text (a number: v with decimals 0..6) in a cell; 0, or -1 out of memory. */
int sheet_text(struct sheet *s, size_t row, size_t col, const char *text);
void sheet_number(struct sheet *s, size_t row, size_t col, double v, int decimals);

/* Freezes the header row and the first cols columns (XLSX). */
void sheet_freeze(struct sheet *s, size_t cols);

/* The sheet as CSV for Swedish Excel in a new buffer (the caller's), *len its bytes; NULL when
   out of memory or larger than SHEET_MAX_BYTES. */
char *sheet_csv(const struct sheet *s, size_t *len);

/* Writes the sheet to path in format, replacing path (through a temporary file beside it,
   fsynced and renamed). 0, or -1 with err naming path. *bytes: the size written. */
int sheet_write(const struct sheet *s, enum sheet_format format, const char *path, size_t *bytes,
                struct errbuf *err);

#endif
