/*
 * ekonet report export: the knowledge bank, or the reports list's filters select, in full
 * (the newest version of each, with its stable id) as JSON Lines, CSV for Swedish Excel or one
 * Markdown file per report. The node is asked a page of the list at a time, then for each
 * report; files are written beside their target and renamed over it, so that a reader never
 * sees half a file.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

/* Characters of the title in a Markdown file's name. */
#define EXPORT_SLUG_MAX 60

static const char usage_export[] =
    "usage: ekonet report export --format jsonl|csv|markdown --out FILE|DIR [FILTERS]\n"
    "                            [--force] [--page-size N] [--json]\n"
    "\n"
    "Writes every report (or those the filters select, as for 'ekonet report list') in full,\n"
    "as its newest version, with its id and stable id:\n"
    "\n"
    "  --format jsonl     FILE: JSON Lines, one report a line, its fields as 'report show\n"
    "                     --json' gives them\n"
    "  --format csv       FILE: for Excel in Sweden (UTF-8 with BOM, ';', CRLF, every field\n"
    "                     quoted), a row per report\n"
    "  --format markdown  DIR: a file per report named from its date, title and stable id\n"
    "                     (2026-11-26-solceller-pa-skolan-1a2b3c4d.md), front matter with its\n"
    "                     fields; DIR is made if missing\n"
    "  --out FILE|DIR     where to write; an existing file is refused, unless --force\n"
    "  --force            replace existing files\n"
    "  --page-size N      reports listed by the node at once (default and at most 1000)\n"
    "\n"
    "  --member M, --topic T, --indicator CODE, --since DATE, --until DATE, --kind KIND\n"
    "                     as for 'ekonet report list'\n"
    "\n"
    "Progress goes to stderr when it is a terminal. --json says what was written.\n";

enum export_format { EXPORT_JSONL, EXPORT_CSV, EXPORT_MARKDOWN };

static const char *const format_names[] = {"jsonl", "csv", "markdown"};

struct export_opts {
    Ekonet__ReportListRequest lr;
    const char *out;
    enum export_format format;
    uint32_t page;
    int force;
};

/* Where the reports go while exporting: the open temporary file, or the directory. */
struct sink {
    const struct export_opts *o;
    FILE *f;
    char tmp[PATH_MAX];
    size_t reports;
};

static int parse(struct cli *c, int argc, char **argv, struct export_opts *o)
{
    enum { O_OUT = REPORT_O_NEXT, O_FORMAT, O_FORCE, O_PAGE };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        REPORT_FILTER_OPTIONS,
        {"out", required_argument, NULL, O_OUT},
        {"format", required_argument, NULL, O_FORMAT},
        {"force", no_argument, NULL, O_FORCE},
        {"page-size", required_argument, NULL, O_PAGE},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL;
    int ch, rc = CLI_CONTINUE;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg) || report_filter_option(c, ch, optarg, &o->lr, &rc))
            continue;
        if (ch == O_OUT)
            o->out = optarg;
        else if (ch == O_FORMAT)
            format = optarg;
        else if (ch == O_FORCE)
            o->force = 1;
        else if (ch == O_PAGE)
            rc = report_parse_count(c, "page-size", optarg, 1, REPORT_PAGE_MAX, &o->page);
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (rc != CLI_CONTINUE) return rc;
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (!format) return cli_usage_error(c, "give the format: --format jsonl, csv or markdown");
    size_t i = 0;
    while (i < 3 && strcmp(format, format_names[i]) != 0) i++;
    if (i == 3)
        return cli_usage_error(c, "--format must be jsonl, csv or markdown, not \"%s\"", format);
    o->format = (enum export_format)i;
    if (!o->out || !*o->out)
        return cli_usage_error(c, "give where to write: --out %s",
                               o->format == EXPORT_MARKDOWN ? "DIR" : "FILE");
    return CLI_CONTINUE;
}

/* Refuses what cannot be written before the node is asked: an existing file without --force,
   a directory where a file is wanted (or a file where a directory is), no write access. */
