/*
 * ekonet-flood: connections that never say anything, for the network tests and benchmarks of
 * the node's connection limits (tests/net/test_flood.sh, tests/bench/flood.sh).
 *
 *   ekonet-flood hold  TARGET COUNT SECONDS [FIRST-SOURCE [SOURCES]]
 *       keeps COUNT connections open for SECONDS, opening a new one whenever the node closes
 *       one; TCP connections come from SOURCES consecutive IPv4 addresses from FIRST-SOURCE
 *   ekonet-flood churn TARGET SECONDS [FIRST-SOURCE [SOURCES]]
 *       opens and closes connections as fast as it can for SECONDS (256 under way at once)
 *
 * TARGET is HOST:PORT (TCP) or a path (a Unix socket). Prints one line:
 *   opened N closed_by_node M open K rate R/s
 * SIGINT or SIGTERM ends it early, with the line printed.
 * Targets only loopback addresses (it refuses others): it exists to attack the tests' own nodes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FLOOD_MAX 60000 /* connections held, at most */

static volatile sig_atomic_t stopping; /* SIGINT or SIGTERM: stop early, print the line */

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct target {
    int unix_socket;
    struct sockaddr_in in;
    struct sockaddr_un un;
    uint32_t first_source; /* host order; 0: the kernel chooses */
    unsigned sources, next_source;
};

struct tally {
    unsigned long opened, closed, failed;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_target(struct target *t, const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || strchr(s, '/')) {
        t->unix_socket = 1;
        t->un.sun_family = AF_UNIX;
        if (strlen(s) >= sizeof t->un.sun_path) return -1;
        memcpy(t->un.sun_path, s, strlen(s) + 1);
        return 0;
    }
    char host[64];
    size_t len = (size_t)(colon - s);
    if (len >= sizeof host) return -1;
    memcpy(host, s, len);
    host[len] = '\0';
    t->in.sin_family = AF_INET;
    t->in.sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
    if (inet_pton(AF_INET, host, &t->in.sin_addr) != 1) return -1;
    return (ntohl(t->in.sin_addr.s_addr) >> 24) == 127 ? 0 : -1; /* loopback only */
}

/* Starts one connection without waiting for it; its descriptor or -1. */
static int open_one(struct target *t)
{
    int fd = socket(t->unix_socket ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    if (!t->unix_socket && t->first_source) {
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(t->first_source + t->next_source);
        int one = 1; /* the port is chosen at connect, per destination: more of them */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        t->next_source = (t->next_source + 1) % t->sources;
        if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) {
            close(fd);
            return -1;
        }
    }
    int rc = t->unix_socket ? connect(fd, (struct sockaddr *)&t->un, sizeof t->un)
                            : connect(fd, (struct sockaddr *)&t->in, sizeof t->in);
    if (rc < 0 && errno != EINPROGRESS && errno != EAGAIN) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A held connection the node closed: readable with nothing to read, or an error. */
static int closed_by_node(struct pollfd *p)
{
    char buf[512];
    if (!(p->revents & (POLLIN | POLLHUP | POLLERR))) return 0;
    ssize_t r = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static int hold(struct target *t, unsigned count, double seconds, struct tally *n)
{
    struct pollfd *p = calloc(count, sizeof *p);
    if (!p) return -1;
    for (unsigned i = 0; i < count; i++) p[i].fd = -1;
    double end = now_s() + seconds;
    while (now_s() < end && !stopping) {
        for (unsigned i = 0; i < count; i++) {
            if (p[i].fd >= 0) continue;
            p[i].fd = open_one(t);
            p[i].events = POLLIN;
            if (p[i].fd >= 0)
                n->opened++;
            else
                n->failed++;
        }
        if (poll(p, count, 100) < 0 && errno != EINTR) break;
        for (unsigned i = 0; i < count; i++) {
            if (p[i].fd < 0 || !closed_by_node(&p[i])) continue;
            close(p[i].fd);
            p[i].fd = -1;
            n->closed++;
        }
    }
    unsigned open = 0;
    for (unsigned i = 0; i < count; i++)
        if (p[i].fd >= 0) open++, close(p[i].fd);
    free(p);
    return (int)open;
}

/* Opens and closes connections, CHURN_AHEAD at a time: each is closed once it is connected. */
#define CHURN_AHEAD 256

static void churn(struct target *t, double seconds, struct tally *n)
{
    struct pollfd p[CHURN_AHEAD];
    for (int i = 0; i < CHURN_AHEAD; i++) p[i] = (struct pollfd){-1, POLLOUT, 0};
    double end = now_s() + seconds;
    while (now_s() < end && !stopping) {
        for (int i = 0; i < CHURN_AHEAD; i++) {
            if (p[i].fd >= 0) continue;
            p[i].fd = open_one(t);
            if (p[i].fd < 0) n->failed++;
        }
        if (poll(p, CHURN_AHEAD, 100) < 0 && errno != EINTR) break;
        for (int i = 0; i < CHURN_AHEAD; i++) {
            if (p[i].fd < 0 || !p[i].revents) continue;
            close(p[i].fd);
            p[i].fd = -1;
            n->opened++;
        }
    }
    for (int i = 0; i < CHURN_AHEAD; i++)
        if (p[i].fd >= 0) close(p[i].fd);
}

int main(int argc, char **argv)
{
    struct target t = {0};
    struct tally n = {0};
    int holding = argc >= 5 && strcmp(argv[1], "hold") == 0;
    int churning = argc >= 4 && strcmp(argv[1], "churn") == 0;
    int at = holding ? 5 : 4;
    if ((!holding && !churning) || parse_target(&t, argv[2]) < 0) {
        fprintf(stderr, "usage: ekonet-flood hold TARGET COUNT SECONDS [FIRST-SOURCE [SOURCES]]\n"
                        "       ekonet-flood churn TARGET SECONDS [FIRST-SOURCE [SOURCES]]\n"
                        "TARGET: 127.x.x.x:PORT or the path of a Unix socket\n");
        return 2;
    }
    if (argc > at) {
        struct in_addr a;
        if (inet_pton(AF_INET, argv[at], &a) != 1) return 2;
        t.first_source = ntohl(a.s_addr);
        t.sources = argc > at + 1 ? (unsigned)strtoul(argv[at + 1], NULL, 10) : 1;
        if (t.sources == 0) t.sources = 1;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double start = now_s();
    int open = 0;
    if (holding) {
        unsigned count = (unsigned)strtoul(argv[3], NULL, 10);
        if (count == 0 || count > FLOOD_MAX) return 2;
        open = hold(&t, count, strtod(argv[4], NULL), &n);
    } else {
        churn(&t, strtod(argv[3], NULL), &n);
    }
    double took = now_s() - start;
    printf("opened %lu closed_by_node %lu open %d failed %lu rate %.0f/s\n", n.opened, n.closed,
           open < 0 ? 0 : open, n.failed, took > 0 ? (double)n.opened / took : 0.0);
    return open < 0 ? 1 : 0;
}
