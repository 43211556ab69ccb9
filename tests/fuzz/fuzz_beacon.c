/*
 * A beacon from a peer (Beacons): peeked at for its sender and time, then opened (decoded,
 * checked against the network and the clock, its signature verified) as the node does.
 */
#include "ekonet/beacon.h"
#include "ekonet/envelope.h"
#include "fuzz.h"

static uint8_t network[ID_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    fuzz_network(network);
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
        ekonet__beacon_body__free_unpacked(b, NULL);
    }
    if (peeked == 0 && beacon_open(data, size, network, time_ms, &b) == ENV_OK)
        ekonet__beacon_body__free_unpacked(b, NULL);
    return 0;
}
