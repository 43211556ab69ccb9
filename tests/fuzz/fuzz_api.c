/*
 * One request from the local API socket: an ApiRequest, bounded by the default
 * max_api_request, unpacked, and for the requests that carry content the checks the node runs
 * before storing anything: a Publish's content for its kind, a PublishEntry's entry (decoded,
 * checked, its content checked), a ContactSend's request and a ContactReply's answer. The reply
 * to it is packed again as the node packs its answers.
 */
#include "api.pb-c.h"
#include "ekonet/config.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
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

static void publish_entry(const Ekonet__PublishEntryRequest *p)
{
    struct entry *e = NULL;
    struct errbuf why = {""};
    if (entry_decode(p->entry.data, p->entry.len, entry_max_encoded(DEFAULT_MAX_CONTENT), &e) !=
        ENTRY_OK)
        return;
    if (e->content) (void)content_check(e->kind, e->content, e->content_len, &why);
    entry_destroy(&e);
}

static void contact_reply(const Ekonet__ContactReplyRequest *req)
{
    Ekonet__ContactReply r = EKONET__CONTACT_REPLY__INIT;
    Ekonet__ContactPerson nobody = EKONET__CONTACT_PERSON__INIT;
    struct errbuf why = {""};
    nobody.name = "Olle Berg"; /* the node's own official, as own_person() gives it */
    r.answer = req->answer;
    r.text = req->text;
    r.responder = req->responder ? req->responder : &nobody;
    if (contact_reply_validate(&r, &why) == 0) {
        size_t len = ekonet__contact_reply__get_packed_size(&r);
        uint8_t *buf = malloc(len ? len : 1);
        if (!buf) abort();
        ekonet__contact_reply__pack(&r, buf);
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > DEFAULT_MAX_API) return 0;
    Ekonet__ApiRequest *req = ekonet__api_request__unpack(NULL, size, data);
    if (!req) return 0;
    struct errbuf why = {""};
    switch (req->op_case) {
    case EKONET__API_REQUEST__OP_PUBLISH:
        (void)content_check(req->publish->kind, req->publish->content.data,
                            req->publish->content.len, &why);
        break;
    case EKONET__API_REQUEST__OP_PUBLISH_ENTRY:
        publish_entry(req->publish_entry);
        break;
    case EKONET__API_REQUEST__OP_CONTACT_SEND:
        (void)contact_request_validate(req->contact_send->request, &why);
        break;
    case EKONET__API_REQUEST__OP_CONTACT_REPLY:
        contact_reply(req->contact_reply);
        break;
    default:
        break;
    }
    /* what was decoded packs again (the daemon's replies point into requests) */
    size_t len = ekonet__api_request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) abort();
    ekonet__api_request__pack(req, buf);
    free(buf);
    ekonet__api_request__free_unpacked(req, NULL);
    return 0;
}
