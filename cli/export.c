/*
 * ekonet indicators export: values for a spreadsheet. A member's values (one row per
 * indicator, in natural order), or one indicator across the members (one row per member, by
 * name: never by value, the network does not rank), one column per year from the first with a
 * value to the last, an empty cell where there is none. The values are those in force, as the
 * node's trend and across requests give them (corrections and withdrawals applied).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/file.h"
#include "ekonet/numfmt.h"
#include "indicators.h"
#include "sheet.h"

static const char usage_export[] =
    "usage: ekonet indicators export --out FILE [--member M | --indicator CODE]\n"
    "                                [--format csv|xlsx] [--force] [--json]\n"
    "\n"
    "Writes indicator values for a spreadsheet, as they are in force (corrections and\n"
    "withdrawals applied), one column per year from the first with a value to the last, an\n"
    "empty cell where there is no value:\n"
    "\n"
    "  --member M        a member's values (this node's by default): a row per indicator, in\n"
    "                    natural order (GN.2 before GN.11), with its name and unit\n"
    "  --indicator CODE  one indicator across the members: a row per member with a value, by\n"
    "                    name in alphabetical order (never by value), with its SCB code\n"
    "  --out FILE        the file to write; refused if it exists, unless --force\n"
    "  --format F        csv: for Excel in Sweden (UTF-8 with BOM, ';', decimal comma);\n"
    "                    xlsx: an Excel workbook, numbers with their unit's decimals, the\n"
    "                    header frozen. By default from FILE's extension (.xlsx, else csv)\n"
    "  --force           replace FILE if it exists\n"
    "\n"
    "Names and column headings are in Swedish when the locale is (LC_ALL, LC_MESSAGES or\n"
    "LANG sv_SE), in English otherwise. --json says what was written.\n";

/* Column headings in the reader's language. */
struct headings {
    const char *code, *indicator, *unit, *member, *member_code;
};

static const struct headings headings_sv = {"Kod", "Indikator", "Enhet", "Medlem", "Kommunkod"};
static const struct headings headings_en = {"Code", "Indicator", "Unit", "Member", "SCB code"};

/* What to export, and where. */
struct export_opts {
    const char *member, *indicator, *out;
    enum sheet_format format;
    int force;
};

/* The format of FILE by its extension: .xlsx, or csv for .csv, .txt or none; -1 otherwise. */
static int format_of(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash)) return SHEET_CSV;
    if (strcasecmp(dot, ".xlsx") == 0) return SHEET_XLSX;
    if (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".txt") == 0) return SHEET_CSV;
    return -1;
}

static int parse(struct cli *c, int argc, char **argv, struct export_opts *o)
{
    enum { O_MEMBER = OPT_FIRST_COMMAND_OPTION, O_INDICATOR, O_OUT, O_FORMAT, O_FORCE };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"member", required_argument, NULL, O_MEMBER},
        {"indicator", required_argument, NULL, O_INDICATOR},
        {"out", required_argument, NULL, O_OUT},
        {"format", required_argument, NULL, O_FORMAT},
        {"force", no_argument, NULL, O_FORCE},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL;
    int ch;
    memset(o, 0, sizeof *o);
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_MEMBER)
            o->member = optarg;
        else if (ch == O_INDICATOR)
            o->indicator = optarg;
        else if (ch == O_OUT)
            o->out = optarg;
        else if (ch == O_FORMAT)
            format = optarg;
        else if (ch == O_FORCE)
            o->force = 1;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (!o->out || !*o->out) return cli_usage_error(c, "give the file to write: --out FILE");
    if (o->member && o->indicator)
        return cli_usage_error(c, "give --member or --indicator, not both");
    if (o->indicator && !*o->indicator) return cli_usage_error(c, "--indicator needs a code");
    int f = format ? (strcmp(format, "csv") == 0    ? SHEET_CSV
                      : strcmp(format, "xlsx") == 0 ? SHEET_XLSX
                                                    : -2)
                   : format_of(o->out);
    if (f == -2) return cli_usage_error(c, "--format must be csv or xlsx");
    if (f < 0)
        return cli_usage_error(c,
                               "cannot tell the format from the name %s: give --format csv "
                               "or xlsx",
                               o->out);
    o->format = (enum sheet_format)f;
    return CLI_CONTINUE;
}

/* Refuses a file that exists (without --force) or a directory where it cannot be written,
   before the node is asked. EXIT_OK or the exit status. */
