/*
 * Writes the fuzz targets' seed corpora with the project's own encoders and the fixed keys of
 * fuzz.h: valid inputs of every kind each decoder reads, so that fuzzing starts deep inside.
 *   ekonet-fuzz-seeds DIR      (writes DIR/<target>/<name>; tests/fuzz/corpus is committed)
 * The handler targets' seeds (node, apihandler) are made for the network of fixture.c.
 */
#include <errno.h>
#include <sys/stat.h>
#include <time.h>

#include "api.pb-c.h"
#include "content.pb-c.h"
#include "ekonet/armor.h"
#include "ekonet/beacon.h"
#include "ekonet/board.h"
#include "ekonet/catalogue.h"
#include "ekonet/entry.h"
#include "ekonet/envelope.h"
#include "ekonet/frontier.h"
#include "fuzz.h"
#include "wire.pb-c.h"

static const char *root;
static struct node_key me, other, board[2];
static uint8_t network[ID_SIZE];

static void put_one(const char *target, const char *name, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, target);
    if (mkdir(path, 0755) < 0 && errno != EEXIST) abort();
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

/* Writes a seed; the API's requests are seeds of the API handler's target too. */
static void put(const char *target, const char *name, const void *data, size_t len)
{
    put_one(target, name, data, len);
    if (strcmp(target, "api") == 0) put_one("apihandler", name, data, len);
}

/* Packs any protobuf-c message into a new buffer. */
static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf) abort();
    protobuf_c_message_pack(m, buf);
    return buf;
}

/* ---- contents ----------------------------------------------------------------------------- */

struct content {
    const char *name;
    uint32_t kind;
    uint8_t *data;
    size_t len;
};
static struct content contents[16];
static size_t ncontents;

static void add_content(const char *name, uint32_t kind, const ProtobufCMessage *m)
{
    struct content *c = &contents[ncontents++];
    c->name = name;
    c->kind = kind;
    c->data = pack(m, &c->len);
}

static Ekonet__ContactPerson person(const char *name, const char *title, char **langs)
{
    Ekonet__ContactPerson p = EKONET__CONTACT_PERSON__INIT;
    p.name = (char *)name;
    p.title = (char *)title;
    p.email = "anna.andersson@overtornea.se";
    p.phone = "+46 927 720 00";
    p.n_languages = 2;
    p.languages = langs;
    return p;
}

/* This node's key rotation to other's key (ekonet key rotate), signed; caller frees. */
static uint8_t *rotation(size_t *len)
{
    Ekonet__Rotation r = EKONET__ROTATION__INIT;
    r.network = (ProtobufCBinaryData){ID_SIZE, network};
    r.old_key = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    r.new_key = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    r.last_seq = 40;
    r.created_ms = FUZZ_NOW_MS;
    uint8_t *buf;
    if (rotation_sign(&r, &me, &buf, len) < 0) abort();
    return buf;
}

