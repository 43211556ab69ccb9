/*
 * A new key for a member (docs/PROTOCOL.md 4.4.1):
 *
 *   ekonet key rotate      on the member's node: its next key, and the rotation its current
 *                          key signs, as a ROTATION file for the board
 *   ekonet board succeed   the board's act that makes the new key the member's: from a
 *                          rotation (planned), or from the two keys when the old one is lost
 *                          or stolen; a proposal to sign and publish like any board act
 */
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "cli.h"
#include "ekonet/armor.h"
#include "ekonet/board.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "wire.pb-c.h"

#define ROTATION_MAX 4096 /* bytes of a ROTATION file's message (about 250 are used) */

static const char usage_succeed[] =
    "usage: ekonet board succeed OLD NEW --reason lost|stolen --decision TEXT [--last-seq N]\n"
    "                            [--out FILE]\n"
    "       ekonet board succeed --rotation FILE --decision TEXT [--out FILE]\n"
    "\n"
    "Prepares the board act that makes node key NEW the member's key in place of OLD (its\n"
    "node id, a prefix of 8+ digits, or its SCB code): the same member, name, code and\n"
    "contact persons, its reports and indicators one history. The old key can no longer\n"
    "connect, and its entries after the last seq are refused. Sign and publish the proposal\n"
    "like any board act (ekonet board sign, ekonet board publish).\n"
    "\n"
    "  --reason R       lost (no copy of the old key is left) or stolen (someone else may\n"
    "                   hold it); a planned change comes with --rotation instead\n"
    "  --rotation FILE  the member's rotation (ekonet key rotate on its node), signed by the\n"
    "                   old key: the keys and the last seq come from it\n"
    "  --decision TEXT  the board's decision (one line)\n"
    "  --last-seq N     the old key's entries up to N stay (default: as many as this node\n"
    "                   holds; for a stolen key, the last one the member published itself)\n"
    "  --out FILE       where to write the proposal (default: standard output)\n";

static const char usage_key[] =
    "usage: ekonet key COMMAND [OPTIONS]\n"
    "\n"
    "This node's key.\n"
    "\n"
    "  rotate [--out FILE]   change it (planned): a next key, and the rotation for the board\n"
    "\n"
    "Run 'ekonet key COMMAND --help' for a command's options.\n";

static const char usage_rotate[] =
    "usage: ekonet key rotate [--out FILE] [--json]\n"
    "\n"
    "Changes this node's key, planned (the key is kept, not lost). The node makes its next key\n"
    "(kept as node.key.next in its data directory) and writes a rotation signed by its current\n"
    "key for the board (--out FILE, default standard output). From then on it publishes\n"
    "nothing under the current key. When the board's succession act arrives, the node switches\n"
    "to the new key (the old key file is kept as node.key.<id>.old), starts again, publishes\n"
    "the member's profile under it and goes on. Asked again before that, it writes the same\n"
    "next key's rotation.\n"
    "\n"
    "The board makes it the member's key with ekonet board succeed --rotation FILE and its\n"
    "decision, then signs and publishes the act.\n";

enum { O_REASON = OPT_FIRST_COMMAND_OPTION, O_DECISION, O_LAST_SEQ, O_ROTATION, O_OUT };

struct succeed_args {
    const char *reason, *decision, *rotation, *out;
    long long last_seq;
    const char *old, *new; /* operands */
};

