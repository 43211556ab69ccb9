/*
 * gate: bounds on the connections a listening socket holds (see gate.h).
 *
 * Data: conns[] by descriptor (what was accepted on it, and when); addrs, an open-addressing
 * table of the connections held per address (linear probing, deletion by backward shift);
 * young[], the connections in the order they were accepted, from which the oldest young one is
 * taken. An entry of young[] whose descriptor was closed since, or accepted again, is stale
 * (its generation differs) and skipped; the ring is compacted when it fills.
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERCRED */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <zmq.h>

#include "ekonet/log.h"
#include "gate.h"

#define GATE_BURST   1024       /* monitor events taken per call */
#define GATE_FDS_MAX (1u << 20) /* descriptors followed, at most (the file limit's ceiling) */

struct conn {
    uint64_t since_ms;
    uint32_t gen;     /* 0: no connection on this descriptor */
    int32_t pid;      /* a Unix socket's peer process */
    uint8_t addr[16]; /* the peer's address, IPv4 as ::ffff:a.b.c.d; "pid" and a Unix peer's */
    uint16_t port, local_port;
    uint8_t unix_socket;
};

struct addr_count {
    uint8_t addr[16];
    uint32_t count; /* 0: a free slot */
};

struct young {
    int fd;
    uint32_t gen;
};

struct gate {
    char name[16];
    void *mon;
    void *sock;
    struct gate_limits lim;
    struct gate_stats stats;
    struct conn *conns;
    unsigned nfds;
    struct addr_count *addrs;
    size_t addr_mask;
    struct young *young;
    size_t ycap, yhead, ylen;
    uint32_t gen_next;
    unsigned fd_high; /* the highest descriptor ever followed (gate_reset looks no further) */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned file_limit(const struct rlimit *rl)
{
    return rl->rlim_cur == RLIM_INFINITY || rl->rlim_cur > GATE_FDS_MAX ? GATE_FDS_MAX
                                                                        : (unsigned)rl->rlim_cur;
}

/* The limit in force now. */
static unsigned files_in_force(void)
{
    struct rlimit rl;
    return getrlimit(RLIMIT_NOFILE, &rl) < 0 ? 1024 : file_limit(&rl);
}

unsigned gate_raise_file_limit(unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return 1024;
    rlim_t target = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
    if (rl.rlim_cur != RLIM_INFINITY && target > rl.rlim_cur) {
        rl.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    return file_limit(&rl);
}

/* ---- connections per address ---------------------------------------------------------------- */

static size_t addr_home(const struct gate *g, const uint8_t addr[16])
{
    uint32_t h = 2166136261u; /* FNV-1a: addresses are the peers' choice, but a collision costs
                                 only a longer probe in a table never more than half full */
    for (int i = 0; i < 16; i++) h = (h ^ addr[i]) * 16777619u;
    return h & g->addr_mask;
}

static size_t addr_slot(const struct gate *g, const uint8_t addr[16])
{
    size_t i = addr_home(g, addr);
    while (g->addrs[i].count && memcmp(g->addrs[i].addr, addr, 16) != 0) i = (i + 1) & g->addr_mask;
    return i;
}

static unsigned addr_add(struct gate *g, const uint8_t addr[16])
{
    struct addr_count *a = &g->addrs[addr_slot(g, addr)];
    if (!a->count) memcpy(a->addr, addr, 16);
    return ++a->count;
}

static void addr_remove(struct gate *g, const uint8_t addr[16])
{
    size_t i = addr_slot(g, addr);
    if (!g->addrs[i].count || --g->addrs[i].count) return;
    /* Backward shift: an entry later in the probe run moves into the hole unless its home
       lies cyclically in (hole, entry]. */
    for (size_t j = (i + 1) & g->addr_mask; g->addrs[j].count; j = (j + 1) & g->addr_mask) {
        size_t h = addr_home(g, g->addrs[j].addr);
        int stays = i < j ? (h > i && h <= j) : (h > i || h <= j);
        if (stays) continue;
        g->addrs[i] = g->addrs[j];
        g->addrs[j].count = 0;
        i = j;
    }
}

/* ---- descriptors ------------------------------------------------------------------------------
 */

static void forget(struct gate *g, int fd)
{
    struct conn *c = &g->conns[fd];
    if (!c->gen) return;
    if (g->lim.per_address) addr_remove(g, c->addr);
    c->gen = 0;
    g->stats.open--;
}

static void to_v6(uint8_t out[16], uint16_t *port, const struct sockaddr_storage *ss)
{
    memset(out, 0, 16);
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &in->sin_addr, 4);
        *port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        memcpy(out, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
    }
}

/* Reads what identifies the connection on fd now; -1 if it is not a connected socket. */
static int identify(int fd, struct conn *c)
{
    struct sockaddr_storage peer = {0}, local = {0};
    socklen_t plen = sizeof peer, llen = sizeof local;
    int listening = 1;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || listening) return -1;
    if (getsockname(fd, (struct sockaddr *)&local, &llen) < 0) return -1;
    memset(c, 0, sizeof *c);
    if (local.ss_family == AF_UNIX) {
        struct ucred cred;
        socklen_t clen = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) return -1;
        c->unix_socket = 1;
        c->pid = cred.pid;
        memcpy(c->addr, "pid", 3); /* a local client's "address" is its process */
        memcpy(c->addr + 4, &cred.pid, sizeof cred.pid);
        return 0;
    }
    if (getpeername(fd, (struct sockaddr *)&peer, &plen) < 0) return -1;
    uint8_t ignored[16];
    to_v6(c->addr, &c->port, &peer);
    to_v6(ignored, &c->local_port, &local);
    return 0;
}

