/*
 * store: SQLite in WAL mode with synchronous=FULL. The schema is versioned with
 * PRAGMA user_version; migrations[i] takes the truth tables from version i to i+1 and runs in
 * one transaction with the version bump, so a crash leaves either the old or the new schema.
 * Projection tables are not migrated: project.c rebuilds them when their version changes.
 *
 * Prepared statements are cached by the address of their SQL text (store_stmt), which keeps
 * call sites readable and the hot path (head lookups, inserts) free of re-preparation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#include "ekonet/hex.h"
#include "ekonet/project.h"
#include "ekonet/store.h"

#define STMT_CACHE 512 /* slots, a power of two; at most 3/4 used */

/* The WAL is copied back into the database by a helper thread once it holds this much. The WAL
   starts again from its beginning only when a writer begins after a complete copy, which a busy
   writer may keep missing: at WAL_BEHIND times this size it waits for the copy, and then does. */
#define WAL_CHECKPOINT_BYTES (16 << 20)
#define WAL_BEHIND           4

/*
 * The checkpointer: a thread with a connection of its own that copies the WAL into the database
 * (a PASSIVE checkpoint: it never blocks the writer), so the copying and its fsyncs happen
 * beside the node's work instead of inside one of its commits.
 */
struct checkpointer {
    pthread_t thread;
    sqlite3 *db;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    uint64_t asked, finished; /* pass numbers: asked by the writer, finished by the thread */
    int stop;
    int frames; /* WAL_CHECKPOINT_BYTES in pages */
};

struct store {
    sqlite3 *db;
    char *path;
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE];
    int ncache;
    int durable; /* synchronous=FULL */
    int depth;   /* store_begin nesting: 1 = a transaction, more = savepoints inside it */
    struct checkpointer *ckpt;
};

static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE feeds("
    "  author BLOB PRIMARY KEY,"
    "  head_seq INTEGER NOT NULL,"
    "  head_id BLOB NOT NULL,"
    "  fork_seq INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    "CREATE TABLE entries("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE,"
    "  author BLOB NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  header BLOB NOT NULL,"
    "  sigs BLOB NOT NULL,"
    "  content BLOB,"
    "  received INTEGER NOT NULL,"
    "  UNIQUE(author, seq)"
    ");",
    /* 1 -> 2 */
    "CREATE TABLE forks("
    "  author BLOB NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  a BLOB NOT NULL,"
    "  b BLOB NOT NULL,"
    "  detected INTEGER NOT NULL,"
    "  PRIMARY KEY(author, seq)"
    ") WITHOUT ROWID;",
    /* 2 -> 3: contact requests (contacts.h) */
    "CREATE TABLE envelopes("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE,"
    "  sender BLOB NOT NULL,"
    "  recipient BLOB NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  own INTEGER NOT NULL,"
    "  received INTEGER NOT NULL,"
    "  raw BLOB NOT NULL"
    ");"
    "CREATE INDEX envelopes_sender ON envelopes(sender);"
    "CREATE TABLE acks("
    "  envelope BLOB NOT NULL,"
    "  signer BLOB NOT NULL,"
    "  sender BLOB NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  raw BLOB NOT NULL,"
    "  PRIMARY KEY(envelope, signer)"
    ") WITHOUT ROWID;"
    "CREATE TABLE contacts("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE,"
    "  outgoing INTEGER NOT NULL,"
    "  peer BLOB NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  state TEXT NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  request BLOB NOT NULL,"
    "  reply BLOB,"
    "  reply_id BLOB,"
    "  reply_state TEXT,"
    "  note TEXT"
    ");",
    /* 3 -> 4: the latest beacon of each member (beacon.h) */
    "CREATE TABLE beacons("
    "  member BLOB PRIMARY KEY,"
    "  time_ms INTEGER NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  raw BLOB NOT NULL"
    ") WITHOUT ROWID;",
    /* 4 -> 5: publishes waiting for the own feed's head to be confirmed (pending.h) */
    "CREATE TABLE pending("
    "  n INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  content BLOB NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  done_ms INTEGER,"
    "  entry_id BLOB,"
    "  seq INTEGER,"
    "  refused TEXT"
    ");",
};

sqlite3 *store_db(struct store *s)
{
    return s->db;
}

/* What a user can act on for the errors that come from the disk rather than from a bug. */
static const char *disk_errmsg(sqlite3 *db)
{
    switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_FULL:
        return "the disk is full (free space where the database is; nothing was lost)";
    case SQLITE_READONLY:
        return "the database is read-only (make its file system and file writable again)";
    case SQLITE_IOERR:
        return "disk I/O error (check the disk and the kernel log)";
    case SQLITE_CANTOPEN:
        return "cannot open a database file (check the directory's permissions and space)";
    default:
        return sqlite3_errmsg(db);
    }
}

