/*
 * act: the next board act of the network a node belongs to, prepared against the node's board
 * feed (its network id, head and threshold) and its members; shared by ekonet board's commands.
 */
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "proposal.h"
#include "wire.pb-c.h"

/* Asks the node for its network; EXIT_OK with *reply when it has joined one. */
int act_network(struct cli *c, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__NetworkRequest nr = EKONET__NETWORK_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_NETWORK;
    req.network = &nr;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_NETWORK, reply);
    if (rc != EXIT_OK) return rc;
    if (!(*reply)->network->joined || (*reply)->network->network_id.len != ID_SIZE ||
        (*reply)->network->board_head.len != ID_SIZE) {
        ekonet__api_reply__free_unpacked(*reply, NULL);
        return cli_fail(c, "the node in %s has not joined a network", c->dir);
    }
    return EXIT_OK;
}

/* Writes a proposal for the next board act and tells what to do with it. */
int act_prepare(struct cli *c, const char *out, const uint8_t network_id[ID_SIZE], uint64_t seq,
                const uint8_t *prev, uint32_t threshold, uint32_t kind, const uint8_t *content,
                size_t len)
{
    struct errbuf why = {""};
    if (content_check(kind, content, len, &why) != ENTRY_OK) return cli_fail(c, "%s", why.msg);
    struct entry *e = proposal_new(network_id, seq, prev, kind, content, len);
    if (!e) return cli_fail(c, "out of memory");
    int rc = proposal_write(out, e, &why);
    entry_destroy(&e);
    if (rc < 0) return cli_fail(c, "%s", why.msg);
    const char *file = out && strcmp(out, "-") != 0 ? out : "PROPOSAL";
    fprintf(stderr,
            "Prepared the %s act (board feed seq %llu). It needs the signatures of %u "
            "board member%s:\n  ekonet board sign %s --key BOARD_KEY_FILE\n",
            entry_kind_str(kind), (unsigned long long)seq, threshold, threshold == 1 ? "" : "s",
            file);
    if (seq > 1) fprintf(stderr, "then: ekonet board publish %s\n", file);
    return EXIT_OK;
}

/* Prepares the next act of the network the node belongs to. */
int act_prepare_next(struct cli *c, const char *out, uint32_t kind, const uint8_t *content,
                     size_t len)
{
    Ekonet__ApiReply *reply;
    int rc = act_network(c, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__NetworkReply *n = reply->network;
    rc = act_prepare(c, out, n->network_id.data, n->board_seq + 1, n->board_head.data, n->threshold,
                     kind, content, len);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Finds a member by node id (or a prefix of 8+ digits) or SCB code; EXIT_OK with its info. */
int act_member(struct cli *c, const char *who, uint8_t key[KEY_SIZE], uint64_t *head)
{
    Ekonet__ApiReply *reply;
    int rc = cli_member_list(c, &reply);
    if (rc != EXIT_OK) return rc;
    size_t found = 0, wl = strlen(who);
    for (size_t i = 0; i < reply->member_list->n_members; i++) {
        const Ekonet__MemberInfo *m = reply->member_list->members[i];
        char hex[ID_HEX];
        hex_encode(hex, m->key.data, KEY_SIZE);
        if (strcmp(m->code, who) == 0 || (wl >= 8 && strncmp(hex, who, wl) == 0)) {
            if (found++ == 0) {
                memcpy(key, m->key.data, KEY_SIZE);
                *head = m->head_seq;
            }
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    if (found == 1) return EXIT_OK;
    if (found == 0)
        return cli_fail(c, "no member with node id or code \"%s\" (see: ekonet members)", who);
    return cli_fail(c, "\"%s\" names %zu members; give the whole node id", who, found);
}