static int check_out(struct cli *c, const struct export_opts *o)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", o->out);
    const char *d = dirname(dir);
    struct stat st;
    if (stat(o->out, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_fail(c, "%s is a directory: name the file to write", o->out);
    if (file_exists(o->out) && !o->force)
        return cli_fail(c, "%s exists; give --force to replace it", o->out);
    if (access(d, W_OK) < 0)
        return cli_fail(c, "cannot write %s: %s: %s", o->out, d, strerror(errno));
    return EXIT_OK;
}

/* Widens [*first, *last] to the years of pts[0..n) (by year). */
static void widen(uint32_t *first, uint32_t *last, Ekonet__TrendPoint *const *pts, size_t n)
{
    if (n && pts[0]->year < *first) *first = pts[0]->year;
    if (n && pts[n - 1]->year > *last) *last = pts[n - 1]->year;
}

/* The header: the labels, then the years first..last. 0 or -1. */
static int header(struct sheet *s, const char *const *labels, size_t nlabels, uint32_t first,
                  uint32_t last)
{
    char y[16];
    for (size_t i = 0; i < nlabels; i++)
        if (sheet_text(s, 0, i, labels[i]) < 0) return -1;
    for (uint32_t year = first; year <= last; year++) {
        snprintf(y, sizeof y, "%u", year);
        if (sheet_text(s, 0, nlabels + (year - first), y) < 0) return -1;
    }
    return 0;
}

/* A row's values: each point in its year's column. */
static void values(struct sheet *s, size_t row, size_t col0, uint32_t first,
                   Ekonet__TrendPoint *const *pts, size_t n, int decimals)
{
    for (size_t k = 0; k < n; k++)
        sheet_number(s, row, col0 + (pts[k]->year - first), pts[k]->value, decimals);
}

/* What was written, as the user reads it. */
struct written {
    const char *what; /* the member's name or the indicator's code */
    size_t rows;
    uint32_t first, last;
    size_t bytes;
};

/* A member's values: a row per indicator. The sheet (the caller's) or NULL when out of memory;
 *w filled. */
static struct sheet *member_sheet(const Ekonet__TrendReply *t, const struct ind_reader *rd,
                                  const struct headings *h, struct written *w)
{
    size_t n = t->n_series;
    w->first = UINT32_MAX, w->last = 0;
    for (size_t i = 0; i < n; i++)
        widen(&w->first, &w->last, t->series[i]->points, t->series[i]->n_points);
    if (w->first > w->last) return NULL;
    const char *labels[] = {h->code, h->indicator, h->unit};
    struct sheet *s = sheet_new(w->what, n + 1, 3 + (w->last - w->first + 1));
    int rc = s ? header(s, labels, 3, w->first, w->last) : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Ekonet__TrendSeries *x = t->series[i];
        rc = sheet_text(s, i + 1, 0, x->code) < 0 ||
                     sheet_text(s, i + 1, 1, x->indicator ? ind_name(rd, x->indicator) : "") < 0 ||
                     sheet_text(s, i + 1, 2, ind_unit(rd, x->indicator)) < 0
                 ? -1
                 : 0;
        values(s, i + 1, 3, w->first, x->points, x->n_points, ind_decimals(x->indicator));
    }
    if (s) sheet_freeze(s, 3);
    if (rc < 0) sheet_destroy(&s);
    w->rows = n;
    return s;
}

/* One indicator across the members: a row per member, by name. As member_sheet. */
static struct sheet *across_sheet(const Ekonet__AcrossReply *a, const struct ind_reader *rd,
                                  const struct headings *h, struct written *w)
{
    size_t n = a->n_members;
    w->first = UINT32_MAX, w->last = 0;
    for (size_t i = 0; i < n; i++)
        widen(&w->first, &w->last, a->members[i]->points, a->members[i]->n_points);
    if (w->first > w->last) return NULL;
    const char *labels[] = {h->member, h->member_code, h->indicator, h->unit};
    char title[200];
    snprintf(title, sizeof title, "%s %s", a->code, a->indicator ? ind_name(rd, a->indicator) : "");
    struct sheet *s = sheet_new(title, n + 1, 4 + (w->last - w->first + 1));
    int rc = s ? header(s, labels, 4, w->first, w->last) : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Ekonet__MemberValues *m = a->members[i];
        rc = sheet_text(s, i + 1, 0, m->name) < 0 || sheet_text(s, i + 1, 1, m->code) < 0 ||
                     sheet_text(s, i + 1, 2, title) < 0 ||
                     sheet_text(s, i + 1, 3, ind_unit(rd, a->indicator)) < 0
                 ? -1
                 : 0;
        values(s, i + 1, 4, w->first, m->points, m->n_points, ind_decimals(a->indicator));
    }
    if (s) sheet_freeze(s, 1);
    if (rc < 0) sheet_destroy(&s);
    w->rows = n;
    return s;
}