const char *store_errmsg(struct store *s)
{
    return disk_errmsg(s->db);
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql)
{
    /* open addressing on the address of the text */
    size_t i = ((uintptr_t)sql >> 3) * 2654435761u % STMT_CACHE;
    while (s->cache[i].sql && s->cache[i].sql != sql) i = (i + 1) % STMT_CACHE;
    if (s->cache[i].sql) {
        sqlite3_reset(s->cache[i].stmt);
        sqlite3_clear_bindings(s->cache[i].stmt);
        return s->cache[i].stmt;
    }
    if (s->ncache >= STMT_CACHE * 3 / 4) return NULL; /* more call sites than slots: a bug */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    s->cache[i].sql = sql;
    s->cache[i].stmt = st;
    s->ncache++;
    return st;
}

static int exec(struct store *s, const char *sql, struct errbuf *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(s->db) & 0xff;
        int disk = code == SQLITE_FULL || code == SQLITE_READONLY || code == SQLITE_IOERR ||
                   code == SQLITE_CANTOPEN;
        errbuf_set(err, "database %s: %s", s->path, disk || !msg ? disk_errmsg(s->db) : msg);
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The value of an integer PRAGMA ("PRAGMA user_version"), -1 if it cannot be read. */
static int pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int user_version(struct store *s)
{
    return pragma_int(s->db, "PRAGMA user_version");
}

static int migrate(struct store *s, struct errbuf *err)
{
    int v = user_version(s);
    if (v < 0)
        return errbuf_set(err, "database %s: cannot read its version: %s", s->path,
                          sqlite3_errmsg(s->db));
    if (v > STORE_SCHEMA_VERSION)
        return errbuf_set(err,
                          "database %s has schema version %d, newer than this ekonetd "
                          "understands (%d); upgrade ekonetd",
                          s->path, v, STORE_SCHEMA_VERSION);
    for (; v < STORE_SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d;", v + 1);
        if (exec(s, "BEGIN IMMEDIATE", err) < 0) return -1;
        if (exec(s, migrations[v], err) < 0 || exec(s, bump, err) < 0) {
            exec(s, "ROLLBACK", NULL);
            return -1;
        }
        if (exec(s, "COMMIT", err) < 0) return -1;
    }
    return 0;
}

static void *checkpoint_main(void *arg)
{
    struct checkpointer *c = arg;
    prctl(PR_SET_NAME, "ekonet-wal"); /* as top -H and /proc show it */
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        if (c->finished == c->asked) {
            pthread_cond_wait(&c->wake, &c->mu);
            continue;
        }
        uint64_t pass = c->asked;
        pthread_mutex_unlock(&c->mu);
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->finished = pass;
        pthread_cond_broadcast(&c->done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* After every commit: the WAL holds `frames` pages. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct checkpointer *c = arg;
    (void)db;
    (void)name;
    if (frames < c->frames) return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    uint64_t pass = ++c->asked;
    pthread_cond_signal(&c->wake);
    while (frames >= WAL_BEHIND * c->frames && c->finished < pass && !c->stop)
        pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

static void checkpointer_free(struct checkpointer *c)
{
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static void checkpointer_stop(struct store *s)
{
    struct checkpointer *c = s->ckpt;
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->wake);
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_wal_hook(s->db, NULL, NULL);
    checkpointer_free(c);
    s->ckpt = NULL;
}

/* Without the thread (it could not start), SQLite checkpoints inside commits, as by default. */
static void checkpointer_start(struct store *s)
{
    int page = pragma_int(s->db, "PRAGMA page_size");
    int frames = WAL_CHECKPOINT_BYTES / (page > 0 ? page : 4096);
    sqlite3_wal_autocheckpoint(s->db, frames);
    struct checkpointer *c = calloc(1, sizeof *c);
    if (!c) return;
    c->frames = frames;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->done, NULL);
    /* it reads the database once, to see that it is in WAL mode */
    if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
        checkpointer_free(c);
        return;
    }
    s->ckpt = c;
    sqlite3_wal_hook(s->db, wal_hook, c); /* replaces the automatic checkpoint */
}

/* SQLite counts the memory it allocates under a global mutex, one lock per malloc and free
   unless this is turned off before SQLite starts; nothing here reads those counts. */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *store_open(const char *path, struct errbuf *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        errbuf_set(err, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        errbuf_set(err, "cannot open database %s: %s", path,
                   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    s->durable = 1;
    if (exec(s,
             /* New databases use 16 KB pages: a commit writes fewer, larger WAL frames (each
                two system calls). An existing database keeps its own. */
             "PRAGMA page_size=16384;"
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
             "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192;"
             /* erased content (redactions) is overwritten, not left in free pages */
             "PRAGMA secure_delete=ON;",
             err) < 0)
        goto fail;
    if (migrate(s, err) < 0 || project_setup(s, err) < 0) goto fail;
    checkpointer_start(s);
    return s;
fail:
    store_destroy(&s);
    return NULL;
}

struct store *store_open_readonly(const char *path, struct errbuf *err)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        errbuf_set(err, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        errbuf_set(err, "cannot open database %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "?");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (user_version(s) != STORE_SCHEMA_VERSION) {
        errbuf_set(err, "database %s is not of this ekonetd's schema version %d", path,
                   STORE_SCHEMA_VERSION);
        goto fail;
    }
    return s;
fail:
    store_destroy(&s);
    return NULL;
}

void store_destroy(struct store **ps)
{
    if (!ps || !*ps) return;
    struct store *s = *ps;
    checkpointer_stop(s);
    for (int i = 0; i < STMT_CACHE; i++) sqlite3_finalize(s->cache[i].stmt);
    if (s->db) sqlite3_close(s->db);
    free(s->path);
    free(s);
    *ps = NULL;
}

/* Inside a transaction, a begin opens a savepoint: the inner part can be rolled back alone. */
int store_begin(struct store *s, struct errbuf *err)
{
    if (s->depth > 0 && sqlite3_get_autocommit(s->db)) s->depth = 0; /* SQLite rolled it back */
    if (exec(s, s->depth ? "SAVEPOINT inner" : "BEGIN IMMEDIATE", err) < 0) return -1;
    s->depth++;
    return 0;
}

int store_commit(struct store *s, struct errbuf *err)
{
    if (sqlite3_get_autocommit(s->db)) { /* an error inside made SQLite roll it all back */
        s->depth = 0;
        errbuf_set(err, "database %s: %s", s->path, disk_errmsg(s->db));
        return -1;
    }
    if (s->depth > 1) {
        if (exec(s, "RELEASE inner", err) < 0) {
            store_rollback(s);
            return -1;
        }
        s->depth--;
        return 0;
    }
    s->depth = 0;
    if (exec(s, "COMMIT", err) == 0) return 0;
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

void store_rollback(struct store *s)
{
    if (s->depth > 1 && !sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK TO inner; RELEASE inner", NULL, NULL, NULL);
        s->depth--;
        return;
    }
    if (sqlite3_get_autocommit(s->db)) { /* nothing open (SQLite may have ended it) */
        s->depth = 0;
        return;
    }
    s->depth = 0;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_checkpoint(struct store *s)
{
    return sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) ==
                   SQLITE_OK
               ? 0
               : -1;
}

void store_release_memory(struct store *s)
{
    sqlite3_db_release_memory(s->db);
}

void store_set_durable(struct store *s, int full)
{
    if (s->durable == full) return;
    sqlite3_exec(s->db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL, NULL,
                 NULL);
    s->durable = full;
}

static const char SQL_HEAD[] = "SELECT head_seq, head_id, fork_seq FROM feeds WHERE author=?1";

static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key=?1";
static const char SQL_META_SET[] = "INSERT OR REPLACE INTO meta VALUES(?1, ?2)";
static const char SQL_META_DELETE[] = "DELETE FROM meta WHERE key=?1";

int store_meta_get(struct store *s, const char *key, int64_t *value)
{
    sqlite3_stmt *st = store_stmt(s, SQL_META_GET);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *value = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Runs a one-row statement on key (and value, when set is 1). 0 or -1. */
static int meta_write(struct store *s, const char *sql, const char *key, int set, int64_t value)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (set) sqlite3_bind_int64(st, 2, value);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_meta_set(struct store *s, const char *key, int64_t value)
{
    return meta_write(s, SQL_META_SET, key, 1, value);
}

int store_meta_delete(struct store *s, const char *key)
{
    return meta_write(s, SQL_META_DELETE, key, 0, 0);
}

int store_head(struct store *s, const uint8_t author[KEY_SIZE], struct feed_head *h)
{
    memset(h, 0, sizeof *h);
    sqlite3_stmt *st = store_stmt(s, SQL_HEAD);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        h->seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == ID_SIZE)
            memcpy(h->id, sqlite3_column_blob(st, 1), ID_SIZE);
        h->fork_seq = (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_PUT[] =
    "INSERT INTO entries(id, author, seq, kind, ts, header, sigs, content, received)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_MOVE_HEAD[] =
    "INSERT INTO feeds(author, head_seq, head_id) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(author) DO UPDATE SET head_seq=excluded.head_seq, head_id=excluded.head_id";

int store_put(struct store *s, const struct entry *e, int64_t *n)
{
    size_t siglen;
    uint8_t *sigs = entry_pack_sigs(e, &siglen);
    sqlite3_stmt *st = store_stmt(s, SQL_PUT);
    if (!sigs || !st) {
        free(sigs);
        return -1;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    sqlite3_bind_blob(st, 1, e->id, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 4, e->kind);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->timestamp_ms);
    sqlite3_bind_blob(st, 6, e->header, (int)e->header_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, sigs, (int)siglen, SQLITE_STATIC);
    if (e->content)
        sqlite3_bind_blob(st, 8, e->content, (int)e->content_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(sigs);
    if (rc != SQLITE_DONE) return -1;
    *n = sqlite3_last_insert_rowid(s->db);

    st = store_stmt(s, SQL_MOVE_HEAD);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, e->author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->seq);
    sqlite3_bind_blob(st, 3, e->id, ID_SIZE, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The earliest proven fork of a feed is the one that counts; a feed may be forked before any
   of its entries arrived here (a proof from a peer), hence the insert. */
static const char SQL_FORK[] =
    "INSERT INTO feeds(author, head_seq, head_id, fork_seq) VALUES(?1, 0, zeroblob(32), ?2)"
    " ON CONFLICT(author) DO UPDATE SET fork_seq=CASE WHEN fork_seq=0 OR fork_seq>excluded.fork_seq"
    " THEN excluded.fork_seq ELSE fork_seq END";

int store_mark_fork(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORK);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Builds an entry from a row of (header, sigs, content). */
static int row_entry(sqlite3_stmt *st, struct entry **out)
{
    const void *content = sqlite3_column_blob(st, 2);
    int clen = sqlite3_column_bytes(st, 2);
    int null = sqlite3_column_type(st, 2) == SQLITE_NULL;
    static const uint8_t empty[1];
    return entry_from_parts(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                            sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                            null ? NULL : (content ? content : empty), (size_t)clen,
                            out) == ENTRY_OK
               ? 0
               : -1;
}

static int get_one(sqlite3_stmt *st, struct entry **out)
{
    *out = NULL;
    int rc = sqlite3_step(st), res;
    if (rc == SQLITE_ROW)
        res = row_entry(st, out) == 0 ? 1 : -1;
    else
        res = rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return res;
}

static const char SQL_GET[] = "SELECT header, sigs, content FROM entries WHERE id=?1";
static const char SQL_GET_SEQ[] =
    "SELECT header, sigs, content FROM entries WHERE author=?1 AND seq=?2";

int store_get(struct store *s, const uint8_t id[ID_SIZE], struct entry **out)
{
    sqlite3_stmt *st = store_stmt(s, SQL_GET);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    return get_one(st, out);
}

int store_get_seq(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq, struct entry **out)
{
    sqlite3_stmt *st = store_stmt(s, SQL_GET_SEQ);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    return get_one(st, out);
}

static const char SQL_RESOLVE[] = "SELECT id FROM entries WHERE id BETWEEN ?1 AND ?2 LIMIT 2";

int store_resolve(struct store *s, const char *prefix, uint8_t id[ID_SIZE])
{
    return store_resolve_in(s, SQL_RESOLVE, prefix, id);
}

int store_resolve_in(struct store *s, const char *sql, const char *prefix, uint8_t id[ID_SIZE])
{
    char lo[ID_HEX], hi[ID_HEX];
    size_t n = strlen(prefix);
    if (!hex_is_prefix(prefix, 2 * ID_SIZE)) return 0;
    memset(lo, '0', 2 * ID_SIZE);
    memset(hi, 'f', 2 * ID_SIZE);
    memcpy(lo, prefix, n); /* NOLINT(bugprone-not-null-terminated-result): ended below */
    memcpy(hi, prefix, n); /* NOLINT(bugprone-not-null-terminated-result): ended below */
    lo[2 * ID_SIZE] = hi[2 * ID_SIZE] = '\0';
    uint8_t blo[ID_SIZE], bhi[ID_SIZE];
    hex_decode(blo, ID_SIZE, lo);
    hex_decode(bhi, ID_SIZE, hi);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, blo, ID_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, bhi, ID_SIZE, SQLITE_STATIC);
    int found = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (found++ == 0 && sqlite3_column_bytes(st, 0) == ID_SIZE)
            memcpy(id, sqlite3_column_blob(st, 0), ID_SIZE);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return -1;
    return found > 1 ? 2 : found;
}

static const char SQL_COUNTS[] =
    "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM feeds WHERE head_seq>0)";

int store_counts(struct store *s, uint64_t *entries, uint64_t *feeds)
{
    sqlite3_stmt *st = store_stmt(s, SQL_COUNTS);
    if (!st || sqlite3_step(st) != SQLITE_ROW) return -1;
    *entries = (uint64_t)sqlite3_column_int64(st, 0);
    *feeds = (uint64_t)sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return 0;
}

uint64_t store_bytes(struct store *s)
{
    char wal[4096];
    struct stat st;
    uint64_t total = 0;
    if (stat(s->path, &st) == 0) total += (uint64_t)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    if (stat(wal, &st) == 0) total += (uint64_t)st.st_size;
    return total;
}

static const char SQL_HAS_ID[] = "SELECT 1 FROM entries WHERE id=?1";

int store_has_id(struct store *s, const uint8_t id[ID_SIZE])
{
    sqlite3_stmt *st = store_stmt(s, SQL_HAS_ID);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, id, ID_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_ID_AT[] = "SELECT id FROM entries WHERE author=?1 AND seq=?2";

int store_id_at(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq, uint8_t id[ID_SIZE])
{
    if (seq >= (uint64_t)INT64_MAX) return 0; /* no entry lies there (store_range) */
    sqlite3_stmt *st = store_stmt(s, SQL_ID_AT);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ID_SIZE) {
        memcpy(id, sqlite3_column_blob(st, 0), ID_SIZE);
        found = 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

static const char SQL_FEEDS[] = "SELECT author, head_seq, head_id, fork_seq FROM feeds";

int store_feeds(struct store *s,
                void (*fn)(void *ctx, const uint8_t author[KEY_SIZE], const struct feed_head *h),
                void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FEEDS);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct feed_head h = {
            (uint64_t)sqlite3_column_int64(st, 1), {0}, (uint64_t)sqlite3_column_int64(st, 3)};
        if (sqlite3_column_bytes(st, 2) == ID_SIZE)
            memcpy(h.id, sqlite3_column_blob(st, 2), ID_SIZE);
        if (sqlite3_column_bytes(st, 0) == KEY_SIZE) fn(ctx, sqlite3_column_blob(st, 0), &h);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_RANGE[] = "SELECT header, sigs, content FROM entries"
                                " WHERE author=?1 AND seq>=?2 AND seq<?3 ORDER BY seq";

int store_range(struct store *s, const uint8_t author[KEY_SIZE], uint64_t from, uint32_t limit,
                int (*fn)(void *ctx, const struct entry *e), void *ctx)
{
    /* seq is a signed 64-bit integer in SQLite: no entry lies beyond INT64_MAX, and the end of
       the range is clamped there so that from + limit can neither wrap nor turn negative */
    if (from >= (uint64_t)INT64_MAX) return 0;
    sqlite3_stmt *st = store_stmt(s, SQL_RANGE);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
    uint64_t to = from < (uint64_t)INT64_MAX - limit ? from + limit : (uint64_t)INT64_MAX;
    sqlite3_bind_int64(st, 3, (sqlite3_int64)to);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct entry *e;
        if (row_entry(st, &e) < 0) break;
        int stop = fn(ctx, e);
        entry_destroy(&e);
        n++;
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

static const char SQL_FORK_ADD[] =
    "INSERT OR IGNORE INTO forks(author, seq, a, b, detected) VALUES(?1, ?2, ?3, ?4, ?5)";

int store_fork_add(struct store *s, const uint8_t author[KEY_SIZE], uint64_t seq, const uint8_t *a,
                   size_t alen, const uint8_t *b, size_t blen)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORK_ADD);
    if (!st) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    sqlite3_bind_blob(st, 1, author, KEY_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    sqlite3_bind_blob(st, 3, a, (int)alen, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, b, (int)blen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return -1;
    return sqlite3_changes(s->db) > 0;
}

static const char SQL_FORKS[] =
    "SELECT author, seq, a, b, detected FROM forks ORDER BY detected DESC";

int store_forks(struct store *s,
                void (*fn)(void *ctx, const uint8_t author[KEY_SIZE], uint64_t seq,
                           const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                           uint64_t detected_ms),
                void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, SQL_FORKS);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_bytes(st, 0) == KEY_SIZE)
            fn(ctx, sqlite3_column_blob(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
               sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
               sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
               (uint64_t)sqlite3_column_int64(st, 4));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
