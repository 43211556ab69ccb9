/*
 * ekonet: the command line for staff and operators of an ekonet node.
 * Global options may come before the command or among its own options.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/key.h"
#include "ekonet/version.h"

#define DEFAULT_DIR "/var/lib/ekonet"

static const struct command {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create a node: data directory, key and configuration"},
    {"status", cmd_status, "this node: identity, network, entries, sessions, errors"},
    {"pending", cmd_pending, "publishes waiting for this node's own feed to be confirmed"},
    {"application", cmd_application, "write this node's membership application for the board"},
    {"join", cmd_join, "join the network described by a bundle from the board"},
    {"members", cmd_members, "the network's members: who, since when, by which decision"},
    {"profile", cmd_profile, "a member's profile: endpoints, contact persons, expertise"},
    {"contact", cmd_contact, "ask another member's politician or official; inbox and outbox"},
    {"network", cmd_network, "every member: last beacon, version, head, lag, reachable"},
    {"reach", cmd_reach, "how many members hold an entry"},
    {"watch", cmd_watch, "a live stream of the node's events"},
    {"peers", cmd_peers, "this node's sessions with other members' nodes"},
    {"report", cmd_report, "experience reports: add, edit, list, search, show, retract, redact"},
    {"events", cmd_events, "conferences, seminars, webinars, study visits, annual meetings"},
    {"indicators", cmd_indicators,
     "green key indicators: catalogue, values, trends, good examples"},
    {"board", cmd_board, "the board's tools: charter, admissions, revocations, signatures"},
    {"backup", cmd_backup, "copy the node's store while it runs; check a backup"},
    {"restore", cmd_restore, "put a backup in place of the store (the daemon stopped)"},
    {"key", cmd_key, "change this node's key (planned): the rotation for the board"},
};

static void overview(FILE *f)
{
    fprintf(f, "usage: ekonet [--dir DIR] [--json] [--no-color] COMMAND [ARGS]\n\n"
               "The command line of an ekonet node: the eco-municipalities' network for\n"
               "experience reports, green key indicators and contact requests.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\nOptions (also accepted after the command):\n"
            "  --dir DIR    the node's data directory (default $EKONET_DIR or %s)\n"
            "  --json       print JSON (fields are documented in docs/CLI.md)\n"
            "  --no-color   no colour or bold, also when NO_COLOR is set\n"
            "  --help       help for ekonet or for a command\n"
            "  --version    print the version\n\n"
            "Exit status: 0 ok, 1 failure, 2 usage, 3 the node's daemon is not reachable.\n"
            "Run 'ekonet COMMAND --help' for a command's options.\n",
            DEFAULT_DIR);
}

int cli_common_option(struct cli *c, int ch, const char *arg)
{
    switch (ch) {
    case OPT_DIR:
        c->dir = arg;
        return 1;
    case OPT_JSON:
        c->json = 1;
        return 1;
    case OPT_NO_COLOR:
        c->color = 0;
        return 1;
    default:
        return 0;
    }
}

/* cli.h describes these to the static analyzer as macros; these are the functions. */
#undef cli_help
#undef cli_usage_error
#undef cli_fail
#undef cli_bad_option

int cli_help(struct cli *c)
{
    fputs(c->usage, stdout);
    return EXIT_OK;
}

/* Longest message: a message is one sentence or two, with a value or a path cut in it. */
#define MESSAGE_MAX 2048

