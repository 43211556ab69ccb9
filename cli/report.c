/*
 * ekonet report: the knowledge bank. This file holds what publishes (add, edit, retract,
 * redact) and the group's dispatch; report_read.c what reads (list, search, show).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/text.h"
#include "ekonet/key.h"
#include "report_template.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet report COMMAND [OPTIONS]\n"
    "\n"
    "Experience reports: what a member did and learnt, with links to lectures, slides,\n"
    "films and media coverage.\n"
    "\n"
    "  add      publish a report from this node\n"
    "  edit     publish a new version of one of this node's reports\n"
    "  list     list reports, newest first, with filters\n"
    "  search   search reports (title, summary, body, topics), best match first\n"
    "  show     show one report in full\n"
    "  export   write reports to a file or directory: JSON Lines, CSV or Markdown\n"
    "  retract  withdraw one of this node's reports (all its versions), everywhere\n"
    "  redact   erase the content of one of this node's entries on every node\n"
    "\n"
    "Run 'ekonet report COMMAND --help' for a command's options.\n";

#define FIELD_HELP                                                                                 \
    "  --title TITLE           one line\n"                                                         \
    "  --summary TEXT          a short summary shown in lists\n"                                   \
    "  --body TEXT             the body (Markdown)\n"                                              \
    "  --body-file FILE        read the body from FILE ('-' for standard input)\n"                 \
    "  --topic TOPIC           a topic, e.g. energi (repeatable)\n"                                \
    "  --indicator CODE        a related indicator code, e.g. GN.7 (repeatable)\n"                 \
    "  --attach KIND:URL:TITLE a link to a lecture, slides, film, document, media or link;\n"      \
    "                          the URL may have a port, the title may contain ':' (repeatable)\n"  \
    "  --language TAG          the report's language (default sv)\n"                               \
    "  --period YEARS          the period it covers: 2023 or 2019-2023\n"                          \
    "  --kind KIND             experience (default) or media (press coverage: needs a link)\n"     \
    "  --edit                  open $EDITOR on a template of the report, even when the body\n"     \
    "                          comes from an option or a file\n"                                   \
    "  --json                  print the published entry as JSON\n"                                \
    "\n"                                                                                           \
    "Limits, in characters: title 1-300 (not only spaces), summary 4000, body 200000, 20\n"        \
    "topics of 80. Text is UTF-8 with no control characters (tab and newline allowed in the\n"     \
    "summary and body); a NUL byte or another control character is refused with its line and\n"    \
    "column, never cut at. An empty body or an unchanged template in the editor publishes\n"       \
    "nothing.\n"

static const char usage_add[] =
    "usage: ekonet report add --title TITLE [OPTIONS]\n"
    "\n"
    "Publishes an experience report in this node's feed. The body is Markdown, taken from\n"
    "--body, --body-file, standard input when it is not a terminal, or else $EDITOR, which\n"
    "opens a template of the title, summary, topics, indicators and body.\n"
    "\n" FIELD_HELP;

static const char usage_edit[] =
    "usage: ekonet report edit ID [OPTIONS]\n"
    "\n"
    "Publishes a new version of one of this node's reports: what is given replaces what the\n"
    "report says (a repeated option replaces the whole list); the rest stays. With no option\n"
    "on a terminal (or with --edit), $EDITOR opens a template of the report as it stands.\n"
    "Lists show the newest version; 'report show' tells that there are earlier ones.\n"
    "\n" FIELD_HELP;

static const char usage_retract[] =
    "usage: ekonet report retract ID [--reason TEXT]\n"
    "\n"
    "Withdraws one of this node's reports, with all its versions, from the knowledge bank on\n"
    "every node. The entries stay in the feed; use 'report redact' to erase content.\n";

static const char usage_redact[] =
    "usage: ekonet report redact ID --reason TEXT\n"
    "\n"
    "Erases the content of one of this node's entries (a report, an event, ...) on every node,\n"
    "for personal data published by mistake. The entry's header stays, so the feed still\n"
    "verifies; the content bytes are removed from every node's database. It cannot be undone.\n";

/* What the user gave on the command line for a report; NULL or 0: not given. */
struct fields {
    const char *title, *summary, *body, *body_file, *language, *period;
    int kind, edit;
    struct strlist topics, indicators, attach;
    const char *operand;
};

