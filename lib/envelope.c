/*
 * envelope: sealing, checking and opening contact envelopes and their acks. Everything handed
 * to *_decode is untrusted: the size is bounded before unpacking and every field's size is
 * checked after, so the checks that follow can index the fields without looking again.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/envelope.h"
#include "ekonet/hex.h"
#include "ekonet/text.h"
#include "wire.pb-c.h"

static const struct {
    const char *text, *label;
} statuses[ENV_STATUS_COUNT] = {
    [ENV_OK] = {"ok", "ok"},
    [ENV_MALFORMED] = {"malformed envelope", "malformed"},
    [ENV_TOO_LARGE] = {"envelope too large", "too_large"},
    [ENV_WRONG_NETWORK] = {"wrong network", "wrong_network"},
    [ENV_EXPIRED] = {"expired", "expired"},
    [ENV_BAD_TIME] = {"created in the future or living beyond 90 days", "bad_time"},
    [ENV_BAD_SIGNATURE] = {"bad signature", "bad_signature"},
    [ENV_BAD_BOX] = {"box does not match its hash", "bad_box"},
    [ENV_NOT_MEMBER] = {"sender or recipient is not a member", "not_member"},
    [ENV_UNREADABLE] = {"box does not open or holds invalid content", "unreadable"},
};

const char *envelope_status_str(int status)
{
    if (status < 0 || status >= ENV_STATUS_COUNT) return "unknown refusal";
    return statuses[status].text;
}

const char *envelope_status_label(int status)
{
    if (status < 0 || status >= ENV_STATUS_COUNT) return "unknown";
    return statuses[status].label;
}

static ProtobufCBinaryData bin(const void *p, size_t n)
{
    return (ProtobufCBinaryData){n, (uint8_t *)p};
}

/* Packs a signed message (header, sig[, box]) into a malloc'd buffer. */
static int pack_signed(const uint8_t *header, size_t hlen, const uint8_t sig[SIG_SIZE],
                       const uint8_t *box, size_t blen, uint8_t **raw, size_t *raw_len)
{
    if (box) {
        Ekonet__Envelope m = EKONET__ENVELOPE__INIT;
        m.header = bin(header, hlen);
        m.sig = bin(sig, SIG_SIZE);
        m.box = bin(box, blen);
        *raw_len = ekonet__envelope__get_packed_size(&m);
        if (!(*raw = malloc(*raw_len))) return -1;
        ekonet__envelope__pack(&m, *raw);
    } else {
        Ekonet__Ack m = EKONET__ACK__INIT;
        m.header = bin(header, hlen);
        m.sig = bin(sig, SIG_SIZE);
        *raw_len = ekonet__ack__get_packed_size(&m);
        if (!(*raw = malloc(*raw_len))) return -1;
        ekonet__ack__pack(&m, *raw);
    }
    return 0;
}

int envelope_seal(const struct node_key *k, const uint8_t network[ID_SIZE],
                  const uint8_t to[KEY_SIZE], uint32_t kind, const uint8_t *in_reply_to,
                  uint64_t created_ms, uint64_t expires_ms, const uint8_t *content, size_t len,
                  uint8_t **raw, size_t *raw_len, struct errbuf *err)
{
    *raw = NULL;
    size_t blen = BOX_NONCE + BOX_MAC + len;
    if (blen > ENVELOPE_MAX_BOX)
        return errbuf_set(err, "the message is too long (%zu bytes sealed; at most %d)", blen,
                          ENVELOPE_MAX_BOX);
    uint8_t curve[KEY_SIZE];
    if (key_pub_to_curve(curve, to) < 0)
        return errbuf_set(err, "the recipient's node id is not a valid key");
    uint8_t *box = malloc(blen), *header = NULL;
    if (!box) return errbuf_set(err, "out of memory");
    randombytes_buf(box, BOX_NONCE);
    if (crypto_box_easy(box + BOX_NONCE, content, len, box, curve, k->curve_sec) != 0) {
        free(box);
        return errbuf_set(err, "cannot seal the message to the recipient's key");
    }

    uint8_t nonce[ENVELOPE_NONCE], box_hash[ID_SIZE], sig[SIG_SIZE];
    randombytes_buf(nonce, sizeof nonce);
    key_hash(box_hash, box, blen);
    Ekonet__EnvelopeHeader h = EKONET__ENVELOPE_HEADER__INIT;
    h.network = bin(network, ID_SIZE);
    h.from = bin(k->pub, KEY_SIZE);
    h.to = bin(to, KEY_SIZE);
    h.kind = kind;
    h.created_ms = created_ms;
    h.expires_ms = expires_ms;
    h.box_hash = bin(box_hash, ID_SIZE);
    if (in_reply_to) {
        h.has_in_reply_to = 1;
        h.in_reply_to = bin(in_reply_to, ID_SIZE);
    }
    h.nonce = bin(nonce, sizeof nonce);
    size_t hlen = ekonet__envelope_header__get_packed_size(&h);
    int rc = -1;
    if (!(header = malloc(hlen))) goto out;
    ekonet__envelope_header__pack(&h, header);
    key_sign(k, ENVELOPE_DOMAIN, header, hlen, sig);
    rc = pack_signed(header, hlen, sig, box, blen, raw, raw_len);
out:
    free(header);
    free(box);
    if (rc < 0) errbuf_set(err, "out of memory");
    return rc;
}

