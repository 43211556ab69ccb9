/*
 * A membership application (`ekonet board admit FILE`), sent by an applicant to the board. An
 * input starting with '-' or '#' (a comment line) is the armored file read with armor_read_file;
 * any other input is the SignedApplication inside the armor. It is opened as the board's CLI opens
 * it: decoded, validated, its signature verified against the applicant's key.
 */
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (key_lib_init() < 0) abort();
    return 0;
}

static void application(const uint8_t *buf, size_t len)
{
    Ekonet__SignedApplication *s = ekonet__signed_application__unpack(NULL, len, buf);
    if (!s) return;
    struct errbuf err = {""};
    Ekonet__Application *a = application_open(s, &err);
    if (a) {
        (void)member_kind_str((int)a->kind);
        ekonet__application__free_unpacked(a, NULL);
    } else if (err.msg[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    ekonet__signed_application__free_unpacked(s, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024) return 0;
    if (size > 0 && (data[0] == '-' || data[0] == '#')) {
        uint8_t *buf = NULL;
        size_t len = 0;
        struct errbuf err = {""};
        const char *path = fuzz_file(data, size, "application");
        if (armor_read_file(path, "APPLICATION", 65536, &buf, &len, &err) == 0) {
            application(buf, len);
            free(buf);
        } else if (err.msg[0] == '\0') {
            abort();
        }
        unlink(path);
    } else {
        application(data, size);
    }
    return 0;
}
