/*
 * report_template: writes a report into a template, lets the user edit it and parses it back.
 *
 *   # hint                  lines starting with '#' before the first empty line are left out
 *   Title: ...              fields, one line each; a summary continues on lines that start
 *   Summary: ...            with a space or a tab
 *   Topics: a, b            lists separated by commas
 *   Indicators: GN.7
 *                           the first empty line ends the fields
 *   body ...                the rest is the body, verbatim (Markdown headings start with '#')
 *
 * Topics holding a comma cannot be written here; --topic takes them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/text.h"
#include "report_template.h"

static void write_list(FILE *f, const char *name, char **v, size_t n)
{
    fprintf(f, "%s:", name);
    for (size_t i = 0; i < n; i++) fprintf(f, "%s %s", i ? "," : "", v[i]);
    fputc('\n', f);
}

/* The template for r; a new string (caller frees), or NULL when out of memory. */
static char *template_text(const Ekonet__Report *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fprintf(f, "# Lines starting with '#' up to the first empty line are hints, left out.\n");
    fprintf(f, "# Title: one line of 1 to %d characters.\n", REPORT_MAX_TITLE);
    fprintf(f, "Title: %s\n", r->title ? r->title : "");
    fprintf(f,
            "# Summary: shown in lists, at most %d characters; go on with lines that start "
            "with a space.\n",
            REPORT_MAX_SUMMARY);
    fputs("Summary: ", f);
    for (const char *p = r->summary ? r->summary : ""; *p; p++)
        fputs(*p == '\n' ? "\n  " : (char[]){*p, '\0'}, f);
    fprintf(f, "\n# Topics: separated by commas, e.g. energi, avfall (at most %d).\n",
            REPORT_MAX_TOPICS);
    write_list(f, "Topics", r->topics, r->n_topics);
    fprintf(f, "# Indicators: codes separated by commas, e.g. GN.7, GN.9 (at most %d).\n",
            REPORT_MAX_INDICATORS);
    write_list(f, "Indicators", r->indicators, r->n_indicators);
    fprintf(f, "# The body follows the empty line below: Markdown, at most %d characters.\n",
            REPORT_MAX_BODY);
    fprintf(f, "# An empty body, or this template saved unchanged, publishes nothing.\n\n");
    if (r->body) fputs(r->body, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Runs the editor on path; 0 if it exited with status 0. */
static int run_editor(const char *editor, const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "$0 \"$1\"", editor, path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Writes text to a new temporary file, lets the editor change it and reads it back into *out. */
static int edit_text(struct cli *c, const char *text, char **out, size_t *len)
{
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) editor = getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    const char *tmpdir = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ekonet-report-XXXXXX.md", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(path, 3);
    if (fd < 0) return cli_fail(c, "cannot create a temporary file: %s", strerror(errno));
    size_t n = strlen(text);
    int wrote = write(fd, text, n) == (ssize_t)n;
    close(fd);
    if (!wrote) {
        unlink(path);
        return cli_fail(c, "cannot write the temporary file %s; nothing was published", path);
    }
    if (run_editor(editor, path) < 0) {
        unlink(path);
        return cli_fail(c, "the editor (%s) did not finish successfully; nothing was published",
                        editor);
    }
    struct errbuf err;
    int rc = file_read_all(path, REPORT_TEMPLATE_MAX, out, len, &err);
    unlink(path);
    if (rc == 0) *len = text_unix_newlines(*out, *len); /* an editor on Windows line ends */
    return rc < 0 ? cli_fail(c, "%s; nothing was published", err.msg) : CLI_CONTINUE;
}

/* s without the spaces at both ends (in place). */
static char *trim(char *s)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) s[--n] = '\0';
    return s;
}

/* Splits line at commas into l (pointers into line); empty items are left out. */
static int split_list(char *line, struct strlist *l)
{
    for (char *save = NULL, *item = strtok_r(line, ",", &save); item;
         item = strtok_r(NULL, ",", &save))
        if (*(item = trim(item)) && strlist_add(l, item) < 0) return -1;
    return 0;
}