static void make_contents(void)
{
    static char *topics[] = {"avfall", "biogas"}, *codes[] = {"GN.7", "GN.3"};
    static char *langs[] = {"sv", "fi"}, *endpoints[] = {"tcp://ekonet.overtornea.se:7650"};
    static uint8_t target[ID_SIZE];
    memset(target, 0x77, sizeof target);

    Ekonet__Report r = EKONET__REPORT__INIT;
    r.title = "Matavfall blir biogas i Övertorneå";
    add_content("report-title", EKONET__ENTRY_KIND__KIND_REPORT, &r.base);
    Ekonet__Attachment a = EKONET__ATTACHMENT__INIT, *ap[] = {&a};
    a.kind = EKONET__ATTACHMENT_KIND__ATTACH_SLIDES;
    a.url = "https://www.overtornea.se/biogas/bilder.pdf";
    a.title = "Bilder från seminariet";
    r.summary = "Sedan 2019 samlar vi in matavfall separat.";
    r.body = "# Bakgrund\n\nHushållen fick bruna påsar.\n\n- 412 kg/person 2019\n";
    r.n_topics = 2;
    r.topics = topics;
    r.n_indicators = 2;
    r.indicators = codes;
    r.language = "sv";
    r.period = "2019-2023";
    r.n_attachments = 1;
    r.attachments = ap;
    r.has_kind = 1;
    r.kind = EKONET__REPORT_KIND__REPORT_EXPERIENCE;
    add_content("report-full", EKONET__ENTRY_KIND__KIND_REPORT, &r.base);

    Ekonet__IndicatorValue v1 = EKONET__INDICATOR_VALUE__INIT, v2 = EKONET__INDICATOR_VALUE__INIT;
    Ekonet__IndicatorValue *vp[] = {&v1, &v2};
    v1.code = "GN.7";
    v1.value = 412;
    v2.code = "GN.11";
    v2.value = 38.5;
    v2.note = "enligt upphandlingen";
    Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
    s.year = 2023;
    s.n_values = 2;
    s.values = vp;
    s.catalogue = "default";
    s.source = "Kolada";
    add_content("snapshot", EKONET__ENTRY_KIND__KIND_INDICATORS, &s.base);
    v1.value = 1e9; /* a correction: a value outside its range, confirmed */
    v1.has_forced = v1.forced = 1;
    add_content("snapshot-forced", EKONET__ENTRY_KIND__KIND_INDICATORS, &s.base);
    s.n_values = 0; /* the year withdrawn */
    add_content("snapshot-withdrawn", EKONET__ENTRY_KIND__KIND_INDICATORS, &s.base);

    Ekonet__Event ev = EKONET__EVENT__INIT;
    ev.title = "Årsmöte";
    ev.kind = EKONET__EVENT_KIND__EVENT_ANNUAL_MEETING;
    ev.starts_ms = FUZZ_NOW_MS + 86400000ull * 40;
    ev.has_ends_ms = 1;
    ev.ends_ms = ev.starts_ms + 3600000;
    ev.location = "Övertorneå";
    ev.url = "https://www.example.se/arsmote";
    ev.n_topics = 1;
    ev.topics = topics;
    add_content("event", EKONET__ENTRY_KIND__KIND_EVENT, &ev.base);

    Ekonet__ContactPerson pol = person("Anna Andersson", "ordförande", langs),
                          off = person("Olle Berg", "miljöstrateg", langs);
    Ekonet__Profile p = EKONET__PROFILE__INIT;
    p.name = "Övertorneå kommun";
    p.code = "2518";
    p.n_endpoints = 1;
    p.endpoints = endpoints;
    p.politician = &pol;
    p.official = &off;
    add_content("profile", EKONET__ENTRY_KIND__KIND_PROFILE, &p.base);

    Ekonet__Retract rt = EKONET__RETRACT__INIT;
    rt.target = (ProtobufCBinaryData){ID_SIZE, target};
    rt.reason = "fel siffror";
    add_content("retract", EKONET__ENTRY_KIND__KIND_RETRACT, &rt.base);
    Ekonet__Redact rd = EKONET__REDACT__INIT;
    rd.target = (ProtobufCBinaryData){ID_SIZE, target};
    rd.reason = "personuppgifter";
    add_content("redact", EKONET__ENTRY_KIND__KIND_REDACT, &rd.base);

    ProtobufCBinaryData keys[] = {{KEY_SIZE, board[0].pub}, {KEY_SIZE, board[1].pub}};
    Ekonet__Charter ch = EKONET__CHARTER__INIT;
    ch.name = "Testnätet";
    ch.n_board_keys = 2;
    ch.board_keys = keys;
    ch.threshold = 2;
    add_content("charter", EKONET__ENTRY_KIND__KIND_CHARTER, &ch.base);
    Ekonet__Admit ad = EKONET__ADMIT__INIT;
    ad.member = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    ad.name = "Övertorneå kommun";
    ad.code = "2518";
    ad.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    ad.decision = "Styrelsemöte 2026-11-20 §4";
    add_content("admit", EKONET__ENTRY_KIND__KIND_ADMIT, &ad.base);
    Ekonet__Revoke rv = EKONET__REVOKE__INIT;
    rv.member = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    rv.reason = "utträde";
    rv.last_seq = 12;
    add_content("revoke", EKONET__ENTRY_KIND__KIND_REVOKE, &rv.base);
    Ekonet__Succeed su = EKONET__SUCCEED__INIT;
    su.old_key = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    su.new_key = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    su.reason = EKONET__SUCCESSION_REASON__SUCCESSION_LOST;
    su.decision = "Styrelsebeslut 2027-03-02 §5";
    su.last_seq = 40;
    add_content("succeed-lost", EKONET__ENTRY_KIND__KIND_SUCCEED, &su.base);
    size_t rlen;
    uint8_t *rot = rotation(&rlen);
    Ekonet__SignedRotation *sr = ekonet__signed_rotation__unpack(NULL, rlen, rot);
    if (!sr) abort();
    su.reason = EKONET__SUCCESSION_REASON__SUCCESSION_PLANNED;
    su.rotation = sr;
    add_content("succeed-planned", EKONET__ENTRY_KIND__KIND_SUCCEED, &su.base);
    ekonet__signed_rotation__free_unpacked(sr, NULL);
    free(rot);

    struct catalogue *cat = catalogue_default();
    struct content *c = &contents[ncontents++];
    c->name = "catalogue";
    c->kind = EKONET__ENTRY_KIND__KIND_CATALOGUE;
    if (!cat || catalogue_to_content(cat, "2027", &c->data, &c->len) < 0) abort();
    catalogue_destroy(&cat);
}

/* An encoded, signed entry with content i: board acts by the board, others by this node. */
static uint8_t *entry_of(size_t i, uint64_t seq, size_t *len)
{
    const struct content *c = &contents[i];
    int is_board = board_kind(c->kind);
    uint8_t prev[ID_SIZE];
    memset(prev, 0x11, sizeof prev);
    struct entry *e = entry_new(network, is_board ? network : me.pub, seq, seq > 1 ? prev : NULL,
                                FUZZ_NOW_MS - 3600000, c->kind, c->data, c->len);
    if (!e) abort();
    if (is_board) {
        if (entry_sign(e, &board[0]) < 0 || entry_sign(e, &board[1]) < 0) abort();
    } else if (entry_sign(e, &me) < 0) {
        abort();
    }
    uint8_t *buf;
    if (entry_encode(e, 1, &buf, len) < 0) abort();
    entry_destroy(&e);
    return buf;
}

/* ---- per target --------------------------------------------------------------------------- */

static void seeds_entry_content(void)
{
    char name[64];
    for (size_t i = 0; i < ncontents; i++) {
        size_t len;
        uint8_t *buf = entry_of(i, 1 + i % 3, &len);
        put("entry", contents[i].name, buf, len);
        free(buf);
        uint8_t *k = malloc(contents[i].len + 1);
        k[0] = (uint8_t)contents[i].kind;
        memcpy(k + 1, contents[i].data, contents[i].len);
        put("content", contents[i].name, k, contents[i].len + 1);
        free(k);
        snprintf(name, sizeof name, "publish-%s", contents[i].name);
        Ekonet__PublishRequest p = EKONET__PUBLISH_REQUEST__INIT;
        p.kind = contents[i].kind;
        p.content = (ProtobufCBinaryData){contents[i].len, contents[i].data};
        Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
        req.op_case = EKONET__API_REQUEST__OP_PUBLISH;
        req.publish = &p;
        buf = pack(&req.base, &len);
        put("api", name, buf, len);
        free(buf);
    }
}

static uint8_t *contact_request(size_t *len)
{
    Ekonet__ContactRequest r = EKONET__CONTACT_REQUEST__INIT;
    r.role = EKONET__CONTACT_ROLE__ROLE_OFFICIAL;
    r.subject = "Matsvinn";
    r.message = "Hur fick ni ner svinnet?";
    r.about = "indicator:GN.7";
    r.from_name = "Karin Berg";
    r.reply_to = "karin@example.se";
    return pack(&r.base, len);
}

