/*
 * ekonet-testpeer: a test peer for the network tests. It does what a well-behaved CLI or
 * node never would, and reports what the daemon answered.
 *
 *   ekonet-testpeer api DIR garbage|frames|oversize N|empty
 *       sends a malformed request to DIR/api.sock and prints the node's error reply
 *   ekonet-testpeer handshake ENDPOINT SERVER_NODE_ID (KEYFILE|random)
 *       attempts a CURVE handshake; prints "handshake ok" (exit 0) or "handshake refused"
 *       (exit 1); on success sends one message
 *   ekonet-testpeer hold ENDPOINT SERVER_NODE_ID KEYFILE SECONDS
 *       stays connected for SECONDS, sending a message every 100 ms, and prints each change:
 *       "handshake ok", "disconnected", "handshake refused" (one line each, flushed)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "api.pb-c.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

static int usage(void)
{
    fprintf(stderr, "usage: ekonet-testpeer api DIR garbage|frames|oversize N|empty\n"
                    "       ekonet-testpeer handshake ENDPOINT SERVER_NODE_ID KEYFILE|random\n"
                    "       ekonet-testpeer hold ENDPOINT SERVER_NODE_ID KEYFILE SECONDS\n");
    return 2;
}

static int api(int argc, char **argv)
{
    if (argc < 2) return usage();
    char endpoint[300];
    snprintf(endpoint, sizeof endpoint, "ipc://%s/api.sock", argv[0]);
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int timeout = 10000, linger = 0;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(s, endpoint);
    size_t len = 0;
    uint8_t *buf = NULL;
    if (strcmp(argv[1], "garbage") == 0) {
        len = 200;
        buf = malloc(len);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(0xff - i); /* never valid protobuf */
    } else if (strcmp(argv[1], "oversize") == 0 && argc >= 3) {
        len = strtoul(argv[2], NULL, 10);
        buf = calloc(1, len);
    } else if (strcmp(argv[1], "frames") == 0) {
        zmq_send(s, "a", 1, ZMQ_SNDMORE);
        len = 1;
        buf = calloc(1, 1);
    } else if (strcmp(argv[1], "empty") == 0) {
        buf = calloc(1, 1);
    } else {
        return usage();
    }
    zmq_send(s, buf, len, 0);
    free(buf);
    zmq_msg_t m;
    zmq_msg_init(&m);
    int rc = 1;
    if (zmq_msg_recv(&m, s, 0) < 0) {
        printf("no reply\n");
    } else {
        Ekonet__ApiReply *r = ekonet__api_reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
        if (!r)
            printf("reply does not decode\n");
        else if (r->error)
            printf("error %d: %s\n", r->error->code, r->error->message), rc = 0;
        else
            printf("ok %d\n", r->result_case), rc = 0;
        if (r) ekonet__api_reply__free_unpacked(r, NULL);
    }
    zmq_msg_close(&m);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return rc;
}

/* A CURVE client socket for key towards the server, with a monitor; NULL on bad arguments. */
static void *client(void *ctx, const char *server_hex, const char *keyfile, void **mon)
{
    uint8_t server[KEY_SIZE], server_curve[KEY_SIZE];
    struct node_key k;
    struct errbuf err;
    if (hex_decode(server, KEY_SIZE, server_hex) < 0 ||
        key_pub_to_curve(server_curve, server) < 0) {
        fprintf(stderr, "bad server node id\n");
        return NULL;
    }
    if (strcmp(keyfile, "random") == 0) {
        key_generate(&k);
    } else if (key_load(&k, keyfile, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0, timeout = 100;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_curve, KEY_SIZE);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, k.curve_pub, KEY_SIZE);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k.curve_sec, KEY_SIZE);
    key_wipe(&k);
    zmq_socket_monitor(s, "inproc://monitor", ZMQ_EVENT_ALL);
    *mon = zmq_socket(ctx, ZMQ_PAIR);
    zmq_connect(*mon, "inproc://monitor");
    zmq_setsockopt(*mon, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    return s;
}

/* The next monitor event, or -1 after the monitor's timeout. */
static int next_event(void *mon)
{
    uint8_t ev[6];
    char addr[256];
    uint16_t event;
    if (zmq_recv(mon, ev, sizeof ev, 0) < 0) return -1;
    zmq_recv(mon, addr, sizeof addr, 0);
    memcpy(&event, ev, 2);
    return event;
}

static int hold(int argc, char **argv)
{
    if (argc < 4) return usage();
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double seconds = atof(argv[3]);
    const char *last = "";
    do {
        int ev = next_event(mon);
        const char *what = ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? "handshake ok"
                           : ev == ZMQ_EVENT_DISCONNECTED      ? "disconnected"
                           : ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ||
                                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
                                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                               ? "handshake refused"
                               : NULL;
        if (what && strcmp(what, last) != 0) {
            printf("%s\n", what);
            fflush(stdout);
            last = what;
        }
        zmq_send(s, "ping", 4, ZMQ_DONTWAIT);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

static int handshake(int argc, char **argv)
{
    if (argc < 3) return usage();
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    int rc = 2;
    for (int waited = 0; waited < 50 && rc == 2; waited++) {
        int ev = next_event(mon);
        if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            printf("handshake ok\n");
            zmq_send(s, "hello", 5, 0);
            rc = 0;
        } else if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
            printf("handshake refused\n");
            rc = 1;
        }
    }
    if (rc == 2) printf("no answer\n");
    /* give the message time to leave before the socket closes */
    if (rc == 0) next_event(mon), next_event(mon);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    key_lib_init();
    if (strcmp(argv[1], "api") == 0) return api(argc - 2, argv + 2);
    if (strcmp(argv[1], "handshake") == 0) return handshake(argc - 2, argv + 2);
    if (strcmp(argv[1], "hold") == 0) return hold(argc - 2, argv + 2);
    return usage();
}