/* Stores value as field name of d; -1 if name is not a field. */
static int set_field(struct report_draft *d, const char *name, const char *value)
{
    char **slot = strcasecmp(name, "Title") == 0        ? &d->title
                  : strcasecmp(name, "Summary") == 0    ? &d->summary
                  : strcasecmp(name, "Topics") == 0     ? &d->topics_line
                  : strcasecmp(name, "Indicators") == 0 ? &d->indicators_line
                                                        : NULL;
    if (!slot) return -1;
    free(*slot);
    *slot = strdup(value);
    return 0;
}

/* Appends "\n" and line to the summary (a continuation line). */
static int continue_summary(struct report_draft *d, const char *line)
{
    char *joined = NULL;
    if (asprintf(&joined, "%s\n%s", d->summary ? d->summary : "", line) < 0) return -1;
    free(d->summary);
    d->summary = joined;
    return 0;
}

/* Parses the field lines of text up to the first empty line; *body_at: where the body starts. */
static int parse_fields(struct cli *c, char *text, struct report_draft *d, char **body_at)
{
    const char *last = NULL;
    size_t lineno = 0;
    char *line = text;
    for (; line && *line; lineno++) {
        char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        if (*line == '\0') {
            *body_at = next ? next : nl;
            return CLI_CONTINUE;
        }
        char *colon = strchr(line, ':');
        if (*line == '#') {
        } else if ((*line == ' ' || *line == '\t') && last && strcasecmp(last, "Summary") == 0) {
            if (continue_summary(d, trim(line)) < 0) return cli_fail(c, "out of memory");
        } else if (!colon) {
            return cli_fail(
                c,
                "line %zu: \"%.40s\" is not a field (Title, Summary, Topics or "
                "Indicators); the body starts after an empty line. Nothing was published",
                lineno + 1, line);
        } else {
            *colon = '\0';
            if (set_field(d, trim(line), trim(colon + 1)) < 0)
                return cli_fail(c,
                                "line %zu: unknown field \"%.40s\" (Title, Summary, Topics or "
                                "Indicators). Nothing was published",
                                lineno + 1, line);
            last = line;
        }
        line = next;
    }
    *body_at = NULL;
    return CLI_CONTINUE;
}

/* Parses the saved text into d: fields, then the body. */
static int parse_draft(struct cli *c, char *text, struct report_draft *d)
{
    char *body_at = NULL;
    int rc = parse_fields(c, text, d, &body_at);
    if (rc != CLI_CONTINUE) return rc;
    d->body = strdup(body_at ? body_at : "");
    if (!d->body) return cli_fail(c, "out of memory");
    size_t n = strlen(d->body);
    while (n > 0 && strchr(" \t\n", d->body[n - 1])) d->body[--n] = '\0';
    if (text_blank(d->body)) return cli_fail(c, "the body is empty; nothing was published");
    if (d->topics_line && split_list(d->topics_line, &d->topics) < 0)
        return cli_fail(c, "out of memory");
    if (d->indicators_line && split_list(d->indicators_line, &d->indicators) < 0)
        return cli_fail(c, "out of memory");
    return CLI_CONTINUE;
}

int report_template_edit(struct cli *c, const Ekonet__Report *r, struct report_draft *d)
{
    memset(d, 0, sizeof *d);
    char *template = template_text(r), *text = NULL;
    size_t len = 0;
    if (!template) return cli_fail(c, "out of memory");
    int rc = edit_text(c, template, &text, &len);
    struct text_fault f;
    char where[80];
    if (rc != CLI_CONTINUE) {
    } else if (text_find_fault(text, len, "\t\n", &f))
        rc = cli_fail(c, "the edited text: %s; nothing was published",
                      text_fault_str(&f, where, sizeof where));
    else if (strcmp(text, template) == 0)
        rc = cli_fail(c, "the template was saved unchanged; nothing was published");
    else
        rc = parse_draft(c, text, d);
    free(template);
    free(text);
    return rc;
}

void report_draft_free(struct report_draft *d)
{
    free(d->title);
    free(d->summary);
    free(d->body);
    free(d->topics_line);
    free(d->indicators_line);
    free(d->topics.v);
    free(d->indicators.v);
    memset(d, 0, sizeof *d);
}
