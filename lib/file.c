#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ekonet/file.h"

int file_join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int file_read_stream(int fd, const char *what, size_t max, char **out, size_t *len,
                     struct errbuf *err)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return errbuf_set(err, "out of memory reading %s", what);
    for (;;) {
        if (n == cap) {
            if (cap > max) break;
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                return errbuf_set(err, "out of memory reading %s", what);
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return errbuf_set(err, "cannot read %s: %s", what, strerror(e));
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max) break;
    }
    if (n > max) {
        free(buf);
        return errbuf_set(err, "%s is larger than the limit of %zu bytes", what, max);
    }
    buf[n] = '\0';
    *out = buf;
    if (len) *len = n;
    return 0;
}

int file_read_all(const char *path, size_t max, char **out, size_t *len, struct errbuf *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errbuf_set(err, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return errbuf_set(err, "%s is a directory, not a file", path);
    }
    int rc = file_read_stream(fd, path, max, out, len, err);
    close(fd);
    return rc;
}

int file_sync_dir_of(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_fd(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        p += w;
        len -= (size_t)w;
    }
    return fsync(fd);
}

int file_write_new(const char *path, const void *data, size_t len, mode_t mode, struct errbuf *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return errbuf_set(err, "cannot create %s: %s", path, strerror(errno));
    /* The umask must not loosen or tighten what the caller asked for. */
    if (fchmod(fd, mode) < 0 || write_fd(fd, data, len) < 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return errbuf_set(err, "cannot write %s: %s", path, strerror(e));
    }
    close(fd);
    file_sync_dir_of(path);
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                      struct errbuf *err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return errbuf_set(err, "path too long: %s", path);
    unlink(tmp);
    if (file_write_new(tmp, data, len, mode, err) < 0) return -1;
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return errbuf_set(err, "cannot replace %s: %s", path, strerror(e));
    }
    file_sync_dir_of(path);
    return 0;
}

int file_replace_with(const char *tmp, const char *path, struct errbuf *err)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        unlink(tmp);
        return errbuf_set(err, "cannot write %s: %s", path, strerror(e));
    }
    close(fd);
    file_sync_dir_of(path);
    return 0;
}

int file_mkdirs(const char *path, mode_t mode, struct errbuf *err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return errbuf_set(err, "path too long: %s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return errbuf_set(err, "cannot create directory %s: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, mode) < 0) {
        if (errno != EEXIST)
            return errbuf_set(err, "cannot create directory %s: %s", tmp, strerror(errno));
        struct stat st;
        if (stat(tmp, &st) < 0 || !S_ISDIR(st.st_mode))
            return errbuf_set(err, "%s exists and is not a directory", tmp);
        return 0;
    }
    if (chmod(tmp, mode) < 0)
        return errbuf_set(err, "cannot set mode of %s: %s", tmp, strerror(errno));
    return 0;
}

int file_wake_pipe(int fds[2])
{
    if (pipe(fds) < 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

void file_wake(int fd)
{
    char b = 1;
    ssize_t w = write(fd, &b, 1);
    (void)w;
}

void file_drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}
