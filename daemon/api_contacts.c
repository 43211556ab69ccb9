/*
 * api_contacts: contact requests for the CLI. Sending seals the request and commits it before
 * the reply; the courier (courier.c) carries it. A request to a member that is unknown, revoked
 * or this node itself is refused at once.
 */
#include <string.h>
#include <time.h>

#include "api.h"
#include "courier.h"
#include "ekonet/contacts.h"
#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"

#define REPLY_LIFETIME ENVELOPE_LIFETIME

/* Fills i from a stored conversation; the messages are unpacked into the call's arena. */
static int fill_info(struct call *c, const struct contact *ct, Ekonet__ContactInfo *i)
{
    ProtobufCAllocator al = arena_allocator(&c->arena);
    ekonet__contact_info__init(i);
    i->id = api_bin(&c->arena, ct->id, ID_SIZE);
    i->outgoing = ct->outgoing;
    i->peer = api_bin(&c->arena, ct->peer, KEY_SIZE);
    const struct member *m = c->node->roster ? roster_member(c->node->roster, ct->peer) : NULL;
    if (m) {
        i->peer_name = arena_strdup(&c->arena, m->name);
        i->peer_code = arena_strdup(&c->arena, m->code);
    }
    i->created_ms = ct->created_ms;
    i->expires_ms = ct->expires_ms;
    i->updated_ms = ct->updated_ms;
    i->state = arena_strdup(&c->arena, ct->state);
    i->request = ekonet__contact_request__unpack(&al, ct->request_len, ct->request);
    if (ct->reply) i->reply = ekonet__contact_reply__unpack(&al, ct->reply_len, ct->reply);
    if (ct->reply_state) i->reply_state = arena_strdup(&c->arena, ct->reply_state);
    if (ct->note) i->note = arena_strdup(&c->arena, ct->note);
    return i->request && i->state ? 0 : -1;
}

struct one {
    struct call *c;
    Ekonet__ContactInfo *info;
    int outgoing, has_reply;
    uint8_t peer[KEY_SIZE];
    char state[16];
    int role; /* the request's role */
    int failed;
};

static void take_one(void *ctx, const struct contact *ct)
{
    struct one *o = ctx;
    o->info = arena_alloc(&o->c->arena, sizeof *o->info);
    if (!o->info || fill_info(o->c, ct, o->info) < 0) {
        o->failed = 1;
        return;
    }
    o->outgoing = ct->outgoing;
    o->has_reply = ct->reply != NULL;
    memcpy(o->peer, ct->peer, KEY_SIZE);
    snprintf(o->state, sizeof o->state, "%s", ct->state);
    o->role = o->info->request->role;
}

/* Replies with the conversation id; 0, or -1 replied with an error. */
static int reply_one(struct call *c, const uint8_t id[ID_SIZE], struct one *o)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    int rc = contacts_get(c->node->store, id, take_one, o);
    if (rc < 0 || o->failed) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the request: %s",
                 store_errmsg(c->node->store));
        return -1;
    }
    if (rc == 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND, "no such request");
        return -1;
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_CONTACT;
    c->reply.contact = o->info;
    return 0;
}

/* Resolves a conversation id or prefix; 0, or -1 replied. */
static int resolve(struct call *c, const char *text, uint8_t id[ID_SIZE])
{
    size_t len = strlen(text);
    int rc = len >= 4 && len <= 2 * ID_SIZE ? contacts_resolve(c->node->store, text, id) : 0;
    if (rc == 1) return 0;
    if (rc < 0)
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot look up requests: %s",
                 store_errmsg(c->node->store));
    else if (rc == 2)
        api_fail(c, EKONET__API_ERROR_CODE__API_AMBIGUOUS,
                 "\"%.64s\" starts more than one request; give more digits", text);
    else
        api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                 "no request \"%.64s\" here (give 4 or more hex digits of its id; see ekonet "
                 "contact outbox and inbox)",
                 text);
    return -1;
}

/* The member may be written to: admitted, not this node. 0, or -1 replied. */
static int reachable(struct call *c, const uint8_t key[KEY_SIZE])
{
    const struct node *n = c->node;
    const struct member *me = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    if (!me || me->status != MEMBER_ADMITTED) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "this node is not an admitted member of a network, so it cannot send requests");
        return -1;
    }
    if (memcmp(key, n->key.pub, KEY_SIZE) == 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "that is this member; ask another member's contact persons");
        return -1;
    }
    const struct member *m = roster_member(n->roster, key);
    if (!m || m->status != MEMBER_ADMITTED) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "%s is no longer a member of the network (revoked); requests to it are refused",
                 m ? m->name : "that node");
        return -1;
    }
    return 0;
}

