/*
 * ekonet indicators: the network's green key indicators. A member follows its own trend year
 * by year and finds good examples one indicator at a time; nothing here ranks members across
 * indicators.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "indicators.h"
#include "ekonet/catalogue.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/import.h"
#include "ekonet/key.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet indicators COMMAND [OPTIONS]\n"
    "\n"
    "The network's green key indicators: each member's values year by year.\n"
    "\n"
    "  catalogue                        the indicators in force: codes, names, units, direction\n"
    "  set YEAR CODE=VALUE...           publish or correct this node's values for a year\n"
    "  withdraw YEAR [CODE...]          withdraw this node's values for a year\n"
    "  import FILE                      publish values from CSV or Kolada JSON\n"
    "  show [--member M] [--year Y]     a member's snapshot\n"
    "  trend [--member M] [CODE...]     a member's values year by year, better or worse\n"
    "  examples CODE [--years N]        good examples for one indicator\n"
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
    "usage: ekonet indicators import FILE [--format csv|kolada] [--map KPI=CODE]...\n"
    "                                [--source TEXT] [--force] [--dry-run] [--json]\n"
    "\n"
    "Publishes values from a file, one snapshot per year (merged with what is published\n"
    "for that year). Every value is checked first; if any is wrong, nothing is published and\n"
    "the line (CSV) or item (JSON) is named.\n"
    "\n"
    "  CSV     code,year,value[,note], ',' or ';' between fields, a header line allowed,\n"
    "          Swedish decimal commas and spaces in numbers accepted\n"
    "  Kolada  the JSON of the Kolada API: this member's rows, gender T; null values are\n"
    "          skipped and reported; --map N15428=GN.7 says which indicator a KPI is\n"
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

static const char usage_trend[] =
    "usage: ekonet indicators trend [--member M] [CODE...] [--svg FILE] [--history] [--json]\n"
    "\n"
    "A member's values year by year (this node's by default; every indicator it reports, or\n"
    "the codes given): the change from the year before and over the whole period, marked\n"
    "better or worse by the indicator's direction, with a chart. --svg writes the charts.\n"
    "Corrections and withdrawals are in force: each year shows its value as last published.\n"
    "\n"
    "  --history  also every version of each year's value: when it was published, corrected\n"
    "             or withdrawn, and whether it was forced\n";

static const char usage_examples[] =
    "usage: ekonet indicators examples CODE [--years N] [--limit N] [--json]\n"
    "\n"
    "Good examples for one indicator: the members with the best latest value, and those who\n"
    "improved most over the last N years (default 5), each with whom to ask and how. The\n"
    "network never ranks members across indicators.\n";

int indicators_get_catalogue(struct cli *c, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__CatalogueRequest cr = EKONET__CATALOGUE_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CATALOGUE;
    req.catalogue = &cr;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_CATALOGUE, reply);
}

struct catalogue *indicators_catalogue_of(const Ekonet__CatalogueReply *r)
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

static const Ekonet__Indicator *find_indicator(const Ekonet__CatalogueReply *r, const char *code)
{
    for (size_t i = 0; i < r->n_indicators; i++)
        if (strcmp(r->indicators[i]->code, code) == 0) return r->indicators[i];
    return NULL;
}

/* "412.5", "0.12", "38" */
static const char *num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0') *e-- = '\0';
        if (e == dot) *e = '\0';
    }
    return buf;
}

/* "+12.5", "-3", "0" */
static const char *signed_num(char *buf, size_t size, double v)
{
    char tmp[32];
    snprintf(buf, size, "%s%s", v > 0 ? "+" : "", num(tmp, sizeof tmp, v));
    return buf;
}

/* ▁▂▃▄▅▆▇█ for the values (scaled between their minimum and maximum). */
static void sparkline(char *buf, size_t size, const double *v, size_t n)
{
    static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) lo = v[i] < lo ? v[i] : lo, hi = v[i] > hi ? v[i] : hi;
    buf[0] = '\0';
    for (size_t i = 0; i < n && strlen(buf) + 4 < size; i++) {
        int k = hi > lo ? (int)((v[i] - lo) / (hi - lo) * 7.0 + 0.5) : 3;
        strcat(buf, bars[k]);
    }
}

