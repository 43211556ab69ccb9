/*
 * board: validation of the board feed's contents and of membership applications.
 * These checks are part of the protocol (docs/PROTOCOL.md section 4): every node refuses a
 * board act whose content fails them, however many board members signed it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "ekonet/places.h"
#include "ekonet/text.h"
#include "wire.pb-c.h"

int board_kind(uint32_t kind)
{
    return kind >= EKONET__ENTRY_KIND__KIND_CHARTER && kind <= EKONET__ENTRY_KIND__KIND_SUCCEED;
}

void network_solo_id(uint8_t out[ID_SIZE], const uint8_t node_key[KEY_SIZE])
{
    uint8_t buf[32 + KEY_SIZE] = "ekonet-solo-network-v1";
    memcpy(buf + 32, node_key, KEY_SIZE);
    key_hash(out, buf, sizeof buf);
}

const char *member_kind_str(int kind)
{
    switch (kind) {
    case EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY:
        return "municipality";
    case EKONET__MEMBER_KIND__MEMBER_REGION:
        return "region";
    case EKONET__MEMBER_KIND__MEMBER_OTHER:
        return "other";
    default:
        return "unknown";
    }
}

int member_kind_parse(const char *s)
{
    for (int k = 1; k <= 3; k++)
        if (strcmp(s, member_kind_str(k)) == 0) return k;
    return 0;
}

static int valid_key(const ProtobufCBinaryData *b)
{
    uint8_t curve[KEY_SIZE];
    return b->len == KEY_SIZE && key_pub_to_curve(curve, b->data) == 0;
}

int charter_validate(const Ekonet__Charter *c, struct errbuf *err)
{
    if (!text_valid_line(c->name, NETWORK_NAME_MAX))
        return errbuf_set(err, "the network name must be one line of 1 to %d bytes",
                          NETWORK_NAME_MAX);
    if (c->n_board_keys == 0 || c->n_board_keys > BOARD_MAX_KEYS)
        return errbuf_set(err, "the board must have 1 to %d keys, not %zu", BOARD_MAX_KEYS,
                          c->n_board_keys);
    for (size_t i = 0; i < c->n_board_keys; i++) {
        if (!valid_key(&c->board_keys[i]))
            return errbuf_set(err, "board key %zu is not an Ed25519 public key", i + 1);
        for (size_t j = 0; j < i; j++)
            if (memcmp(c->board_keys[i].data, c->board_keys[j].data, KEY_SIZE) == 0)
                return errbuf_set(err, "board key %zu is listed twice", i + 1);
    }
    if (c->threshold < 1 || c->threshold > c->n_board_keys)
        return errbuf_set(err, "the threshold must be between 1 and the number of board keys (%zu)",
                          c->n_board_keys);
    if (c->has_nonce && c->nonce.len > 64) return errbuf_set(err, "the nonce is too long");
    return 0;
}

/* The code must name a place of the kind given (an "other" member gives its seat's code). */
static int check_code(const char *code, int kind, struct errbuf *err)
{
    const struct place *p = place_lookup(code);
    if (!p) return errbuf_set(err, "%.20s is not the SCB code of a municipality or region", code);
    if (kind == EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY && p->kind != PLACE_MUNICIPALITY)
        return errbuf_set(err, "%s is a region's code, but the member is a municipality", code);
    if (kind == EKONET__MEMBER_KIND__MEMBER_REGION && p->kind != PLACE_REGION)
        return errbuf_set(err, "%s is a municipality's code, but the member is a region", code);
    return 0;
}

int admit_validate(const Ekonet__Admit *a, struct errbuf *err)
{
    if (!valid_key(&a->member)) return errbuf_set(err, "the member's node key is not valid");
    if (!text_valid_line(a->name, 120))
        return errbuf_set(err, "the member's name must be one line");
    if (a->kind < 1 || a->kind > 3) return errbuf_set(err, "unknown member kind");
    if (check_code(a->code, a->kind, err) < 0) return -1;
    if (!text_valid_line(a->decision, 300))
        return errbuf_set(err, "the board's decision must be one line of 1 to 300 bytes");
    if (a->application) {
        Ekonet__Application *app = application_open(a->application, err);
        if (!app) return -1;
        int same = memcmp(app->node_key.data, a->member.data, KEY_SIZE) == 0;
        ekonet__application__free_unpacked(app, NULL);
        if (!same) return errbuf_set(err, "the application was made by another node key");
    }
    return 0;
}

