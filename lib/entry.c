/*
 * entry: encode, sign, decode and verify feed entries. See include/ekonet/entry.h for the
 * format and the three layers of checks. All bytes handed to entry_decode are untrusted: it
 * bounds the input before unpacking and checks every field's size after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ekonet/entry.h"
#include "wire.pb-c.h"

static const struct {
    const char *text, *label;
} statuses[ENTRY_STATUS_COUNT] = {
    [ENTRY_OK] = {"ok", "ok"},
    [ENTRY_MALFORMED] = {"malformed entry", "malformed"},
    [ENTRY_TOO_LARGE] = {"entry too large", "too_large"},
    [ENTRY_BAD_HEADER] = {"malformed header", "bad_header"},
    [ENTRY_WRONG_NETWORK] = {"wrong network", "wrong_network"},
    [ENTRY_BAD_SIGNATURE] = {"bad signature", "bad_signature"},
    [ENTRY_WRONG_KEY] = {"signed by a key other than the author's", "wrong_key"},
    [ENTRY_DUPLICATE] = {"duplicate", "duplicate"},
    [ENTRY_GAP] = {"seq is not head+1 (gap)", "gap"},
    [ENTRY_BAD_PREV] = {"prev is not the id of the author's head", "bad_prev"},
    [ENTRY_FORK] = {"fork: another entry has this author and seq", "fork"},
    [ENTRY_CONTENT_HASH] = {"content hash mismatch", "content_hash"},
    [ENTRY_CONTENT_SIZE] = {"content size mismatch", "content_size"},
    [ENTRY_CONTENT_TOO_LARGE] = {"content too large", "content_too_large"},
    [ENTRY_CONTENT_MISSING] = {"content missing", "content_missing"},
    [ENTRY_CONTENT_INVALID] = {"invalid content", "content_invalid"},
    [ENTRY_UNKNOWN_KIND] = {"unknown kind", "unknown_kind"},
    [ENTRY_NOT_MEMBER] = {"author is not a member", "not_member"},
    [ENTRY_REVOKED] = {"author was revoked", "revoked"},
    [ENTRY_FEW_SIGNATURES] = {"too few board signatures", "few_signatures"},
    [ENTRY_QUARANTINED] = {"feed quarantined after a fork", "quarantined"},
    [ENTRY_FUTURE] = {"dated more than a day ahead of this node's clock", "future"},
};

const char *entry_status_str(int status)
{
    if (status < 0 || status >= ENTRY_STATUS_COUNT) return "unknown refusal";
    return statuses[status].text;
}

const char *entry_status_label(int status)
{
    if (status < 0 || status >= ENTRY_STATUS_COUNT) return "unknown";
    return statuses[status].label;
}

void entry_destroy(struct entry **pe)
{
    if (!pe || !*pe) return;
    struct entry *e = *pe;
    free(e->header);
    free(e->sigs);
    free(e->content);
    free(e);
    *pe = NULL;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

/* Parses e->header into e's fields. ENTRY_OK or ENTRY_BAD_HEADER. */
static int parse_header(struct entry *e)
{
    if (e->header_len == 0 || e->header_len > ENTRY_MAX_HEADER) return ENTRY_BAD_HEADER;
    Ekonet__EntryHeader *h = ekonet__entry_header__unpack(NULL, e->header_len, e->header);
    if (!h) return ENTRY_BAD_HEADER;
    int rc = ENTRY_BAD_HEADER;
    if (h->network.len != ID_SIZE || h->author.len != KEY_SIZE || h->content_hash.len != ID_SIZE)
        goto out;
    if (h->seq == 0 || (h->seq == 1) == (h->has_prev != 0)) goto out;
    if (h->has_prev && h->prev.len != ID_SIZE) goto out;
    memcpy(e->network, h->network.data, ID_SIZE);
    memcpy(e->author, h->author.data, KEY_SIZE);
    memcpy(e->content_hash, h->content_hash.data, ID_SIZE);
    memset(e->prev, 0, ID_SIZE);
    if (h->has_prev) memcpy(e->prev, h->prev.data, ID_SIZE);
    e->seq = h->seq;
    e->timestamp_ms = h->timestamp_ms;
    e->kind = h->kind;
    e->content_size = h->content_size;
    key_hash(e->id, e->header, e->header_len);
    rc = ENTRY_OK;
out:
    ekonet__entry_header__free_unpacked(h, NULL);
    return rc;
}

struct entry *entry_new(const uint8_t network[ID_SIZE], const uint8_t author[KEY_SIZE],
                        uint64_t seq, const uint8_t *prev, uint64_t timestamp_ms, uint32_t kind,
                        const uint8_t *content, size_t content_len)
{
    uint8_t hash[ID_SIZE];
    key_hash(hash, content, content_len);

    Ekonet__EntryHeader h = EKONET__ENTRY_HEADER__INIT;
    h.network = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)network};
    h.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    h.seq = seq;
    if (prev) {
        h.has_prev = 1;
        h.prev = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)prev};
    }
    h.timestamp_ms = timestamp_ms;
    h.kind = kind;
    h.content_hash = (ProtobufCBinaryData){ID_SIZE, hash};
    h.content_size = content_len;

    struct entry *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->header_len = ekonet__entry_header__get_packed_size(&h);
    e->header = malloc(e->header_len);
    e->content = dup_bytes(content, content_len);
    if (!e->header || !e->content) goto fail;
    e->content_len = content_len;
    ekonet__entry_header__pack(&h, e->header);
    if (parse_header(e) != ENTRY_OK) goto fail;
    return e;
