/*
 * proposal: a board act on its way to the board feed. It is the board-feed Entry itself
 * (header, content and the signatures gathered so far) in an armored text file, with '#'
 * lines that tell a signer what they are about to sign.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "proposal.h"
#include "wire.pb-c.h"

#define PROPOSAL_MAX (4 * 1024 * 1024)

struct entry *proposal_new(const uint8_t network[ID_SIZE], uint64_t seq, const uint8_t *prev,
                           uint32_t kind, const uint8_t *content, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    return entry_new(network, network, seq, prev, now, kind, content, len);
}

/* One paragraph saying what the act does, for people. */
static void describe_content(const struct entry *e, char *buf, size_t size)
{
    char key[ID_HEX];
    const uint8_t *d = e->content;
    size_t len = e->content_len;
    snprintf(buf, size, "a %s act", entry_kind_str(e->kind));
    switch (e->kind) {
    case EKONET__ENTRY_KIND__KIND_CHARTER: {
        Ekonet__Charter *c = ekonet__charter__unpack(NULL, len, d);
        if (!c) return;
        size_t o = (size_t)snprintf(buf, size,
                                    "%s the network \"%s\": a board of %zu, %u of whom "
                                    "must sign every board act. Board keys:",
                                    e->seq == 1 ? "Founds" : "Amends the charter of", c->name,
                                    c->n_board_keys, c->threshold);
        for (size_t i = 0; i < c->n_board_keys && o < size; i++)
            o += (size_t)snprintf(buf + o, size - o, "\n  %s",
                                  hex_encode(key, c->board_keys[i].data, KEY_SIZE));
        ekonet__charter__free_unpacked(c, NULL);
        return;
    }
    case EKONET__ENTRY_KIND__KIND_ADMIT: {
        Ekonet__Admit *a = ekonet__admit__unpack(NULL, len, d);
        if (!a) return;
        snprintf(buf, size, "Admits %s (%s, %s) as a member.\nNode id: %s\nDecision: %s", a->name,
                 a->code, member_kind_str(a->kind), hex_encode(key, a->member.data, KEY_SIZE),
                 a->decision);
        ekonet__admit__free_unpacked(a, NULL);
        return;
    }
    case EKONET__ENTRY_KIND__KIND_REVOKE: {
        Ekonet__Revoke *r = ekonet__revoke__unpack(NULL, len, d);
        if (!r) return;
        snprintf(buf, size,
                 "Revokes the membership of node %s; its entries after seq %llu are "
                 "refused.\nReason: %s",
                 hex_encode(key, r->member.data, KEY_SIZE), (unsigned long long)r->last_seq,
                 r->reason);
        ekonet__revoke__free_unpacked(r, NULL);
        return;
    }
    case EKONET__ENTRY_KIND__KIND_REDACT: {
        Ekonet__Redact *r = ekonet__redact__unpack(NULL, len, d);
        if (!r) return;
        snprintf(buf, size, "Erases the content of entry %s on every node.\nReason: %s",
                 hex_encode(key, r->target.data, r->target.len == ID_SIZE ? ID_SIZE : 0),
                 r->reason);
        ekonet__redact__free_unpacked(r, NULL);
        return;
    }
    case EKONET__ENTRY_KIND__KIND_SUCCEED: {
        Ekonet__Succeed *x = ekonet__succeed__unpack(NULL, len, d);
        if (!x) return;
        char next[ID_HEX];
        snprintf(buf, size,
                 "Makes node %s the member's key in place of node %s (key %s%s): the same "
                 "member, its history continued. The old key's entries after seq %llu are "
                 "refused.\nDecision: %s",
                 hex_encode(next, x->new_key.data, KEY_SIZE),
                 hex_encode(key, x->old_key.data, KEY_SIZE), succession_reason_str(x->reason),
                 x->rotation ? ", signed by the old key" : "", (unsigned long long)x->last_seq,
                 x->decision);
        ekonet__succeed__free_unpacked(x, NULL);
        return;
    }
    case EKONET__ENTRY_KIND__KIND_CATALOGUE: {
        Ekonet__Catalogue *c = ekonet__catalogue__unpack(NULL, len, d);
        if (!c) return;
        snprintf(buf, size, "Puts indicator catalogue revision \"%s\" (%zu indicators) in force.",
                 c->revision, c->n_indicators);
        ekonet__catalogue__free_unpacked(c, NULL);
        return;
    }
    }
}

