/*
 * ekonet indicators: the network's green key indicators. A member follows its own trend year
 * by year and finds good examples one indicator at a time; nothing here ranks members across
 * indicators.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "cli.h"
#include "indicators.h"
#include "ekonet/catalogue.h"
#include "ekonet/charset.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/import.h"
#include "ekonet/key.h"
#include "ekonet/numfmt.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet indicators COMMAND [OPTIONS]\n"
    "\n"
    "The network's green key indicators: each member's values year by year.\n"
    "\n"
    "  catalogue                        the indicators in force: codes, names, units, direction\n"
    "  set YEAR CODE=VALUE...           publish or correct this node's values for a year\n"
    "  withdraw YEAR [CODE...]          withdraw this node's values for a year\n"
    "  import FILE...                   publish values from CSV or Kolada JSON (its pages)\n"
    "  show [--member M] [--year Y]     a member's snapshot\n"
    "  trend [--member M] [CODE...]     a member's values year by year, better or worse\n"
    "  examples CODE [--years N]        good examples for one indicator\n"
    "  export --out FILE [--member M | --indicator CODE]\n"
    "                                   values for Excel, as CSV or XLSX\n"
    "\n"
    "Run 'ekonet indicators COMMAND --help' for a command's options.\n";

static const char usage_catalogue[] =
    "usage: ekonet indicators catalogue [--json]\n"
    "\n"
    "The indicator catalogue in force (the board's newest revision, or the default): code,\n"
    "Swedish and English name, unit, whether lower or higher is better, and the range of\n"
    "plausible values.\n";

static const char usage_set[] =
    "usage: ekonet indicators set YEAR CODE=VALUE... [--note CODE=TEXT]... [--source TEXT]\n"
    "                             [--force] [--json]\n"
    "\n"
    "Publishes this node's values for YEAR, or corrects them: a value given again replaces\n"
    "the one published before, the year's other values are kept (the new snapshot replaces\n"
    "the year's old one whole, on every member). Decimal commas are fine (GN.11=38,5).\n"
    "\n"
    "A value outside its indicator's range (ekonet indicators catalogue) is refused with the\n"
    "range named; --force publishes it all the same, marked as forced. A year that has not\n"
    "begun is refused; this year's values are shown as preliminary.\n";

static const char usage_import[] =
    "usage: ekonet indicators import FILE... [--format csv|kolada] [--map KPI=CODE]...\n"
    "                                [--source TEXT] [--force] [--dry-run] [--json]\n"
    "\n"
    "Publishes values from a CSV file, or from the pages of one answer of Kolada's API saved\n"
    "as files (every page, in any order), one snapshot per year (merged with what is published\n"
    "for that year). Every value is checked first; if any is wrong, nothing is published and\n"
    "the line (CSV) or item (JSON) is named.\n"
    "\n"
    "  CSV     one file: code,year,value[,note] as Excel saves it: UTF-8 (with or without\n"
    "          a BOM), Windows-1252 or UTF-16 (\"Unicode text\"); tab, ';' or ',' between\n"
    "          fields; a header line in Swedish or English (kod;år;värde;kommentar) names\n"
    "          the columns; decimal commas (\"12,5\" quoted between commas) and spaces or\n"
    "          no-break spaces between thousands accepted. A file whose encoding cannot\n"
    "          be told is refused: save it from Excel as \"CSV UTF-8 (kommaavgränsad)\"\n"
    "  Kolada  the JSON of the Kolada API: this member's rows of gender T (the total); values\n"
    "          of gender K and M, null values and other municipalities are skipped and said.\n"
    "          A page missing or given twice, or pages of different answers, are refused.\n"
    "          Kolada's KPIs for the network's indicators are known (share/kolada-kpi.csv);\n"
    "          --map N15428=GN.7 says which indicator another KPI is (or overrides the table)\n"
    "  --force    publish values outside their indicator's range, marked as forced\n"
    "  --dry-run  check and show what would be published, publish nothing\n"
    "\n"
    "Values outside their indicator's range and years that have not begun are refused, as\n"
    "for 'ekonet indicators set'.\n";

static const char usage_show[] =
    "usage: ekonet indicators show [--member M] [--year Y] [--json]\n"
    "\n"
    "A member's snapshot (this node's by default; the latest year by default) as a table.\n"
    "Values of a year published before it was over are marked preliminary; values outside\n"
    "their indicator's range that the member confirmed, forced.\n";

int ind_catalogue_call(struct cli *c, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__CatalogueRequest cr = EKONET__CATALOGUE_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CATALOGUE;
    req.catalogue = &cr;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_CATALOGUE, reply);
}

struct catalogue *ind_catalogue_of(const Ekonet__CatalogueReply *r)
{
    size_t len = 64;
    for (size_t i = 0; i < r->n_indicators; i++) /* the fields, two numbers, quotes, separators */
        len += strlen(r->indicators[i]->code) + strlen(r->indicators[i]->name_sv) +
               strlen(r->indicators[i]->name_en) + strlen(r->indicators[i]->unit) + 2 * 32 + 32;
    char *csv = malloc(len), *p = csv;
    if (!csv) return NULL;
    p += sprintf(p, "code;name_sv;name_en;unit;better;source;min;max\n");
    for (size_t i = 0; i < r->n_indicators; i++) {
        const Ekonet__Indicator *x = r->indicators[i];
        char lo[32] = "", hi[32] = "";
        if (x->has_min) snprintf(lo, sizeof lo, "%.17g", x->min);
        if (x->has_max) snprintf(hi, sizeof hi, "%.17g", x->max);
        p += sprintf(p, "%s;\"%s\";\"%s\";\"%s\";%s;;%s;%s\n", x->code, x->name_sv, x->name_en,
                     x->unit, x->lower_is_better ? "lower" : "higher", lo, hi);
    }
    struct catalogue *cat = catalogue_parse_csv(csv, (size_t)(p - csv), NULL);
    free(csv);
    return cat;
}

