/*
 * ekonet-bench-fill DIR COUNT BYTES: appends COUNT reports with bodies of BYTES to the own
 * feed of the node in DIR (ekonetd stopped), through the normal accept path in batches of
 * 1,000. Test data for the benchmarks: publishing that many through the API would measure
 * the API, not replication.
 */
#include <limits.h>
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

#define BATCH 1000

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: ekonet-bench-fill DIR COUNT BYTES\n");
        return 2;
    }
    const char *dir = argv[1];
    long count = atol(argv[2]), bytes = atol(argv[3]);
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
    char *body = malloc((size_t)bytes + 1), title[64];
    for (long i = 0; i < bytes; i++)
        body[i] = "Kommunen minskade utsläppen genom att byta. "[i % 44];
    body[bytes] = '\0';
    struct entry *v[BATCH];
    int status[BATCH];
    struct feed_head h;
    store_head(s, k.pub, &h);
    uint64_t seq = h.seq;
    uint8_t prev[ID_SIZE];
    memcpy(prev, h.id, ID_SIZE);
    for (long done = 0; done < count;) {
        int n = 0;
        for (; n < BATCH && done + n < count; n++) {
            Ekonet__Report rep = EKONET__REPORT__INIT;
            snprintf(title, sizeof title, "Rapport %llu", (unsigned long long)seq + 1);
            rep.title = title;
            rep.body = body;
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
