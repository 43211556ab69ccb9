/*
 * A membership application (`ekonet board admit FILE`), sent by an applicant to the board, and a
 * key rotation (`ekonet board succeed --rotation FILE`), sent by a member changing its key. An
 * input starting with '-' or '#' (a comment line) is the armored file read with armor_read_file,
 * as an APPLICATION and as a ROTATION; any other input is the SignedApplication and the
 * SignedRotation inside the armor. Each is opened as the board's CLI opens it: decoded,
 * validated, its signature verified against the key that made it.
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

static void rotation(const uint8_t *buf, size_t len)
{
    Ekonet__SignedRotation *s = ekonet__signed_rotation__unpack(NULL, len, buf);
    if (!s) return;
    struct errbuf err = {""};
    Ekonet__Rotation *r = rotation_open(s, &err);
    if (r)
        ekonet__rotation__free_unpacked(r, NULL);
    else if (err.msg[0] == '\0')
        abort(); /* a refusal always says why */
    ekonet__signed_rotation__free_unpacked(s, NULL);
}

/* The armored file as the CLI reads it, for one WHAT. */
static void armored(const char *path, const char *what, void (*open)(const uint8_t *, size_t))
{
    uint8_t *buf = NULL;
    size_t len = 0;
    struct errbuf err = {""};
    if (armor_read_file(path, what, 65536, &buf, &len, &err) == 0) {
        open(buf, len);
        free(buf);
    } else if (err.msg[0] == '\0') {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024) return 0;
    if (size > 0 && (data[0] == '-' || data[0] == '#')) {
        const char *path = fuzz_file(data, size, "application");
        armored(path, "APPLICATION", application);
        armored(path, "ROTATION", rotation);
        unlink(path);
    } else {
        application(data, size);
        rotation(data, size);
    }
    return 0;
}
