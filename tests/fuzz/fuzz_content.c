/*
 * The content of an entry, for every kind: the first byte picks the kind (1..KIND_MAX, and
 * unknown kinds too), the rest is the content as it arrives in an entry or a Publish request.
 * Covers reports, events, snapshots, profiles, retractions, redactions and every board act
 * (charter, admit, revoke, catalogue, succeed with the old key's rotation), and the
 * catalogue's own reading of its content.
 */
#include "content.pb-c.h"
#include "ekonet/board.h"
#include "ekonet/catalogue.h"
#include "ekonet/content.h"
#include "fuzz.h"
#include "wire.pb-c.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint32_t kind = data[0] & 0x1f; /* 0..31: every kind there is, and some that are not */
    struct errbuf why = {""};
    (void)content_check(kind, data + 1, size - 1, &why);
    (void)entry_kind_str(kind);
    if (board_kind(kind)) (void)board_content_check(kind, data + 1, size - 1, &why);
    if (kind == EKONET__ENTRY_KIND__KIND_CATALOGUE) {
        struct catalogue *c = catalogue_from_content(data + 1, size - 1);
        for (size_t i = 0; c && i < catalogue_count(c); i++) {
            const struct indicator *ind = catalogue_at(c, i);
            (void)catalogue_find(c, ind->code);
            (void)indicator_check_value(ind, 12.5, &why);
        }
        catalogue_destroy(&c);
    }
    return 0;
}