void api_contact_send(struct call *c, const Ekonet__ContactSendRequest *req)
{
    struct node *n = c->node;
    uint8_t to[KEY_SIZE], id[ID_SIZE];
    struct errbuf err;
    if (!n->roster) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "this node has not joined a network, so it has no one to ask");
        return;
    }
    if (api_member(c, req->member, to) < 0 || reachable(c, to) < 0) return;
    if (contact_request_validate(req->request, &err) < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s", err.msg);
        return;
    }
    uint32_t days = req->has_expires_days ? req->expires_days : 30;
    if (days < 1 || days > 90) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "a request lives 1 to 90 days, not %u",
                 days);
        return;
    }
    size_t len = ekonet__contact_request__get_packed_size(req->request);
    uint8_t *bytes = arena_alloc(&c->arena, len ? len : 1);
    if (!bytes) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return;
    }
    ekonet__contact_request__pack(req->request, bytes);
    uint64_t expires = node_now_ms() + days * ENVELOPE_DAY_MS;
    if (courier_send(n, to, NULL, NULL, bytes, len, expires, id, &err) < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "%s", err.msg);
        return;
    }
    struct one o;
    reply_one(c, id, &o);
}

static void take_list(void *ctx, const struct contact *ct)
{
    struct call *c = ctx;
    Ekonet__ContactListReply *l = c->reply.contact_list;
    Ekonet__ContactInfo *i = arena_alloc(&c->arena, sizeof *i);
    if (i && fill_info(c, ct, i) == 0) l->contacts[l->n_contacts++] = i;
}

void api_contact_list(struct call *c, const Ekonet__ContactListRequest *req)
{
    unsigned limit =
        req->has_limit && req->limit && req->limit < API_LIST_LIMIT ? req->limit : API_LIST_LIMIT;
    Ekonet__ContactListReply *l = arena_alloc(&c->arena, sizeof *l);
    if (l) {
        ekonet__contact_list_reply__init(l);
        l->contacts = arena_alloc(&c->arena, limit * sizeof *l->contacts);
    }
    if (!l || !l->contacts) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return;
    }
    c->reply.result_case = EKONET__API_REPLY__RESULT_CONTACT_LIST;
    c->reply.contact_list = l;
    if (contacts_list(c->node->store, req->outgoing, limit, take_list, c) < 0)
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the requests: %s",
                 store_errmsg(c->node->store));
}

void api_contact_get(struct call *c, const Ekonet__ContactGetRequest *req)
{
    uint8_t id[ID_SIZE];
    struct one o;
    if (resolve(c, req->id, id) < 0 || reply_one(c, id, &o) < 0) return;
    if (!o.outgoing && strcmp(o.state, "new") == 0 &&
        contacts_mark_read(c->node->store, id, node_now_ms()) == 0)
        o.info->state = "read";
}

/* This member's contact person for a role (the official for "either"), from its profile in
   force or its application; NULL replied when unknown. */
static Ekonet__ContactPerson *own_person(struct call *c, int role)
{
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    Ekonet__ContactPerson *who = NULL;
    if (profile_effective(c->node->store, c->node->key.pub, &info, &p) == 1)
        who = api_copy_person(
            &c->arena, role == EKONET__CONTACT_ROLE__ROLE_POLITICIAN ? p->politician : p->official);
    if (p) ekonet__profile__free_unpacked(p, NULL);
    if (!who)
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "this member's %s is not known: publish a profile with ekonet profile set",
                 contact_role_str(role));
    return who;
}

void api_contact_reply(struct call *c, const Ekonet__ContactReplyRequest *req)
{
    struct node *n = c->node;
    uint8_t id[ID_SIZE], reply_id[ID_SIZE];
    struct errbuf err;
    struct one o;
    if (resolve(c, req->id, id) < 0 || reply_one(c, id, &o) < 0) return;
    if (o.outgoing) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "that is a request this member sent; its recipient answers it");
        return;
    }
    if (o.has_reply) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "that request is %s already", o.state);
        return;
    }
    /* A member that changed its key since it asked is answered at its current key. */
    const struct member *cur = n->roster ? roster_current(n->roster, o.peer) : NULL;
    const uint8_t *to = cur ? cur->key : o.peer;
    if (reachable(c, to) < 0) return;
    Ekonet__ContactReply r = EKONET__CONTACT_REPLY__INIT;
    r.answer = req->answer;
    r.text = req->text;
    int role = req->has_as ? (int)req->as : o.role;
    r.responder = req->responder ? req->responder : own_person(c, role);
    if (!r.responder) return;
    if (contact_reply_validate(&r, &err) < 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID, "%s", err.msg);
        return;
    }
    size_t len = ekonet__contact_reply__get_packed_size(&r);
    uint8_t *bytes = arena_alloc(&c->arena, len ? len : 1);
    if (!bytes) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
        return;
    }
    ekonet__contact_reply__pack(&r, bytes);
    const char *state =
        r.answer == EKONET__CONTACT_ANSWER__ANSWER_DECLINE ? "declined" : "answered";
    if (courier_send(n, to, id, state, bytes, len, node_now_ms() + REPLY_LIFETIME, reply_id, &err) <
        0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "%s", err.msg);
        return;
    }
    reply_one(c, id, &o);
}
