/*
 * ekonetd.conf: the file `ekonet init` writes loads with the defaults, and every problem in
 * a hand-edited file is reported as PATH:LINE and one sentence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ekonet/config.h"
#include "ekonet/hex.h"

#define EC16  "ecececececececec"
#define NETID EC16 EC16 EC16 EC16

/* The smallest complete file: lines 1 to 5. */
#define BASE                                                                                       \
    "[node]\n"                                                                                     \
    "name = Övertorneå kommun\n"                                                                 \
    "code = 2518\n"                                                                                \
    "[network]\n"                                                                                  \
    "id = " NETID "\n"

#define SIZE_ERROR " must be a size in bytes (K and M allowed) up to 64M, not "

struct fixture {
    char dir[64];
    char path[PATH_MAX];
    uint8_t network[ID_SIZE];
    struct node_key alice, bob;
    char alice_hex[2 * KEY_SIZE + 1], bob_hex[2 * KEY_SIZE + 1];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    uint8_t seed1[32], seed2[32];
    memset(seed1, 1, sizeof seed1);
    memset(seed2, 2, sizeof seed2);
    if (!f || key_lib_init() < 0 || key_from_seed(&f->alice, seed1) < 0 ||
        key_from_seed(&f->bob, seed2) < 0) {
        free(f);
        return -1;
    }
    hex_encode(f->alice_hex, f->alice.pub, KEY_SIZE);
    hex_encode(f->bob_hex, f->bob.pub, KEY_SIZE);
    memset(f->network, 0xEC, sizeof f->network);
    snprintf(f->dir, sizeof f->dir, "%s", "/tmp/ekonet-test-config-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, CONFIG_FILE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (unlink(f->path) < 0 && errno != ENOENT) return -1;
    if (rmdir(f->dir) < 0) return -1;
    free(f);
    return 0;
}

static void write_text(const struct fixture *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

/* Writes text as the configuration and loads it; the caller frees c on success. */
static int load(const struct fixture *f, const char *text, struct config *c, struct errbuf *err)
{
    write_text(f, text);
    memset(err->msg, 0, sizeof err->msg);
    return config_load(f->path, NULL, c, err);
}

static void expect_loads(const struct fixture *f, const char *text, struct config *c)
{
    struct errbuf err;
    if (load(f, text, c, &err) != 0) fail_msg("refused: %s", err.msg);
}

/* Loading text must fail with "PATH:LINE: want". */
static void expect_error_at(const struct fixture *f, const char *text, int line, const char *want)
{
    struct config c;
    struct errbuf err;
    char full[sizeof err.msg + PATH_MAX];
    if (load(f, text, &c, &err) == 0) {
        config_free(&c);
        fail_msg("accepted:\n%s", text);
    }
    snprintf(full, sizeof full, "%s:%d: %s", f->path, line, want);
    assert_string_equal(err.msg, full);
    assert_null(c.path); /* nothing left to free */
    assert_null(c.name);
}

/* Loading text must fail with "PATH: want" (a whole-file problem, no line). */
static void expect_error(const struct fixture *f, const char *text, const char *want)
{
    struct config c;
    struct errbuf err;
    char full[sizeof err.msg + PATH_MAX];
    if (load(f, text, &c, &err) == 0) {
        config_free(&c);
        fail_msg("accepted:\n%s", text);
    }
    snprintf(full, sizeof full, "%s: %s", f->path, want);
    assert_string_equal(err.msg, full);
}

/* The file `ekonet init` writes loads with the defaults and the file's directory as data_dir. */
static void default_file_loads(void **state)
{
    struct fixture *f = *state;
    struct errbuf err;
    struct config c;
    assert_int_equal(config_write_default(f->path, "Övertorneå kommun", "2518", DEFAULT_LISTEN,
                                          f->network, &err),
                     0);
    if (config_load(f->path, NULL, &c, &err) != 0) fail_msg("refused: %s", err.msg);
    assert_string_equal(c.path, f->path);
    assert_string_equal(c.name, "Övertorneå kommun");
    assert_string_equal(c.code, "2518");
    assert_string_equal(c.listen, "tcp://*:7650");
    assert_null(c.advertise);
    assert_string_equal(c.data_dir, f->dir);
    assert_int_equal(c.log_level, ELOG_INFO);
    assert_true(c.has_network);
    assert_memory_equal(c.network, f->network, ID_SIZE);
    assert_int_equal(c.max_content, 262144);
    assert_int_equal(c.max_api_request, 1024 * 1024);
    assert_int_equal(c.max_peer_message, 4 * 1024 * 1024);
    assert_int_equal(c.nallow, 0);
    assert_null(c.allow);
    config_free(&c);
    assert_null(c.path);

    /* the data_dir argument (ekonetd --data-dir) wins */
    if (config_load(f->path, "/var/lib/ekonet", &c, &err) != 0) fail_msg("refused: %s", err.msg);
    assert_string_equal(c.data_dir, "/var/lib/ekonet");
    config_free(&c);
}

/* `ekonet init` never overwrites a configuration that is already there. */
static void write_default_refuses_overwrite(void **state)
{
    struct fixture *f = *state;
    struct errbuf err;
    struct config c;
    assert_int_equal(config_write_default(f->path, "Övertorneå kommun", "2518", DEFAULT_LISTEN,
                                          f->network, &err),
                     0);
    assert_int_equal(
        config_write_default(f->path, "Stockholms stad", "0180", "tcp://*:7651", f->network, &err),
        -1);
    assert_non_null(strstr(err.msg, f->path));
    assert_non_null(strstr(err.msg, "File exists"));

    assert_int_equal(config_load(f->path, NULL, &c, &err), 0);
    assert_string_equal(c.name, "Övertorneå kommun");
    assert_string_equal(c.listen, "tcp://*:7650");
    config_free(&c);
}

/* name, code and network id alone make a file; everything else has its default. */
static void minimal_file_has_defaults(void **state)
{
    struct fixture *f = *state;
    struct config c;
    expect_loads(f, BASE, &c);
    assert_string_equal(c.listen, DEFAULT_LISTEN);
    assert_int_equal(c.log_level, ELOG_INFO);
    assert_int_equal(c.max_content, DEFAULT_MAX_CONTENT);
    assert_int_equal(c.max_api_request, DEFAULT_MAX_API);
    assert_int_equal(c.max_peer_message, DEFAULT_MAX_PEER);
    assert_string_equal(c.data_dir, f->dir);
    config_free(&c);
}

/* Every setting given: comments, inline comments, a BOM, other endpoints, a region code. */
static void all_settings(void **state)
{
    struct fixture *f = *state;
    struct config c;
    struct errbuf err;
    expect_loads(f,
                 "\xEF\xBB\xBF# ekonetd configuration\n"
                 "; an old-style comment\n"
                 "[node]\n"
                 "name = Region Norrbotten\n"
                 "code = 25\n"
                 "data_dir = /srv/ekonet\n"
                 "listen = ipc:///run/ekonet/ekonetd.sock\n"
                 "advertise = tcp://ekonet.norrbotten.se:7650\n"
                 "log_level = debug ; more while we set up\n"
                 "\n"
                 "[network]\n"
                 "id = " NETID "\n",
                 &c);
    assert_string_equal(c.name, "Region Norrbotten");
    assert_string_equal(c.code, "25");
    assert_string_equal(c.data_dir, "/srv/ekonet");
    assert_string_equal(c.listen, "ipc:///run/ekonet/ekonetd.sock");
    assert_string_equal(c.advertise, "tcp://ekonet.norrbotten.se:7650");
    assert_int_equal(c.log_level, ELOG_DEBUG);
    config_free(&c);

    /* the argument overrides data_dir from the file */
    assert_int_equal(config_load(f->path, "/var/lib/ekonet", &c, &err), 0);
    assert_string_equal(c.data_dir, "/var/lib/ekonet");
    config_free(&c);
}

/* [peers]: the defaults, a tree of eager sessions (push_eager = 0), and what is refused. */
static void peer_settings(void **state)
{
    struct fixture *f = *state;
    struct config c;
    expect_loads(f, BASE, &c);
    assert_int_equal(c.outbound, 8);
    assert_int_equal(c.digest_interval, 30);
    assert_int_equal(c.beacon_interval, 60);
    assert_int_equal(c.push_eager, 3);
    config_free(&c);
    expect_loads(f, BASE "[peers]\npush_eager = 0\noutbound = 3\n", &c);
    assert_int_equal(c.push_eager, 0);
    assert_int_equal(c.outbound, 3);
    config_free(&c);
    expect_error_at(f, BASE "[peers]\npush_eager = -1\n", 7,
                    "push_eager must be a whole number from 0 up to 100000, not \"-1\"");
    expect_error_at(f, BASE "[peers]\ndigest_interval = 301\n", 7,
                    "digest_interval must be a whole number from 1 up to 300, not \"301\"");
}

/* [limits]: the connection limits' defaults, 0 (from the file limit, no limit per address),
   and what is refused. */
static void connection_limits(void **state)
{
    struct fixture *f = *state;
    struct config c;
    expect_loads(f, BASE, &c);
    assert_int_equal(c.peer_connections, 0);
    assert_int_equal(c.connections_per_address, 64);
    config_free(&c);
    expect_loads(f, BASE "[limits]\npeer_connections = 500\nconnections_per_address = 0\n", &c);
    assert_int_equal(c.peer_connections, 500);
    assert_int_equal(c.connections_per_address, 0);
    config_free(&c);
    expect_error_at(f, BASE "[limits]\nconnections_per_address = many\n", 7,
                    "connections_per_address must be a whole number from 0 up to 1000000, "
                    "not \"many\"");
    expect_error_at(f, BASE "[limits]\npeer_connections = 1000001\n", 7,
                    "peer_connections must be a whole number from 0 up to 1000000, not "
                    "\"1000001\"");
}

static void missing_file(void **state)
{
    struct fixture *f = *state;
    struct config c;
    struct errbuf err;
    char path[PATH_MAX + 16], want[sizeof path + 80];
    snprintf(path, sizeof path, "%s/none.conf", f->dir);
    assert_int_equal(config_load(path, NULL, &c, &err), -1);
    snprintf(want, sizeof want, "cannot open configuration %s: No such file or directory", path);
    assert_string_equal(err.msg, want);
}

static void unknown_setting(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, BASE "colour = green\n", 6, "unknown setting \"colour\" in [network]");
    expect_error_at(f, "[node]\nname = X\nport = 7650\n", 3, "unknown setting \"port\" in [node]");
    expect_error_at(f, BASE "[limits]\nmax_speed = 5\n", 7,
                    "unknown setting \"max_speed\" in [limits]");
}

static void unknown_section(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, BASE "\n[storage]\npath = /srv/ekonet\n", 8, "unknown section [storage]");