static uint8_t *contact_reply(size_t *len)
{
    static char *langs[] = {"sv", "fi"};
    Ekonet__ContactPerson p = person("Olle Berg", "miljöstrateg", langs);
    Ekonet__ContactReply r = EKONET__CONTACT_REPLY__INIT;
    r.answer = EKONET__CONTACT_ANSWER__ANSWER_ACCEPT;
    r.text = "Ring mig!";
    r.responder = &p;
    return pack(&r.base, len);
}

/* Envelopes to this node (they open) and to another member; an ack of each. */
static void seeds_envelope(ProtobufCBinaryData *env, ProtobufCBinaryData *acks)
{
    struct errbuf err;
    size_t rlen, plen;
    uint8_t *req = contact_request(&rlen), *rep = contact_reply(&plen), reply_to[ID_SIZE];
    memset(reply_to, 0x33, sizeof reply_to);
    struct {
        const char *name;
        const struct node_key *from;
        const uint8_t *to;
        uint32_t kind;
        const uint8_t *in_reply_to, *content;
        size_t len;
    } v[] = {
        {"request-to-me", &other, me.pub, ENVELOPE_REQUEST, NULL, req, rlen},
        {"reply-to-me", &other, me.pub, ENVELOPE_REPLY, reply_to, rep, plen},
        {"request-relayed", &me, other.pub, ENVELOPE_REQUEST, NULL, req, rlen},
    };
    for (size_t i = 0; i < 3; i++) {
        uint8_t *raw, *ack;
        size_t len, alen;
        if (envelope_seal(v[i].from, network, v[i].to, v[i].kind, v[i].in_reply_to,
                          FUZZ_NOW_MS - 60000, FUZZ_NOW_MS + ENVELOPE_LIFETIME, v[i].content,
                          v[i].len, &raw, &len, &err) < 0)
            abort();
        uint8_t *tagged = malloc(len + 1);
        tagged[0] = 0;
        memcpy(tagged + 1, raw, len);
        put("envelope", v[i].name, tagged, len + 1);
        free(tagged);
        struct envelope e;
        if (envelope_decode(raw, len, &e) != ENV_OK) abort();
        const struct node_key *to = v[i].to == me.pub ? &me : &other;
        if (ack_make(to, &e, &ack, &alen) < 0) abort();
        envelope_clear(&e);
        char name[64];
        snprintf(name, sizeof name, "ack-%s", v[i].name);
        tagged = malloc(alen + 1);
        tagged[0] = 1;
        memcpy(tagged + 1, ack, alen);
        put("envelope", name, tagged, alen + 1);
        free(tagged);
        env[i] = (ProtobufCBinaryData){len, raw};
        acks[i] = (ProtobufCBinaryData){alen, ack};
    }
    Ekonet__ContactSendRequest cs = EKONET__CONTACT_SEND_REQUEST__INIT;
    cs.member = "1280";
    cs.request = ekonet__contact_request__unpack(NULL, rlen, req);
    Ekonet__ApiRequest api = EKONET__API_REQUEST__INIT;
    api.op_case = EKONET__API_REQUEST__OP_CONTACT_SEND;
    api.contact_send = &cs;
    size_t len;
    uint8_t *buf = pack(&api.base, &len);
    put("api", "contact-send", buf, len);
    free(buf);
    ekonet__contact_request__free_unpacked(cs.request, NULL);
    free(req);
    free(rep);
}

static void seeds_beacon(ProtobufCBinaryData *out)
{
    uint64_t heads[] = {42, 0};
    for (int i = 0; i < 2; i++) {
        const struct node_key *k = i ? &other : &me;
        Ekonet__BeaconBody b = EKONET__BEACON_BODY__INIT;
        b.network = (ProtobufCBinaryData){ID_SIZE, network};
        b.node = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)k->pub};
        b.time_ms = FUZZ_NOW_MS - 30000;
        b.interval_s = 60;
        b.agent = "ekonetd/0.1.0";
        b.started_ms = FUZZ_NOW_MS - 86400000;
        b.sessions = 3;
        b.entries = 1234;
        b.board_seq = 7;
        b.n_member_heads = i ? 0 : 2;
        b.member_heads = heads;
        b.outbox = 1;
        b.relay = 2;
        uint8_t *raw;
        size_t len;
        if (beacon_seal(k, &b, &raw, &len) < 0) abort();
        put("beacon", i ? "other-no-heads" : "me-two-heads", raw, len);
        out[i] = (ProtobufCBinaryData){len, raw};
    }
}

static void put_peer(const char *name, Ekonet__PeerMessage *m)
{
    size_t len;
    uint8_t *buf = pack(&m->base, &len);
    put("peer", name, buf, len);
    free(buf);
}