static void fields_free(struct fields *f)
{
    free(f->topics.v);
    free(f->indicators.v);
    free(f->attach.v);
}

static int parse_fields(struct cli *c, int argc, char **argv, struct fields *f)
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
        O_KIND,
        O_EDIT
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
        {"edit", no_argument, NULL, O_EDIT},
        {NULL, 0, NULL, 0},
    };
    int ch;
    memset(f, 0, sizeof *f);
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_TITLE:
            f->title = optarg;
            break;
        case O_SUMMARY:
            f->summary = optarg;
            break;
        case O_BODY:
            f->body = optarg;
            break;
        case O_BODY_FILE:
            f->body_file = optarg;
            break;
        case O_LANGUAGE:
            f->language = optarg;
            break;
        case O_PERIOD:
            f->period = optarg;
            break;
        case O_TOPIC:
        case O_INDICATOR:
        case O_ATTACH: {
            struct strlist *l = ch == O_TOPIC       ? &f->topics
                                : ch == O_INDICATOR ? &f->indicators
                                                    : &f->attach;
            if (strlist_add(l, optarg) < 0) return cli_fail(c, "out of memory");
            break;
        }
        case O_KIND:
            if (!(f->kind = report_kind_parse(optarg)))
                return cli_usage_error(c, "--kind must be experience or media");
            break;
        case O_EDIT:
            f->edit = 1;
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind < argc) f->operand = argv[optind++];
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (f->body && f->body_file)
        return cli_usage_error(c, "give the body with --body or --body-file, not both");
    return CLI_CONTINUE;
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

/* Checks a body read from what (a file's name): text with no NUL or control character. */
static int check_body(struct cli *c, const char *what, const char *body, size_t len)
{
    struct text_fault f;
    char where[80];
    if (text_find_fault(body, len, "\t\n", &f))
        return cli_fail(c, "%s: %s; nothing was published", what,
                        text_fault_str(&f, where, sizeof where));
    return CLI_CONTINUE;
}

/* The body from --body-file FILE, or standard input for '-' or NULL. */
static int read_body(struct cli *c, const char *file, char **body)
{
    struct errbuf err;
    size_t len = 0;
    int stdin_ = !file || strcmp(file, "-") == 0;
    int rc = stdin_ ? file_read_stream(STDIN_FILENO, "standard input", REPORT_MAX_BODY_BYTES, body,
                                       &len, &err)
                    : file_read_all(file, REPORT_MAX_BODY_BYTES, body, &len, &err);
    if (rc < 0) return cli_fail(c, "%s; nothing was published", err.msg);
    len = text_unix_newlines(*body, len); /* a file saved on Windows */
    return check_body(c, stdin_ ? "standard input" : file, *body, len);
}

/* True if the command gives no field of the report (an edit of nothing yet). */
static int no_field_given(const struct fields *f)
{
    return !f->title && !f->summary && !f->body && !f->body_file && !f->language && !f->period &&
           !f->kind && !f->topics.n && !f->indicators.n && !f->attach.n;
}

/* Whether $EDITOR takes the report: asked for, or no body given on a terminal (an add), or
   nothing given on a terminal (an edit). */
static int wants_editor(const struct fields *f, int editing)
{
    if (f->edit) return 1;
    if (f->body || f->body_file || !isatty(STDIN_FILENO)) return 0;
    return !editing || no_field_given(f);
}

/* Puts what was saved in the editor over r; the draft keeps owning the strings. */
static void apply_draft(Ekonet__Report *r, const struct report_draft *d)
{
    r->title = d->title;
    r->summary = d->summary;
    r->body = d->body;
    r->n_topics = d->topics.n;
    r->topics = d->topics.v;
    r->n_indicators = d->indicators.n;
    r->indicators = d->indicators.v;
}

/*
 * Puts the fields given over r (a new report, or the one being edited), validates it and
 * publishes it; supersedes is the id of the version it replaces, or NULL.
 */