const Ekonet__Indicator *ind_find(const Ekonet__CatalogueReply *r, const char *code)
{
    for (size_t i = 0; i < r->n_indicators; i++)
        if (strcmp(r->indicators[i]->code, code) == 0) return r->indicators[i];
    return NULL;
}

void ind_reader_init(struct ind_reader *r)
{
    r->lang = lang_from_env();
    r->point = numfmt_point();
}

const char *ind_name(const struct ind_reader *r, const Ekonet__Indicator *ind)
{
    if (!ind) return chart_words(r->lang)->not_in_catalogue;
    return r->lang == LANG_SV ? ind->name_sv : ind->name_en;
}

const char *ind_unit(const struct ind_reader *r, const Ekonet__Indicator *ind)
{
    return ind ? lang_unit(ind->unit, r->lang) : "";
}

int ind_decimals(const Ekonet__Indicator *ind)
{
    return numfmt_decimals(ind ? ind->unit : NULL);
}

const char *ind_num(const struct ind_reader *r, char *buf, size_t size, double v, int decimals,
                    int plus)
{
    return numfmt_format(buf, size, v, decimals, r->point, plus);
}

const char *ind_judge(double change, int lower_is_better)
{
    if (change == 0) return "same";
    return (change < 0) == (lower_is_better != 0) ? "better" : "worse";
}

static int indicator_order(const void *a, const void *b)
{
    return numfmt_code_cmp((*(Ekonet__Indicator *const *)a)->code,
                           (*(Ekonet__Indicator *const *)b)->code);
}

static int value_order(const void *a, const void *b)
{
    return numfmt_code_cmp((*(Ekonet__IndicatorValue *const *)a)->code,
                           (*(Ekonet__IndicatorValue *const *)b)->code);
}

