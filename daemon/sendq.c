/*
 * sendq: bytes queued in libzmq, counted by message free functions (see sendq.h).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "sendq.h"

struct sendq {
    atomic_size_t bytes;
    atomic_uint refs; /* the owner's, one per message queued, one per child queue */
    size_t limit;
    struct sendq *parent;
};

/* A message's buffer: libzmq gets data, the free function the header in front of it. */
struct queued {
    struct sendq *q;
    size_t len;
    unsigned char data[];
};

struct sendq *sendq_new(struct sendq *parent, size_t limit)
{
    struct sendq *q = malloc(sizeof *q);
    if (!q) return NULL;
    atomic_init(&q->bytes, 0);
    atomic_init(&q->refs, 1);
    q->limit = limit;
    q->parent = parent;
    if (parent) atomic_fetch_add(&parent->refs, 1);
    return q;
}

static void unref(struct sendq *q)
{
    while (q && atomic_fetch_sub(&q->refs, 1) == 1) {
        struct sendq *parent = q->parent;
        free(q);
        q = parent;
    }
}

void sendq_release(struct sendq **q)
{
    if (!q || !*q) return;
    unref(*q);
    *q = NULL;
}

size_t sendq_bytes(const struct sendq *q)
{
    return atomic_load(&q->bytes);
}

int sendq_room(const struct sendq *q, size_t len)
{
    for (; q; q = q->parent) {
        size_t now = atomic_load(&q->bytes);
        if (now > 0 && (now >= q->limit || len > q->limit - now)) return 0;
    }
    return 1;
}

/* libzmq is done with a message (on its I/O thread, or the caller's on close). */
static void dequeued(void *data, void *hint)
{
    (void)data;
    struct queued *m = hint;
    for (struct sendq *q = m->q; q; q = q->parent) atomic_fetch_sub(&q->bytes, m->len);
    unref(m->q);
    free(m);
}

int sendq_msg(struct sendq *q, zmq_msg_t *msg, size_t len, void **data)
{
    struct queued *m = malloc(sizeof *m + (len ? len : 1));
    if (!m) return -1;
    m->q = q;
    m->len = len;
    if (zmq_msg_init_data(msg, m->data, len, dequeued, m) < 0) {
        free(m);
        return -1;
    }
    atomic_fetch_add(&q->refs, 1);
    for (struct sendq *p = q; p; p = p->parent) atomic_fetch_add(&p->bytes, len);
    *data = m->data;
    return 0;
}
