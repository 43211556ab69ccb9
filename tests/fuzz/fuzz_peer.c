/*
 * One frame from a peer: a PeerMessage, bounded by the default max_peer_message, unpacked and
 * then, for its body, the decoding and checks the node runs before it touches its store: the
 * Hello's version and network, the heads of a Frontier or a Have, the Digest, every entry of an
 * Entries message (decoded, checked, its content checked), both entries of a ForkProof, and every
 * envelope, ack and beacon carried. The daemon's limits per message are the same as here.
 */
#include "ekonet/beacon.h"
#include "ekonet/config.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "ekonet/envelope.h"
#include "ekonet/frontier.h"
#include "fuzz.h"
#include "wire.pb-c.h"

#define FUZZ_FRONTIER_MAX 4096
#define FUZZ_HAVE_MAX     4096
#define FUZZ_ENTRIES_MAX  1024
#define FUZZ_PARCELS_MAX  512

static uint8_t network[ID_SIZE];
static struct frontier *ours;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    fuzz_network(network);
    if (!(ours = frontier_new())) abort();
    return 0;
}

static void one_entry(const ProtobufCBinaryData *b)
{
    struct entry *e = NULL;
    if (entry_decode(b->data, b->len, entry_max_encoded(DEFAULT_MAX_CONTENT), &e) != ENTRY_OK)
        return;
    if (entry_check(e, network, DEFAULT_MAX_CONTENT) == ENTRY_OK && e->content) {
        struct errbuf why = {""};
        (void)content_check(e->kind, e->content, e->content_len, &why);
    }
    entry_destroy(&e);
}

static void fork_proof(const Ekonet__ForkProof *p)
{
    size_t max = entry_max_encoded(DEFAULT_MAX_CONTENT);
    struct entry *a = NULL, *b = NULL;
    if (entry_decode(p->a.data, p->a.len, max, &a) == ENTRY_OK &&
        entry_decode(p->b.data, p->b.len, max, &b) == ENTRY_OK &&
        memcmp(a->author, b->author, KEY_SIZE) == 0 && a->seq == b->seq &&
        memcmp(a->id, b->id, ID_SIZE) != 0) {
        (void)entry_check(a, network, DEFAULT_MAX_CONTENT);
        (void)entry_check(b, network, DEFAULT_MAX_CONTENT);
    }
    entry_destroy(&a);
    entry_destroy(&b);
}

/* The heads of a Frontier or a Have, raised into a peer's frontier as the daemon does. */
static void heads(Ekonet__FeedHead *const *v, size_t count, size_t max)
{
    if (count > max) return;
    struct frontier *theirs = frontier_new();
    if (!theirs) abort();
    for (size_t i = 0; i < count; i++)
        if (v[i]->author.len == KEY_SIZE) frontier_raise(theirs, v[i]->author.data, v[i]->seq);
    size_t pos = 0, n = 0;
    uint8_t author[KEY_SIZE];
    uint64_t seq;
    while (frontier_next(theirs, &pos, author, &seq) == 1) n++;
    if (n != frontier_count(theirs)) abort();
    frontier_destroy(&theirs);
}

static void envelopes(const Ekonet__Envelopes *m)
{
    if (m->n_envelopes > FUZZ_PARCELS_MAX) return;
    for (size_t i = 0; i < m->n_envelopes; i++) {
        struct envelope e;
        if (envelope_decode(m->envelopes[i].data, m->envelopes[i].len, &e) != ENV_OK) continue;
        (void)envelope_check(&e, network, FUZZ_NOW_MS);
        envelope_clear(&e);
    }
}

static void acks(const Ekonet__Acks *m)
{
    if (m->n_acks > FUZZ_PARCELS_MAX) return;
    for (size_t i = 0; i < m->n_acks; i++) {
        struct ack a;
        if (ack_decode(m->acks[i].data, m->acks[i].len, &a) != ENV_OK) continue;
        (void)ack_check(&a, network, FUZZ_NOW_MS);
        ack_clear(&a);
    }
}

static void beacons(const Ekonet__Beacons *m)
{
    if (m->n_beacons > 64) return;
    for (size_t i = 0; i < m->n_beacons; i++) {
        uint8_t node[KEY_SIZE];
        uint64_t time_ms;
        Ekonet__BeaconBody *b = NULL;
        (void)beacon_peek(m->beacons[i].data, m->beacons[i].len, node, &time_ms);
        if (beacon_open(m->beacons[i].data, m->beacons[i].len, network, FUZZ_NOW_MS, &b) == ENV_OK)
            ekonet__beacon_body__free_unpacked(b, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > DEFAULT_MAX_PEER) return 0;
    Ekonet__PeerMessage *m = ekonet__peer_message__unpack(NULL, size, data);
    if (!m) return 0;
    uint8_t digest[FRONTIER_DIGEST];
    switch (m->body_case) {
    case EKONET__PEER_MESSAGE__BODY_HELLO:
        (void)(m->hello->version == 1 && m->hello->network.len == ID_SIZE &&
               memcmp(m->hello->network.data, network, ID_SIZE) == 0);
        break;
    case EKONET__PEER_MESSAGE__BODY_FRONTIER:
        heads(m->frontier->heads, m->frontier->n_heads, FUZZ_FRONTIER_MAX);
        break;
    case EKONET__PEER_MESSAGE__BODY_HAVE:
        heads(m->have->heads, m->have->n_heads, FUZZ_HAVE_MAX);
        break;
    case EKONET__PEER_MESSAGE__BODY_PUSH_MODE:
        (void)m->push_mode->eager;
        break;
    case EKONET__PEER_MESSAGE__BODY_DIGEST:
        frontier_digest(ours, digest);
        (void)(m->digest->digest.len == FRONTIER_DIGEST &&
               memcmp(m->digest->digest.data, digest, FRONTIER_DIGEST) == 0);
        break;
    case EKONET__PEER_MESSAGE__BODY_ENTRIES:
        if (m->entries->n_entries <= FUZZ_ENTRIES_MAX)
            for (size_t i = 0; i < m->entries->n_entries; i++) one_entry(&m->entries->entries[i]);
        break;
    case EKONET__PEER_MESSAGE__BODY_FORK_PROOF:
        fork_proof(m->fork_proof);
        break;
    case EKONET__PEER_MESSAGE__BODY_ENVELOPES:
        envelopes(m->envelopes);
        break;
    case EKONET__PEER_MESSAGE__BODY_ACKS:
        acks(m->acks);
        break;
    case EKONET__PEER_MESSAGE__BODY_BEACONS:
        beacons(m->beacons);
        break;
    default:
        break;
    }
    ekonet__peer_message__free_unpacked(m, NULL);
    return 0;
}
