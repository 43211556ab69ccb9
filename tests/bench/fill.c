/*
 * ekonet-bench-fill DIR COUNT BYTES: appends COUNT reports with bodies of about BYTES to the
 * own feed of the node in DIR (ekonetd stopped), through the normal accept path in batches of
 * 1,000. The text is generated Swedish prose about municipal environmental work (titles,
 * summaries, bodies and topics drawn from a vocabulary, with a fixed seed), so that the
 * full-text index sees realistic words. Test data for the benchmarks: publishing that many
 * through the API would measure the API, not replication or search.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content.pb-c.h"
#include "ekonet/config.h"
#include "ekonet/feed.h"
#include "ekonet/file.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

#define BATCH 8192 /* at most; EKONET_FILL_BATCH, default 1,000 */

/*
 * The vocabulary: small words that every text has, and some 2,800 Swedish compounds built
 * from first and last parts (matavfall, solcellspark, ...), drawn with Zipf's law so that a
 * few are common and most are rare, as in real reports.
 */
static const char *const small[] = {"och", "i",  "på", "för",  "med", "att",      "som",   "vi",
                                    "det", "en", "av", "till", "har", "kommunen", "under", "år"};
static const char *const first[] = {
    "mat",        "sol",          "vind",        "fjärr",   "bio",         "kol",       "klimat",
    "energi",     "avfall",       "cykel",       "buss",    "tåg",         "el",        "vatten",
    "dagvatten",  "skog",         "natur",       "jord",    "åker",        "betes",     "äng",
    "sjö",        "hav",          "kust",        "skol",    "förskole",    "äldre",     "måltids",
    "livsmedels", "upphandlings", "fastighets",  "bostads", "värme",       "kyl",       "ljus",
    "gatu",       "park",         "trafik",      "rese",    "tjänste",     "bil",       "last",
    "hamn",       "industri",     "handels",     "turism",  "kultur",      "idrotts",   "invånar",
    "medborgar",  "miljö",        "hållbarhets", "bygg",    "renoverings", "återbruks", "textil",
    "plast",      "glas",         "metall",      "papper",  "slam",        "avlopps"};
static const char *const last[] = {
    "avfall",    "celler",      "kraft",        "värme",       "gas",        "utsläpp",
    "plan",      "strategi",    "mål",          "arbete",      "projekt",    "insamling",
    "sortering", "station",     "väg",          "park",        "verk",       "nät",
    "flotta",    "resor",       "kök",          "skolor",      "hus",        "områden",
    "reservat",  "skydd",       "rening",       "förbrukning", "besparing",  "effektivisering",
    "samverkan", "dialog",      "satsning",     "budget",      "kostnader",  "statistik",
    "mätning",   "uppföljning", "certifiering", "utbildning",  "rådgivning", "avtal",
    "krav",      "lösningar"};
#define NFIRST (sizeof first / sizeof first[0])
#define NLAST  (sizeof last / sizeof last[0])
#define NWORDS (NFIRST * NLAST)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The r-th compound: ranks are spread over the first and last parts. */
static const char *compound(size_t r, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", first[r % NFIRST], last[(r / NFIRST + r) % NLAST]);
    return buf;
}

/* A word: a small word one time in three, else a compound of Zipf-distributed rank. */
static const char *word(void)
{
    static char buf[64];
    uint64_t x = next();
    if (x % 3 == 0) return small[(x >> 8) % (sizeof small / sizeof small[0])];
    /* rank ~ Zipf(1): exp of a uniform log */
    double u = (double)((x >> 11) & 0xFFFFF) / 1048576.0;
    const size_t nwords = NWORDS; /* a whole count: the division in it is exact */
    size_t r = (size_t)(exp(u * log((double)nwords))) - 1;
    return compound(r < NWORDS ? r : NWORDS - 1, buf, sizeof buf);
}

