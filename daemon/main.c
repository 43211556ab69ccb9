/*
 * ekonetd: the ekonet node. Runs in the foreground (as systemd expects), logs logfmt lines on
 * stderr, and stops cleanly on SIGTERM or SIGINT.
 *
 * Exit status: 0 stopped cleanly, 1 could not run (another daemon, a socket, the store),
 * 2 bad usage or configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ekonet/config.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/project.h"
#include "ekonet/store.h"
#include "ekonet/verify.h"
#include "ekonet/version.h"
#include "node.h"
#include "rotation.h"

#define DEFAULT_DIR "/var/lib/ekonet"

static int sigpipe[2] = {-1, -1};

static void on_signal(int sig)
{
    char c = (char)sig;
    int saved = errno;
    ssize_t w = write(sigpipe[1], &c, 1);
    (void)w;
    errno = saved;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ekonetd [--dir DIR] [--config FILE] [--check-config] [--reindex] [--verify]\n"
            "               [--log-level LEVEL]\n"
            "\n"
            "Runs the ekonet node whose data directory is DIR (default $EKONET_DIR or %s),\n"
            "in the foreground. The configuration is DIR/ekonetd.conf unless --config is given.\n"
            "\n"
            "  -d, --dir DIR        the node's data directory\n"
            "  -c, --config FILE    the configuration file\n"
            "  -n, --check-config   validate the configuration, print \"configuration OK\", exit\n"
            "      --reindex        rebuild the query tables from the stored entries, then exit\n"
            "      --verify         check every feed (ids, links, signatures, contents) and the\n"
            "                       database file, then exit;\n"
            "                       works beside a running daemon; exit 1 if anything is wrong\n"
            "  -l, --log-level L    error, warn, info or debug (overrides the configuration)\n"
            "  -V, --version        print the version\n"
            "  -h, --help           this help\n"
            "\n"
            "SIGTERM or SIGINT stops the node cleanly. Exit status: 0 stopped, 1 could not\n"
            "run, 2 bad usage or configuration.\n",
            DEFAULT_DIR);
}

/* Takes the data directory's lock so that only one daemon runs on it; fd stays open. */
static int lock_dir(const char *dir, struct errbuf *err)
{
    char path[PATH_MAX], pid[32];
    if (file_join(path, sizeof path, dir, "ekonetd.lock") < 0)
        return errbuf_set(err, "data directory path too long");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errbuf_set(err, "cannot open %s: %s", path, strerror(errno));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(fd);
        return errbuf_set(err, "another ekonetd%s%s%s is already running on %s",
                          *pid ? " (pid " : "", pid, *pid ? ")" : "", dir);
    }
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return errbuf_set(err, "cannot write %s: %s", path, strerror(e));
    }
    return fd;
}

/* Anyone may write into a world-writable data directory: swap the key, the database or the
 * sockets. Refused, with the fix. */
static int check_dir_mode(const char *dir, struct errbuf *err)
{
    struct stat st;
    if (stat(dir, &st) < 0) return errbuf_set(err, "data directory %s: %s", dir, strerror(errno));
    if (st.st_mode & S_IWOTH)
        return errbuf_set(err, "data directory %s is writable by everyone; run: chmod 700 %s", dir,
                          dir);
    return 0;
}

