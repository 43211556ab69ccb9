/*
 * ekonet board: the board's tools. Board acts are prepared as proposal files, co-signed by
 * board members with their own key files (offline), and handed to any node of the network.
 *
 *   keygen     a board member's key file
 *   init       the charter: the network's first board act (no node needed)
 *   admit      admit an applicant            revoke   revoke a member
 *   succeed    a new key for a member (cli/succession.c)
 *   catalogue  an indicator catalogue        amend    new board keys or threshold
 *   sign       add a signature               show     what a proposal does, who signed
 *   publish    hand a signed act to the node bundle   what a newcomer needs to join
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "act.h"
#include "cli.h"
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "ekonet/catalogue.h"
#include "ekonet/config.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "proposal.h"
#include "wire.pb-c.h"

#define BUNDLE_MAX (32 * 1024 * 1024)

static const char usage_group[] =
    "usage: ekonet board COMMAND [OPTIONS]\n"
    "\n"
    "The board's tools. A board act is prepared as a proposal file, signed by at least k\n"
    "board members with their own key files, then handed to any node of the network.\n"
    "\n"
    "  keygen --out FILE [--name NAME]                 a board member's key file\n"
    "  init --name NAME --board-key PUB... --threshold K [--out FILE]\n"
    "                                                  the charter (founds the network)\n"
    "  admit APPLICATION --decision TEXT [--out FILE]  admit an applicant\n"
    "  revoke MEMBER --reason TEXT [--last-seq N] [--out FILE]\n"
    "                                                  revoke a member (node id, prefix or code)\n"
    "  succeed OLD NEW ...                             a new node key for a member, lost,\n"
    "                                                  stolen or planned (see its own help)\n"
    "  catalogue FILE.csv --revision R [--out FILE]    put an indicator catalogue in force\n"
    "  amend --board-key PUB... --threshold K [--name NAME] [--out FILE]\n"
    "                                                  change the board or the threshold\n"
    "  redact ENTRY_ID --reason TEXT [--out FILE]      erase an entry's content everywhere\n"
    "  sign PROPOSAL --key FILE [--yes]                add your signature\n"
    "  show PROPOSAL                                   what it does and who signed\n"
    "  publish PROPOSAL                                hand a signed act to this node\n"
    "  bundle [--charter PROPOSAL] [--seed ID@ENDPOINT]... [--out FILE]\n"
    "                                                  what a newcomer needs to join\n"
    "\n"
    "Proposals go to standard output unless --out is given. admit, revoke, succeed, catalogue,\n"
    "amend, publish and bundle ask the node in --dir for the board feed; keygen, init, sign and\n"
    "show work offline.\n";

/* Options shared by the board commands. */
enum {
    O_OUT = OPT_FIRST_COMMAND_OPTION,
    O_NAME,
    O_BOARD_KEY,
    O_THRESHOLD,
    O_DECISION,
    O_REASON,
    O_LAST_SEQ,
    O_REVISION,
    O_KEY,
    O_YES,
    O_CHARTER,
    O_SEED
};

struct board_args {
    const char *out, *name, *decision, *reason, *revision, *key, *charter;
    uint8_t board_keys[BOARD_MAX_KEYS][KEY_SIZE];
    size_t nkeys;
    char *seeds[64];
    size_t nseeds;
    long threshold;
    long long last_seq;
    int yes;
    const char *operand; /* the one positional argument, if any */
};