static int check_out(struct cli *c, const struct export_opts *o)
{
    char dir[PATH_MAX];
    struct stat st;
    int exists = stat(o->out, &st) == 0;
    if (o->format == EXPORT_MARKDOWN) {
        if (exists && !S_ISDIR(st.st_mode))
            return cli_fail(c, "%s is not a directory: name the directory to write", o->out);
        struct errbuf err;
        if (!exists && file_mkdirs(o->out, 0755, &err) < 0) return cli_fail(c, "%s", err.msg);
        if (access(o->out, W_OK) < 0)
            return cli_fail(c, "cannot write in %s: %s", o->out, strerror(errno));
        return EXIT_OK;
    }
    if (exists && S_ISDIR(st.st_mode))
        return cli_fail(c, "%s is a directory: name the file to write", o->out);
    if (exists && !o->force) return cli_fail(c, "%s exists; give --force to replace it", o->out);
    snprintf(dir, sizeof dir, "%s", o->out);
    const char *d = dirname(dir);
    if (access(d, W_OK) < 0)
        return cli_fail(c, "cannot write %s: %s: %s", o->out, d, strerror(errno));
    return EXIT_OK;
}

/* One CSV field, quoted (quotes doubled); text Excel would take for a formula gets an
   apostrophe before it. */
static void csv_field(FILE *f, const char *s, int last)
{
    fputc('"', f);
    if (s && strchr("=+-@", *s) && *s) fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\r\n" : "\";", f);
}

static const char *const csv_head[] = {
    "stable_id", "id",     "version",    "time",   "author",   "member", "kind",       "title",
    "summary",   "topics", "indicators", "period", "language", "body",   "attachments"};
#define CSV_COLS (sizeof csv_head / sizeof *csv_head)

/* A JSON field of the report as CSV text: strings as they are, arrays joined with ", "
   (attachments as their URLs), null empty. The caller frees. */
static char *field_text(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (cJSON_IsString(v)) return strdup(v->valuestring);
    if (cJSON_IsNumber(v)) {
        char n[32];
        snprintf(n, sizeof n, "%.0f", v->valuedouble);
        return strdup(n);
    }
    if (!cJSON_IsArray(v)) return strdup("");
    size_t len = 1;
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        const cJSON *s = cJSON_IsObject(x) ? cJSON_GetObjectItemCaseSensitive(x, "url") : x;
        if (cJSON_IsString(s)) len += strlen(s->valuestring) + 2;
    }
    char *out = calloc(1, len);
    cJSON_ArrayForEach(x, v)
    {
        const cJSON *s = cJSON_IsObject(x) ? cJSON_GetObjectItemCaseSensitive(x, "url") : x;
        if (out && cJSON_IsString(s)) {
            if (*out) strcat(out, ", ");
            strcat(out, s->valuestring);
        }
    }
    return out;
}

static void write_csv_row(FILE *f, const cJSON *j)
{
    static const char *const names[CSV_COLS] = {"stable_id", "id",          "version",    "time",
                                                "author",    "author_name", "kind",       "title",
                                                "summary",   "topics",      "indicators", "period",
                                                "language",  "body",        "attachments"};
    for (size_t i = 0; i < CSV_COLS; i++) {
        char *t = field_text(j, names[i]);
        csv_field(f, t ? t : "", i + 1 == CSV_COLS);
        free(t);
    }
}

/* The ASCII letter of the Latin-1 letter whose UTF-8 is 0xc3 then c (capitals as small):
   å ä à á a, ö o, é è e, ü u, '-' for the rest. */
static char fold_latin(unsigned char c)
{
    unsigned char x = c | 0x20;
    if (x == 0xa5 || x == 0xa4 || x == 0xa0 || x == 0xa1) return 'a';
    if (x == 0xb6) return 'o';
    if (x == 0xa9 || x == 0xa8) return 'e';
    if (x == 0xbc) return 'u';
    return '-';
}

/* The file name of a report: its date, its title in lower-case ASCII (å ä → a, ö → o, é → e,
   anything else a dash), its stable id's first 8 hex digits. */