static int ind_catalogue(struct cli *c, int argc, char **argv)
{
    c->usage = usage_catalogue;
    int rc = cli_parse_common(c, argc, argv, 0);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiReply *reply;
    if ((rc = indicators_get_catalogue(c, &reply)) != EXIT_OK) return rc;
    const Ekonet__CatalogueReply *r = reply->catalogue;
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
                   indicators_range_of(x, range, sizeof range));
            printf("%-9s", "");
            out_cell(x->name_en, 44, 0);
            putchar('\n');
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

int indicators_get_snapshot(struct cli *c, const char *member, uint32_t year,
                            Ekonet__ApiReply **reply)
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
    int rc = indicators_get_snapshot(c, NULL, year, &old);
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

uint32_t indicators_this_year(void)
{
    time_t t = (time_t)(out_now_ms() / 1000);
    struct tm tm;
    return gmtime_r(&t, &tm) ? (uint32_t)tm.tm_year + 1900 : 0;
}

/* Checks the ranges (unless forced) and years of what was read; 0, or -1 with err. */
static int check_import(struct import *imp, const struct catalogue *cat, int force,
                        struct errbuf *err)
{
    return import_check(imp, cat, force, indicators_this_year(), err);
}

/* Publishes the imported values, a snapshot a year, and says what happened. */
static int publish_import(struct cli *c, struct import *imp, const char *revision,
                          const char *source, int dry)
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
        int preliminary = year == indicators_this_year();
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
        cJSON_AddNumberToObject(o, "null_values_skipped", (double)imp->nulls);
        cJSON_AddNumberToObject(o, "other_municipalities_skipped", (double)imp->other_place);
        out_json(o);
    } else {
        if (imp->nulls)
            printf("%zu null value%s skipped (for example %s)\n", imp->nulls,
                   imp->nulls == 1 ? " was" : "s were", imp->nulls_example);
        if (imp->other_place)
            printf("%zu row%s of other municipalities skipped\n", imp->other_place,
                   imp->other_place == 1 ? "" : "s");
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
    if (rc == CLI_CONTINUE && (rc = indicators_get_catalogue(c, &cat_reply)) == EXIT_OK) {
        rc = CLI_CONTINUE;
        if (!(cat = indicators_catalogue_of(cat_reply->catalogue)))
            rc = cli_fail(c, "out of memory");
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
            rc = publish_import(c, &imp, cat_reply->catalogue->revision, source, 0);
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
    struct kpi_map map[64];
    size_t nmap = 0;
    const char *format = NULL, *source = NULL;
    int ch, dry = 0, force = 0;
    c->usage = usage_import;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "kolada") != 0)
                return cli_usage_error(c, "--format must be csv or kolada");
            format = optarg;
            break;
        case O_MAP: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || nmap == 64)
                return cli_usage_error(c, "--map needs KPI=CODE, e.g. N15428=GN.7");
            *eq = '\0';
            map[nmap++] = (struct kpi_map){optarg, eq + 1};
            break;
        }
        case O_SOURCE:
            source = optarg;
            break;
        case O_DRY:
            dry = 1;
            break;
        case O_FORCE:
            force = 1;
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind >= argc) return cli_usage_error(c, "give the file to import");
    if (optind + 1 < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
    const char *path = argv[optind];
    char *text;
    size_t len;
    struct errbuf err;
    if (file_read_all(path, 32 * 1024 * 1024, &text, &len, &err) < 0)
        return cli_fail(c, "%s", err.msg);
    if (!format) {
        const char *p = text + strspn(text, " \t\r\n");
        format = *p == '{' || *p == '[' ? "kolada" : "csv";
    }
    Ekonet__ApiReply *cat_reply = NULL;
    struct catalogue *cat = NULL;
    struct import imp = {0};
    char place[8];
    int rc = indicators_get_catalogue(c, &cat_reply);
    if (rc == EXIT_OK && strcmp(format, "kolada") == 0) rc = own_code(c, place, sizeof place);
    if (rc == EXIT_OK && !(cat = indicators_catalogue_of(cat_reply->catalogue)))
        rc = cli_fail(c, "out of memory");
    if (rc == EXIT_OK) {
        int prc = strcmp(format, "csv") == 0
                      ? import_csv(text, len, cat, &imp, &err)
                      : import_kolada(text, len, cat, place, map, nmap, &imp, &err);
        if (prc == 0) prc = check_import(&imp, cat, force, &err);
        if (prc < 0)
            rc = cli_fail(c, "%s:%s%s; nothing was published", path,
                          strncmp(err.msg, "line ", 5) == 0 ? "" : " ",
                          strncmp(err.msg, "line ", 5) == 0 ? err.msg + 5 : err.msg);
        else
            rc = publish_import(c, &imp, cat_reply->catalogue->revision,
                                source                          ? source
                                : strcmp(format, "kolada") == 0 ? "Kolada"
                                                                : NULL,
                                dry);
    }
    free(text);
    import_free(&imp);
    catalogue_destroy(&cat);
    if (cat_reply) ekonet__api_reply__free_unpacked(cat_reply, NULL);
    return rc;
}

