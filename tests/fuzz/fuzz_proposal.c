/*
 * A board proposal (`ekonet board sign FILE`, `ekonet board submit FILE`), passed between
 * board members to be co-signed: read with the CLI's own proposal_read from the armored file
 * and described for people with proposal_describe, as `ekonet board show` does.
 */
#include "ekonet/entry.h"
#include "fuzz.h"
#include "proposal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024) return 0;
    struct errbuf err = {""};
    const char *path = fuzz_file(data, size, "proposal");
    struct entry *e = proposal_read(path, &err);
    if (e) {
        char text[4096];
        proposal_describe(e, text, sizeof text);
        if (strlen(text) >= sizeof text) abort();
        entry_destroy(&e);
    } else if (err.msg[0] == '\0') {
        abort();
    }
    unlink(path);
    return 0;
}
