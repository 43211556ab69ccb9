/*
 * One local API request through a real node's handler (fixture.h): the input is the request's
 * frame, answered by api_answer as api_handle answers a client, with the node's own store,
 * roster and sessions; then the loop runs until the checker is idle and once more with its tick
 * due. Requests that publish do publish (the store grows by an entry, as it would for a user);
 * none may block or stop the node.
 *
 * A backup request's path is the one thing the handler takes from a request to write to: it is
 * confined to the fixture's directory (its slashes made underscores) before the request goes
 * in, so that the fuzzer cannot make the node write, or replace, files elsewhere.
 *
 * run.sh runs this target under -rss_limit_mb and -malloc_limit_mb (tests/fuzz/CMakeLists.txt):
 * a request that makes the node hold memory without bound fails the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fixture.h"

/* Longest name kept of a fuzzed backup path. */
#define FUZZ_BACKUP_NAME 100

/*
 * The request as it goes to the handler: data itself, or for a backup request with a path, a
 * new packing (*owned, the caller frees it) whose path names a file in the fixture's directory.
 */
static const uint8_t *confine_backup(struct node *n, const uint8_t *data, size_t *size,
                                     uint8_t **owned)
{
    *owned = NULL;
    Ekonet__ApiRequest *req = ekonet__api_request__unpack(NULL, *size, data);
    if (!req || req->op_case != EKONET__API_REQUEST__OP_BACKUP || !req->backup->path ||
        !req->backup->path[0]) {
        if (req) ekonet__api_request__free_unpacked(req, NULL);
        return data;
    }
    char name[FUZZ_BACKUP_NAME + 1], path[512];
    snprintf(name, sizeof name, "%s", req->backup->path);
    for (char *p = name; *p; p++)
        if (*p == '/') *p = '_';
    snprintf(path, sizeof path, "%s/backup-%s", n->cfg->data_dir, name);
    char *fuzzed = req->backup->path;
    req->backup->path = path;
    *size = ekonet__api_request__get_packed_size(req);
    *owned = malloc(*size ? *size : 1);
    if (*owned) ekonet__api_request__pack(req, *owned);
    req->backup->path = fuzzed;
    ekonet__api_request__free_unpacked(req, NULL);
    if (!*owned) *size = 0; /* out of memory: an empty request, never the fuzzed path */
    return *owned ? *owned : data;
}

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
    uint8_t *owned;
    data = confine_backup(n, data, &size, &owned);
    uint8_t *reply = api_answer(n, data, size, 1, &len);
    free(owned);
    /* every request gets a reply that decodes, an error or a result */
    Ekonet__ApiReply *r = reply ? ekonet__api_reply__unpack(NULL, len, reply) : NULL;
    if (reply && !r) abort();
    if (r) ekonet__api_reply__free_unpacked(r, NULL);
    free(reply);
    fixture_settle(n);
    fixture_reset(n, 1);
    return 0;
}
