/*
 * backup: copies of the store (backup.h). Three parts: the copy (backup_copy: one read
 * snapshot, SQLite's backup API in steps, then mark, one file, check, fsync, rename), what a
 * file holds (backup_inspect) and the installation of a backup in place of the store
 * (backup_install).
 *
 * The copy's source connection holds its read transaction for the whole copy. SQLite's backup
 * would otherwise end the transaction after each step, see the writers' newer commits at the
 * next one and start over from the first page, which under a steady stream of commits might
 * never end. Holding it keeps the WAL from being reset meanwhile: it grows by what is written
 * during the copy, and is folded back after (store.c's checkpointer).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ekonet/backup.h"
#include "ekonet/entry.h"
#include "ekonet/file.h"
#include "ekonet/store.h"

/* A step the source or the copy is busy for is tried again this often, at most this long:
   only a checkpoint that truncates the WAL (after a redaction) takes the source's lock. */
#define BACKUP_BUSY_SLEEP_MS 10
#define BACKUP_BUSY_TRIES    1000 /* 10 s */

/* Stores set aside by restores made within the same second get these suffixes at most. */
#define BACKUP_ASIDE_TRIES 100

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Runs sql; 0, or -1 with err "what: SQLite's message". */
static int run(sqlite3 *db, const char *sql, const char *what, struct errbuf *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK) return 0;
    return errbuf_set(err, "%s: %s", what, sqlite3_errmsg(db));
}

/* The first column of sql's first row as an integer; 0 when there is no row, -1 on error. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    *out = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* ---- what a store file holds ------------------------------------------------------------- */

/* The marks a copy carries in its meta table. */
static int read_marks(sqlite3 *db, struct backup_info *info)
{
    sqlite3_stmt *st;
    int64_t v;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='" BACKUP_META_NODE "'", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SIZE) {
        memcpy(info->owner, sqlite3_column_blob(st, 0), KEY_SIZE);
        info->has_owner = 1;
    }
    sqlite3_finalize(st);
    if (query_int(db, "SELECT value FROM meta WHERE key='" BACKUP_META_TAKEN "'", &v) < 0)
        return -1;
    info->taken_ms = v > 0 ? (uint64_t)v : 0;
    if (query_int(db, "SELECT value FROM meta WHERE key='" BACKUP_META_RESTORED "'", &v) < 0)
        return -1;
    info->restored_ms = v > 0 ? (uint64_t)v : 0;
    return 0;
}