static int publish_report(struct cli *c, Ekonet__Report *r, struct fields *f,
                          const uint8_t *supersedes)
{
    char *body = NULL;
    Ekonet__Attachment *atts = NULL, **attp = NULL;
    uint8_t *buf = NULL;
    struct report_draft draft = {0};
    int rc = CLI_CONTINUE, editor = wants_editor(f, supersedes != NULL);
    if (f->title) r->title = (char *)f->title;
    if (f->summary) r->summary = (char *)f->summary;
    if (f->language) r->language = (char *)f->language;
    if (f->period) r->period = (char *)f->period;
    if (f->kind) r->has_kind = 1, r->kind = (Ekonet__ReportKind)f->kind;
    if (f->body)
        r->body = (char *)f->body;
    else if (f->body_file || (!supersedes && !editor)) {
        if ((rc = read_body(c, f->body_file, &body)) != CLI_CONTINUE) goto out;
        r->body = body;
    }
    if (f->topics.n) r->n_topics = f->topics.n, r->topics = f->topics.v;
    if (f->indicators.n) r->n_indicators = f->indicators.n, r->indicators = f->indicators.v;
    if (editor) {
        if ((rc = report_template_edit(c, r, &draft)) != CLI_CONTINUE) goto out;
        apply_draft(r, &draft);
    }
    if (f->attach.n) {
        atts = calloc(f->attach.n, sizeof *atts);
        attp = calloc(f->attach.n, sizeof *attp);
        if (!atts || !attp) {
            rc = cli_fail(c, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < f->attach.n && rc == CLI_CONTINUE; i++) {
            rc = parse_attach(c, f->attach.v[i], &atts[i]);
            attp[i] = &atts[i];
        }
        if (rc != CLI_CONTINUE) goto out;
        r->n_attachments = f->attach.n;
        r->attachments = attp;
    }
    r->has_supersedes = supersedes != NULL;
    if (supersedes) r->supersedes = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)supersedes};
    struct errbuf err;
    if (report_validate(r, &err) < 0) {
        rc = cli_fail(c, "%s; nothing was published", err.msg);
        goto out;
    }
    size_t len = ekonet__report__get_packed_size(r);
    if (!(buf = malloc(len ? len : 1))) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    ekonet__report__pack(r, buf);
    rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_REPORT, buf, len,
                     supersedes ? "new version" : "report");
out:
    report_draft_free(&draft);
    free(buf);
    free(body);
    free(atts);
    free(attp);
    return rc;
}

static int report_add(struct cli *c, int argc, char **argv)
{
    struct fields f;
    c->usage = usage_add;
    int rc = parse_fields(c, argc, argv, &f);
    if (rc == CLI_CONTINUE && f.operand)
        rc = cli_usage_error(c, "unexpected argument \"%s\" (give the title with --title)",
                             f.operand);
    if (rc == CLI_CONTINUE && !f.title && !wants_editor(&f, 0))
        rc = cli_usage_error(c, "--title is required");
    if (rc == CLI_CONTINUE) {
        Ekonet__Report r = EKONET__REPORT__INIT;
        r.language = "sv";
        rc = publish_report(c, &r, &f, NULL);
    }
    fields_free(&f);
    return rc;
}

int cli_get_report_version(struct cli *c, const char *text, uint32_t version, int exact,
                           Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ReportGetRequest gr = EKONET__REPORT_GET_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_REPORT_GET;
    req.report_get = &gr;
    gr.id = (char *)text;
    gr.has_version = version > 0;
    gr.version = version;
    gr.has_exact = exact;
    gr.exact = exact;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_REPORT_GET, reply);
}

/* Fetches the newest version of the report with id (or prefix) text; EXIT_OK with *reply. */
int cli_get_report(struct cli *c, const char *text, Ekonet__ApiReply **reply)
{
    return cli_get_report_version(c, text, 0, 0, reply);
}