static int series_order(const void *a, const void *b)
{
    return numfmt_code_cmp((*(Ekonet__TrendSeries *const *)a)->code,
                           (*(Ekonet__TrendSeries *const *)b)->code);
}

void ind_sort_indicators(Ekonet__Indicator **v, size_t n)
{
    if (n > 1) qsort(v, n, sizeof *v, indicator_order);
}

void ind_sort_values(Ekonet__IndicatorValue **v, size_t n)
{
    if (n > 1) qsort(v, n, sizeof *v, value_order);
}

void ind_sort_series(Ekonet__TrendSeries **v, size_t n)
{
    if (n > 1) qsort(v, n, sizeof *v, series_order);
}

static int ind_catalogue(struct cli *c, int argc, char **argv)
{
    c->usage = usage_catalogue;
    int rc = cli_parse_common(c, argc, argv, 0);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiReply *reply;
    if ((rc = ind_catalogue_call(c, &reply)) != EXIT_OK) return rc;
    const Ekonet__CatalogueReply *r = reply->catalogue;
    ind_sort_indicators(r->indicators, r->n_indicators);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "revision", r->revision);
        cJSON *arr = cJSON_AddArrayToObject(o, "indicators");
        for (size_t i = 0; i < r->n_indicators; i++) {
            const Ekonet__Indicator *x = r->indicators[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "code", x->code);
            cJSON_AddStringToObject(e, "name_sv", x->name_sv);
            cJSON_AddStringToObject(e, "name_en", x->name_en);
            cJSON_AddStringToObject(e, "unit", x->unit);
            cJSON_AddStringToObject(e, "better", x->lower_is_better ? "lower" : "higher");
            cJSON_AddNumberToObject(e, "decimals", ind_decimals(x));
            cJSON_AddStringToObject(e, "source", x->source ? x->source : "");
            cJSON_AddItemToObject(e, "min",
                                  x->has_min ? cJSON_CreateNumber(x->min) : cJSON_CreateNull());
            cJSON_AddItemToObject(e, "max",
                                  x->has_max ? cJSON_CreateNumber(x->max) : cJSON_CreateNull());
            cJSON_AddItemToArray(arr, e);
        }
        out_json(o);
    } else {
        printf("Catalogue in force: %s\n\n", r->revision);
        char head[160], range[80];
        snprintf(head, sizeof head, "%-7s  %-44s  %-18s  %-6s  %s", "CODE", "INDICATOR", "UNIT",
                 "BETTER", "RANGE");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < r->n_indicators; i++) {
            const Ekonet__Indicator *x = r->indicators[i];
            printf("%-7s  ", x->code);
            out_cell(x->name_sv, 44, 1);
            printf("  ");
            out_cell(x->unit, 18, 1);
            printf("  %-6s  %s\n", x->lower_is_better ? "lower" : "higher",
                   ind_range_of(x, range, sizeof range));
            printf("%-9s", "");
            out_cell(x->name_en, 44, 0);
            putchar('\n');
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

int ind_snapshot_call(struct cli *c, const char *member, uint32_t year, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__SnapshotRequest sr = EKONET__SNAPSHOT_REQUEST__INIT;
    sr.member = (char *)member;
    if (year) sr.has_year = 1, sr.year = year;
    req.op_case = EKONET__API_REQUEST__OP_SNAPSHOT;
    req.snapshot = &sr;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_SNAPSHOT, reply);
}

/*
 * Publishes year's snapshot: the values published before for that year, with vals[0..n) put
 * over them. *added / *changed count what differs.
 */