static void markdown_name(char *buf, size_t size, const cJSON *j)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "time");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(j, "title");
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(j, "stable_id");
    if (!cJSON_IsString(sid)) sid = cJSON_GetObjectItemCaseSensitive(j, "id");
    char slug[EXPORT_SLUG_MAX + 1];
    size_t n = 0;
    const unsigned char *s =
        (const unsigned char *)(cJSON_IsString(title) ? title->valuestring : "");
    for (; *s && n < EXPORT_SLUG_MAX; s++) {
        char ch = '-';
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
            ch = (char)*s;
        else if (*s >= 'A' && *s <= 'Z')
            ch = (char)(*s - 'A' + 'a');
        else if (*s == 0xc3 && s[1]) {
            ch = fold_latin(s[1]);
            s++;
        } else if (*s >= 0x80) {
            while ((s[1] & 0xc0) == 0x80) s++;
        }
        if (ch != '-' || (n && slug[n - 1] != '-')) slug[n++] = ch;
    }
    while (n && slug[n - 1] == '-') n--;
    slug[n] = '\0';
    snprintf(buf, size, "%.10s-%s%s%.8s.md", cJSON_IsString(t) ? t->valuestring : "0000-00-00",
             slug, n ? "-" : "", cJSON_IsString(sid) ? sid->valuestring : "");
}

/* The front matter: YAML whose values are JSON (strings quoted and escaped, lists as flow
   sequences), which every YAML reader takes; then the title, summary and body. */
static char *markdown_text(const cJSON *j)
{
    static const char *const fields[] = {
        "title",       "id",   "stable_id", "version",    "versions", "time",     "author",
        "author_name", "kind", "topics",    "indicators", "period",   "language", "attachments"};
    size_t cap = 0;
    char *buf = NULL;
    FILE *m = open_memstream(&buf, &cap);
    if (!m) return NULL;
    fputs("---\n", m);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, fields[i]));
        fprintf(m, "%s: %s\n", fields[i], v ? v : "null");
        free(v);
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "title");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "summary");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "body");
    fprintf(m, "---\n\n# %s\n", cJSON_IsString(t) ? t->valuestring : "");
    if (cJSON_IsString(s) && *s->valuestring) fprintf(m, "\n%s\n", s->valuestring);
    if (cJSON_IsString(b) && *b->valuestring) {
        size_t n = strlen(b->valuestring);
        fprintf(m, "\n%s%s", b->valuestring, b->valuestring[n - 1] == '\n' ? "" : "\n");
    }
    fclose(m);
    return buf;
}

static int write_markdown(struct cli *c, const struct export_opts *o, const cJSON *j)
{
    char name[EXPORT_SLUG_MAX + 64], path[PATH_MAX];
    struct errbuf err;
    markdown_name(name, sizeof name, j);
    if (file_join(path, sizeof path, o->out, name) < 0)
        return cli_fail(c, "%s/%s: the path is too long", o->out, name);
    if (file_exists(path) && !o->force)
        return cli_fail(c, "%s exists; give --force to replace it", path);
    char *text = markdown_text(j);
    if (!text) return cli_fail(c, "out of memory");
    int rc = file_write_atomic(path, text, strlen(text), 0644, &err);
    free(text);
    return rc < 0 ? cli_fail(c, "%s", err.msg) : EXIT_OK;
}

/* Fetches one report in full and writes it to the sink. */
static int export_one(struct cli *c, struct sink *k, const Ekonet__ReportSummary *s)
{
    char hex[ID_HEX];
    Ekonet__ApiReply *reply;
    if (s->id.len != ID_SIZE) return cli_fail(c, "the node listed a report without an id");
    int rc = cli_get_report_version(c, hex_encode(hex, s->id.data, ID_SIZE), 0, 0, &reply);
    if (rc != EXIT_OK) return rc;
    cJSON *j = report_full_json(reply->report_get);
    ekonet__api_reply__free_unpacked(reply, NULL);
    if (k->o->format == EXPORT_MARKDOWN) {
        rc = write_markdown(c, k->o, j);
    } else if (k->o->format == EXPORT_CSV) {
        write_csv_row(k->f, j);
    } else {
        char *line = cJSON_PrintUnformatted(j);
        if (line) fprintf(k->f, "%s\n", line);
        free(line);
    }
    cJSON_Delete(j);
    k->reports += rc == EXIT_OK;
    return rc;
}

