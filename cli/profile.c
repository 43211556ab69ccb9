/*
 * Members' profiles: how a member presents itself (name, endpoints, its politician and official
 * with languages and expertise), and who to ask at every member.
 *   ekonet profile show [MEMBER]     the profile in force, else what the application said
 *   ekonet profile set [OPTIONS]     publish this node's profile: the one in force, changed
 *   ekonet members --contacts        (members_contacts) who to ask, member by member
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet profile COMMAND [OPTIONS]\n"
    "\n"
    "A member's profile: its name, the endpoints its node can be dialled at, and its two\n"
    "contact persons (a politician and an official) with their languages and expertise. The\n"
    "newest profile a member published is in force; until it publishes one, its membership\n"
    "application stands in for it.\n"
    "\n"
    "  show     a member's profile (this node's by default)\n"
    "  set      publish this node's profile\n";

static const char usage_show[] =
    "usage: ekonet profile show [MEMBER] [--json]\n"
    "\n"
    "The profile in force of MEMBER (an SCB code, a name or a node id; this node by default):\n"
    "name, code, endpoints, and both contact persons with title, email, phone, languages and\n"
    "expertise. Says so when the details still come from the membership application.\n";

static const char usage_set[] =
    "usage: ekonet profile set [OPTIONS]\n"
    "\n"
    "Publishes this node's profile: the one in force (or the application's details), with\n"
    "what the options give changed. A repeated or list option replaces the whole list; an\n"
    "empty value clears a field.\n"
    "\n"
    "  --name NAME                  the member's name, one line\n"
    "  --endpoint EP                where members dial this node, tcp://host:port (repeatable,\n"
    "                               at most 8)\n"
    "  --politician-name NAME       --official-name NAME\n"
    "  --politician-title TITLE     --official-title TITLE\n"
    "  --politician-email EMAIL     --official-email EMAIL\n"
    "  --politician-phone PHONE     --official-phone PHONE\n"
    "  --politician-languages L,L   --official-languages L,L      e.g. sv,en,fi\n"
    "  --politician-expertise T,T   --official-expertise T,T      e.g. \"avfall,energi\"\n"
    "  --json                       print the published entry as JSON\n";

/* ---- output --------------------------------------------------------------------------- */

static cJSON *strings_json(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

cJSON *profile_person_json(const Ekonet__ContactPerson *p)
{
    if (!p) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "title", p->title ? p->title : "");
    cJSON_AddStringToObject(o, "email", p->email ? p->email : "");
    cJSON_AddStringToObject(o, "phone", p->phone ? p->phone : "");
    cJSON_AddItemToObject(o, "languages", strings_json(p->languages, p->n_languages));
    cJSON_AddItemToObject(o, "expertise", strings_json(p->expertise, p->n_expertise));
    return o;
}

/* Prints "a, b, c". */
static void print_list(char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) printf("%s%s", i ? ", " : "", v[i]);
}

void profile_person_print(const char *indent, const char *label, const Ekonet__ContactPerson *p)
{
    printf("%s%-12s", indent, label);
    if (!p) {
        printf("(not known)\n");
        return;
    }
    printf("%s", p->name);
    if (p->title && *p->title) printf(", %s", p->title);
    putchar('\n');
    int email = p->email && *p->email, phone = p->phone && *p->phone;
    if (email || phone)
        printf("%s%-12s%s%s%s\n", indent, "", email ? p->email : "", email && phone ? ", " : "",
               phone ? p->phone : "");
    if (p->n_languages) {
        printf("%s%-12slanguages: ", indent, "");
        print_list(p->languages, p->n_languages);
        putchar('\n');
    }
    if (p->n_expertise) {
        printf("%s%-12sexpertise: ", indent, "");
        print_list(p->expertise, p->n_expertise);
        putchar('\n');
    }
}

static const char *source_str(const Ekonet__ProfileReply *r)
{
    return !r->profile ? "none" : r->from_application ? "application" : "profile";
}

static void print_profile(const Ekonet__Profile *p)
{
    printf("%-12s", "Endpoints");
    if (!p->n_endpoints) printf("(none)\n");
    for (size_t i = 0; i < p->n_endpoints; i++) printf("%*s%s\n", i ? 12 : 0, "", p->endpoints[i]);
    profile_person_print("", "Politician", p->politician);
    profile_person_print("", "Official", p->official);
}

