/*
 * ekonet peers: the node's sessions with other members' nodes.
 */
#include <string.h>

#include "cli.h"
#include "ekonet/key.h"

static const char usage[] =
    "usage: ekonet peers [--json]\n"
    "\n"
    "The node's sessions: which member, its endpoint, who dialled (out: this node), the\n"
    "state (connecting, hello, live), how new entries go to the peer (PUSH: eager, sent at\n"
    "once; lazy, announced every few seconds and fetched by the peer if it still lacks them,\n"
    "because it is reached another way), how many entries this node still lacks that the\n"
    "peer holds, and when the peer was last heard from.\n";

int cmd_peers(struct cli *c, int argc, char **argv)
{
    c->usage = usage;
    int rc = cli_parse_common(c, argc, argv, 0);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PeerListRequest pr = EKONET__PEER_LIST_REQUEST__INIT;
    Ekonet__ApiReply *reply;
    req.op_case = EKONET__API_REQUEST__OP_PEER_LIST;
    req.peer_list = &pr;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_PEER_LIST, &reply)) != EXIT_OK) return rc;
    const Ekonet__PeerListReply *l = reply->peer_list;
    uint64_t now = out_now_ms();
    if (c->json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l->n_peers; i++) {
            const Ekonet__PeerInfo *p = l->peers[i];
            char iso[40];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "node_id", out_json_hex(p->node_id.data, p->node_id.len));
            if (p->name)
                cJSON_AddStringToObject(o, "name", p->name);
            else
                cJSON_AddNullToObject(o, "name");
            cJSON_AddStringToObject(o, "endpoint", p->endpoint);
            cJSON_AddStringToObject(o, "direction", p->direction);
            cJSON_AddStringToObject(o, "state", p->state);
            cJSON_AddStringToObject(o, "push", p->lazy ? "lazy" : "eager");
            cJSON_AddNumberToObject(o, "behind", (double)p->behind);
            cJSON_AddStringToObject(o, "last_seen", out_time_iso(iso, sizeof iso, p->last_seen_ms));
            cJSON_AddStringToObject(o, "since", out_time_iso(iso, sizeof iso, p->since_ms));
            cJSON_AddNumberToObject(o, "entries_in", (double)p->entries_in);
            cJSON_AddNumberToObject(o, "entries_out", (double)p->entries_out);
            cJSON_AddNumberToObject(o, "refused", (double)p->refused);
            cJSON_AddItemToArray(arr, o);
        }
        out_json(arr);
    } else if (l->n_peers == 0) {
        printf(
            "No sessions. The node dials its seeds and members; see ekonet status and the log.\n");
    } else {
        char head[160];
        snprintf(head, sizeof head, "%-20s  %-12s  %-3s  %-10s  %-5s  %8s  %9s  %s", "MEMBER",
                 "NODE", "DIR", "STATE", "PUSH", "BEHIND", "LAST SEEN", "ENDPOINT");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < l->n_peers; i++) {
            const Ekonet__PeerInfo *p = l->peers[i];
            char sid[16], ago[32];
            out_cell(p->name ? p->name : "?", 20, 1);
            uint64_t seen = now > p->last_seen_ms ? (now - p->last_seen_ms) / 1000 : 0;
            printf("  %-12s  %-3s  %-10s  %-5s  %8llu  %9s  %s\n",
                   p->node_id.len == KEY_SIZE ? out_short_id(sid, p->node_id.data) : "?",
                   p->direction, p->state, p->lazy ? "lazy" : "eager",
                   (unsigned long long)p->behind, out_duration(ago, sizeof ago, seen), p->endpoint);
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