int revoke_validate(const Ekonet__Revoke *r, struct errbuf *err)
{
    if (!valid_key(&r->member)) return errbuf_set(err, "the member's node key is not valid");
    if (!text_valid_line(r->reason, 300))
        return errbuf_set(err, "the reason must be one line of 1 to 300 bytes");
    return 0;
}

const char *succession_reason_str(int reason)
{
    switch (reason) {
    case EKONET__SUCCESSION_REASON__SUCCESSION_LOST:
        return "lost";
    case EKONET__SUCCESSION_REASON__SUCCESSION_STOLEN:
        return "stolen";
    case EKONET__SUCCESSION_REASON__SUCCESSION_PLANNED:
        return "planned";
    default:
        return "unknown";
    }
}

int succession_reason_parse(const char *s)
{
    for (int r = 1; r <= 3; r++)
        if (strcmp(s, succession_reason_str(r)) == 0) return r;
    return 0;
}

static int rotation_validate(const Ekonet__Rotation *r, struct errbuf *err)
{
    if (r->network.len != ID_SIZE) return errbuf_set(err, "the rotation names no network");
    if (!valid_key(&r->old_key) || !valid_key(&r->new_key))
        return errbuf_set(err, "the rotation's keys are not Ed25519 public keys");
    if (memcmp(r->old_key.data, r->new_key.data, KEY_SIZE) == 0)
        return errbuf_set(err, "the rotation's new key is its old key");
    return 0;
}

Ekonet__Rotation *rotation_open(const Ekonet__SignedRotation *s, struct errbuf *err)
{
    Ekonet__Rotation *r = ekonet__rotation__unpack(NULL, s->rotation.len, s->rotation.data);
    if (!r) {
        errbuf_set(err, "the rotation does not decode");
        return NULL;
    }
    if (rotation_validate(r, err) < 0) goto fail;
    if (s->sig.len != SIG_SIZE || key_verify(r->old_key.data, ROTATION_DOMAIN, s->rotation.data,
                                             s->rotation.len, s->sig.data) < 0) {
        errbuf_set(err, "the rotation's signature by the old key does not verify");
        goto fail;
    }
    return r;
fail:
    ekonet__rotation__free_unpacked(r, NULL);
    return NULL;
}

int rotation_sign(const Ekonet__Rotation *r, const struct node_key *k, uint8_t **out, size_t *len)
{
    size_t rlen = ekonet__rotation__get_packed_size(r);
    uint8_t *rbuf = malloc(rlen), sig[SIG_SIZE];
    if (!rbuf) return -1;
    ekonet__rotation__pack(r, rbuf);
    key_sign(k, ROTATION_DOMAIN, rbuf, rlen, sig);
    Ekonet__SignedRotation s = EKONET__SIGNED_ROTATION__INIT;
    s.rotation = (ProtobufCBinaryData){rlen, rbuf};
    s.sig = (ProtobufCBinaryData){SIG_SIZE, sig};
    *len = ekonet__signed_rotation__get_packed_size(&s);
    *out = malloc(*len);
    if (*out) ekonet__signed_rotation__pack(&s, *out);
    free(rbuf);
    return *out ? 0 : -1;
}

/* A planned succession carries the old key's rotation, and it must say what the act says. */
static int check_rotation(const Ekonet__Succeed *s, const uint8_t *network, struct errbuf *err)
{
    int planned = s->reason == EKONET__SUCCESSION_REASON__SUCCESSION_PLANNED;
    if (!planned && s->rotation)
        return errbuf_set(err, "only a planned succession carries the old key's rotation");
    if (!planned) return 0;
    if (!s->rotation)
        return errbuf_set(err, "a planned succession needs the old key's rotation (ekonet key "
                               "rotate); for a key lost or stolen give that reason");
    Ekonet__Rotation *r = rotation_open(s->rotation, err);
    if (!r) return -1;
    int rc = 0;
    if (memcmp(r->old_key.data, s->old_key.data, KEY_SIZE) != 0 ||
        memcmp(r->new_key.data, s->new_key.data, KEY_SIZE) != 0)
        rc = errbuf_set(err, "the rotation names other keys than the succession");
    else if (r->last_seq != s->last_seq)
        rc = errbuf_set(err, "the rotation ends the old feed at seq %llu, the succession at %llu",
                        (unsigned long long)r->last_seq, (unsigned long long)s->last_seq);
    else if (network && memcmp(r->network.data, network, ID_SIZE) != 0)
        rc = errbuf_set(err, "the rotation was made for another network");
    ekonet__rotation__free_unpacked(r, NULL);
    return rc;
}

