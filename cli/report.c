/*
 * ekonet report: the knowledge bank. add publishes an experience report in this node's
 * feed; list and show read what the node holds, from every member.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet report COMMAND [OPTIONS]\n"
    "\n"
    "Experience reports: what a member did and learnt, with links to lectures, slides,\n"
    "films and media coverage.\n"
    "\n"
    "  add    publish a report from this node\n"
    "  list   list reports, newest first\n"
    "  show   show one report in full\n"
    "\n"
    "Run 'ekonet report COMMAND --help' for a command's options.\n";

static const char usage_add[] =
    "usage: ekonet report add --title TITLE [OPTIONS]\n"
    "\n"
    "Publishes an experience report in this node's feed. The body is Markdown, taken from\n"
    "--body, --body-file, standard input when it is not a terminal, or else $EDITOR.\n"
    "\n"
    "  --title TITLE           one line (required)\n"
    "  --summary TEXT          a short summary shown in lists\n"
    "  --body TEXT             the body\n"
    "  --body-file FILE        read the body from FILE ('-' for standard input)\n"
    "  --topic TOPIC           a topic, e.g. energy (repeatable)\n"
    "  --indicator CODE        a related indicator code, e.g. GN.7 (repeatable)\n"
    "  --attach KIND:URL:TITLE a link to a lecture, slides, film, document, media or link;\n"
    "                          the title may contain ':' (repeatable)\n"
    "  --language TAG          the report's language (default sv)\n"
    "  --period YEARS          the period it covers: 2023 or 2019-2023\n"
    "  --kind KIND             experience (default) or media\n"
    "  --json                  print the published entry as JSON\n";

static const char usage_list[] =
    "usage: ekonet report list [--member NODE_ID] [--limit N] [--json]\n"
    "\n"
    "Lists reports from every member, newest first; an edited report shows once, as its\n"
    "newest version.\n"
    "\n"
    "  --member NODE_ID  only this member's reports (its 64-digit node id)\n"
    "  --limit N         at most N reports (default 50, at most 1000)\n";

static const char usage_show[] =
    "usage: ekonet report show ID [--json]\n"
    "\n"
    "Shows one report in full. ID is the report's id or a unique prefix of it (at least\n"
    "4 hex digits), as 'ekonet report list' shows it.\n";

/* A growable list of strings taken from repeated options (borrowed from argv). */
struct strlist {
    char **v;
    size_t n;
};

static int strlist_add(struct strlist *l, char *s)
{
    char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->v[l->n++] = s;
    return 0;
}

/*
 * Parses KIND:URL:TITLE. The URL ends at the first ':' after its scheme that does not start
 * a port (a ':' followed by digits and then '/', ':' or the end), so titles may contain ':'.
 */
static int parse_attach(struct cli *c, char *spec, Ekonet__Attachment *a)
{
    char *colon = strchr(spec, ':');
    if (!colon) return cli_usage_error(c, "--attach needs KIND:URL:TITLE, got \"%s\"", spec);
    *colon = '\0';
    int kind = attachment_kind_parse(spec);
    if (!kind)
        return cli_usage_error(c,
                               "unknown attachment kind \"%s\" (lecture, slides, film, "
                               "document, media or link)",
                               spec);
    char *url = colon + 1, *p = strstr(url, "://");
    p = p ? p + 3 : url;
    for (; (p = strchr(p, ':')) != NULL; p++) {
        size_t digits = strspn(p + 1, "0123456789");
        char after = p[1 + digits];
        if (digits > 0 && (after == '/' || after == ':' || after == '\0')) continue; /* a port */
        break;
    }
    if (!p || !p[1])
        return cli_usage_error(c, "--attach needs a title after the URL: KIND:URL:TITLE");
    *p = '\0';
    ekonet__attachment__init(a);
    a->kind = (Ekonet__AttachmentKind)kind;
    a->url = url;
    a->title = p + 1;
    return CLI_CONTINUE;
}

/* Opens $VISUAL or $EDITOR on an empty file and returns what was written (caller frees). */
static int body_from_editor(struct cli *c, char **body)
{
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) editor = getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    const char *tmpdir = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ekonet-report-XXXXXX.md", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(path, 3);
    if (fd < 0) return cli_fail(c, "cannot create a temporary file: %s", strerror(errno));
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "$0 \"$1\"", editor, path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(path);
        return cli_fail(c, "the editor (%s) did not finish successfully; nothing was published",
                        editor);
    }
    struct errbuf err;
    int rc = file_read_all(path, REPORT_MAX_BODY, body, NULL, &err);
    unlink(path);
    return rc < 0 ? cli_fail(c, "%s", err.msg) : CLI_CONTINUE;
}