/* Parses the options every board command may take; CLI_CONTINUE or an exit status. */
static int parse(struct cli *c, int argc, char **argv, struct board_args *a, int want_operand)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"out", required_argument, NULL, O_OUT},
        {"name", required_argument, NULL, O_NAME},
        {"board-key", required_argument, NULL, O_BOARD_KEY},
        {"threshold", required_argument, NULL, O_THRESHOLD},
        {"decision", required_argument, NULL, O_DECISION},
        {"reason", required_argument, NULL, O_REASON},
        {"last-seq", required_argument, NULL, O_LAST_SEQ},
        {"revision", required_argument, NULL, O_REVISION},
        {"key", required_argument, NULL, O_KEY},
        {"yes", no_argument, NULL, O_YES},
        {"charter", required_argument, NULL, O_CHARTER},
        {"seed", required_argument, NULL, O_SEED},
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    memset(a, 0, sizeof *a);
    a->last_seq = -1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_OUT:
            a->out = optarg;
            break;
        case O_NAME:
            a->name = optarg;
            break;
        case O_DECISION:
            a->decision = optarg;
            break;
        case O_REASON:
            a->reason = optarg;
            break;
        case O_REVISION:
            a->revision = optarg;
            break;
        case O_KEY:
            a->key = optarg;
            break;
        case O_YES:
            a->yes = 1;
            break;
        case O_CHARTER:
            a->charter = optarg;
            break;
        case O_BOARD_KEY:
            if (a->nkeys == BOARD_MAX_KEYS)
                return cli_usage_error(c, "at most %d board keys", BOARD_MAX_KEYS);
            if (hex_decode(a->board_keys[a->nkeys++], KEY_SIZE, optarg) < 0)
                return cli_usage_error(c, "--board-key needs a public key of 64 hex digits");
            break;
        case O_THRESHOLD:
            a->threshold = strtol(optarg, &end, 10);
            if (*end || a->threshold < 1)
                return cli_usage_error(c, "--threshold must be a number from 1");
            break;
        case O_LAST_SEQ:
            a->last_seq = strtoll(optarg, &end, 10);
            if (*end || a->last_seq < 0) return cli_usage_error(c, "--last-seq must be a number");
            break;
        case O_SEED:
            if (a->nseeds == 64) return cli_usage_error(c, "at most 64 seeds");
            a->seeds[a->nseeds++] = optarg;
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (want_operand && optind < argc) a->operand = argv[optind++];
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (want_operand && !a->operand) return cli_usage_error(c, "a file or member is missing");
    return CLI_CONTINUE;
}

static int board_keygen(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    int rc = parse(c, argc, argv, &a, 0);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.out) return cli_usage_error(c, "--out FILE is required (where to keep the key)");
    struct node_key k;
    struct errbuf err;
    char title[200], pub[ID_HEX];
    snprintf(title, sizeof title, "ekonet board key%s%s", a.name ? " of " : "",
             a.name ? a.name : "");
    if (key_generate(&k) < 0) return cli_fail(c, "cannot generate a key");
    rc = key_save(&k, a.out, title, &err);
    hex_encode(pub, k.pub, KEY_SIZE);
    key_wipe(&k);
    if (rc < 0) return cli_fail(c, "%s", err.msg);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "public_key", pub);
        cJSON_AddStringToObject(o, "file", a.out);
        out_json(o);
    } else {
        printf("Board key written to %s (keep it offline)\npublic key: %s\n", a.out, pub);
    }
    return EXIT_OK;
}

/* Packs a charter (genesis or amendment) from the arguments. */
static int charter_content(struct cli *c, const struct board_args *a, const char *name, int genesis,
                           uint8_t **out, size_t *len)
{
    if (a->nkeys == 0)
        return cli_usage_error(c, "give the board's keys with --board-key (repeatable)");
    if (a->threshold < 1) return cli_usage_error(c, "--threshold K is required");
    Ekonet__Charter ch = EKONET__CHARTER__INIT;
    ProtobufCBinaryData keys[BOARD_MAX_KEYS];
    uint8_t nonce[16];
    for (size_t i = 0; i < a->nkeys; i++)
        keys[i] = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)a->board_keys[i]};
    ch.name = (char *)name;
    ch.n_board_keys = a->nkeys;
    ch.board_keys = keys;
    ch.threshold = (uint32_t)a->threshold;
    if (genesis) {
        randombytes_buf(nonce, sizeof nonce);
        ch.has_nonce = 1;
        ch.nonce = (ProtobufCBinaryData){sizeof nonce, nonce};
    }
    struct errbuf err;
    if (charter_validate(&ch, &err) < 0) return cli_fail(c, "%s", err.msg);
    *len = ekonet__charter__get_packed_size(&ch);
    if (!(*out = malloc(*len))) return cli_fail(c, "out of memory");
    ekonet__charter__pack(&ch, *out);
    return CLI_CONTINUE;
}

static int board_init(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    uint8_t *content, network_id[ID_SIZE];
    size_t len;
    int rc = parse(c, argc, argv, &a, 0);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.name) return cli_usage_error(c, "--name is required (the network's name)");
    if ((rc = charter_content(c, &a, a.name, 1, &content, &len)) != CLI_CONTINUE) return rc;
    key_hash(network_id, content, len); /* the network id: the hash of its charter */
    rc = act_prepare(c, a.out, network_id, 1, NULL, (uint32_t)a.threshold,
                     EKONET__ENTRY_KIND__KIND_CHARTER, content, len);
    free(content);
    if (rc == EXIT_OK) {
        char id[ID_HEX];
        fprintf(stderr,
                "network id: %s\nWhen it is signed, found the first node with:\n"
                "  ekonet board bundle --charter PROPOSAL --out FIRST.bundle\n",
                hex_encode(id, network_id, ID_SIZE));
    }
    return rc;
}

