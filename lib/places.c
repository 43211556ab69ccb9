/*
 * places: parses the embedded kommuner.csv (code,name,county_code,county_name) and lan.csv
 * (code,name) once, on first use. The data are facts shipped with the program, but they are
 * parsed with the same checks as any file: a broken list fails the lookups, not the process.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/csv.h"
#include "ekonet/places.h"

extern const unsigned char share_kommuner[], share_lan[];
extern const size_t share_kommuner_len, share_lan_len;

#define MAX_PLACES 400

static struct place places[MAX_PLACES];
static size_t nplaces;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(const unsigned char *data, size_t len, enum place_kind kind)
{
    struct csv *c = csv_new((const char *)data, len, ',');
    char **f;
    size_t n;
    int header = 1;
    while (c && csv_next(c, &f, &n) == 1) {
        if (header) {
            header = 0;
            continue;
        }
        if (n < 2 || nplaces == MAX_PLACES) continue;
        struct place *p = &places[nplaces];
        p->code = strdup(f[0]);
        p->name = strdup(f[1]);
        p->county_code = strdup(kind == PLACE_MUNICIPALITY && n > 2 ? f[2] : f[0]);
        p->kind = kind;
        if (p->code && p->name && p->county_code) nplaces++;
    }
    csv_destroy(&c);
}

static void load_all(void)
{
    load(share_kommuner, share_kommuner_len, PLACE_MUNICIPALITY);
    load(share_lan, share_lan_len, PLACE_REGION);
}

const struct place *place_lookup(const char *code)
{
    pthread_once(&once, load_all);
    for (size_t i = 0; i < nplaces; i++)
        if (strcmp(places[i].code, code) == 0) return &places[i];
    return NULL;
}

const struct place *place_at(size_t i)
{
    pthread_once(&once, load_all);
    return i < nplaces ? &places[i] : NULL;
}

size_t place_count(void)
{
    pthread_once(&once, load_all);
    return nplaces;
}

const char *place_kind_str(enum place_kind kind)
{
    return kind == PLACE_REGION ? "region" : "municipality";
}