fail:
    entry_destroy(&e);
    return NULL;
}

int entry_add_sig(struct entry *e, const uint8_t key[KEY_SIZE], const uint8_t sig[SIG_SIZE])
{
    if (e->nsigs >= ENTRY_MAX_SIGS) return -1;
    struct entry_sig *s = realloc(e->sigs, (e->nsigs + 1) * sizeof *s);
    if (!s) return -1;
    e->sigs = s;
    memcpy(s[e->nsigs].key, key, KEY_SIZE);
    memcpy(s[e->nsigs].sig, sig, SIG_SIZE);
    e->nsigs++;
    return 0;
}

int entry_sign(struct entry *e, const struct node_key *k)
{
    uint8_t sig[SIG_SIZE];
    key_sign(k, ENTRY_DOMAIN, e->header, e->header_len, sig);
    return entry_add_sig(e, k->pub, sig);
}

struct entry *entry_dup(const struct entry *src)
{
    struct entry *e = malloc(sizeof *e);
    if (!e) return NULL;
    *e = *src;
    e->header = dup_bytes(src->header, src->header_len);
    e->sigs = src->nsigs ? malloc(src->nsigs * sizeof *e->sigs) : NULL;
    e->content = src->content ? dup_bytes(src->content, src->content_len) : NULL;
    if (!e->header || (src->nsigs && !e->sigs) || (src->content && !e->content)) {
        entry_destroy(&e);
        return NULL;
    }
    if (src->nsigs) memcpy(e->sigs, src->sigs, src->nsigs * sizeof *e->sigs);
    return e;
}

size_t entry_max_encoded(size_t max_content)
{
    /* header + its tag/length, each Signature (2*(2+32)... rounded up), content + tag/length */
    return max_content + 16 + ENTRY_MAX_HEADER + 16 + ENTRY_MAX_SIGS * (KEY_SIZE + SIG_SIZE + 8);
}

int entry_decode(const uint8_t *buf, size_t len, size_t max_len, struct entry **out)
{
    *out = NULL;
    if (len > max_len) return ENTRY_TOO_LARGE;
    Ekonet__Entry *m = ekonet__entry__unpack(NULL, len, buf);
    if (!m) return ENTRY_MALFORMED;
    int rc = ENTRY_BAD_HEADER;
    struct entry *e = NULL;
    if (m->header.len == 0 || m->header.len > ENTRY_MAX_HEADER) goto out;
    rc = ENTRY_MALFORMED;
    if (m->n_sigs == 0 || m->n_sigs > ENTRY_MAX_SIGS) goto out;
    for (size_t i = 0; i < m->n_sigs; i++)
        if (m->sigs[i]->key.len != KEY_SIZE || m->sigs[i]->sig.len != SIG_SIZE) goto out;
    rc = entry_from_parts(m->header.data, m->header.len, NULL, 0,
                          m->has_content ? m->content.data : NULL, m->content.len, &e);
    if (rc != ENTRY_OK) goto out;
    for (size_t i = 0; i < m->n_sigs; i++) {
        if (entry_add_sig(e, m->sigs[i]->key.data, m->sigs[i]->sig.data) < 0) {
            rc = ENTRY_MALFORMED;
            goto out;
        }
    }
    /* An empty content field is a present, empty content (content_size 0). */
    if (m->has_content && !e->content) e->content = dup_bytes(NULL, 0);
    *out = e;
    e = NULL;
out:
    entry_destroy(&e);
    ekonet__entry__free_unpacked(m, NULL);
    return rc;
}

int entry_from_parts(const uint8_t *header, size_t header_len, const uint8_t *sigs, size_t sigs_len,
                     const uint8_t *content, size_t content_len, struct entry **out)
{
    *out = NULL;
    const size_t one = KEY_SIZE + SIG_SIZE;
    if (sigs_len % one || sigs_len / one > ENTRY_MAX_SIGS) return ENTRY_MALFORMED;
    struct entry *e = calloc(1, sizeof *e);
    if (!e) return ENTRY_MALFORMED;
    e->header = dup_bytes(header, header_len);
    e->header_len = header_len;
    if (content) {
        e->content = dup_bytes(content, content_len);
        e->content_len = content_len;
    }
    if (!e->header || (content && !e->content)) goto fail;
    int rc = parse_header(e);
    if (rc != ENTRY_OK) {
        entry_destroy(&e);
        return rc;
    }
    for (size_t off = 0; off < sigs_len; off += one)
        if (entry_add_sig(e, sigs + off, sigs + off + KEY_SIZE) < 0) goto fail;
    *out = e;
    return ENTRY_OK;
fail:
    entry_destroy(&e);
    return ENTRY_MALFORMED;
}