int succeed_validate(const Ekonet__Succeed *s, const uint8_t *network, struct errbuf *err)
{
    if (!valid_key(&s->old_key)) return errbuf_set(err, "the old node key is not valid");
    if (!valid_key(&s->new_key)) return errbuf_set(err, "the new node key is not valid");
    if (memcmp(s->old_key.data, s->new_key.data, KEY_SIZE) == 0)
        return errbuf_set(err, "the new node key is the old one");
    if (s->reason < 1 || s->reason > 3)
        return errbuf_set(err, "the reason must be lost, stolen or planned");
    if (!text_valid_line(s->decision, 300))
        return errbuf_set(err, "the board's decision must be one line of 1 to 300 bytes");
    return check_rotation(s, network, err);
}

int succeed_check_network(const uint8_t *data, size_t len, const uint8_t network[ID_SIZE],
                          struct errbuf *why)
{
    Ekonet__Succeed *s = ekonet__succeed__unpack(NULL, len, data);
    if (!s) return errbuf_set(why, "the succession does not decode");
    int rc = succeed_validate(s, network, why);
    ekonet__succeed__free_unpacked(s, NULL);
    return rc;
}

int catalogue_validate(const Ekonet__Catalogue *c, struct errbuf *err)
{
    if (!text_valid_line(c->revision, 40))
        return errbuf_set(err, "the catalogue revision must be one line of 1 to 40 bytes");
    if (c->n_indicators == 0 || c->n_indicators > 200)
        return errbuf_set(err, "a catalogue lists 1 to 200 indicators, not %zu", c->n_indicators);
    for (size_t i = 0; i < c->n_indicators; i++) {
        const Ekonet__Indicator *ind = c->indicators[i];
        if (!indicator_code_valid(ind->code))
            return errbuf_set(err, "indicator %zu has an invalid code", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ind->code, c->indicators[j]->code) == 0)
                return errbuf_set(err, "indicator %s is listed twice", ind->code);
        if (!text_valid_line(ind->name_sv, 200) || !text_valid_line(ind->name_en, 200) ||
            !text_valid_line(ind->unit, 40))
            return errbuf_set(err, "indicator %s needs Swedish and English names and a unit",
                              ind->code);
        if (ind->source && *ind->source && !text_valid_line(ind->source, 200))
            return errbuf_set(err, "indicator %s: the source must be one line", ind->code);
    }
    return 0;
}

int contact_validate(const Ekonet__ContactPerson *p, const char *role, struct errbuf *err)
{
    if (!p) return errbuf_set(err, "the %s contact person is missing", role);
    if (!text_valid_line(p->name, 120))
        return errbuf_set(err, "the %s contact person needs a name (one line)", role);
    if (p->title && *p->title && !text_valid_line(p->title, 120))
        return errbuf_set(err, "the %s contact person's title must be one line", role);
    if (p->email && *p->email && !text_valid_email(p->email))
        return errbuf_set(err, "the %s contact person's email \"%.60s\" is not an address", role,
                          p->email);
    if (p->phone && *p->phone && !text_valid_phone(p->phone))
        return errbuf_set(err, "the %s contact person's phone \"%.40s\" is not a number", role,
                          p->phone);
    if (p->n_languages > CONTACT_MAX_LANGUAGES)
        return errbuf_set(err, "the %s contact person has too many languages (%zu; at most %d)",
                          role, p->n_languages, CONTACT_MAX_LANGUAGES);
    for (size_t i = 0; i < p->n_languages; i++)
        if (!text_valid_language(p->languages[i]))
            return errbuf_set(err,
                              "the %s contact person's language \"%.20s\" is not a language tag "
                              "such as \"sv\" or \"en\"",
                              role, p->languages[i]);
    if (p->n_expertise > CONTACT_MAX_EXPERTISE)
        return errbuf_set(err,
                          "the %s contact person has too many topics of expertise (%zu; at most "
                          "%d)",
                          role, p->n_expertise, CONTACT_MAX_EXPERTISE);
    for (size_t i = 0; i < p->n_expertise; i++)
        if (!text_valid_line(p->expertise[i], CONTACT_MAX_TOPIC))
            return errbuf_set(err,
                              "the %s contact person's expertise %zu must be one line of 1 to %d "
                              "bytes",
                              role, i + 1, CONTACT_MAX_TOPIC);
    return 0;
}