static int board_amend(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    Ekonet__ApiReply *reply;
    uint8_t *content;
    size_t len;
    int rc = parse(c, argc, argv, &a, 0);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = act_network(c, &reply)) != EXIT_OK) return rc;
    rc = charter_content(c, &a, a.name ? a.name : reply->network->name, 0, &content, &len);
    ekonet__api_reply__free_unpacked(reply, NULL);
    if (rc != CLI_CONTINUE) return rc;
    rc = act_prepare_next(c, a.out, EKONET__ENTRY_KIND__KIND_CHARTER, content, len);
    free(content);
    return rc;
}

static int board_admit(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    struct errbuf err;
    uint8_t *buf;
    size_t len;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.decision) return cli_usage_error(c, "--decision is required (the board's decision)");
    if (armor_read_file(a.operand, "APPLICATION", 65536, &buf, &len, &err) < 0)
        return cli_fail(c, "%s", err.msg);
    Ekonet__SignedApplication *s = ekonet__signed_application__unpack(NULL, len, buf);
    free(buf);
    Ekonet__Application *app = s ? application_open(s, &err) : NULL;
    if (!app) {
        if (s) ekonet__signed_application__free_unpacked(s, NULL);
        return cli_fail(c, "%s: %s", a.operand, s ? err.msg : "not an ekonet application");
    }
    Ekonet__Admit ad = EKONET__ADMIT__INIT;
    ad.member = app->node_key;
    ad.name = app->name;
    ad.code = app->code;
    ad.kind = app->kind;
    ad.decision = (char *)a.decision;
    ad.application = s;
    len = ekonet__admit__get_packed_size(&ad);
    if ((buf = malloc(len))) {
        ekonet__admit__pack(&ad, buf);
        rc = act_prepare_next(c, a.out, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len);
    } else {
        rc = cli_fail(c, "out of memory");
    }
    free(buf);
    ekonet__application__free_unpacked(app, NULL);
    ekonet__signed_application__free_unpacked(s, NULL);
    return rc;
}

static int board_revoke(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    uint8_t key[KEY_SIZE];
    uint64_t head = 0;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.reason) return cli_usage_error(c, "--reason is required");
    if ((rc = act_member(c, a.operand, key, &head)) != EXIT_OK) return rc;
    Ekonet__Revoke r = EKONET__REVOKE__INIT;
    r.member = (ProtobufCBinaryData){KEY_SIZE, key};
    r.reason = (char *)a.reason;
    r.last_seq = a.last_seq >= 0 ? (uint64_t)a.last_seq : head; /* what this node holds now */
    size_t len = ekonet__revoke__get_packed_size(&r);
    uint8_t *buf = malloc(len);
    if (!buf) return cli_fail(c, "out of memory");
    ekonet__revoke__pack(&r, buf);
    rc = act_prepare_next(c, a.out, EKONET__ENTRY_KIND__KIND_REVOKE, buf, len);
    free(buf);
    return rc;
}

static int board_catalogue(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    struct errbuf err;
    char *text;
    size_t tlen, len;
    uint8_t *buf;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.revision) return cli_usage_error(c, "--revision is required, e.g. --revision 2023");
    if (file_read_all(a.operand, 1024 * 1024, &text, &tlen, &err) < 0)
        return cli_fail(c, "%s", err.msg);
    struct catalogue *cat = catalogue_parse_csv(text, tlen, &err);
    free(text);
    if (!cat && strncmp(err.msg, "line ", 5) == 0)
        return cli_fail(c, "%s:%s", a.operand, err.msg + 5); /* file:line: problem */
    if (!cat) return cli_fail(c, "%s: %s", a.operand, err.msg);
    rc = catalogue_to_content(cat, a.revision, &buf, &len);
    catalogue_destroy(&cat);
    if (rc < 0) return cli_fail(c, "out of memory");
    rc = act_prepare_next(c, a.out, EKONET__ENTRY_KIND__KIND_CATALOGUE, buf, len);
    free(buf);
    return rc;
}

static int board_redact(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    uint8_t target[ID_SIZE];
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.reason) return cli_usage_error(c, "--reason is required");
    if (hex_decode(target, ID_SIZE, a.operand) < 0)
        return cli_usage_error(c,
                               "\"%.70s\" is not an entry id: give the whole id of the entry to "
                               "redact (64 hex digits)",
                               a.operand);
    Ekonet__Redact r = EKONET__REDACT__INIT;
    r.target = (ProtobufCBinaryData){ID_SIZE, target};
    r.reason = (char *)a.reason;
    uint8_t buf[512];
    if (ekonet__redact__get_packed_size(&r) > sizeof buf)
        return cli_fail(c, "the reason is too long");
    size_t len = ekonet__redact__pack(&r, buf);
    return act_prepare_next(c, a.out, EKONET__ENTRY_KIND__KIND_REDACT, buf, len);
}

