#include <math.h>
#include <stdio.h>
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

/* The range when the catalogue gives none: a share is 0-100, any other amount not negative. */
static void default_range(struct indicator *it)
{
    it->min = 0;
    it->max = strchr(it->unit, '%') ? 100 : INFINITY;
}

/* A bound of the range from a CSV field: empty keeps *bound. 0, or -1 if not a finite number. */
static int parse_bound(const char *s, double *bound)
{
    char *end;
    if (!*s) return 0;
    double v = strtod(s, &end);
    if (*end || end == s || !isfinite(v)) return -1;
    *bound = v;
    return 0;
}

/* Reads the optional min and max columns (6 and 7) into it; -1 with err naming the line. */
static int parse_range(struct indicator *it, char **f, size_t n, size_t line, struct errbuf *err)
{
    default_range(it);
    if ((n > 6 && parse_bound(f[6], &it->min) < 0) || (n > 7 && parse_bound(f[7], &it->max) < 0))
        return errbuf_set(err, "line %zu: min and max must be numbers (or empty)", line);
    if (it->min > it->max)
        return errbuf_set(err, "line %zu: min %.15g is above max %.15g", line, it->min, it->max);
    return 0;
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
        if (parse_range(it, f, n, line, err) < 0) goto fail;
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
        if (!it->code || !it->name_sv || !it->name_en || !it->unit || !it->source) {
            catalogue_destroy(&c);
            break;
        }
        /* a bound that is not a number, or a min above the max, is ignored (PROTOCOL.md 4.5) */
        default_range(it);
        double lo = in->has_min && isfinite(in->min) ? in->min : it->min;
        double hi = in->has_max && isfinite(in->max) ? in->max : it->max;
        if (lo <= hi) it->min = lo, it->max = hi;
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
        items[i].has_min = 1;
        items[i].min = c->items[i].min;
        items[i].has_max = isfinite(c->items[i].max);
        items[i].max = items[i].has_max ? c->items[i].max : 0;
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

const char *indicator_range_text(const struct indicator *ind, char *buf, size_t size)
{
    if (isfinite(ind->max))
        snprintf(buf, size, "%.15g to %.15g", ind->min, ind->max);
    else
        snprintf(buf, size, "%.15g or more", ind->min);
    return buf;
}

int indicator_check_value(const struct indicator *ind, double value, struct errbuf *err)
{
    char range[80];
    if (!isfinite(value)) return errbuf_set(err, "%s: the value is not a number", ind->code);
    if (value >= ind->min && value <= ind->max) return 0;
    indicator_range_text(ind, range, sizeof range);
    if (strchr(ind->unit, '%'))
        errbuf_set(err, "%s is a share in per cent: %s; %.15g is outside", ind->code, range, value);
    else
        errbuf_set(err, "%s is in %s: %s; %.15g is outside", ind->code, ind->unit, range, value);
    return INDICATOR_OUTSIDE;
}
