/*
 * ekonet-bench-snapshots DIR YEARS KEYFILE...: stores, in the node in DIR (ekonetd stopped),
 * YEARS yearly indicator snapshots (the years up to 2025) of each member whose key file is
 * given, every indicator of the default catalogue in each, signed by that member and taken
 * through the normal accept path. The members must be admitted already. Values follow a
 * trend of their own per member and indicator, with noise, so that trends and good examples
 * have something to find. Test data for tests/bench/examples.sh.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content.pb-c.h"
#include "ekonet/catalogue.h"
#include "ekonet/config.h"
#include "ekonet/feed.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

#define LAST_YEAR 2025

static uint64_t rng = 0x2518;

static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* When a member publishes a year's values: on 15 January of the year after (so that the
   values are final, not preliminary). */
static uint64_t published_ms(uint32_t year)
{
    struct tm tm = {.tm_year = (int)year + 1 - 1900, .tm_mon = 0, .tm_mday = 15, .tm_hour = 12};
    return (uint64_t)timegm(&tm) * 1000;
}

/* One member's snapshots, oldest first, in one batch. */
static int member(struct feeds *f, const struct config *cfg, const struct node_key *k,
                  const struct catalogue *cat, int years)
{
    size_t nind = catalogue_count(cat);
    Ekonet__IndicatorValue *vals = calloc(nind, sizeof *vals);
    Ekonet__IndicatorValue **pv = calloc(nind, sizeof *pv);
    double *level = calloc(nind, sizeof *level), *slope = calloc(nind, sizeof *slope);
    struct entry **v = calloc((size_t)years, sizeof *v);
    int *status = calloc((size_t)years, sizeof *status), rc = -1;
    if (!vals || !pv || !level || !slope || !v || !status) goto out;
    for (size_t i = 0; i < nind; i++) {
        level[i] = 10 + 90 * uniform();
        slope[i] = (uniform() - 0.5) * 4;
    }
    struct feed_head h;
    if (store_head(f->store, k->pub, &h) < 0) goto out;
    uint64_t seq = h.seq;
    uint8_t prev[ID_SIZE];
    memcpy(prev, h.id, ID_SIZE);
    for (int y = 0; y < years; y++) {
        Ekonet__Snapshot s = EKONET__SNAPSHOT__INIT;
        s.year = (uint32_t)(LAST_YEAR - years + 1 + y);
        s.catalogue = "default";
        s.source = "Kolada";
        for (size_t i = 0; i < nind; i++) {
            ekonet__indicator_value__init(&vals[i]);
            vals[i].code = catalogue_at(cat, i)->code;
            double x = level[i] + slope[i] * y + (uniform() - 0.5) * 3;
            vals[i].value = x < 0 ? 0 : x > 100 ? 100 : (double)(long)(x * 10) / 10;
            pv[i] = &vals[i];
        }
        s.values = pv;
        s.n_values = nind;
        size_t len = ekonet__snapshot__get_packed_size(&s);
        uint8_t *c = malloc(len);
        if (!c) goto out;
        ekonet__snapshot__pack(&s, c);
        v[y] = entry_new(cfg->network, k->pub, seq + 1, seq ? prev : NULL,
                         published_ms(s.year) + seq * 1000, EKONET__ENTRY_KIND__KIND_INDICATORS, c,
                         len);
        free(c);
        if (!v[y]) goto out;
        entry_sign(v[y], k);
        memcpy(prev, v[y]->id, ID_SIZE);
        seq++;
    }
    struct errbuf why = {""}, err = {""};
    int n = feed_accept(f, v, (size_t)years, status, &why, &err);
    if (n != years)
        fprintf(stderr, "ekonet-bench-snapshots: %s %s\n", why.msg, n < 0 ? err.msg : "");
    else
        rc = 0;
out:
    for (int y = 0; v && y < years; y++) entry_destroy(&v[y]);
    free(vals);
    free(pv);
    free(level);
    free(slope);
    free(v);
    free(status);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: ekonet-bench-snapshots DIR YEARS KEYFILE...\n");
        return 2;
    }
    const char *dir = argv[1];
    char *end;
    long years = strtol(argv[2], &end, 10);
    if (*end || years < 1 || years > LAST_YEAR - 1990 + 1) {
        fprintf(stderr, "ekonet-bench-snapshots: YEARS must be 1-%d\n", LAST_YEAR - 1990 + 1);
        return 2;
    }
    char path[PATH_MAX];
    struct config cfg;
    struct errbuf err;
    key_lib_init();
    snprintf(path, sizeof path, "%s/ekonetd.conf", dir);
    if (config_load(path, dir, &cfg, &err) < 0) goto fail;
    snprintf(path, sizeof path, "%s/ekonet.db", dir);
    struct store *s = store_open(path, &err);
    struct roster *r = s ? roster_load(s, &err) : NULL;
    if (!r) goto fail;
    struct catalogue *cat = catalogue_default();
    if (!cat) {
        fprintf(stderr, "ekonet-bench-snapshots: no default catalogue\n");
        return 1;
    }
    struct feeds f = {.store = s, .max_content = cfg.max_content, .roster = r->joined ? r : NULL};
    memcpy(f.network, cfg.network, ID_SIZE);
    int done = 0;
    for (int i = 3; i < argc; i++) {
        struct node_key k;
        if (key_load(&k, argv[i], &err) < 0) goto fail;
        int rc = member(&f, &cfg, &k, cat, (int)years);
        key_wipe(&k);
        if (rc < 0) return 1;
        done++;
    }
    printf("%d members, %ld snapshots each\n", done, years);
    catalogue_destroy(&cat);
    roster_destroy(&r);
    store_destroy(&s);
    config_free(&cfg);
    return 0;
fail:
    fprintf(stderr, "ekonet-bench-snapshots: %s\n", err.msg);
    return 1;
}
