/*
 * The local API's handler in a running node (the daemon's library): a request's bytes get a
 * reply that decodes, a result for a good request and an error naming the problem for
 * garbage, an oversized request or one of several frames; every request is counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "ekonet/board.h"
#include "ekonet/config.h"
#include "ekonet/hex.h"
#include "ekonet/store.h"
#include "node.h"

struct fixture {
    char dir[64], path[160];
    struct node_key key;
    struct config cfg;
    struct store *store;
    int sig[2];
    struct node *node;
};

/* A node that has joined no network (its solo network), sockets in a temporary directory. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err = {""};
    uint8_t seed[32], solo[ID_SIZE];
    char id[ID_HEX];
    assert_non_null(f);
    memset(seed, 0x21, sizeof seed);
    assert_int_equal(key_lib_init(), 0);
    assert_int_equal(key_from_seed(&f->key, seed), 0);
    network_solo_id(solo, f->key.pub);
    strcpy(f->dir, "/tmp/ekonet-test-api-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, CONFIG_FILE);
    FILE *conf = fopen(f->path, "w");
    assert_non_null(conf);
    fprintf(conf,
            "[node]\nname = Övertorneå kommun\ncode = 2518\nlisten = ipc://%s/peer.sock\n"
            "log_level = error\n[network]\nid = %s\n[peers]\noutbound = 0\n"
            "[metrics]\nlisten = off\n",
            f->dir, hex_encode(id, solo, ID_SIZE));
    assert_int_equal(fclose(conf), 0);
    assert_int_equal(config_load(f->path, f->dir, &f->cfg, &err), 0);
    elog_set_level(ELOG_ERROR);
    snprintf(f->path, sizeof f->path, "%s/ekonet.db", f->dir);
    assert_non_null(f->store = store_open(f->path, &err));
    assert_int_equal(pipe(f->sig), 0);
    f->node = node_new(&f->cfg, &f->key, f->store, f->sig[0], &err);
    if (!f->node) fail_msg("node_new: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    static const char *const files[] = {"ekonet.db", "ekonet.db-wal", "ekonet.db-shm", CONFIG_FILE,
                                        "peer.sock"};
    node_destroy(&f->node);
    store_destroy(&f->store);
    config_free(&f->cfg);
    close(f->sig[0]);
    close(f->sig[1]);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(f->path, sizeof f->path, "%s/%s", f->dir, files[i]);
        unlink(f->path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The node's reply to bytes sent as `frames` frames, decoded; the caller frees it. */
static Ekonet__ApiReply *ask(struct fixture *f, const uint8_t *data, size_t len, int frames)
{
    size_t outlen;
    uint8_t *out = api_answer(f->node, data, len, frames, &outlen);
    assert_non_null(out);
    Ekonet__ApiReply *r = ekonet__api_reply__unpack(NULL, outlen, out);
    free(out);
    assert_non_null(r);
    return r;
}

static void status_names_the_node(void **state)
{
    struct fixture *f = *state;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__StatusRequest st = EKONET__STATUS_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_STATUS;
    req.status = &st;
    uint8_t buf[64];
    size_t len = ekonet__api_request__pack(&req, buf);
    Ekonet__ApiReply *r = ask(f, buf, len, 1);
    assert_null(r->error);
    assert_int_equal(r->result_case, EKONET__API_REPLY__RESULT_STATUS);
    assert_int_equal(r->status->node_id.len, KEY_SIZE);
    assert_memory_equal(r->status->node_id.data, f->key.pub, KEY_SIZE);
    assert_string_equal(r->status->name, "Övertorneå kommun");
    assert_false(r->status->joined);
    ekonet__api_reply__free_unpacked(r, NULL);
    assert_int_equal(f->node->stats.api_requests, 1);
}

static void bad_requests_get_errors_and_are_counted(void **state)
{
    struct fixture *f = *state;
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0x01, 0x02};
    Ekonet__ApiReply *r = ask(f, garbage, sizeof garbage, 1);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, EKONET__API_ERROR_CODE__API_BAD_REQUEST);
    assert_non_null(strstr(r->error->message, "does not decode"));
    ekonet__api_reply__free_unpacked(r, NULL);

    r = ask(f, garbage, sizeof garbage, 2);
    assert_non_null(strstr(r->error->message, "exactly one frame"));
    ekonet__api_reply__free_unpacked(r, NULL);

    size_t big = f->cfg.max_api_request + 1;
    uint8_t *huge = calloc(1, big);
    assert_non_null(huge);
    r = ask(f, huge, big, 1);
    free(huge);
    assert_int_equal(r->error->code, EKONET__API_ERROR_CODE__API_TOO_LARGE);
    assert_non_null(strstr(r->error->message, "max_api_request"));
    ekonet__api_reply__free_unpacked(r, NULL);

    r = ask(f, NULL, 0, 1); /* an empty frame decodes as a request of no kind */
    assert_non_null(strstr(r->error->message, "unknown request"));
    ekonet__api_reply__free_unpacked(r, NULL);
    assert_int_equal(f->node->stats.api_requests, 4);
    assert_int_equal(f->node->stats.api_errors, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(status_names_the_node, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_requests_get_errors_and_are_counted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