static int setup_signals(void)
{
    if (file_wake_pipe(sigpipe) < 0) return -1;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

struct options {
    const char *dir;
    const char *config;
    const char *log_level;
    int check, reindex, verify;
};

static void print_problem(void *ctx, const char *what)
{
    (void)ctx;
    printf("problem: %s\n", what);
}

/* --verify: read-only, beside a running daemon if need be. */
static int verify(const struct config *cfg)
{
    char path[PATH_MAX];
    struct errbuf err;
    struct verify_result r;
    if (file_join(path, sizeof path, cfg->data_dir, "ekonet.db") < 0) return 1;
    struct store *s = store_open_readonly(path, &err);
    if (!s) {
        fprintf(stderr, "ekonetd: %s\n", err.msg);
        return 1;
    }
    int rc = store_verify(s, cfg->network, &r, print_problem, NULL);
    /* The database file itself: pages, indexes, free lists. */
    sqlite3_stmt *st = rc == 0 ? store_stmt(s, "PRAGMA integrity_check") : NULL;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0) {
            printf("problem: database: %s\n", line);
            r.problems++;
        }
    }
    if (st) sqlite3_reset(st);
    store_destroy(&s);
    if (rc < 0) {
        fprintf(stderr, "ekonetd: cannot read the store\n");
        return 1;
    }
    printf("verified %llu entries in %llu feeds (%llu without content): %llu problem%s\n",
           (unsigned long long)r.entries, (unsigned long long)r.feeds,
           (unsigned long long)r.detached, (unsigned long long)r.problems,
           r.problems == 1 ? "" : "s");
    return r.problems ? 1 : 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'n'},
        {"reindex", no_argument, NULL, 'R'},
        {"verify", no_argument, NULL, 'v'},
        {"log-level", required_argument, NULL, 'l'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "d:c:nl:Vh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->dir = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'n':
            o->check = 1;
            break;
        case 'R':
            o->reindex = 1;
            break;
        case 'v':
            o->verify = 1;
            break;
        case 'l':
            o->log_level = optarg;
            break;
        case 'V':
            printf("ekonetd %s\n", EKONET_VERSION);
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ekonetd: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Everything after the configuration: lock, key, store, then the loop (or --reindex). */
static int run(const struct options *o, const struct config *cfg, int *restart)
{
    struct errbuf err;
    char path[PATH_MAX], id[ID_HEX];
    struct node_key key;
    struct store *store = NULL;
    struct node *node = NULL;
    int rc = 1;

    umask(007);
    int lockfd = -1;
    if (check_dir_mode(cfg->data_dir, &err) < 0) goto out;
    lockfd = lock_dir(cfg->data_dir, &err);
    if (lockfd < 0) goto out;
    if (file_join(path, sizeof path, cfg->data_dir, "ekonet.db") < 0 ||
        !(store = store_open(path, &err)))
        goto out;
    /* A key switch the board decided and a crash interrupted is finished before the key is read. */
    if (rotation_finish(cfg->data_dir, store, &err) < 0) goto out;
    if (file_join(path, sizeof path, cfg->data_dir, "node.key") < 0 ||
        key_load(&key, path, &err) < 0)
        goto out;
    if (o->reindex) {
        uint64_t count;
        if (project_rebuild(store, &count, &err) < 0) goto out;
        printf("reindexed %llu entries\n", (unsigned long long)count);
        rc = 0;
        goto out;
    }
    if (setup_signals() < 0) {
        errbuf_set(&err, "cannot set up signal handling: %s", strerror(errno));
        goto out;
    }
    if (!(node = node_new(cfg, &key, store, sigpipe[0], &err))) goto out;
    rc = node_run(node) < 0 ? 1 : 0;
    *restart = rc == 0 && node->restart;
    elog(ELOG_INFO, "stopped", "node=%s", hex_encode(id, key.pub, KEY_SIZE));
out:
    if (rc == 1) fprintf(stderr, "ekonetd: %s\n", err.msg);
    node_destroy(&node);
    store_destroy(&store);
    key_wipe(&key);
    if (lockfd >= 0) close(lockfd);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct config cfg;
    struct errbuf err;
    char path[PATH_MAX], dir[PATH_MAX];

    if (parse_args(argc, argv, &o) < 0) return 2;
    if (key_lib_init() < 0) {
        fprintf(stderr, "ekonetd: cannot initialise libsodium\n");
        return 1;
    }
    if (!o.dir && !o.config) o.dir = getenv("EKONET_DIR");
    if (!o.dir && !o.config) o.dir = DEFAULT_DIR;
    /* Sockets and locks need an absolute directory that names the same place later. */
    if (o.dir) {
        if (!realpath(o.dir, dir)) {
            fprintf(stderr,
                    "ekonetd: data directory %s: %s (create a node with: ekonet init --dir %s)\n",
                    o.dir, strerror(errno), o.dir);
            return 2;
        }
        o.dir = dir;
    }
    if (!o.config) {
        if (file_join(path, sizeof path, o.dir, CONFIG_FILE) < 0) {
            fprintf(stderr, "ekonetd: data directory path too long\n");
            return 2;
        }
        o.config = path;
    }
    if (config_load(o.config, o.dir, &cfg, &err) < 0) {
        fprintf(stderr, "ekonetd: %s\n", err.msg);
        return 2;
    }
    if (o.log_level && elog_parse_level(o.log_level, &cfg.log_level) < 0) {
        fprintf(stderr, "ekonetd: --log-level must be error, warn, info or debug\n");
        config_free(&cfg);
        return 2;
    }
    elog_set_level(cfg.log_level);
    if (o.check) {
        printf("configuration OK\n");
        config_free(&cfg);
        return 0;
    }
    if (o.verify) {
        int vrc = verify(&cfg);
        config_free(&cfg);
        return vrc;
    }
    int restart = 0;
    int rc = run(&o, &cfg, &restart);
    config_free(&cfg);
    if (restart) {
        /* The board made this node's next key the member's: the same daemon, anew, reads it. */
        execv("/proc/self/exe", argv);
        fprintf(stderr, "ekonetd: cannot start again under the new key: %s\n", strerror(errno));
        return 1;
    }
    return rc;
}