/* Closes the connection on fd if fd is still it (libzmq sees the end and releases it). */
static void close_conn(struct gate *g, int fd)
{
    struct conn now, *c = &g->conns[fd];
    if (identify(fd, &now) == 0 && now.unix_socket == c->unix_socket && now.pid == c->pid &&
        now.port == c->port && now.local_port == c->local_port && !memcmp(now.addr, c->addr, 16))
        shutdown(fd, SHUT_RDWR);
    forget(g, fd);
}

/* ---- the young ring ------------------------------------------------------------------------- */

static int stale(const struct gate *g, const struct young *y)
{
    return g->conns[y->fd].gen != y->gen;
}

static void young_compact(struct gate *g)
{
    size_t k = 0;
    for (size_t i = 0; i < g->ylen; i++) {
        struct young y = g->young[(g->yhead + i) % g->ycap];
        if (!stale(g, &y)) g->young[k++] = y;
    }
    g->yhead = 0;
    g->ylen = k;
}

static void young_push(struct gate *g, int fd, uint32_t gen)
{
    if (g->ylen == g->ycap) young_compact(g);
    if (g->ylen == g->ycap) { /* every entry live: the oldest is older than the rest anyway */
        g->yhead = (g->yhead + 1) % g->ycap;
        g->ylen--;
    }
    g->young[(g->yhead + g->ylen++) % g->ycap] = (struct young){fd, gen};
}

/* The oldest connection still young, taken off the ring; -1 if none. */
static int young_oldest(struct gate *g, uint64_t now)
{
    while (g->ylen) {
        struct young y = g->young[g->yhead];
        g->yhead = (g->yhead + 1) % g->ycap;
        g->ylen--;
        if (stale(g, &y)) continue;
        if (now - g->conns[y.fd].since_ms < g->lim.young_ms) return y.fd;
        /* Old: it will never be young again, and every later entry is younger. */
    }
    return -1;
}

/* ---- events ---------------------------------------------------------------------------------- */

static void accepted(struct gate *g, int fd)
{
    g->stats.accepted++;
    if (fd < 0 || (unsigned)fd >= g->nfds) return; /* beyond the file limit: cannot happen */
    forget(g, fd);                                 /* a connection whose end was not seen */
    struct conn c;
    if (identify(fd, &c) < 0) return; /* gone already */
    uint64_t now = now_ms();
    c.since_ms = now;
    c.gen = ++g->gen_next ? g->gen_next : ++g->gen_next;
    g->conns[fd] = c;
    g->stats.open++;
    if ((unsigned)fd > g->fd_high) g->fd_high = (unsigned)fd;
    if (g->lim.per_address && addr_add(g, c.addr) > g->lim.per_address) {
        g->stats.refused++;
        close_conn(g, fd);
        return;
    }
    young_push(g, fd, c.gen);
    if (g->stats.open <= g->lim.max) return;
    int victim = young_oldest(g, now);
    if (victim < 0 || victim == fd) {
        g->stats.refused++;
        close_conn(g, fd);
        return;
    }
    g->stats.evicted++;
    close_conn(g, victim);
}

