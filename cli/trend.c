/*
 * ekonet indicators trend: one member's values year by year, compared with its own past. Each
 * change is measured over the years it really spans (2019 to 2021 is two years, and its
 * change a year is half of it), years without a value are marked, and the network's median
 * and middle half stand beside for context, never another member's name or rank.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "ekonet/file.h"
#include "ekonet/numfmt.h"
#include "ekonet/text.h"
#include "indicators.h"

static const char usage_trend[] =
    "usage: ekonet indicators trend [--member M] [CODE...] [--svg FILE] [--history] [--json]\n"
    "\n"
    "A member's values year by year (this node's by default; every indicator it reports, or\n"
    "the codes given, in natural order: GN.2 before GN.11), each rounded to its unit's\n"
    "decimals. Each change is from the member's previous value, over the years between\n"
    "(2019 to 2021 is two years: the change a year is half); years without a value are\n"
    "marked; better or worse follows the indicator's direction. Beside each year: the\n"
    "network's median and middle half (from 5 members with a value), without names or ranks.\n"
    "A chart follows each indicator; --svg FILE writes the charts as one SVG document.\n"
    "Corrections and withdrawals are in force: each year shows its value as last published;\n"
    "values published before their year was over are marked preliminary, values outside\n"
    "their indicator's range that the member confirmed, forced.\n"
    "\n"
    "  --history  also every version of each year's value: when it was published, corrected\n"
    "             or withdrawn, and whether it was forced\n"
    "\n"
    "Names, units and directions are in Swedish when the locale is (LC_ALL, LC_MESSAGES or\n"
    "LANG sv_SE), in English otherwise; numbers have a decimal comma when LC_NUMERIC (or\n"
    "LC_ALL, LANG) is Swedish. --json is the same in every locale.\n";

/* A series' chart and the arrays it points into. */
struct series_chart {
    struct chart ch;
    struct chart_point *points;
    struct chart_band *band;
};

/* The chart of series s (its arrays are the caller's to free); -1 when out of memory. */
static int series_chart(const struct ind_reader *rd, const char *member,
                        const Ekonet__TrendSeries *s, struct series_chart *out)
{
    const Ekonet__Indicator *ind = s->indicator;
    out->points = calloc(s->n_points + 1, sizeof *out->points);
    out->band = calloc(s->n_network + 1, sizeof *out->band);
    if (!out->points || !out->band) return -1;
    for (size_t k = 0; k < s->n_points; k++)
        out->points[k] = (struct chart_point){s->points[k]->year, s->points[k]->value};
    for (size_t k = 0; k < s->n_network; k++) {
        const Ekonet__NetworkYear *y = s->network[k];
        out->band[k] = (struct chart_band){
            y->year, y->members, y->has_median && y->has_q1 && y->has_q3, y->q1, y->median, y->q3};
    }
    out->ch = (struct chart){
        .member = member,
        .code = s->code,
        .name = ind_name(rd, ind),
        .unit = ind_unit(rd, ind),
        .known = ind != NULL,
        .lower_is_better = ind && ind->lower_is_better,
        .decimals = ind_decimals(ind),
        .point = rd->point,
        .lang = rd->lang,
        .points = out->points,
        .npoints = s->n_points,
        .band = out->band,
        .nband = s->n_network,
    };
    return 0;
}

/* The network's year of s, or NULL. */
static const Ekonet__NetworkYear *network_year(const Ekonet__TrendSeries *s, uint32_t year)
{
    for (size_t k = 0; k < s->n_network; k++)
        if (s->network[k]->year == year) return s->network[k];
    return NULL;
}

/* "-25 over 2 years (-12,5 a year)" or "-25": a change from one year to a later one. */
static void print_change(const struct ind_reader *rd, double ch, uint32_t years, int decimals)
{
    const struct chart_words *w = chart_words(rd->lang);
    char a[40], b[40];
    printf("%s", ind_num(rd, a, sizeof a, ch, decimals, 1));
    if (years > 1)
        printf(" %s %u %s (%s %s)", w->over, years, w->years,
               ind_num(rd, b, sizeof b, ch / years, decimals + 1, 1), w->per_year);
}

