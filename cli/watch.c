/*
 * ekonet watch: the node's events as they happen, from its event stream (events.sock, a PUB
 * socket; proto/api.proto WatchEvent).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "zmtp.h"

/* The largest event read: the node sends at most 8 KB (daemon/watch.c WATCH_EVENT_MAX). */
#define EVENT_MAX 16384

/* What to show: the kinds, members (node ids), topics and indicators asked for; empty: any. */
struct filter {
    struct strlist kinds, members, topics, indicators;
    uint8_t (*keys)[KEY_SIZE]; /* members.v resolved */
};

static const char usage[] =
    "usage: ekonet watch [--kind KIND]... [--member M]... [--topic T]... [--indicator CODE]...\n"
    "                    [--count N] [--json]\n"
    "\n"
    "Prints the node's events as they happen, one line each, until interrupted:\n"
    "  peer_up, peer_down           sessions with other members' nodes\n"
    "  peer_cut                     a member cut off for repeated violations of the limits\n"
    "  entries, refused             entries accepted (per feed) or refused (with the reason)\n"
    "  report                       a report published or edited, with its title\n"
    "  fork, admitted, revoked      forks found, board acts\n"
    "  contact_request              a contact request to this node: who asks whom, about what\n"
    "  contact_reply, contact_delivered\n"
    "  reachable, unreachable       members whose beacons come again, or stopped coming\n"
    "\n"
    "  --kind KIND        only these kinds\n"
    "  --member M         only events about these members (SCB code, name or node id)\n"
    "  --topic T          only reports on one of these topics (letter case aside)\n"
    "  --indicator CODE   only reports on one of these indicators (or on a topic given)\n"
    "  --count N          stop after N events\n"
    "  --json             one JSON object a line\n"
    "Each filter is repeatable and takes comma lists (--topic avfall,energi); filters of\n"
    "different kinds must all hold.\n";

/* True when s is among l (any when l is empty); icase: letter case aside. */
static int listed(const struct strlist *l, const char *s, int icase)
{
    if (l->n == 0) return 1;
    for (size_t i = 0; i < l->n; i++)
        if ((icase ? strcasecmp : strcmp)(l->v[i], s) == 0) return 1;
    return 0;
}

/* True when one of v (n of them) is among l. */
static int any_listed(const struct strlist *l, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l->n && listed(l, v[i], 1)) return 1;
    return 0;
}

static int wanted(const struct filter *f, const Ekonet__WatchEvent *e)
{
    if (!listed(&f->kinds, e->kind, 0)) return 0;
    if (f->members.n) {
        size_t i = 0;
        while (i < f->members.n && !(e->has_member && e->member.len == KEY_SIZE &&
                                     memcmp(f->keys[i], e->member.data, KEY_SIZE) == 0))
            i++;
        if (i == f->members.n) return 0;
    }
    if (f->topics.n || f->indicators.n)
        return any_listed(&f->topics, e->topics, e->n_topics) ||
               any_listed(&f->indicators, e->indicators, e->n_indicators);
    return 1;
}

/* Adds each item of the comma list s (changed in place) to l. */
static int add_list(struct cli *c, struct strlist *l, char *s, const char *option)
{
    char *save = NULL;
    size_t before = l->n;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') t++;
        if (*t && strlist_add(l, t) < 0) return cli_fail(c, "out of memory");
    }
    if (l->n == before) return cli_usage_error(c, "--%s needs a value", option);
    return CLI_CONTINUE;
}

/* The member named by text (SCB code, name or a node id prefix of 8+ digits) in l. */
static int find_member(struct cli *c, const Ekonet__MemberListReply *l, const char *text,
                       uint8_t key[KEY_SIZE])
{
    size_t found = 0, len = strlen(text);
    for (size_t i = 0; i < l->n_members; i++) {
        const Ekonet__MemberInfo *m = l->members[i];
        char hex[ID_HEX];
        hex_encode(hex, m->key.data, KEY_SIZE);
        if (strcmp(m->code, text) != 0 && strcasecmp(m->name, text) != 0 &&
            !(len >= 8 && strncasecmp(hex, text, len) == 0))
            continue;
        if (found++ == 0) memcpy(key, m->key.data, KEY_SIZE);
    }
    if (found == 1) return EXIT_OK;
    if (found == 0)
        return cli_fail(c,
                        "no member \"%s\" (give an SCB code, a name or a node id; see ekonet "
                        "members)",
                        text);
    return cli_fail(c, "\"%s\" names %zu members; give a node id", text, found);
}

