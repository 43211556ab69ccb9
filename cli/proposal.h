/*
 * proposal: board acts prepared offline and co-signed (cli/proposal.c).
 */
#ifndef EKONET_CLI_PROPOSAL_H
#define EKONET_CLI_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

/* A new, unsigned board-feed entry (author = network) stamped now. Caller owns. */
struct entry *proposal_new(const uint8_t network[ID_SIZE], uint64_t seq, const uint8_t *prev,
                           uint32_t kind, const uint8_t *content, size_t len);

/* What the act does and who signed it, as lines for people. */
void proposal_describe(const struct entry *e, char *buf, size_t size);

/* Writes the proposal to path ("-" or NULL: standard output). */
int proposal_write(const char *path, const struct entry *e, struct errbuf *err);

/* Reads a proposal (signatures are not checked here; the node counts them). Caller owns. */
struct entry *proposal_read(const char *path, struct errbuf *err);

#endif
