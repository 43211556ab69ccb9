/*
 * api_reply: what every handler of the local API builds its reply with (api.h): the call's
 * arena, which holds the reply's memory until it is packed and sent, error replies, and the
 * resolution of what a request names (an entry id or prefix, a member).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "ekonet/hex.h"
#include "ekonet/roster.h"

void *arena_keep(struct arena *a, void *p)
{
    if (!p) return NULL;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void **np = realloc(a->ptrs, cap * sizeof *np);
        if (!np) {
            free(p);
            return NULL;
        }
        a->ptrs = np;
        a->cap = cap;
    }
    return a->ptrs[a->n++] = p;
}

void *arena_alloc(struct arena *a, size_t size)
{
    return arena_keep(a, calloc(1, size));
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_keep(a, strdup(s ? s : ""));
}

void *arena_bytes(struct arena *a, const void *p, size_t n)
{
    void *d = arena_alloc(a, n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static void *arena_pb_alloc(void *data, size_t size)
{
    return arena_alloc(data, size);
}

static void arena_pb_free(void *data, void *p)
{
    (void)data; /* the arena frees everything at once */
    (void)p;
}

ProtobufCAllocator arena_allocator(struct arena *a)
{
    return (ProtobufCAllocator){arena_pb_alloc, arena_pb_free, a};
}

void arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->ptrs[i]);
    free(a->ptrs);
}

void api_fail(struct call *c, Ekonet__ApiErrorCode code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->error.code = code;
    c->error.message = arena_strdup(&c->arena, msg);
    if (!c->error.message) c->error.message = "out of memory";
    c->reply.error = &c->error;
    c->reply.result_case = EKONET__API_REPLY__RESULT__NOT_SET;
    c->node->stats.api_errors++;
}

ProtobufCBinaryData api_bin(struct arena *a, const void *p, size_t n)
{
    ProtobufCBinaryData b = {n, arena_bytes(a, p, n)};
    if (!b.data) b.len = 0;
    return b;
}

/* Resolves a hex id or prefix; 0 and id filled, or -1 after replying with an error. */
int api_resolve(struct call *c, const char *text, uint8_t id[ID_SIZE])
{
    if (strlen(text) < 4 || !hex_is_prefix(text, 2 * ID_SIZE)) {
        api_fail(c, EKONET__API_ERROR_CODE__API_BAD_REQUEST,
                 "\"%.70s\" is not an id: give at least 4 of its hex digits", text);
        return -1;
    }
    int rc = store_resolve(c->node->store, text, id);
    if (rc == 1) return 0;
    if (rc == 2)
        api_fail(c, EKONET__API_ERROR_CODE__API_AMBIGUOUS,
                 "id prefix %s matches more than one entry; give more digits", text);
    else if (rc == 0)
        api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "no entry with id %s", text);
    else
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                 store_errmsg(c->node->store));
    return -1;
}

void api_split_lines(struct call *c, const char *text, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text) return;
    char *t = arena_strdup(&c->arena, text);
    size_t cnt = 1;
    for (const char *p = text; *p; p++) cnt += *p == '\n';
    *out = arena_alloc(&c->arena, cnt * sizeof(char *));
    if (!t || !*out) return;
    char *save = NULL;
    for (char *tok = strtok_r(t, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
        (*out)[(*n)++] = tok;
}

/* Finds a member by code, node id prefix or name in the roster (or this node, alone); a
   member is named by its current key, also when the prefix is of a key it had before. */
int api_member(struct call *c, const char *text, uint8_t key[KEY_SIZE])
{
    const struct node *n = c->node;
    size_t len = strlen(text), found = 0;
    int hex = len >= 8 && hex_is_prefix(text, 2 * KEY_SIZE);
    char id[ID_HEX];
    if (!n->roster) {
        hex_encode(id, n->key.pub, KEY_SIZE);
        if (strcmp(text, n->cfg->code) == 0 || strcasecmp(text, n->cfg->name) == 0 ||
            (hex && strncasecmp(id, text, len) == 0)) {
            memcpy(key, n->key.pub, KEY_SIZE);
            return 0;
        }
    }
    for (size_t i = 0; n->roster && i < n->roster->nmembers; i++) {
        const struct member *m = &n->roster->members[i];
        hex_encode(id, m->key, KEY_SIZE);
        /* a former key shares its member's code and name: those find the current key */
        int named =
            !m->has_successor && (strcmp(text, m->code) == 0 || strcasecmp(text, m->name) == 0);
        if (!named && !(hex && strncasecmp(id, text, len) == 0)) continue;
        const struct member *cur = roster_current(n->roster, m->key);
        if (found && memcmp(key, cur->key, KEY_SIZE) == 0) continue; /* the same member again */
        if (found++ == 0) memcpy(key, cur->key, KEY_SIZE);
    }
    if (found == 1) return 0;
    api_fail(c,
             found ? EKONET__API_ERROR_CODE__API_AMBIGUOUS : EKONET__API_ERROR_CODE__API_NOT_FOUND,
             found ? "\"%.60s\" names %zu members; give a node id"
                   : "no member \"%.60s\"%.0zu"
                     " (give an SCB code, a name or a node id; see ekonet members)",
             text, found);
    return -1;
}
