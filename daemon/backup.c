/*
 * backup (daemon): the node's copy of its own store, for `ekonet backup FILE`.
 *
 * The copy runs on a thread with a read-only connection of its own, not in steps of the
 * node's loop. Steps of a few pages per turn would bound the copy of pages, but not its end:
 * the copy's PRAGMA integrity_check reads every page of it and its fsync waits for the disk,
 * seconds each for a large store, that cannot be cut into turns; during them the node would
 * answer no peer and no CLI. On the thread, the loop's part is to start the job and to read
 * its progress under a mutex, both a few microseconds, whatever the store's size.
 *
 * Bounds: one job at a time (a second is refused while one runs); the node remembers the last
 * job only, until the next begins; the thread holds one read snapshot of the store for the
 * copy's length (the WAL grows meanwhile by what is written, lib/backup.c), and copies
 * BACKUP_STEP_PAGES pages between looks at its stop flag, so that a stopping node waits for
 * at most one step and removes the partial copy.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "backup.h"
#include "ekonet/backup.h"
#include "ekonet/file.h"
#include "ekonet/log.h"

/* A path must leave room for the temporary name made beside it (".partial.XXXXXX"). */
#define BACKUP_PATH_MAX (PATH_MAX - 32)

enum { JOB_RUNNING, JOB_DONE, JOB_FAILED };
static const char *const job_states[] = {"running", "done", "failed"};

struct backup_job {
    pthread_t thread;
    pthread_mutex_t mu;
    int joined;
    uint32_t id;
    char src[PATH_MAX], path[PATH_MAX], data_dir[PATH_MAX];
    uint8_t owner[KEY_SIZE];
    int force;
    uint64_t started_ms;
    /* written by the thread, under mu */
    int state, stop;
    uint64_t done, total, finished_ms;
    struct backup_info info;
    char error[sizeof(struct errbuf)];
};

/* The user this process runs as, for messages ("ekonet"). */
static const char *process_user(char *buf, size_t size)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name)
        snprintf(buf, size, "%s", pw->pw_name);
    else
        snprintf(buf, size, "uid %ld", (long)geteuid());
    return buf;
}

/* Why the node cannot write in dir (errno e), and what to do, in out. */
static void explain_unwritable(char *out, size_t size, const char *dir, int e, const char *data)
{
    char user[64];
    if (e == EROFS)
        snprintf(out, size,
                 "ekonetd cannot write in %s: the file system is read-only for it (under "
                 "systemd it may write only in its data directory): back up into %s/backups, or "
                 "allow the directory with ReadWritePaths= in a drop-in (systemctl edit ekonetd)",
                 dir, data);
    else if (e == EACCES || e == EPERM)
        snprintf(out, size,
                 "ekonetd runs as user %s, which may not write in %s: choose a directory that "
                 "user may write to, such as %s/backups",
                 process_user(user, sizeof user), dir, data);
    else if (e == ENOENT)
        snprintf(out, size, "ekonetd cannot write in %s: there is no such directory for it", dir);
    else if (e == ENOSPC)
        snprintf(out, size, "ekonetd cannot write in %s: the disk is full", dir);
    else
        snprintf(out, size, "ekonetd cannot write in %s: %s", dir, strerror(e));
}

static int job_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct backup_job *j = ctx;
    pthread_mutex_lock(&j->mu);
    j->done = done;
    j->total = total;
    int stop = j->stop;
    pthread_mutex_unlock(&j->mu);
    return stop;
}

static void *job_main(void *arg)
{
    struct backup_job *j = arg;
    struct backup_info info;
    struct errbuf err = {""};
    char q[512], dir[PATH_MAX];
    int e;
    prctl(PR_SET_NAME, "ekonet-backup"); /* as top -H and /proc show it */
    int rc = backup_copy(j->src, j->path, j->owner, j->force, job_progress, j, &info, &e, &err);
    pthread_mutex_lock(&j->mu);
    j->finished_ms = node_now_ms();
    j->state = rc == 0 ? JOB_DONE : JOB_FAILED;
    if (rc == 0) {
        j->info = info;
        j->done = j->total = info.pages;
    } else if (e && e != EEXIST) {
        snprintf(dir, sizeof dir, "%s", j->path);
        explain_unwritable(j->error, sizeof j->error, dirname(dir), e, j->data_dir);
    } else {
        snprintf(j->error, sizeof j->error, "%s", err.msg);
    }
    pthread_mutex_unlock(&j->mu);
    if (rc == 0)
        elog(ELOG_INFO, "backup done", "job=%u path=%s bytes=%llu entries=%llu ms=%llu", j->id,
             elog_quote(q, sizeof q, j->path), (unsigned long long)info.bytes,
             (unsigned long long)info.entries,
             (unsigned long long)(j->finished_ms - j->started_ms));
    else
        elog(ELOG_WARN, "backup failed", "job=%u path=%s reason=%s", j->id,
             elog_quote(q, sizeof q, j->path), elog_quote(dir, sizeof dir, j->error));
    return NULL;
}

/* Waits for a finished (or stopping) job's thread, once. */
static void job_join(struct backup_job *j)
{
    if (j->joined) return;
    pthread_join(j->thread, NULL);
    j->joined = 1;
}

