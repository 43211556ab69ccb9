/*
 * csv: a reader for RFC 4180 CSV (quotes, doubled quotes, CRLF, a leading UTF-8 BOM),
 * with ',', ';' or tab as the separator. It reads from a borrowed buffer and reports line
 * numbers so that a bad file can be reported as file:line.
 */
#ifndef EKONET_CSV_H
#define EKONET_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 32

struct csv;

/* Starts reading data (borrowed; must outlive the reader) with separator sep. */
struct csv *csv_new(const char *data, size_t len, char sep);

/* Frees the reader and nulls the caller's pointer. */
void csv_destroy(struct csv **c);

/*
 * Reads the next record: 1 with *nfields fields (borrowed until the next call), 0 at the end,
 * -1 on a malformed record (unterminated quote, too many fields or too long a field).
 */
int csv_next(struct csv *c, char ***fields, size_t *nfields);

/* Line number where the last record returned started (1-based). */
size_t csv_line(const struct csv *c);

/* Guesses the separator from the first record (outside quotes): tab if it has more tabs than
   ',' and ';', else ';' if it has more ';' than ',', else ','. */
char csv_sniff(const char *data, size_t len);

#endif
