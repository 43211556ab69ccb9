/*
 * spare: the last guard against running out of descriptors inside libzmq (see spare.h).
 *
 * The gates (gate.c) close connections past their limits, but they learn of a connection after
 * libzmq's I/O thread has accepted it: a burst faster than the loop can still reach the file
 * limit. There libzmq aborts when an accept on a Unix socket fails with EMFILE (its
 * ipc_listener asserts on every error but a few), and spins when one on TCP does (the
 * connection stays queued, the socket stays readable).
 *
 * So ekonetd defines accept and accept4 itself. The dynamic linker resolves libzmq's (and
 * libmicrohttpd's) calls to the executable's definitions before the C library's; these call the
 * next definition (the C library's, or AddressSanitizer's in a sanitized build) and, when it
 * fails for lack of descriptors, close a spare descriptor kept open for the purpose, accept the
 * waiting connection with the number it frees, close that connection at once, take the spare
 * again and tell the caller ECONNABORTED, which libzmq and libmicrohttpd take as a connection
 * gone before it was accepted. The connection is lost; the node is not.
 */
#define _GNU_SOURCE /* RTLD_NEXT, accept4 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "spare.h"

typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);

static int spare_fd = -1;
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static accept4_fn next_accept4;
static atomic_ulong shed_count;

static void resolve(void)
{
    next_accept4 = (accept4_fn)dlsym(RTLD_NEXT, "accept4");
}

int spare_open(void)
{
    pthread_once(&resolve_once, resolve);
    pthread_mutex_lock(&spare_lock);
    if (spare_fd < 0) spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int rc = spare_fd >= 0 && next_accept4 ? 0 : -1;
    pthread_mutex_unlock(&spare_lock);
    return rc;
}

unsigned long spare_shed(void)
{
    return atomic_load(&shed_count);
}

/* Out of descriptors: drops the connection waiting on fd with the spare's number. */
static int shed(int fd, int flags)
{
    pthread_mutex_lock(&spare_lock);
    if (spare_fd >= 0) {
        close(spare_fd);
        spare_fd = -1;
        int c = next_accept4(fd, NULL, NULL, flags | SOCK_CLOEXEC);
        if (c >= 0) {
            close(c);
            atomic_fetch_add(&shed_count, 1);
        }
        spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    pthread_mutex_unlock(&spare_lock);
    errno = ECONNABORTED;
    return -1;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    pthread_once(&resolve_once, resolve);
    if (!next_accept4) {
        errno = ENOSYS;
        return -1;
    }
    int c = next_accept4(fd, addr, len, flags);
    if (c < 0 && (errno == EMFILE || errno == ENFILE)) return shed(fd, flags);
    return c;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return accept4(fd, addr, len, 0);
}
