/*
 * How a member comes into the network and sees who else is in it:
 *   ekonet application   the node's signed membership application, for the board
 *   ekonet join BUNDLE   take in the board's bundle: the network's board feed and seeds
 *   ekonet members       the roster, as the board feed says
 * application and join work on the data directory directly (join needs ekonetd stopped).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "ekonet/config.h"
#include "ekonet/feed.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/places.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

#define BUNDLE_MAX (32 * 1024 * 1024)

static const char usage_application[] =
    "usage: ekonet application --politician NAME --official NAME [OPTIONS] [--out FILE]\n"
    "\n"
    "Writes this node's membership application, signed with its key, for the board. It\n"
    "names the member (from the configuration), its node id and endpoint, and its two\n"
    "contact persons: a politician and an official.\n"
    "\n"
    "  --politician NAME          --official NAME\n"
    "  --politician-title TITLE   --official-title TITLE\n"
    "  --politician-email EMAIL   --official-email EMAIL\n"
    "  --politician-phone PHONE   --official-phone PHONE\n"
    "  --kind KIND      municipality, region or other (default: from the SCB code)\n"
    "  --endpoint EP    where members dial this node (default: advertise, else listen)\n"
    "  --out FILE       where to write it (default: standard output)\n";

static const char usage_join[] =
    "usage: ekonet join BUNDLE [--dir DIR]\n"
    "\n"
    "Joins the network described by BUNDLE, the file the board gives a newcomer: checks the\n"
    "board feed in it (the charter and every board act), stores it, and sets the network id\n"
    "and the seeds in the configuration. Stop ekonetd first; start it again afterwards.\n";

static const char usage_members[] =
    "usage: ekonet members [--contacts] [--json]\n"
    "\n"
    "The network's members as the board feed says: name, SCB code, kind, status, when and by\n"
    "which board decision each was admitted.\n"
    "\n"
    "  --contacts   who to ask at each admitted member: its politician and official with\n"
    "               title, email, phone, languages and expertise (from its profile in force,\n"
    "               else from its membership application)\n";

/* Reads the node's configuration from its data directory. */
static int load_config(struct cli *c, struct config *cfg)
{
    char path[PATH_MAX];
    struct errbuf err;
    if (file_join(path, sizeof path, c->dir, CONFIG_FILE) < 0) return cli_fail(c, "path too long");
    if (config_load(path, c->dir, cfg, &err) < 0) return cli_fail(c, "%s", err.msg);
    return CLI_CONTINUE;
}

