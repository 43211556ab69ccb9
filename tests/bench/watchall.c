/*
 * ekonet-bench-watch DIR...: listens to the event streams (events.sock) of many nodes at
 * once and prints, for every "entries" event, the node's index among the arguments, the last
 * entry id of the batch and the time the node stored it (its own clock, milliseconds since
 * 1970):
 *
 *   17 6368ab...e1 1796293368030
 *
 * One process with one SUB socket per node, so that watching 300 nodes costs one process, not
 * 300. Runs until SIGTERM or SIGINT; the lines are flushed as they come.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ekonet-bench-watch DIR...\n");
        return 2;
    }
    int n = argc - 1;
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, n + 16);
    void **subs = calloc((size_t)n, sizeof *subs);
    zmq_pollitem_t *items = calloc((size_t)n, sizeof *items);
    if (!ctx || !subs || !items) {
        fprintf(stderr, "ekonet-bench-watch: out of memory\n");
        free(subs);
        free(items);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char endpoint[300];
        snprintf(endpoint, sizeof endpoint, "ipc://%s/events.sock", argv[i + 1]);
        subs[i] = zmq_socket(ctx, ZMQ_SUB);
        int hwm = 100000;
        if (!subs[i] || zmq_setsockopt(subs[i], ZMQ_RCVHWM, &hwm, sizeof hwm) < 0 ||
            zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "", 0) < 0 ||
            zmq_connect(subs[i], endpoint) < 0) {
            fprintf(stderr, "ekonet-bench-watch: %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
            free(subs);
            free(items);
            return 1;
        }
        items[i] = (zmq_pollitem_t){.socket = subs[i], .events = ZMQ_POLLIN};
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    fprintf(stderr, "ekonet-bench-watch: watching %d nodes\n", n);
    while (!stop) {
        if (zmq_poll(items, n, 200) < 0) continue; /* EINTR: the loop checks stop */
        for (int i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) continue;
            zmq_msg_t m;
            zmq_msg_init(&m);
            while (zmq_msg_recv(&m, subs[i], ZMQ_DONTWAIT) >= 0) {
                Ekonet__WatchEvent *e =
                    ekonet__watch_event__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
                if (e && strcmp(e->kind, "entries") == 0 && e->has_id && e->id.len == ID_SIZE) {
                    char id[ID_HEX];
                    printf("%d %s %llu\n", i, hex_encode(id, e->id.data, ID_SIZE),
                           (unsigned long long)e->time_ms);
                }
                if (e) ekonet__watch_event__free_unpacked(e, NULL);
            }
            zmq_msg_close(&m);
        }
        fflush(stdout);
    }
    for (int i = 0; i < n; i++) zmq_close(subs[i]);
    zmq_ctx_term(ctx);
    free(subs);
    free(items);
    return 0;
}
