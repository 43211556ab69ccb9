/*
 * act: the next board act, prepared against the board feed of the node in --dir (cli/act.c).
 */
#ifndef EKONET_CLI_ACT_H
#define EKONET_CLI_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "ekonet/key.h"

/* Asks the node in c->dir for its network; EXIT_OK with *reply (caller frees) when it has
   joined one, else an exit status after saying why. */
int act_network(struct cli *c, Ekonet__ApiReply **reply);

/* Writes a proposal for board feed seq (out: a file, or "-"/NULL for standard output) and tells
   the user what to do with it. An exit status. */
int act_prepare(struct cli *c, const char *out, const uint8_t network_id[ID_SIZE], uint64_t seq,
                const uint8_t *prev, uint32_t threshold, uint32_t kind, const uint8_t *content,
                size_t len);

/* act_prepare for the next act of the network the node in c->dir belongs to. */
int act_prepare_next(struct cli *c, const char *out, uint32_t kind, const uint8_t *content,
                     size_t len);

/* Finds a member by node id (or a prefix of 8+ digits) or SCB code among the node's members:
   EXIT_OK with its current key and how much of its feed the node holds, or an exit status. */
int act_member(struct cli *c, const char *who, uint8_t key[KEY_SIZE], uint64_t *head);

#endif