static int job_running(struct backup_job *j)
{
    pthread_mutex_lock(&j->mu);
    int running = j->state == JOB_RUNNING;
    pthread_mutex_unlock(&j->mu);
    return running;
}

void backup_job_end(struct node *n)
{
    struct backup_job *j = n->backup;
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    pthread_mutex_unlock(&j->mu);
    job_join(j);
    pthread_mutex_destroy(&j->mu);
    free(j);
    n->backup = NULL;
}

/* The thread starts with every signal blocked: the loop's thread takes them. */
static int job_start(struct backup_job *j)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, job_main, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* What the request's path must be before a job starts: 0, or -1 replied. */
static int check_target(struct call *c, const char *path, int force)
{
    const char *data = c->node->cfg->data_dir;
    char dir[PATH_MAX], why[512], db[PATH_MAX];
    struct stat st, sst;
    if (path[0] != '/' || strlen(path) >= BACKUP_PATH_MAX) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "the backup's path must be absolute and shorter than %d bytes", BACKUP_PATH_MAX);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s", path);
    dirname(dir);
    if (access(dir, W_OK | X_OK) < 0) {
        explain_unwritable(why, sizeof why, dir, errno, data);
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s", why);
        return -1;
    }
    if (stat(path, &st) < 0) return 0;
    if (file_join(db, sizeof db, data, "ekonet.db") == 0 && stat(db, &sst) == 0 &&
        st.st_dev == sst.st_dev && st.st_ino == sst.st_ino) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s is the node's store itself", path);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "%s is a directory: give the name of the file to write", path);
        return -1;
    }
    if (!force) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s exists; give --force to replace it",
                 path);
        return -1;
    }
    return 0;
}

/* A new job for path; NULL after replying with an error. */
static struct backup_job *job_new(struct call *c, const char *path, int force)
{
    struct node *n = c->node;
    struct backup_job *j = calloc(1, sizeof *j);
    if (!j || file_join(j->src, sizeof j->src, n->cfg->data_dir, "ekonet.db") < 0) {
        free(j);
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return NULL;
    }
    snprintf(j->path, sizeof j->path, "%s", path);
    snprintf(j->data_dir, sizeof j->data_dir, "%s", n->cfg->data_dir);
    memcpy(j->owner, n->key.pub, KEY_SIZE);
    j->force = force;
    j->id = ++n->backup_jobs;
    j->started_ms = node_now_ms();
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

/* Starts a backup into path. */
static void start(struct call *c, const char *path, int force)
{
    struct node *n = c->node;
    char q[512];
    if (n->backup && job_running(n->backup))
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        "a backup is already running (to %s); wait for it to end", n->backup->path);
    if (check_target(c, path, force) < 0) return;
    backup_job_end(n);
    struct backup_job *j = job_new(c, path, force);
    if (!j) return;
    if (job_start(j) != 0) {
        pthread_mutex_destroy(&j->mu);
        free(j);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL,
                        "cannot start the backup's thread: %s", strerror(errno));
    }
    n->backup = j;
    elog(ELOG_INFO, "backup started", "job=%u path=%s", j->id, elog_quote(q, sizeof q, path));
}

/* The reply for job j (NULL: none yet). */
static void reply(struct call *c, struct backup_job *j)
{
    Ekonet__BackupReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__backup_reply__init(r);
    r->state = "none";
    c->reply.result_case = EKONET__API_REPLY__RESULT_BACKUP;
    c->reply.backup = r;
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    r->job = j->id;
    r->state = (char *)job_states[j->state];
    r->path = j->path;
    r->pages_done = j->done;
    r->pages_total = j->total;
    r->started_ms = j->started_ms;
    r->has_finished_ms = j->state != JOB_RUNNING;
    r->finished_ms = j->finished_ms;
    if (j->state == JOB_FAILED) r->error = arena_strdup(&c->arena, j->error);
    if (j->state == JOB_DONE) {
        const struct backup_info *i = &j->info;
        r->has_bytes = r->has_entries = r->has_feeds = r->has_own_seq = r->has_newest_ms =
            r->has_taken_ms = r->has_dev = r->has_ino = r->has_node_id = r->has_schema = 1;
        r->node_id = api_bin(&c->arena, i->owner, KEY_SIZE);
        r->schema = (uint32_t)i->schema;
        if (i->has_network) r->network_id = api_bin(&c->arena, i->network, ID_SIZE);
        r->has_network_id = i->has_network;
        r->bytes = i->bytes;
        r->entries = i->entries;
        r->feeds = i->feeds;
        r->own_seq = i->own_seq;
        r->newest_ms = i->newest_ms;
        r->taken_ms = i->taken_ms;
        r->dev = (uint64_t)i->dev;
        r->ino = (uint64_t)i->ino;
    }
    pthread_mutex_unlock(&j->mu);
}

void api_backup(struct call *c, const Ekonet__BackupRequest *req)
{
    struct node *n = c->node;
    if (req->path) {
        start(c, req->path, req->has_force && req->force);
        if (!c->reply.error) reply(c, n->backup);
        return;
    }
    struct backup_job *j = n->backup;
    if (j && req->has_job && req->job && req->job != j->id)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "backup %u is no longer known to the node (backup %u began after it)",
                        req->job, j->id);
    if (j && !job_running(j)) job_join(j);
    reply(c, j);
}