static const char *judged(const struct chart_words *w, double change, int lower)
{
    const char *j = ind_judge(numfmt_clean(change), lower);
    return strcmp(j, "better") == 0 ? w->better : strcmp(j, "worse") == 0 ? w->worse : w->same;
}

/* One year's line: its value, its change from the member's previous value, the network. */
static void print_year(const struct ind_reader *rd, const Ekonet__TrendSeries *s, size_t k)
{
    const struct chart_words *w = chart_words(rd->lang);
    const Ekonet__TrendPoint *p = s->points[k];
    int dec = ind_decimals(s->indicator);
    char a[40], b[40], c2[40];
    printf("  %u  %9s  ", p->year, ind_num(rd, a, sizeof a, p->value, dec, 0));
    if (k) {
        const Ekonet__TrendPoint *q = s->points[k - 1];
        print_change(rd, p->value - q->value, p->year - q->year, dec);
        if (s->indicator)
            printf(", %s", judged(w, p->value - q->value, s->indicator->lower_is_better));
    }
    const Ekonet__NetworkYear *n = network_year(s, p->year);
    if (n && n->has_median)
        printf("   [%s: %s (%s–%s), %u %s]", w->median, ind_num(rd, a, sizeof a, n->median, dec, 0),
               ind_num(rd, b, sizeof b, n->q1, dec, 0), ind_num(rd, c2, sizeof c2, n->q3, dec, 0),
               n->members, w->members);
    if (p->preliminary) printf("   %s", w->preliminary);
    if (p->forced) printf("   %s", w->forced);
    if (p->note) printf("   %s", p->note);
    putchar('\n');
}

/* The table of one series: a line a year, the gaps marked, the change over the whole span. */
static void print_series(const struct cli *c, const struct ind_reader *rd, const char *member,
                         const Ekonet__TrendSeries *s)
{
    const struct chart_words *w = chart_words(rd->lang);
    const Ekonet__Indicator *ind = s->indicator;
    char title[512];
    snprintf(title, sizeof title, "%s: %s %s", member, s->code, ind_name(rd, ind));
    out_bold(c, title);
    if (ind)
        printf(" (%s; %s)\n", ind_unit(rd, ind),
               ind->lower_is_better ? w->lower_better : w->higher_better);
    else
        putchar('\n');
    printf("  ");
    out_cell(w->col_year, 4, 1);
    printf("  %*s%s  %s\n", 9 - (int)text_chars(w->col_value), "", w->col_value, w->col_change);
    for (size_t k = 0; k < s->n_points; k++) {
        uint32_t prev = k ? s->points[k - 1]->year : s->points[0]->year;
        uint32_t year = s->points[k]->year;
        if (year == prev + 2)
            printf("  %u  %9s  %s\n", prev + 1, "-", w->no_value);
        else if (year > prev + 2)
            printf("  %u-%u  %s\n", prev + 1, year - 1, w->no_values);
        print_year(rd, s, k);
    }
    if (s->n_points > 1) {
        const Ekonet__TrendPoint *f = s->points[0], *l = s->points[s->n_points - 1];
        double ch = l->value - f->value;
        char pct[40];
        printf("  %u-%u: ", f->year, l->year);
        print_change(rd, ch, l->year - f->year, ind_decimals(ind));
        if (f->value != 0)
            printf(", %s %%", ind_num(rd, pct, sizeof pct, ch / fabs(f->value) * 100, 1, 1));
        if (ind) printf(", %s", judged(w, ch, ind->lower_is_better));
        putchar('\n');
    }
    if (s->n_history) ind_history_text(rd, s);
}

static void trend_text(const struct cli *c, const struct ind_reader *rd, const char *member,
                       const Ekonet__TrendReply *t, const struct series_chart *charts)
{
    for (size_t i = 0; i < t->n_series; i++) {
        if (i) putchar('\n');
        print_series(c, rd, member, t->series[i]);
        putchar('\n');
        chart_text(&charts[i].ch, c->color, out_columns());
    }
}

