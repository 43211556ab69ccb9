/*
 * sendq: the bytes a node has handed to libzmq and libzmq has not yet written out, per peer and
 * for the whole node. libzmq bounds its queues in messages only, and a message may be 100 bytes
 * or 4 MB: a peer that does not read could hold 64 x 4 MB of the node's memory. So each message
 * is given to libzmq with a free function (zmq_msg_init_data) that libzmq calls once the
 * message has left its queue (taken by the connection, which encrypts it into a buffer of its
 * own, or dropped with the connection); the counts go down there.
 *
 * That function runs on libzmq's I/O thread, so the counts are atomic, and a queue lives until
 * its owner and its last message are done with it (a reference count). A queue may have a
 * parent (the node's, above each session's): a message counts in both.
 *
 * A queue takes a message when it is empty (one message of any size can always go) or when the
 * message fits under its limit; the same for its parent. Bound: limit + one message.
 */
#ifndef EKONETD_SENDQ_H
#define EKONETD_SENDQ_H

#include <stddef.h>

#include <zmq.h>

struct sendq;

/* A queue of at most limit bytes under parent (NULL for none), holding a reference to it.
   NULL when out of memory. */
struct sendq *sendq_new(struct sendq *parent, size_t limit);

/* Drops the owner's reference; the queue is freed with its last message. Nulls *q. */
void sendq_release(struct sendq **q);

/* Bytes queued now. */
size_t sendq_bytes(const struct sendq *q);

/* True if a message of len bytes may be queued now (q and its parent have room). */
int sendq_room(const struct sendq *q, size_t len);

/*
 * Makes msg a message of len bytes counted in q (and its parent) until libzmq frees it; *data
 * is where to write it. The caller sends msg or closes it (which uncounts it). 0, or -1 when out
 * of memory (msg is then not initialised).
 */
int sendq_msg(struct sendq *q, zmq_msg_t *msg, size_t len, void **data);

#endif