int cmd_application(struct cli *c, int argc, char **argv)
{
    enum { O_OUT = OPT_FIRST_COMMAND_OPTION, O_KIND, O_ENDPOINT, O_PERSON };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"out", required_argument, NULL, O_OUT},
        {"kind", required_argument, NULL, O_KIND},
        {"endpoint", required_argument, NULL, O_ENDPOINT},
        {"politician", required_argument, NULL, O_PERSON + 0},
        {"politician-title", required_argument, NULL, O_PERSON + 1},
        {"politician-email", required_argument, NULL, O_PERSON + 2},
        {"politician-phone", required_argument, NULL, O_PERSON + 3},
        {"official", required_argument, NULL, O_PERSON + 4},
        {"official-title", required_argument, NULL, O_PERSON + 5},
        {"official-email", required_argument, NULL, O_PERSON + 6},
        {"official-phone", required_argument, NULL, O_PERSON + 7},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *endpoint = NULL, *person[8] = {0};
    int kind = 0, ch;
    c->usage = usage_application;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch >= O_PERSON && ch < O_PERSON + 8) {
            person[ch - O_PERSON] = optarg;
            continue;
        }
        switch (ch) {
        case O_OUT:
            out = optarg;
            break;
        case O_ENDPOINT:
            endpoint = optarg;
            break;
        case O_KIND:
            if (!(kind = member_kind_parse(optarg)))
                return cli_usage_error(c, "--kind must be municipality, region or other");
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (!person[0] || !person[4])
        return cli_usage_error(c, "name both contact persons: --politician NAME --official NAME");

    struct config cfg;
    struct node_key k;
    struct errbuf err;
    char keypath[PATH_MAX];
    int rc = load_config(c, &cfg);
    if (rc != CLI_CONTINUE) return rc;
    if (file_join(keypath, sizeof keypath, c->dir, "node.key") < 0) {
        config_free(&cfg);
        return cli_fail(c, "%s: the path is too long", c->dir);
    }
    if (key_load(&k, keypath, &err) < 0) {
        config_free(&cfg);
        return cli_fail(c, "%s", err.msg);
    }
    const struct place *p = place_lookup(cfg.code);
    if (!kind)
        kind = p && p->kind == PLACE_REGION ? EKONET__MEMBER_KIND__MEMBER_REGION
                                            : EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    if (!endpoint) endpoint = cfg.advertise;
    if (!endpoint && !strstr(cfg.listen, "*") && !strstr(cfg.listen, "0.0.0.0"))
        endpoint = cfg.listen;

    Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = EKONET__CONTACT_PERSON__INIT;
    pol.name = (char *)person[0];
    pol.title = (char *)person[1];
    pol.email = (char *)person[2];
    pol.phone = (char *)person[3];
    off.name = (char *)person[4];
    off.title = (char *)person[5];
    off.email = (char *)person[6];
    off.phone = (char *)person[7];
    Ekonet__Application app = EKONET__APPLICATION__INIT;
    app.node_key = (ProtobufCBinaryData){KEY_SIZE, k.pub};
    app.name = cfg.name;
    app.code = cfg.code;
    app.kind = (Ekonet__MemberKind)kind;
    app.endpoint = (char *)endpoint;
    app.politician = &pol;
    app.official = &off;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    app.created_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;

    uint8_t *buf = NULL;
    size_t len;
    char *text = NULL, comment[1024], id[ID_HEX];
    if (application_validate(&app, &err) < 0) {
        rc = cli_fail(c, "%s", err.msg);
    } else if (application_sign(&app, &k, &buf, &len) < 0) {
        rc = cli_fail(c, "out of memory");
    } else {
        snprintf(comment, sizeof comment,
                 "ekonet membership application of %s (%s, %s)\nnode id: %s\nendpoint: %s\n"
                 "politician: %s\nofficial: %s\nThe board admits it with: ekonet board admit "
                 "THIS_FILE --decision TEXT",
                 cfg.name, cfg.code, member_kind_str(kind), hex_encode(id, k.pub, KEY_SIZE),
                 endpoint ? endpoint : "(none)", person[0], person[4]);
        text = armor_encode("APPLICATION", comment, buf, len);
        if (!text)
            rc = cli_fail(c, "out of memory");
        else if (!out || strcmp(out, "-") == 0)
            fputs(text, stdout), rc = EXIT_OK;
        else
            rc = file_write_atomic(out, text, strlen(text), 0644, &err) < 0
                     ? cli_fail(c, "%s", err.msg)
                     : EXIT_OK;
        if (rc == EXIT_OK && out && strcmp(out, "-") != 0)
            fprintf(stderr, "Wrote the application of %s to %s; send it to the board.\n", cfg.name,
                    out);
    }
    free(buf);
    free(text);
    key_wipe(&k);
    config_free(&cfg);
    return rc;
}

