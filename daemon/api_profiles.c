/*
 * api_profiles: members' profiles. What a member says about itself (name, code, endpoints,
 * its politician and official with languages and expertise): its profile in force, else what
 * its membership application said; and the check this node makes before it publishes its own.
 */
#include <string.h>

#include "api.h"
#include "ekonet/profiles.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

/* n strings copied into the arena; NULL when n is 0 or out of memory (*ok says which). */
static char **copy_strings(struct arena *a, char *const *v, size_t n, int *ok)
{
    if (n == 0) return NULL;
    char **d = arena_alloc(a, n * sizeof *d);
    for (size_t i = 0; d && i < n; i++)
        if (!(d[i] = arena_strdup(a, v[i]))) d = NULL;
    if (!d) *ok = 0;
    return d;
}

Ekonet__ContactPerson *api_copy_person(struct arena *a, const Ekonet__ContactPerson *p)
{
    if (!p) return NULL;
    Ekonet__ContactPerson *d = arena_alloc(a, sizeof *d);
    if (!d) return NULL;
    ekonet__contact_person__init(d);
    int ok = (d->name = arena_strdup(a, p->name)) != NULL;
    if (p->title && !(d->title = arena_strdup(a, p->title))) ok = 0;
    if (p->email && !(d->email = arena_strdup(a, p->email))) ok = 0;
    if (p->phone && !(d->phone = arena_strdup(a, p->phone))) ok = 0;
    d->languages = copy_strings(a, p->languages, p->n_languages, &ok);
    d->n_languages = d->languages ? p->n_languages : 0;
    d->expertise = copy_strings(a, p->expertise, p->n_expertise, &ok);
    d->n_expertise = d->expertise ? p->n_expertise : 0;
    return ok ? d : NULL;
}

Ekonet__Profile *api_copy_profile(struct arena *a, const Ekonet__Profile *p)
{
    Ekonet__Profile *d = arena_alloc(a, sizeof *d);
    if (!d) return NULL;
    ekonet__profile__init(d);
    int ok = 1;
    d->name = arena_strdup(a, p->name);
    d->code = arena_strdup(a, p->code);
    d->endpoints = copy_strings(a, p->endpoints, p->n_endpoints, &ok);
    d->n_endpoints = d->endpoints ? p->n_endpoints : 0;
    d->politician = api_copy_person(a, p->politician);
    d->official = api_copy_person(a, p->official);
    return ok && d->name && d->code && d->politician && d->official ? d : NULL;
}

/* The code this node was admitted with, or its configured one before it joined. */
static const char *own_code(const struct node *n)
{
    const struct member *m = n->roster ? roster_member(n->roster, n->key.pub) : NULL;
    return m ? m->code : n->cfg->code;
}

int api_check_profile(struct call *c, const Ekonet__PublishRequest *p)
{
    if (p->kind != EKONET__ENTRY_KIND__KIND_PROFILE) return 0;
    Ekonet__Profile *prof = ekonet__profile__unpack(NULL, p->content.len, p->content.data);
    if (!prof) return 0; /* feed_publish reports the decoding problem */
    const char *code = own_code(c->node);
    int rc = 0;
    if (strcmp(prof->code, code) != 0) {
        api_fail(c, EKONET__API_ERROR_CODE__API_INVALID,
                 "the profile's code \"%.20s\" is not %s, the code this member was admitted with",
                 prof->code, code);
        rc = -1;
    }
    ekonet__profile__free_unpacked(prof, NULL);
    return rc;
}

void api_profile_get(struct call *c, const Ekonet__ProfileGetRequest *req)
{
    struct node *n = c->node;
    uint8_t key[KEY_SIZE];
    if (!req->member || !*req->member)
        memcpy(key, n->key.pub, KEY_SIZE);
    else if (api_member(c, req->member, key) < 0)
        return;
    struct profile_info info;
    Ekonet__Profile *p = NULL;
    if (profile_effective(n->store, key, &info, &p) < 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read the profiles: %s",
                        store_errmsg(n->store));
    Ekonet__ProfileReply *r = arena_alloc(&c->arena, sizeof *r);
    if (r) {
        ekonet__profile_reply__init(r);
        const struct member *m = n->roster ? roster_member(n->roster, key) : NULL;
        int own = memcmp(key, n->key.pub, KEY_SIZE) == 0;
        r->member = api_bin(&c->arena, key, KEY_SIZE);
        r->member_name = arena_strdup(&c->arena, m ? m->name : own ? n->cfg->name : "");
        r->member_code = arena_strdup(&c->arena, m ? m->code : own ? n->cfg->code : "");
        r->from_application = info.source == PROFILE_APPLICATION;
        if (info.source == PROFILE_PUBLISHED) {
            r->has_seq = r->has_id = 1;
            r->seq = info.seq;
            r->id = api_bin(&c->arena, info.id, ID_SIZE);
        }
        if (info.source != PROFILE_NONE) {
            r->has_timestamp_ms = 1;
            r->timestamp_ms = info.timestamp_ms;
        }
        if (p) r->profile = api_copy_profile(&c->arena, p);
    }
    int oom = !r || !r->member_name || !r->member_code || (p && !r->profile);
    if (p) ekonet__profile__free_unpacked(p, NULL);
    if (oom) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_PROFILE;
    c->reply.profile = r;
}