static void seeds_peer(ProtobufCBinaryData *env, ProtobufCBinaryData *acks,
                       ProtobufCBinaryData *beacons)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello hello = EKONET__HELLO__INIT;
    hello.version = 1;
    hello.network = (ProtobufCBinaryData){ID_SIZE, network};
    hello.agent = "ekonetd/0.1.0";
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &hello;
    put_peer("hello", &m);

    Ekonet__FeedHead h1 = EKONET__FEED_HEAD__INIT, h2 = EKONET__FEED_HEAD__INIT;
    Ekonet__FeedHead *heads[] = {&h1, &h2};
    h1.author = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    h1.seq = 42;
    h2.author = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    h2.seq = 3;
    static uint8_t head_id[ID_SIZE] = {0x1d};
    h2.has_id = 1;
    h2.id = (ProtobufCBinaryData){ID_SIZE, head_id};
    Ekonet__Frontier f = EKONET__FRONTIER__INIT;
    f.n_heads = 2;
    f.heads = heads;
    m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
    m.frontier = &f;
    put_peer("frontier", &m);
    Ekonet__Have have = EKONET__HAVE__INIT;
    have.n_heads = 2;
    have.heads = heads;
    m.body_case = EKONET__PEER_MESSAGE__BODY_HAVE;
    m.have = &have;
    put_peer("have", &m);
    Ekonet__PushMode pm = EKONET__PUSH_MODE__INIT;
    m.body_case = EKONET__PEER_MESSAGE__BODY_PUSH_MODE;
    m.push_mode = &pm;
    put_peer("push-mode", &m);

    Ekonet__Want w = EKONET__WANT__INIT;
    w.author = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    w.from = 1;
    w.limit = 512;
    m.body_case = EKONET__PEER_MESSAGE__BODY_WANT;
    m.want = &w;
    put_peer("want", &m);

    uint8_t d[16];
    memset(d, 0xd1, sizeof d);
    Ekonet__Digest dg = EKONET__DIGEST__INIT;
    dg.digest = (ProtobufCBinaryData){sizeof d, d};
    dg.feeds = 2;
    m.body_case = EKONET__PEER_MESSAGE__BODY_DIGEST;
    m.digest = &dg;
    put_peer("digest", &m);

    ProtobufCBinaryData ents[16];
    for (size_t i = 0; i < ncontents; i++) ents[i].data = entry_of(i, 1 + i, &ents[i].len);
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.has_author = 1;
    es.author = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    es.has_from = 1;
    es.from = 1;
    es.n_entries = ncontents;
    es.entries = ents;
    es.has_done = 1;
    es.done = 1;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    put_peer("entries", &m);

    Ekonet__ForkProof fp = EKONET__FORK_PROOF__INIT;
    size_t alen, blen;
    uint8_t *a = entry_of(0, 5, &alen), *b = entry_of(1, 5, &blen);
    fp.a = (ProtobufCBinaryData){alen, a};
    fp.b = (ProtobufCBinaryData){blen, b};
    m.body_case = EKONET__PEER_MESSAGE__BODY_FORK_PROOF;
    m.fork_proof = &fp;
    put_peer("fork-proof", &m);

    Ekonet__Envelopes ev = EKONET__ENVELOPES__INIT;
    ev.n_envelopes = 3;
    ev.envelopes = env;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENVELOPES;
    m.envelopes = &ev;
    put_peer("envelopes", &m);
    Ekonet__Acks ak = EKONET__ACKS__INIT;
    ak.n_acks = 3;
    ak.acks = acks;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ACKS;
    m.acks = &ak;
    put_peer("acks", &m);
    Ekonet__Beacons bs = EKONET__BEACONS__INIT;
    bs.n_beacons = 2;
    bs.beacons = beacons;
    m.body_case = EKONET__PEER_MESSAGE__BODY_BEACONS;
    m.beacons = &bs;
    put_peer("beacons", &m);
    Ekonet__Bye bye = EKONET__BYE__INIT;
    bye.reason = "shutting down";
    m.body_case = EKONET__PEER_MESSAGE__BODY_BYE;
    m.bye = &bye;
    put_peer("bye", &m);

    /* the API's PublishEntry carries the same entries */
    for (size_t i = 0; i < ncontents; i += 3) {
        Ekonet__PublishEntryRequest pe = EKONET__PUBLISH_ENTRY_REQUEST__INIT;
        pe.entry = ents[i];
        Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
        req.op_case = EKONET__API_REQUEST__OP_PUBLISH_ENTRY;
        req.publish_entry = &pe;
        char name[64];
        snprintf(name, sizeof name, "publish-entry-%s", contents[i].name);
        size_t len;
        uint8_t *buf = pack(&req.base, &len);
        put("api", name, buf, len);
        free(buf);
    }

    /* a bundle: the board feed (charter, admit, catalogue) and a seed */
    size_t board_idx[3], nb = 0;
    for (size_t i = 0; i < ncontents; i++)
        if (board_kind(contents[i].kind) && nb < 3) board_idx[nb++] = i;
    Ekonet__Entry *board_feed[3];
    for (size_t i = 0; i < nb; i++) {
        size_t len;
        uint8_t *buf = entry_of(board_idx[i], 1 + i, &len);
        board_feed[i] = ekonet__entry__unpack(NULL, len, buf);
        free(buf);
    }
    char seed[200], hex[2 * KEY_SIZE + 1];
    for (size_t i = 0; i < KEY_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", me.pub[i]);
    snprintf(seed, sizeof seed, "%s@tcp://192.0.2.7:7650", hex);
    char *seeds[] = {seed};
    Ekonet__Bundle bu = EKONET__BUNDLE__INIT;
    bu.n_board = nb;
    bu.board = board_feed;
    bu.n_seeds = 1;
    bu.seeds = seeds;
    size_t len;
    uint8_t *buf = pack(&bu.base, &len);
    put("bundle", "raw", buf, len);
    char *text = armor_encode("BUNDLE", "the network's board feed", buf, len);
    put("bundle", "armored", text, strlen(text));
    free(text);
    free(buf);
    for (size_t i = 0; i < nb; i++) ekonet__entry__free_unpacked(board_feed[i], NULL);

    for (size_t i = 0; i < ncontents; i++) free(ents[i].data);
    free(a);
    free(b);
}

static void seeds_api_misc(void)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__StatusRequest st = EKONET__STATUS_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_STATUS;
    req.status = &st;
    size_t len;
    uint8_t *buf = pack(&req.base, &len);
    put("api", "status", buf, len);
    free(buf);
    Ekonet__ContactReplyRequest cr = EKONET__CONTACT_REPLY_REQUEST__INIT;
    cr.id = "5c1e";
    cr.answer = EKONET__CONTACT_ANSWER__ANSWER_TEXT;
    cr.text = "Ring mig!";
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_REPLY;
    req.contact_reply = &cr;
    buf = pack(&req.base, &len);
    put("api", "contact-reply", buf, len);
    free(buf);
}

/* ---- the handler targets: a node in the charter's network (fixture.c) ---------------------- */

static uint8_t charter_net[ID_SIZE];

/* Appends a message to a node input: a 2-byte big-endian length, then the message. */
static void add_message(uint8_t **buf, size_t *len, const Ekonet__PeerMessage *m)
{
    size_t k;
    uint8_t *msg = pack(&m->base, &k);
    if (k > 0xffff) abort();
    uint8_t *grown = realloc(*buf, *len + 2 + k);
    if (!grown) abort();
    grown[*len] = (uint8_t)(k >> 8);
    grown[*len + 1] = (uint8_t)k;
    memcpy(grown + *len + 2, msg, k);
    *buf = grown;
    *len += 2 + k;
    free(msg);
}

