/*
 * A Kolada JSON file: `ekonet indicators import FILE.json --map KPI=CODE` for municipality
 * 1280 against the default catalogue, with the maps the CLI builds from --map.
 */
#include "ekonet/catalogue.h"
#include "ekonet/import.h"
#include "fuzz.h"

static struct catalogue *cat;
static const struct kpi_map map[] = {{"N15428", "GN.7"}, {"U07414", "GN.11"}, {"N00401", "GN.2"}};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(cat = catalogue_default())) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4 * 1024 * 1024) return 0;
    char *text = fuzz_text(data, size);
    struct errbuf err = {""};
    struct import imp = {0};
    if (import_kolada(text, size, cat, "1280", map, sizeof map / sizeof map[0], &imp, &err) == 0) {
        if (imp.n > IMPORT_MAX_VALUES) abort();
        for (size_t i = 0; i < imp.n; i++)
            if (!catalogue_find(cat, imp.v[i].code)) abort();
    } else if (err.msg[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    import_free(&imp);
    imp = (struct import){0};
    (void)import_kolada(text, size, cat, "1280", NULL, 0, &imp, &err);
    import_free(&imp);
    free(text);
    return 0;
}