/* Sentences of 6-14 words until the text has about `bytes` bytes. */
static void prose(char *buf, size_t bytes)
{
    size_t n = 0;
    buf[0] = '\0';
    while (n + 40 < bytes) {
        int len = 6 + (int)(next() % 9);
        for (int i = 0; i < len && n + 20 < bytes; i++) {
            const char *w = word();
            n += (size_t)snprintf(buf + n, bytes - n, "%s%s", i ? " " : "", w);
        }
        n += (size_t)snprintf(buf + n, bytes - n, ". ");
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: ekonet-bench-fill DIR COUNT BYTES\n");
        return 2;
    }
    const char *dir = argv[1];
    long count = strtol(argv[2], NULL, 10), bytes = strtol(argv[3], NULL, 10);
    char path[PATH_MAX];
    struct config cfg;
    struct node_key k;
    struct errbuf err;
    key_lib_init();
    snprintf(path, sizeof path, "%s/ekonetd.conf", dir);
    if (config_load(path, dir, &cfg, &err) < 0) goto fail;
    snprintf(path, sizeof path, "%s/node.key", dir);
    if (key_load(&k, path, &err) < 0) goto fail;
    snprintf(path, sizeof path, "%s/ekonet.db", dir);
    struct store *s = store_open(path, &err);
    struct roster *r = s ? roster_load(s, &err) : NULL;
    if (!r) goto fail;
    struct feeds f = {.store = s, .max_content = cfg.max_content, .roster = r->joined ? r : NULL};
    memcpy(f.network, cfg.network, ID_SIZE);
    char *body = malloc((size_t)bytes + 64), title[160], summary[400], *topics[2];
    static struct entry *v[BATCH];
    static int status[BATCH];
    const char *env = getenv("EKONET_FILL_BATCH");
    long batch = env ? strtol(env, NULL, 10) : 1000;
    if (batch < 1 || batch > BATCH) batch = 1000;
    struct feed_head h;
    store_head(s, k.pub, &h);
    uint64_t seq = h.seq;
    uint8_t prev[ID_SIZE];
    memcpy(prev, h.id, ID_SIZE);
    for (long done = 0; done < count;) {
        int n = 0;
        for (; n < batch && done + n < count; n++) {
            Ekonet__Report rep = EKONET__REPORT__INIT;
            prose(title, 60 + next() % 60);
            title[strcspn(title, ".")] = '\0';
            prose(summary, 200);
            prose(body, (size_t)bytes);
            char t0[64], t1[64];
            topics[0] = (char *)compound(next() % 40, t0, sizeof t0);
            topics[1] = (char *)compound(next() % 40, t1, sizeof t1);
            rep.title = title;
            rep.summary = summary;
            rep.body = body;
            rep.n_topics = 2;
            rep.topics = topics;
            size_t len = ekonet__report__get_packed_size(&rep);
            uint8_t *c = malloc(len);
            ekonet__report__pack(&rep, c);
            v[n] = entry_new(cfg.network, k.pub, seq + 1, seq ? prev : NULL, 1700000000000ull + seq,
                             EKONET__ENTRY_KIND__KIND_REPORT, c, len);
            entry_sign(v[n], &k);
            free(c);
            memcpy(prev, v[n]->id, ID_SIZE);
            seq++;
        }
        struct errbuf why = {""};
        int ok = feed_accept(&f, v, (size_t)n, status, &why, &err);
        for (int i = 0; i < n; i++) entry_destroy(&v[i]);
        if (ok != n) {
            fprintf(stderr, "ekonet-bench-fill: %s %s\n", why.msg, ok < 0 ? err.msg : "");
            return 1;
        }
        done += n;
    }
    printf("%ld\n", count);
    free(body);
    roster_destroy(&r);
    store_destroy(&s);
    config_free(&cfg);
    key_wipe(&k);
    return 0;
fail:
    fprintf(stderr, "ekonet-bench-fill: %s\n", err.msg);
    return 1;
}