/* --member M, --year Y, --svg FILE, --years N, --limit N, --history as a command allows. */
struct view_args {
    const char *member, *svg;
    long year, years, limit;
    int history;
};

static int parse_view(struct cli *c, int argc, char **argv, struct view_args *v,
                      const char *allowed)
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
    struct view_args v;
    c->usage = usage_show;
    int rc = parse_view(c, argc, argv, &v, "member year");
    if (rc != CLI_CONTINUE) return rc;
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    Ekonet__ApiReply *reply, *cat;
    if ((rc = indicators_get_catalogue(c, &cat)) != EXIT_OK) return rc;
    if ((rc = indicators_get_snapshot(c, v.member, (uint32_t)v.year, &reply)) != EXIT_OK) {
        ekonet__api_reply__free_unpacked(cat, NULL);
        return rc;
    }
    const Ekonet__SnapshotReply *s = reply->snapshot;
    const char *who = s->member_name ? s->member_name : "this member";
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
            const Ekonet__Indicator *ind = find_indicator(cat->catalogue, s->values[i]->code);
            cJSON_AddStringToObject(x, "code", s->values[i]->code);
            cJSON_AddNumberToObject(x, "value", s->values[i]->value);
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
            const Ekonet__Indicator *ind = find_indicator(cat->catalogue, s->values[i]->code);
            printf("%-7s  ", s->values[i]->code);
            out_cell(ind ? ind->name_sv : "(not in the catalogue in force)", 44, 1);
            printf("  %10s  %s%s%s%s\n", num(buf, sizeof buf, s->values[i]->value),
                   ind ? ind->unit : "", s->values[i]->forced ? "  forced" : "",
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

/* "better", "worse" or "same" for a change of an indicator. */
static const char *judge(double change, int lower_is_better)
{
    if (change == 0) return "same";
    return (change < 0) == (lower_is_better != 0) ? "better" : "worse";
}

/* s with &, <, > and " escaped for SVG text, in buf. */
static const char *xml(char *buf, size_t size, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 7 < size; s++) {
        const char *e = *s == '&'   ? "&amp;"
                        : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;"
                                    : NULL;
        if (e)
            o += (size_t)snprintf(buf + o, size - o, "%s", e);
        else
            buf[o++] = *s;
    }
    buf[o] = '\0';
    return buf;
}

