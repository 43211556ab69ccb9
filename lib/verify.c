#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.pb-c.h"
#include "ekonet/board.h"
#include "ekonet/hex.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "ekonet/verify.h"
#include "wire.pb-c.h"

struct walk {
    struct verify_result *r;
    const uint8_t *network;
    void (*problem)(void *ctx, const char *what);
    void *ctx;
    uint8_t author[KEY_SIZE];
    uint64_t expect;       /* next seq */
    uint8_t prev[ID_SIZE]; /* id of the entry before */
    int board;             /* walking the board feed */
    uint8_t keys[BOARD_MAX_KEYS][KEY_SIZE];
    size_t nkeys;
    uint32_t k;
};

static void report(struct walk *w, const struct entry *e, const char *what)
{
    char msg[256], id[ID_HEX];
    snprintf(msg, sizeof msg, "feed %.12s seq %llu: %s", hex_encode(id, w->author, KEY_SIZE),
             (unsigned long long)(e ? e->seq : w->expect), what);
    w->r->problems++;
    w->problem(w->ctx, msg);
}

/* A charter in the board feed: from here on its keys and threshold count. */
static void take_charter(struct walk *w, const struct entry *e)
{
    Ekonet__Charter *c =
        e->content ? ekonet__charter__unpack(NULL, e->content_len, e->content) : NULL;
    if (!c) return;
    w->nkeys = 0;
    for (size_t i = 0; i < c->n_board_keys && i < BOARD_MAX_KEYS; i++)
        if (c->board_keys[i].len == KEY_SIZE)
            memcpy(w->keys[w->nkeys++], c->board_keys[i].data, KEY_SIZE);
    w->k = c->threshold;
    ekonet__charter__free_unpacked(c, NULL);
}

static int check_entry(void *ctx, const struct entry *e)
{
    struct walk *w = ctx;
    w->r->entries++;
    if (!e->content) w->r->detached++;
    if (e->seq != w->expect) report(w, e, "seq out of order or missing entries");
    if (e->seq > 1 && memcmp(e->prev, w->prev, ID_SIZE) != 0)
        report(w, e, "prev does not name the entry before");
    if (memcmp(e->network, w->network, ID_SIZE) != 0) report(w, e, "entry of another network");
    if (entry_check_content(e, (size_t)-1) != ENTRY_OK)
        report(w, e, "content does not match its hash");
    if (w->board) {
        if (e->seq == 1) take_charter(w, e);
        if (roster_count_signatures(e, (const uint8_t(*)[KEY_SIZE])w->keys, w->nkeys) < w->k)
            report(w, e, "fewer than k board signatures");
        else if (e->seq > 1 && e->kind == EKONET__ENTRY_KIND__KIND_CHARTER)
            take_charter(w, e);
    } else if (e->nsigs != 1 || memcmp(e->sigs[0].key, e->author, KEY_SIZE) != 0 ||
               entry_verify_sig(e, &e->sigs[0]) != 0) {
        report(w, e, "the author's signature does not verify");
    }
    memcpy(w->prev, e->id, ID_SIZE);
    w->expect = e->seq + 1;
    return 0;
}

struct feed_list {
    uint8_t (*authors)[KEY_SIZE];
    uint64_t *heads;
    size_t n, cap;
};

static void collect(void *ctx, const uint8_t author[KEY_SIZE], const struct feed_head *head)
{
    struct feed_list *l = ctx;
    uint64_t seq = head->seq;
    if (seq == 0) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        void *a = realloc(l->authors, cap * KEY_SIZE),
             *h = realloc(l->heads, cap * sizeof *l->heads);
        if (a) l->authors = a;
        if (h) l->heads = h;
        if (!a || !h) return;
        l->cap = cap;
    }
    memcpy(l->authors[l->n], author, KEY_SIZE);
    l->heads[l->n++] = seq;
}

/* Walks one feed in slices so that memory stays flat. */
static int walk_feed(struct store *s, struct walk *w, uint64_t head)
{
    w->expect = 1;
    memset(w->prev, 0, sizeof w->prev);
    for (uint64_t from = 1; from <= head; from += 4096)
        if (store_range(s, w->author, from, 4096, check_entry, w) < 0) return -1;
    if (w->expect != head + 1) report(w, NULL, "entries missing before the head");
    w->r->feeds++;
    return 0;
}

int store_verify(struct store *s, const uint8_t network[ID_SIZE], struct verify_result *r,
                 void (*problem)(void *ctx, const char *what), void *ctx)
{
    struct feed_list l = {0};
    struct walk w = {.r = r, .network = network, .problem = problem, .ctx = ctx};
    memset(r, 0, sizeof *r);
    int rc = store_feeds(s, collect, &l);
    /* The board feed first: nothing else means anything without it. */
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (memcmp(l.authors[i], network, ID_SIZE) != 0) continue;
        memcpy(w.author, l.authors[i], KEY_SIZE);
        w.board = 1;
        rc = walk_feed(s, &w, l.heads[i]);
    }
    w.board = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (memcmp(l.authors[i], network, ID_SIZE) == 0) continue;
        memcpy(w.author, l.authors[i], KEY_SIZE);
        rc = walk_feed(s, &w, l.heads[i]);
    }
    free(l.authors);
    free(l.heads);
    return rc;
}