static int read_body(struct cli *c, const char *file, char **body)
{
    struct errbuf err;
    if (file && strcmp(file, "-") != 0) {
        if (file_read_all(file, REPORT_MAX_BODY, body, NULL, &err) < 0)
            return cli_fail(c, "%s", err.msg);
        return CLI_CONTINUE;
    }
    if (file || !isatty(STDIN_FILENO)) {
        if (file_read_stream(STDIN_FILENO, "standard input", REPORT_MAX_BODY, body, NULL, &err) < 0)
            return cli_fail(c, "%s", err.msg);
        return CLI_CONTINUE;
    }
    return body_from_editor(c, body);
}

/* Sends a publish request for content of kind and prints the result. */
static int publish(struct cli *c, uint32_t kind, const uint8_t *content, size_t len,
                   const char *what)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PublishRequest p = EKONET__PUBLISH_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PUBLISH;
    req.publish = &p;
    p.kind = kind;
    p.content = (ProtobufCBinaryData){len, (uint8_t *)content};
    Ekonet__ApiReply *reply;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_PUBLISH, &reply);
    if (rc != EXIT_OK) return rc;
    if (reply->publish->id.len != ID_SIZE) {
        ekonet__api_reply__free_unpacked(reply, NULL);
        return cli_fail(c, "the node sent an unexpected reply");
    }
    const Ekonet__PublishReply *r = reply->publish;
    char id[ID_HEX], iso[40];
    hex_encode(id, r->id.data, ID_SIZE);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddNumberToObject(o, "seq", (double)r->seq);
        cJSON_AddNumberToObject(o, "timestamp_ms", (double)r->timestamp_ms);
        cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, r->timestamp_ms));
        out_json(o);
    } else {
        printf("Published %s %.12s (seq %llu)\n", what, id, (unsigned long long)r->seq);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int report_add(struct cli *c, int argc, char **argv)
{
    enum {
        O_TITLE = OPT_FIRST_COMMAND_OPTION,
        O_SUMMARY,
        O_BODY,
        O_BODY_FILE,
        O_TOPIC,
        O_INDICATOR,
        O_ATTACH,
        O_LANGUAGE,
        O_PERIOD,
        O_KIND
    };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"title", required_argument, NULL, O_TITLE},
        {"summary", required_argument, NULL, O_SUMMARY},
        {"body", required_argument, NULL, O_BODY},
        {"body-file", required_argument, NULL, O_BODY_FILE},
        {"topic", required_argument, NULL, O_TOPIC},
        {"indicator", required_argument, NULL, O_INDICATOR},
        {"attach", required_argument, NULL, O_ATTACH},
        {"language", required_argument, NULL, O_LANGUAGE},
        {"period", required_argument, NULL, O_PERIOD},
        {"kind", required_argument, NULL, O_KIND},
        {NULL, 0, NULL, 0},
    };
    Ekonet__Report r = EKONET__REPORT__INIT;
    struct strlist topics = {0}, indicators = {0}, attach = {0};
    const char *body_file = NULL;
    char *body = NULL;
    Ekonet__Attachment *atts = NULL, **attp = NULL;
    uint8_t *buf = NULL;
    int ch, rc = CLI_CONTINUE;
    c->usage = usage_add;
    r.language = "sv";
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_TITLE:
            r.title = optarg;
            break;
        case O_SUMMARY:
            r.summary = optarg;
            break;
        case O_BODY:
            r.body = optarg;
            break;
        case O_BODY_FILE:
            body_file = optarg;
            break;
        case O_TOPIC:
            if (strlist_add(&topics, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case O_INDICATOR:
            if (strlist_add(&indicators, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case O_ATTACH:
            if (strlist_add(&attach, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case O_LANGUAGE:
            r.language = optarg;
            break;
        case O_PERIOD:
            r.period = optarg;
            break;
        case O_KIND:
            r.has_kind = 1;
            r.kind = (Ekonet__ReportKind)report_kind_parse(optarg);
            if (!r.kind) rc = cli_usage_error(c, "--kind must be experience or media");
            break;
        case 'h':
            rc = cli_help(c);
            break;
        default:
            rc = cli_usage_error(c, "unknown option");
        }
    }
    if (rc != CLI_CONTINUE) goto out;
    if (optind < argc) {
        rc = cli_usage_error(c, "unexpected argument \"%s\" (give the title with --title)",
                             argv[optind]);
        goto out;
    }
    if (!r.title) {
        rc = cli_usage_error(c, "--title is required");
        goto out;
    }
    if (r.body && body_file) {
        rc = cli_usage_error(c, "give the body with --body or --body-file, not both");
        goto out;
    }
    if (!r.body) {
        if ((rc = read_body(c, body_file, &body)) != CLI_CONTINUE) goto out;
        r.body = body;
    }
    r.n_topics = topics.n;
    r.topics = topics.v;
    r.n_indicators = indicators.n;
    r.indicators = indicators.v;
    atts = calloc(attach.n + 1, sizeof *atts);
    attp = calloc(attach.n + 1, sizeof *attp);
    if (!atts || !attp) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < attach.n && rc == CLI_CONTINUE; i++) {
        rc = parse_attach(c, attach.v[i], &atts[i]);
        attp[i] = &atts[i];
    }
    if (rc != CLI_CONTINUE) goto out;
    r.n_attachments = attach.n;
    r.attachments = attp;

    struct errbuf err;
    if (report_validate(&r, &err) < 0) {
        rc = cli_fail(c, "%s; nothing was published", err.msg);
        goto out;
    }
    size_t len = ekonet__report__get_packed_size(&r);
    buf = malloc(len ? len : 1);
    if (!buf) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    ekonet__report__pack(&r, buf);
    rc = publish(c, EKONET__ENTRY_KIND__KIND_REPORT, buf, len, "report");
out:
    free(buf);
    free(body);
    free(atts);
    free(attp);
    free(topics.v);
    free(indicators.v);
    free(attach.v);
    return rc;
}

static const char *author_label(const Ekonet__ReportSummary *s, char *buf)
{
    if (s->author_name && *s->author_name) return s->author_name;
    return s->author.len == KEY_SIZE ? out_short_id(buf, s->author.data) : "?";
}

static cJSON *summary_json(const Ekonet__ReportSummary *s)
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
    return o;
}

static int report_list(struct cli *c, int argc, char **argv)
{
    enum { O_MEMBER = OPT_FIRST_COMMAND_OPTION, O_LIMIT };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"member", required_argument, NULL, O_MEMBER},
        {"limit", required_argument, NULL, O_LIMIT},
        {NULL, 0, NULL, 0},
    };
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ReportListRequest lr = EKONET__REPORT_LIST_REQUEST__INIT;
    uint8_t member[KEY_SIZE];
    int ch;
    c->usage = usage_list;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_MEMBER:
            if (hex_decode(member, KEY_SIZE, optarg) < 0)
                return cli_usage_error(c, "--member needs a node id (64 hex digits)");
            lr.has_author = 1;
            lr.author = (ProtobufCBinaryData){KEY_SIZE, member};
            break;
        case O_LIMIT: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000) return cli_usage_error(c, "--limit must be 1 to 1000");
            lr.has_limit = 1;
            lr.limit = (uint32_t)n;
            break;
        }
        case 'h':
            return cli_help(c);
        default:
            return cli_usage_error(c, "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    req.op_case = EKONET__API_REQUEST__OP_REPORT_LIST;
    req.report_list = &lr;
    Ekonet__ApiReply *reply;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_REPORT_LIST, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__ReportListReply *l = reply->report_list;
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "total", (double)l->total);
        cJSON *arr = cJSON_AddArrayToObject(o, "reports");
        for (size_t i = 0; i < l->n_reports; i++)
            cJSON_AddItemToArray(arr, summary_json(l->reports[i]));
        out_json(o);
    } else if (l->n_reports == 0) {
        printf("No reports yet. Publish one with: ekonet report add --title TITLE\n");
    } else {
        int titlew = out_columns() - 12 - 2 - 16 - 2 - 18 - 2;
        if (titlew < 20) titlew = 20;
        char head[128];
        snprintf(head, sizeof head, "%-12s  %-16s  %-18s  %s", "ID", "DATE", "MEMBER", "TITLE");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < l->n_reports; i++) {
            const Ekonet__ReportSummary *s = l->reports[i];
            char sid[16], when[32], who[16];
            printf("%-12s  %-16s  ", s->id.len == ID_SIZE ? out_short_id(sid, s->id.data) : "?",
                   out_time(when, sizeof when, s->timestamp_ms));
            out_cell(author_label(s, who), 18, 1);
            printf("  ");
            out_cell(s->title, titlew, 0);
            putchar('\n');
        }
        if (l->total > l->n_reports)
            printf("(%zu of %llu shown; use --limit for more)\n", l->n_reports,
                   (unsigned long long)l->total);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
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
    if (m->has_versions && m->versions > 1)
        printf("\nThis is version %u: it supersedes %u earlier version%s.\n", m->versions,
               m->versions - 1, m->versions == 2 ? "" : "s");
}

static void show_json(const Ekonet__ReportGetReply *g)
{
    const Ekonet__Report *r = g->report;
    cJSON *o = summary_json(g->meta);
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
    out_json(o);
}

static int report_show(struct cli *c, int argc, char **argv)
{
    c->usage = usage_show;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the report's ID");
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ReportGetRequest gr = EKONET__REPORT_GET_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_REPORT_GET;
    req.report_get = &gr;
    gr.id = argv[optind];
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_REPORT_GET, &reply)) != EXIT_OK)
        return rc;
    if (c->json)
        show_json(reply->report_get);
    else
        show_text(c, reply->report_get);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", report_add}, {"list", report_list}, {"show", report_show}, {NULL, NULL}};
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
