/*
 * Kolada's answers: `ekonet indicators import PAGE... --map KPI=CODE` for municipality 1280
 * against the default catalogue, with the maps the CLI builds from --map and the shipped KPI
 * table. The input is the pages, split at each 0x1E byte (a byte JSON text never holds bare),
 * so that sets of pages (missing, twice, of other answers) are explored too; the whole input is
 * also read as a KPI table.
 */
#include <string.h>

#include "ekonet/catalogue.h"
#include "ekonet/kolada.h"
#include "fuzz.h"

static struct catalogue *cat;
static struct kpi_map map[KOLADA_TABLE_MAX + 3] = {
    {"N15428", "GN.7"}, {"U07414", "GN.11"}, {"N00401", "GN.2"}};
static size_t nmap = 3;
static struct kolada_table *shipped;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(cat = catalogue_default()) || !(shipped = kolada_table_default())) abort();
    kolada_table_map(shipped, cat, map, &nmap, sizeof map / sizeof map[0]);
    return 0;
}

/* Every value read is of a code of the catalogue; a refusal says why and leaves nothing. */
static void check(int rc, const struct import *imp, const struct errbuf *err)
{
    if (rc == 0) {
        if (imp->n == 0 || imp->n > IMPORT_MAX_VALUES || imp->pages == 0) abort();
        for (size_t i = 0; i < imp->n; i++)
            if (!catalogue_find(cat, imp->v[i].code)) abort();
    } else if (err->msg[0] == '\0' || imp->n || imp->v || imp->kpis) {
        abort();
    }
}

/* The KPI table parser on the input: rows only for codes of the catalogue are mapped. */
static void table(const char *text, size_t size)
{
    struct errbuf err = {""};
    struct kolada_table *t = kolada_table_parse(text, size, &err);
    if (!t) {
        if (err.msg[0] == '\0') abort();
        return;
    }
    struct kpi_map m[KOLADA_TABLE_MAX];
    size_t n = 0;
    kolada_table_map(t, cat, m, &n, KOLADA_TABLE_MAX);
    if (n > kolada_table_count(t)) abort();
    for (size_t i = 0; i < n; i++)
        if (!catalogue_find(cat, m[i].code)) abort();
    kolada_table_destroy(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4 * 1024 * 1024) return 0;
    char *text = fuzz_text(data, size);
    static const char *names[] = {"p1.json", "dir/p2.json", "p3.json", ""};
    struct kolada_page pages[KOLADA_MAX_PAGES + 1];
    size_t n = 0;
    for (size_t start = 0, i = 0; i <= size && n < KOLADA_MAX_PAGES + 1; i++)
        if (i == size || text[i] == '\x1e') {
            pages[n] = (struct kolada_page){names[n % 4], text + start, i - start};
            n++;
            start = i + 1;
        }
    struct errbuf err = {""};
    struct import imp = {0};
    check(kolada_import(pages, n, cat, "1280", map, nmap, &imp, &err), &imp, &err);
    import_free(&imp);
    err.msg[0] = '\0';
    check(kolada_import(pages, n, cat, "1280", NULL, 0, &imp, &err), &imp, &err);
    import_free(&imp);
    table(text, size);
    free(text);
    return 0;
}