uint8_t *entry_pack_sigs(const struct entry *e, size_t *len)
{
    *len = e->nsigs * (KEY_SIZE + SIG_SIZE);
    uint8_t *p = malloc(*len ? *len : 1), *q = p;
    if (!p) return NULL;
    for (size_t i = 0; i < e->nsigs; i++) {
        memcpy(q, e->sigs[i].key, KEY_SIZE);
        memcpy(q + KEY_SIZE, e->sigs[i].sig, SIG_SIZE);
        q += KEY_SIZE + SIG_SIZE;
    }
    return p;
}

int entry_encode(const struct entry *e, int with_content, uint8_t **buf, size_t *len)
{
    Ekonet__Signature sigs[ENTRY_MAX_SIGS], *sigp[ENTRY_MAX_SIGS];
    Ekonet__Entry m = EKONET__ENTRY__INIT;
    if (e->nsigs > ENTRY_MAX_SIGS) return -1;
    m.header = (ProtobufCBinaryData){e->header_len, e->header};
    for (size_t i = 0; i < e->nsigs; i++) {
        ekonet__signature__init(&sigs[i]);
        sigs[i].key = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)e->sigs[i].key};
        sigs[i].sig = (ProtobufCBinaryData){SIG_SIZE, (uint8_t *)e->sigs[i].sig};
        sigp[i] = &sigs[i];
    }
    m.n_sigs = e->nsigs;
    m.sigs = sigp;
    if (with_content && e->content) {
        m.has_content = 1;
        m.content = (ProtobufCBinaryData){e->content_len, e->content};
    }
    *len = ekonet__entry__get_packed_size(&m);
    *buf = malloc(*len);
    if (!*buf) return -1;
    ekonet__entry__pack(&m, *buf);
    return 0;
}

int entry_verify_sig(const struct entry *e, const struct entry_sig *s)
{
    return key_verify(s->key, ENTRY_DOMAIN, e->header, e->header_len, s->sig);
}

int entry_check_content(const struct entry *e, size_t max_content)
{
    if (e->content_size > max_content) return ENTRY_CONTENT_TOO_LARGE;
    if (!e->content) return ENTRY_OK; /* detached: the header still commits to it */
    if (e->content_len != e->content_size) return ENTRY_CONTENT_SIZE;
    uint8_t h[ID_SIZE];
    key_hash(h, e->content, e->content_len);
    if (sodium_memcmp(h, e->content_hash, ID_SIZE) != 0) return ENTRY_CONTENT_HASH;
    return ENTRY_OK;
}

int entry_check(const struct entry *e, const uint8_t network[ID_SIZE], size_t max_content)
{
    if (memcmp(e->network, network, ID_SIZE) != 0) return ENTRY_WRONG_NETWORK;
    if (e->nsigs != 1) return ENTRY_WRONG_KEY;
    if (memcmp(e->sigs[0].key, e->author, KEY_SIZE) != 0) return ENTRY_WRONG_KEY;
    if (entry_verify_sig(e, &e->sigs[0]) != 0) return ENTRY_BAD_SIGNATURE;
    return entry_check_content(e, max_content);
}

int entry_check_chain(const struct entry *e, uint64_t head_seq, const uint8_t head_id[ID_SIZE])
{
    if (e->seq <= head_seq) return ENTRY_DUPLICATE; /* the caller tells duplicate from fork */
    if (e->seq > head_seq + 1) return ENTRY_GAP;
    if (head_seq == 0) return ENTRY_OK; /* seq 1 has no prev: parse_header made sure */
    if (memcmp(e->prev, head_id, ID_SIZE) != 0) return ENTRY_BAD_PREV;
    return ENTRY_OK;
}

uint64_t entry_due_ms(const struct entry *e)
{
    return e->timestamp_ms > ENTRY_FUTURE_MAX_MS ? e->timestamp_ms - ENTRY_FUTURE_MAX_MS : 0;
}

int entry_check_time(const struct entry *e, uint64_t now_ms)
{
    /* compared as the due time, which cannot overflow as now_ms + the limit could */
    return now_ms >= entry_due_ms(e) ? ENTRY_OK : ENTRY_FUTURE;
}

const char *entry_lead_str(const struct entry *e, uint64_t now_ms, char *buf, size_t size)
{
    const uint64_t minute = 60000, hour = 60 * minute, day = 24 * hour;
    uint64_t lead = e->timestamp_ms > now_ms ? e->timestamp_ms - now_ms : 0;
    if (lead >= 2 * day)
        snprintf(buf, size, "%llu days", (unsigned long long)(lead / day));
    else if (lead >= 2 * hour)
        snprintf(buf, size, "%llu hours", (unsigned long long)(lead / hour));
    else
        snprintf(buf, size, "%llu minutes", (unsigned long long)(lead / minute));
    return buf;
}