static int publish_year(struct cli *c, uint32_t year, const struct import_value *vals, size_t n,
                        const char *revision, const char *source, int dry, size_t *added,
                        size_t *changed)
{
    Ekonet__ApiReply *old = NULL;
    int rc = ind_snapshot_call(c, NULL, year, &old);
    if (rc != EXIT_OK) return rc;
    const Ekonet__SnapshotReply *o = old->snapshot;
    size_t cap = o->n_values + n, k = 0;
    Ekonet__IndicatorValue *items = calloc(cap + 1, sizeof *items),
                           **ptrs = calloc(cap + 1, sizeof *ptrs);
    *added = *changed = 0;
    if (!items || !ptrs) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    for (size_t i = 0; o->year == year && i < o->n_values; i++) items[k++] = *o->values[i];
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && strcmp(items[j].code, vals[i].code) != 0) j++;
        if (j == k) {
            ekonet__indicator_value__init(&items[k++]);
            (*added)++;
        } else if (items[j].value != vals[i].value ||
                   (items[j].has_forced && items[j].forced) != (vals[i].forced != 0)) {
            (*changed)++;
        }
        items[j].code = (char *)vals[i].code;
        items[j].value = vals[i].value;
        items[j].has_forced = items[j].forced = vals[i].forced != 0;
        items[j].note = vals[i].note[0] ? (char *)vals[i].note : items[j].note;
    }
    for (size_t i = 0; i < k; i++) ptrs[i] = &items[i];
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    s.year = year;
    s.n_values = k;
    s.values = ptrs;
    s.catalogue = (char *)revision;
    s.source = (char *)(source ? source : o->year == year ? o->source : NULL);
    struct errbuf err;
    if (snapshot_validate(&s, &err) < 0) {
        rc = cli_fail(c, "%s; nothing was published", err.msg);
    } else if (dry || (*added == 0 && *changed == 0)) {
        rc = EXIT_OK;
    } else {
        size_t len = ekonet__snapshot__get_packed_size(&s);
        uint8_t *buf = malloc(len);
        if (!buf)
            rc = cli_fail(c, "out of memory");
        else {
            ekonet__snapshot__pack(&s, buf);
            rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_INDICATORS, buf, len, NULL);
            free(buf);
        }
    }
out:
    free(items);
    free(ptrs);
    ekonet__api_reply__free_unpacked(old, NULL);
    return rc;
}

uint32_t ind_this_year(void)
{
    time_t t = (time_t)(out_now_ms() / 1000);
    struct tm tm;
    return gmtime_r(&t, &tm) ? (uint32_t)tm.tm_year + 1900 : 0;
}

/* Checks the ranges (unless forced) and years of what was read; 0, or -1 with err. */
static int check_import(struct import *imp, const struct catalogue *cat, int force,
                        struct errbuf *err)
{
    return import_check(imp, cat, force, ind_this_year(), err);
}

/* Publishes the imported values, a snapshot a year, and says what happened (and of a Kolada
 * answer, with m, what was read as which indicator). */
static int publish_import(struct cli *c, struct import *imp, const char *revision,
                          const char *source, int dry, const struct ind_kpi_maps *m)
{
    cJSON *arr = c->json ? cJSON_CreateArray() : NULL;
    int rc = EXIT_OK;
    for (uint32_t year = 1990; year <= 2100 && rc == EXIT_OK; year++) {
        struct import_value *vals = malloc(imp->n * sizeof *vals);
        size_t n = 0, added, changed;
        if (!vals) return cli_fail(c, "out of memory");
        for (size_t i = 0; i < imp->n; i++)
            if (imp->v[i].year == year) vals[n++] = imp->v[i];
        size_t forced = 0;
        for (size_t i = 0; i < n; i++) forced += vals[i].forced != 0;
        int preliminary = year == ind_this_year();
        if (n) rc = publish_year(c, year, vals, n, revision, source, dry, &added, &changed);
        if (n && rc == EXIT_OK) {
            if (arr) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "year", year);
                cJSON_AddNumberToObject(o, "values", (double)n);
                cJSON_AddNumberToObject(o, "added", (double)added);
                cJSON_AddNumberToObject(o, "changed", (double)changed);
                cJSON_AddNumberToObject(o, "forced", (double)forced);
                cJSON_AddBoolToObject(o, "preliminary", preliminary);
                cJSON_AddBoolToObject(o, "published", !dry && (added || changed));
                cJSON_AddItemToArray(arr, o);
            } else {
                printf("%u: %zu value%s, %zu new, %zu changed", year, n, n == 1 ? "" : "s", added,
                       changed);
                if (forced) printf(", %zu forced", forced);
                printf(": %s%s\n",
                       dry                ? "not published (--dry-run)"
                       : added || changed ? "published"
                                          : "nothing new",
                       preliminary ? " (preliminary: the year is not over)" : "");
            }
        }
        free(vals);
    }
    if (arr) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "years", arr);
        ind_import_report(imp, m, o);
        cJSON_AddStringToObject(o, "encoding", charset_name(imp->charset));
        out_json(o);
    } else {
        if (imp->charset != CHARSET_UTF8 && imp->charset != CHARSET_UTF8_BOM)
            printf("The file was read as %s.\n", charset_name(imp->charset));
        ind_import_report(imp, m, NULL);
    }
    return rc;
}