/* One chart per series, stacked, as an SVG file. */
static int write_svg(struct cli *c, const char *path, const Ekonet__TrendReply *t)
{
    size_t cap = 4096 + t->n_series * 8192, o = 0;
    char *svg = malloc(cap);
    if (!svg) return cli_fail(c, "out of memory");
    const int w = 640, h = 170;
    o += (size_t)snprintf(svg + o, cap - o,
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
                          "font-family=\"sans-serif\" font-size=\"12\">\n",
                          w, t->n_series * (size_t)h + 10);
    for (size_t i = 0; i < t->n_series; i++) {
        const Ekonet__TrendSeries *s = t->series[i];
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < s->n_points; k++) {
            lo = fmin(lo, s->points[k]->value);
            hi = fmax(hi, s->points[k]->value);
        }
        if (hi == lo) hi = lo + 1;
        int top = (int)i * h + 10, x0 = 60, x1 = w - 20, y0 = top + 30, y1 = top + h - 30;
        char name[512], unit[128];
        o += (size_t)snprintf(
            svg + o, cap - o,
            "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s %s (%s, %s is better)</text>\n",
            top + 15, s->code, xml(name, sizeof name, s->indicator ? s->indicator->name_sv : ""),
            xml(unit, sizeof unit, s->indicator ? s->indicator->unit : ""),
            s->indicator && s->indicator->lower_is_better ? "lower" : "higher");
        o += (size_t)snprintf(
            svg + o, cap - o,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n"
            "<text x=\"5\" y=\"%d\">%.4g</text><text x=\"5\" y=\"%d\">%.4g</text>\n",
            x0, y1, x1, y1, y0 + 4, hi, y1, lo);
        o += (size_t)snprintf(
            svg + o, cap - o,
            "<polyline fill=\"none\" stroke=\"#2a7d2e\" stroke-width=\"2\" points=\"");
        for (size_t k = 0; k < s->n_points && o + 64 < cap; k++) {
            double x = s->n_points > 1
                           ? x0 + (double)(x1 - x0) * (double)k / (double)(s->n_points - 1)
                           : x0;
            double y = y1 - (s->points[k]->value - lo) / (hi - lo) * (y1 - y0);
            o += (size_t)snprintf(svg + o, cap - o, "%.1f,%.1f ", x, y);
        }
        o += (size_t)snprintf(svg + o, cap - o, "\"/>\n");
        for (size_t k = 0; k < s->n_points && o + 128 < cap; k++) {
            double x = s->n_points > 1
                           ? x0 + (double)(x1 - x0) * (double)k / (double)(s->n_points - 1)
                           : x0;
            o += (size_t)snprintf(svg + o, cap - o,
                                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%u</text>\n", x,
                                  y1 + 16, s->points[k]->year);
        }
    }
    o += (size_t)snprintf(svg + o, cap - o, "</svg>\n");
    struct errbuf err;
    int rc = file_write_atomic(path, svg, o, 0644, &err) < 0 ? cli_fail(c, "%s", err.msg) : EXIT_OK;
    free(svg);
    return rc;
}

static void trend_text(const struct cli *c, const Ekonet__TrendReply *t)
{
    for (size_t i = 0; i < t->n_series; i++) {
        const Ekonet__TrendSeries *s = t->series[i];
        const Ekonet__Indicator *ind = s->indicator;
        int lower = ind && ind->lower_is_better;
        char title[256], spark[256], a[32], b[32];
        double *v = malloc((s->n_points + 1) * sizeof *v);
        for (size_t k = 0; v && k < s->n_points; k++) v[k] = s->points[k]->value;
        sparkline(spark, sizeof spark, v ? v : (double[]){0}, v ? s->n_points : 0);
        free(v);
        snprintf(title, sizeof title, "%s %s", s->code,
                 ind ? ind->name_sv : "(not in the catalogue in force)");
        if (i) putchar('\n');
        out_bold(c, title);
        printf("  (%s; %s is better)  %s\n", ind ? ind->unit : "?", lower ? "lower" : "higher",
               spark);
        for (size_t k = 0; k < s->n_points; k++) {
            const Ekonet__TrendPoint *p = s->points[k];
            printf("  %u  %10s", p->year, num(a, sizeof a, p->value));
            if (k) {
                double ch = p->value - s->points[k - 1]->value;
                printf("  %10s  %s", signed_num(b, sizeof b, ch), ind ? judge(ch, lower) : "");
            }
            printf("%s%s\n", p->preliminary ? "  preliminary" : "", p->forced ? "  forced" : "");
        }
        if (s->n_points > 1) {
            const Ekonet__TrendPoint *f = s->points[0], *l = s->points[s->n_points - 1];
            double ch = l->value - f->value;
            printf("  %u-%u: %s", f->year, l->year, signed_num(a, sizeof a, ch));
            if (f->value != 0) printf(" (%+.1f %%)", ch / fabs(f->value) * 100);
            printf("%s%s\n", ind ? ", " : "", ind ? judge(ch, lower) : "");
        }
        if (s->n_history) indicators_history_text(s);
    }
}