static void add_hello(uint8_t **buf, size_t *len)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello hello = EKONET__HELLO__INIT;
    hello.version = 1;
    hello.network = (ProtobufCBinaryData){ID_SIZE, charter_net};
    hello.agent = "ekonetd/0.1.0";
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &hello;
    add_message(buf, len, &m);
}

static void add_heads(uint8_t **buf, size_t *len, int have, uint64_t attacker_seq)
{
    Ekonet__FeedHead h[3] = {EKONET__FEED_HEAD__INIT, EKONET__FEED_HEAD__INIT,
                             EKONET__FEED_HEAD__INIT};
    Ekonet__FeedHead *heads[] = {&h[0], &h[1], &h[2]};
    h[0].author = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    h[0].seq = attacker_seq;
    h[1].author = (ProtobufCBinaryData){ID_SIZE, charter_net}; /* the board feed */
    h[1].seq = 3;
    h[2].author = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    h[2].seq = 7;
    /* ids: the board feed's another than the node's (a fork probe), the node's own a claim */
    static uint8_t other_id[ID_SIZE] = {0xf0, 0x4c};
    h[1].has_id = h[2].has_id = 1;
    h[1].id = h[2].id = (ProtobufCBinaryData){ID_SIZE, other_id};
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Frontier f = EKONET__FRONTIER__INIT;
    Ekonet__Have hv = EKONET__HAVE__INIT;
    if (have) {
        hv.n_heads = 1;
        hv.heads = heads;
        m.body_case = EKONET__PEER_MESSAGE__BODY_HAVE;
        m.have = &hv;
    } else {
        f.n_heads = 3;
        f.heads = heads;
        m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
        m.frontier = &f;
    }
    add_message(buf, len, &m);
}

static void add_want(uint8_t **buf, size_t *len, const uint8_t *author, uint64_t from,
                     uint32_t limit)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Want w = EKONET__WANT__INIT;
    w.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    w.from = from;
    w.limit = limit;
    m.body_case = EKONET__PEER_MESSAGE__BODY_WANT;
    m.want = &w;
    add_message(buf, len, &m);
}

/* The attacker's own feed from seq 1, chained and signed: the contents that are no board act
   and name no other entry. Returns how many. */
static size_t attacker_feed(ProtobufCBinaryData *out)
{
    uint8_t prev[ID_SIZE];
    size_t k = 0;
    for (size_t i = 0; i < ncontents; i++) {
        uint32_t kind = contents[i].kind;
        if (board_kind(kind) || kind == EKONET__ENTRY_KIND__KIND_RETRACT ||
            kind == EKONET__ENTRY_KIND__KIND_REDACT || kind == EKONET__ENTRY_KIND__KIND_PROFILE)
            continue;
        struct entry *e = entry_new(charter_net, other.pub, k + 1, k ? prev : NULL, FUZZ_NOW_MS + k,
                                    kind, contents[i].data, contents[i].len);
        if (!e || entry_sign(e, &other) < 0 || entry_encode(e, 1, &out[k].data, &out[k].len) < 0)
            abort();
        memcpy(prev, e->id, ID_SIZE);
        entry_destroy(&e);
        k++;
    }
    return k;
}

/* Hello, the attacker's frontier and a Have, Wants of the board feed and of this node's feed,
   the attacker's feed as the answer to a want, a Digest. */
static void seeds_node_sync(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    ProtobufCBinaryData feed[16];
    size_t nfeed = attacker_feed(feed);
    add_hello(&buf, &len);
    add_heads(&buf, &len, 0, nfeed);
    add_heads(&buf, &len, 1, nfeed + 1);
    add_want(&buf, &len, charter_net, 1, 512);
    add_want(&buf, &len, me.pub, 1, 512);
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.has_author = es.has_from = es.has_done = 1;
    es.author = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    es.from = 1;
    es.n_entries = nfeed;
    es.entries = feed;
    es.done = 1;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    add_message(&buf, &len, &m);
    uint8_t d[FRONTIER_DIGEST];
    memset(d, 0xd1, sizeof d);
    Ekonet__Digest dg = EKONET__DIGEST__INIT;
    dg.digest = (ProtobufCBinaryData){sizeof d, d};
    dg.feeds = 2;
    m.body_case = EKONET__PEER_MESSAGE__BODY_DIGEST;
    m.digest = &dg;
    add_message(&buf, &len, &m);
    put("node", "sync", buf, len);
    free(buf);
    /* the same entries pushed, one message each, after a lazy push mode */
    buf = NULL;
    len = 0;
    add_hello(&buf, &len);
    Ekonet__PushMode pm = EKONET__PUSH_MODE__INIT;
    m.body_case = EKONET__PEER_MESSAGE__BODY_PUSH_MODE;
    m.push_mode = &pm;
    add_message(&buf, &len, &m);
    Ekonet__Entries one = EKONET__ENTRIES__INIT;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &one;
    for (size_t i = 0; i < nfeed; i++) {
        one.n_entries = 1;
        one.entries = &feed[i];
        add_message(&buf, &len, &m);
    }
    put("node", "push", buf, len);
    free(buf);
    for (size_t i = 0; i < nfeed; i++) free(feed[i].data);
}

/* The edges of anti-entropy: a claimed head of 2^64 - 1 for the attacker's feed, the node's Want
   of it answered short (empty, done), Wants of limit 0 and from near 2^64. */
static void seeds_node_edges(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    add_hello(&buf, &len);
    add_heads(&buf, &len, 0, UINT64_MAX);
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.has_author = es.has_from = es.has_done = es.done = 1;
    es.author = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    es.from = 1;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    add_message(&buf, &len, &m);
    add_want(&buf, &len, me.pub, 1, 0);
    add_want(&buf, &len, me.pub, UINT64_MAX, 512);
    add_want(&buf, &len, charter_net, UINT64_MAX - 511, 512);
    put("node", "edges", buf, len);
    free(buf);
}