static int ind_set(struct cli *c, int argc, char **argv)
{
    enum { O_NOTE = OPT_FIRST_COMMAND_OPTION, O_SOURCE, O_FORCE };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"note", required_argument, NULL, O_NOTE},
        {"source", required_argument, NULL, O_SOURCE},
        {"force", no_argument, NULL, O_FORCE},
        {NULL, 0, NULL, 0},
    };
    struct strlist notes = {0};
    const char *source = NULL;
    int ch, rc = CLI_CONTINUE, force = 0;
    c->usage = usage_set;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_NOTE)
            rc = strlist_add(&notes, optarg) < 0 ? cli_fail(c, "out of memory") : rc;
        else if (ch == O_SOURCE)
            source = optarg;
        else if (ch == O_FORCE)
            force = 1;
        else if (ch == 'h')
            rc = cli_help(c);
        else
            rc = cli_bad_option(c, argv, opts);
    }
    if (rc == CLI_CONTINUE && argc - optind < 2)
        rc = cli_usage_error(c, "give the year and CODE=VALUE");
    char *end;
    long year = rc == CLI_CONTINUE ? strtol(argv[optind], &end, 10) : 0;
    if (rc == CLI_CONTINUE && (*end || year < 1990 || year > 2100))
        rc = cli_usage_error(c, "the year must be between 1990 and 2100, not \"%s\"", argv[optind]);
    Ekonet__ApiReply *cat_reply = NULL;
    struct catalogue *cat = NULL;
    struct import imp = {0};
    if (rc == CLI_CONTINUE && (rc = ind_catalogue_call(c, &cat_reply)) == EXIT_OK) {
        rc = CLI_CONTINUE;
        if (!(cat = ind_catalogue_of(cat_reply->catalogue))) rc = cli_fail(c, "out of memory");
    }
    /* The pairs become CSV lines, so they pass the same checks as an import. */
    size_t len = 16;
    for (int i = optind + 1; i < argc; i++) len += strlen(argv[i]) + 32;
    for (size_t i = 0; i < notes.n; i++) len += strlen(notes.v[i]) + 8;
    char *csv = rc == CLI_CONTINUE ? malloc(len) : NULL, *p = csv;
    if (rc == CLI_CONTINUE && !csv) rc = cli_fail(c, "out of memory");
    for (int i = optind + 1; rc == CLI_CONTINUE && i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            rc = cli_usage_error(c, "\"%s\" is not CODE=VALUE", argv[i]);
            break;
        }
        const char *note = "";
        size_t cl = (size_t)(eq - argv[i]);
        for (size_t k = 0; k < notes.n; k++)
            if (strncmp(notes.v[k], argv[i], cl) == 0 && notes.v[k][cl] == '=')
                note = notes.v[k] + cl + 1;
        p += sprintf(p, "%.*s;%ld;%s;\"%s\"\n", (int)cl, argv[i], year, eq + 1, note);
    }
    if (rc == CLI_CONTINUE) {
        struct errbuf err;
        if (import_csv(csv, (size_t)(p - csv), cat, &imp, &err) < 0 ||
            check_import(&imp, cat, force, &err) < 0)
            rc = cli_fail(c, "%s; nothing was published",
                          strncmp(err.msg, "line ", 5) == 0 ? strchr(err.msg, ':') + 2 : err.msg);
        else
            rc = publish_import(c, &imp, cat_reply->catalogue->revision, source, 0, NULL);
    }
    free(csv);
    free(notes.v);
    import_free(&imp);
    catalogue_destroy(&cat);
    if (cat_reply) ekonet__api_reply__free_unpacked(cat_reply, NULL);
    return rc;
}

