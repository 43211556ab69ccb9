/*
 * ekonet report list | search | show: reading the knowledge bank. list and search take the
 * same filters; search ranks by relevance (title counts most, then summary, topics, body) and
 * shows the words found in context.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

#define FILTER_HELP                                                                                \
    "  --member M        one member's reports: SCB code, name or node id\n"                        \
    "  --topic T         reports with this topic\n"                                                \
    "  --indicator CODE  reports about this indicator, e.g. GN.7\n"                                \
    "  --since DATE      published on or after DATE (YYYY-MM-DD)\n"                                \
    "  --until DATE      published before DATE\n"                                                  \
    "  --kind KIND       experience or media\n"                                                    \
    "  --limit N         at most N (default and at most 1000); --offset N skips the first N\n"

static const char usage_list[] =
    "usage: ekonet report list [FILTERS] [--limit N | --all] [--offset N] [--json]\n"
    "\n"
    "Lists reports from every member, newest first; an edited report shows once, as its\n"
    "newest version; retracted reports do not show.\n"
    "\n" FILTER_HELP
    "  --all             every report from --offset on, asked of the node a page at a time\n"
    "  --page-size N     reports asked of the node at once with --all (default and at most\n"
    "                    1000)\n"
    "\n"
    "--json gives total (every report that matches), offset and the reports.\n";

static const char usage_search[] =
    "usage: ekonet report search WORDS... [FILTERS] [--limit N] [--offset N] [--json]\n"
    "\n"
    "Searches the title, summary, body and topics of every member's reports, best match\n"
    "first. Every word must occur; a word ending in * matches every word it begins\n"
    "(solcell* finds solceller). Case and diacritics do not matter: malmo finds Malmö.\n"
    "When a search matches very many reports, the newest 500 of them are ranked and the\n"
    "count stops at 5,000: add words to narrow it.\n"
    "\n" FILTER_HELP;

/* --version takes at most this: far more edits than one report ever gets, and a bound on what
   is sent to the node. */
#define REPORT_MAX_VERSIONS 1000000

static const char usage_show[] =
    "usage: ekonet report show ID [--version N] [--json]\n"
    "\n"
    "Shows one report in full, as its newest version. ID is the id of any of its versions\n"
    "(its stable id is the first version's) or a unique prefix of it (at least 4 hex digits),\n"
    "as 'ekonet report list' shows it; the text says \"Version 2 of 3\" and what it changed.\n"
    "\n"
    "  --version N   show version N (1 is the first) instead of the newest\n";

static const char *author_label(const Ekonet__ReportSummary *s, char *buf)
{
    if (s->author_name && *s->author_name) return s->author_name;
    return s->author.len == KEY_SIZE ? out_short_id(buf, s->author.data) : "?";
}

/* The snippet with its match marks as the output wants them: bold, ** or nothing. */
static char *snippet_text(const struct cli *c, const char *s, int json)
{
    size_t n = strlen(s);
    char *out = malloc(n * 5 + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        if (*s == '\x02' || *s == '\x03') {
            const char *mark = json ? "" : c->color ? (*s == '\x02' ? "\033[1m" : "\033[0m") : "**";
            o += sprintf(o, "%s", mark);
        } else if (*s == '\n' || *s == '\t') {
            *o++ = ' ';
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static cJSON *summary_json(const struct cli *c, const Ekonet__ReportSummary *s)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", out_json_hex(s->id.data, s->id.len));
    cJSON_AddItemToObject(o, "author", out_json_hex(s->author.data, s->author.len));
    if (s->author_name)
        cJSON_AddStringToObject(o, "author_name", s->author_name);
    else
        cJSON_AddNullToObject(o, "author_name");
    cJSON_AddNumberToObject(o, "seq", (double)s->seq);
    cJSON_AddNumberToObject(o, "timestamp_ms", (double)s->timestamp_ms);
    cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, s->timestamp_ms));
    cJSON_AddStringToObject(o, "kind", report_kind_str(s->kind));
    cJSON_AddStringToObject(o, "title", s->title);
    cJSON_AddStringToObject(o, "summary", s->summary ? s->summary : "");
    cJSON *t = cJSON_AddArrayToObject(o, "topics");
    for (size_t i = 0; i < s->n_topics; i++)
        cJSON_AddItemToArray(t, cJSON_CreateString(s->topics[i]));
    cJSON_AddNumberToObject(o, "versions", s->has_versions ? s->versions : 1);
    if (s->has_stable_id)
        cJSON_AddItemToObject(o, "stable_id", out_json_hex(s->stable_id.data, s->stable_id.len));
    else
        cJSON_AddNullToObject(o, "stable_id");
    if (s->snippet) {
        char *sn = snippet_text(c, s->snippet, 1);
        cJSON_AddStringToObject(o, "snippet", sn ? sn : "");
        free(sn);
        cJSON_AddNumberToObject(o, "rank", s->rank);
    }
    return o;
}