/*
 * Hello, an envelope from the attacker to this node and one to relay, their acks, the
 * attacker's beacon, Bye. Envelopes and beacons are dated when the seeds are made: the node
 * judges them by its clock, and refuses them once they expire (90 days; beacons sooner).
 */
static void seeds_node_parcels(void)
{
    uint8_t *buf = NULL, *raw[2], *ack[2], *rq;
    size_t len = 0, rlen, alen[2], rawlen[2];
    struct errbuf err;
    uint64_t now = (uint64_t)time(NULL) * 1000;
    struct node_key third;
    fuzz_key(&third, 4);
    add_hello(&buf, &len);
    rq = contact_request(&rlen);
    const uint8_t *to[] = {me.pub, third.pub};
    for (int i = 0; i < 2; i++) {
        struct envelope e;
        if (envelope_seal(&other, charter_net, to[i], ENVELOPE_REQUEST, NULL, now - 60000,
                          now + ENVELOPE_LIFETIME_MAX - 60000, rq, rlen, &raw[i], &rawlen[i],
                          &err) < 0 ||
            envelope_decode(raw[i], rawlen[i], &e) != ENV_OK ||
            ack_make(i ? &third : &me, &e, &ack[i], &alen[i]) < 0)
            abort();
        envelope_clear(&e);
    }
    ProtobufCBinaryData env[] = {{rawlen[0], raw[0]}, {rawlen[1], raw[1]}},
                        acks[] = {{alen[0], ack[0]}, {alen[1], ack[1]}};
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Envelopes ev = EKONET__ENVELOPES__INIT;
    ev.n_envelopes = 2;
    ev.envelopes = env;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENVELOPES;
    m.envelopes = &ev;
    add_message(&buf, &len, &m);
    Ekonet__Acks ak = EKONET__ACKS__INIT;
    ak.n_acks = 2;
    ak.acks = acks;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ACKS;
    m.acks = &ak;
    add_message(&buf, &len, &m);
    uint64_t heads[] = {5, 0};
    Ekonet__BeaconBody b = EKONET__BEACON_BODY__INIT;
    b.network = (ProtobufCBinaryData){ID_SIZE, charter_net};
    b.node = (ProtobufCBinaryData){KEY_SIZE, other.pub};
    b.time_ms = now;
    b.interval_s = 60;
    b.agent = "ekonetd/0.1.0";
    b.started_ms = now - 86400000;
    b.sessions = 1;
    b.entries = 8;
    b.board_seq = 3;
    b.n_member_heads = 2;
    b.member_heads = heads;
    uint8_t *beacon;
    size_t blen;
    if (beacon_seal(&other, &b, &beacon, &blen) < 0) abort();
    ProtobufCBinaryData beacons[] = {{blen, beacon}};
    Ekonet__Beacons bs = EKONET__BEACONS__INIT;
    bs.n_beacons = 1;
    bs.beacons = beacons;
    m.body_case = EKONET__PEER_MESSAGE__BODY_BEACONS;
    m.beacons = &bs;
    add_message(&buf, &len, &m);
    Ekonet__Bye bye = EKONET__BYE__INIT;
    bye.reason = "shutting down";
    m.body_case = EKONET__PEER_MESSAGE__BODY_BYE;
    m.bye = &bye;
    add_message(&buf, &len, &m);
    put("node", "parcels", buf, len);
    free(buf);
    free(rq);
    free(beacon);
    for (int i = 0; i < 2; i++) {
        free(raw[i]);
        free(ack[i]);
    }
}

static void put_request(const char *name, Ekonet__ApiRequest *req)
{
    size_t len;
    uint8_t *buf = pack(&req->base, &len);
    put("apihandler", name, buf, len);
    free(buf);
}