static cJSON *trend_json(const Ekonet__TrendReply *t, int history)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "member", out_json_hex(t->member.data, t->member.len));
    cJSON_AddStringToObject(o, "member_name", t->member_name ? t->member_name : "");
    cJSON *arr = cJSON_AddArrayToObject(o, "indicators");
    for (size_t i = 0; i < t->n_series; i++) {
        const Ekonet__TrendSeries *s = t->series[i];
        int lower = s->indicator && s->indicator->lower_is_better;
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", s->code);
        if (s->indicator) {
            cJSON_AddStringToObject(x, "name_sv", s->indicator->name_sv);
            cJSON_AddStringToObject(x, "name_en", s->indicator->name_en);
            cJSON_AddStringToObject(x, "unit", s->indicator->unit);
            cJSON_AddStringToObject(x, "better", lower ? "lower" : "higher");
        }
        cJSON *pts = cJSON_AddArrayToObject(x, "points");
        for (size_t k = 0; k < s->n_points; k++) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddNumberToObject(p, "year", s->points[k]->year);
            cJSON_AddNumberToObject(p, "value", s->points[k]->value);
            if (k) {
                double ch = s->points[k]->value - s->points[k - 1]->value;
                cJSON_AddNumberToObject(p, "change", ch);
                if (s->indicator) cJSON_AddStringToObject(p, "judgement", judge(ch, lower));
            }
            if (s->points[k]->note) cJSON_AddStringToObject(p, "note", s->points[k]->note);
            cJSON_AddBoolToObject(p, "forced", s->points[k]->forced);
            cJSON_AddBoolToObject(p, "preliminary", s->points[k]->preliminary);
            cJSON_AddItemToArray(pts, p);
        }
        if (s->n_points > 1) {
            double ch = s->points[s->n_points - 1]->value - s->points[0]->value;
            cJSON_AddNumberToObject(x, "change_total", ch);
            if (s->points[0]->value != 0)
                cJSON_AddNumberToObject(x, "change_total_pct",
                                        ch / fabs(s->points[0]->value) * 100);
            if (s->indicator) cJSON_AddStringToObject(x, "judgement", judge(ch, lower));
        }
        if (history) cJSON_AddItemToObject(x, "history", indicators_history_json(s));
        cJSON_AddItemToArray(arr, x);
    }
    return o;
}

static int ind_trend(struct cli *c, int argc, char **argv)
{
    struct view_args v;
    c->usage = usage_trend;
    int rc = parse_view(c, argc, argv, &v, "member svg history");
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__TrendRequest tr = EKONET__TREND_REQUEST__INIT;
    tr.member = (char *)v.member;
    tr.n_codes = (size_t)(argc - optind);
    tr.has_history = tr.history = v.history != 0;
    tr.codes = argv + optind;
    req.op_case = EKONET__API_REQUEST__OP_TREND;
    req.trend = &tr;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_TREND, &reply)) != EXIT_OK) return rc;
    const Ekonet__TrendReply *t = reply->trend;
    if (t->n_series == 0) {
        /* the name is in the reply: said before the reply is freed */
        rc = cli_fail(c, "%s has published no values%s",
                      t->member_name ? t->member_name : "the member",
                      tr.n_codes ? " for these indicators" : "");
        ekonet__api_reply__free_unpacked(reply, NULL);
        return rc;
    }
    if (v.svg) rc = write_svg(c, v.svg, t);
    if (rc == EXIT_OK) {
        if (c->json)
            out_json(trend_json(t, v.history));
        else
            trend_text(c, t);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

static cJSON *example_json(const Ekonet__Example *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "member", out_json_hex(e->member.data, e->member.len));
    cJSON_AddStringToObject(o, "name", e->name);
    cJSON_AddStringToObject(o, "code", e->code);
    cJSON_AddNumberToObject(o, "year", e->year);
    cJSON_AddNumberToObject(o, "value", e->value);
    cJSON_AddBoolToObject(o, "forced", e->forced);
    cJSON_AddBoolToObject(o, "preliminary", e->preliminary);
    if (e->has_from_year) {
        cJSON_AddNumberToObject(o, "from_year", e->from_year);
        cJSON_AddNumberToObject(o, "from_value", e->from_value);
        cJSON_AddNumberToObject(o, "change", e->change);
    }
    cJSON *pts = cJSON_AddArrayToObject(o, "points");
    for (size_t k = 0; k < e->n_points; k++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "year", e->points[k]->year);
        cJSON_AddNumberToObject(p, "value", e->points[k]->value);
        cJSON_AddItemToArray(pts, p);
    }
    cJSON_AddStringToObject(o, "ask_role", e->ask_role ? e->ask_role : "official");
    return o;
}

