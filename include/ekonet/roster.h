/*
 * roster: the board feed replayed. It says who the board is (keys and threshold k), who is a
 * member (admitted, not revoked), and which indicator catalogue is in force. It decides who
 * may complete a CURVE handshake and whose entries are accepted.
 *
 * The roster lives in projection tables (network, board_keys, members, catalogue_in_force)
 * written as board entries are accepted, and in memory as sorted arrays for the lookups on
 * every handshake and every entry. roster_reload refreshes the memory from the tables.
 */
#ifndef EKONET_ROSTER_H
#define EKONET_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/board.h"
#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

struct store;

#define ROSTER_SCHEMA                                                                              \
    "CREATE TABLE IF NOT EXISTS network(one INTEGER PRIMARY KEY CHECK(one=1), id BLOB NOT NULL,"   \
    " name TEXT NOT NULL, threshold INTEGER NOT NULL, board_seq INTEGER NOT NULL,"                 \
    " created_ms INTEGER NOT NULL);"                                                               \
    "CREATE TABLE IF NOT EXISTS board_keys(key BLOB PRIMARY KEY) WITHOUT ROWID;"                   \
    "CREATE TABLE IF NOT EXISTS members(key BLOB PRIMARY KEY, curve BLOB NOT NULL,"                \
    " name TEXT NOT NULL, code TEXT NOT NULL, kind INTEGER NOT NULL, status INTEGER NOT NULL,"     \
    " admitted_ms INTEGER NOT NULL, admitted_seq INTEGER NOT NULL, decision TEXT NOT NULL,"        \
    " application BLOB, revoked_ms INTEGER, revoked_seq INTEGER, reason TEXT,"                     \
    " last_seq INTEGER, member BLOB NOT NULL, gen INTEGER NOT NULL DEFAULT 0, successor BLOB,"     \
    " succession INTEGER) WITHOUT ROWID;"                                                          \
    "CREATE INDEX IF NOT EXISTS members_member ON members(member, gen);"                           \
    "CREATE TABLE IF NOT EXISTS catalogue_in_force(one INTEGER PRIMARY KEY CHECK(one=1),"          \
    " seq INTEGER NOT NULL, revision TEXT NOT NULL, content BLOB NOT NULL);"
#define ROSTER_DROP                                                                                \
    "DROP TABLE IF EXISTS network; DROP TABLE IF EXISTS board_keys;"                               \
    "DROP TABLE IF EXISTS members; DROP TABLE IF EXISTS catalogue_in_force;"

/*
 * The keys of the member that the key bound as p belongs to, as rows (key, gen): its first key
 * has gen 0, each successor one more. A key the roster does not know (a node outside any
 * network) stands for itself alone. For "IN (...)" and joins in the views' queries.
 */
#define ROSTER_KEYS_OF(p)                                                                          \
    "SELECT key, gen FROM members WHERE member=(SELECT member FROM members WHERE key=" p ")"       \
    " UNION ALL SELECT " p ", 0 WHERE NOT EXISTS (SELECT 1 FROM members WHERE key=" p ")"

/* A key with a successor is revoked (MEMBER_REVOKED) and has has_successor set. */
enum member_status { MEMBER_ADMITTED = 1, MEMBER_REVOKED = 2 };

/* Longest chain of successions followed (a member changing its key once a year for 1000 years;
   a longer chain is cut there rather than looped over). */
#define ROSTER_CHAIN_MAX 1000

struct member {
    uint8_t key[KEY_SIZE];
    uint8_t curve[KEY_SIZE];
    char name[128];
    char code[8];
    int kind;   /* Ekonet__MemberKind */
    int status; /* enum member_status */
    uint64_t admitted_ms, admitted_seq;
    uint64_t last_seq;      /* when revoked: entries up to this seq stay accepted */
    uint8_t root[KEY_SIZE]; /* the member's first key: the same for all its keys */
    uint32_t gen;           /* 0 for the first key, one more for each successor */
    int has_successor;      /* the key was succeeded by successor (and is revoked) */
    uint8_t successor[KEY_SIZE];
    int succession; /* has_successor: Ekonet__SuccessionReason */
};

struct roster {
    int joined; /* a charter is stored: the node belongs to a network */
    uint8_t network[ID_SIZE];
    char name[NETWORK_NAME_MAX + 8];
    uint32_t threshold;
    uint8_t board[BOARD_MAX_KEYS][KEY_SIZE];
    size_t nboard;
    uint64_t board_seq;
    struct member *members; /* sorted by key */
    size_t nmembers;
    struct member **by_curve; /* the same members, sorted by CURVE key */
    size_t nrevoked;
};

/* Loads the roster from the store. NULL with err on failure. */
struct roster *roster_load(struct store *s, struct errbuf *err);

/* Re-reads the roster from the store into r (inside or outside a transaction). 0 or -1. */
int roster_reload(struct roster *r, struct store *s);

/* Frees r and nulls the caller's pointer. */
void roster_destroy(struct roster **r);

/* The member with this node key or CURVE key (borrowed until the next reload), or NULL. */
const struct member *roster_member(const struct roster *r, const uint8_t key[KEY_SIZE]);
const struct member *roster_member_by_curve(const struct roster *r, const uint8_t curve[KEY_SIZE]);

/* The member's current key for any of its keys: the end of key's chain of successors (at most
   ROSTER_CHAIN_MAX steps), or NULL if key is not in the roster. Borrowed like roster_member. */
const struct member *roster_current(const struct roster *r, const uint8_t key[KEY_SIZE]);

/* True if a and b are keys of one member (or the same key). */
int roster_same_member(const struct roster *r, const uint8_t a[KEY_SIZE],
                       const uint8_t b[KEY_SIZE]);

/* ENTRY_OK, ENTRY_NOT_MEMBER or ENTRY_REVOKED for an entry of author at seq. */
int roster_may_author(const struct roster *r, const uint8_t author[KEY_SIZE], uint64_t seq);

/* Counts the signatures of e by distinct keys among keys[0..n) that verify. */
size_t roster_count_signatures(const struct entry *e, const uint8_t (*keys)[KEY_SIZE], size_t n);

/* A key a member had before its current one, as `ekonet members` shows it. */
struct former_key {
    uint8_t key[KEY_SIZE];
    uint64_t last_seq;    /* its entries up to this seq are the member's */
    uint64_t replaced_ms; /* the board's succession act */
    int succession;       /* Ekonet__SuccessionReason */
};

#define ROSTER_FORMER_MAX 16 /* former keys listed with a member (older ones are counted) */

/* A member as `ekonet members` shows it; strings borrowed for the duration of the callback. */
struct member_row {
    uint8_t key[KEY_SIZE];
    const char *name, *code, *decision, *reason; /* reason NULL unless revoked */
    int kind, status;
    uint64_t admitted_ms, admitted_seq, revoked_ms, last_seq;
    uint64_t head_seq;          /* how much of its feed this node holds */
    const uint8_t *application; /* SignedApplication bytes, or NULL */
    size_t application_len;
    struct former_key former[ROSTER_FORMER_MAX]; /* newest first */
    size_t nformer, former_total;                /* listed, and all there are */
};

/* Calls fn for every member, admitted or revoked, by name: once, with its current key and its
   former keys. 0 or -1. */
int roster_list(struct store *s, void (*fn)(void *ctx, const struct member_row *r), void *ctx);

/* Applies a board entry (CHARTER, ADMIT, REVOKE, CATALOGUE, SUCCEED) to the roster tables.
   0 or -1. */
int roster_project(struct store *s, const struct entry *e, int64_t n);

#endif
