/*
 * ekonet init: creates a node's data directory (0700), its Ed25519 key (0600) and a
 * commented configuration. Works without a daemon; refuses to touch an existing node.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/board.h"
#include "ekonet/config.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "ekonet/places.h"
#include "ekonet/text.h"

static const char usage[] =
    "usage: ekonet init [--dir DIR] --code SCB_CODE [--name NAME] [--listen ENDPOINT]\n"
    "\n"
    "Creates a node in DIR: the data directory (mode 0700), the node's key (node.key, 0600)\n"
    "and its configuration (ekonetd.conf). Prints the node id, which the board needs to\n"
    "admit the member. An existing key is never overwritten.\n"
    "\n"
    "  --code CODE        the member's SCB code: 4 digits for a municipality (2518),\n"
    "                     2 for a region (25)\n"
    "  --name NAME        the member's name (default: the official name for CODE)\n"
    "  --listen ENDPOINT  where other nodes connect (default tcp://*:7650)\n"
    "  --dir DIR          the data directory (default $EKONET_DIR or /var/lib/ekonet)\n"
    "  --json             print the result as JSON\n";

int cmd_init(struct cli *c, int argc, char **argv)
{
    enum { OPT_CODE = OPT_FIRST_COMMAND_OPTION, OPT_NAME, OPT_LISTEN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"code", required_argument, NULL, OPT_CODE},
        {"name", required_argument, NULL, OPT_NAME},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {NULL, 0, NULL, 0},
    };
    const char *code = NULL, *name = NULL, *listen = "tcp://*:7650";
    int ch;
    c->usage = usage;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case OPT_CODE:
            code = optarg;
            break;
        case OPT_NAME:
            name = optarg;
            break;
        case OPT_LISTEN:
            listen = optarg;
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (!code) return cli_usage_error(c, "--code is required (the member's SCB code)");
    const struct place *place = place_lookup(code);
    if (!place)
        return cli_fail(c,
                        "%s is not the SCB code of a Swedish municipality (4 digits, e.g. 2518) "
                        "or region (2 digits, e.g. 25)",
                        code);
    if (!name) name = place->name;
    if (!text_valid_line(name, 120))
        return cli_fail(c, "the name must be one line of 1 to 120 bytes");
    if (strncmp(listen, "tcp://", 6) != 0 && strncmp(listen, "ipc://", 6) != 0)
        return cli_fail(c, "--listen must be an endpoint such as tcp://*:7650");

    char keypath[PATH_MAX], confpath[PATH_MAX], dir[PATH_MAX];
    struct errbuf err;
    if (file_mkdirs(c->dir, 0700, &err) < 0) return cli_fail(c, "%s", err.msg);
    if (!realpath(c->dir, dir)) return cli_fail(c, "%s: %s", c->dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) == 0 && (st.st_mode & 002))
        return cli_fail(c, "%s is writable by everyone; run: chmod 700 %s", dir, dir);
    if (file_join(keypath, sizeof keypath, dir, "node.key") < 0 ||
        file_join(confpath, sizeof confpath, dir, CONFIG_FILE) < 0)
        return cli_fail(c, "the path %s is too long", dir);
    if (file_exists(keypath))
        return cli_fail(
            c, "%s already holds a node (node.key exists); refusing to overwrite its key", dir);
    if (file_exists(confpath))
        return cli_fail(c, "%s already exists; move it away or use another --dir", confpath);

    struct node_key k;
    uint8_t net[ID_SIZE];
    char title[200], id[ID_HEX];
    if (key_generate(&k) < 0) return cli_fail(c, "cannot generate a key");
    snprintf(title, sizeof title, "ekonet node key of %s (%s)", name, code);
    network_solo_id(net, k.pub); /* alone until it joins a network */
    int rc = EXIT_OK;
    if (config_write_default(confpath, name, code, listen, net, &err) < 0) {
        rc = cli_fail(c, "%s", err.msg);
        goto out;
    }
    if (key_save(&k, keypath, title, &err) < 0) {
        unlink(confpath); /* leave nothing half made: init can simply be run again */
        rc = cli_fail(c, "%s", err.msg);
        goto out;
    }
    hex_encode(id, k.pub, KEY_SIZE);
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "node_id", id);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "code", code);
        cJSON_AddStringToObject(o, "kind", place_kind_str(place->kind));
        cJSON_AddStringToObject(o, "dir", dir);
        cJSON_AddStringToObject(o, "config", confpath);
        cJSON_AddStringToObject(o, "key", keypath);
        out_json(o);
    } else {
        printf("Created the node of %s (%s, %s) in %s\n", name, code, place_kind_str(place->kind),
               dir);
        printf("node id: %s\n", id);
        printf("Key: %s (keep it secret and keep a copy offline)\n", keypath);
        printf("Configuration: %s\n", confpath);
        printf("Start it with: ekonetd --dir %s\n", dir);
    }
out:
    key_wipe(&k);
    return rc;
}