int report_filter_option(struct cli *c, int ch, const char *arg, Ekonet__ReportListRequest *lr,
                         int *rc)
{
    *rc = CLI_CONTINUE;
    uint64_t ms;
    switch (ch) {
    case REPORT_O_MEMBER:
        lr->member = (char *)arg;
        return 1;
    case REPORT_O_TOPIC:
        lr->topic = (char *)arg;
        return 1;
    case REPORT_O_INDICATOR:
        lr->indicator = (char *)arg;
        return 1;
    case REPORT_O_SINCE:
    case REPORT_O_UNTIL:
        if (cli_parse_time(arg, &ms) < 0)
            *rc = cli_usage_error(c, "--%s needs a date like 2026-11-26, not \"%s\"",
                                  ch == REPORT_O_SINCE ? "since" : "until", arg);
        else if (ch == REPORT_O_SINCE)
            lr->has_since_ms = 1, lr->since_ms = ms;
        else
            lr->has_until_ms = 1, lr->until_ms = ms;
        return 1;
    case REPORT_O_KIND:
        if (!(lr->kind = (Ekonet__ReportKind)report_kind_parse(arg)))
            *rc = cli_usage_error(c, "--kind must be experience or media");
        lr->has_kind = 1;
        return 1;
    default:
        return 0;
    }
}

int report_parse_count(struct cli *c, const char *name, const char *arg, long min, long max,
                       uint32_t *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < min || v > max)
        return cli_usage_error(c, "--%s must be a number from %ld to %ld, not \"%s\"", name, min,
                               max, arg);
    *out = (uint32_t)v;
    return CLI_CONTINUE;
}

int report_list_page(struct cli *c, Ekonet__ReportListRequest *lr, uint32_t offset, uint32_t limit,
                     Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    lr->has_offset = 1, lr->offset = offset;
    lr->has_limit = 1, lr->limit = limit;
    req.op_case = EKONET__API_REQUEST__OP_REPORT_LIST;
    req.report_list = lr;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_REPORT_LIST, reply);
}

/* What list and search were asked for beyond the filters. */
struct query {
    uint32_t limit, offset, page;
    int all;
};