static int parse_succeed(struct cli *c, int argc, char **argv, struct succeed_args *a)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"reason", required_argument, NULL, O_REASON},
        {"decision", required_argument, NULL, O_DECISION},
        {"last-seq", required_argument, NULL, O_LAST_SEQ},
        {"rotation", required_argument, NULL, O_ROTATION},
        {"out", required_argument, NULL, O_OUT},
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    memset(a, 0, sizeof *a);
    a->last_seq = -1;
    c->usage = usage_succeed;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_REASON) {
            a->reason = optarg;
        } else if (ch == O_DECISION) {
            a->decision = optarg;
        } else if (ch == O_ROTATION) {
            a->rotation = optarg;
        } else if (ch == O_OUT) {
            a->out = optarg;
        } else if (ch == O_LAST_SEQ) {
            a->last_seq = strtoll(optarg, &end, 10);
            if (*end || a->last_seq < 0) return cli_usage_error(c, "--last-seq must be a number");
        } else if (ch == 'h') {
            return cli_help(c);
        } else {
            return cli_bad_option(c, argv, opts);
        }
    }
    if (argc - optind > 2)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 2]);
    if (argc - optind == 2) a->old = argv[optind], a->new = argv[optind + 1];
    if (argc - optind == 1)
        return cli_usage_error(c, "give the old key (OLD) and the new one (NEW)");
    if (!a->decision) return cli_usage_error(c, "--decision is required (the board's decision)");
    if (a->rotation) {
        if (a->old) return cli_usage_error(c, "with --rotation the keys come from the file");
        if (a->reason && strcmp(a->reason, "planned") != 0)
            return cli_usage_error(c, "a rotation is a planned succession, not --reason %s",
                                   a->reason);
        if (a->last_seq >= 0)
            return cli_usage_error(c, "with --rotation the last seq comes from the file");
        return CLI_CONTINUE;
    }
    if (!a->old) return cli_usage_error(c, "give the old key (OLD) and the new one (NEW)");
    if (!a->reason) return cli_usage_error(c, "--reason lost or --reason stolen is required");
    if (strcmp(a->reason, "planned") == 0)
        return cli_usage_error(c, "a planned succession needs the member's rotation: --rotation "
                                  "FILE (made by ekonet key rotate on its node)");
    int r = succession_reason_parse(a->reason);
    if (r != EKONET__SUCCESSION_REASON__SUCCESSION_LOST &&
        r != EKONET__SUCCESSION_REASON__SUCCESSION_STOLEN)
        return cli_usage_error(c, "--reason must be lost or stolen, not \"%s\"", a->reason);
    return CLI_CONTINUE;
}

/* Reads a ROTATION file: the signed rotation (caller frees), checked; NULL after saying why. */
static Ekonet__SignedRotation *read_rotation(struct cli *c, const char *path)
{
    struct errbuf err;
    uint8_t *buf;
    size_t len;
    if (armor_read_file(path, "ROTATION", ROTATION_MAX, &buf, &len, &err) < 0) {
        cli_fail(c, "%s", err.msg);
        return NULL;
    }
    Ekonet__SignedRotation *s = ekonet__signed_rotation__unpack(NULL, len, buf);
    free(buf);
    Ekonet__Rotation *r = s ? rotation_open(s, &err) : NULL;
    if (!r) {
        cli_fail(c, "%s: %s", path, s ? err.msg : "not an ekonet key rotation");
        if (s) ekonet__signed_rotation__free_unpacked(s, NULL);
        return NULL;
    }
    ekonet__rotation__free_unpacked(r, NULL);
    return s;
}

/* The old key must be a member's current key, the new one no key of any member. EXIT_OK with
   the old key's head on this node, or an exit status after saying why. */