int application_validate(const Ekonet__Application *a, struct errbuf *err)
{
    if (!valid_key(&a->node_key)) return errbuf_set(err, "the node key is not valid");
    if (!text_valid_line(a->name, 120)) return errbuf_set(err, "the name must be one line");
    if (a->kind < 1 || a->kind > 3) return errbuf_set(err, "unknown member kind");
    if (check_code(a->code, a->kind, err) < 0) return -1;
    if (a->endpoint && *a->endpoint && strncmp(a->endpoint, "tcp://", 6) != 0)
        return errbuf_set(err, "the endpoint must look like tcp://host:7650");
    if (contact_validate(a->politician, "politician", err) < 0) return -1;
    return contact_validate(a->official, "official", err);
}

int application_sign(const Ekonet__Application *a, const struct node_key *k, uint8_t **out,
                     size_t *len)
{
    size_t alen = ekonet__application__get_packed_size(a);
    uint8_t *abuf = malloc(alen), sig[SIG_SIZE];
    if (!abuf) return -1;
    ekonet__application__pack(a, abuf);
    key_sign(k, APPLICATION_DOMAIN, abuf, alen, sig);
    Ekonet__SignedApplication s = EKONET__SIGNED_APPLICATION__INIT;
    s.application = (ProtobufCBinaryData){alen, abuf};
    s.sig = (ProtobufCBinaryData){SIG_SIZE, sig};
    *len = ekonet__signed_application__get_packed_size(&s);
    *out = malloc(*len);
    if (*out) ekonet__signed_application__pack(&s, *out);
    free(abuf);
    return *out ? 0 : -1;
}

Ekonet__Application *application_open(const Ekonet__SignedApplication *s, struct errbuf *err)
{
    Ekonet__Application *a =
        ekonet__application__unpack(NULL, s->application.len, s->application.data);
    if (!a) {
        errbuf_set(err, "the application does not decode");
        return NULL;
    }
    if (application_validate(a, err) < 0) goto fail;
    if (s->sig.len != SIG_SIZE ||
        key_verify(a->node_key.data, APPLICATION_DOMAIN, s->application.data, s->application.len,
                   s->sig.data) < 0) {
        errbuf_set(err, "the application's signature does not verify");
        goto fail;
    }
    return a;
fail:
    ekonet__application__free_unpacked(a, NULL);
    return NULL;
}

/* Unpacks, validates and frees one message type; ENTRY_OK or ENTRY_CONTENT_INVALID. */
#define CHECK_MESSAGE(type, fn, what)                                                              \
    do {                                                                                           \
        Ekonet__##type *m = ekonet__##fn##__unpack(NULL, len, data);                               \
        if (!m) {                                                                                  \
            errbuf_set(why, "the %s does not decode", what);                                       \
            return ENTRY_CONTENT_INVALID;                                                          \
        }                                                                                          \
        int rc = fn##_validate(m, why);                                                            \
        ekonet__##fn##__free_unpacked(m, NULL);                                                    \
        return rc < 0 ? ENTRY_CONTENT_INVALID : ENTRY_OK;                                          \
    } while (0)

int board_content_check(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why)
{
    switch (kind) {
    case EKONET__ENTRY_KIND__KIND_CHARTER:
        CHECK_MESSAGE(Charter, charter, "charter");
    case EKONET__ENTRY_KIND__KIND_ADMIT:
        CHECK_MESSAGE(Admit, admit, "admission");
    case EKONET__ENTRY_KIND__KIND_REVOKE:
        CHECK_MESSAGE(Revoke, revoke, "revocation");
    case EKONET__ENTRY_KIND__KIND_CATALOGUE:
        CHECK_MESSAGE(Catalogue, catalogue, "catalogue");
    case EKONET__ENTRY_KIND__KIND_SUCCEED: {
        /* the rotation's network is checked where the network is known (feed.c) */
        Ekonet__Succeed *m = ekonet__succeed__unpack(NULL, len, data);
        if (!m) {
            errbuf_set(why, "the succession does not decode");
            return ENTRY_CONTENT_INVALID;
        }
        int rc = succeed_validate(m, NULL, why);
        ekonet__succeed__free_unpacked(m, NULL);
        return rc < 0 ? ENTRY_CONTENT_INVALID : ENTRY_OK;
    }
    }
    errbuf_set(why, "entry kind %u is not a board act", kind);
    return ENTRY_UNKNOWN_KIND;
}
