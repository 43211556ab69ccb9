/*
 * client: one request to the node's local API and its reply. Before speaking ZeroMQ it
 * checks that a daemon listens on the socket (a plain connect), because a ZeroMQ connect to
 * a missing ipc socket would wait forever instead of failing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <zmq.h>

#include "cli.h"

#define CALL_TIMEOUT_MS 30000

static int unreachable(struct cli *c, const char *why)
{
    fprintf(stderr,
            "ekonet: the node in %s is not reachable: %s\n"
            "Start it with: ekonetd --dir %s\n",
            c->dir, why, c->dir);
    return EXIT_UNREACHABLE;
}

/* 0 if a process accepts connections on path, else EXIT_UNREACHABLE with the reason printed. */
static int probe(struct cli *c, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) return unreachable(c, "the socket path is too long");
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return unreachable(c, strerror(errno));
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    int e = errno;
    close(fd);
    if (rc == 0) return 0;
    if (e == ENOENT && access(c->dir, F_OK) < 0) {
        fprintf(stderr,
                "ekonet: there is no node in %s\n"
                "Create one with: ekonet init --dir %s --code SCB_CODE\n",
                c->dir, c->dir);
        return EXIT_UNREACHABLE;
    }
    if (e == ENOENT || e == ECONNREFUSED) return unreachable(c, "ekonetd is not running");
    if (e == EACCES)
        return unreachable(c, "permission denied (you need to be the node's user or in its group)");
    return unreachable(c, strerror(e));
}

static int print_error(const Ekonet__ApiError *e)
{
    fprintf(stderr, "ekonet: %s\n", e->message);
    return EXIT_FAIL;
}

int cli_call(struct cli *c, const Ekonet__ApiRequest *req, Ekonet__ApiReply__ResultCase expect,
             Ekonet__ApiReply **reply)
{
    char path[256], endpoint[300];
    *reply = NULL;
    if (snprintf(path, sizeof path, "%s/api.sock", c->dir) >= (int)sizeof path)
        return unreachable(c, "the data directory path is too long");
    int rc = probe(c, path);
    if (rc != 0) return rc;
    snprintf(endpoint, sizeof endpoint, "ipc://%s", path);

    size_t len = ekonet__api_request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    void *ctx = zmq_ctx_new();
    void *sock = ctx ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    int linger = 0, timeout = CALL_TIMEOUT_MS;
    rc = EXIT_FAIL;
    if (!buf || !sock) {
        fprintf(stderr, "ekonet: out of memory\n");
        goto out;
    }
    ekonet__api_request__pack(req, buf);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (zmq_connect(sock, endpoint) < 0 || zmq_send(sock, buf, len, 0) < 0) {
        rc = unreachable(c, zmq_strerror(zmq_errno()));
        goto out;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0) {
        zmq_msg_close(&msg);
        rc = unreachable(c, zmq_errno() == EAGAIN ? "no answer within 30 seconds"
                                                  : zmq_strerror(zmq_errno()));
        goto out;
    }
    *reply = ekonet__api_reply__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    if (!*reply) {
        fprintf(stderr,
                "ekonet: the node's reply does not decode (is ekonetd the same version?)\n");
        goto out;
    }
    if ((*reply)->error) {
        rc = print_error((*reply)->error);
        ekonet__api_reply__free_unpacked(*reply, NULL);
        *reply = NULL;
        goto out;
    }
    if ((*reply)->result_case != expect) {
        fprintf(stderr,
                "ekonet: the node sent an unexpected reply (is ekonetd the same version?)\n");
        ekonet__api_reply__free_unpacked(*reply, NULL);
        *reply = NULL;
        goto out;
    }
    rc = EXIT_OK;
out:
    free(buf);
    if (sock) zmq_close(sock);
    if (ctx) zmq_ctx_term(ctx);
    return rc;
}
