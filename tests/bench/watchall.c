/*
 * ekonet-bench-watch [--done FIFO] DIR...: listens to the event streams (events.sock) of many
 * nodes at once and prints, for every "entries" event, the node's index among the arguments,
 * the last entry id of the batch, the time the node stored it (its own clock, milliseconds
 * since 1970), how it came ("push", "fetch", or "-" when published there) and the node id of
 * the peer that brought it ("-" if none):
 *
 *   17 6368ab...e1 1796293368030 push 2ab7a4...db
 *
 * With --done, it also writes an id to FIFO once every node has stored it, so that the
 * benchmark waits for that with a read rather than by looking at the events again and again.
 *
 * One process with one SUB socket per node, so that watching 300 nodes costs one process, not
 * 300. It waits with one poll(2) on the sockets' descriptors and asks (ZMQ_EVENTS) only the
 * sockets whose descriptor fired or that it read since (as ekonetd's loop does): zmq_poll
 * would make four system calls per socket, 1,200 per wake-up, and take CPU from the nodes it
 * measures. Runs until SIGTERM or SIGINT; the lines are flushed as they come.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "api.pb-c.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* True if sock has a message waiting (and its descriptor is reset). */
static int readable(void *sock)
{
    int events = 0;
    size_t len = sizeof events;
    return zmq_getsockopt(sock, ZMQ_EVENTS, &events, &len) == 0 && (events & ZMQ_POLLIN);
}

/* The ids seen lately, each with the nodes that stored it, to tell when all n have. */
#define RECENT    64
#define NODES_MAX 4096

struct seen {
    uint8_t id[ID_SIZE];
    int count;
    uint8_t node[NODES_MAX / 8];
};

/* Notes that node i stored id; true when it is the last of n nodes to do so. */
static int everywhere(struct seen *recent, const uint8_t *id, int i, int n)
{
    static unsigned next;
    struct seen *s = NULL;
    for (int k = 0; k < RECENT && !s; k++)
        if (memcmp(recent[k].id, id, ID_SIZE) == 0) s = &recent[k];
    if (!s) { /* the oldest slot goes */
        s = &recent[next++ % RECENT];
        memset(s, 0, sizeof *s);
        memcpy(s->id, id, ID_SIZE);
    }
    if (s->node[i / 8] & (1u << (i % 8))) return 0;
    s->node[i / 8] |= (uint8_t)(1u << (i % 8));
    return ++s->count == n;
}

int main(int argc, char **argv)
{
    int done_fd = -1;
    if (argc > 2 && strcmp(argv[1], "--done") == 0) {
        if ((done_fd = open(argv[2], O_WRONLY)) < 0) {
            perror(argv[2]);
            return 1;
        }
        argv += 2;
        argc -= 2;
    }
    if (argc < 2 || argc - 1 > NODES_MAX) {
        fprintf(stderr, "usage: ekonet-bench-watch [--done FIFO] DIR... (at most %d)\n", NODES_MAX);
        return 2;
    }
    int n = argc - 1;
    static struct seen recent[RECENT];
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, n + 16);
    void **subs = calloc((size_t)n, sizeof *subs);
    struct pollfd *fds = calloc((size_t)n, sizeof *fds);
    unsigned char *dirty = calloc((size_t)n, 1);
    if (!ctx || !subs || !fds || !dirty) {
        fprintf(stderr, "ekonet-bench-watch: out of memory\n");
        free(subs);
        free(fds);
        free(dirty);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char endpoint[300];
        snprintf(endpoint, sizeof endpoint, "ipc://%s/events.sock", argv[i + 1]);
        subs[i] = zmq_socket(ctx, ZMQ_SUB);
        int hwm = 100000;
        size_t len = sizeof fds[i].fd;
        if (!subs[i] || zmq_setsockopt(subs[i], ZMQ_RCVHWM, &hwm, sizeof hwm) < 0 ||
            zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "", 0) < 0 ||
            zmq_connect(subs[i], endpoint) < 0 ||
            zmq_getsockopt(subs[i], ZMQ_FD, &fds[i].fd, &len) < 0) {
            fprintf(stderr, "ekonet-bench-watch: %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
            free(subs);
            free(fds);
            free(dirty);
            return 1;
        }
        fds[i].events = POLLIN;
        dirty[i] = 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    fprintf(stderr, "ekonet-bench-watch: watching %d nodes\n", n);
    while (!stop) {
        /* dirty: 1 read since last asked, 2 has a message waiting */
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            if (!dirty[i]) continue;
            dirty[i] = readable(subs[i]) ? 2 : 0;
            waiting |= dirty[i];
        }
        if (poll(fds, (nfds_t)n, waiting ? 0 : 200) < 0) continue; /* EINTR: the loop checks stop */
        for (int i = 0; i < n; i++) {
            if (dirty[i] != 2 && !((fds[i].revents & POLLIN) && readable(subs[i]))) continue;
            dirty[i] = 1; /* asked again before the next sleep: reading may consume the signal */
            zmq_msg_t m;
            zmq_msg_init(&m);
            while (zmq_msg_recv(&m, subs[i], ZMQ_DONTWAIT) >= 0) {
                Ekonet__WatchEvent *e =
                    ekonet__watch_event__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
                if (e && strcmp(e->kind, "entries") == 0 && e->has_id && e->id.len == ID_SIZE) {
                    char id[ID_HEX];
                    char peer[ID_HEX] = "-"; /* a node id is as long as an entry id */
                    if (e->has_peer && e->peer.len == KEY_SIZE)
                        hex_encode(peer, e->peer.data, KEY_SIZE);
                    printf("%d %s %llu %s %s\n", i, hex_encode(id, e->id.data, ID_SIZE),
                           (unsigned long long)e->time_ms, e->reason ? e->reason : "-", peer);
                    if (done_fd >= 0 && everywhere(recent, e->id.data, i, n)) {
                        char line[ID_HEX + 1];
                        int len = snprintf(line, sizeof line, "%s\n", id);
                        if (write(done_fd, line, (size_t)len) != len) perror("ekonet-bench-watch");
                    }
                }
                if (e) ekonet__watch_event__free_unpacked(e, NULL);
            }
            zmq_msg_close(&m);
        }
        fflush(stdout);
    }
    for (int i = 0; i < n; i++) zmq_close(subs[i]);
    zmq_ctx_term(ctx);
    if (done_fd >= 0) close(done_fd);
    free(subs);
    free(fds);
    free(dirty);
    return 0;
}