/* Options of list and search: filters, limit, offset; the words to search for, if searching. */
static int parse_query(struct cli *c, int argc, char **argv, Ekonet__ReportListRequest *lr,
                       struct query *q, char *words, size_t size, int search)
{
    enum { O_LIMIT = REPORT_O_NEXT, O_OFFSET, O_ALL, O_PAGE };
    static const struct option opts_list[] = {
        CLI_COMMON_OPTIONS,
        REPORT_FILTER_OPTIONS,
        {"limit", required_argument, NULL, O_LIMIT},
        {"offset", required_argument, NULL, O_OFFSET},
        {"all", no_argument, NULL, O_ALL},
        {"page-size", required_argument, NULL, O_PAGE},
        {NULL, 0, NULL, 0},
    };
    static const struct option opts_search[] = {
        CLI_COMMON_OPTIONS,
        REPORT_FILTER_OPTIONS,
        {"limit", required_argument, NULL, O_LIMIT},
        {"offset", required_argument, NULL, O_OFFSET},
        {NULL, 0, NULL, 0},
    };
    const struct option *opts = search ? opts_search : opts_list;
    int ch, rc = CLI_CONTINUE, limited = 0;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg) || report_filter_option(c, ch, optarg, lr, &rc))
            continue;
        if (ch == O_LIMIT)
            limited = 1, rc = report_parse_count(c, "limit", optarg, 1, REPORT_PAGE_MAX, &q->limit);
        else if (ch == O_OFFSET)
            rc = report_parse_count(c, "offset", optarg, 0, REPORT_OFFSET_MAX, &q->offset);
        else if (ch == O_PAGE)
            rc = report_parse_count(c, "page-size", optarg, 1, REPORT_PAGE_MAX, &q->page);
        else if (ch == O_ALL)
            q->all = 1;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (rc != CLI_CONTINUE) return rc;
    if (q->all && limited) return cli_usage_error(c, "give --limit or --all, not both");
    words[0] = '\0';
    for (; optind < argc; optind++) {
        if (!search) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
        if (strlen(words) + strlen(argv[optind]) + 2 > size)
            return cli_usage_error(c, "too many words");
        if (words[0]) strcat(words, " ");
        strcat(words, argv[optind]);
    }
    if (search && !words[0]) return cli_usage_error(c, "give the words to search for");
    if (search) lr->query = words;
    return CLI_CONTINUE;
}

/* The column heads and the width of the title column. */
static int print_head(const struct cli *c)
{
    int cols = out_columns(), titlew = cols - 12 - 2 - 16 - 2 - 18 - 2;
    if (titlew < 20) titlew = 20;
    char head[128];
    snprintf(head, sizeof head, "%-12s  %-16s  %-18s  %s", "ID", "DATE", "MEMBER", "TITLE");
    out_bold(c, head);
    putchar('\n');
    return titlew;
}

static void print_rows(const struct cli *c, const Ekonet__ReportListReply *l, int titlew)
{
    for (size_t i = 0; i < l->n_reports; i++) {
        const Ekonet__ReportSummary *s = l->reports[i];
        char sid[16], when[32], who[16];
        printf("%-12s  %-16s  ", s->id.len == ID_SIZE ? out_short_id(sid, s->id.data) : "?",
               out_time(when, sizeof when, s->timestamp_ms));
        out_cell(author_label(s, who), 18, 1);
        printf("  ");
        out_cell(s->title, titlew, 0);
        putchar('\n');
        if (s->snippet) {
            char *sn = snippet_text(c, s->snippet, 0);
            printf("%14s", "");
            fputs(sn ? sn : "", stdout);
            putchar('\n');
            free(sn);
        }
    }
}

/* What list and search print after the rows: how many there are past those shown. */
static void print_foot(const Ekonet__ReportListReply *l, size_t shown, uint32_t offset, int search)
{
    if (search && l->total >= 5000)
        printf("(%zu shown of 5,000 or more matches; add words to narrow the search)\n", shown);
    else if (l->total > offset + shown)
        printf("(%zu of %llu shown, from %u; use --limit and --offset, or --all, for more)\n",
               shown, (unsigned long long)l->total, offset + 1);
}

