/*
 * ekonet indicators withdraw, and the history trend --history shows. A correction is a new
 * snapshot of the year that replaces the member's earlier one whole (docs/PROTOCOL.md
 * 4.1.2): `indicators set` gives a value again, `withdraw` leaves values out, and a snapshot
 * without values withdraws the year. The history lists what each snapshot changed.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "indicators.h"
#include "ekonet/content.h"
#include "ekonet/numfmt.h"
#include "wire.pb-c.h"

static const char usage_withdraw[] =
    "usage: ekonet indicators withdraw YEAR [CODE...] [--json]\n"
    "\n"
    "Withdraws this node's values for YEAR: of the codes given, or every value of the year.\n"
    "A new snapshot without them replaces the year's old one on every member; trends and\n"
    "examples leave them out, and the history of 'ekonet indicators trend' still shows them.\n"
    "To correct a value instead, give it again: ekonet indicators set YEAR CODE=VALUE.\n";

const char *ind_range_of(const Ekonet__Indicator *x, char *buf, size_t size)
{
    double min = x->has_min ? x->min : 0;
    if (x->has_max)
        snprintf(buf, size, "%.15g to %.15g", min, x->max);
    else if (strchr(x->unit, '%'))
        snprintf(buf, size, "%.15g to 100", min);
    else
        snprintf(buf, size, "%.15g or more", min);
    return buf;
}

/* "2019, 2021, 2023" in buf: the years s has values for. */
static const char *years_list(const Ekonet__SnapshotReply *s, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_years && o + 8 < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%u", i ? ", " : "", s->years[i]);
    return buf;
}

/* "GN.7, GN.11" in buf: the codes of s's values. */
static const char *codes_list(const Ekonet__SnapshotReply *s, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_values && o + 24 < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", s->values[i]->code);
    return buf;
}

/* Whether code is among argv[from..argc). */
static int named(char **argv, int from, int argc, const char *code)
{
    for (int i = from; i < argc; i++)
        if (strcmp(argv[i], code) == 0) return 1;
    return 0;
}

/* The year operand: 0, or an exit status for a usage error. */
static int parse_year(struct cli *c, const char *text, uint32_t *year)
{
    char *end;
    long y = strtol(text, &end, 10);
    if (*end || end == text || y < 1990 || y > 2100)
        return cli_usage_error(c, "the year must be between 1990 and 2100, not \"%s\"", text);
    *year = (uint32_t)y;
    return 0;
}

/* Every code named must have a value in o; an exit status (EXIT_OK when they all do). */
static int check_named(struct cli *c, const Ekonet__SnapshotReply *o, char **argv, int from,
                       int argc)
{
    char codes[1024];
    for (int i = from; i < argc; i++) {
        size_t k = 0;
        while (k < o->n_values && strcmp(o->values[k]->code, argv[i]) != 0) k++;
        if (k == o->n_values)
            return cli_fail(c,
                            "%.20s has no value for %u here (its values: %s); nothing was "
                            "published",
                            argv[i], o->year, codes_list(o, codes, sizeof codes));
    }
    return EXIT_OK;
}

/* Publishes o's year without the values named (none named: without any). An exit status. */
static int publish_without(struct cli *c, const Ekonet__SnapshotReply *o, const char *revision,
                           char **argv, int from, int argc)
{
    Ekonet__IndicatorValue **keep = calloc(o->n_values + 1, sizeof *keep);
    if (!keep) return cli_fail(c, "out of memory");
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    s.year = o->year;
    s.values = keep;
    s.catalogue = (char *)revision;
    s.source = o->source && *o->source ? o->source : NULL;
    for (size_t i = 0; from < argc && i < o->n_values; i++)
        if (!named(argv, from, argc, o->values[i]->code)) keep[s.n_values++] = o->values[i];
    char what[200] = "the withdrawal of every value";
    size_t w = strlen("the withdrawal of");
    for (int i = from; s.n_values && i < argc && w + 40 < sizeof what; i++)
        w += (size_t)snprintf(what + w, sizeof what - w, "%s %.20s", i > from ? "," : "", argv[i]);
    snprintf(what + strlen(what), sizeof what - strlen(what), " for %u", o->year);
    size_t len = ekonet__snapshot__get_packed_size(&s);
    uint8_t *buf = malloc(len + 1);
    int rc = buf ? EXIT_OK : cli_fail(c, "out of memory");
    if (buf) {
        ekonet__snapshot__pack(&s, buf);
        rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_INDICATORS, buf, len, what);
    }
    free(buf);
    free(keep);
    return rc;
}