static int check_keys(struct cli *c, const uint8_t *old, const uint8_t *new, uint64_t *head)
{
    Ekonet__ApiReply *reply;
    int rc = cli_member_list(c, &reply);
    if (rc != EXIT_OK) return rc;
    char hex[ID_HEX], now[ID_HEX];
    const Ekonet__MemberInfo *found = NULL, *taken = NULL;
    for (size_t i = 0; i < reply->member_list->n_members; i++) {
        const Ekonet__MemberInfo *m = reply->member_list->members[i];
        if (m->key.len == KEY_SIZE && memcmp(m->key.data, old, KEY_SIZE) == 0) found = m;
        if (m->key.len == KEY_SIZE && memcmp(m->key.data, new, KEY_SIZE) == 0) taken = m;
        for (size_t k = 0; k < m->n_former_keys; k++) {
            const ProtobufCBinaryData *f = &m->former_keys[k]->key;
            if (f->len == KEY_SIZE && memcmp(f->data, new, KEY_SIZE) == 0) taken = m;
            if (f->len == KEY_SIZE && memcmp(f->data, old, KEY_SIZE) == 0 && !found)
                rc = cli_fail(c, "node %.16s was replaced already: %s's key is now %.16s",
                              hex_encode(hex, old, KEY_SIZE), m->name,
                              hex_encode(now, m->key.data, KEY_SIZE));
        }
    }
    if (rc == EXIT_OK && !found)
        rc = cli_fail(c, "node %.16s is not a member's key (see: ekonet members)",
                      hex_encode(hex, old, KEY_SIZE));
    else if (rc == EXIT_OK && taken)
        rc = cli_fail(c, "node %.16s is a key of %s already; a new key must be new to the network",
                      hex_encode(hex, new, KEY_SIZE), taken->name);
    if (rc == EXIT_OK) *head = found->head_seq;
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Packs the act, checks it as every node will (the network too), and prepares the proposal. */
static int prepare_succeed(struct cli *c, const struct succeed_args *a, Ekonet__Succeed *s)
{
    Ekonet__ApiReply *net;
    struct errbuf why;
    int rc = act_network(c, &net);
    if (rc != EXIT_OK) return rc;
    rc = succeed_validate(s, net->network->network_id.data, &why);
    ekonet__api_reply__free_unpacked(net, NULL);
    if (rc < 0) return cli_fail(c, "%s", why.msg);
    size_t len = ekonet__succeed__get_packed_size(s);
    uint8_t *buf = malloc(len);
    if (!buf) return cli_fail(c, "out of memory");
    ekonet__succeed__pack(s, buf);
    rc = act_prepare_next(c, a->out, EKONET__ENTRY_KIND__KIND_SUCCEED, buf, len);
    free(buf);
    return rc;
}

int board_succeed(struct cli *c, int argc, char **argv)
{
    struct succeed_args a;
    uint8_t old[KEY_SIZE], new[KEY_SIZE];
    uint64_t head = 0;
    int rc = parse_succeed(c, argc, argv, &a);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__Succeed s = EKONET__SUCCEED__INIT;
    Ekonet__SignedRotation *rot = NULL;
    if (a.rotation) {
        if (!(rot = read_rotation(c, a.rotation))) return EXIT_FAIL;
        Ekonet__Rotation *r = ekonet__rotation__unpack(NULL, rot->rotation.len, rot->rotation.data);
        memcpy(old, r->old_key.data, KEY_SIZE);
        memcpy(new, r->new_key.data, KEY_SIZE);
        s.last_seq = r->last_seq;
        ekonet__rotation__free_unpacked(r, NULL);
        s.reason = EKONET__SUCCESSION_REASON__SUCCESSION_PLANNED;
        s.rotation = rot;
    } else {
        if (hex_decode(new, KEY_SIZE, a.new) < 0)
            return cli_usage_error(c,
                                   "NEW \"%.70s\" is not a node id: give all 64 hex digits "
                                   "(ekonet status on the new node shows it)",
                                   a.new);
        if ((rc = act_member(c, a.old, old, &head)) != EXIT_OK) return rc;
        s.reason = (Ekonet__SuccessionReason)succession_reason_parse(a.reason);
    }
    if ((rc = check_keys(c, old, new, &head)) == EXIT_OK) {
        if (!a.rotation) s.last_seq = a.last_seq >= 0 ? (uint64_t)a.last_seq : head;
        s.old_key = (ProtobufCBinaryData){KEY_SIZE, old};
        s.new_key = (ProtobufCBinaryData){KEY_SIZE, new};
        s.decision = (char *)a.decision;
        rc = prepare_succeed(c, &a, &s);
    }
    if (rot) ekonet__signed_rotation__free_unpacked(rot, NULL);
    return rc;
}

/* The rotation the node signed as the text of a ROTATION file (caller frees), or NULL. */
static char *rotation_text(const Ekonet__KeyRotateReply *k, const uint8_t *old)
{
    char comment[512], a[ID_HEX], b[ID_HEX];
    snprintf(
        comment, sizeof comment,
        "ekonet key rotation: node %s\nbecomes node %s;\nthe old key's feed ends at seq %llu.\n"
        "The board makes it the member's key with:\n"
        "  ekonet board succeed --rotation THIS_FILE --decision TEXT",
        hex_encode(a, old, KEY_SIZE), hex_encode(b, k->new_key.data, KEY_SIZE),
        (unsigned long long)k->last_seq);
    return armor_encode("ROTATION", comment, k->rotation.data, k->rotation.len);
}

/* What key rotate says: JSON (with the file's text unless --out), or a sentence on stderr. */
static void rotation_said(struct cli *c, const char *out, const Ekonet__KeyRotateReply *k,
                          const uint8_t *old, const char *text)
{
    char a[ID_HEX], b[ID_HEX];
    hex_encode(a, old, KEY_SIZE);
    hex_encode(b, k->new_key.data, KEY_SIZE);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "node_id", a);
        cJSON_AddStringToObject(o, "new_node_id", b);
        cJSON_AddNumberToObject(o, "last_seq", (double)k->last_seq);
        cJSON_AddBoolToObject(o, "pending", k->pending);
        cJSON_AddItemToObject(o, "file", out ? cJSON_CreateString(out) : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "rotation", out ? cJSON_CreateNull() : cJSON_CreateString(text));
        out_json(o);
        return;
    }
    fprintf(stderr,
            "%s key %.16s: this node's next key is %s (kept in %s/node.key.next).\n"
            "It publishes nothing more under its current key, whose feed ends at seq %llu.\n"
            "Give the rotation to the board: ekonet board succeed --rotation %s --decision TEXT\n"
            "When that act arrives, the node switches to the new key.\n",
            k->pending ? "Still rotating" : "Rotating", a, b, c->dir,
            (unsigned long long)k->last_seq, out ? out : "FILE");
}

