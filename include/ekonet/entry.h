/*
 * entry: the signed unit of every feed (DESIGN section 3).
 *
 *   Entry       { bytes header; repeated Signature sigs; optional bytes content; }
 *   entry id  = BLAKE2b-256(header bytes)
 *   signature = Ed25519 over "ekonet-entry-v1" || header bytes
 *
 * The header is kept as the exact bytes that were signed: protobuf does not promise a
 * byte-identical re-encoding, so a header is never re-encoded after it is made. Decoding
 * parses it (bounded to ENTRY_MAX_HEADER bytes) so that its fields can be checked, but every
 * check and every hash runs over the raw bytes.
 *
 * Checks come in three layers, each with its own refusal reasons:
 *   entry_decode        shape: sizes, field lengths (no crypto)
 *   entry_check         self-contained: network, signatures, content hash and size
 *   entry_check_chain   against the author's head: seq = head+1, prev = head id
 * and, once an entry passes every other check, entry_check_time against the receiver's clock.
 */
#ifndef EKONET_ENTRY_H
#define EKONET_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/key.h"

#define ENTRY_DOMAIN     "ekonet-entry-v1"
#define ENTRY_MAX_HEADER 512
#define ENTRY_MAX_SIGS   32

/* An entry dated more than this ahead of the receiver's clock is not accepted yet: it is refused
   as ENTRY_FUTURE and accepted when its time comes (docs/PROTOCOL.md section 2.3). Lists show
   reports newest first, and without a bound an author's clock could keep one on top forever;
   a day is more than an honest clock is off, even one set to local time instead of UTC. */
#define ENTRY_FUTURE_MAX_MS (24 * 3600 * 1000ull)

/* Why an entry was refused. Each has a sentence (entry_status_str) and a metric label. */
enum entry_status {
    ENTRY_OK = 0,
    ENTRY_MALFORMED,         /* bytes are not an Entry */
    ENTRY_TOO_LARGE,         /* the encoded entry exceeds the limit */
    ENTRY_BAD_HEADER,        /* header missing a field or a field of the wrong size */
    ENTRY_WRONG_NETWORK,     /* header names another network */
    ENTRY_BAD_SIGNATURE,     /* a signature does not verify over the header */
    ENTRY_WRONG_KEY,         /* signed by someone other than the author */
    ENTRY_DUPLICATE,         /* already have it */
    ENTRY_GAP,               /* seq beyond head+1: earlier entries missing */
    ENTRY_BAD_PREV,          /* prev is not the id of the author's head */
    ENTRY_FORK,              /* another entry already holds this author and seq */
    ENTRY_CONTENT_HASH,      /* content does not hash to content_hash */
    ENTRY_CONTENT_SIZE,      /* content length differs from content_size */
    ENTRY_CONTENT_TOO_LARGE, /* content_size exceeds the limit */
    ENTRY_CONTENT_MISSING,   /* content needed but absent */
    ENTRY_CONTENT_INVALID,   /* content does not decode or validate for its kind */
    ENTRY_UNKNOWN_KIND,
    ENTRY_NOT_MEMBER,     /* author not admitted to the network */
    ENTRY_REVOKED,        /* author revoked before this seq */
    ENTRY_FEW_SIGNATURES, /* board act signed by fewer than k current board keys */
    ENTRY_QUARANTINED,    /* feed stopped after a fork */
    ENTRY_FUTURE,         /* dated more than ENTRY_FUTURE_MAX_MS ahead: not yet, not an error */
    ENTRY_STATUS_COUNT
};

struct entry_sig {
    uint8_t key[KEY_SIZE];
    uint8_t sig[SIG_SIZE];
};

