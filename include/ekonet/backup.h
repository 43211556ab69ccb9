/*
 * backup: copies of the store that can be taken while the node runs, checked without being
 * restored, and installed in place of the store (docs/OPERATIONS.md, "Backups").
 *
 * A copy is made with SQLite's online backup API from a connection of its own that holds one
 * read transaction from the first page to the last: in WAL mode writers go on meanwhile, and
 * the copy is the store as it was when that transaction began (never a file copy of a live
 * WAL database, which can catch the database and its WAL at different moments). The copy is
 * written to a temporary file beside the target, marked with the node it belongs to and when
 * it was taken, turned into one self-contained file (no WAL), checked with PRAGMA
 * integrity_check, fsynced and only then renamed into place: a crash never leaves a half file
 * under the target's name.
 *
 * A backup holds no secret key: the node's key (node.key) is backed up once, apart.
 */
#ifndef EKONET_BACKUP_H
#define EKONET_BACKUP_H

#include <stdint.h>
#include <sys/types.h>

#include "ekonet/errbuf.h"
#include "ekonet/key.h"

/* Pages copied per step of the backup API: progress is reported, and a stop request is seen,
   this often (4 MiB at the store's 16 KiB pages). */
#define BACKUP_STEP_PAGES 256

/* The meta table's keys: the node a backup belongs to (its key, a blob), when it was taken
   (ms), and, in a restored store, when it was restored (ms; the daemon clears it once the
   node has confirmed its own feed's head with the network). */
#define BACKUP_META_NODE     "backup_node"
#define BACKUP_META_TAKEN    "backup_ms"
#define BACKUP_META_RESTORED "restored_ms"

/* Called after every step with the pages copied so far and the store's pages in all; a
   nonzero return stops the copy (which then fails with "stopped"). */
typedef int (*backup_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* What a backup (or any store file) holds, as backup_inspect and backup_copy find it. */
struct backup_info {
    int schema;               /* the store's schema version (PRAGMA user_version) */
    int has_owner;            /* marked by backup_copy: owner and taken_ms are set */
    uint8_t owner[KEY_SIZE];  /* the node whose store it is */
    uint64_t taken_ms;        /* when the copy's read transaction began */
    int has_network;          /* 0 for a store without entries */
    uint8_t network[ID_SIZE]; /* the network of its first entry */
    uint64_t entries, feeds;  /* entries stored; feeds with at least one */
    uint64_t own_seq;         /* head of the owner's feed (0: none, or no owner known) */
    uint64_t newest_ms;       /* date of the newest entry (0 when there is none) */
    uint64_t pages, bytes;    /* the file's size */
    uint64_t restored_ms;     /* the restored mark, 0 when not set */
    dev_t dev;                /* backup_copy: the file written, as this process sees it */
    ino_t ino;
};

/*
 * Copies the store at src into a new file dst, marked as owner's store when owner is not
 * NULL (else the marks it has are kept). dst must not exist unless replace is set. fn (may
 * be NULL) is told the progress after every BACKUP_STEP_PAGES pages. On success info
 * describes the copy. 0, or -1 with err (and *sys_errno the system's error when the cause
 * was the file system, else 0); nothing is left behind on failure.
 */
int backup_copy(const char *src, const char *dst, const uint8_t *owner, int replace,
                backup_progress_fn fn, void *ctx, struct backup_info *info, int *sys_errno,
                struct errbuf *err);

/*
 * Opens path read-only and describes it: an ekonet store (its tables, a schema version not
 * newer than this build's) whose PRAGMA integrity_check passes. 0, or -1 with err saying why
 * not in one sentence.
 */
int backup_inspect(const char *path, struct backup_info *info, struct errbuf *err);

/*
 * Installs the backup at file as the store db (the node's daemon must be stopped, its lock
 * held by the caller): the backup is copied to a temporary file beside db, marked restored
 * (BACKUP_META_RESTORED = now_ms, with store_meta_set) and renamed over db, after the store
 * it replaces was made one file and kept under the name aside (db + ".before-restore-" and
 * the time), never deleted. aside is "" when there was no store. 0, or -1 with err.
 */
int backup_install(const char *file, const char *db, uint64_t now_ms, char *aside,
                   size_t aside_size, struct errbuf *err);

#endif
