/*
 * fixture: a running node for the targets that drive the daemon's own handlers (fuzz_node,
 * fuzz_apihandler). One per process, made at the first call: a temporary data directory with a
 * store whose board feed makes a network of two members, this node (fuzz_key 0) and the
 * attacker (fuzz_key 1), with the board of fuzz_keys 2 and 3; the peer listener and the API on
 * ipc:// sockets in that directory, metrics off, no dialling. Nothing connects to its sockets,
 * so replies to the attacker go to a routing id that the ROUTER drops (encoded all the same).
 */
#ifndef EKONET_FUZZ_FIXTURE_H
#define EKONET_FUZZ_FIXTURE_H

#include "fuzz.h"
#include "node.h"

#define FIXTURE_ME       0 /* fuzz_key of the node under test */
#define FIXTURE_ATTACKER 1 /* fuzz_key of the admitted member that sends the input */

/* The node, made on the first call (aborts when it cannot be). */
struct node *fixture_node(void);

/* The attacker's node key (fuzz_key FIXTURE_ATTACKER). */
const struct node_key *fixture_attacker(void);

/* Runs the loop's turns until the checker has stored every batch handed to it, then one more
   turn with the tick due, as the loop would run it a second later; sessions are not closed as
   gone for the replies the ROUTER dropped. Never sleeps long. */
void fixture_settle(struct node *n);

/* Forgets what one input left that would change how the next is handled: the records of
   peers' conduct (a cut-off would drop every later input) and the dialling backoff, and every
   session (closed without a Bye) when sessions is not 0. */
void fixture_reset(struct node *n, int sessions);

#endif
