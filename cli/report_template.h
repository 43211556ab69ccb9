/*
 * report_template: a report as $EDITOR shows it, as `git commit` does: a few "Field: value"
 * lines with one-line hints (lines starting with '#'), an empty line, then the body.
 */
#ifndef EKONET_CLI_REPORT_TEMPLATE_H
#define EKONET_CLI_REPORT_TEMPLATE_H

#include "cli.h"
#include "content.pb-c.h"

/* The text the editor's file may hold at most: the body's bound and room for the fields. */
#define REPORT_TEMPLATE_MAX (REPORT_MAX_BODY_BYTES + 64 * 1024)

/* What was saved in the editor; every string is the draft's. */
struct report_draft {
    char *title, *summary, *body;
    char *topics_line, *indicators_line; /* split in place into topics and indicators */
    struct strlist topics, indicators;
};

/*
 * Opens $VISUAL or $EDITOR (else vi) on a template holding r's title, summary, topics,
 * indicators and body, and reads what was saved into d (free with report_draft_free).
 * CLI_CONTINUE, or EXIT_FAIL with the reason printed: the editor failed, the text has a
 * character that is not allowed (line and column), a line is not a field, or the body is empty
 * or the template unchanged ("nothing was published").
 */
int report_template_edit(struct cli *c, const Ekonet__Report *r, struct report_draft *d);

/* Frees what d holds; d may be all zero. */
void report_draft_free(struct report_draft *d);

#endif