void proposal_describe(const struct entry *e, char *buf, size_t size)
{
    char net[ID_HEX], what[4096];
    describe_content(e, what, sizeof what);
    size_t o = (size_t)snprintf(buf, size,
                                "ekonet board act: %s, seq %llu of the board feed\n"
                                "Network: %s\n%s\nSigned by %zu key%s",
                                entry_kind_str(e->kind), (unsigned long long)e->seq,
                                hex_encode(net, e->network, ID_SIZE), what, e->nsigs,
                                e->nsigs == 1 ? "" : "s");
    for (size_t i = 0; i < e->nsigs && o < size; i++) {
        char key[ID_HEX];
        o += (size_t)snprintf(buf + o, size - o, "%s%s%s", i ? "\n  " : ":\n  ",
                              hex_encode(key, e->sigs[i].key, KEY_SIZE),
                              entry_verify_sig(e, &e->sigs[i]) == 0 ? "" : " (DOES NOT VERIFY)");
    }
}

int proposal_write(const char *path, const struct entry *e, struct errbuf *err)
{
    uint8_t *buf;
    size_t len;
    char comment[8192];
    if (entry_encode(e, 1, &buf, &len) < 0) return errbuf_set(err, "out of memory");
    proposal_describe(e, comment, sizeof comment);
    char *text = armor_encode("PROPOSAL", comment, buf, len);
    free(buf);
    if (!text) return errbuf_set(err, "out of memory");
    int rc = 0;
    if (!path || strcmp(path, "-") == 0)
        fputs(text, stdout);
    else
        rc = file_write_atomic(path, text, strlen(text), 0644, err);
    free(text);
    return rc;
}

struct entry *proposal_read(const char *path, struct errbuf *err)
{
    uint8_t *buf;
    size_t len;
    struct entry *e = NULL;
    if (armor_read_file(path, "PROPOSAL", PROPOSAL_MAX, &buf, &len, err) < 0) return NULL;
    /* Not entry_decode: a proposal may have no signature yet. */
    Ekonet__Entry *m = ekonet__entry__unpack(NULL, len, buf);
    free(buf);
    if (!m || !m->has_content || m->n_sigs > ENTRY_MAX_SIGS ||
        entry_from_parts(m->header.data, m->header.len, NULL, 0, m->content.data, m->content.len,
                         &e) != ENTRY_OK) {
        errbuf_set(err, "%s is not a valid board proposal", path);
        goto out;
    }
    for (size_t i = 0; i < m->n_sigs; i++) {
        if (m->sigs[i]->key.len != KEY_SIZE || m->sigs[i]->sig.len != SIG_SIZE ||
            entry_add_sig(e, m->sigs[i]->key.data, m->sigs[i]->sig.data) < 0) {
            errbuf_set(err, "%s holds a malformed signature", path);
            entry_destroy(&e);
            goto out;
        }
    }
    if (memcmp(e->author, e->network, ID_SIZE) != 0 ||
        (!board_kind(e->kind) && e->kind != EKONET__ENTRY_KIND__KIND_REDACT)) {
        errbuf_set(err, "%s is not a board act", path);
        entry_destroy(&e);
        goto out;
    }
    /* Checked as the daemon checks it, so that describing it can trust its fields. */
    struct errbuf why = {""};
    if (content_check(e->kind, e->content, e->content_len, &why) != ENTRY_OK) {
        errbuf_set(err, "%s is not a valid board act: %s", path, why.msg);
        entry_destroy(&e);
    }
out:
    if (m) ekonet__entry__free_unpacked(m, NULL);
    return e;
}
