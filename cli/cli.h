/*
 * The ekonet CLI: one file per command group; this header holds what they share: the common
 * options, the call to the node's API, and output (tables on a terminal, JSON with --json).
 *
 * Exit status: 0 ok, 1 failure, 2 usage, 3 the node's daemon is not reachable.
 */
#ifndef EKONET_CLI_H
#define EKONET_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "api.pb-c.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

/* Long-only option codes shared by every command. */
enum { OPT_DIR = 1000, OPT_JSON, OPT_NO_COLOR, OPT_FIRST_COMMAND_OPTION };

#define CLI_COMMON_OPTIONS                                                                         \
    {"dir", required_argument, NULL, OPT_DIR}, {"json", no_argument, NULL, OPT_JSON},              \
        {"no-color", no_argument, NULL, OPT_NO_COLOR},                                             \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }

struct cli {
    const char *dir;     /* the node's data directory */
    int json;            /* print JSON instead of text */
    int color;           /* colour and bold on a terminal */
    const char *command; /* e.g. "report add", for messages */
    const char *usage;   /* the running command's help text */
};

/* Handles a common option; 1 if ch was one, 0 otherwise. */
int cli_common_option(struct cli *c, int ch, const char *arg);

/* Prints the command's help to stdout and returns EXIT_OK. */
int cli_help(struct cli *c);

/* Reports a usage problem (message and how to get help) and returns EXIT_USAGE. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Says what is wrong with the option getopt_long just refused, among the options opts (main
 * sets opterr to 0, so getopt itself says nothing): "unknown option \"--x\"", "--code needs a
 * value", "--json takes no value", "\"--p\" is the start of more than one option".
 */
const char *cli_option_problem(char *buf, size_t size, char **argv, const struct option *opts);

/* Reports the option getopt_long just refused (cli_option_problem) as a usage error. */
int cli_bad_option(struct cli *c, char **argv, const struct option *opts);