void gate_events(struct gate *g)
{
    for (int i = 0; i < GATE_BURST; i++) {
        uint8_t ev[6];
        char addr[256];
        if (zmq_recv(g->mon, ev, sizeof ev, ZMQ_DONTWAIT) != (int)sizeof ev) return;
        while (zmq_recv(g->mon, addr, sizeof addr, ZMQ_DONTWAIT) >= 0) {
            int more = 0;
            size_t len = sizeof more;
            if (zmq_getsockopt(g->mon, ZMQ_RCVMORE, &more, &len) < 0 || !more) break;
        }
        uint16_t event;
        int32_t value;
        memcpy(&event, ev, 2);
        memcpy(&value, ev + 2, 4);
        if (event == ZMQ_EVENT_ACCEPTED)
            accepted(g, value);
        else if (event == ZMQ_EVENT_DISCONNECTED && value >= 0 && (unsigned)value < g->nfds)
            forget(g, value);
        else if (event == ZMQ_EVENT_ACCEPT_FAILED)
            g->stats.failed++;
    }
}

/* ---- life ------------------------------------------------------------------------------------ */

static size_t pow2_at_least(size_t n)
{
    size_t p = 64;
    while (p < n) p *= 2;
    return p;
}

struct gate *gate_new(void *zctx, void *sock, const char *name, const struct gate_limits *limits,
                      struct errbuf *err)
{
    char ep[64];
    struct gate *g = calloc(1, sizeof *g);
    if (!g) goto oom;
    snprintf(g->name, sizeof g->name, "%s", name);
    g->sock = sock;
    g->lim = *limits;
    if (g->lim.max == 0) g->lim.max = 1;
    g->nfds = files_in_force(); /* a descriptor is always below it */
    g->ycap = 2 * (size_t)g->lim.max;
    g->addr_mask = pow2_at_least(2 * (size_t)g->lim.max + 2) - 1;
    if (!(g->conns = calloc(g->nfds, sizeof *g->conns)) ||
        !(g->young = calloc(g->ycap, sizeof *g->young)) ||
        !(g->addrs = calloc(g->addr_mask + 1, sizeof *g->addrs)))
        goto oom;
    snprintf(ep, sizeof ep, "inproc://gate-%s-%p", name, (void *)g);
    int unlimited = 0; /* a lost event would leave a connection counted for ever */
    if (zmq_socket_monitor(
            sock, ep, ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_ACCEPT_FAILED) < 0 ||
        !(g->mon = zmq_socket(zctx, ZMQ_PAIR)) ||
        zmq_setsockopt(g->mon, ZMQ_RCVHWM, &unlimited, sizeof unlimited) < 0 ||
        zmq_connect(g->mon, ep) < 0) {
        errbuf_set(err, "cannot follow the connections of the %s socket: %s", name,
                   zmq_strerror(zmq_errno()));
        gate_destroy(&g);
        return NULL;
    }
    return g;
oom:
    errbuf_set(err, "cannot follow the connections of the %s socket: out of memory", name);
    gate_destroy(&g);
    return NULL;
}

void gate_reset(struct gate *g)
{
    for (unsigned fd = 0; fd <= g->fd_high && fd < g->nfds; fd++) forget(g, (int)fd);
    g->yhead = g->ylen = 0;
}

void *gate_socket(struct gate *g)
{
    return g->mon;
}

const struct gate_stats *gate_stats(const struct gate *g)
{
    return &g->stats;
}

const char *gate_name(const struct gate *g)
{
    return g->name;
}

void gate_destroy(struct gate **pg)
{
    if (!pg || !*pg) return;
    struct gate *g = *pg;
    if (g->mon) {
        zmq_socket_monitor(g->sock, NULL, 0);
        zmq_close(g->mon);
    }
    free(g->conns);
    free(g->young);
    free(g->addrs);
    free(g);
    *pg = NULL;
}