/* A point's change from the previous one: over how many years, and a year. */
static void point_change_json(cJSON *p, const Ekonet__TrendSeries *s, size_t k, int decimals)
{
    const Ekonet__TrendPoint *q = s->points[k - 1], *pt = s->points[k];
    double ch = pt->value - q->value;
    uint32_t years = pt->year - q->year;
    cJSON_AddNumberToObject(p, "change", numfmt_clean(ch));
    cJSON_AddNumberToObject(p, "years", years);
    cJSON_AddNumberToObject(p, "change_per_year", numfmt_round(ch / years, decimals + 1));
    if (years > 1) cJSON_AddNumberToObject(p, "missing_before", years - 1);
    if (s->indicator)
        cJSON_AddStringToObject(p, "judgement",
                                ind_judge(numfmt_clean(ch), s->indicator->lower_is_better));
}

static cJSON *network_json(const Ekonet__TrendSeries *s, int decimals)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; k < s->n_network; k++) {
        const Ekonet__NetworkYear *y = s->network[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "year", y->year);
        cJSON_AddNumberToObject(o, "members", y->members);
        if (y->has_median) {
            cJSON_AddNumberToObject(o, "q1", numfmt_round(y->q1, decimals + 1));
            cJSON_AddNumberToObject(o, "median", numfmt_round(y->median, decimals + 1));
            cJSON_AddNumberToObject(o, "q3", numfmt_round(y->q3, decimals + 1));
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *series_json(const Ekonet__TrendSeries *s, int history)
{
    const Ekonet__Indicator *ind = s->indicator;
    int dec = ind_decimals(ind);
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "code", s->code);
    if (ind) {
        cJSON_AddStringToObject(x, "name_sv", ind->name_sv);
        cJSON_AddStringToObject(x, "name_en", ind->name_en);
        cJSON_AddStringToObject(x, "unit", ind->unit);
        cJSON_AddStringToObject(x, "better", ind->lower_is_better ? "lower" : "higher");
    }
    cJSON_AddNumberToObject(x, "decimals", dec);
    cJSON *pts = cJSON_AddArrayToObject(x, "points");
    cJSON *missing = cJSON_CreateArray();
    for (size_t k = 0; k < s->n_points; k++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "year", s->points[k]->year);
        cJSON_AddNumberToObject(p, "value", numfmt_clean(s->points[k]->value));
        if (k) point_change_json(p, s, k, dec);
        for (uint32_t y = k ? s->points[k - 1]->year + 1 : s->points[k]->year;
             y < s->points[k]->year; y++)
            cJSON_AddItemToArray(missing, cJSON_CreateNumber(y));
        if (s->points[k]->note) cJSON_AddStringToObject(p, "note", s->points[k]->note);
        cJSON_AddBoolToObject(p, "forced", s->points[k]->forced);
        cJSON_AddBoolToObject(p, "preliminary", s->points[k]->preliminary);
        cJSON_AddItemToArray(pts, p);
    }
    cJSON_AddItemToObject(x, "missing_years", missing);
    if (s->n_points > 1) {
        const Ekonet__TrendPoint *f = s->points[0], *l = s->points[s->n_points - 1];
        double ch = l->value - f->value;
        cJSON_AddNumberToObject(x, "change_total", numfmt_clean(ch));
        cJSON_AddNumberToObject(x, "years", l->year - f->year);
        cJSON_AddNumberToObject(x, "change_per_year",
                                numfmt_round(ch / (l->year - f->year), dec + 1));
        if (f->value != 0)
            cJSON_AddNumberToObject(x, "change_total_pct",
                                    numfmt_round(ch / fabs(f->value) * 100, 1));
        if (ind)
            cJSON_AddStringToObject(x, "judgement",
                                    ind_judge(numfmt_clean(ch), ind->lower_is_better));
    }
    cJSON_AddItemToObject(x, "network", network_json(s, dec));
    if (history) cJSON_AddItemToObject(x, "history", ind_history_json(s));
    return x;
}

