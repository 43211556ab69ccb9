/*
 * store: the node's one SQLite file (WAL mode). The entries and feeds tables are the truth;
 * every other table is a projection of the entries (see project.h) and can be rebuilt.
 *
 *   feeds(author, head_seq, head_id, fork_seq)   one row per author; fork_seq set after a fork
 *   entries(n, id, author, seq, kind, ts, header, sigs, content, received)
 *                                                 n = local arrival order
 *   forks(author, seq, a, b, detected)            proofs: two valid entries, same author and seq
 *
 * Writes happen in transactions (store_begin/store_commit); with synchronous=FULL a commit is
 * on disk when it returns, so a node only reports an entry as published after its commit.
 * The store never checks entries: the caller (feed.c) does, inside the same transaction.
 */
#ifndef EKONET_STORE_H
#define EKONET_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

#define STORE_SCHEMA_VERSION 5

struct store;

struct feed_head {
    uint64_t seq; /* 0 for an author with no entries */
    uint8_t id[ID_SIZE];
    uint64_t fork_seq; /* 0 unless a fork was proven at that seq */
};

/* Opens (creating and migrating) the store at path. NULL with err on failure. */
struct store *store_open(const char *path, struct errbuf *err);

/* Opens an existing store read-only (beside a running daemon); no migration. NULL with err. */
struct store *store_open_readonly(const char *path, struct errbuf *err);

/* Closes the store and nulls the caller's pointer. */
void store_destroy(struct store **s);

/* The SQLite handle, for the projection and query modules. */
sqlite3 *store_db(struct store *s);

/* A cached prepared statement for sql (a string literal: it is cached by address), reset. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);

/* Transactions. store_commit fills err on failure (disk full, ...) and rolls back. A begin
   inside a transaction opens a savepoint: its commit releases it, its rollback undoes only what
   came after it; the outermost commit makes it all durable at once. */
int store_begin(struct store *s, struct errbuf *err);
int store_commit(struct store *s, struct errbuf *err);
void store_rollback(struct store *s);

/*
 * full=1: every commit is fsynced (synchronous=FULL, the default: what this node publishes).
 * full=0: commits survive a crash of the process but not of the machine (synchronous=NORMAL):
 * for entries replicated from peers, which would send them again.
 */
void store_set_durable(struct store *s, int full);

/* Copies the WAL into the database and empties it (after a redaction). 0 or -1. */
int store_checkpoint(struct store *s);

/* Frees the page cache's pages that no statement holds: they are read again from the file
   (in the system's cache) when needed. */
void store_release_memory(struct store *s);

/* A number kept in the store's meta table under key: 1 found (*value), 0 not, -1 error. */
int store_meta_get(struct store *s, const char *key, int64_t *value);

/* Sets (value) a number in the meta table, in the caller's transaction if one is open. 0 or -1. */
int store_meta_set(struct store *s, const char *key, int64_t value);

/* Removes key from the meta table. 0 or -1. */
int store_meta_delete(struct store *s, const char *key);

/* The author's head (seq 0 when none). 0 or -1. */
int store_head(struct store *s, const uint8_t author[KEY_SIZE], struct feed_head *h);

/* Appends a checked entry and moves the author's head; *n gets its arrival number. 0 or -1. */
int store_put(struct store *s, const struct entry *e, int64_t *n);

/* Marks author's feed as forked at seq. */
int store_mark_fork(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq);

/* Loads an entry by id or by author and seq: 1 found (*out, caller owns), 0 not, -1 error. */
int store_get(struct store *s, const uint8_t id[ID_SIZE], struct entry **out);
int store_get_seq(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq,
                  struct entry **out);

/* 1 if an entry with this id is stored, 0 if not, -1 on error. */
int store_has_id(struct store *s, const uint8_t id[ID_SIZE]);

/* The id of author's entry at seq: 1 found (id filled), 0 not, -1 error. */
int store_id_at(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq, uint8_t id[ID_SIZE]);

/* Calls fn for every feed: its author and head (seq, id, fork seq or 0). 0 or -1. */
int store_feeds(struct store *s,
                void (*fn)(void *ctx, const uint8_t author[KEY_SIZE], const struct feed_head *h),
                void *ctx);

/*
 * Calls fn for author's entries with seq in [from, from+limit), in seq order, each as an
 * entry built from the stored parts (valid during the call). Returns how many, or -1.
 */
int store_range(struct store *s, const uint8_t author[KEY_SIZE], uint64_t from, uint32_t limit,
                int (*fn)(void *ctx, const struct entry *e), void *ctx);

/* Records a fork proof (two encoded entries); 1 if it is new, 0 if known, -1 on error. */
int store_fork_add(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq, const uint8_t *a,
                   size_t alen, const uint8_t *b, size_t blen);

/* Calls fn for every fork proof, newest first. 0 or -1. */
int store_forks(struct store *s,
                void (*fn)(void *ctx, const uint8_t author[KEY_SIZE], uint64_t seq,
                           const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                           uint64_t detected_ms),
                void *ctx);

/* Resolves a hex id prefix: 1 unique (id filled), 0 none, 2 ambiguous, -1 error. */
int store_resolve(struct store *s, const char *hex_prefix, uint8_t id[ID_SIZE]);

/* The same over another table: sql (a literal) selects ids BETWEEN ?1 AND ?2 LIMIT 2. */
int store_resolve_in(struct store *s, const char *sql, const char *hex_prefix, uint8_t id[ID_SIZE]);

/* Counts of entries and feeds. */
int store_counts(struct store *s, uint64_t *entries, uint64_t *feeds);

/* Size of the database file and its WAL in bytes. */
uint64_t store_bytes(struct store *s);

/* The last SQLite error as a sentence. */
const char *store_errmsg(struct store *s);

#endif
