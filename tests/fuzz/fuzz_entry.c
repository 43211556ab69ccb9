/*
 * An entry from a peer (Entries, ForkProof) or the API (PublishEntry): decoded, checked on its
 * own, its content checked for its kind, and encoded again as the node would store and serve it.
 */
#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "ekonet/roster.h"
#include "fuzz.h"

static uint8_t network[ID_SIZE];
static uint8_t board[2][KEY_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    fuzz_network(network);
    for (int i = 0; i < 2; i++) {
        struct node_key k;
        fuzz_key(&k, 2 + i);
        memcpy(board[i], k.pub, KEY_SIZE);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const size_t max_content = 256 * 1024;
    struct entry *e = NULL;
    if (entry_decode(data, size, entry_max_encoded(max_content), &e) != ENTRY_OK) return 0;
    (void)entry_check(e, network, max_content);
    (void)entry_check(e, e->network, max_content);
    (void)entry_check_chain(e, e->seq ? e->seq - 1 : 0, e->prev);
    char lead[32];
    if (entry_check_time(e, FUZZ_NOW_MS) == ENTRY_FUTURE &&
        entry_check_time(e, entry_due_ms(e)) != ENTRY_OK)
        abort(); /* held entries are due at their due time */
    (void)entry_lead_str(e, FUZZ_NOW_MS, lead, sizeof lead);
    for (size_t i = 0; i < e->nsigs; i++) (void)entry_verify_sig(e, &e->sigs[i]);
    (void)roster_count_signatures(e, board, 2);
    if (e->content) {
        struct errbuf why = {""};
        (void)entry_check_content(e, max_content);
        (void)content_check(e->kind, e->content, e->content_len, &why);
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    if (entry_encode(e, 1, &buf, &len) == 0) {
        struct entry *again = NULL;
        if (entry_decode(buf, len, entry_max_encoded(max_content), &again) != ENTRY_OK) abort();
        if (memcmp(again->id, e->id, ID_SIZE) != 0) abort();
        entry_destroy(&again);
        free(buf);
    }
    struct entry *copy = entry_dup(e);
    entry_destroy(&copy);
    entry_destroy(&e);
    return 0;
}