/* Requests that read what the node holds, each with the fields a user would give. */
static void seeds_apihandler_reads(void)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ReportListRequest rl = EKONET__REPORT_LIST_REQUEST__INIT;
    rl.query = "biogas";
    rl.member = "1280";
    req.op_case = EKONET__API_REQUEST__OP_REPORT_LIST;
    req.report_list = &rl;
    put_request("report-list", &req);
    Ekonet__ReportGetRequest rg = EKONET__REPORT_GET_REQUEST__INIT;
    rg.id = "5e5e";
    req.op_case = EKONET__API_REQUEST__OP_REPORT_GET;
    req.report_get = &rg;
    put_request("report-get", &req);
    Ekonet__NetworkRequest nw = EKONET__NETWORK_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_NETWORK;
    req.network = &nw;
    put_request("network", &req);
    Ekonet__MemberListRequest ml = EKONET__MEMBER_LIST_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_MEMBER_LIST;
    req.member_list = &ml;
    put_request("member-list", &req);
    Ekonet__BoardFeedRequest bf = EKONET__BOARD_FEED_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_BOARD_FEED;
    req.board_feed = &bf;
    put_request("board-feed", &req);
    Ekonet__PeerListRequest pl = EKONET__PEER_LIST_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PEER_LIST;
    req.peer_list = &pl;
    put_request("peer-list", &req);
    Ekonet__EventListRequest el = EKONET__EVENT_LIST_REQUEST__INIT;
    el.member = "Malmö stad";
    req.op_case = EKONET__API_REQUEST__OP_EVENT_LIST;
    req.event_list = &el;
    put_request("event-list", &req);
    Ekonet__CatalogueRequest cat = EKONET__CATALOGUE_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CATALOGUE;
    req.catalogue = &cat;
    put_request("catalogue", &req);
    Ekonet__SnapshotRequest sn = EKONET__SNAPSHOT_REQUEST__INIT;
    sn.member = "2518";
    sn.has_year = 1;
    sn.year = 2023;
    req.op_case = EKONET__API_REQUEST__OP_SNAPSHOT;
    req.snapshot = &sn;
    put_request("snapshot", &req);
    static char *codes[] = {"GN.7", "GN.11"};
    Ekonet__TrendRequest tr = EKONET__TREND_REQUEST__INIT;
    tr.n_codes = 2;
    tr.codes = codes;
    req.op_case = EKONET__API_REQUEST__OP_TREND;
    req.trend = &tr;
    put_request("trend", &req);
    tr.has_history = tr.history = 1;
    put_request("trend-history", &req);
    Ekonet__ExamplesRequest ex = EKONET__EXAMPLES_REQUEST__INIT;
    ex.code = "GN.7";
    req.op_case = EKONET__API_REQUEST__OP_EXAMPLES;
    req.examples = &ex;
    put_request("examples", &req);
    Ekonet__AcrossRequest ac = EKONET__ACROSS_REQUEST__INIT;
    ac.code = "GN.11";
    req.op_case = EKONET__API_REQUEST__OP_ACROSS;
    req.across = &ac;
    put_request("across", &req);
    Ekonet__ProfileGetRequest pg = EKONET__PROFILE_GET_REQUEST__INIT;
    pg.member = "1280";
    req.op_case = EKONET__API_REQUEST__OP_PROFILE_GET;
    req.profile_get = &pg;
    put_request("profile-get", &req);
    Ekonet__ContactListRequest cl = EKONET__CONTACT_LIST_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_LIST;
    req.contact_list = &cl;
    put_request("contact-list", &req);
    Ekonet__ContactGetRequest cg = EKONET__CONTACT_GET_REQUEST__INIT;
    cg.id = "5c1e";
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_GET;
    req.contact_get = &cg;
    put_request("contact-get", &req);
    Ekonet__NetworkStatusRequest ns = EKONET__NETWORK_STATUS_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_NETWORK_STATUS;
    req.network_status = &ns;
    put_request("network-status", &req);
    Ekonet__ReachRequest rc = EKONET__REACH_REQUEST__INIT;
    rc.id = "5e5e5e5e";
    req.op_case = EKONET__API_REQUEST__OP_REACH;
    req.reach = &rc;
    put_request("reach", &req);
    /* a backup, and the question how it goes (the target keeps the path in its directory) */
    Ekonet__BackupRequest bk = EKONET__BACKUP_REQUEST__INIT;
    bk.path = "/var/lib/ekonet/backups/ekonet-2026-11-26.db";
    bk.has_force = bk.force = 1;
    req.op_case = EKONET__API_REQUEST__OP_BACKUP;
    req.backup = &bk;
    put_request("backup", &req);
    Ekonet__BackupRequest bq = EKONET__BACKUP_REQUEST__INIT;
    bq.has_job = 1;
    bq.job = 1;
    req.backup = &bq;
    put_request("backup-progress", &req);
}

static void seeds_application(void)
{
    static char *langs[] = {"sv", "fi"};
    Ekonet__ContactPerson pol = person("Anna Andersson", "ordförande", langs),
                          off = person("Olle Berg", "miljöstrateg", langs);
    Ekonet__Application a = EKONET__APPLICATION__INIT;
    a.node_key = (ProtobufCBinaryData){KEY_SIZE, me.pub};
    a.name = "Övertorneå kommun";
    a.code = "2518";
    a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    a.endpoint = "tcp://ekonet.overtornea.se:7650";
    a.politician = &pol;
    a.official = &off;
    a.created_ms = FUZZ_NOW_MS;
    uint8_t *buf;
    size_t len;
    if (application_sign(&a, &me, &buf, &len) < 0) abort();
    put("application", "raw", buf, len);
    char *text = armor_encode("APPLICATION", "Övertorneå kommun (2518)", buf, len);
    put("application", "armored", text, strlen(text));
    free(text);
    free(buf);
    buf = rotation(&len);
    put("application", "rotation-raw", buf, len);
    text = armor_encode("ROTATION", "Övertorneå kommun (2518): a new node key", buf, len);
    put("application", "rotation-armored", text, strlen(text));
    free(text);
    free(buf);
}

static void seeds_proposal(void)
{
    for (size_t i = 0; i < ncontents; i++) {
        if (!board_kind(contents[i].kind) && contents[i].kind != EKONET__ENTRY_KIND__KIND_REDACT)
            continue;
        struct entry *e = entry_new(network, network, 2, network, FUZZ_NOW_MS, contents[i].kind,
                                    contents[i].data, contents[i].len);
        if (!e || entry_sign(e, &board[0]) < 0) abort();
        uint8_t *buf;
        size_t len;
        if (entry_encode(e, 1, &buf, &len) < 0) abort();
        char *text = armor_encode("PROPOSAL", "a board act", buf, len);
        put("proposal", contents[i].name, text, strlen(text));
        free(text);
        free(buf);
        entry_destroy(&e);
    }
}