/* Decodes the bundle's board feed; entries are the caller's to destroy. */
static int bundle_read(struct cli *c, const char *path, Ekonet__Bundle **bundle,
                       struct entry ***entries, uint8_t network[ID_SIZE])
{
    struct errbuf err;
    uint8_t *buf;
    size_t len;
    if (armor_read_file(path, "BUNDLE", BUNDLE_MAX, &buf, &len, &err) < 0)
        return cli_fail(c, "%s", err.msg);
    *bundle = ekonet__bundle__unpack(NULL, len, buf);
    free(buf);
    if (!*bundle || (*bundle)->n_board == 0)
        return cli_fail(c, "%s: the bundle does not decode or holds no board feed", path);
    *entries = calloc((*bundle)->n_board, sizeof **entries);
    if (!*entries) return cli_fail(c, "out of memory");
    for (size_t i = 0; i < (*bundle)->n_board; i++) {
        size_t elen = ekonet__entry__get_packed_size((*bundle)->board[i]);
        uint8_t *ebuf = malloc(elen);
        if (!ebuf) return cli_fail(c, "out of memory");
        ekonet__entry__pack((*bundle)->board[i], ebuf);
        int rc = entry_decode(ebuf, elen, entry_max_encoded(64 * 1024 * 1024), &(*entries)[i]);
        free(ebuf);
        if (rc != ENTRY_OK)
            return cli_fail(c, "%s: board act %zu is refused: %s", path, i + 1,
                            entry_status_str(rc));
    }
    struct entry *charter = (*entries)[0];
    if (charter->seq != 1 || charter->kind != EKONET__ENTRY_KIND__KIND_CHARTER)
        return cli_fail(c, "%s: the board feed does not begin with the charter", path);
    memcpy(network, charter->content_hash, ID_SIZE);
    return EXIT_OK;
}

/* The node must not have published in another network, nor belong to another one. */
static int check_store(struct cli *c, struct store *s, struct roster *r,
                       const uint8_t network[ID_SIZE])
{
    char have[ID_HEX];
    if (r->joined && memcmp(r->network, network, ID_SIZE) != 0)
        return cli_fail(c, "this node already belongs to network %s (%s)",
                        hex_encode(have, r->network, ID_SIZE), r->name);
    struct node_key k;
    struct errbuf err;
    char keypath[PATH_MAX];
    if (file_join(keypath, sizeof keypath, c->dir, "node.key") < 0 ||
        key_load(&k, keypath, &err) < 0)
        return cli_fail(c, "%s", err.msg);
    struct feed_head h;
    struct entry *first = NULL;
    int rc = EXIT_OK;
    if (store_head(s, k.pub, &h) == 0 && h.seq > 0 && store_get_seq(s, k.pub, 1, &first) == 1 &&
        memcmp(first->network, network, ID_SIZE) != 0)
        rc = cli_fail(c,
                      "this node has published %llu entr%s outside the network; a member joins "
                      "with a fresh node (ekonet init in a new directory)",
                      (unsigned long long)h.seq, h.seq == 1 ? "y" : "ies");
    entry_destroy(&first);
    key_wipe(&k);
    return rc;
}