/* Writes s and says what was written. */
static int write_sheet(struct cli *c, const struct export_opts *o, struct sheet *s,
                       struct written *w)
{
    struct errbuf err;
    if (!s) return cli_fail(c, "cannot make the sheet: out of memory");
    if (sheet_write(s, o->format, o->out, &w->bytes, &err) < 0) return cli_fail(c, "%s", err.msg);
    const char *format = o->format == SHEET_XLSX ? "xlsx" : "csv";
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "file", o->out);
        cJSON_AddStringToObject(j, "format", format);
        cJSON_AddStringToObject(j, o->indicator ? "indicator" : "member", w->what);
        cJSON_AddNumberToObject(j, "rows", (double)w->rows);
        cJSON_AddNumberToObject(j, "first_year", w->first);
        cJSON_AddNumberToObject(j, "last_year", w->last);
        cJSON_AddNumberToObject(j, "bytes", (double)w->bytes);
        out_json(j);
    } else {
        char years[16];
        int n = snprintf(years, sizeof years, "%u", w->first);
        if (w->last != w->first) snprintf(years + n, sizeof years - (size_t)n, "-%u", w->last);
        printf("Wrote %s (%s): %s, %zu %s, %s.\n", o->out,
               o->format == SHEET_XLSX ? "Excel workbook"
                                       : "CSV for Excel: UTF-8, ';', decimal comma",
               w->what, w->rows,
               o->indicator ? (w->rows == 1 ? "member" : "members")
                            : (w->rows == 1 ? "indicator" : "indicators"),
               years);
    }
    return EXIT_OK;
}

/* --member: the member's trend, every indicator. */
static int export_member(struct cli *c, const struct export_opts *o, const struct ind_reader *rd,
                         const struct headings *h)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__TrendRequest tr = EKONET__TREND_REQUEST__INIT;
    Ekonet__ApiReply *reply;
    tr.member = (char *)o->member;
    req.op_case = EKONET__API_REQUEST__OP_TREND;
    req.trend = &tr;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_TREND, &reply);
    if (rc != EXIT_OK) return rc;
    Ekonet__TrendReply *t = reply->trend;
    struct written w = {t->member_name ? t->member_name : "?", 0, 0, 0, 0};
    ind_sort_series(t->series, t->n_series);
    if (t->n_series == 0) {
        rc = cli_fail(c, "%s has published no values; nothing was written", w.what);
    } else {
        struct sheet *s = member_sheet(t, rd, h, &w);
        rc = write_sheet(c, o, s, &w);
        sheet_destroy(&s);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

/* --indicator: the values of every member, by name. */
static int export_across(struct cli *c, const struct export_opts *o, const struct ind_reader *rd,
                         const struct headings *h)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__AcrossRequest ar = EKONET__ACROSS_REQUEST__INIT;
    Ekonet__ApiReply *reply;
    ar.code = (char *)o->indicator;
    req.op_case = EKONET__API_REQUEST__OP_ACROSS;
    req.across = &ar;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_ACROSS, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__AcrossReply *a = reply->across;
    struct written w = {a->code, 0, 0, 0, 0};
    if (a->n_members == 0) {
        rc = cli_fail(c, "no member has published values of %s; nothing was written", a->code);
    } else {
        struct sheet *s = across_sheet(a, rd, h, &w);
        rc = write_sheet(c, o, s, &w);
        sheet_destroy(&s);
        if (rc == EXIT_OK && a->has_left_out && a->left_out)
            cli_message("%u members past the limit of a reply were left out", a->left_out);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

int ind_export(struct cli *c, int argc, char **argv)
{
    struct export_opts o;
    c->usage = usage_export;
    int rc = parse(c, argc, argv, &o);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_out(c, &o)) != EXIT_OK) return rc;
    struct ind_reader rd;
    ind_reader_init(&rd);
    const struct headings *h = rd.lang == LANG_SV ? &headings_sv : &headings_en;
    return o.indicator ? export_across(c, &o, &rd, h) : export_member(c, &o, &rd, h);
}
