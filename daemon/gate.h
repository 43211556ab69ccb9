/*
 * gate: the connections a listening ZeroMQ socket holds, and a bound on them. libzmq accepts
 * every connection that arrives; each costs a file descriptor and a few kilobytes before a byte
 * is read, and a node out of descriptors dies inside libzmq (an accept on a Unix socket aborts
 * the process). So each listening socket of the node (the peer port, the local API, the event
 * stream) has a gate that follows its connections through the socket's monitor (accepted,
 * disconnected) and closes, with shutdown(2), those past its limits:
 *
 *   per address   a connection from an address that already holds per_address is closed at
 *                 once (on a Unix socket: from a process that holds per_address);
 *   in all        past max, the oldest young connection is closed (one accepted less than
 *                 young_ms ago: on the peer port, one whose CURVE handshake may not be done,
 *                 since libzmq drops those after the handshake interval); when none is young,
 *                 the new one is closed.
 *
 * So a flood can cost the node at most max descriptors per socket, and a member, whose
 * handshake takes milliseconds, gets in unless max connections arrive in those milliseconds.
 *
 * Before shutdown(2) the gate checks that the descriptor is still the connection it accepted
 * (its addresses, or its peer's process), since libzmq may have closed it and the number be
 * reused. Memory: 48 bytes a descriptor up to the file limit (untouched pages cost nothing),
 * 32 bytes an address, 16 a young connection.
 */
#ifndef EKONETD_GATE_H
#define EKONETD_GATE_H

#include <stdint.h>

#include "ekonet/errbuf.h"

struct gate;

struct gate_limits {
    unsigned max;         /* connections held at once */
    unsigned per_address; /* connections from one address (or local process); 0: no limit */
    unsigned young_ms;    /* a connection younger than this may be closed for a newer one */
};

struct gate_stats {
    uint64_t accepted; /* connections accepted */
    uint64_t refused;  /* closed at once: their address held per_address, or all were old */
    uint64_t evicted;  /* young connections closed for newer ones */
    uint64_t failed;   /* accepts that failed in libzmq (out of descriptors, say) */
    unsigned open;     /* connections held now */
};

/* A gate on sock, which must not be bound yet (the monitor sees only later connections).
   name is short and unique in the node ("peer", "api", "events"). NULL with err on failure. */
struct gate *gate_new(void *zctx, void *sock, const char *name, const struct gate_limits *limits,
                      struct errbuf *err);

/* Forgets every connection: the socket's listener was closed (zmq_unbind ends its connections
   without telling the monitor). */
void gate_reset(struct gate *g);

/* The monitor socket, for the loop's poll set (it is readable when events wait). */
void *gate_socket(struct gate *g);

/* Takes the events waiting on the monitor (at most a burst), closing what is past a limit. */
void gate_events(struct gate *g);

/* The gate's counts. */
const struct gate_stats *gate_stats(const struct gate *g);

/* The gate's name. */
const char *gate_name(const struct gate *g);

/* Stops following the socket and frees the gate; call before closing the socket. Nulls *g. */
void gate_destroy(struct gate **g);

/* Raises the soft limit on open files as far as the hard limit and want allow; the limit in
   force afterwards. */
unsigned gate_raise_file_limit(unsigned want);

#endif