/* Prints prefix and the message fmt makes, then a newline, on stderr through out_message. */
static void say(const char *prefix, const char *fmt, va_list ap)
{
    char msg[MESSAGE_MAX];
    int n = snprintf(msg, sizeof msg, "%s", prefix);
    if (n > 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    out_message(stderr, msg);
    fputc('\n', stderr);
}

void cli_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("ekonet: ", fmt, ap);
    va_end(ap);
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
    char prefix[96];
    va_list ap;
    snprintf(prefix, sizeof prefix, "ekonet %s: ", c->command);
    va_start(ap, fmt);
    say(prefix, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Run 'ekonet %s --help' for its usage.\n", c->command);
    return EXIT_USAGE;
}

/* The option of opts that name (up to its '=') starts, or is exactly; *more: another one also
   starts with it. */
static const struct option *option_named(const struct option *opts, const char *name, size_t len,
                                         int *more)
{
    const struct option *found = NULL;
    *more = 0;
    for (const struct option *o = opts; o->name; o++) {
        if (strncmp(o->name, name, len) != 0) continue;
        if (strlen(o->name) == len) {
            *more = 0;
            return o;
        }
        if (found) *more = 1;
        found = found ? found : o;
    }
    return found;
}

const char *cli_option_problem(char *buf, size_t size, char **argv, const struct option *opts)
{
    /* A long option is the word getopt_long stepped over, and optopt is 0 (unknown or the start
       of several) or the option's val (a value missing or not wanted). An unknown short option
       is only in optopt: it may sit inside a group ("-xy"). Words are cut: they may be anything. */
    const char *word = optind > 0 ? argv[optind - 1] : "";
    const char *name = strncmp(word, "--", 2) == 0 ? word + 2 : "";
    size_t len = strcspn(name, "=");
    int more = 0;
    const struct option *o =
        strncmp(word, "--", 2) == 0 && len ? option_named(opts, name, len, &more) : NULL;
    if (o && optopt == 0)
        snprintf(buf, size, "\"--%.*s\" %s", (int)(len < 64 ? len : 64), name,
                 more ? "is the start of more than one option" : "is not an option here");
    else if (o && o->val == optopt)
        snprintf(buf, size, "--%s %s", o->name,
                 name[len] == '=' ? "takes no value" : "needs a value");
    else if (optopt > 0 && optopt < 256)
        snprintf(buf, size, "unknown option \"-%c\"", optopt);
    else if (strncmp(word, "--", 2) == 0)
        snprintf(buf, size, "unknown option \"--%.*s\"", (int)(len < 64 ? len : 64), name);
    else
        snprintf(buf, size, "unknown option \"%.64s\"", word);
    return buf;
}

int cli_bad_option(struct cli *c, char **argv, const struct option *opts)
{
    char problem[160];
    return cli_usage_error(c, "%s", cli_option_problem(problem, sizeof problem, argv, opts));
}

int cli_fail(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    (void)c;
    va_start(ap, fmt);
    say("ekonet: ", fmt, ap);
    va_end(ap);
    return EXIT_FAIL;
}

int strlist_add(struct strlist *l, char *s)
{
    char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->v[l->n++] = s;
    return 0;
}

int cli_parse_time(const char *s, uint64_t *ms)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof tm);
        end = strptime(s, "%Y-%m-%d", &tm);
    }
    if (!end || *end) return -1;
    /* The network's dates are Swedish: read them as Europe/Stockholm whatever TZ says. */
    const char *old_tz = getenv("TZ");
    char *tz = old_tz ? strdup(old_tz) : NULL;
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (tz)
        setenv("TZ", tz, 1);
    else
        unsetenv("TZ");
    tzset();
    free(tz);
    if (t == (time_t)-1) return -1;
    *ms = (uint64_t)t * 1000;
    return 0;
}

int cli_dispatch(struct cli *c, int argc, char **argv, const struct cli_sub *subs)
{
    const char *group = c->command;
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
            return cli_help(c);
        return cli_usage_error(c, "give a command");
    }
    for (const struct cli_sub *s = subs; s->name; s++) {
        if (strcmp(argv[1], s->name) == 0) {
            static char name[64];
            snprintf(name, sizeof name, "%s %s", group, s->name);
            c->command = name;
            optind = 0; /* glibc: 0 restarts getopt for a new argument vector */
            return s->run(c, argc - 1, argv + 1);
        }
    }
    return cli_usage_error(c, "unknown command \"%s\"", argv[1]);
}

int cli_parse_common(struct cli *c, int argc, char **argv, int max_args)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int ch;
    optind = 0; /* glibc: 0 restarts getopt for a new argument vector */
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == 'h') return cli_help(c);
        return cli_bad_option(c, argv, opts);
    }
    if (argc - optind > max_args)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + max_args]);
    return CLI_CONTINUE;
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    c.dir = getenv("EKONET_DIR");
    if (!c.dir || !*c.dir) c.dir = DEFAULT_DIR;
    c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (key_lib_init() < 0) {
        fprintf(stderr, "ekonet: cannot initialise libsodium\n");
        return EXIT_FAIL;
    }
    /* TZ unset: show times as the network's members see them. */
    if (!getenv("TZ")) setenv("TZ", "Europe/Stockholm", 1);

    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
    int ch;
    opterr = 0; /* every command says what is wrong itself (cli_bad_option), in its words */
    while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        if (cli_common_option(&c, ch, optarg)) continue;
        if (ch == 'V') {
            printf("ekonet %s\n", EKONET_VERSION);
            return EXIT_OK;
        }
        if (ch == 'h') {
            overview(stdout);
            return EXIT_OK;
        }
        char problem[160];
        cli_message("%s\nRun 'ekonet --help' for its usage.",
                    cli_option_problem(problem, sizeof problem, argv, opts));
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        overview(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        overview(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            c.command = name;
            /* The command sees its name as argv[0], then its own arguments. */
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0; /* glibc: 0 restarts getopt for a new argument vector */
            return commands[i].run(&c, sub_argc, sub_argv);
        }
    }
    cli_message("unknown command \"%.64s\"\n", name);
    overview(stderr);
    return EXIT_USAGE;
}