static int board_sign(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    struct errbuf err;
    struct node_key k;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.key) return cli_usage_error(c, "--key FILE is required (your board key)");
    struct entry *e = proposal_read(a.operand, &err);
    if (!e) return cli_fail(c, "%s", err.msg);
    if (key_load(&k, a.key, &err) < 0) {
        entry_destroy(&e);
        return cli_fail(c, "%s", err.msg);
    }
    for (size_t i = 0; i < e->nsigs; i++) {
        if (memcmp(e->sigs[i].key, k.pub, KEY_SIZE) == 0) {
            entry_destroy(&e);
            key_wipe(&k);
            return cli_fail(c, "%s already carries this key's signature", a.operand);
        }
    }
    char what[8192];
    proposal_describe(e, what, sizeof what);
    fprintf(stderr, "%s\n", what);
    if (!a.yes && isatty(STDIN_FILENO)) {
        char answer[16] = "";
        fprintf(stderr, "Sign this board act? [y/N] ");
        if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
            entry_destroy(&e);
            key_wipe(&k);
            fprintf(stderr, "Not signed.\n");
            return EXIT_FAIL;
        }
    }
    rc = entry_sign(e, &k) < 0 ? cli_fail(c, "too many signatures") : EXIT_OK;
    key_wipe(&k);
    if (rc == EXIT_OK && proposal_write(a.operand, e, &err) < 0) rc = cli_fail(c, "%s", err.msg);
    if (rc == EXIT_OK)
        fprintf(stderr, "Signed: %s now carries %zu signature%s.\n", a.operand, e->nsigs,
                e->nsigs == 1 ? "" : "s");
    entry_destroy(&e);
    return rc;
}

static int board_show(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    struct errbuf err;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    struct entry *e = proposal_read(a.operand, &err);
    if (!e) return cli_fail(c, "%s", err.msg);
    if (c->json) {
        char iso[40];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", entry_kind_str(e->kind));
        cJSON_AddNumberToObject(o, "seq", (double)e->seq);
        cJSON_AddItemToObject(o, "network_id", out_json_hex(e->network, ID_SIZE));
        cJSON_AddItemToObject(o, "id", out_json_hex(e->id, ID_SIZE));
        cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, e->timestamp_ms));
        cJSON *sigs = cJSON_AddArrayToObject(o, "signed_by");
        for (size_t i = 0; i < e->nsigs; i++)
            if (entry_verify_sig(e, &e->sigs[i]) == 0)
                cJSON_AddItemToArray(sigs, out_json_hex(e->sigs[i].key, KEY_SIZE));
        out_json(o);
    } else {
        char what[8192];
        proposal_describe(e, what, sizeof what);
        puts(what);
    }
    entry_destroy(&e);
    return EXIT_OK;
}