static void show_text(struct cli *c, const Ekonet__ProfileReply *r)
{
    const Ekonet__Profile *p = r->profile;
    char head[300], when[32], id[ID_HEX];
    snprintf(head, sizeof head, "%s (%s)", p ? p->name : r->member_name,
             p ? p->code : r->member_code);
    out_bold(c, head);
    putchar('\n');
    if (!p) {
        printf("No profile published, and its membership application is not known here.\n");
        return;
    }
    if (r->from_application)
        printf("From its membership application%s%s: it has published no profile yet.\n",
               r->has_timestamp_ms ? " of " : "",
               r->has_timestamp_ms ? out_time(when, sizeof when, r->timestamp_ms) : "");
    else
        printf("Profile seq %llu, published %s (id %.12s)\n", (unsigned long long)r->seq,
               out_time(when, sizeof when, r->timestamp_ms),
               r->id.len == ID_SIZE ? hex_encode(id, r->id.data, ID_SIZE) : "?");
    print_profile(p);
}

static cJSON *show_json(const Ekonet__ProfileReply *r)
{
    char iso[40];
    const Ekonet__Profile *p = r->profile;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "member", out_json_hex(r->member.data, r->member.len));
    cJSON_AddStringToObject(o, "member_name", r->member_name);
    cJSON_AddStringToObject(o, "member_code", r->member_code);
    cJSON_AddStringToObject(o, "source", source_str(r));
    if (r->has_seq)
        cJSON_AddNumberToObject(o, "seq", (double)r->seq);
    else
        cJSON_AddNullToObject(o, "seq");
    if (r->has_id)
        cJSON_AddItemToObject(o, "id", out_json_hex(r->id.data, r->id.len));
    else
        cJSON_AddNullToObject(o, "id");
    if (r->has_timestamp_ms) {
        cJSON_AddNumberToObject(o, "timestamp_ms", (double)r->timestamp_ms);
        cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, r->timestamp_ms));
    } else {
        cJSON_AddNullToObject(o, "timestamp_ms");
        cJSON_AddNullToObject(o, "time");
    }
    cJSON_AddStringToObject(o, "name", p ? p->name : r->member_name);
    cJSON_AddStringToObject(o, "code", p ? p->code : r->member_code);
    cJSON_AddItemToObject(o, "endpoints",
                          p ? strings_json(p->endpoints, p->n_endpoints) : cJSON_CreateArray());
    cJSON_AddItemToObject(o, "politician", profile_person_json(p ? p->politician : NULL));
    cJSON_AddItemToObject(o, "official", profile_person_json(p ? p->official : NULL));
    return o;
}

/* The profile of member (NULL: this node) from the node. */
static int get_profile(struct cli *c, const char *member, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ProfileGetRequest gr = EKONET__PROFILE_GET_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PROFILE_GET;
    req.profile_get = &gr;
    gr.member = (char *)member;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_PROFILE, reply);
    if (rc == EXIT_OK && (*reply)->profile->member.len != KEY_SIZE) {
        ekonet__api_reply__free_unpacked(*reply, NULL);
        *reply = NULL;
        cli_fail(c, "the node sent an unexpected reply");
        return EXIT_FAIL;
    }
    return rc;
}

static int profile_show(struct cli *c, int argc, char **argv)
{
    c->usage = usage_show;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiReply *reply;
    if ((rc = get_profile(c, optind < argc ? argv[optind] : NULL, &reply)) != EXIT_OK) return rc;
    if (c->json)
        out_json(show_json(reply->profile));
    else
        show_text(c, reply->profile);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

/* ---- profile set ------------------------------------------------------------------------ */

/* The six options of one contact person, as given (NULL: not given). */
enum { P_NAME, P_TITLE, P_EMAIL, P_PHONE, P_LANGUAGES, P_EXPERTISE, P_COUNT };

/* Splits a comma-separated list into trimmed, non-empty items (pointers into text, which is
   changed). 0, or -1 when out of memory. */
static int split_list(char *text, struct strlist *out)
{
    char *save = NULL;
    for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t') tok++;
        char *end = tok + strlen(tok);
        while (end > tok && (end[-1] == ' ' || end[-1] == '\t')) *--end = '\0';
        if (*tok && strlist_add(out, tok) < 0) return -1;
    }
    return 0;
}