/* One page, or (all) every page from q->offset on: JSON or the table. */
static int print_pages(struct cli *c, Ekonet__ReportListRequest *lr, const struct query *q,
                       int search)
{
    cJSON *o = c->json ? cJSON_CreateObject() : NULL, *arr = NULL;
    uint32_t offset = q->offset, page = q->all ? q->page : q->limit;
    size_t shown = 0;
    int titlew = 0, rc;
    Ekonet__ApiReply *reply;
    for (;;) {
        if ((rc = report_list_page(c, lr, offset, page, &reply)) != EXIT_OK) break;
        const Ekonet__ReportListReply *l = reply->report_list;
        if (o && !arr) {
            cJSON_AddNumberToObject(o, "total", (double)l->total);
            cJSON_AddNumberToObject(o, "offset", q->offset);
            cJSON_AddNumberToObject(o, "query_us", (double)l->query_us);
            arr = cJSON_AddArrayToObject(o, "reports");
        }
        for (size_t i = 0; o && i < l->n_reports; i++)
            cJSON_AddItemToArray(arr, summary_json(c, l->reports[i]));
        if (!o && l->n_reports && !titlew) titlew = print_head(c);
        if (!o) print_rows(c, l, titlew);
        shown += l->n_reports, offset += (uint32_t)l->n_reports;
        int more = q->all && l->n_reports == page && offset < l->total;
        if (!more && !o && shown == 0)
            printf(search ? "No report matches.\n"
                          : "No reports. Publish one with: ekonet report add --title TITLE\n");
        else if (!more && !o)
            print_foot(l, shown, q->offset, search);
        ekonet__api_reply__free_unpacked(reply, NULL);
        if (!more) break;
    }
    if (o && rc == EXIT_OK)
        out_json(o);
    else if (o)
        cJSON_Delete(o);
    return rc;
}

static int run_query(struct cli *c, int argc, char **argv, int search)
{
    Ekonet__ReportListRequest lr = EKONET__REPORT_LIST_REQUEST__INIT;
    struct query q = {REPORT_LIST_DEFAULT, 0, REPORT_PAGE_MAX, 0};
    char words[1024];
    int rc = parse_query(c, argc, argv, &lr, &q, words, sizeof words, search);
    if (rc != CLI_CONTINUE) return rc;
    return print_pages(c, &lr, &q, search);
}

int report_list(struct cli *c, int argc, char **argv)
{
    c->usage = usage_list;
    return run_query(c, argc, argv, 0);
}

int report_search(struct cli *c, int argc, char **argv)
{
    c->usage = usage_search;
    return run_query(c, argc, argv, 1);
}

/* "Version 2 of 3, changed: title, body", the stable id, and how to see the others. */
static void show_version_text(const struct cli *c, const Ekonet__ReportGetReply *g)
{
    const Ekonet__ReportSummary *m = g->meta;
    uint32_t v = g->has_version ? g->version : 1, n = g->has_version_count ? g->version_count : v;
    char id[ID_HEX];
    if (n <= 1) return;
    printf("\n");
    char line[64];
    snprintf(line, sizeof line, "Version %u of %u", v, n);
    out_bold(c, line);
    if (g->n_changed) {
        printf(", changed: ");
        for (size_t i = 0; i < g->n_changed; i++) printf("%s%s", i ? ", " : "", g->changed[i]);
    } else if (v > 1)
        printf(", nothing changed but the date");
    printf(".\n");
    if (m->has_stable_id && m->stable_id.len == ID_SIZE)
        printf("Stable id %s; 'ekonet report show %.8s --version N' shows another version.\n",
               hex_encode(id, m->stable_id.data, ID_SIZE), id);
    if (v < n) printf("This is not the newest version: it is %u of %u.\n", v, n);
}

static void show_text(const struct cli *c, const Ekonet__ReportGetReply *g)
{
    const Ekonet__ReportSummary *m = g->meta;
    const Ekonet__Report *r = g->report;
    char when[32], who[16], id[ID_HEX];
    out_bold(c, r->title);
    printf("\n%s · %s · %s report · seq %llu\n", author_label(m, who),
           out_time(when, sizeof when, m->timestamp_ms), report_kind_str(m->kind),
           (unsigned long long)m->seq);
    printf("id %s\n", m->id.len == ID_SIZE ? hex_encode(id, m->id.data, ID_SIZE) : "?");
    if (r->n_topics) {
        printf("Topics: ");
        for (size_t i = 0; i < r->n_topics; i++) printf("%s%s", i ? ", " : "", r->topics[i]);
        putchar('\n');
    }
    if (r->n_indicators) {
        printf("Indicators: ");
        for (size_t i = 0; i < r->n_indicators; i++)
            printf("%s%s", i ? ", " : "", r->indicators[i]);
        putchar('\n');
    }
    if (r->period) printf("Period: %s\n", r->period);
    if (r->language) printf("Language: %s\n", r->language);
    if (r->summary && *r->summary) printf("\n%s\n", r->summary);
    if (r->body && *r->body)
        printf("\n%s%s", r->body, r->body[strlen(r->body) - 1] == '\n' ? "" : "\n");
    if (r->n_attachments) {
        printf("\n");
        out_bold(c, "Attachments");
        putchar('\n');
        for (size_t i = 0; i < r->n_attachments; i++)
            printf("  [%s] %s\n         %s\n", attachment_kind_str(r->attachments[i]->kind),
                   r->attachments[i]->title, r->attachments[i]->url);
    }
    show_version_text(c, g);
}