/* This node's SCB code, from its status. */
static int own_code(struct cli *c, char *code, size_t size)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__StatusRequest sr = EKONET__STATUS_REQUEST__INIT;
    Ekonet__ApiReply *reply;
    req.op_case = EKONET__API_REQUEST__OP_STATUS;
    req.status = &sr;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_STATUS, &reply);
    if (rc != EXIT_OK) return rc;
    snprintf(code, size, "%s", reply->status->code);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

/* What an import is asked to do besides its files. */
struct import_opts {
    const char *format, *source;
    int dry, force;
};

/* Parses and checks the files' values, then publishes them (nothing if one is wrong). */
static int import_files(struct cli *c, const struct ind_files *f, const struct import_opts *o,
                        struct ind_kpi_maps *m)
{
    const char *format = o->format ? o->format : ind_file_format(&f->v[0]);
    int kolada = strcmp(format, "kolada") == 0;
    for (size_t i = 1; !o->format && i < f->n; i++)
        if (strcmp(ind_file_format(&f->v[i]), format) != 0)
            return cli_fail(c, "%s is %s and %s is not: import one kind of file at a time",
                            f->v[0].name, kolada ? "Kolada JSON" : "CSV", f->v[i].name);
    if (!kolada && f->n > 1)
        return cli_usage_error(c, "a CSV file is imported on its own: \"%s\" is one file too many",
                               f->v[1].name);
    Ekonet__ApiReply *cat_reply = NULL;
    struct catalogue *cat = NULL;
    struct import imp = {0};
    struct errbuf err = {""};
    char place[8];
    int rc = ind_catalogue_call(c, &cat_reply);
    if (rc == EXIT_OK && kolada) rc = own_code(c, place, sizeof place);
    if (rc == EXIT_OK && !(cat = ind_catalogue_of(cat_reply->catalogue)))
        rc = cli_fail(c, "out of memory");
    if (rc == EXIT_OK) {
        int prc = kolada ? ind_kolada_read(f, cat, place, m, &imp, &err)
                         : import_csv(f->v[0].data, f->v[0].len, cat, &imp, &err);
        if (prc == 0) prc = check_import(&imp, cat, o->force, &err);
        int line = strncmp(err.msg, "line ", 5) == 0; /* CSV: "line 4: ..." is file:4: ... */
        if (prc < 0 && kolada)
            rc = cli_fail(c, "%s; nothing was published", err.msg);
        else if (prc < 0)
            rc = cli_fail(c, "%s:%s%s; nothing was published", f->v[0].name, line ? "" : " ",
                          line ? err.msg + 5 : err.msg);
        else
            rc = publish_import(c, &imp, cat_reply->catalogue->revision,
                                o->source ? o->source
                                : kolada  ? "Kolada"
                                          : NULL,
                                o->dry, kolada ? m : NULL);
    }
    import_free(&imp);
    catalogue_destroy(&cat);
    if (cat_reply) ekonet__api_reply__free_unpacked(cat_reply, NULL);
    return rc;
}

