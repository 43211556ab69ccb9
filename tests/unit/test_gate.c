/*
 * gate: the bounds on a listening socket's connections (daemon/gate.c), on a real ROUTER bound
 * to loopback, with plain TCP connections from chosen 127.x addresses. Each scenario counts
 * what the gate holds and what the clients see closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "gate.h"

struct fixture {
    void *ctx, *router;
    struct gate *gate;
    struct sockaddr_in to;
};

static int start(void **state, unsigned max, unsigned per_address, unsigned young_ms)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err;
    char ep[64];
    size_t len = sizeof ep;
    int zero = 0;
    if (!f) return -1;
    *state = f; /* teardown frees it, whatever fails below */
    f->ctx = zmq_ctx_new();
    f->router = zmq_socket(f->ctx, ZMQ_ROUTER);
    zmq_setsockopt(f->router, ZMQ_LINGER, &zero, sizeof zero);
    struct gate_limits lim = {max, per_address, young_ms};
    f->gate = gate_new(f->ctx, f->router, "test", &lim, &err);
    if (!f->gate || zmq_bind(f->router, "tcp://127.0.0.1:*") < 0 ||
        zmq_getsockopt(f->router, ZMQ_LAST_ENDPOINT, ep, &len) < 0)
        return -1;
    f->to.sin_family = AF_INET;
    f->to.sin_port = htons((uint16_t)strtoul(strrchr(ep, ':') + 1, NULL, 10));
    inet_pton(AF_INET, "127.0.0.1", &f->to.sin_addr);
    return 0;
}

static int setup_small(void **state)
{
    return start(state, 8, 3, 60000);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    gate_destroy(&f->gate);
    zmq_close(f->router);
    zmq_ctx_term(f->ctx);
    free(f);
    return 0;
}

/* A TCP connection to the ROUTER from 127.0.0.LAST (connected when it returns). */
static int connect_from(const struct fixture *f, int last)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in src = {.sin_family = AF_INET};
    char a[32];
    snprintf(a, sizeof a, "127.0.0.%d", last);
    inet_pton(AF_INET, a, &src.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof src), 0);
    assert_int_equal(connect(fd, (const struct sockaddr *)&f->to, sizeof f->to), 0);
    return fd;
}

/* Takes the gate's events until it holds want connections (or 5 s pass). */
static unsigned settle(struct fixture *f, unsigned want)
{
    void *mon = gate_socket(f->gate);
    for (int i = 0; i < 500 && gate_stats(f->gate)->open != want; i++) {
        zmq_pollitem_t it = {mon, 0, ZMQ_POLLIN, 0};
        zmq_poll(&it, 1, 10);
        gate_events(f->gate);
    }
    return gate_stats(f->gate)->open;
}

/* Takes the gate's events until it has accepted want connections in all (or 5 s pass). */
static void accepted(struct fixture *f, uint64_t want)
{
    void *mon = gate_socket(f->gate);
    for (int i = 0; i < 500 && gate_stats(f->gate)->accepted < want; i++) {
        zmq_pollitem_t it = {mon, 0, ZMQ_POLLIN, 0};
        zmq_poll(&it, 1, 10);
        gate_events(f->gate);
    }
    assert_int_equal(gate_stats(f->gate)->accepted, want);
}

/* True if the node closed the connection within a second (EOF or reset after whatever libzmq
   sent first: its ZMTP greeting). */
static int closed(int fd)
{
    char buf[256];
    for (int i = 0; i < 10; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return 1;
    }
    return 0;
}

/* An address holds at most per_address; a fourth from it is closed at once, others are not. */
static void per_address(void **state)
{
    struct fixture *f = *state;
    int fds[4];
    for (int i = 0; i < 4; i++) fds[i] = connect_from(f, 2);
    int other = connect_from(f, 3);
    assert_int_equal(settle(f, 4), 4);
    assert_true(closed(fds[3]));
    assert_false(closed(fds[0]));
    assert_false(closed(other));
    assert_int_equal(gate_stats(f->gate)->refused, 1);
    for (int i = 0; i < 4; i++) close(fds[i]);
    close(other);
    assert_int_equal(settle(f, 0), 0);
}

/* Past max the oldest young connection is closed, and what the gate holds stays at max. */
static void oldest_young_goes(void **state)
{
    struct fixture *f = *state;
    int fds[12];
    for (int i = 0; i < 12; i++) {
        fds[i] = connect_from(f, 10 + i); /* one each from 12 addresses */
        accepted(f, (uint64_t)i + 1);
    }
    assert_int_equal(gate_stats(f->gate)->open, 8);
    assert_int_equal(gate_stats(f->gate)->evicted, 4);
    for (int i = 0; i < 4; i++) assert_true(closed(fds[i]));
    for (int i = 4; i < 12; i++) assert_false(closed(fds[i]));
    for (int i = 0; i < 12; i++) close(fds[i]);
    assert_int_equal(settle(f, 0), 0);
}

/* Many addresses come and go: the counts per address go back to nothing (the table's
   deletions keep every address findable), so each address gets in again. */
static void counts_return(void **state)
{
    struct fixture *f = *state;
    for (int round = 0; round < 20; round++) {
        int fds[8];
        for (int i = 0; i < 8; i++) fds[i] = connect_from(f, 20 + (round * 8 + i) % 200);
        assert_int_equal(settle(f, 8), 8);
        for (int i = 0; i < 8; i++) close(fds[i]);
        assert_int_equal(settle(f, 0), 0);
    }
    int again[3];
    for (int i = 0; i < 3; i++) again[i] = connect_from(f, 20);
    assert_int_equal(settle(f, 3), 3);
    for (int i = 0; i < 3; i++) assert_false(closed(again[i]));
    assert_int_equal(gate_stats(f->gate)->refused, 0);
    for (int i = 0; i < 3; i++) close(again[i]);
    assert_int_equal(settle(f, 0), 0);
}

/* None young (young_ms 0): past max the new connection is the one closed. */
static int setup_none_young(void **state)
{
    return start(state, 2, 0, 0);
}

static void new_one_goes_when_none_young(void **state)
{
    struct fixture *f = *state;
    int a = connect_from(f, 40), b = connect_from(f, 41);
    assert_int_equal(settle(f, 2), 2);
    int c = connect_from(f, 42);
    accepted(f, 3);
    assert_true(closed(c));
    assert_false(closed(a));
    assert_false(closed(b));
    assert_int_equal(gate_stats(f->gate)->refused, 1);
    close(a);
    close(b);
    close(c);
    assert_int_equal(settle(f, 0), 0);
}

/* The file limit is raised no further than asked, and read back. */
static void file_limit(void **state)
{
    (void)state;
    unsigned now = gate_raise_file_limit(0);
    assert_true(now >= 64);
    assert_true(gate_raise_file_limit(now) == now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(per_address, setup_small, teardown),
        cmocka_unit_test_setup_teardown(oldest_young_goes, setup_small, teardown),
        cmocka_unit_test_setup_teardown(counts_return, setup_small, teardown),
        cmocka_unit_test_setup_teardown(new_one_goes_when_none_young, setup_none_young, teardown),
        cmocka_unit_test(file_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