/* Applies the options given for one person to p (a copy of the one in force). */
static int apply_person(Ekonet__ContactPerson *p, char *const opt[P_COUNT], struct strlist *langs,
                        struct strlist *topics)
{
    if (opt[P_NAME]) p->name = opt[P_NAME];
    if (opt[P_TITLE]) p->title = *opt[P_TITLE] ? opt[P_TITLE] : NULL;
    if (opt[P_EMAIL]) p->email = *opt[P_EMAIL] ? opt[P_EMAIL] : NULL;
    if (opt[P_PHONE]) p->phone = *opt[P_PHONE] ? opt[P_PHONE] : NULL;
    if (opt[P_LANGUAGES]) {
        if (split_list(opt[P_LANGUAGES], langs) < 0) return -1;
        p->n_languages = langs->n;
        p->languages = langs->v;
    }
    if (opt[P_EXPERTISE]) {
        if (split_list(opt[P_EXPERTISE], topics) < 0) return -1;
        p->n_expertise = topics->n;
        p->expertise = topics->v;
    }
    if (!p->name) p->name = ""; /* the node says a name is needed */
    return 0;
}

/* The packed Profile (caller frees), or NULL when out of memory. */
static uint8_t *pack_profile(const Ekonet__Profile *p, size_t *len)
{
    *len = ekonet__profile__get_packed_size(p);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf) ekonet__profile__pack(p, buf);
    return buf;
}

/* Was the profile in force the same as the new one? */
static int unchanged(const Ekonet__ProfileReply *r, const uint8_t *buf, size_t len)
{
    if (!r->profile || r->from_application) return 0;
    size_t olen;
    uint8_t *old = pack_profile(r->profile, &olen);
    int same = old && olen == len && memcmp(old, buf, len) == 0;
    free(old);
    return same;
}

static int publish_profile(struct cli *c, const Ekonet__ProfileReply *r, Ekonet__Profile *np)
{
    size_t len;
    uint8_t *buf = pack_profile(np, &len);
    if (!buf) return cli_fail(c, "out of memory");
    int rc;
    if (unchanged(r, buf, len))
        rc = cli_fail(c,
                      "nothing would change: the profile in force (seq %llu) says this already "
                      "(see ekonet profile set --help for what to change)",
                      (unsigned long long)r->seq);
    else
        rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_PROFILE, buf, len, "profile");
    if (rc == EXIT_OK && !c->json) {
        char head[300];
        snprintf(head, sizeof head, "%s (%s)", np->name, np->code);
        out_bold(c, head);
        putchar('\n');
        print_profile(np);
    }
    free(buf);
    return rc;
}