static void example_rows(const Ekonet__Example *const *v, size_t n, int with_change)
{
    for (size_t i = 0; i < n; i++) {
        const Ekonet__Example *e = v[i];
        char a[32], b[32], spark[256];
        double vals[64];
        size_t k = 0;
        for (; k < e->n_points && k < 64; k++) vals[k] = e->points[k]->value;
        sparkline(spark, sizeof spark, vals, k);
        printf("  ");
        out_cell(e->name, 20, 1);
        printf("  %-4s  %u  %10s", e->code, e->year, num(a, sizeof a, e->value));
        if (with_change && e->has_change)
            printf("  %9s since %u", signed_num(b, sizeof b, e->change), e->from_year);
        printf("  ");
        out_cell(spark, 10, 1);
        printf("  ask: %s%s%s\n", e->ask_role ? e->ask_role : "official",
               e->preliminary ? "  (preliminary)" : "", e->forced ? "  (forced)" : "");
    }
}

static int ind_examples(struct cli *c, int argc, char **argv)
{
    struct view_args v;
    c->usage = usage_examples;
    int rc = parse_view(c, argc, argv, &v, "years limit");
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give one indicator code, e.g. GN.7");
    if (optind + 1 < argc)
        return cli_usage_error(c,
                               "unexpected argument \"%s\": one indicator at a time (the network "
                               "does not rank members across indicators)",
                               argv[optind + 1]);
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ExamplesRequest er = EKONET__EXAMPLES_REQUEST__INIT;
    er.code = argv[optind];
    if (v.years) er.has_years = 1, er.years = (uint32_t)v.years;
    if (v.limit) er.has_limit = 1, er.limit = (uint32_t)v.limit;
    req.op_case = EKONET__API_REQUEST__OP_EXAMPLES;
    req.examples = &er;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_EXAMPLES, &reply)) != EXIT_OK) return rc;
    const Ekonet__ExamplesReply *r = reply->examples;
    const Ekonet__Indicator *ind = r->indicator;
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", ind->code);
        cJSON_AddStringToObject(o, "name_sv", ind->name_sv);
        cJSON_AddStringToObject(o, "name_en", ind->name_en);
        cJSON_AddStringToObject(o, "unit", ind->unit);
        cJSON_AddStringToObject(o, "better", ind->lower_is_better ? "lower" : "higher");
        cJSON_AddNumberToObject(o, "members", r->members);
        cJSON *bv = cJSON_AddArrayToObject(o, "best_value");
        for (size_t i = 0; i < r->n_best_value; i++)
            cJSON_AddItemToArray(bv, example_json(r->best_value[i]));
        cJSON *bc = cJSON_AddArrayToObject(o, "best_change");
        for (size_t i = 0; i < r->n_best_change; i++)
            cJSON_AddItemToArray(bc, example_json(r->best_change[i]));
        out_json(o);
    } else {
        char title[256];
        snprintf(title, sizeof title, "Good examples: %s %s", ind->code, ind->name_sv);
        out_bold(c, title);
        printf("\n%s, %s is better; %u member%s report%s it.\n", ind->unit,
               ind->lower_is_better ? "lower" : "higher", r->members, r->members == 1 ? "" : "s",
               r->members == 1 ? "s" : "");
        if (r->n_best_value) {
            printf("\nBest latest value:\n");
            example_rows((const Ekonet__Example *const *)r->best_value, r->n_best_value, 0);
        }
        printf("\nMost improved over %u years:\n", er.has_years ? er.years : 5);
        if (r->n_best_change)
            example_rows((const Ekonet__Example *const *)r->best_change, r->n_best_change, 1);
        else
            printf("  (nobody improved, or no member has two years to compare)\n");
        const Ekonet__Example *first = r->n_best_change  ? r->best_change[0]
                                       : r->n_best_value ? r->best_value[0]
                                                         : NULL;
        if (first)
            printf("\nAsk them how: ekonet contact request %s --role official --about indicator:%s "
                   "--subject \"...\" --message \"...\" --from-name \"...\" --reply-to ...\n",
                   first->code, ind->code);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

int cmd_indicators(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"catalogue", ind_catalogue}, {"set", ind_set},   {"withdraw", indicators_withdraw},
        {"import", ind_import},       {"show", ind_show}, {"trend", ind_trend},
        {"examples", ind_examples},   {NULL, NULL},
    };
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