    /* a setting before any section */
    struct config c;
    struct errbuf err;
    char want[PATH_MAX + 8];
    assert_int_equal(load(f, "name = X\n" BASE, &c, &err), -1);
    snprintf(want, sizeof want, "%s:1: ", f->path);
    assert_memory_equal(err.msg, want, strlen(want));
    assert_non_null(strstr(err.msg, "\"name\" must come after a [section] line"));
}

/* The code must be an SCB code of a municipality or a region. */
static void bad_code(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, "[node]\nname = X\ncode = 9999\n[network]\nid = " NETID "\n", 3,
                    "code 9999 is not the SCB code of a Swedish municipality or region");
    expect_error_at(f, "[node]\nname = X\ncode = 02\n[network]\nid = " NETID "\n", 3,
                    "code 02 is not the SCB code of a Swedish municipality or region");
}

static void bad_name(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, "[node]\nname =\ncode = 2518\n[network]\nid = " NETID "\n", 2,
                    "name must be 1 to 120 bytes of text");
}

/* listen and advertise are ZeroMQ endpoints with a port in 1..65535. */
static void bad_listen_endpoint(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {"localhost:7650", "tcp://*",       "tcp://:7650",
                                      "tcp://*:0",      "tcp://*:65536", "tcp://*:76x50",
                                      "udp://*:7650",   "ipc://",        "tcp://*:"};
    char text[512], want[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(want, sizeof want, "listen: \"%s\" is not an endpoint like tcp://*:7650", bad[i]);
        snprintf(text, sizeof text,
                 "[node]\nname = X\ncode = 2518\nlisten = %s\n[network]\nid = %s\n", bad[i], NETID);
        expect_error_at(f, text, 4, want);
    }
    expect_error_at(f, "[node]\nadvertise = ekonet.example.se\n", 2,
                    "advertise: \"ekonet.example.se\" is not an endpoint like tcp://*:7650");

    struct config c;
    expect_loads(f,
                 "[node]\nname = X\ncode = 2518\nlisten = tcp://192.0.2.7:65535\n"
                 "[network]\nid = " NETID "\n",
                 &c);
    assert_string_equal(c.listen, "tcp://192.0.2.7:65535");
    config_free(&c);
}