/* Resolves the members of f with the node's member list. */
static int resolve_members(struct cli *c, struct filter *f)
{
    if (!f->members.n) return EXIT_OK;
    if (!(f->keys = calloc(f->members.n, KEY_SIZE))) return cli_fail(c, "out of memory");
    Ekonet__ApiReply *reply = NULL;
    int rc = cli_member_list(c, &reply);
    if (rc != EXIT_OK) return rc;
    for (size_t i = 0; rc == EXIT_OK && i < f->members.n; i++)
        rc = find_member(c, reply->member_list, f->members.v[i], f->keys[i]);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

static void filter_free(struct filter *f)
{
    free(f->kinds.v);
    free(f->members.v);
    free(f->topics.v);
    free(f->indicators.v);
    free(f->keys);
}

static void print_event(const struct cli *c, const Ekonet__WatchEvent *e)
{
    char t[40];
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "time", out_time_iso(t, sizeof t, e->time_ms));
        cJSON_AddNumberToObject(o, "timestamp_ms", (double)e->time_ms);
        cJSON_AddStringToObject(o, "kind", e->kind);
        cJSON_AddStringToObject(o, "text", e->text);
        if (e->has_member)
            cJSON_AddItemToObject(o, "member", out_json_hex(e->member.data, e->member.len));
        if (e->member_name) cJSON_AddStringToObject(o, "member_name", e->member_name);
        if (e->has_id) cJSON_AddItemToObject(o, "id", out_json_hex(e->id.data, e->id.len));
        if (e->has_count) cJSON_AddNumberToObject(o, "count", (double)e->count);
        if (e->reason) cJSON_AddStringToObject(o, "reason", e->reason);
        if (e->has_peer) cJSON_AddItemToObject(o, "peer", out_json_hex(e->peer.data, e->peer.len));
        if (e->title) cJSON_AddStringToObject(o, "title", e->title);
        if (e->title)
            cJSON_AddItemToObject(
                o, "topics",
                cJSON_CreateStringArray((const char *const *)e->topics, (int)e->n_topics));
        if (e->title)
            cJSON_AddItemToObject(
                o, "indicators",
                cJSON_CreateStringArray((const char *const *)e->indicators, (int)e->n_indicators));
        if (e->has_edited) cJSON_AddBoolToObject(o, "edited", e->edited);
        if (e->from_name) cJSON_AddStringToObject(o, "from_name", e->from_name);
        if (e->role) cJSON_AddStringToObject(o, "role", e->role);
        if (e->subject) cJSON_AddStringToObject(o, "subject", e->subject);
        char *s = cJSON_PrintUnformatted(o);
        if (s) puts(s);
        free(s);
        cJSON_Delete(o);
    } else {
        time_t sec = (time_t)(e->time_ms / 1000);
        struct tm tm;
        localtime_r(&sec, &tm);
        strftime(t, sizeof t, "%H:%M:%S", &tm);
        printf("%s  %-17s  %s\n", t, e->kind, e->text);
    }
    fflush(stdout);
}

/* Options into f and *count; CLI_CONTINUE or the exit status. */
static int parse(struct cli *c, int argc, char **argv, struct filter *f, long *count)
{
    enum { O_KIND = OPT_FIRST_COMMAND_OPTION, O_COUNT, O_MEMBER, O_TOPIC, O_INDICATOR };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"kind", required_argument, NULL, O_KIND},
        {"count", required_argument, NULL, O_COUNT},
        {"member", required_argument, NULL, O_MEMBER},
        {"topic", required_argument, NULL, O_TOPIC},
        {"indicator", required_argument, NULL, O_INDICATOR},
        {NULL, 0, NULL, 0},
    };
    int ch, rc = CLI_CONTINUE;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_KIND:
            rc = add_list(c, &f->kinds, optarg, "kind");
            break;
        case O_MEMBER:
            rc = add_list(c, &f->members, optarg, "member");
            break;
        case O_TOPIC:
            rc = add_list(c, &f->topics, optarg, "topic");
            break;
        case O_INDICATOR:
            rc = add_list(c, &f->indicators, optarg, "indicator");
            break;
        case O_COUNT: {
            char *end;
            *count = strtol(optarg, &end, 10);
            if (*end || *count < 1) rc = cli_usage_error(c, "--count must be a positive number");
            break;
        }
        case 'h':
            rc = cli_help(c);
            break;
        default:
            rc = cli_bad_option(c, argv, opts);
        }
    }
    if (rc == CLI_CONTINUE && optind < argc)
        rc = cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    return rc;
}

/* Prints the events f wants until count of them (0: until the node stops). */
static int follow(struct cli *c, int fd, const struct filter *f, long count)
{
    long seen = 0;
    for (;;) {
        uint8_t *buf;
        size_t len;
        if (zmtp_recv(fd, &buf, &len, EVENT_MAX, -1) < 0)
            return errno == ECONNRESET ? cli_fail(c, "the node stopped")
                                       : cli_connect_failed(c, errno);
        Ekonet__WatchEvent *e = ekonet__watch_event__unpack(NULL, len, buf);
        free(buf);
        if (!e) continue; /* from a newer node: skip */
        if (wanted(f, e)) {
            print_event(c, e);
            seen++;
        }
        ekonet__watch_event__free_unpacked(e, NULL);
        if (count && seen >= count) return EXIT_OK;
    }
}

int cmd_watch(struct cli *c, int argc, char **argv)
{
    struct filter f = {0};
    long count = 0;
    c->usage = usage;
    int rc = parse(c, argc, argv, &f, &count);
    if (rc == CLI_CONTINUE && (rc = resolve_members(c, &f)) == EXIT_OK) rc = CLI_CONTINUE;
    if (rc != CLI_CONTINUE) {
        filter_free(&f);
        return rc;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/events.sock", c->dir);
    int fd = zmtp_connect_as(path, "SUB", 10000);
    if (fd < 0 || zmtp_subscribe(fd, 10000) < 0) {
        filter_free(&f);
        return cli_connect_failed(c, errno);
    }
    if (!c->json) fprintf(stderr, "Watching the node in %s (Ctrl-C to stop)\n", c->dir);
    rc = follow(c, fd, &f, count);
    close(fd);
    filter_free(&f);
    return rc;
}