static int is_id(const ProtobufCBinaryData *b)
{
    return b->len == ID_SIZE;
}

void envelope_clear(struct envelope *e)
{
    if (e->msg) ekonet__envelope__free_unpacked(e->msg, NULL);
    e->msg = NULL;
}

static int decode_envelope(const uint8_t *raw, size_t len, struct envelope *e);

int envelope_decode(const uint8_t *raw, size_t len, struct envelope *e)
{
    int rc = decode_envelope(raw, len, e);
    /* A refusal holds nothing: a caller that clears only what decoded cannot leak. */
    if (rc != ENV_OK) envelope_clear(e);
    return rc;
}

static int decode_envelope(const uint8_t *raw, size_t len, struct envelope *e)
{
    memset(e, 0, sizeof *e);
    if (len > ENVELOPE_MAX) return ENV_TOO_LARGE;
    Ekonet__Envelope *m = ekonet__envelope__unpack(NULL, len, raw);
    if (!m) return ENV_MALFORMED;
    e->msg = m;
    if (m->header.len == 0 || m->header.len > ENVELOPE_MAX_HEADER || m->sig.len != SIG_SIZE ||
        m->box.len < BOX_NONCE + BOX_MAC || m->box.len > ENVELOPE_MAX_BOX)
        return ENV_MALFORMED;
    Ekonet__EnvelopeHeader *h =
        ekonet__envelope_header__unpack(NULL, m->header.len, m->header.data);
    if (!h) return ENV_MALFORMED;
    int rc = ENV_MALFORMED;
    if (!is_id(&h->network) || !is_id(&h->from) || !is_id(&h->to) || !is_id(&h->box_hash) ||
        h->nonce.len != ENVELOPE_NONCE || (h->has_in_reply_to && !is_id(&h->in_reply_to)))
        goto out;
    if (h->kind != ENVELOPE_REQUEST && h->kind != ENVELOPE_REPLY) goto out;
    if ((h->kind == ENVELOPE_REPLY) != (h->has_in_reply_to != 0)) goto out;
    if (memcmp(h->from.data, h->to.data, KEY_SIZE) == 0) goto out;
    key_hash(e->id, m->header.data, m->header.len);
    memcpy(e->network, h->network.data, ID_SIZE);
    memcpy(e->from, h->from.data, KEY_SIZE);
    memcpy(e->to, h->to.data, KEY_SIZE);
    memcpy(e->box_hash, h->box_hash.data, ID_SIZE);
    e->kind = h->kind;
    e->created_ms = h->created_ms;
    e->expires_ms = h->expires_ms;
    e->has_reply_to = h->has_in_reply_to;
    if (e->has_reply_to) memcpy(e->in_reply_to, h->in_reply_to.data, ID_SIZE);
    e->raw = raw;
    e->raw_len = len;
    e->header = m->header.data;
    e->header_len = m->header.len;
    e->sig = m->sig.data;
    e->box = m->box.data;
    e->box_len = m->box.len;
    rc = ENV_OK;
out:
    ekonet__envelope_header__free_unpacked(h, NULL);
    return rc;
}

