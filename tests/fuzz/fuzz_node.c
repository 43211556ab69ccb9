/*
 * A sequence of peer messages through a real node (fixture.h): each input is split into
 * messages, each a 2-byte big-endian length and that many bytes (the last takes what is left),
 * which the attacker's admitted key sends over one connection through sync_inbound, as
 * peer_handle passes them on. Then the loop runs until the checker has stored what it was given,
 * and once more with its tick due (node_step: Wants served, digests, timeouts, beacons).
 *
 * Between inputs the attacker's session and the node's records of its conduct are dropped
 * (fixture_reset), so that each input is handled as it would be alone; the store keeps what it
 * accepted, which is only what the fixture's keys signed and the fuzzer can replay. Setting
 * EKONET_FUZZ_SESSION_INPUTS=N keeps the session for N inputs instead (only the records go), as
 * a long connection: growth that needs more messages than one input holds then shows, but a
 * failure needs the inputs before it to reproduce.
 *
 * run.sh runs this target under -rss_limit_mb and -malloc_limit_mb (tests/fuzz/CMakeLists.txt):
 * a peer that makes the node hold memory without bound fails the run.
 */
#include "fixture.h"
#include "sync.h"

static const uint8_t rid[] = {0, 0x66, 0x75, 0x7a, 0x7a}; /* a routing id with no connection */
static long session_inputs = 1, inputs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *keep = getenv("EKONET_FUZZ_SESSION_INPUTS");
    long k = keep ? strtol(keep, NULL, 10) : 0;
    if (k > 0) session_inputs = k;
    (void)fixture_node();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct node *n = fixture_node();
    const uint8_t *attacker = fixture_attacker()->pub;
    while (size >= 2) {
        size_t len = (size_t)data[0] << 8 | data[1];
        data += 2;
        size -= 2;
        if (len > size) len = size;
        sync_inbound(n, attacker, rid, sizeof rid, "127.0.0.1", data, len);
        data += len;
        size -= len;
    }
    fixture_settle(n);
    fixture_reset(n, ++inputs % session_inputs == 0);
    return 0;
}