static int ind_import(struct cli *c, int argc, char **argv)
{
    enum { O_FORMAT = OPT_FIRST_COMMAND_OPTION, O_MAP, O_SOURCE, O_DRY, O_FORCE };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"format", required_argument, NULL, O_FORMAT},
        {"map", required_argument, NULL, O_MAP},
        {"source", required_argument, NULL, O_SOURCE},
        {"dry-run", no_argument, NULL, O_DRY},
        {"force", no_argument, NULL, O_FORCE},
        {NULL, 0, NULL, 0},
    };
    struct ind_kpi_maps maps = {0};
    struct import_opts o = {0};
    int ch;
    c->usage = usage_import;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "kolada") != 0)
                return cli_usage_error(c, "--format must be csv or kolada");
            o.format = optarg;
            break;
        case O_MAP: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || maps.ngiven == IND_MAP_GIVEN_MAX)
                return cli_usage_error(c, "--map needs KPI=CODE, e.g. N15428=GN.7");
            *eq = '\0';
            maps.map[maps.ngiven++] = (struct kpi_map){optarg, eq + 1};
            break;
        }
        case O_SOURCE:
            o.source = optarg;
            break;
        case O_DRY:
            o.dry = 1;
            break;
        case O_FORCE:
            o.force = 1;
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind >= argc)
        return cli_usage_error(c, "give the file to import (of a Kolada answer: every page)");
    struct ind_files files;
    int rc = ind_files_read(c, argv + optind, (size_t)(argc - optind), &files);
    if (rc == EXIT_OK) rc = import_files(c, &files, &o, &maps);
    ind_files_free(&files);
    ind_kpi_maps_free(&maps);
    return rc;
}

int ind_parse_view(struct cli *c, int argc, char **argv, struct ind_view *v, const char *allowed)
{
    enum { O_MEMBER = OPT_FIRST_COMMAND_OPTION, O_YEAR, O_SVG, O_YEARS, O_LIMIT, O_HISTORY };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"member", required_argument, NULL, O_MEMBER},
        {"year", required_argument, NULL, O_YEAR},
        {"svg", required_argument, NULL, O_SVG},
        {"years", required_argument, NULL, O_YEARS},
        {"limit", required_argument, NULL, O_LIMIT},
        {"history", no_argument, NULL, O_HISTORY},
        {NULL, 0, NULL, 0},
    };
    static const char *const names[] = {"member", "year", "svg", "years", "limit", "history"};
    int ch;
    memset(v, 0, sizeof *v);
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == 'h') return cli_help(c);
        if (ch < O_MEMBER || ch > O_HISTORY) return cli_bad_option(c, argv, opts);
        if (!strstr(allowed, names[ch - O_MEMBER]))
            return cli_usage_error(c, "--%s is not an option of this command",
                                   names[ch - O_MEMBER]);
        if (ch == O_HISTORY) {
            v->history = 1;
            continue;
        }
        char *end;
        long n = ch == O_YEAR || ch == O_YEARS || ch == O_LIMIT ? strtol(optarg, &end, 10) : 0;
        switch (ch) {
        case O_MEMBER:
            v->member = optarg;
            break;
        case O_SVG:
            v->svg = optarg;
            break;
        default:
            if (*end || n < 1 || n > 2100)
                return cli_usage_error(c, "--%s needs a number", names[ch - O_MEMBER]);
            if (ch == O_LIMIT && n > IND_EXAMPLES_MAX)
                return cli_usage_error(c,
                                       "--limit is at most %d: good examples are a few "
                                       "members, not a league table",
                                       IND_EXAMPLES_MAX);
            if (ch == O_YEARS && n > IND_YEARS_MAX)
                return cli_usage_error(c, "--years is at most %d", IND_YEARS_MAX);
            if (ch == O_YEAR)
                v->year = n;
            else if (ch == O_YEARS)
                v->years = n;
            else
                v->limit = n;
        }
    }
    return CLI_CONTINUE;
}

