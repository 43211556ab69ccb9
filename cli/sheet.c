#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "ekonet/file.h"
#include "ekonet/numfmt.h"
#include "ekonet/text.h"
#include "sheet.h"

enum cell_kind { CELL_EMPTY, CELL_TEXT, CELL_NUMBER };

struct cell {
    enum cell_kind kind;
    char *text; /* CELL_TEXT: owned */
    double number;
    int decimals;
};

struct sheet {
    char name[4 * SHEET_NAME_MAX + 1]; /* UTF-8: at most four bytes a character */
    size_t rows, cols, frozen_cols;
    struct cell *cells; /* rows x cols, row by row */
};

/* The sheet's name as Excel takes it: no [ ] : * ? / \, no apostrophe first or last, at most
   SHEET_NAME_MAX characters, not empty. */
static void sheet_name(char *out, size_t size, const char *name)
{
    size_t o = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 5 < size; p++) {
        if ((*p & 0xC0) != 0x80 && chars++ == SHEET_NAME_MAX) break;
        char ch = (char)*p;
        if (strchr("[]:*?/\\", ch) || *p < 0x20) ch = '_';
        out[o++] = ch;
    }
    while (o && out[o - 1] == '\'') o--;
    out[o] = '\0';
    if (out[0] == '\'') out[0] = '_';
    if (o == 0) snprintf(out, size, "ekonet");
}

struct sheet *sheet_new(const char *name, size_t rows, size_t cols)
{
    if (rows == 0 || cols == 0 || rows > SHEET_MAX_ROWS || cols > SHEET_MAX_COLS) return NULL;
    struct sheet *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->rows = rows;
    s->cols = cols;
    if (!(s->cells = calloc(rows * cols, sizeof *s->cells))) {
        free(s);
        return NULL;
    }
    sheet_name(s->name, sizeof s->name, name);
    return s;
}

void sheet_destroy(struct sheet **ps)
{
    if (!ps || !*ps) return;
    struct sheet *s = *ps;
    for (size_t i = 0; i < s->rows * s->cols; i++) free(s->cells[i].text);
    free(s->cells);
    free(s);
    *ps = NULL;
}

int sheet_text(struct sheet *s, size_t row, size_t col, const char *text)
{
    struct cell *c = &s->cells[row * s->cols + col];
    char *t = strdup(text ? text : "");
    if (!t) return -1;
    free(c->text);
    c->kind = CELL_TEXT;
    c->text = t;
    c->number = 0;
    c->decimals = 0;
    return 0;
}

void sheet_number(struct sheet *s, size_t row, size_t col, double v, int decimals)
{
    struct cell *c = &s->cells[row * s->cols + col];
    free(c->text);
    c->kind = CELL_NUMBER;
    c->text = NULL;
    c->number = v;
    c->decimals = decimals;
}

void sheet_freeze(struct sheet *s, size_t cols)
{
    s->frozen_cols = cols < s->cols ? cols : s->cols;
}

/* A growing CSV buffer, bounded by SHEET_MAX_BYTES. */
struct out {
    char *buf;
    size_t len, cap;
    int failed;
};

