/*
 * rotation: this node's side of a planned change of its key (docs/PROTOCOL.md 4.4.1,
 * docs/OPERATIONS.md "A new key for a member").
 *
 *   ekonet key rotate   rotation_begin: the next key is made and kept as node.key.next (mode
 *                       0600, fsynced); the current key signs a Rotation naming it and its own
 *                       feed's head as last_seq, which the CLI writes for the board. From then
 *                       on the node publishes nothing, so that its old feed ends at last_seq.
 *   the SUCCEED act     rotation_roster_changed: when the board makes the next key the
 *                       successor of the current one, node.key becomes the next key (the old
 *                       one kept as node.key.<first 16 digits of its id>.old, never deleted) and
 *                       the daemon starts again under it (main.c runs itself anew).
 *   start               rotation_finish (main.c, before the key is read): a switch that a crash
 *                       interrupted is finished. rotation_load: a rotation still pending keeps
 *                       the node from publishing. rotation_adopt_profile: a member whose
 *                       profile was published under a former key gets it under this one.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "own.h"
#include "rotation.h"
#include "ekonet/board.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

/* The key files of dir: node.key, node.key.next, and the aside name for old. -1 if too long. */
static int key_paths(const char *dir, const uint8_t *old, char cur[PATH_MAX], char next[PATH_MAX],
                     char aside[PATH_MAX])
{
    char id[ID_HEX], name[64];
    if (file_join(cur, PATH_MAX, dir, "node.key") < 0 ||
        file_join(next, PATH_MAX, dir, "node.key.next") < 0)
        return -1;
    if (!old) return 0;
    snprintf(name, sizeof name, "node.key.%.16s.old", hex_encode(id, old, KEY_SIZE));
    return file_join(aside, PATH_MAX, dir, name);
}

/* True if the roster makes next the successor of cur. */
static int succeeded_by(const struct roster *r, const uint8_t *cur, const uint8_t *next)
{
    const struct member *m = roster_member(r, cur);
    return m && m->has_successor && memcmp(m->successor, next, KEY_SIZE) == 0;
}

int rotation_finish(const char *dir, struct store *s, struct errbuf *err)
{
    char cur[PATH_MAX], next[PATH_MAX], aside[PATH_MAX];
    struct node_key old, new;
    if (key_paths(dir, NULL, cur, next, aside) < 0)
        return errbuf_set(err, "data directory path too long");
    if (!file_exists(next)) return 0;
    if (key_load(&old, cur, err) < 0 || key_load(&new, next, err) < 0) return -1;
    struct roster *r = roster_load(s, err);
    int due = r && succeeded_by(r, old.pub, new.pub), rc = r ? 0 : -1;
    roster_destroy(&r);
    if (due && key_paths(dir, old.pub, cur, next, aside) == 0) {
        rc = key_file_switch(cur, next, aside, err) < 0 ? -1 : 1;
        char a[ID_HEX], b[ID_HEX];
        if (rc == 1)
            elog(ELOG_INFO, "key replaced", "old=%s new=%s kept=%s",
                 hex_encode(a, old.pub, KEY_SIZE), hex_encode(b, new.pub, KEY_SIZE), aside);
    }
    key_wipe(&old);
    key_wipe(&new);
    return rc;
}

int rotation_load(struct node *n, struct errbuf *err)
{
    char cur[PATH_MAX], next[PATH_MAX], aside[PATH_MAX];
    if (key_paths(n->cfg->data_dir, NULL, cur, next, aside) < 0)
        return errbuf_set(err, "data directory path too long");
    if (!file_exists(next)) return 0;
    if (key_load(&n->next_key, next, err) < 0) return -1;
    n->rotating = 1;
    char id[ID_HEX];
    elog(ELOG_INFO, "key rotation pending", "next=%s", hex_encode(id, n->next_key.pub, KEY_SIZE));
    return 0;
}

/* Makes and keeps the next key (once); 0, or -1 after replying with an error. */
static int make_next(struct call *c)
{
    struct node *n = c->node;
    char cur[PATH_MAX], next[PATH_MAX], aside[PATH_MAX], id[ID_HEX];
    struct errbuf err;
    if (n->rotating) return 0;
    if (key_paths(n->cfg->data_dir, NULL, cur, next, aside) < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "data directory path too long");
        return -1;
    }
    struct node_key k;
    if (key_generate(&k) < 0 ||
        key_save(&k, next, "ekonet node key, next (ekonet key rotate)", &err) < 0) {
        key_wipe(&k);
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot keep the next key: %s", err.msg);
        return -1;
    }
    n->next_key = k;
    n->rotating = 1;
    key_wipe(&k);
    elog(ELOG_INFO, "key rotation begun", "next=%s", hex_encode(id, n->next_key.pub, KEY_SIZE));
    return 0;
}