/* The network of the store's first entry (every entry of a store is of one network). */
static int read_network(sqlite3 *db, struct backup_info *info)
{
    sqlite3_stmt *st;
    struct entry *e = NULL;
    if (sqlite3_prepare_v2(db, "SELECT header, sigs FROM entries ORDER BY n LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW &&
        entry_from_parts(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                         sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), NULL, 0,
                         &e) == ENTRY_OK) {
        memcpy(info->network, e->network, ID_SIZE);
        info->has_network = 1;
    }
    entry_destroy(&e);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The owner's head, the counts and the newest date. */
static int read_counts(sqlite3 *db, struct backup_info *info)
{
    int64_t v[5];
    if (query_int(db, "SELECT count(*) FROM entries", &v[0]) < 0 ||
        query_int(db, "SELECT count(*) FROM feeds WHERE head_seq>0", &v[1]) < 0 ||
        query_int(db, "SELECT coalesce(max(ts), 0) FROM entries", &v[2]) < 0 ||
        query_int(db, "PRAGMA page_count", &v[3]) < 0 ||
        query_int(db, "PRAGMA page_size", &v[4]) < 0)
        return -1;
    info->entries = (uint64_t)v[0];
    info->feeds = (uint64_t)v[1];
    info->newest_ms = (uint64_t)v[2];
    info->pages = (uint64_t)v[3];
    info->bytes = (uint64_t)v[3] * (uint64_t)v[4];
    if (!info->has_owner) return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT head_seq FROM feeds WHERE author=?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_blob(st, 1, info->owner, KEY_SIZE, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) info->own_seq = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* PRAGMA integrity_check: 0 when it says ok, else -1 with its first finding in err. */
static int check_integrity(sqlite3 *db, const char *path, struct errbuf *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return errbuf_set(err, "%s is damaged: %s", path, sqlite3_errmsg(db));
    int rc = sqlite3_step(st);
    const char *line = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (line && strcmp(line, "ok") == 0) {
        sqlite3_finalize(st);
        return 0;
    }
    errbuf_set(err, "%s is damaged (PRAGMA integrity_check: %s)", path,
               line ? line : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
}

/* An ekonet store of a schema this build reads, intact; info filled. 0, or -1 with err. */
static int describe(sqlite3 *db, const char *path, struct backup_info *info, struct errbuf *err)
{
    int64_t version, tables;
    memset(info, 0, sizeof *info);
    if (query_int(db, "PRAGMA user_version", &version) < 0) {
        int code = sqlite3_errcode(db) & 0xff;
        if (code == SQLITE_NOTADB)
            return errbuf_set(err, "%s is not an ekonet store (not an SQLite database)", path);
        return errbuf_set(err, "%s cannot be read: %s", path, sqlite3_errmsg(db));
    }
    if (query_int(db,
                  "SELECT count(*) FROM sqlite_schema WHERE type='table'"
                  " AND name IN ('meta', 'feeds', 'entries')",
                  &tables) < 0)
        return errbuf_set(err, "%s is damaged: %s", path, sqlite3_errmsg(db));
    if (version < 1 || tables != 3)
        return errbuf_set(err, "%s is an SQLite database but not an ekonet store", path);
    if (version > STORE_SCHEMA_VERSION)
        return errbuf_set(err,
                          "%s has schema version %lld, newer than this ekonet understands (%d); "
                          "restore it with the newer version that made it",
                          path, (long long)version, STORE_SCHEMA_VERSION);
    info->schema = (int)version;
    if (check_integrity(db, path, err) < 0) return -1;
    if (read_marks(db, info) < 0 || read_network(db, info) < 0 || read_counts(db, info) < 0)
        return errbuf_set(err, "%s is damaged: %s", path, sqlite3_errmsg(db));
    return 0;
}

int backup_inspect(const char *path, struct backup_info *info, struct errbuf *err)
{
    struct stat st;
    sqlite3 *db = NULL;
    if (stat(path, &st) < 0) return errbuf_set(err, "cannot open %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return errbuf_set(err, "%s is not a file", path);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        errbuf_set(err, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 5000);
    int rc = describe(db, path, info, err);
    sqlite3_close(db);
    info->dev = st.st_dev;
    info->ino = st.st_ino;
    return rc;
}

/* ---- the copy ---------------------------------------------------------------------------- */

/* src's pages into to, in steps, inside one read transaction of from. 0, or -1 with err. */
static int copy_pages(sqlite3 *from, sqlite3 *to, backup_progress_fn fn, void *ctx,
                      struct errbuf *err)
{
    int64_t tables;
    /* A deferred transaction reads nothing until the first statement: the count starts it. */
    if (run(from, "BEGIN", "cannot read the store", err) < 0) return -1;
    if (query_int(from, "SELECT count(*) FROM sqlite_schema", &tables) < 0) {
        errbuf_set(err, "cannot read the store: %s", sqlite3_errmsg(from));
        sqlite3_exec(from, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) {
        errbuf_set(err, "cannot start the copy: %s", sqlite3_errmsg(to));
        sqlite3_exec(from, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    int rc, busy = 0, stopped = 0;
    do {
        rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busy > BACKUP_BUSY_TRIES) break;
            sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
            continue;
        }
        uint64_t total = (uint64_t)sqlite3_backup_pagecount(b);
        uint64_t left = (uint64_t)sqlite3_backup_remaining(b);
        if ((rc == SQLITE_OK || rc == SQLITE_DONE) && fn && fn(ctx, total - left, total))
            stopped = 1;
    } while (!stopped && (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED));
    int fin = sqlite3_backup_finish(b);
    sqlite3_exec(from, "ROLLBACK", NULL, NULL, NULL); /* ends the read transaction */
    if (stopped && rc != SQLITE_DONE) return errbuf_set(err, "stopped");
    if (rc != SQLITE_DONE)
        return errbuf_set(err, "the copy failed: %s",
                          rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                              ? "the store stayed locked"
                              : sqlite3_errstr(fin != SQLITE_OK ? fin : rc));
    return 0;
}

/* Marks the copy as owner's store, taken at taken_ms. */
static int mark_owner(sqlite3 *db, const uint8_t owner[KEY_SIZE], uint64_t taken_ms,
                      struct errbuf *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO meta VALUES('" BACKUP_META_NODE "', ?1),"
                           " ('" BACKUP_META_TAKEN "', ?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return errbuf_set(err, "cannot mark the copy: %s", sqlite3_errmsg(db));
    sqlite3_bind_blob(st, 1, owner, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)taken_ms);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return errbuf_set(err, "cannot mark the copy: %s", sqlite3_errmsg(db));
    return 0;
}

/* The copied pages carry the store's WAL mode: the copy becomes one file of its own. */
static int single_file(sqlite3 *db, struct errbuf *err)
{
    sqlite3_stmt *st;
    int64_t tables;
    int ok = 0;
    /* a read first: the connection learns from the file's header that it is in WAL mode,
       and the pragma then leaves that mode instead of answering with the one it assumed */
    if (query_int(db, "SELECT count(*) FROM sqlite_schema", &tables) < 0)
        return errbuf_set(err, "cannot read the copy: %s", sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=DELETE", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        ok = mode && strcmp(mode, "delete") == 0;
    }
    sqlite3_finalize(st);
    return ok ? 0 : errbuf_set(err, "cannot make the copy one file: %s", sqlite3_errmsg(db));
}

/* Everything done on the copy's connection: the pages, the marks, one file, the check. */
static int fill_copy(sqlite3 *from, sqlite3 *to, const char *dst, const uint8_t *owner,
                     backup_progress_fn fn, void *ctx, struct backup_info *info, struct errbuf *err)
{
    uint64_t taken = now_ms();
    if (copy_pages(from, to, fn, ctx, err) < 0 || single_file(to, err) < 0) return -1;
    if (owner && mark_owner(to, owner, taken, err) < 0) return -1;
    return describe(to, dst, info, err);
}

/* Opens src for reading and the new file tmp for writing. */
static int open_pair(const char *src, const char *tmp, sqlite3 **from, sqlite3 **to,
                     struct errbuf *err)
{
    if (sqlite3_open_v2(src, from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return errbuf_set(err, "cannot open the store %s: %s", src,
                          *from ? sqlite3_errmsg(*from) : "out of memory");
    sqlite3_busy_timeout(*from, 5000);
    if (sqlite3_open_v2(tmp, to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return errbuf_set(err, "cannot open %s: %s", tmp,
                          *to ? sqlite3_errmsg(*to) : "out of memory");
    return 0;
}

/* Removes a database file and what SQLite may have left beside it. */
static void remove_db_files(const char *path)
{
    static const char *const suffix[] = {"", "-journal", "-wal", "-shm"};
    char p[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static void fsync_dir(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

/* Puts the finished copy tmp under dst: a link when dst must not be replaced (it fails if
   dst appeared meanwhile), else a rename. 0, or -1 with errno. */
static int place(const char *tmp, const char *dst, int replace)
{
    if (!replace) {
        if (link(tmp, dst) == 0) return unlink(tmp);
        /* file systems without hard links: the check made before the copy has to do */
        if (errno != EPERM && errno != ENOTSUP) return -1;
        if (file_exists(dst)) {
            errno = EEXIST;
            return -1;
        }
    }
    return rename(tmp, dst);
}

/* Sets *sys_errno to e and says what failed on which file. */
static int fs_error(int *sys_errno, int e, struct errbuf *err, const char *what, const char *path)
{
    *sys_errno = e;
    return errbuf_set(err, "%s %s: %s", what, path, strerror(e));
}

int backup_copy(const char *src, const char *dst, const uint8_t *owner, int replace,
                backup_progress_fn fn, void *ctx, struct backup_info *info, int *sys_errno,
                struct errbuf *err)
{
    char tmp[PATH_MAX];
    sqlite3 *from = NULL, *to = NULL;
    *sys_errno = 0;
    if (snprintf(tmp, sizeof tmp, "%s.partial.XXXXXX", dst) >= (int)sizeof tmp)
        return errbuf_set(err, "path too long: %s", dst);
    if (!replace && file_exists(dst)) return fs_error(sys_errno, EEXIST, err, "cannot write", dst);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", dst);
        return fs_error(sys_errno, errno, err, "cannot write in", dirname(dir));
    }
    int rc = open_pair(src, tmp, &from, &to, err);
    if (rc == 0) rc = fill_copy(from, to, dst, owner, fn, ctx, info, err);
    sqlite3_close(from);
    if (sqlite3_close(to) != SQLITE_OK && rc == 0) rc = errbuf_set(err, "cannot close the copy");
    struct stat st = {0};
    if (rc == 0 && (fsync(fd) < 0 || fstat(fd, &st) < 0))
        rc = fs_error(sys_errno, errno, err, "cannot write", tmp);
    close(fd);
    if (rc == 0 && place(tmp, dst, replace) < 0)
        rc = fs_error(sys_errno, errno, err, "cannot write", dst);
    if (rc < 0) {
        remove_db_files(tmp);
        return -1;
    }
    fsync_dir(dst);
    info->dev = st.st_dev;
    info->ino = st.st_ino;
    info->bytes = (uint64_t)st.st_size;
    return 0;
}

/* ---- restore ----------------------------------------------------------------------------- */

/* Sets the restored mark in the store at path, with the store's own code. */
static int mark_restored(const char *path, uint64_t when, struct errbuf *err)
{
    char wal[PATH_MAX + 8];
    struct store *s = store_open(path, err);
    if (!s) return -1;
    int rc = store_meta_set(s, BACKUP_META_RESTORED, (int64_t)when);
    if (rc < 0) errbuf_set(err, "cannot mark the store restored: %s", store_errmsg(s));
    store_destroy(&s);
    /* Closing the last connection folds the WAL into the file and removes it. */
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (rc == 0 && file_exists(wal))
        return errbuf_set(err, "the restored store %s kept a WAL file after closing", path);
    return rc;
}

/* The name the current store is kept under: db.before-restore-YYYYMMDDTHHMMSSZ[-N]. */
static int aside_name(const char *db, uint64_t when, char *out, size_t size)
{
    char stamp[32];
    time_t t = (time_t)(when / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 0; i < BACKUP_ASIDE_TRIES; i++) {
        int n = i ? snprintf(out, size, "%s.before-restore-%s-%d", db, stamp, i)
                  : snprintf(out, size, "%s.before-restore-%s", db, stamp);
        if (n < 0 || (size_t)n >= size) return -1;
        if (!file_exists(out)) return 0;
    }
    return -1;
}

/* Folds the store's WAL into its file (one file that can be kept alone); 1 if done. */
static int fold_wal(const char *db)
{
    sqlite3 *h = NULL;
    struct errbuf ignored;
    int ok =
        sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
        single_file(h, &ignored) == 0;
    sqlite3_close(h);
    return ok;
}

/*
 * Keeps the store db under aside. A hard link first, so that db names a store at every moment
 * (the rename of the restored one replaces it); a WAL that could not be folded goes along
 * with it, as it must not meet the restored store.
 */
static int set_aside(const char *db, uint64_t when, char *aside, size_t size, struct errbuf *err)
{
    static const char *const side[] = {"-wal", "-shm"};
    aside[0] = '\0';
    if (!file_exists(db)) return 0;
    if (aside_name(db, when, aside, size) < 0)
        return errbuf_set(err, "no free name to keep the current store %s under", db);
    int folded = fold_wal(db);
    if (link(db, aside) < 0 && rename(db, aside) < 0)
        return errbuf_set(err, "cannot keep the current store as %s: %s", aside, strerror(errno));
    for (size_t i = 0; !folded && i < sizeof side / sizeof side[0]; i++) {
        char from[PATH_MAX + 8], to[PATH_MAX + 8];
        snprintf(from, sizeof from, "%s%s", db, side[i]);
        snprintf(to, sizeof to, "%s%s", aside, side[i]);
        if (file_exists(from) && rename(from, to) < 0)
            return errbuf_set(err, "cannot move %s aside: %s", from, strerror(errno));
    }
    return 0;
}

int backup_install(const char *file, const char *db, uint64_t now, char *aside, size_t aside_size,
                   struct errbuf *err)
{
    char tmp[PATH_MAX];
    struct backup_info info;
    int e;
    if (snprintf(tmp, sizeof tmp, "%s.restoring", db) >= (int)sizeof tmp)
        return errbuf_set(err, "path too long: %s", db);
    remove_db_files(tmp); /* what an interrupted restore left */
    if (backup_copy(file, tmp, NULL, 1, NULL, NULL, &info, &e, err) < 0) return -1;
    if (mark_restored(tmp, now, err) < 0 || set_aside(db, now, aside, aside_size, err) < 0) {
        remove_db_files(tmp);
        return -1;
    }
    if (rename(tmp, db) < 0) {
        int en = errno;
        remove_db_files(tmp);
        return errbuf_set(err, "cannot install the restored store as %s: %s", db, strerror(en));
    }
    fsync_dir(db);
    return 0;
}
