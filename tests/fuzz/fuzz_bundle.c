/*
 * A bundle (`ekonet join FILE`): the board's feed and seeds, sent by the board to a new member.
 * An input starting with '-' or '#' (a comment line) is the armored file as a member receives it
 * and is read with armor_read_file; any other input is the bytes inside the armor. The bundle is
 * decoded as the CLI decodes it: every board act re-encoded and decoded as an entry, the first one
 * must be the charter, every act's content checked, every seed parsed.
 */
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "ekonet/config.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "fuzz.h"
#include "wire.pb-c.h"

#define BUNDLE_MAX (32 * 1024 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    return 0;
}

static void bundle(const uint8_t *buf, size_t len)
{
    Ekonet__Bundle *b = ekonet__bundle__unpack(NULL, len, buf);
    if (!b) return;
    uint8_t network[ID_SIZE] = {0};
    for (size_t i = 0; i < b->n_board; i++) {
        size_t elen = ekonet__entry__get_packed_size(b->board[i]);
        uint8_t *ebuf = malloc(elen ? elen : 1);
        if (!ebuf) abort();
        ekonet__entry__pack(b->board[i], ebuf);
        struct entry *e = NULL;
        int rc = entry_decode(ebuf, elen, entry_max_encoded(64 * 1024 * 1024), &e);
        free(ebuf);
        if (rc != ENTRY_OK) break;
        if (i == 0 && (e->seq != 1 || e->kind != EKONET__ENTRY_KIND__KIND_CHARTER)) {
            entry_destroy(&e);
            break;
        }
        if (i == 0) memcpy(network, e->content_hash, ID_SIZE);
        struct errbuf why = {""};
        if (e->content) (void)content_check(e->kind, e->content, e->content_len, &why);
        (void)entry_check_content(e, 64 * 1024 * 1024);
        (void)memcmp(e->network, network, ID_SIZE);
        entry_destroy(&e);
    }
    for (size_t i = 0; i < b->n_seeds; i++) {
        uint8_t key[KEY_SIZE];
        const char *endpoint;
        (void)config_parse_seed(b->seeds[i], key, &endpoint);
    }
    ekonet__bundle__free_unpacked(b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024) return 0;
    if (size > 0 && (data[0] == '-' || data[0] == '#')) {
        uint8_t *buf = NULL;
        size_t len = 0;
        struct errbuf err = {""};
        const char *path = fuzz_file(data, size, "bundle");
        if (armor_read_file(path, "BUNDLE", BUNDLE_MAX, &buf, &len, &err) == 0) {
            bundle(buf, len);
            free(buf);
        } else if (err.msg[0] == '\0') {
            abort();
        }
        unlink(path);
    } else {
        bundle(data, size);
    }
    return 0;
}