cJSON *report_full_json(const Ekonet__ReportGetReply *g)
{
    const Ekonet__Report *r = g->report;
    cJSON *o = summary_json(NULL, g->meta);
    cJSON_AddStringToObject(o, "body", r->body ? r->body : "");
    cJSON *ind = cJSON_AddArrayToObject(o, "indicators");
    for (size_t i = 0; i < r->n_indicators; i++)
        cJSON_AddItemToArray(ind, cJSON_CreateString(r->indicators[i]));
    if (r->language)
        cJSON_AddStringToObject(o, "language", r->language);
    else
        cJSON_AddNullToObject(o, "language");
    if (r->period)
        cJSON_AddStringToObject(o, "period", r->period);
    else
        cJSON_AddNullToObject(o, "period");
    cJSON *att = cJSON_AddArrayToObject(o, "attachments");
    for (size_t i = 0; i < r->n_attachments; i++) {
        const Ekonet__Attachment *a = r->attachments[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "kind", attachment_kind_str(a->kind));
        cJSON_AddStringToObject(x, "url", a->url);
        cJSON_AddStringToObject(x, "title", a->title);
        if (a->has_size) cJSON_AddNumberToObject(x, "size", (double)a->size);
        if (a->has_hash) cJSON_AddItemToObject(x, "hash", out_json_hex(a->hash.data, a->hash.len));
        cJSON_AddItemToArray(att, x);
    }
    if (r->has_supersedes)
        cJSON_AddItemToObject(o, "supersedes", out_json_hex(r->supersedes.data, r->supersedes.len));
    else
        cJSON_AddNullToObject(o, "supersedes");
    cJSON_AddNumberToObject(o, "entry_size", (double)g->entry_size);
    cJSON_AddNumberToObject(o, "version", g->has_version ? g->version : 1);
    cJSON_AddNumberToObject(o, "version_count", g->has_version_count ? g->version_count : 1);
    cJSON *ch = cJSON_AddArrayToObject(o, "changed");
    for (size_t i = 0; i < g->n_changed; i++)
        cJSON_AddItemToArray(ch, cJSON_CreateString(g->changed[i]));
    return o;
}

int report_show(struct cli *c, int argc, char **argv)
{
    enum { O_VERSION = OPT_FIRST_COMMAND_OPTION };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"version", required_argument, NULL, O_VERSION}, {NULL, 0, NULL, 0}};
    unsigned long version = 0;
    int ch, rc;
    c->usage = usage_show;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == 'h') return cli_help(c);
        if (ch != O_VERSION) return cli_bad_option(c, argv, opts);
        char *end;
        version = strtoul(optarg, &end, 10);
        if (!*optarg || *end || version < 1 || version > REPORT_MAX_VERSIONS)
            return cli_usage_error(c, "--version must be a number from 1 to %d, not \"%s\"",
                                   REPORT_MAX_VERSIONS, optarg);
    }
    if (optind >= argc) return cli_usage_error(c, "give the report's ID");
    if (optind + 1 < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
    Ekonet__ApiReply *reply;
    if ((rc = cli_get_report_version(c, argv[optind], (uint32_t)version, 0, &reply)) != EXIT_OK)
        return rc;
    if (c->json)
        out_json(report_full_json(reply->report_get));
    else
        show_text(c, reply->report_get);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