/* [metrics] listen: on at 127.0.0.1:7651 unless set; IP:PORT (IPv6 in brackets) or off. */
static void metrics_listen(void **state)
{
    struct fixture *f = *state;
    struct errbuf err;
    struct config c;
    expect_loads(f, BASE, &c);
    assert_string_equal(c.metrics_listen, "127.0.0.1:7651");
    config_free(&c);
    assert_int_equal(unlink(f->path), 0); /* the file `ekonet init` writes says so, too */
    assert_int_equal(config_write_default(f->path, "Övertorneå kommun", "2518", DEFAULT_LISTEN,
                                          f->network, &err),
                     0);
    assert_int_equal(config_load(f->path, NULL, &c, &err), 0);
    assert_string_equal(c.metrics_listen, DEFAULT_METRICS_LISTEN);
    config_free(&c);
    expect_loads(f, BASE "[metrics]\nlisten = off\n", &c);
    assert_null(c.metrics_listen);
    config_free(&c);
    expect_loads(f, BASE "[metrics]\nlisten = [::1]:9100\n", &c);
    assert_string_equal(c.metrics_listen, "[::1]:9100");
    config_free(&c);
    expect_loads(f, BASE "[metrics]\nlisten = 0.0.0.0:7651\n", &c);
    assert_string_equal(c.metrics_listen, "0.0.0.0:7651");
    config_free(&c);

    static const char *const bad[] = {"localhost:7651",  "127.0.0.1",   "127.0.0.1:0",
                                      "127.0.0.1:65536", ":7651",       "::1:7651",
                                      "[::1]",           "[::1:7651",   "127.0.0.1:76x1",
                                      "tcp://*:7651",    "1.2.3.4.5:1", "[127.0.0.1]:7651"};
    char text[512], want[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(want, sizeof want,
                 "listen must be IP:PORT like 127.0.0.1:7651 or [::1]:7651, or off; not \"%s\"",
                 bad[i]);
        snprintf(text, sizeof text, BASE "[metrics]\nlisten = %s\n", bad[i]);
        expect_error_at(f, text, 7, want);
    }
    expect_error_at(f, BASE "[metrics]\nport = 7651\n", 7, "unknown setting \"port\" in [metrics]");
}

