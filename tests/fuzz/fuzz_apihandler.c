/*
 * One local API request through a real node's handler (fixture.h): the input is the request's
 * frame, answered by api_answer as api_handle answers a client, with the node's own store,
 * roster and sessions; then the loop runs until the checker is idle and once more with its tick
 * due. Requests that publish do publish (the store grows by an entry, as it would for a user);
 * none may block or stop the node.
 *
 * run.sh runs this target under -rss_limit_mb and -malloc_limit_mb (tests/fuzz/CMakeLists.txt):
 * a request that makes the node hold memory without bound fails the run.
 */
#include "api.h"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fixture_node();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct node *n = fixture_node();
    size_t len;
    uint8_t *reply = api_answer(n, data, size, 1, &len);
    /* every request gets a reply that decodes, an error or a result */
    Ekonet__ApiReply *r = reply ? ekonet__api_reply__unpack(NULL, len, reply) : NULL;
    if (reply && !r) abort();
    if (r) ekonet__api_reply__free_unpacked(r, NULL);
    free(reply);
    fixture_settle(n);
    fixture_reset(n, 1);
    return 0;
}