static int report_edit(struct cli *c, int argc, char **argv)
{
    struct fields f;
    Ekonet__ApiReply *reply = NULL;
    c->usage = usage_edit;
    int rc = parse_fields(c, argc, argv, &f);
    if (rc == CLI_CONTINUE && !f.operand)
        rc = cli_usage_error(c, "give the id of the report to edit");
    if (rc == CLI_CONTINUE && no_field_given(&f) && !wants_editor(&f, 1))
        rc = cli_usage_error(c, "give what changes (--title, --body, ...) or --edit");
    if (rc == CLI_CONTINUE && (rc = cli_get_report(c, f.operand, &reply)) == EXIT_OK) {
        const Ekonet__ReportGetReply *g = reply->report_get;
        uint8_t id[ID_SIZE];
        memcpy(id, g->meta->id.data, g->meta->id.len == ID_SIZE ? ID_SIZE : 0);
        /* a shallow copy: the reply keeps what it owns, the copy takes the changes */
        Ekonet__Report copy = *g->report;
        rc = publish_report(c, &copy, &f, id); /* the node checks it is ours and the newest */
    }
    if (reply) ekonet__api_reply__free_unpacked(reply, NULL);
    fields_free(&f);
    return rc;
}

/* Resolves text to a whole entry id through the report or event it names. */
static int resolve_entry(struct cli *c, const char *text, uint8_t id[ID_SIZE])
{
    if (hex_decode(id, ID_SIZE, text) == 0) return EXIT_OK;
    Ekonet__ApiReply *reply;
    int rc = cli_get_report_version(c, text, 0, 1, &reply); /* this entry, not its newest */
    if (rc != EXIT_OK) return rc;
    memcpy(id, reply->report_get->meta->id.data, ID_SIZE);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

/* retract and redact: a target and a reason. */
static int parse_target(struct cli *c, int argc, char **argv, const char **target,
                        const char **reason)
{
    enum { O_REASON = OPT_FIRST_COMMAND_OPTION };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"reason", required_argument, NULL, O_REASON}, {NULL, 0, NULL, 0}};
    int ch;
    *target = *reason = NULL;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_REASON)
            *reason = optarg;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (optind >= argc) return cli_usage_error(c, "give the id");
    *target = argv[optind++];
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    return CLI_CONTINUE;
}

static int report_retract(struct cli *c, int argc, char **argv)
{
    const char *target, *reason;
    uint8_t id[ID_SIZE], buf[512];
    c->usage = usage_retract;
    int rc = parse_target(c, argc, argv, &target, &reason);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = resolve_entry(c, target, id)) != EXIT_OK) return rc;
    Ekonet__Retract r = EKONET__RETRACT__INIT;
    r.target = (ProtobufCBinaryData){ID_SIZE, id};
    r.reason = (char *)reason;
    struct errbuf err;
    if (retract_validate(&r, &err) < 0 || ekonet__retract__get_packed_size(&r) > sizeof buf)
        return cli_fail(c, "%s", err.msg);
    size_t len = ekonet__retract__pack(&r, buf);
    return cli_publish(c, EKONET__ENTRY_KIND__KIND_RETRACT, buf, len, "retraction");
}

static int report_redact(struct cli *c, int argc, char **argv)
{
    const char *target, *reason;
    uint8_t id[ID_SIZE], buf[512];
    c->usage = usage_redact;
    int rc = parse_target(c, argc, argv, &target, &reason);
    if (rc != CLI_CONTINUE) return rc;
    if (!reason) return cli_usage_error(c, "--reason is required");
    if ((rc = resolve_entry(c, target, id)) != EXIT_OK) return rc;
    Ekonet__Redact r = EKONET__REDACT__INIT;
    r.target = (ProtobufCBinaryData){ID_SIZE, id};
    r.reason = (char *)reason;
    struct errbuf err;
    if (redact_validate(&r, &err) < 0 || ekonet__redact__get_packed_size(&r) > sizeof buf)
        return cli_fail(c, "%s", err.msg);
    size_t len = ekonet__redact__pack(&r, buf);
    return cli_publish(c, EKONET__ENTRY_KIND__KIND_REDACT, buf, len, "redaction");
}

int cmd_report(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", report_add},       {"edit", report_edit},     {"list", report_list},
        {"search", report_search}, {"show", report_show},     {"retract", report_retract},
        {"redact", report_redact}, {"export", report_export}, {NULL, NULL},
    };
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
