/*
 * A configuration file (ekonetd.conf), read by ekonetd at start and by the CLI: the input is
 * written to a file and loaded with config_load, as both do; a loaded configuration's seeds
 * and listen address are parsed again as the node dials and binds them.
 */
#include "ekonet/config.h"
#include "fuzz.h"

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
    const char *path = fuzz_file(data, size, "ekonetd.conf");
    struct config c;
    struct errbuf err = {""};
    if (config_load(path, NULL, &c, &err) == 0) {
        for (size_t i = 0; i < c.nseeds; i++) {
            uint8_t key[KEY_SIZE];
            const char *endpoint = NULL;
            if (!config_parse_seed(c.seeds[i], key, &endpoint)) abort(); /* it was accepted */
        }
        char host[256];
        unsigned port;
        if (c.metrics_listen)
            (void)config_parse_address(c.metrics_listen, host, sizeof host, &port);
        config_free(&c);
    } else if (err.msg[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    unlink(path);
    return 0;
}