static int key_rotate(struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"out", required_argument, NULL, O_OUT}, {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int ch;
    c->usage = usage_rotate;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_OUT)
            out = optarg;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__KeyRotateRequest kr = EKONET__KEY_ROTATE_REQUEST__INIT;
    Ekonet__ApiReply *reply;
    req.op_case = EKONET__API_REQUEST__OP_KEY_ROTATE;
    req.key_rotate = &kr;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_KEY_ROTATE, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__KeyRotateReply *k = reply->key_rotate;
    struct errbuf err;
    Ekonet__SignedRotation *s =
        ekonet__signed_rotation__unpack(NULL, k->rotation.len, k->rotation.data);
    Ekonet__Rotation *r = s ? rotation_open(s, &err) : NULL;
    char *text = r && k->new_key.len == KEY_SIZE ? rotation_text(k, r->old_key.data) : NULL;
    if (!r || k->new_key.len != KEY_SIZE)
        rc = cli_fail(c, "the node sent a rotation that does not verify");
    else if (!text)
        rc = cli_fail(c, "out of memory");
    else if (out && strcmp(out, "-") != 0 &&
             file_write_atomic(out, text, strlen(text), 0644, &err) < 0)
        rc = cli_fail(c, "%s", err.msg);
    else if (!c->json && (!out || strcmp(out, "-") == 0))
        fputs(text, stdout);
    if (rc == EXIT_OK)
        rotation_said(c, out && strcmp(out, "-") != 0 ? out : NULL, k, r->old_key.data, text);
    free(text);
    if (r) ekonet__rotation__free_unpacked(r, NULL);
    if (s) ekonet__signed_rotation__free_unpacked(s, NULL);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

int cmd_key(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"rotate", key_rotate}, {NULL, NULL}};
    c->usage = usage_key;
    return cli_dispatch(c, argc, argv, subs);
}
