/*
 * zmtp: just enough ZMTP 3.0 (RFC 23, the ZeroMQ wire protocol, NULL mechanism) for the CLI
 * to speak to its node's API socket as a DEALER would: a 64-byte greeting each way, a READY
 * command each way, then one frame out and one frame back.
 *
 * Why not libzmq, which the daemon uses: the CLI's whole budget is 20 ms a command (search
 * over 100,000 reports included), and linking libzmq costs 16 shared libraries (libstdc++,
 * Kerberos, PGM, NORM, ...) to load, about 7 ms, plus a context with two threads and a
 * handshake, about 5 ms more. For one request on a local Unix socket this is all it needs.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zmtp.h"

#define FLAG_MORE    0x01
#define FLAG_LONG    0x02
#define FLAG_COMMAND 0x04

/* Waits until fd is readable (or writable); -1 on timeout or error. */
static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = {fd, events, 0};
    int rc;
    do rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc == 0) errno = ETIMEDOUT;
    return rc > 0 ? 0 : -1;
}

static int write_all(int fd, const void *buf, size_t len, int timeout_ms)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN && wait_fd(fd, POLLOUT, timeout_ms) == 0) continue;
        if (w <= 0) return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len, int timeout_ms)
{
    uint8_t *p = buf;
    while (len > 0) {
        if (wait_fd(fd, POLLIN, timeout_ms) < 0) return -1;
        ssize_t r = recv(fd, p, len, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (r == 0) errno = ECONNRESET;
        if (r <= 0) return -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* Reads one frame: its flags and a new buffer with its body (at most max bytes). */
static int read_frame(int fd, uint8_t *flags, uint8_t **body, size_t *len, size_t max,
                      int timeout_ms)
{
    uint8_t size8[8];
    if (read_all(fd, flags, 1, timeout_ms) < 0) return -1;
    uint64_t size = 0;
    if (*flags & FLAG_LONG) {
        if (read_all(fd, size8, 8, timeout_ms) < 0) return -1;
        for (int i = 0; i < 8; i++) size = size << 8 | size8[i];
    } else {
        if (read_all(fd, size8, 1, timeout_ms) < 0) return -1;
        size = size8[0];
    }
    if (size > max) {
        errno = EMSGSIZE;
        return -1;
    }
    *body = malloc(size ? size : 1);
    if (!*body) return -1;
    if (read_all(fd, *body, size, timeout_ms) < 0) {
        free(*body);
        return -1;
    }
    *len = size;
    return 0;
}

int zmtp_connect(const char *path, int timeout_ms)
{
    return zmtp_connect_as(path, "DEALER", timeout_ms);
}

int zmtp_connect_as(const char *path, const char *type, int timeout_ms)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) goto fail;

    /* greeting: signature, version 3.0, mechanism NULL, as-server 0, filler */
    uint8_t greeting[64] = {0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 3, 0, 'N', 'U', 'L', 'L'};
    uint8_t theirs[64];
    if (write_all(fd, greeting, sizeof greeting, timeout_ms) < 0 ||
        read_all(fd, theirs, sizeof theirs, timeout_ms) < 0)
        goto fail;
    if (theirs[0] != 0xFF || theirs[9] != 0x7F || theirs[10] < 3 ||
        memcmp(theirs + 12, "NULL", 5) != 0) {
        errno = EPROTO;
        goto fail;
    }
    /* READY with the one property Socket-Type: name length, name, value length (4 bytes), value */
    size_t tlen = strlen(type);
    uint8_t ready[64] = {FLAG_COMMAND, 0, 5, 'R', 'E', 'A', 'D', 'Y', 11};
    if (tlen > 16) {
        errno = EINVAL;
        goto fail;
    }
    memcpy(ready + 9, "Socket-Type", 11);
    ready[23] = (uint8_t)tlen;
    memcpy(ready + 24, type, tlen);
    ready[1] = (uint8_t)(22 + tlen);
    if (write_all(fd, ready, 24 + tlen, timeout_ms) < 0) goto fail;
    uint8_t flags, *body;
    size_t len;
    if (read_frame(fd, &flags, &body, &len, 4096, timeout_ms) < 0) goto fail;
    int ok =
        (flags & FLAG_COMMAND) && len >= 6 && body[0] == 5 && memcmp(body + 1, "READY", 5) == 0;
    free(body);
    if (!ok) {
        errno = EPROTO;
        goto fail;
    }
    return fd;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

int zmtp_subscribe(int fd, int timeout_ms)
{
    static const uint8_t all[] = {0x01}; /* ZMTP 3.0: a message 0x01 + prefix; "" = everything */
    return zmtp_send(fd, all, sizeof all, timeout_ms);
}

int zmtp_send(int fd, const void *data, size_t len, int timeout_ms)
{
    uint8_t head[9];
    size_t hl;
    if (len <= 255) {
        head[0] = 0;
        head[1] = (uint8_t)len;
        hl = 2;
    } else {
        head[0] = FLAG_LONG;
        for (int i = 0; i < 8; i++) head[1 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        hl = 9;
    }
    return write_all(fd, head, hl, timeout_ms) < 0 || write_all(fd, data, len, timeout_ms) < 0 ? -1
                                                                                               : 0;
}

int zmtp_recv(int fd, uint8_t **data, size_t *len, size_t max, int timeout_ms)
{
    for (;;) {
        uint8_t flags;
        if (read_frame(fd, &flags, data, len, max, timeout_ms) < 0) return -1;
        if (flags & FLAG_COMMAND) { /* e.g. a heartbeat: not for us */
            free(*data);
            continue;
        }
        if (flags & FLAG_MORE) { /* the API answers in one frame; drop anything more */
            free(*data);
            errno = EPROTO;
            return -1;
        }
        return 0;
    }
}
