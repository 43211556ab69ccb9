/*
 * ekonet watch: the node's events as they happen, from its event stream (events.sock, a PUB
 * socket; proto/api.proto WatchEvent).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "zmtp.h"

#define EVENT_MAX 4096

static const char usage[] =
    "usage: ekonet watch [--kind KIND]... [--count N] [--json]\n"
    "\n"
    "Prints the node's events as they happen, one line each, until interrupted:\n"
    "  peer_up, peer_down           sessions with other members' nodes\n"
    "  peer_cut                     a member cut off for repeated violations of the limits\n"
    "  entries, refused             entries accepted (per feed) or refused (with the reason)\n"
    "  fork, admitted, revoked      forks found, board acts\n"
    "  contact_request, contact_reply, contact_delivered\n"
    "  reachable, unreachable       members whose beacons come again, or stopped coming\n"
    "\n"
    "  --kind KIND   only these kinds (repeatable)\n"
    "  --count N     stop after N events\n"
    "  --json        one JSON object a line\n";

static int wanted(const struct strlist *kinds, const char *kind)
{
    if (kinds->n == 0) return 1;
    for (size_t i = 0; i < kinds->n; i++)
        if (strcmp(kinds->v[i], kind) == 0) return 1;
    return 0;
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

int cmd_watch(struct cli *c, int argc, char **argv)
{
    enum { O_KIND = OPT_FIRST_COMMAND_OPTION, O_COUNT };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"kind", required_argument, NULL, O_KIND},
        {"count", required_argument, NULL, O_COUNT},
        {NULL, 0, NULL, 0},
    };
    struct strlist kinds = {0};
    long count = 0;
    int ch, rc = CLI_CONTINUE;
    c->usage = usage;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_KIND:
            if (strlist_add(&kinds, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case O_COUNT: {
            char *end;
            count = strtol(optarg, &end, 10);
            if (*end || count < 1) rc = cli_usage_error(c, "--count must be a positive number");
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
    if (rc != CLI_CONTINUE) {
        free(kinds.v);
        return rc;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/events.sock", c->dir);
    int fd = zmtp_connect_as(path, "SUB", 10000);
    if (fd < 0 || zmtp_subscribe(fd, 10000) < 0) {
        free(kinds.v);
        return cli_connect_failed(c, errno);
    }
    if (!c->json) {
        fprintf(stderr, "Watching the node in %s (Ctrl-C to stop)\n", c->dir);
    }
    long seen = 0;
    for (;;) {
        uint8_t *buf;
        size_t len;
        if (zmtp_recv(fd, &buf, &len, EVENT_MAX, -1) < 0) {
            rc = errno == ECONNRESET ? cli_fail(c, "the node stopped")
                                     : cli_connect_failed(c, errno);
            break;
        }
        Ekonet__WatchEvent *e = ekonet__watch_event__unpack(NULL, len, buf);
        free(buf);
        if (!e) continue; /* from a newer node: skip */
        if (wanted(&kinds, e->kind)) {
            print_event(c, e);
            seen++;
        }
        ekonet__watch_event__free_unpacked(e, NULL);
        if (count && seen >= count) {
            rc = EXIT_OK;
            break;
        }
    }
    close(fd);
    free(kinds.v);
    return rc;
}