static void put(struct out *o, const char *p, size_t n)
{
    if (o->failed) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        char *b = cap <= SHEET_MAX_BYTES ? realloc(o->buf, cap) : NULL;
        if (!b) {
            o->failed = 1;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

/* A text field: quoted when it holds ';', a quote or a line break; an apostrophe before what
   Excel would take for a formula. */
static void put_text(struct out *o, const char *t)
{
    int quote = strpbrk(t, ";\"\r\n") != NULL;
    if (quote) put(o, "\"", 1);
    if (*t && strchr("=+-@\t\r", *t)) put(o, "'", 1);
    for (const char *p = t; *p; p++) {
        if (*p == '"') put(o, "\"", 1);
        put(o, p, 1);
    }
    if (quote) put(o, "\"", 1);
}

/* A number's decimals in CSV: its own, so that nothing is lost, and at least its unit's. */
static int csv_decimals(const struct cell *x)
{
    int d = x->decimals < 0 ? 0 : x->decimals;
    double v = numfmt_clean(x->number);
    while (d < NUMFMT_MAX_DECIMALS && numfmt_round(v, d) != v) d++;
    return d;
}

char *sheet_csv(const struct sheet *s, size_t *len)
{
    struct out o = {NULL, 0, 0, 0};
    char num[40];
    put(&o, "\xEF\xBB\xBF", 3);
    for (size_t r = 0; r < s->rows; r++) {
        for (size_t c = 0; c < s->cols; c++) {
            const struct cell *x = &s->cells[r * s->cols + c];
            if (c) put(&o, ";", 1);
            if (x->kind == CELL_TEXT) put_text(&o, x->text);
            if (x->kind == CELL_NUMBER) {
                numfmt_format(num, sizeof num, x->number, csv_decimals(x), ',', 0);
                put(&o, num, strlen(num));
            }
        }
        put(&o, "\r\n", 2);
    }
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    *len = o.len;
    return o.buf;
}

/* The width of column c: its widest cell in characters, and a margin. */
static double col_width(const struct sheet *s, size_t c)
{
    size_t w = 4;
    char num[40];
    for (size_t r = 0; r < s->rows; r++) {
        const struct cell *x = &s->cells[r * s->cols + c];
        size_t n = x->kind == CELL_TEXT ? text_chars(x->text)
                   : x->kind == CELL_NUMBER
                       ? strlen(numfmt_format(num, sizeof num, x->number, x->decimals, ',', 0)) + 1
                       : 0;
        if (n > w) w = n;
    }
    return (double)(w + 2 > SHEET_COL_WIDTH_MAX ? SHEET_COL_WIDTH_MAX : w + 2);
}

/* The cells of s into ws: the header bold, numbers in the format of their decimals. */
static lxw_error xlsx_cells(lxw_workbook *wb, lxw_worksheet *ws, const struct sheet *s)
{
    lxw_format *bold = workbook_add_format(wb), *numbers[NUMFMT_MAX_DECIMALS + 1];
    format_set_bold(bold);
    for (int d = 0; d <= NUMFMT_MAX_DECIMALS; d++) {
        char code[16] = "#,##0.";
        memset(code + 6, '0', (size_t)d);
        code[d ? 6 + d : 5] = '\0';
        numbers[d] = workbook_add_format(wb);
        format_set_num_format(numbers[d], code);
    }
    lxw_error e = LXW_NO_ERROR;
    for (size_t r = 0; r < s->rows && e == LXW_NO_ERROR; r++)
        for (size_t c = 0; c < s->cols && e == LXW_NO_ERROR; c++) {
            const struct cell *x = &s->cells[r * s->cols + c];
            int d = x->decimals < 0                     ? 0
                    : x->decimals > NUMFMT_MAX_DECIMALS ? NUMFMT_MAX_DECIMALS
                                                        : x->decimals;
            if (x->kind == CELL_TEXT)
                e = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, x->text,
                                           r == 0 ? bold : NULL);
            else if (x->kind == CELL_NUMBER)
                e = worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x->number, numbers[d]);
        }
    for (size_t c = 0; c < s->cols && e == LXW_NO_ERROR; c++)
        e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_width(s, c), NULL);
    worksheet_freeze_panes(ws, 1, (lxw_col_t)s->frozen_cols);
    return e;
}

/* Writes the sheet as XLSX to tmp (a new file). 0, or -1 with err naming path. */
static int xlsx_write(const struct sheet *s, const char *tmp, const char *path, struct errbuf *err)
{
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) return errbuf_set(err, "cannot write %s: out of memory", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
    lxw_error e = ws ? xlsx_cells(wb, ws, s) : LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED;
    lxw_error closed = workbook_close(wb); /* frees wb, whatever came before */
    if (e == LXW_NO_ERROR) e = closed;
    if (e == LXW_NO_ERROR) return 0;
    unlink(tmp);
    return errbuf_set(err, "cannot write %s: %s", path,
                      e == LXW_ERROR_CREATING_XLSX_FILE ? "the file cannot be created there"
                                                        : lxw_strerror(e));
}

int sheet_write(const struct sheet *s, enum sheet_format format, const char *path, size_t *bytes,
                struct errbuf *err)
{
    if (format == SHEET_CSV) {
        size_t len;
        char *csv = sheet_csv(s, &len);
        if (!csv)
            return errbuf_set(err, "cannot write %s: more than %u bytes, or out of memory", path,
                              SHEET_MAX_BYTES);
        int rc = file_write_atomic(path, csv, len, 0644, err);
        free(csv);
        *bytes = len;
        return rc;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return errbuf_set(err, "path too long: %s", path);
    unlink(tmp);
    if (xlsx_write(s, tmp, path, err) < 0) return -1;
    FILE *f = fopen(tmp, "rb");
    long size = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : 0;
    if (f) fclose(f);
    *bytes = size > 0 ? (size_t)size : 0;
    return file_replace_with(tmp, path, err);
}