static int ind_show(struct cli *c, int argc, char **argv)
{
    struct ind_view v;
    c->usage = usage_show;
    int rc = ind_parse_view(c, argc, argv, &v, "member year");
    if (rc != CLI_CONTINUE) return rc;
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    Ekonet__ApiReply *reply, *cat;
    if ((rc = ind_catalogue_call(c, &cat)) != EXIT_OK) return rc;
    if ((rc = ind_snapshot_call(c, v.member, (uint32_t)v.year, &reply)) != EXIT_OK) {
        ekonet__api_reply__free_unpacked(cat, NULL);
        return rc;
    }
    const Ekonet__SnapshotReply *s = reply->snapshot;
    const char *who = s->member_name ? s->member_name : "this member";
    struct ind_reader rd;
    ind_reader_init(&rd);
    ind_sort_values(s->values, s->n_values);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "member", out_json_hex(s->member.data, s->member.len));
        cJSON_AddStringToObject(o, "member_name", who);
        cJSON_AddNumberToObject(o, "year", s->year);
        cJSON_AddStringToObject(o, "source", s->source ? s->source : "");
        cJSON_AddBoolToObject(o, "preliminary", s->preliminary);
        cJSON *years = cJSON_AddArrayToObject(o, "years");
        for (size_t i = 0; i < s->n_years; i++)
            cJSON_AddItemToArray(years, cJSON_CreateNumber(s->years[i]));
        cJSON *vals = cJSON_AddArrayToObject(o, "values");
        for (size_t i = 0; i < s->n_values; i++) {
            cJSON *x = cJSON_CreateObject();
            const Ekonet__Indicator *ind = ind_find(cat->catalogue, s->values[i]->code);
            cJSON_AddStringToObject(x, "code", s->values[i]->code);
            cJSON_AddNumberToObject(x, "value", numfmt_clean(s->values[i]->value));
            cJSON_AddStringToObject(x, "unit", ind ? ind->unit : "");
            cJSON_AddStringToObject(x, "note", s->values[i]->note ? s->values[i]->note : "");
            cJSON_AddBoolToObject(x, "forced", s->values[i]->forced);
            cJSON_AddItemToArray(vals, x);
        }
        out_json(o);
    } else if (s->year == 0) {
        printf("%s has no snapshot%s.\n", who, v.year ? " for that year" : " yet");
    } else {
        char title[200], buf[32];
        snprintf(title, sizeof title, "%s, %u%s%s%s", who, s->year,
                 s->preliminary ? " (preliminary: published before the year was over)" : "",
                 s->source && *s->source ? " · " : "", s->source ? s->source : "");
        out_bold(c, title);
        printf("\n\n%-7s  %-44s  %10s  %s\n", "CODE", "INDICATOR", "VALUE", "UNIT");
        for (size_t i = 0; i < s->n_values; i++) {
            const Ekonet__Indicator *ind = ind_find(cat->catalogue, s->values[i]->code);
            printf("%-7s  ", s->values[i]->code);
            out_cell(ind_name(&rd, ind), 44, 1);
            printf("  %10s  %s%s%s%s\n",
                   ind_num(&rd, buf, sizeof buf, s->values[i]->value, ind_decimals(ind), 0),
                   ind_unit(&rd, ind), s->values[i]->forced ? "  forced" : "",
                   s->values[i]->note ? "  " : "", s->values[i]->note ? s->values[i]->note : "");
        }
        if (s->n_years > 1) {
            printf("\nSnapshots for:");
            for (size_t i = 0; i < s->n_years; i++) printf(" %u", s->years[i]);
            putchar('\n');
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    ekonet__api_reply__free_unpacked(cat, NULL);
    return EXIT_OK;
}

int cmd_indicators(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"catalogue", ind_catalogue}, {"set", ind_set},       {"withdraw", ind_withdraw},
        {"import", ind_import},       {"show", ind_show},     {"trend", ind_trend},
        {"examples", ind_examples},   {"export", ind_export}, {NULL, NULL},
    };
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
