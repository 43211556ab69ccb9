/*
 * ekonet network, ekonet reach: the whole network as the members' beacons tell this node.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

static const char usage_network[] =
    "usage: ekonet network [--json]\n"
    "\n"
    "Every member of the network as its beacons (signed status, sent every minute or so)\n"
    "tell this node: when the last one came, its version, the head of its own feed, how many\n"
    "entries it lacks that this node holds (lag), whether it is reachable (a beacon within two\n"
    "of its periods) and whether this node has a session with it; then a summary line.\n"
    "A lag of \"-\" (null in JSON) is not known yet: the member's latest beacon was made\n"
    "before the last board act this node holds; its next beacon tells.\n";

static const char usage_reach[] =
    "usage: ekonet reach ID [--json]\n"
    "\n"
    "How many admitted members hold the entry ID (an id or 8+ hex digits of it), as their\n"
    "latest beacons say: \"reached 287/300 members\". Members that have sent no beacon yet, or\n"
    "whose latest beacon was made before the last board act this node holds, are counted\n"
    "apart as unknown.\n";

static cJSON *member_json(const Ekonet__MemberStatus *m)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "node_id", out_json_hex(m->key.data, m->key.len));
    cJSON_AddStringToObject(o, "name", m->name);
    cJSON_AddStringToObject(o, "code", m->code);
    cJSON_AddStringToObject(o, "status", m->status);
    cJSON_AddBoolToObject(o, "self", m->self);
    cJSON_AddBoolToObject(o, "reachable", m->reachable);
    cJSON_AddBoolToObject(o, "session", m->session);
    cJSON_AddNumberToObject(o, "head", (double)m->head);
    if (m->has_beacon_ms) {
        cJSON_AddStringToObject(o, "beacon", out_time_iso(iso, sizeof iso, m->beacon_ms));
        cJSON_AddStringToObject(o, "beacon_received",
                                out_time_iso(iso, sizeof iso, m->received_ms));
        cJSON_AddNumberToObject(o, "beacon_interval_s", m->interval_s);
        cJSON_AddStringToObject(o, "agent", m->agent ? m->agent : "");
        cJSON_AddStringToObject(o, "started", out_time_iso(iso, sizeof iso, m->started_ms));
        cJSON_AddNumberToObject(o, "sessions", m->sessions);
        cJSON_AddNumberToObject(o, "entries", (double)m->entries);
        if (m->has_lag)
            cJSON_AddNumberToObject(o, "lag", (double)m->lag);
        else
            cJSON_AddNullToObject(o, "lag");
        cJSON_AddNumberToObject(o, "outbox", (double)m->outbox);
        cJSON_AddNumberToObject(o, "relay", (double)m->relay);
    } else {
        const char *none[] = {"beacon",
                              "beacon_received",
                              "beacon_interval_s",
                              "agent",
                              "started",
                              "sessions",
                              "entries",
                              "lag",
                              "outbox",
                              "relay"};
        for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) cJSON_AddNullToObject(o, none[i]);
    }
    return o;
}

/* "12s ago", "5m ago", "never" */
static const char *ago(char *buf, size_t size, const Ekonet__MemberStatus *m, uint64_t now)
{
    if (!m->has_received_ms) return "never";
    char d[32];
    uint64_t s = now > m->received_ms ? (now - m->received_ms) / 1000 : 0;
    snprintf(buf, size, "%s ago", out_duration(d, sizeof d, s));
    return buf;
}

int cmd_network(struct cli *c, int argc, char **argv)
{
    c->usage = usage_network;
    int rc = cli_parse_common(c, argc, argv, 0);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__NetworkStatusRequest nr = EKONET__NETWORK_STATUS_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_NETWORK_STATUS;
    req.network_status = &nr;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_NETWORK_STATUS, &reply)) != EXIT_OK)
        return rc;
    const Ekonet__NetworkStatusReply *r = reply->network_status;
    size_t revoked = 0;
    for (size_t i = 0; i < r->n_members; i++)
        revoked += strcmp(r->members[i]->status, "revoked") == 0;
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "admitted", r->admitted);
        cJSON_AddNumberToObject(o, "reachable", r->reachable);
        cJSON_AddNumberToObject(o, "revoked", (double)revoked);
        cJSON_AddNumberToObject(o, "beacon_interval_s", r->beacon_interval_s);
        cJSON *arr = cJSON_AddArrayToObject(o, "members");
        for (size_t i = 0; i < r->n_members; i++)
            cJSON_AddItemToArray(arr, member_json(r->members[i]));
        out_json(o);
    } else {
        char head[200];
        uint64_t now = out_now_ms();
        snprintf(head, sizeof head, "%-20s  %-4s  %-11s  %-10s  %-14s  %6s  %6s  %s", "MEMBER",
                 "CODE", "STATE", "BEACON", "VERSION", "HEAD", "LAG", "SESSION");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < r->n_members; i++) {
            const Ekonet__MemberStatus *m = r->members[i];
            char when[48], lag[24];
            const char *state = strcmp(m->status, "revoked") == 0 ? "revoked"
                                : m->self                         ? "this node"
                                : m->reachable                    ? "reachable"
                                                                  : "unreachable";
            snprintf(lag, sizeof lag, "%llu", (unsigned long long)m->lag);
            out_cell(m->name, 20, 1);
            printf("  %-4s  %-11s  %-10s  %-14s  %6llu  %6s  %s\n", m->code, state,
                   ago(when, sizeof when, m, now), m->agent ? m->agent : "-",
                   (unsigned long long)m->head, m->has_lag ? lag : "-",
                   m->self      ? ""
                   : m->session ? "live"
                                : "-");
        }
        printf("%u of %u admitted member%s reachable", r->reachable, r->admitted,
               r->admitted == 1 ? "" : "s");
        if (revoked) printf(", %zu revoked", revoked);
        printf("; beacons every %u s\n", r->beacon_interval_s);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

int cmd_reach(struct cli *c, int argc, char **argv)
{
    c->usage = usage_reach;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the entry's ID");
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ReachRequest rr = EKONET__REACH_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_REACH;
    req.reach = &rr;
    rr.id = argv[optind];
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_REACH, &reply)) != EXIT_OK) return rc;
    const Ekonet__ReachReply *r = reply->reach;
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id", out_json_hex(r->id.data, r->id.len));
        cJSON_AddItemToObject(o, "author", out_json_hex(r->author.data, r->author.len));
        if (r->author_name)
            cJSON_AddStringToObject(o, "author_name", r->author_name);
        else
            cJSON_AddNullToObject(o, "author_name");
        cJSON_AddNumberToObject(o, "seq", (double)r->seq);
        cJSON_AddNumberToObject(o, "reached", r->reached);
        cJSON_AddNumberToObject(o, "members", r->members);
        cJSON_AddNumberToObject(o, "unknown", r->unknown);
        cJSON *m = cJSON_AddArrayToObject(o, "missing");
        for (size_t i = 0; i < r->n_missing; i++)
            cJSON_AddItemToArray(m, out_json_hex(r->missing[i].data, r->missing[i].len));
        out_json(o);
    } else {
        char sid[16], who[16];
        printf("reached %u/%u members", r->reached, r->members);
        if (r->unknown) printf(" (%u not known yet)", r->unknown);
        printf(": entry %s, seq %llu of %s\n", out_short_id(sid, r->id.data),
               (unsigned long long)r->seq,
               r->author_name ? r->author_name : out_short_id(who, r->author.data));
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
