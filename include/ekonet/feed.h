/*
 * feed: the one place where entries are accepted into the store. Whether an entry was
 * published here or arrived from a peer, it goes through feed_accept: checked (network,
 * signature, chain, content, membership, date), stored and projected in one transaction.
 *
 *   decode (entry.c) -> feed_accept: check -> store -> project -> (caller) push
 */
#ifndef EKONET_FEED_H
#define EKONET_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"
#include "ekonet/errbuf.h"
#include "ekonet/key.h"

struct store;

struct roster;

struct feeds {
    struct store *store;
    uint8_t network[ID_SIZE];
    size_t max_content;      /* bytes */
    struct roster *roster;   /* NULL: a node outside any network; every author is accepted */
    uint64_t roster_changes; /* board entries accepted so far (the roster changed) */
    uint64_t refused[ENTRY_STATUS_COUNT]; /* counters by reason */
    uint64_t accepted;
    uint64_t forks;      /* fork proofs recorded */
    uint64_t redactions; /* REDACT entries accepted (the store should be compacted) */
    uint64_t profiles;   /* PROFILE entries accepted (where members are dialled may move) */
};

/* Outcomes of feed_fork_proof besides refusals (which are enum entry_status values). */
#define FEED_FORK_NEW   (-100)
#define FEED_FORK_KNOWN (-101)

/*
 * Checks and stores n entries in one transaction. status[i] gets each entry's outcome
 * (ENTRY_OK or a refusal); why (may be NULL) describes the first refusal. Returns the number
 * accepted, or -1 if the store failed (then nothing of the batch is stored; err says why).
 */
int feed_accept(struct feeds *f, struct entry *const *v, size_t n, int *status, struct errbuf *why,
                struct errbuf *err);

/* One of several batches accepted together (feed_accept_batches). */
struct feed_batch {
    struct entry *const *v;
    size_t n;
    int *status;       /* n outcomes */
    struct errbuf why; /* the first refusal, "" if none */
    int accepted;      /* entries accepted */
};

/*
 * Like feed_accept for k batches in one transaction, without a savepoint between them: the
 * full-text index is written once for all (it writes what it has at every savepoint), and
 * so are the pages they share. Returns the number accepted in all of them, or -1 if the
 * store failed (then none of them is stored).
 */
int feed_accept_batches(struct feeds *f, struct feed_batch *b, size_t k, struct errbuf *err);

/*
 * Like feed_accept, but stores nothing unless every entry is accepted or a duplicate: returns
 * the number accepted, or 0 with why describing the first refusal (statuses after it are not
 * set), or -1 if the store failed.
 */
int feed_accept_all(struct feeds *f, struct entry *const *v, size_t n, int *status,
                    struct errbuf *why, struct errbuf *err);

/* The checks feed_publish makes before it signs: ENTRY_OK, a refusal (why), or -1 (err). */
int feed_check_publish(struct feeds *f, const struct node_key *k, uint32_t kind,
                       const uint8_t *content, size_t len, struct errbuf *why, struct errbuf *err);

/*
 * Publishes content of kind in k's own feed: next seq, prev = head, timestamp now, signed,
 * accepted and committed (fsynced) before it returns. *out gets the entry (caller owns).
 * Returns ENTRY_OK, a refusal (why says what is wrong with the content) or -1 (err).
 */
int feed_publish(struct feeds *f, const struct node_key *k, uint32_t kind, const uint8_t *content,
                 size_t len, struct entry **out, struct errbuf *why, struct errbuf *err);

/*
 * Takes a fork proof from a peer: two encoded entries (content optional) of one author and
 * seq with different ids, each validly signed in this network. A new proof is stored and the
 * feed quarantined from that seq on: FEED_FORK_NEW (pass it on), FEED_FORK_KNOWN, a refusal
 * (enum entry_status), or -1 if the store failed.
 */
int feed_fork_proof(struct feeds *f, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    struct errbuf *err);

#endif