static int profile_set(struct cli *c, int argc, char **argv)
{
    enum { O_NAME = OPT_FIRST_COMMAND_OPTION, O_ENDPOINT, O_POL, O_OFF = O_POL + P_COUNT };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"name", required_argument, NULL, O_NAME},
        {"endpoint", required_argument, NULL, O_ENDPOINT},
        {"politician", required_argument, NULL, O_POL + P_NAME},
        {"politician-name", required_argument, NULL, O_POL + P_NAME},
        {"politician-title", required_argument, NULL, O_POL + P_TITLE},
        {"politician-email", required_argument, NULL, O_POL + P_EMAIL},
        {"politician-phone", required_argument, NULL, O_POL + P_PHONE},
        {"politician-languages", required_argument, NULL, O_POL + P_LANGUAGES},
        {"politician-expertise", required_argument, NULL, O_POL + P_EXPERTISE},
        {"official", required_argument, NULL, O_OFF + P_NAME},
        {"official-name", required_argument, NULL, O_OFF + P_NAME},
        {"official-title", required_argument, NULL, O_OFF + P_TITLE},
        {"official-email", required_argument, NULL, O_OFF + P_EMAIL},
        {"official-phone", required_argument, NULL, O_OFF + P_PHONE},
        {"official-languages", required_argument, NULL, O_OFF + P_LANGUAGES},
        {"official-expertise", required_argument, NULL, O_OFF + P_EXPERTISE},
        {NULL, 0, NULL, 0},
    };
    char *name = NULL, *person[2][P_COUNT] = {{0}};
    struct strlist endpoints = {0}, lists[4] = {{0}};
    int ch, rc = CLI_CONTINUE;
    c->usage = usage_set;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch >= O_POL && ch < O_OFF + P_COUNT) {
            person[ch >= O_OFF][(ch - O_POL) % P_COUNT] = optarg;
            continue;
        }
        switch (ch) {
        case O_NAME:
            name = optarg;
            break;
        case O_ENDPOINT:
            if (strlist_add(&endpoints, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case 'h':
            rc = cli_help(c);
            break;
        default:
            rc = cli_bad_option(c, argv, opts);
        }
    }
    if (rc == CLI_CONTINUE && optind < argc)
        rc = cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    Ekonet__ApiReply *reply = NULL;
    if (rc == CLI_CONTINUE && (rc = get_profile(c, NULL, &reply)) == EXIT_OK) {
        const Ekonet__ProfileReply *r = reply->profile;
        /* Start from what is in force: shallow copies that point into the reply. */
        Ekonet__Profile np = EKONET__PROFILE__INIT;
        Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = pol;
        if (r->profile) {
            np = *r->profile;
            if (r->profile->politician) pol = *r->profile->politician;
            if (r->profile->official) off = *r->profile->official;
        } else {
            np.name = r->member_name;
            np.code = r->member_code;
        }
        np.politician = &pol;
        np.official = &off;
        if (name) np.name = name;
        if (endpoints.n) {
            np.n_endpoints = endpoints.n;
            np.endpoints = endpoints.v;
        }
        if (apply_person(&pol, person[0], &lists[0], &lists[1]) < 0 ||
            apply_person(&off, person[1], &lists[2], &lists[3]) < 0)
            rc = cli_fail(c, "out of memory");
        else
            rc = publish_profile(c, r, &np);
    }
    if (reply) ekonet__api_reply__free_unpacked(reply, NULL);
    free(endpoints.v);
    for (int i = 0; i < 4; i++) free(lists[i].v);
    return rc;
}

int cmd_profile(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"show", profile_show}, {"set", profile_set}, {NULL, NULL}};
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}

/* ---- ekonet members --contacts ------------------------------------------------------------ */

static const char *member_source(const Ekonet__MemberInfo *m)
{
    return m->has_profile_seq ? "profile" : m->politician || m->official ? "application" : "none";
}

int members_contacts(struct cli *c, const Ekonet__MemberListReply *l)
{
    if (c->json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l->n_members; i++) {
            const Ekonet__MemberInfo *m = l->members[i];
            if (strcmp(m->status, "admitted") != 0) continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "node_id", out_json_hex(m->key.data, m->key.len));
            cJSON_AddStringToObject(o, "name", m->name);
            cJSON_AddStringToObject(o, "code", m->code);
            cJSON_AddStringToObject(o, "source", member_source(m));
            if (m->has_profile_seq)
                cJSON_AddNumberToObject(o, "profile_seq", (double)m->profile_seq);
            else
                cJSON_AddNullToObject(o, "profile_seq");
            cJSON_AddItemToObject(o, "politician", profile_person_json(m->politician));
            cJSON_AddItemToObject(o, "official", profile_person_json(m->official));
            cJSON_AddItemToArray(arr, o);
        }
        out_json(arr);
        return EXIT_OK;
    }
    size_t shown = 0;
    for (size_t i = 0; i < l->n_members; i++) {
        const Ekonet__MemberInfo *m = l->members[i];
        char head[300];
        if (strcmp(m->status, "admitted") != 0) continue;
        if (shown++) putchar('\n');
        snprintf(head, sizeof head, "%s (%s)", m->name, m->code);
        out_bold(c, head);
        if (m->has_profile_seq)
            printf(": from its profile (seq %llu)\n", (unsigned long long)m->profile_seq);
        else if (m->politician || m->official)
            printf(": from its membership application\n");
        else
            printf(": no contact persons known\n");
        if (m->politician || m->official) {
            profile_person_print("  ", "Politician", m->politician);
            profile_person_print("  ", "Official", m->official);
        }
    }
    if (!shown) printf("No admitted members yet.\n");
    return EXIT_OK;
}
