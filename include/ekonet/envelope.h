/*
 * envelope: a contact request or reply on its way from one member to another
 * (docs/PROTOCOL.md section 8).
 *
 *   Envelope  { bytes header; bytes sig; bytes box; }
 *   id        = BLAKE2b-256(header bytes)
 *   sig       = Ed25519 by header.from over "ekonet-envelope-v1" || header bytes
 *   box       = 24-byte nonce || crypto_box_easy(content, nonce, to's X25519, from's X25519)
 *
 * Any node can check an envelope (network, times, signature, box hash) without reading it;
 * only the recipient can open the box. The recipient answers with an Ack, signed the same way
 * under "ekonet-ack-v1", that travels back to the sender and makes relays drop their copies.
 *
 * As with entries, headers are kept as the bytes that were signed and never re-encoded.
 */
#ifndef EKONET_ENVELOPE_H
#define EKONET_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/errbuf.h"
#include "ekonet/key.h"

#define ENVELOPE_DOMAIN       "ekonet-envelope-v1"
#define ACK_DOMAIN            "ekonet-ack-v1"
#define ENVELOPE_MAX_HEADER   512
#define ENVELOPE_MAX_BOX      (64 * 1024) /* nonce and MAC included */
#define ENVELOPE_MAX          (ENVELOPE_MAX_BOX + ENVELOPE_MAX_HEADER + 128)
#define ACK_MAX               512
#define ENVELOPE_NONCE        16
#define BOX_NONCE             24
#define BOX_MAC               16
#define ENVELOPE_DAY_MS       86400000ull
#define ENVELOPE_LIFETIME     (30 * ENVELOPE_DAY_MS) /* default */
#define ENVELOPE_LIFETIME_MAX (90 * ENVELOPE_DAY_MS)
#define ENVELOPE_SKEW_MS      (10 * 60000ull) /* how far in the future created_ms may lie */

enum envelope_kind { ENVELOPE_REQUEST = 1, ENVELOPE_REPLY = 2 };

/* Why an envelope or an ack was refused; each has a sentence and a metric label. */
enum envelope_status {
    ENV_OK = 0,
    ENV_MALFORMED,     /* not an Envelope (or Ack), or a field of the wrong size */
    ENV_TOO_LARGE,     /* beyond ENVELOPE_MAX or ACK_MAX */
    ENV_WRONG_NETWORK, /* names another network */
    ENV_EXPIRED,       /* expires_ms has passed */
    ENV_BAD_TIME,      /* created in the future, or a lifetime beyond 90 days */
    ENV_BAD_SIGNATURE, /* the sender's (or acknowledger's) signature does not verify */
    ENV_BAD_BOX,       /* the box does not hash to box_hash */
    ENV_NOT_MEMBER,    /* sender or recipient is not an admitted member */
    ENV_UNREADABLE,    /* addressed here, but the box does not open or its content is invalid */
    ENV_STATUS_COUNT
};

/* A decoded envelope: raw is the caller's bytes, header, sig and box point into msg. */
struct envelope {
    uint8_t id[ID_SIZE];
    uint8_t network[ID_SIZE], from[KEY_SIZE], to[KEY_SIZE];
    uint32_t kind;
    uint64_t created_ms, expires_ms;
    uint8_t box_hash[ID_SIZE];
    int has_reply_to;
    uint8_t in_reply_to[ID_SIZE];
    const uint8_t *raw, *header, *sig, *box;
    size_t raw_len, header_len, box_len;
    void *msg; /* the unpacked Envelope; envelope_clear frees it */
};

/* A decoded acknowledgement: from (the recipient) received envelope, sent by to. */
struct ack {
    uint8_t network[ID_SIZE], envelope[ID_SIZE], from[KEY_SIZE], to[KEY_SIZE];
    uint64_t expires_ms;
    const uint8_t *raw, *header, *sig;
    size_t raw_len, header_len;
    void *msg; /* the unpacked Ack; ack_clear frees it */
};

const char *envelope_status_str(int status);
const char *envelope_status_label(int status);

/*
 * Seals content for member `to` from key k: builds, signs and encodes an envelope that expires
 * at expires_ms. in_reply_to is NULL for a request. *raw is malloc'd. 0 or -1 with err.
 */
int envelope_seal(const struct node_key *k, const uint8_t network[ID_SIZE],
                  const uint8_t to[KEY_SIZE], uint32_t kind, const uint8_t *in_reply_to,
                  uint64_t created_ms, uint64_t expires_ms, const uint8_t *content, size_t len,
                  uint8_t **raw, size_t *raw_len, struct errbuf *err);

/*
 * Decodes raw into e (shape only, no crypto): sizes of every field, the kind. ENV_OK,
 * ENV_TOO_LARGE or ENV_MALFORMED. Call envelope_clear after ENV_OK; a refusal holds nothing
 * (clearing it anyway is harmless).
 */
int envelope_decode(const uint8_t *raw, size_t len, struct envelope *e);
void envelope_clear(struct envelope *e);

/* Checks a decoded envelope: network, times against now, box hash, signature. */
int envelope_check(const struct envelope *e, const uint8_t network[ID_SIZE], uint64_t now_ms);

/* Opens the box of an envelope addressed to k. *out is malloc'd. 0, or -1 if it does not open. */
int envelope_open(const struct envelope *e, const struct node_key *k, uint8_t **out, size_t *len);

/* Makes the signed ack of envelope e (addressed to k). *raw is malloc'd. 0 or -1. */
int ack_make(const struct node_key *k, const struct envelope *e, uint8_t **raw, size_t *raw_len);

/* Decodes an ack (shape only); ENV_OK, ENV_TOO_LARGE or ENV_MALFORMED. Then ack_clear. */
int ack_decode(const uint8_t *raw, size_t len, struct ack *a);
void ack_clear(struct ack *a);

/* Checks a decoded ack: network, expiry (not past, not beyond 90 days), signature. */
int ack_check(const struct ack *a, const uint8_t network[ID_SIZE], uint64_t now_ms);

/* Limits of what the sealed messages carry. */
#define CONTACT_MAX_SUBJECT 200
#define CONTACT_MAX_MESSAGE 20000
#define CONTACT_MAX_NAME    120
#define CONTACT_MAX_ABOUT   120

/* Checks a request's and a reply's fields; 0 or -1 with a sentence naming the field. */
int contact_request_validate(const Ekonet__ContactRequest *r, struct errbuf *err);
int contact_reply_validate(const Ekonet__ContactReply *r, struct errbuf *err);

/* Role names: "politician", "official", "either"; parse returns 0 for an unknown name. */
const char *contact_role_str(int role);
int contact_role_parse(const char *s);

/* Answer names: "accept", "decline", "answer". */
const char *contact_answer_str(int answer);

#endif