static cJSON *trend_json(const Ekonet__TrendReply *t, const char *member, int history,
                         cJSON *unreported)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "member", out_json_hex(t->member.data, t->member.len));
    cJSON_AddStringToObject(o, "member_name", member);
    cJSON *arr = cJSON_AddArrayToObject(o, "indicators");
    for (size_t i = 0; i < t->n_series; i++)
        cJSON_AddItemToArray(arr, series_json(t->series[i], history));
    cJSON_AddItemToObject(o, "no_values", unreported);
    return o;
}

/* The codes asked for that the member has no values of (the node refused any that is not in
   the catalogue in force). */
static cJSON *unreported_codes(const Ekonet__TrendReply *t, char **codes, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        int have = 0;
        for (size_t k = 0; k < t->n_series && !have; k++)
            have = strcmp(t->series[k]->code, codes[i]) == 0;
        if (!have) cJSON_AddItemToArray(arr, cJSON_CreateString(codes[i]));
    }
    return arr;
}

/* Writes the charts of every series as one SVG document at path. */
static int write_svg(struct cli *c, const char *path, const struct series_chart *sc, size_t n)
{
    struct chart *ch = calloc(n + 1, sizeof *ch);
    if (!ch) return cli_fail(c, "out of memory");
    for (size_t i = 0; i < n; i++) ch[i] = sc[i].ch;
    size_t len = 0;
    char *svg = chart_svg(ch, n, &len);
    free(ch);
    if (!svg) return cli_fail(c, "out of memory");
    struct errbuf err;
    int rc =
        file_write_atomic(path, svg, len, 0644, &err) < 0 ? cli_fail(c, "%s", err.msg) : EXIT_OK;
    free(svg);
    return rc;
}

/* Shows reply t (text, JSON, SVG as asked); the codes asked for are checked first. */
static int trend_show(struct cli *c, const Ekonet__TrendReply *t, const struct ind_view *v,
                      char **codes, size_t ncodes)
{
    const char *member = t->member_name ? t->member_name : "?";
    cJSON *unreported = unreported_codes(t, codes, ncodes);
    int rc = EXIT_OK;
    if (t->n_series == 0)
        rc = cli_fail(c, "%s has published no values%s", member,
                      ncodes ? " for these indicators" : "");
    struct ind_reader rd;
    ind_reader_init(&rd);
    struct series_chart *sc = rc == EXIT_OK ? calloc(t->n_series, sizeof *sc) : NULL;
    if (rc == EXIT_OK && !sc) rc = cli_fail(c, "out of memory");
    for (size_t i = 0; rc == EXIT_OK && i < t->n_series; i++)
        if (series_chart(&rd, member, t->series[i], &sc[i]) < 0) rc = cli_fail(c, "out of memory");
    if (rc == EXIT_OK && v->svg) rc = write_svg(c, v->svg, sc, t->n_series);
    if (rc == EXIT_OK && c->json) {
        out_json(trend_json(t, member, v->history, unreported));
        unreported = NULL;
    } else if (rc == EXIT_OK) {
        trend_text(c, &rd, member, t, sc);
        for (int i = 0; i < cJSON_GetArraySize(unreported); i++)
            printf("\n%s has published no values for %s.\n", member,
                   cJSON_GetArrayItem(unreported, i)->valuestring);
    }
    for (size_t i = 0; sc && i < t->n_series; i++) free(sc[i].points), free(sc[i].band);
    free(sc);
    cJSON_Delete(unreported);
    return rc;
}

int ind_trend(struct cli *c, int argc, char **argv)
{
    struct ind_view v;
    c->usage = usage_trend;
    int rc = ind_parse_view(c, argc, argv, &v, "member svg history");
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__TrendRequest tr = EKONET__TREND_REQUEST__INIT;
    tr.member = (char *)v.member;
    tr.n_codes = (size_t)(argc - optind);
    tr.codes = argv + optind;
    tr.has_history = tr.history = v.history != 0;
    req.op_case = EKONET__API_REQUEST__OP_TREND;
    req.trend = &tr;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_TREND, &reply)) != EXIT_OK) return rc;
    Ekonet__TrendReply *t = reply->trend;
    ind_sort_series(t->series, t->n_series);
    rc = trend_show(c, t, &v, tr.codes, tr.n_codes);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}