static int board_publish(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    struct errbuf err;
    uint8_t *buf;
    size_t len;
    int rc = parse(c, argc, argv, &a, 1);
    if (rc != CLI_CONTINUE) return rc;
    struct entry *e = proposal_read(a.operand, &err);
    if (!e) return cli_fail(c, "%s", err.msg);
    rc = entry_encode(e, 1, &buf, &len);
    uint32_t kind = e->kind;
    entry_destroy(&e);
    if (rc < 0) return cli_fail(c, "out of memory");
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PublishEntryRequest pr = EKONET__PUBLISH_ENTRY_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PUBLISH_ENTRY;
    req.publish_entry = &pr;
    pr.entry = (ProtobufCBinaryData){len, buf};
    Ekonet__ApiReply *reply;
    rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_PUBLISH, &reply);
    free(buf);
    if (rc != EXIT_OK) return rc;
    char id[ID_HEX];
    hex_encode(id, reply->publish->id.data, reply->publish->id.len == ID_SIZE ? ID_SIZE : 0);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddStringToObject(o, "kind", entry_kind_str(kind));
        cJSON_AddNumberToObject(o, "seq", (double)reply->publish->seq);
        out_json(o);
    } else {
        printf("Published the %s act (board feed seq %llu, id %.12s)\n", entry_kind_str(kind),
               (unsigned long long)reply->publish->seq, id);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

/* The board feed for a bundle: the signed charter alone, or everything the node holds. */
static int bundle_entries(struct cli *c, const struct board_args *a, Ekonet__Bundle *b,
                          Ekonet__ApiReply **reply, uint8_t **charter_buf)
{
    struct errbuf err;
    size_t len;
    if (a->charter) {
        struct entry *e = proposal_read(a->charter, &err);
        if (!e) return cli_fail(c, "%s", err.msg);
        int genesis = e->seq == 1 && e->kind == EKONET__ENTRY_KIND__KIND_CHARTER;
        int rc = genesis && e->nsigs ? entry_encode(e, 1, charter_buf, &len) : -1;
        entry_destroy(&e);
        if (rc < 0)
            return cli_fail(c, "%s is not a signed charter (ekonet board init, then sign)",
                            a->charter);
        b->n_board = 1;
        b->board = calloc(1, sizeof *b->board);
        if (!b->board || !(b->board[0] = ekonet__entry__unpack(NULL, len, *charter_buf)))
            return cli_fail(c, "out of memory");
        return EXIT_OK;
    }
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__BoardFeedRequest br = EKONET__BOARD_FEED_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_BOARD_FEED;
    req.board_feed = &br;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_BOARD_FEED, reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__BoardFeedReply *f = (*reply)->board_feed;
    b->board = calloc(f->n_entries + 1, sizeof *b->board);
    if (!b->board) return cli_fail(c, "out of memory");
    for (size_t i = 0; i < f->n_entries; i++) {
        if (!(b->board[i] = ekonet__entry__unpack(NULL, f->entries[i].len, f->entries[i].data)))
            return cli_fail(c, "the node sent a board entry that does not decode");
        b->n_board++;
    }
    return EXIT_OK;
}

static int board_bundle(struct cli *c, int argc, char **argv)
{
    struct board_args a;
    Ekonet__Bundle b = EKONET__BUNDLE__INIT;
    Ekonet__ApiReply *reply = NULL;
    uint8_t *charter = NULL, *buf = NULL, key[KEY_SIZE];
    const char *ep;
    char *text = NULL;
    struct errbuf err;
    int rc = parse(c, argc, argv, &a, 0);
    if (rc != CLI_CONTINUE) return rc;
    for (size_t i = 0; i < a.nseeds; i++)
        if (!config_parse_seed(a.seeds[i], key, &ep))
            return cli_usage_error(c, "--seed must be NODE_ID@tcp://HOST:PORT, not \"%s\"",
                                   a.seeds[i]);
    if ((rc = bundle_entries(c, &a, &b, &reply, &charter)) != EXIT_OK) goto out;
    b.n_seeds = a.nseeds;
    b.seeds = a.seeds;
    size_t len = ekonet__bundle__get_packed_size(&b);
    if (!(buf = malloc(len))) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    ekonet__bundle__pack(&b, buf);
    char comment[512];
    snprintf(comment, sizeof comment,
             "ekonet network bundle: the board feed (%zu board act%s) and %zu seed%s.\n"
             "Join with: ekonet join THIS_FILE",
             b.n_board, b.n_board == 1 ? "" : "s", b.n_seeds, b.n_seeds == 1 ? "" : "s");
    text = armor_encode("BUNDLE", comment, buf, len);
    if (!text) {
        rc = cli_fail(c, "out of memory");
        goto out;
    }
    if (!a.out || strcmp(a.out, "-") == 0)
        fputs(text, stdout);
    else if (file_write_atomic(a.out, text, strlen(text), 0644, &err) < 0)
        rc = cli_fail(c, "%s", err.msg);
    if (rc == EXIT_OK && !a.nseeds)
        fprintf(stderr, "Note: the bundle names no seeds; give --seed NODE_ID@ENDPOINT so that "
                        "the newcomer has someone to dial.\n");
out:
    for (size_t i = 0; i < b.n_board; i++) ekonet__entry__free_unpacked(b.board[i], NULL);
    free(b.board);
    if (reply) ekonet__api_reply__free_unpacked(reply, NULL);
    free(charter);
    free(buf);
    free(text);
    return rc;
}

int cmd_board(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"keygen", board_keygen},
        {"init", board_init},
        {"admit", board_admit},
        {"revoke", board_revoke},
        {"catalogue", board_catalogue},
        {"amend", board_amend},
        {"sign", board_sign},
        {"show", board_show},
        {"publish", board_publish},
        {"bundle", board_bundle},
        {"redact", board_redact},
        {"succeed", board_succeed},
        {NULL, NULL},
    };
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
