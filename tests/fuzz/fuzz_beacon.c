/*
 * A beacon from a peer (Beacons): peeked at for its sender and time, then opened (decoded,
 * checked against the network and the clock, its signature verified) as the node does; the
 * heads of one that opens are read against a roster of two members, as `ekonet network` does.
 */
#include "ekonet/beacon.h"
#include "ekonet/envelope.h"
#include "ekonet/roster.h"
#include "fuzz.h"

static uint8_t network[ID_SIZE];
static struct member members[2];
static struct roster roster;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    fuzz_network(network);
    struct node_key k;
    for (int i = 0; i < 2; i++) {
        fuzz_key(&k, i);
        memcpy(members[i].key, k.pub, KEY_SIZE);
    }
    if (memcmp(members[0].key, members[1].key, KEY_SIZE) > 0) { /* sorted, as the roster is */
        struct member t = members[0];
        members[0] = members[1];
        members[1] = t;
    }
    memcpy(roster.network, network, ID_SIZE);
    roster.board_seq = 7;
    roster.members = members;
    roster.nmembers = 2;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t node[KEY_SIZE];
    uint64_t time_ms = 0;
    int peeked = beacon_peek(data, size, node, &time_ms);
    Ekonet__BeaconBody *b = NULL;
    if (beacon_open(data, size, network, FUZZ_NOW_MS, &b) == ENV_OK) {
        if (peeked < 0 || memcmp(node, b->node.data, KEY_SIZE) != 0 || time_ms != b->time_ms)
            abort(); /* what peek says is what open checked */
        uint64_t seq;
        for (int i = 0; i < 2; i++)
            if (beacon_head(b, &roster, members[i].key, &seq) && seq != b->member_heads[i]) abort();
        ekonet__beacon_body__free_unpacked(b, NULL);
    }
    if (peeked == 0 && beacon_open(data, size, network, time_ms, &b) == ENV_OK)
        ekonet__beacon_body__free_unpacked(b, NULL);
    return 0;
}
