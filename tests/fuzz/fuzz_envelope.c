/*
 * A contact envelope or an acknowledgement from a peer (Envelopes, Acks): the first byte picks
 * which. An envelope is decoded and checked as the courier does; one addressed to this node is
 * opened and its ContactRequest or ContactReply validated. The box is sealed to this node's
 * fixed key, so seeds made by seeds.c open and reach the validators.
 */
#include "content.pb-c.h"
#include "ekonet/content.h"
#include "ekonet/envelope.h"
#include "fuzz.h"

static struct node_key me;
static uint8_t network[ID_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_key(&me, 0);
    fuzz_network(network);
    return 0;
}

static void envelope(const uint8_t *data, size_t size)
{
    struct envelope e;
    if (envelope_decode(data, size, &e) != ENV_OK) return;
    (void)envelope_check(&e, network, FUZZ_NOW_MS);
    (void)envelope_check(&e, e.network, e.created_ms);
    uint8_t *plain = NULL;
    size_t len = 0;
    if (memcmp(e.to, me.pub, KEY_SIZE) == 0 && envelope_open(&e, &me, &plain, &len) == 0) {
        struct errbuf why = {""};
        if (e.kind == ENVELOPE_REQUEST) {
            Ekonet__ContactRequest *r = ekonet__contact_request__unpack(NULL, len, plain);
            if (r) (void)contact_request_validate(r, &why);
            if (r) ekonet__contact_request__free_unpacked(r, NULL);
        } else {
            Ekonet__ContactReply *r = ekonet__contact_reply__unpack(NULL, len, plain);
            if (r) (void)contact_reply_validate(r, &why);
            if (r) ekonet__contact_reply__free_unpacked(r, NULL);
        }
        free(plain);
    }
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (ack_make(&me, &e, &raw, &raw_len) == 0) {
        struct ack a;
        if (ack_decode(raw, raw_len, &a) != ENV_OK) abort(); /* our own ack always decodes */
        ack_clear(&a);
        free(raw);
    }
    envelope_clear(&e);
}

static void ack(const uint8_t *data, size_t size)
{
    struct ack a;
    if (ack_decode(data, size, &a) != ENV_OK) return;
    (void)ack_check(&a, network, FUZZ_NOW_MS);
    (void)ack_check(&a, a.network, a.expires_ms);
    ack_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (data[0] & 1)
        ack(data + 1, size - 1);
    else
        envelope(data + 1, size - 1);
    return 0;
}
