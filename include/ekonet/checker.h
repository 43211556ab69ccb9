/*
 * checker: verifies batches of member entries (entry_check: network, signature, content hash)
 * on helper threads, while the caller's thread stores the batch before. Ed25519 verification
 * is most of the cost of accepting an entry and needs nothing from the store, so a node keeps
 * both of a 2-core machine's cores busy: one verifying batch k+1, one storing batch k.
 *
 * Jobs finish in the order they were submitted (checker_pop hands back the oldest only when it
 * is done), so feeds are stored in order. The queue holds at most CHECKER_QUEUE jobs: that and
 * the batch size bound the memory in flight. Without helper threads a job is checked at once,
 * on the caller's thread, inside checker_submit.
 */
#ifndef EKONET_CHECKER_H
#define EKONET_CHECKER_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/entry.h"

#define CHECKER_QUEUE 8

struct checker;

/* A checker with `threads` helper threads (0: the caller checks). NULL on failure. */
struct checker *checker_new(int threads, const uint8_t network[ID_SIZE], size_t max_content);

/* Stops the threads (after the job in hand) and frees c; the jobs' tags are not freed. */
void checker_destroy(struct checker **c);

/*
 * Queues v[0..n) (borrowed until the job is popped) with the caller's tag. Each entry's result
 * goes to e->checked; board-feed entries are left to feed_accept. Returns 0, or -1 when the
 * queue is full (pop or wait first).
 */
int checker_submit(struct checker *c, struct entry *const *v, size_t n, void *tag);

/*
 * Checks v[0..n) on the caller's thread, as a job would, if no job is queued or running (so
 * that batches are still stored in order): 0, or -1 and nothing done.
 */
int checker_check_now(struct checker *c, struct entry *const *v, size_t n);

/* A file descriptor that becomes readable when a job finishes (drain it with checker_pop). */
int checker_fd(const struct checker *c);

/* The tag of the oldest job if it is done (removing it), else NULL. */
void *checker_pop(struct checker *c);

/* Waits until the oldest job is done and returns its tag (NULL if the queue is empty). */
void *checker_wait(struct checker *c);

/* Number of jobs queued or running. */
size_t checker_pending(const struct checker *c);

#endif
