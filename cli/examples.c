/*
 * ekonet indicators examples: a few members to learn from on one indicator, never a league
 * table: those with the strongest level and those who improved most over N years (each list
 * a few of the other members, at most half of those reporting), each with whom to ask and
 * the reports it published on the indicator. This node is shown apart, with its own level
 * and improvement and no rank.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "ekonet/numfmt.h"
#include "indicators.h"

static const char usage_examples[] =
    "usage: ekonet indicators examples CODE [--years N] [--limit N] [--json]\n"
    "\n"
    "Good examples for one indicator: a few members with the strongest latest level and a\n"
    "few with the biggest improvement over the last N years (default 5; at most 50), by the\n"
    "indicator's direction. Each is shown with its contact person (the official of its\n"
    "profile) and the reports it published on the indicator, so that you can ask how.\n"
    "--limit N members per list (default 5, at most 10); never more than half of the other\n"
    "members that report the indicator, so that the lists never order the whole network.\n"
    "This node is shown apart (\"you\"): its own level and change, without a rank.\n";

/* "2023 38,5 %" */
static void print_level(const struct ind_reader *rd, const Ekonet__Example *e,
                        const Ekonet__Indicator *ind)
{
    const struct chart_words *w = chart_words(rd->lang);
    char a[40];
    printf("%u: %s %s", e->year, ind_num(rd, a, sizeof a, e->value, ind_decimals(ind), 0),
           ind_unit(rd, ind));
    if (e->preliminary) printf(" (%s)", w->preliminary);
    if (e->forced) printf(" (%s)", w->forced);
}

/* "+16,0 since 2019 (+4,00 a year)" */
static void print_improvement(const struct ind_reader *rd, const Ekonet__Example *e,
                              const Ekonet__Indicator *ind)
{
    const struct chart_words *w = chart_words(rd->lang);
    char a[40], b[40];
    uint32_t years = e->year > e->from_year ? e->year - e->from_year : 1;
    int dec = ind_decimals(ind);
    printf("%s since %u (%s %s)", ind_num(rd, a, sizeof a, e->change, dec, 1), e->from_year,
           ind_num(rd, b, sizeof b, e->change / years, dec + 1, 1), w->per_year);
}

/* Whom to ask and what the member published on the indicator code. */
static void print_contact(const Ekonet__Example *e, const char *code)
{
    char date[32], id[32];
    printf("      ask: %s", e->ask_name ? e->ask_name : "its official");
    if (e->ask_title) printf(", %s", e->ask_title);
    if (e->ask_email) printf(", %s", e->ask_email);
    printf("  (ekonet contact request %s --role %s --about indicator:%s ...)\n", e->code,
           e->ask_role ? e->ask_role : "official", code);
    for (size_t k = 0; k < e->n_reports; k++)
        printf("      report %s, %s: %s\n",
               e->reports[k]->id.len >= 6 ? out_short_id(id, e->reports[k]->id.data) : "?",
               out_time(date, sizeof date, e->reports[k]->timestamp_ms), e->reports[k]->title);
    if (e->report_count > e->n_reports)
        printf("      %u more: ekonet report list --member %s --indicator %s\n",
               e->report_count - (uint32_t)e->n_reports, e->code, code);
}

static void print_list(const struct ind_reader *rd, const Ekonet__Indicator *ind,
                       Ekonet__Example **v, size_t n, int improvement)
{
    for (size_t i = 0; i < n; i++) {
        const Ekonet__Example *e = v[i];
        printf("  %s (%s), ", e->name, e->code);
        if (improvement) {
            print_improvement(rd, e, ind);
            printf(", now ");
        }
        print_level(rd, e, ind);
        putchar('\n');
        print_contact(e, ind->code);
    }
}

static void print_you(const struct ind_reader *rd, const Ekonet__ExamplesReply *r)
{
    const Ekonet__Example *y = r->you;
    if (!y) {
        printf("\nYou: no value of %s published yet (ekonet indicators set YEAR %s=VALUE).\n",
               r->indicator->code, r->indicator->code);
        return;
    }
    printf("\nYou: %s (%s), ", y->name, y->code);
    print_level(rd, y, r->indicator);
    if (y->has_change) {
        printf("; ");
        print_improvement(rd, y, r->indicator);
    }
    printf(".\n");
}