/* The checks on an envelope's or ack's times. */
static int check_times(uint64_t created_ms, uint64_t expires_ms, uint64_t now_ms)
{
    if (expires_ms <= now_ms) return ENV_EXPIRED;
    if (created_ms > now_ms + ENVELOPE_SKEW_MS || expires_ms <= created_ms ||
        expires_ms - created_ms > ENVELOPE_LIFETIME_MAX)
        return ENV_BAD_TIME;
    return ENV_OK;
}

int envelope_check(const struct envelope *e, const uint8_t network[ID_SIZE], uint64_t now_ms)
{
    if (memcmp(e->network, network, ID_SIZE) != 0) return ENV_WRONG_NETWORK;
    int rc = check_times(e->created_ms, e->expires_ms, now_ms);
    if (rc != ENV_OK) return rc;
    uint8_t h[ID_SIZE];
    key_hash(h, e->box, e->box_len);
    if (sodium_memcmp(h, e->box_hash, ID_SIZE) != 0) return ENV_BAD_BOX;
    if (key_verify(e->from, ENVELOPE_DOMAIN, e->header, e->header_len, e->sig) < 0)
        return ENV_BAD_SIGNATURE;
    return ENV_OK;
}

int envelope_open(const struct envelope *e, const struct node_key *k, uint8_t **out, size_t *len)
{
    *out = NULL;
    uint8_t curve[KEY_SIZE];
    if (memcmp(e->to, k->pub, KEY_SIZE) != 0 || key_pub_to_curve(curve, e->from) < 0) return -1;
    *len = e->box_len - BOX_NONCE - BOX_MAC;
    if (!(*out = malloc(*len ? *len : 1))) return -1;
    if (crypto_box_open_easy(*out, e->box + BOX_NONCE, e->box_len - BOX_NONCE, e->box, curve,
                             k->curve_sec) != 0) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int ack_make(const struct node_key *k, const struct envelope *e, uint8_t **raw, size_t *raw_len)
{
    Ekonet__AckHeader h = EKONET__ACK_HEADER__INIT;
    h.network = bin(e->network, ID_SIZE);
    h.envelope = bin(e->id, ID_SIZE);
    h.from = bin(k->pub, KEY_SIZE);
    h.to = bin(e->from, KEY_SIZE);
    h.expires_ms = e->expires_ms;
    uint8_t header[ACK_MAX], sig[SIG_SIZE];
    size_t hlen = ekonet__ack_header__get_packed_size(&h);
    if (hlen > sizeof header) return -1;
    ekonet__ack_header__pack(&h, header);
    key_sign(k, ACK_DOMAIN, header, hlen, sig);
    return pack_signed(header, hlen, sig, NULL, 0, raw, raw_len);
}

void ack_clear(struct ack *a)
{
    if (a->msg) ekonet__ack__free_unpacked(a->msg, NULL);
    a->msg = NULL;
}

static int decode_ack(const uint8_t *raw, size_t len, struct ack *a);

int ack_decode(const uint8_t *raw, size_t len, struct ack *a)
{
    int rc = decode_ack(raw, len, a);
    if (rc != ENV_OK) ack_clear(a); /* a refusal holds nothing */
    return rc;
}

static int decode_ack(const uint8_t *raw, size_t len, struct ack *a)
{
    memset(a, 0, sizeof *a);
    if (len > ACK_MAX) return ENV_TOO_LARGE;
    Ekonet__Ack *m = ekonet__ack__unpack(NULL, len, raw);
    if (!m) return ENV_MALFORMED;
    a->msg = m;
    if (m->header.len == 0 || m->header.len > ACK_MAX || m->sig.len != SIG_SIZE)
        return ENV_MALFORMED;
    Ekonet__AckHeader *h = ekonet__ack_header__unpack(NULL, m->header.len, m->header.data);
    if (!h) return ENV_MALFORMED;
    int rc = ENV_MALFORMED;
    if (!is_id(&h->network) || !is_id(&h->envelope) || !is_id(&h->from) || !is_id(&h->to)) goto out;
    memcpy(a->network, h->network.data, ID_SIZE);
    memcpy(a->envelope, h->envelope.data, ID_SIZE);
    memcpy(a->from, h->from.data, KEY_SIZE);
    memcpy(a->to, h->to.data, KEY_SIZE);
    a->expires_ms = h->expires_ms;
    a->raw = raw;
    a->raw_len = len;
    a->header = m->header.data;
    a->header_len = m->header.len;
    a->sig = m->sig.data;
    rc = ENV_OK;
out:
    ekonet__ack_header__free_unpacked(h, NULL);
    return rc;
}

int ack_check(const struct ack *a, const uint8_t network[ID_SIZE], uint64_t now_ms)
{
    if (memcmp(a->network, network, ID_SIZE) != 0) return ENV_WRONG_NETWORK;
    if (a->expires_ms <= now_ms) return ENV_EXPIRED;
    if (a->expires_ms > now_ms + ENVELOPE_LIFETIME_MAX + ENVELOPE_SKEW_MS) return ENV_BAD_TIME;
    if (key_verify(a->from, ACK_DOMAIN, a->header, a->header_len, a->sig) < 0)
        return ENV_BAD_SIGNATURE;
    return ENV_OK;
}

static const char *const role_names[] = {NULL, "politician", "official", "either"};

const char *contact_role_str(int role)
{
    return role >= 1 && role <= 3 ? role_names[role] : "unknown";
}

int contact_role_parse(const char *s)
{
    for (int r = 1; r <= 3; r++)
        if (strcmp(s, role_names[r]) == 0) return r;
    return 0;
}

const char *contact_answer_str(int answer)
{
    switch (answer) {
    case EKONET__CONTACT_ANSWER__ANSWER_ACCEPT:
        return "accept";
    case EKONET__CONTACT_ANSWER__ANSWER_DECLINE:
        return "decline";
    case EKONET__CONTACT_ANSWER__ANSWER_TEXT:
        return "answer";
    }
    return "unknown";
}

/* "<64 hex digits>" (a report), "indicator:CODE" or "topic:T". */
static int valid_about(const char *s)
{
    if (!text_valid_line(s, CONTACT_MAX_ABOUT)) return 0;
    if (strncmp(s, "indicator:", 10) == 0) return indicator_code_valid(s + 10);
    if (strncmp(s, "topic:", 6) == 0) return text_valid_line(s + 6, REPORT_MAX_TOPIC);
    return strlen(s) == 2 * ID_SIZE && hex_is_prefix(s, 2 * ID_SIZE);
}

int contact_request_validate(const Ekonet__ContactRequest *r, struct errbuf *err)
{
    if (r->role < 1 || r->role > 3)
        return errbuf_set(err, "the role must be politician, official or either");
    if (!text_valid_line(r->subject, CONTACT_MAX_SUBJECT))
        return errbuf_set(err, "the subject must be one line of 1 to %d bytes",
                          CONTACT_MAX_SUBJECT);
    if (!*r->message || !text_valid_block(r->message, CONTACT_MAX_MESSAGE))
        return errbuf_set(err, "the message must be UTF-8 text of 1 to %d bytes",
                          CONTACT_MAX_MESSAGE);
    if (r->about && *r->about && !valid_about(r->about))
        return errbuf_set(err, "about must be a report id, indicator:CODE or topic:TOPIC");
    if (!text_valid_line(r->from_name, CONTACT_MAX_NAME))
        return errbuf_set(err, "the sender's name must be one line of 1 to %d bytes",
                          CONTACT_MAX_NAME);
    if (r->from_title && *r->from_title && !text_valid_line(r->from_title, CONTACT_MAX_NAME))
        return errbuf_set(err, "the sender's title must be one line of at most %d bytes",
                          CONTACT_MAX_NAME);
    if (!text_valid_email(r->reply_to))
        return errbuf_set(err, "the reply address \"%.60s\" is not an email address", r->reply_to);
    if (r->from_phone && *r->from_phone && !text_valid_phone(r->from_phone))
        return errbuf_set(err, "the sender's phone \"%.40s\" is not a number", r->from_phone);
    return 0;
}

int contact_reply_validate(const Ekonet__ContactReply *r, struct errbuf *err)
{
    if (r->answer < 1 || r->answer > 3)
        return errbuf_set(err, "the answer must be accept, decline or a text");
    if (r->answer == EKONET__CONTACT_ANSWER__ANSWER_TEXT && (!r->text || !*r->text))
        return errbuf_set(err, "an answer in writing needs its text");
    if (r->text && *r->text && !text_valid_block(r->text, CONTACT_MAX_MESSAGE))
        return errbuf_set(err, "the answer must be UTF-8 text of at most %d bytes",
                          CONTACT_MAX_MESSAGE);
    return contact_validate(r->responder, "responding", err);
}