static void bad_log_level(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, "[node]\nlog_level = verbose\n", 2,
                    "log_level must be error, warn, info or debug, not \"verbose\"");
    expect_error_at(f, "[node]\n\nlog_level = INFO\n", 3,
                    "log_level must be error, warn, info or debug, not \"INFO\"");
}

static void bad_network_id(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, "[node]\nname = X\ncode = 2518\n[network]\nid = ecec\n", 5,
                    "network id must be 64 hex digits");
    expect_error_at(f, "[network]\nid = " NETID "e\n", 2, "network id must be 64 hex digits");
    expect_error_at(f, "[network]\nid = " EC16 EC16 EC16 "ecececececececeg\n", 2,
                    "network id must be 64 hex digits");
}

/* allow takes node ids: 64 hex digits that are an Ed25519 public key. */
static void bad_allow_key(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, BASE "allow = 1234\n", 6,
                    "allow: \"1234\" is not a node id (64 hex digits)");
    expect_error_at(f, BASE "allow = " NETID "\n", 6,
                    "allow: \"" NETID "\" is not a node id (64 hex digits)");

    char text[512], want[256];
    snprintf(text, sizeof text, "%sallow = %s\nallow = %.63s\n", BASE, f->alice_hex, f->bob_hex);
    snprintf(want, sizeof want, "allow: \"%.63s\" is not a node id (64 hex digits)", f->bob_hex);
    expect_error_at(f, text, 7, want);
}