static void progress(size_t done, uint64_t total)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r\033[Kexported %zu of %llu reports", done, (unsigned long long)total);
}

/* Every page of the list, each report in turn. */
static int export_pages(struct cli *c, struct sink *k, struct export_opts *o)
{
    uint32_t offset = 0;
    for (;;) {
        Ekonet__ApiReply *reply;
        int rc = report_list_page(c, &o->lr, offset, o->page, &reply);
        if (rc != EXIT_OK) return rc;
        const Ekonet__ReportListReply *l = reply->report_list;
        for (size_t i = 0; rc == EXIT_OK && i < l->n_reports; i++) {
            rc = export_one(c, k, l->reports[i]);
            progress(k->reports, l->total);
        }
        offset += (uint32_t)l->n_reports;
        int more = l->n_reports == o->page && offset < l->total;
        ekonet__api_reply__free_unpacked(reply, NULL);
        if (rc != EXIT_OK || !more) return rc;
    }
}

/* Opens the temporary file beside o->out (jsonl and csv). */
static int sink_open(struct cli *c, struct sink *k)
{
    snprintf(k->tmp, sizeof k->tmp, "%s.tmp.XXXXXX", k->o->out);
    int fd = mkstemp(k->tmp);
    if (fd < 0 || !(k->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) close(fd), unlink(k->tmp);
        return cli_fail(c, "cannot write %s: %s", k->o->out, strerror(e));
    }
    fchmod(fd, 0644);
    if (k->o->format == EXPORT_CSV) {
        fputs("\xef\xbb\xbf", k->f);
        for (size_t i = 0; i < CSV_COLS; i++) csv_field(k->f, csv_head[i], i + 1 == CSV_COLS);
    }
    return EXIT_OK;
}

/* Closes the temporary file and renames it over o->out when all went well. */
static int sink_close(struct cli *c, struct sink *k, int rc)
{
    struct errbuf err;
    int bad = ferror(k->f) | fclose(k->f);
    if (rc == EXIT_OK && bad) rc = cli_fail(c, "cannot write %s: %s", k->o->out, strerror(errno));
    if (rc != EXIT_OK) {
        unlink(k->tmp);
        return rc;
    }
    if (file_replace_with(k->tmp, k->o->out, &err) < 0) return cli_fail(c, "%s", err.msg);
    return EXIT_OK;
}

static void say_written(const struct cli *c, const struct sink *k)
{
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, k->o->format == EXPORT_MARKDOWN ? "directory" : "file",
                                k->o->out);
        cJSON_AddStringToObject(j, "format", format_names[k->o->format]);
        cJSON_AddNumberToObject(j, "reports", (double)k->reports);
        out_json(j);
    } else {
        printf("Wrote %zu %s to %s (%s).\n", k->reports, k->reports == 1 ? "report" : "reports",
               k->o->out,
               k->o->format == EXPORT_JSONL ? "JSON Lines"
               : k->o->format == EXPORT_CSV ? "CSV for Excel: UTF-8, ';'"
                                            : "a Markdown file per report");
    }
}

int report_export(struct cli *c, int argc, char **argv)
{
    struct export_opts o = {EKONET__REPORT_LIST_REQUEST__INIT, NULL, EXPORT_JSONL, REPORT_PAGE_MAX,
                            0};
    struct sink k = {&o, NULL, "", 0};
    c->usage = usage_export;
    int rc = parse(c, argc, argv, &o);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_out(c, &o)) != EXIT_OK) return rc;
    if (o.format != EXPORT_MARKDOWN && (rc = sink_open(c, &k)) != EXIT_OK) return rc;
    rc = export_pages(c, &k, &o);
    if (isatty(STDERR_FILENO)) fputs("\r\033[K", stderr);
    if (k.f) rc = sink_close(c, &k, rc);
    if (rc == EXIT_OK) say_written(c, &k);
    return rc;
}
