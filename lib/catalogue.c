#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/catalogue.h"
#include "ekonet/content.h"
#include "ekonet/csv.h"
#include "ekonet/text.h"
#include "content.pb-c.h"

extern const unsigned char share_indicators_default[];
extern const size_t share_indicators_default_len;

struct catalogue {
    struct indicator items[CATALOGUE_MAX];
    size_t n;
};

void catalogue_destroy(struct catalogue **pc)
{
    if (!pc || !*pc) return;
    struct catalogue *c = *pc;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].code);
        free(c->items[i].name_sv);
        free(c->items[i].name_en);
        free(c->items[i].unit);
        free(c->items[i].source);
    }
    free(c);
    *pc = NULL;
}

struct catalogue *catalogue_parse_csv(const char *data, size_t len, struct errbuf *err)
{
    struct catalogue *c = calloc(1, sizeof *c);
    struct csv *r = csv_new(data, len, csv_sniff(data, len));
    char **f;
    size_t n;
    int rc, header = 1;
    if (!c || !r) {
        errbuf_set(err, "out of memory");
        goto fail;
    }
    while ((rc = csv_next(r, &f, &n)) == 1) {
        size_t line = csv_line(r);
        if (header) {
            header = 0;
            if (n < 5 || strcmp(f[0], "code") != 0) {
                errbuf_set(err, "line %zu: expected the header code,name_sv,name_en,unit,better",
                           line);
                goto fail;
            }
            continue;
        }
        if (n < 5) {
            errbuf_set(err, "line %zu: expected at least 5 columns, found %zu", line, n);
            goto fail;
        }
        if (!indicator_code_valid(f[0])) {
            errbuf_set(err, "line %zu: \"%.20s\" is not a valid indicator code", line, f[0]);
            goto fail;
        }
        if (catalogue_find(c, f[0])) {
            errbuf_set(err, "line %zu: indicator %s is listed twice", line, f[0]);
            goto fail;
        }
        if (!text_valid_line(f[1], 200) || !text_valid_line(f[2], 200) ||
            !text_valid_line(f[3], 40)) {
            errbuf_set(err, "line %zu: names and unit must be non-empty lines of text", line);
            goto fail;
        }
        if (strcmp(f[4], "lower") != 0 && strcmp(f[4], "higher") != 0) {
            errbuf_set(err, "line %zu: 'better' must be lower or higher, not \"%.20s\"", line,
                       f[4]);
            goto fail;
        }
        if (c->n == CATALOGUE_MAX) {
            errbuf_set(err, "line %zu: more than %d indicators", line, CATALOGUE_MAX);
            goto fail;
        }
        struct indicator *it = &c->items[c->n++];
        it->code = strdup(f[0]);
        it->name_sv = strdup(f[1]);
        it->name_en = strdup(f[2]);
        it->unit = strdup(f[3]);
        it->lower_is_better = strcmp(f[4], "lower") == 0;
        it->source = strdup(n > 5 ? f[5] : "");
        if (!it->code || !it->name_sv || !it->name_en || !it->unit || !it->source) {
            errbuf_set(err, "out of memory");
            goto fail;
        }
    }
    if (rc < 0) {
        errbuf_set(err, "line %zu: malformed CSV record", csv_line(r));
        goto fail;
    }
    if (c->n == 0) {
        errbuf_set(err, "the catalogue lists no indicators");
        goto fail;
    }
    csv_destroy(&r);
    return c;
fail:
    csv_destroy(&r);
    catalogue_destroy(&c);
    return NULL;
}

struct catalogue *catalogue_default(void)
{
    return catalogue_parse_csv((const char *)share_indicators_default, share_indicators_default_len,
                               NULL);
}

const struct indicator *catalogue_find(const struct catalogue *c, const char *code)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->items[i].code, code) == 0) return &c->items[i];
    return NULL;
}

size_t catalogue_count(const struct catalogue *c)
{
    return c->n;
}

const struct indicator *catalogue_at(const struct catalogue *c, size_t i)
{
    return i < c->n ? &c->items[i] : NULL;
}

struct catalogue *catalogue_from_content(const uint8_t *data, size_t len)
{
    Ekonet__Catalogue *m = ekonet__catalogue__unpack(NULL, len, data);
    struct catalogue *c = m ? calloc(1, sizeof *c) : NULL;
    for (size_t i = 0; c && i < m->n_indicators && i < CATALOGUE_MAX; i++) {
        const Ekonet__Indicator *in = m->indicators[i];
        struct indicator *it = &c->items[c->n++];
        it->code = strdup(in->code);
        it->name_sv = strdup(in->name_sv);
        it->name_en = strdup(in->name_en);
        it->unit = strdup(in->unit);
        it->lower_is_better = in->lower_is_better;
        it->source = strdup(in->source ? in->source : "");
        if (!it->code || !it->name_sv || !it->name_en || !it->unit || !it->source)
            catalogue_destroy(&c);
    }
    if (m) ekonet__catalogue__free_unpacked(m, NULL);
    return c;
}

int catalogue_to_content(const struct catalogue *c, const char *revision, uint8_t **out,
                         size_t *len)
{
    Ekonet__Catalogue m = EKONET__CATALOGUE__INIT;
    Ekonet__Indicator items[CATALOGUE_MAX], *ptrs[CATALOGUE_MAX];
    m.revision = (char *)revision;
    for (size_t i = 0; i < c->n; i++) {
        ekonet__indicator__init(&items[i]);
        items[i].code = c->items[i].code;
        items[i].name_sv = c->items[i].name_sv;
        items[i].name_en = c->items[i].name_en;
        items[i].unit = c->items[i].unit;
        items[i].lower_is_better = c->items[i].lower_is_better;
        items[i].source = c->items[i].source;
        ptrs[i] = &items[i];
    }
    m.n_indicators = c->n;
    m.indicators = ptrs;
    *len = ekonet__catalogue__get_packed_size(&m);
    *out = malloc(*len ? *len : 1);
    if (!*out) return -1;
    ekonet__catalogue__pack(&m, *out);
    return 0;
}

int indicator_check_value(const struct indicator *ind, double value, struct errbuf *err)
{
    if (!isfinite(value)) return errbuf_set(err, "%s: the value is not a number", ind->code);
    if (value < 0)
        return errbuf_set(err, "%s: %g is negative, which %s cannot be", ind->code, value,
                          ind->unit);
    if (strchr(ind->unit, '%') && value > 100)
        return errbuf_set(err, "%s: %g is more than 100 %%, which a share cannot be", ind->code,
                          value);
    return 0;
}