static void seeds_text(void)
{
    static const char *config[][2] = {
        {"minimal", "[node]\nname = Övertorneå kommun\ncode = 2518\n[network]\n"
                    "id = 5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e\n"},
        {"full", "# ekonetd.conf\n[node]\nname = Övertorneå kommun\ncode = 2518\n"
                 "listen = tcp://*:7650\nadvertise = tcp://ekonet.overtornea.se:7650\n"
                 "log_level = info\ndata_dir = /var/lib/ekonet\n\n[network]\n"
                 "id = 5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e\n"
                 "seed = SEEDKEY@tcp://192.0.2.7:7650\nallow = SEEDKEY\n\n"
                 "[peers]\noutbound = 8\nmax_sessions = 128\ndigest_interval = 30\n"
                 "beacon_interval = 60\ndial_members = yes\n\n[limits]\n"
                 "max_content = 262144\nmax_api_request = 1048576\n"
                 "max_peer_message = 4194304\nrelay_store = 67108864\nrelay_per_member = 1000\n"
                 "\n[metrics]\nlisten = 127.0.0.1:7651\n"},
        {"metrics-v6", "[node]\nname = Region Gävleborg\ncode = 21\n[network]\n"
                       "id = 5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e\n"
                       "[metrics]\nlisten = [::1]:7651\n"},
        {"bad-line", "[node]\nname\n"},
    };
    char hex[2 * KEY_SIZE + 1];
    for (size_t i = 0; i < KEY_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", me.pub[i]);
    for (size_t i = 0; i < sizeof config / sizeof config[0]; i++) {
        char text[2048], *p = text;
        for (const char *s = config[i][1]; *s;)
            if (strncmp(s, "SEEDKEY", 7) == 0) {
                p += sprintf(p, "%s", hex);
                s += 7;
            } else {
                *p++ = *s++;
            }
        *p = '\0';
        put("config", config[i][0], text, strlen(text));
    }

    static const char *csv[][2] = {
        {"comma", "code,year,value\nGN.7,2023,412\nGN.11,2023,\"38,5\"\n"},
        {"semicolon", "code;year;value;note\nGN.7;2022;398;\"enligt \"\"SCB\"\"\"\n"
                      "GN.11;2022;38,5;\n"},
        {"catalogue", "code,name_sv,name_en,unit,better,source\n"
                      "GN.7,Mängd hushållsavfall,Household waste,kg/inv,lower,Avfall Sverige\n"
                      "X.1,Egen,Own,%,higher,\n"},
        {"catalogue-ranges", "code,name_sv,name_en,unit,better,source,min,max\n"
                             "GN.7,Mängd hushållsavfall,Household waste,kg/inv,lower,,0,1500\n"
                             "X.1,Egen,Own,ton,lower,,-5,\n"},
        {"crlf", "code,year,value\r\nGN.2,2021,\"1 234,5\"\r\n"},
    };
    for (size_t i = 0; i < sizeof csv / sizeof csv[0]; i++)
        put("csv", csv[i][0], csv[i][1], strlen(csv[i][1]));

    static const char *kolada[][2] = {
        {"values", "{\"count\":2,\"values\":[{\"kpi\":\"N15428\",\"municipality\":\"1280\","
                   "\"period\":2022,\"values\":[{\"count\":1,\"gender\":\"T\",\"status\":\"\","
                   "\"value\":412.5},{\"gender\":\"K\",\"value\":1}]},{\"kpi\":\"U07414\","
                   "\"municipality\":\"1280\",\"period\":2023,\"values\":[{\"gender\":\"T\","
                   "\"value\":null}]}]}"},
        {"array", "[{\"kpi\":\"N00401\",\"municipality\":\"1280\",\"period\":2020,"
                  "\"values\":[{\"gender\":\"T\",\"value\":12}]},{\"kpi\":\"N15428\","
                  "\"municipality\":\"0180\",\"period\":2020,\"values\":[{\"gender\":\"T\","
                  "\"value\":5}]}]"},
        /* the pages of one answer, split at 0x1E as fuzz_kolada reads them */
        {"pages", "{\"count\":3,\"values\":[{\"kpi\":\"U07801\",\"municipality\":\"1280\","
                  "\"period\":2021,\"values\":[{\"gender\":\"T\",\"value\":455}]}],"
                  "\"next_page\":\"http://api.kolada.se/v2/data/kpi/U07801/year/2021,2022,2023"
                  "?page=2&per_page=1\",\"previous_page\":null}\x1e"
                  "{\"count\":3,\"values\":[{\"kpi\":\"U07801\",\"municipality\":\"1280\","
                  "\"period\":\"2022\",\"values\":[{\"gender\":\"T\",\"value\":431}]}],"
                  "\"next_page\":\"http://api.kolada.se/v2/data/kpi/U07801/year/2021,2022,2023"
                  "?page=3&per_page=1\",\"previous_page\":\"http://api.kolada.se/v2/data/kpi/"
                  "U07801/year/2021,2022,2023?page=1&per_page=1\"}\x1e"
                  "{\"count\":3,\"values\":[{\"kpi\":\"U07801\",\"municipality\":\"1280\","
                  "\"period\":2023,\"values\":[{\"gender\":\"T\",\"value\":null}]}],"
                  "\"previous_page\":\"http://api.kolada.se/v2/data/kpi/U07801/year/2021,2022,"
                  "2023?page=2&per_page=1\"}"},
        {"page-missing", "{\"count\":2,\"values\":[],\"next_url\":\"http://api.kolada.se/v2/"
                         "data/municipality/1280/year/2020?page=2\"}\x1e"
                         "{\"count\":2,\"values\":[],\"previous_url\":\"http://api.kolada.se/"
                         "v2/data/municipality/0180/year/2020?page=2\"}"},
        {"gender-km", "{\"count\":1,\"values\":[{\"kpi\":\"N15428\",\"municipality\":"
                      "\"1280\",\"period\":2022,\"values\":[{\"gender\":\"K\",\"value\":"
                      "80},{\"gender\":\"M\",\"value\":61}]}]}"},
        {"table", "kpi,code,name_sv,catalogue,kolada_title,source\n"
                  "U07801,GN.7,Mängd hushållsavfall,default,\"Insamlat hushållsavfall totalt, "
                  "kg/person\",Kolada\n"},
    };
    for (size_t i = 0; i < sizeof kolada / sizeof kolada[0]; i++)
        put("kolada", kolada[i][0], kolada[i][1], strlen(kolada[i][1]));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    if (mkdir(root, 0755) < 0 && errno != EEXIST) return 1;
    fuzz_key(&me, 0);
    fuzz_key(&other, 1);
    fuzz_key(&board[0], 2);
    fuzz_key(&board[1], 3);
    fuzz_network(network);
    make_contents();
    ProtobufCBinaryData env[3], acks[3], beacons[2];
    seeds_entry_content();
    seeds_envelope(env, acks);
    seeds_beacon(beacons);
    seeds_peer(env, acks, beacons);
    seeds_api_misc();
    fuzz_charter_network(charter_net);
    seeds_node_sync();
    seeds_node_edges();
    seeds_node_parcels();
    seeds_apihandler_reads();
    seeds_application();
    seeds_proposal();
    seeds_text();
    for (int i = 0; i < 3; i++) {
        free(env[i].data);
        free(acks[i].data);
    }
    for (int i = 0; i < 2; i++) free(beacons[i].data);
    return 0;
}