struct entry {
    uint8_t id[ID_SIZE];
    /* header fields, parsed from header[] */
    uint8_t network[ID_SIZE];
    uint8_t author[KEY_SIZE];
    uint64_t seq;
    uint8_t prev[ID_SIZE]; /* zero when seq = 1 */
    uint64_t timestamp_ms;
    uint32_t kind;
    uint8_t content_hash[ID_SIZE];
    uint64_t content_size;
    /* raw parts */
    uint8_t *header;
    size_t header_len;
    struct entry_sig *sigs;
    size_t nsigs;
    uint8_t *content; /* NULL when detached */
    size_t content_len;
    int checked; /* 0, or 1 + the result of entry_check when a checker ran it (checker.h) */
};

/* Sentence for a status, e.g. "bad signature". */
const char *entry_status_str(int status);

/* Metric label for a status, e.g. "bad_signature". */
const char *entry_status_label(int status);

/* Builds an unsigned entry with its header bytes and id; prev is NULL for seq 1. Caller owns. */
struct entry *entry_new(const uint8_t network[ID_SIZE], const uint8_t author[KEY_SIZE],
                        uint64_t seq, const uint8_t *prev, uint64_t timestamp_ms, uint32_t kind,
                        const uint8_t *content, size_t content_len);

/* Adds k's signature over the header. 0 or -1 (too many signatures). */
int entry_sign(struct entry *e, const struct node_key *k);

/* Adds a signature made elsewhere (board co-signing); it is checked later like any other. */
int entry_add_sig(struct entry *e, const uint8_t key[KEY_SIZE], const uint8_t sig[SIG_SIZE]);

/* Frees e and nulls the caller's pointer. */
void entry_destroy(struct entry **e);

/* Copies e (header, signatures, content). */
struct entry *entry_dup(const struct entry *e);

/* Decodes untrusted bytes of at most max_len; returns ENTRY_OK and *out, or a refusal. */
int entry_decode(const uint8_t *buf, size_t len, size_t max_len, struct entry **out);

/* Builds an entry from its stored parts (header bytes, packed signatures, content or NULL). */
int entry_from_parts(const uint8_t *header, size_t header_len, const uint8_t *sigs, size_t sigs_len,
                     const uint8_t *content, size_t content_len, struct entry **out);

/* Signatures packed for storage: nsigs * (key || sig). Returns a pointer into a new buffer. */
uint8_t *entry_pack_sigs(const struct entry *e, size_t *len);

/* Encodes e as an Entry message (content left out unless with_content). Caller frees *buf. */
int entry_encode(const struct entry *e, int with_content, uint8_t **buf, size_t *len);

/* Upper bound of an encoded entry whose content is at most max_content bytes. */
size_t entry_max_encoded(size_t max_content);

/* Verifies a signature of e by key (no policy about which keys count). 0 or -1. */
int entry_verify_sig(const struct entry *e, const struct entry_sig *s);

/*
 * Self-contained checks of a member-feed entry: network, exactly one signature which is the
 * author's and verifies, content_size within max_content, and if content is present its
 * size and hash. Returns ENTRY_OK or the first refusal.
 */
int entry_check(const struct entry *e, const uint8_t network[ID_SIZE], size_t max_content);

/* Content checks only (hash, size, limit); used by entry_check and for board entries. */
int entry_check_content(const struct entry *e, size_t max_content);

/* Chain check against the author's head (head_seq 0 = empty feed). */
int entry_check_chain(const struct entry *e, uint64_t head_seq, const uint8_t head_id[ID_SIZE]);

/* ENTRY_OK if e is dated at most ENTRY_FUTURE_MAX_MS after now_ms (any time before is fine),
   else ENTRY_FUTURE. */
int entry_check_time(const struct entry *e, uint64_t now_ms);

/* The earliest time (ms since 1970) at which entry_check_time accepts e. */
uint64_t entry_due_ms(const struct entry *e);

/* How far e is dated ahead of now_ms, in words ("3 hours", "18262 days"), written to buf. */
const char *entry_lead_str(const struct entry *e, uint64_t now_ms, char *buf, size_t size);

#endif