int cmd_join(struct cli *c, int argc, char **argv)
{
    c->usage = usage_join;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the bundle file from the board");
    const char *path = argv[optind];

    struct config cfg;
    struct errbuf why = {""}, err = {""};
    Ekonet__Bundle *bundle = NULL;
    struct entry **entries = NULL;
    struct store *store = NULL;
    struct roster *roster = NULL;
    uint8_t network[ID_SIZE], key[KEY_SIZE];
    const char *ep;
    char dbpath[PATH_MAX], id[ID_HEX];
    int *status = NULL;
    if ((rc = load_config(c, &cfg)) != CLI_CONTINUE) return rc;
    /* The bundle first: a bad one is said before the operator stops the node for nothing. */
    int lock = -1;
    if ((rc = bundle_read(c, path, &bundle, &entries, network)) != EXIT_OK) goto out;
    rc = EXIT_FAIL;
    if ((lock = cli_lock_stopped(c, "joining")) < 0) goto out;
    for (size_t i = 0; i < bundle->n_seeds; i++) {
        if (!config_parse_seed(bundle->seeds[i], key, &ep)) {
            cli_fail(c, "%s: seed \"%.80s\" is not NODE_ID@tcp://HOST:PORT", path,
                     bundle->seeds[i]);
            goto out;
        }
    }
    if (file_join(dbpath, sizeof dbpath, c->dir, "ekonet.db") < 0 ||
        !(store = store_open(dbpath, &err)) || !(roster = roster_load(store, &err))) {
        cli_fail(c, "%s", err.msg);
        goto out;
    }
    if ((rc = check_store(c, store, roster, network)) != EXIT_OK) goto out;
    rc = EXIT_FAIL;
    struct feeds f = {.store = store, .max_content = cfg.max_content, .roster = roster};
    memcpy(f.network, network, ID_SIZE);
    status = calloc(bundle->n_board, sizeof *status);
    if (!status) goto out;
    int n = feed_accept_all(&f, entries, bundle->n_board, status, &why, &err);
    if (n < 0 || (n == 0 && why.msg[0])) {
        cli_fail(c, "%s: the board feed is refused: %s", path, n < 0 ? err.msg : why.msg);
        goto out;
    }
    if (config_set_network(cfg.path, network, bundle->seeds, bundle->n_seeds, &err) < 0) {
        cli_fail(c, "%s", err.msg);
        goto out;
    }
    struct node_key k;
    char keypath[PATH_MAX];
    int admitted = file_join(keypath, sizeof keypath, c->dir, "node.key") == 0 &&
                   key_load(&k, keypath, &err) == 0 &&
                   roster_may_author(roster, k.pub, 1) == ENTRY_OK;
    key_wipe(&k);
    hex_encode(id, network, ID_SIZE);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "network_id", id);
        cJSON_AddStringToObject(o, "name", roster->name);
        cJSON_AddNumberToObject(o, "board_acts", (double)bundle->n_board);
        cJSON_AddNumberToObject(o, "members", (double)(roster->nmembers - roster->nrevoked));
        cJSON_AddNumberToObject(o, "seeds", (double)bundle->n_seeds);
        cJSON_AddBoolToObject(o, "admitted", admitted);
        out_json(o);
    } else {
        printf("Joined the network \"%s\" (id %s)\n", roster->name, id);
        printf("Board: %u of %zu must sign. Members: %zu. Seeds: %zu.\n", roster->threshold,
               roster->nboard, roster->nmembers - roster->nrevoked, bundle->n_seeds);
        if (admitted)
            printf("This node is an admitted member. Start it with: ekonetd --dir %s\n", c->dir);
        else
            printf("This node is not admitted yet: send the board your application "
                   "(ekonet application --out FILE).\n");
    }
    rc = EXIT_OK;
out:
    for (size_t i = 0; entries && bundle && i < bundle->n_board; i++) entry_destroy(&entries[i]);
    free(entries);
    free(status);
    if (bundle) ekonet__bundle__free_unpacked(bundle, NULL);
    roster_destroy(&roster);
    store_destroy(&store);
    config_free(&cfg);
    if (lock >= 0) close(lock);
    return rc;
}

