#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ekonet/frontier.h"

struct slot {
    uint8_t key[32];
    uint64_t seq; /* 0: empty (a removed head leaves a tombstone, see below) */
    int used;     /* the slot has held a key: probing continues past it */
};

struct frontier {
    struct slot *slots;
    uint8_t (*ids)[32]; /* beside slots, in a frontier_new_ids frontier; else NULL */
    size_t cap, count, used;
    uint8_t digest[FRONTIER_DIGEST];
};

static const uint8_t zero_id[32];

static void mix(struct frontier *f, const uint8_t key[32], uint64_t seq, const uint8_t id[32])
{
    if (seq == 0) return;
    uint8_t buf[72], h[FRONTIER_DIGEST];
    memcpy(buf, key, 32);
    for (int i = 0; i < 8; i++) buf[32 + i] = (uint8_t)(seq >> (8 * i));
    memcpy(buf + 40, id, 32);
    crypto_generichash(h, sizeof h, buf, sizeof buf, NULL, 0);
    for (int i = 0; i < FRONTIER_DIGEST; i++) f->digest[i] ^= h[i];
}

static size_t hash(const uint8_t key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof h);
    return (size_t)(h ^ (h >> 29));
}

static struct frontier *create(int with_ids)
{
    struct frontier *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->cap = 64;
    if (!(f->slots = calloc(f->cap, sizeof *f->slots)) ||
        (with_ids && !(f->ids = calloc(f->cap, sizeof *f->ids)))) {
        free(f->slots);
        free(f);
        return NULL;
    }
    return f;
}

struct frontier *frontier_new(void)
{
    return create(0);
}

struct frontier *frontier_new_ids(void)
{
    return create(1);
}

void frontier_destroy(struct frontier **pf)
{
    if (!pf || !*pf) return;
    free((*pf)->slots);
    free((*pf)->ids);
    free(*pf);
    *pf = NULL;
}

static struct slot *find(const struct frontier *f, const uint8_t key[32])
{
    for (size_t i = hash(key) & (f->cap - 1);; i = (i + 1) & (f->cap - 1)) {
        struct slot *s = &f->slots[i];
        if (!s->used || memcmp(s->key, key, 32) == 0) return s;
    }
}

static const uint8_t *id_at(const struct frontier *f, const struct slot *s)
{
    return f->ids ? f->ids[s - f->slots] : zero_id;
}

static int grow(struct frontier *f)
{
    struct frontier bigger = {NULL, NULL, f->cap * 2, 0, 0, {0}};
    if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)) ||
        (f->ids && !(bigger.ids = calloc(bigger.cap, sizeof *bigger.ids)))) {
        free(bigger.slots);
        return -1;
    }
    for (size_t i = 0; i < f->cap; i++) {
        if (f->slots[i].seq == 0) continue; /* tombstones are dropped */
        struct slot *s = find(&bigger, f->slots[i].key);
        *s = f->slots[i];
        if (f->ids) memcpy(bigger.ids[s - bigger.slots], f->ids[i], 32);
        bigger.used++;
        bigger.count++;
    }
    free(f->slots);
    free(f->ids);
    f->slots = bigger.slots;
    f->ids = bigger.ids;
    f->cap = bigger.cap;
    f->used = bigger.used;
    return 0;
}

uint64_t frontier_get(const struct frontier *f, const uint8_t author[32])
{
    return find(f, author)->seq;
}

int frontier_set_id(struct frontier *f, const uint8_t author[32], uint64_t seq,
                    const uint8_t id[32])
{
    if ((f->used + 1) * 4 > f->cap * 3 && grow(f) < 0) return -1;
    struct slot *s = find(f, author);
    const uint8_t *was = id_at(f, s);
    if (!f->ids || !id) id = zero_id;
    if (s->seq == seq && memcmp(was, id, 32) == 0) return 0;
    mix(f, author, s->seq, was);
    mix(f, author, seq, id);
    if (f->ids) memcpy(f->ids[s - f->slots], id, 32);
    if (!s->used) {
        memcpy(s->key, author, 32);
        s->used = 1;
        f->used++;
    }
    if (s->seq == 0 && seq) f->count++;
    if (s->seq && seq == 0) f->count--;
    s->seq = seq;
    return 0;
}

int frontier_set(struct frontier *f, const uint8_t author[32], uint64_t seq)
{
    return frontier_set_id(f, author, seq, NULL);
}

const uint8_t *frontier_id(const struct frontier *f, const uint8_t author[32])
{
    const struct slot *s = find(f, author);
    return f->ids && s->seq ? f->ids[s - f->slots] : NULL;
}

int frontier_raise(struct frontier *f, const uint8_t author[32], uint64_t seq)
{
    return frontier_get(f, author) < seq ? frontier_set(f, author, seq) : 0;
}

size_t frontier_count(const struct frontier *f)
{
    return f->count;
}

void frontier_digest(const struct frontier *f, uint8_t out[FRONTIER_DIGEST])
{
    memcpy(out, f->digest, FRONTIER_DIGEST);
}

int frontier_next(const struct frontier *f, size_t *pos, uint8_t author[32], uint64_t *seq)
{
    for (; *pos < f->cap; (*pos)++) {
        const struct slot *s = &f->slots[*pos];
        if (s->seq == 0) continue;
        memcpy(author, s->key, 32);
        *seq = s->seq;
        (*pos)++;
        return 1;
    }
    return 0;
}

void frontier_clear(struct frontier *f)
{
    memset(f->slots, 0, f->cap * sizeof *f->slots);
    if (f->ids) memset(f->ids, 0, f->cap * sizeof *f->ids);
    memset(f->digest, 0, sizeof f->digest);
    f->count = f->used = 0;
}