int ind_withdraw(struct cli *c, int argc, char **argv)
{
    c->usage = usage_withdraw;
    int rc = cli_parse_common(c, argc, argv, 1 + SNAPSHOT_MAX_VALUES);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc)
        return cli_usage_error(c, "give the year, and the codes to withdraw (none: every value "
                                  "of the year)");
    uint32_t year = 0;
    if ((rc = parse_year(c, argv[optind], &year)) != 0) return rc;
    int from = optind + 1;
    Ekonet__ApiReply *old = NULL, *cat = NULL;
    if ((rc = ind_snapshot_call(c, NULL, year, &old)) != EXIT_OK) return rc;
    const Ekonet__SnapshotReply *o = old->snapshot;
    char years[1024];
    if (o->year != year)
        rc = cli_fail(c, "this node has no values for %u to withdraw (%s%s)", year,
                      o->n_years ? "it has values for " : "it has published none",
                      years_list(o, years, sizeof years));
    else if ((rc = check_named(c, o, argv, from, argc)) == EXIT_OK &&
             (rc = ind_catalogue_call(c, &cat)) == EXIT_OK)
        rc = publish_without(c, o, cat->catalogue->revision, argv, from, argc);
    ekonet__api_reply__free_unpacked(old, NULL);
    if (cat) ekonet__api_reply__free_unpacked(cat, NULL);
    return rc;
}

/* What a version did: published (the year's first, or again after a withdrawal), corrected,
   withdrawn. */
static const char *action(const Ekonet__TrendSeries *s, size_t k)
{
    const Ekonet__TrendVersion *v = s->history[k];
    const Ekonet__TrendVersion *before =
        k && s->history[k - 1]->year == v->year ? s->history[k - 1] : NULL;
    if (!v->has_value) return "withdrawn";
    return before && before->has_value ? "corrected" : "published";
}

void ind_history_text(const struct ind_reader *r, const Ekonet__TrendSeries *s)
{
    const struct chart_words *w = chart_words(r->lang);
    int dec = ind_decimals(s->indicator);
    printf("  %s:\n", w->history);
    for (size_t k = 0; k < s->n_history; k++) {
        const Ekonet__TrendVersion *v = s->history[k];
        const char *act = action(s, k);
        const char *shown = strcmp(act, "withdrawn") == 0   ? w->withdrawn
                            : strcmp(act, "corrected") == 0 ? w->corrected
                                                            : w->published;
        char value[40] = "-", when[40], year[8] = "";
        if (v->has_value) ind_num(r, value, sizeof value, v->value, dec, 0);
        if (!k || s->history[k - 1]->year != v->year) snprintf(year, sizeof year, "%u", v->year);
        printf("  %-4s  %10s  ", year, value);
        out_cell(shown, 11, 1); /* the words have å and ä: a cell is counted in characters */
        printf(" %s (seq %llu)%s%s%s%s\n", out_time(when, sizeof when, v->timestamp_ms),
               (unsigned long long)v->seq, v->preliminary && v->has_value ? "  " : "",
               v->preliminary && v->has_value ? w->preliminary : "", v->forced ? "  " : "",
               v->forced ? w->forced : "");
    }
}

cJSON *ind_history_json(const Ekonet__TrendSeries *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; k < s->n_history; k++) {
        const Ekonet__TrendVersion *v = s->history[k];
        char iso[40];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "year", v->year);
        cJSON_AddItemToObject(o, "value",
                              v->has_value ? cJSON_CreateNumber(numfmt_clean(v->value))
                                           : cJSON_CreateNull());
        cJSON_AddStringToObject(o, "action", action(s, k));
        cJSON_AddBoolToObject(o, "forced", v->forced);
        cJSON_AddBoolToObject(o, "preliminary", v->preliminary);
        cJSON_AddNumberToObject(o, "seq", (double)v->seq);
        cJSON_AddNumberToObject(o, "timestamp_ms", (double)v->timestamp_ms);
        cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, v->timestamp_ms));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