static cJSON *member_json(const Ekonet__MemberInfo *m)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "node_id", out_json_hex(m->key.data, m->key.len));
    cJSON_AddStringToObject(o, "name", m->name);
    cJSON_AddStringToObject(o, "code", m->code);
    cJSON_AddStringToObject(o, "kind", member_kind_str(m->kind));
    cJSON_AddStringToObject(o, "status", m->status);
    cJSON_AddStringToObject(o, "admitted", out_time_iso(iso, sizeof iso, m->admitted_ms));
    cJSON_AddNumberToObject(o, "admitted_seq", (double)m->admitted_seq);
    cJSON_AddStringToObject(o, "decision", m->decision);
    if (m->has_revoked_ms) {
        cJSON_AddStringToObject(o, "revoked", out_time_iso(iso, sizeof iso, m->revoked_ms));
        cJSON_AddStringToObject(o, "reason", m->reason ? m->reason : "");
        cJSON_AddNumberToObject(o, "last_seq", (double)m->last_seq);
    }
    cJSON_AddNumberToObject(o, "head_seq", (double)m->head_seq);
    cJSON *former = cJSON_AddArrayToObject(o, "former_keys");
    for (size_t i = 0; i < m->n_former_keys; i++) {
        const Ekonet__FormerKey *f = m->former_keys[i];
        cJSON *k = cJSON_CreateObject();
        cJSON_AddItemToObject(k, "node_id", out_json_hex(f->key.data, f->key.len));
        cJSON_AddNumberToObject(k, "last_seq", (double)f->last_seq);
        cJSON_AddStringToObject(k, "replaced", out_time_iso(iso, sizeof iso, f->replaced_ms));
        cJSON_AddStringToObject(k, "reason", f->reason);
        cJSON_AddItemToArray(former, k);
    }
    cJSON_AddItemToObject(o, "politician", profile_person_json(m->politician));
    cJSON_AddItemToObject(o, "official", profile_person_json(m->official));
    cJSON *eps = cJSON_AddArrayToObject(o, "endpoints");
    for (size_t i = 0; i < m->n_endpoints; i++)
        cJSON_AddItemToArray(eps, cJSON_CreateString(m->endpoints[i]));
    if (m->has_profile_seq)
        cJSON_AddNumberToObject(o, "profile_seq", (double)m->profile_seq);
    else
        cJSON_AddNullToObject(o, "profile_seq");
    return o;
}

/* Under a member's row: the keys it had before, newest first. */
static void members_former(const Ekonet__MemberInfo *m)
{
    char hex[ID_HEX], when[32];
    for (size_t i = 0; i < m->n_former_keys; i++) {
        const Ekonet__FormerKey *f = m->former_keys[i];
        hex_encode(hex, f->key.data, f->key.len == KEY_SIZE ? KEY_SIZE : 0);
        printf("  former key %.16s  until seq %llu, replaced %.10s (key %s)\n", hex,
               (unsigned long long)f->last_seq, out_time(when, sizeof when, f->replaced_ms),
               f->reason);
    }
    if (m->former_total > m->n_former_keys)
        printf("  and %zu older keys\n", (size_t)m->former_total - m->n_former_keys);
}

int cmd_members(struct cli *c, int argc, char **argv)
{
    enum { O_CONTACTS = OPT_FIRST_COMMAND_OPTION };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"contacts", no_argument, NULL, O_CONTACTS},
        {NULL, 0, NULL, 0},
    };
    int ch, contacts = 0, rc;
    c->usage = usage_members;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_CONTACTS)
            contacts = 1;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    Ekonet__ApiReply *reply;
    if ((rc = cli_member_list(c, &reply)) != EXIT_OK) return rc;
    const Ekonet__MemberListReply *l = reply->member_list;
    if (contacts) {
        rc = members_contacts(c, l);
        ekonet__api_reply__free_unpacked(reply, NULL);
        return rc;
    }
    if (c->json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l->n_members; i++)
            cJSON_AddItemToArray(arr, member_json(l->members[i]));
        out_json(arr);
    } else if (l->n_members == 0) {
        printf("No members yet: the board admits them with ekonet board admit.\n");
    } else {
        char head[160];
        snprintf(head, sizeof head, "%-22s  %-4s  %-12s  %-8s  %-10s  %s", "NAME", "CODE", "KIND",
                 "STATUS", "ADMITTED", "DECISION");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < l->n_members; i++) {
            const Ekonet__MemberInfo *m = l->members[i];
            char when[32];
            out_cell(m->name, 22, 1);
            printf("  %-4s  %-12s  %-8s  %-10.10s  ", m->code, member_kind_str(m->kind), m->status,
                   out_time(when, sizeof when, m->admitted_ms));
            out_cell(m->decision, 40, 0);
            putchar('\n');
            members_former(m);
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