static void examples_text(const struct cli *c, const Ekonet__ExamplesReply *r)
{
    struct ind_reader rd;
    ind_reader_init(&rd);
    const struct chart_words *w = chart_words(rd.lang);
    const Ekonet__Indicator *ind = r->indicator;
    char title[256];
    snprintf(title, sizeof title, "Good examples: %s %s", ind->code, ind_name(&rd, ind));
    out_bold(c, title);
    printf("\n%s; %s. %u member%s report%s it; a few to learn from, not a ranking.\n",
           ind_unit(&rd, ind), ind->lower_is_better ? w->lower_better : w->higher_better,
           r->members, r->members == 1 ? "" : "s", r->members == 1 ? "s" : "");
    printf("\nStrongest level:\n");
    if (r->n_best_value)
        print_list(&rd, ind, r->best_value, r->n_best_value, 0);
    else
        printf("  (no other member reports it yet)\n");
    printf("\nBiggest improvement over %u years:\n", r->has_years ? r->years : 5);
    if (r->n_best_change)
        print_list(&rd, ind, r->best_change, r->n_best_change, 1);
    else
        printf("  (nobody else improved, or has two years to compare)\n");
    print_you(&rd, r);
}

static cJSON *example_json(const Ekonet__Example *e, int decimals)
{
    char date[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "member", out_json_hex(e->member.data, e->member.len));
    cJSON_AddStringToObject(o, "name", e->name);
    cJSON_AddStringToObject(o, "code", e->code);
    cJSON_AddNumberToObject(o, "year", e->year);
    cJSON_AddNumberToObject(o, "value", numfmt_clean(e->value));
    cJSON_AddBoolToObject(o, "forced", e->forced);
    cJSON_AddBoolToObject(o, "preliminary", e->preliminary);
    if (e->has_from_year) {
        uint32_t years = e->year > e->from_year ? e->year - e->from_year : 1;
        cJSON_AddNumberToObject(o, "from_year", e->from_year);
        cJSON_AddNumberToObject(o, "from_value", numfmt_clean(e->from_value));
        cJSON_AddNumberToObject(o, "change", numfmt_clean(e->change));
        cJSON_AddNumberToObject(o, "change_per_year",
                                numfmt_round(e->change / years, decimals + 1));
    }
    cJSON *contact = cJSON_AddObjectToObject(o, "contact");
    cJSON_AddStringToObject(contact, "role", e->ask_role ? e->ask_role : "official");
    if (e->ask_name) cJSON_AddStringToObject(contact, "name", e->ask_name);
    if (e->ask_title) cJSON_AddStringToObject(contact, "title", e->ask_title);
    if (e->ask_email) cJSON_AddStringToObject(contact, "email", e->ask_email);
    cJSON_AddStringToObject(o, "ask_role", e->ask_role ? e->ask_role : "official");
    cJSON *reps = cJSON_AddArrayToObject(o, "reports");
    for (size_t k = 0; k < e->n_reports; k++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "id", out_json_hex(e->reports[k]->id.data, e->reports[k]->id.len));
        cJSON_AddStringToObject(r, "title", e->reports[k]->title);
        cJSON_AddStringToObject(r, "published",
                                out_time_iso(date, sizeof date, e->reports[k]->timestamp_ms));
        cJSON_AddItemToArray(reps, r);
    }
    cJSON_AddNumberToObject(o, "report_count", e->report_count);
    return o;
}

static cJSON *examples_json(const Ekonet__ExamplesReply *r)
{
    const Ekonet__Indicator *ind = r->indicator;
    int dec = ind_decimals(ind);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", ind->code);
    cJSON_AddStringToObject(o, "name_sv", ind->name_sv);
    cJSON_AddStringToObject(o, "name_en", ind->name_en);
    cJSON_AddStringToObject(o, "unit", ind->unit);
    cJSON_AddStringToObject(o, "better", ind->lower_is_better ? "lower" : "higher");
    cJSON_AddNumberToObject(o, "decimals", dec);
    cJSON_AddNumberToObject(o, "members", r->members);
    cJSON_AddNumberToObject(o, "years", r->has_years ? r->years : 5);
    cJSON *bv = cJSON_AddArrayToObject(o, "best_value");
    for (size_t i = 0; i < r->n_best_value; i++)
        cJSON_AddItemToArray(bv, example_json(r->best_value[i], dec));
    cJSON *bc = cJSON_AddArrayToObject(o, "best_change");
    for (size_t i = 0; i < r->n_best_change; i++)
        cJSON_AddItemToArray(bc, example_json(r->best_change[i], dec));
    cJSON_AddItemToObject(o, "you", r->you ? example_json(r->you, dec) : cJSON_CreateNull());
    return o;
}

int ind_examples(struct cli *c, int argc, char **argv)
{
    struct ind_view v;
    c->usage = usage_examples;
    int rc = ind_parse_view(c, argc, argv, &v, "years limit");
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
    if (c->json)
        out_json(examples_json(reply->examples));
    else
        examples_text(c, reply->examples);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