/* Prints "ekonet: message" on stderr (through out_message: an absurd value shows cut). */
void cli_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a failure as "ekonet: message" and returns EXIT_FAIL. */
int cli_fail(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __clang_analyzer__
/* Tell the static analyzer (which sees one file at a time) what these return, so it does not
 * follow "failed, yet returned EXIT_OK" paths that cannot happen. */
#define cli_help(c)          (cli_help(c), EXIT_OK)
#define cli_usage_error(...) (cli_usage_error(__VA_ARGS__), EXIT_USAGE)
#define cli_fail(...)        (cli_fail(__VA_ARGS__), EXIT_FAIL)
#define cli_bad_option(...)  (cli_bad_option(__VA_ARGS__), EXIT_USAGE)
#endif

/* A command of a group ("report add"). */
struct cli_sub {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
};

/* Runs the group's command named by argv[1] (subs ends with a NULL name); c->usage is the
   group's help. */
int cli_dispatch(struct cli *c, int argc, char **argv, const struct cli_sub *subs);

/* Returned by option parsing when the command should go on (any other value: exit with it). */
#define CLI_CONTINUE (-1)

/* Parses argv as the common options only, with at most max_args operands left at optind. */
int cli_parse_common(struct cli *c, int argc, char **argv, int max_args);

/*
 * Sends req to the node and waits for its reply, which must carry the result `expect`.
 * Returns EXIT_OK with *reply (caller frees with ekonet__api_reply__free_unpacked),
 * EXIT_UNREACHABLE with a hint printed, or EXIT_FAIL (the node answered with an error, or
 * with something unexpected; the message has been printed).
 */
int cli_call(struct cli *c, const Ekonet__ApiRequest *req, Ekonet__ApiReply__ResultCase expect,
             Ekonet__ApiReply **reply);

/*
 * Takes the data directory's lock, which a running ekonetd holds: its fd (keep it open while
 * working on the store), or -1: *running is 1 when ekonetd holds it, 0 when the lock file
 * cannot be opened (errno).
 */
int cli_lock_dir(struct cli *c, int *running);

/* The same for a command that needs ekonetd stopped (`doing`: "joining"): -1 printed. */
int cli_lock_stopped(struct cli *c, const char *doing);

/* The network's members (MemberListReply), as cli_call returns it. */
int cli_member_list(struct cli *c, Ekonet__ApiReply **reply);

/* Says why the node's socket could not be reached (errno e) and returns EXIT_UNREACHABLE. */
int cli_connect_failed(struct cli *c, int e);

/* A growable list of strings borrowed from argv. */
struct strlist {
    char **v;
    size_t n;
};
int strlist_add(struct strlist *l, char *s);

/* Publishes content of kind in this node's feed and prints the result ("Published WHAT id");
   what NULL: prints nothing. */
int cli_publish(struct cli *c, uint32_t kind, const uint8_t *content, size_t len, const char *what);

/* Waits up to PUBLISH_WAIT_MS while pending publish n (pending.c) is still waiting to be
   signed: EXIT_OK with the node's last PendingReply (the caller frees it), or an exit status. */
#define PUBLISH_WAIT_MS 5000
int cli_pending_wait(struct cli *c, uint64_t n, Ekonet__ApiReply **reply);

/* Parses "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" as Swedish local time (Europe/Stockholm). */
int cli_parse_time(const char *s, uint64_t *ms);

/* Output helpers (output.c). */
void out_json(cJSON *root);                                    /* prints and frees root */
const char *out_time(char *buf, size_t size, uint64_t ms);     /* "2026-11-26 15:30" local */
const char *out_time_iso(char *buf, size_t size, uint64_t ms); /* "2026-11-26T14:30:00.000Z" */
uint64_t out_now_ms(void);                                     /* the time, ms since 1970 */
const char *out_bytes(char *buf, size_t size, uint64_t n);     /* "1.2 MB" */
const char *out_duration(char *buf, size_t size, uint64_t s);  /* "3d 4h", "5m 12s" */
const char *out_hex(char *buf, const uint8_t *p, size_t n);    /* buf holds 2n+1 */
const char *out_short_id(char *buf, const uint8_t *id);        /* 12 hex digits */
void out_bold(const struct cli *c, const char *s);             /* bold on a terminal */
void out_cell(const char *s, int width,
              int pad); /* s cut (with …) to width columns, padded if pad */
int out_columns(void);  /* terminal width, 100 when not a terminal */

/* Prints a message made from anything a user, a file or the node gave: a control character or
   a byte that is not UTF-8 as "?", a line cut at OUT_LINE_MAX bytes ("…"), so that an absurd
   value never fills the terminal. */
#define OUT_LINE_MAX 240
void out_message(FILE *f, const char *text);
cJSON *out_json_hex(const uint8_t *p, size_t n);

/* Commands. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_pending(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_board(struct cli *c, int argc, char **argv);
int cmd_application(struct cli *c, int argc, char **argv);
int cmd_join(struct cli *c, int argc, char **argv);
int cmd_members(struct cli *c, int argc, char **argv);
int cmd_peers(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_indicators(struct cli *c, int argc, char **argv);
int cmd_profile(struct cli *c, int argc, char **argv);
int cmd_contact(struct cli *c, int argc, char **argv);
int cmd_network(struct cli *c, int argc, char **argv);
int cmd_reach(struct cli *c, int argc, char **argv);
int cmd_watch(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);
int cmd_key(struct cli *c, int argc, char **argv);
/* ekonet board succeed (cli/succession.c). */
int board_succeed(struct cli *c, int argc, char **argv);

/* Profiles (profile.c): a contact person as JSON (with languages and expertise; null for
   NULL), and `ekonet members --contacts`: who to ask at each admitted member. */
cJSON *profile_person_json(const Ekonet__ContactPerson *p);

/* A contact person in a few lines: name and title after the label, then email and phone,
   languages, expertise, indented. */
void profile_person_print(const char *indent, const char *label, const Ekonet__ContactPerson *p);
int members_contacts(struct cli *c, const Ekonet__MemberListReply *l);

/* Report commands shared between report.c and report_read.c. */
int report_list(struct cli *c, int argc, char **argv);
int report_search(struct cli *c, int argc, char **argv);
int report_show(struct cli *c, int argc, char **argv);
int report_export(struct cli *c, int argc, char **argv);

/* Reports list shows without --limit (the node's page); a page asked of the node (its
   API_LIST_LIMIT); the largest --offset. */
#define REPORT_LIST_DEFAULT 1000
#define REPORT_PAGE_MAX     1000
#define REPORT_OFFSET_MAX   100000000

/* Option codes of the filters list, search and export share, and their getopt entries. */
enum {
    REPORT_O_MEMBER = OPT_FIRST_COMMAND_OPTION,
    REPORT_O_TOPIC,
    REPORT_O_INDICATOR,
    REPORT_O_SINCE,
    REPORT_O_UNTIL,
    REPORT_O_KIND,
    REPORT_O_NEXT
};
#define REPORT_FILTER_OPTIONS                                                                      \
    {"member", required_argument, NULL, REPORT_O_MEMBER},                                          \
        {"topic", required_argument, NULL, REPORT_O_TOPIC},                                        \
        {"indicator", required_argument, NULL, REPORT_O_INDICATOR},                                \
        {"since", required_argument, NULL, REPORT_O_SINCE},                                        \
        {"until", required_argument, NULL, REPORT_O_UNTIL},                                        \
    {                                                                                              \
        "kind", required_argument, NULL, REPORT_O_KIND                                             \
    }

/* 1 if ch is a filter option (applied to lr; *rc CLI_CONTINUE, or the exit status of a bad
   value), 0 if it is not. */
int report_filter_option(struct cli *c, int ch, const char *arg, Ekonet__ReportListRequest *lr,
                         int *rc);
/* Parses --name's number arg in min..max into *out: CLI_CONTINUE or EXIT_USAGE. */
int report_parse_count(struct cli *c, const char *name, const char *arg, long min, long max,
                       uint32_t *out);
/* Asks the node for limit reports of lr from offset. EXIT_OK with *reply, or an exit status. */
int report_list_page(struct cli *c, Ekonet__ReportListRequest *lr, uint32_t offset, uint32_t limit,
                     Ekonet__ApiReply **reply);
/* A report in full as report show --json gives it (the caller's to free). */
cJSON *report_full_json(const Ekonet__ReportGetReply *g);
int cli_get_report(struct cli *c, const char *text, Ekonet__ApiReply **reply);
/* Fetches a report: version 0 the newest, else that version (1..); exact: the entry text names
   (no newer version). EXIT_OK with *reply, or an exit status. */
int cli_get_report_version(struct cli *c, const char *text, uint32_t version, int exact,
                           Ekonet__ApiReply **reply);

#endif