/* Repeated allow lines add up. */
static void allow_lines_accumulate(void **state)
{
    struct fixture *f = *state;
    char text[512];
    struct config c;
    snprintf(text, sizeof text, "%sallow = %s\n# the second member\nallow = %s\n", BASE,
             f->alice_hex, f->bob_hex);
    expect_loads(f, text, &c);
    assert_int_equal(c.nallow, 2);
    assert_memory_equal(c.allow[0], f->alice.pub, KEY_SIZE);
    assert_memory_equal(c.allow[1], f->bob.pub, KEY_SIZE);
    config_free(&c);
}

/* At most CONFIG_MAX_ALLOW allow lines. */
static void too_many_allow_lines(void **state)
{
    struct fixture *f = *state;
    size_t cap = sizeof BASE + (CONFIG_MAX_ALLOW + 1) * 80;
    char *text = malloc(cap), *p = text;
    assert_non_null(text);
    p += snprintf(p, cap, "%s", BASE);
    for (int i = 0; i < CONFIG_MAX_ALLOW; i++)
        p += snprintf(p, cap - (size_t)(p - text), "allow = %s\n", f->alice_hex);

    struct config c;
    expect_loads(f, text, &c);
    assert_int_equal(c.nallow, CONFIG_MAX_ALLOW);
    config_free(&c);

    snprintf(p, cap - (size_t)(p - text), "allow = %s\n", f->bob_hex);
    expect_error_at(f, text, 5 + CONFIG_MAX_ALLOW + 1, "too many allow lines");
    free(text);
}

/* Sizes are positive byte counts up to 64M, with an optional K or M. */
static void bad_size(void **state)
{
    struct fixture *f = *state;
    /* the last two wrap around to 1K and 1M when multiplied in 64 bits */
    static const char *const bad[] = {"12X",
                                      "0",
                                      "-5",
                                      "",
                                      "1.5M",
                                      "5KB",
                                      "65M",
                                      "64M1",
                                      "0K",
                                      "K",
                                      "67108865",
                                      "18014398509481985K",
                                      "17592186044417M"};
    char text[512], want[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s[limits]\nmax_content = %s\n", BASE, bad[i]);
        snprintf(want, sizeof want, "max_content" SIZE_ERROR "\"%s\"", bad[i]);
        expect_error_at(f, text, 7, want);
    }
    expect_error_at(f, BASE "[limits]\n\nmax_peer_message = 12X\n", 8,
                    "max_peer_message" SIZE_ERROR "\"12X\"");
    expect_error_at(f, BASE "[limits]\nmax_api_request = -5\n", 7,
                    "max_api_request" SIZE_ERROR "\"-5\"");
}

/* K and M multiply by 1024 and 1024*1024, in either case. */
static void size_suffixes(void **state)
{
    struct fixture *f = *state;
    struct config c;
    expect_loads(f,
                 BASE "[limits]\n"
                      "max_content = 512K\n"
                      "max_api_request = 2m\n"
                      "max_peer_message = 64M\n",
                 &c);
    assert_int_equal(c.max_content, 512 * 1024);
    assert_int_equal(c.max_api_request, 2 * 1024 * 1024);
    assert_int_equal(c.max_peer_message, 64 * 1024 * 1024);
    config_free(&c);

    expect_loads(f, BASE "[limits]\nmax_content = 300000\nmax_api_request = 65536k\n", &c);
    assert_int_equal(c.max_content, 300000);
    assert_int_equal(c.max_api_request, 64 * 1024 * 1024);
    config_free(&c);
}