/* The current key's signed rotation to the next key, in the call's arena; 0 or -1 replied. */
static int signed_rotation(struct call *c, uint64_t last_seq, ProtobufCBinaryData *out)
{
    struct node *n = c->node;
    Ekonet__Rotation r = EKONET__ROTATION__INIT;
    r.network = (ProtobufCBinaryData){ID_SIZE, n->roster->network};
    r.old_key = (ProtobufCBinaryData){KEY_SIZE, n->key.pub};
    r.new_key = (ProtobufCBinaryData){KEY_SIZE, n->next_key.pub};
    r.last_seq = last_seq;
    r.created_ms = node_now_ms();
    uint8_t *buf;
    size_t len;
    if (rotation_sign(&r, &n->key, &buf, &len) < 0 || !arena_keep(&c->arena, buf)) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return -1;
    }
    *out = (ProtobufCBinaryData){len, buf};
    return 0;
}

void api_key_rotate(struct call *c)
{
    struct node *n = c->node;
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    if (!me || me->status != MEMBER_ADMITTED)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        "this node is not an admitted member of a network, so it has no key to "
                        "rotate; a new node is admitted with ekonet application");
    if (!n->rotating && !own_confirmed(n)) /* its head might not be the feed's end yet */
        return api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                        "this node has not yet confirmed the head of its own feed with another "
                        "member (ekonet pending says why); rotate its key once it has");
    int pending = n->rotating;
    struct feed_head h;
    if (store_head(n->store, n->key.pub, &h) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the store: %s",
                        store_errmsg(n->store));
    Ekonet__KeyRotateReply *r = arena_alloc(&c->arena, sizeof *r);
    if (!r) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    ekonet__key_rotate_reply__init(r);
    if (make_next(c) < 0 || signed_rotation(c, h.seq, &r->rotation) < 0) return;
    r->new_key = api_bin(&c->arena, n->next_key.pub, KEY_SIZE);
    r->last_seq = h.seq;
    r->pending = pending != 0;
    c->reply.result_case = EKONET__API_REPLY__RESULT_KEY_ROTATE;
    c->reply.key_rotate = r;
}

/* Publishes under this node's key the profile in force that a former key of its member
   published, so that the member's profile goes on under the key it now has. */
void rotation_adopt_profile(struct node *n)
{
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    if (!me || me->status != MEMBER_ADMITTED || me->gen == 0 || n->rotating) return;
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    if (profile_get(n->store, n->key.pub, &info, &p) != 1 ||
        memcmp(info.author, n->key.pub, KEY_SIZE) == 0) {
        if (p) ekonet__profile__free_unpacked(p, NULL);
        return;
    }
    size_t len = ekonet__profile__get_packed_size(p);
    uint8_t *buf = malloc(len ? len : 1);
    struct errbuf why = {""}, err = {""};
    struct own_published out = {NULL, 0};
    int rc = -1;
    if (buf) {
        ekonet__profile__pack(p, buf);
        /* signed now, or once the new feed's (empty) head is confirmed (own.h) */
        rc = own_publish(n, EKONET__ENTRY_KIND__KIND_PROFILE, buf, len, &out, &why, &err);
    }
    if (rc == ENTRY_OK) {
        elog(ELOG_INFO, "profile adopted", "seq=%llu pending=%lld",
             (unsigned long long)(out.entry ? out.entry->seq : 0), (long long)out.pending);
    } else {
        node_error(n, "cannot publish the member's profile under this key: %s",
                   rc < 0 ? (buf ? err.msg : "out of memory") : why.msg);
    }
    entry_destroy(&out.entry);
    free(buf);
    ekonet__profile__free_unpacked(p, NULL);
}

void rotation_roster_changed(struct node *n)
{
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    char a[ID_HEX], b[ID_HEX];
    if (!me || !me->has_successor || n->replaced_seen) return;
    n->replaced_seen = 1;
    hex_encode(a, n->key.pub, KEY_SIZE);
    hex_encode(b, me->successor, KEY_SIZE);
    if (!n->rotating || memcmp(me->successor, n->next_key.pub, KEY_SIZE) != 0) {
        /* a lost or stolen key: this node is cut off, and another node is the member now */
        elog(ELOG_WARN, "key replaced", "node=%s successor=%s detail=%s", a, b,
             "\"the board made another key the member's; this node can no longer publish or "
             "connect\"");
        return;
    }
    elog(ELOG_INFO, "restarting", "reason=\"key rotated\" old=%s new=%s", a, b);
    n->restart = 1; /* the loop ends; main.c switches the key files and runs itself again */
}
