/*
 * A CSV file: `ekonet indicators import FILE.csv` (import_csv against the default catalogue),
 * `ekonet board catalogue FILE.csv` (catalogue_parse_csv) and the reader under both (csv_sniff,
 * csv_new, csv_next). The input is NUL-terminated as file_read_all hands it over.
 */
#include "ekonet/catalogue.h"
#include "ekonet/csv.h"
#include "ekonet/import.h"
#include "fuzz.h"

static struct catalogue *cat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(cat = catalogue_default())) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024) return 0;
    char *text = fuzz_text(data, size);
    struct errbuf err = {""};

    struct import imp = {0};
    if (import_csv(text, size, cat, &imp, &err) == 0) {
        if (imp.n > IMPORT_MAX_VALUES) abort();
        for (size_t i = 0; i < imp.n; i++)
            if (!catalogue_find(cat, imp.v[i].code)) abort(); /* only the catalogue's codes */
    }
    import_free(&imp);

    struct catalogue *parsed = catalogue_parse_csv(text, size, &err);
    if (parsed) {
        uint8_t *content = NULL;
        size_t len = 0;
        if (catalogue_to_content(parsed, "fuzz", &content, &len) == 0) {
            struct catalogue *again = catalogue_from_content(content, len);
            if (!again || catalogue_count(again) != catalogue_count(parsed)) abort();
            catalogue_destroy(&again);
            free(content);
        }
        catalogue_destroy(&parsed);
    }

    struct csv *c = csv_new(text, size, csv_sniff(text, size));
    char **fields;
    size_t nfields;
    while (c && csv_next(c, &fields, &nfields) > 0) (void)csv_line(c);
    csv_destroy(&c);
    free(text);
    return 0;
}