/* A message must hold the largest content plus the entry around it. */
static void max_content_too_close(void **state)
{
    struct fixture *f = *state;
    expect_error(f, BASE "[limits]\nmax_content = 4M\n",
                 "max_peer_message must exceed max_content by at least 4K");
    expect_error(f, BASE "[limits]\nmax_content = 3M\nmax_peer_message = 3075K\n",
                 "max_peer_message must exceed max_content by at least 4K");
    expect_error(f, BASE "[limits]\nmax_content = 1M\n",
                 "max_api_request must exceed max_content by at least 4K");

    /* exactly 4K apart is enough */
    struct config c;
    expect_loads(f, BASE "[limits]\nmax_content = 1020K\n", &c);
    assert_int_equal(c.max_content + 4096, c.max_api_request);
    config_free(&c);
}

static void not_name_value(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, BASE "just some words\n", 6, "not a [section] or name = value line");
    expect_error_at(f, "[node\nname = X\n", 1, "not a [section] or name = value line");
}

/* The first problem in the file is the one reported, whatever its sort. */
static void first_problem_reported(void **state)
{
    struct fixture *f = *state;
    expect_error_at(f, "[node]\nname = X\nnonsense\ncode = 9999\n", 3,
                    "not a [section] or name = value line");
    expect_error_at(f, "[node]\nname = X\ncode = 9999\nnonsense\n", 3,
                    "code 9999 is not the SCB code of a Swedish municipality or region");
}

/* Lines longer than the parser's 200-byte buffer are refused, not cut. */
static void line_too_long(void **state)
{
    struct fixture *f = *state;
    char text[1024], pad[251];
    memset(pad, 'x', 250);
    pad[250] = '\0';

    snprintf(text, sizeof text, "[node]\nname = %s\ncode = 2518\n[network]\nid = %s\n", pad, NETID);
    expect_error_at(f, text, 2, "line too long");

    snprintf(text, sizeof text, "%s# %s\n", BASE, pad);
    expect_error_at(f, text, 6, "line too long");

    /* a long line after another problem: the first one is reported */
    snprintf(text, sizeof text, "[node]\ncolour = green\n# %s\n", pad);
    expect_error_at(f, text, 2, "unknown setting \"colour\" in [node]");

    /* the last line, without a newline */
    snprintf(text, sizeof text, "%s# %s", BASE, pad);
    expect_error_at(f, text, 6, "line too long");

    /* a comment of 150 bytes is fine */
    struct config c;
    pad[150] = '\0';
    snprintf(text, sizeof text, "# %s\n%s", pad, BASE);
    expect_loads(f, text, &c);
    config_free(&c);
}

/* Each required setting missing is named. */
static void missing_settings(void **state)
{
    struct fixture *f = *state;
    expect_error(f, "[node]\ncode = 2518\n[network]\nid = " NETID "\n", "[node] name is missing");
    expect_error(f, "[node]\nname = X\n[network]\nid = " NETID "\n", "[node] code is missing");
    expect_error(f, "[node]\nname = X\ncode = 2518\n[network]\n", "[network] id is missing");
    expect_error(f, "", "[node] name is missing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_file_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(write_default_refuses_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(minimal_file_has_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(all_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(peer_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(connection_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_section, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_code, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_name, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_listen_endpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(metrics_listen, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_log_level, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_network_id, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_allow_key, setup, teardown),
        cmocka_unit_test_setup_teardown(allow_lines_accumulate, setup, teardown),
        cmocka_unit_test_setup_teardown(too_many_allow_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_size, setup, teardown),
        cmocka_unit_test_setup_teardown(size_suffixes, setup, teardown),
        cmocka_unit_test_setup_teardown(max_content_too_close, setup, teardown),
        cmocka_unit_test_setup_teardown(not_name_value, setup, teardown),
        cmocka_unit_test_setup_teardown(first_problem_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(line_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_settings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
