/*
 * config: parses ekonetd.conf with inih. inih does not tell its handler the line number, so
 * the file is fed through a reader that counts lines: the handler is always called for the
 * line the reader returned last. The first problem found is the one reported.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/config.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/places.h"
#include "ekonet/text.h"

struct parse {
    struct config *c;
    FILE *f;
    int line;
    int long_line;  /* first line longer than inih's buffer */
    int error_line; /* first line our handler refused */
    int metrics_off;
    char error[256];
};

static char *read_line(char *str, int num, void *stream)
{
    struct parse *p = stream;
    char *s = fgets(str, num, p->f);
    if (!s) return NULL;
    p->line++;
    size_t n = strlen(s);
    if (n == (size_t)num - 1 && s[n - 1] != '\n') {
        int ch = fgetc(p->f);
        if (ch == EOF) return s; /* a full last line without a newline */
        if (!p->long_line) p->long_line = p->line;
        while (ch != EOF && ch != '\n') ch = fgetc(p->f);
    }
    return s;
}

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first refused setting; returns 0 as inih expects of a refusing handler. */
static int fail(struct parse *p, const char *fmt, ...)
{
    if (!p->error_line) {
        va_list ap;
        va_start(ap, fmt);
        p->error_line = p->line;
        vsnprintf(p->error, sizeof p->error, fmt, ap);
        va_end(ap);
    }
    return 0;
}

/* Parses a whole number min..max. */
static int parse_count(const char *v, unsigned long min, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || *v == '-' || n < min || n > max) return -1;
    *out = (unsigned)n;
    return 0;
}

/* Parses a byte count with an optional K or M suffix, 1..max. */
static int parse_size(const char *v, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *v == '-') return -1;
    unsigned long long unit = 1;
    if (*end == 'K' || *end == 'k') {
        unit = 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        unit = 1024 * 1024;
        end++;
    }
    /* compare before multiplying: 18014398509481985K must not wrap around to 1K */
    if (*end || n == 0 || n > max / unit) return -1;
    *out = (size_t)(n * unit);
    return 0;
}

static int valid_endpoint(const char *v)
{
    if (strncmp(v, "tcp://", 6) == 0) {
        const char *colon = strrchr(v + 6, ':');
        if (!colon || colon == v + 6) return 0;
        char *end;
        long port = strtol(colon + 1, &end, 10);
        return *end == '\0' && port > 0 && port < 65536;
    }
    return strncmp(v, "ipc://", 6) == 0 && v[6] != '\0';
}

static int set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = strdup(v);
    return *dst != NULL;
}

int config_parse_address(const char *s, char *host, size_t size, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    unsigned char addr[16];
    char *end;
    if (!colon || colon[1] < '0' || colon[1] > '9') return 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || p == 0 || p > 65535) return 0;
    int v6 = s[0] == '[';
    if (v6 && (colon - s < 3 || colon[-1] != ']')) return 0;
    size_t len = (size_t)(colon - s) - (v6 ? 2 : 0);
    if (len == 0 || len >= size) return 0;
    memcpy(host, s + v6, len);
    host[len] = '\0';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1) return 0;
    *port = (unsigned)p;
    return 1;
}

/* Adds the comma-separated labels of v to *list (at most CONFIG_MAX_NOTIFY_LABELS). */
static int add_labels(struct parse *p, const char *name, const char *v, char ***list, size_t *n)
{
    char buf[CONFIG_NOTIFY_COMMAND_MAX + 1], *save = NULL;
    if (strlen(v) >= sizeof buf) return fail(p, "%s: the line is too long", name);
    snprintf(buf, sizeof buf, "%s", v);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t') t++;
        size_t len = strlen(t);
        while (len && (t[len - 1] == ' ' || t[len - 1] == '\t')) t[--len] = '\0';
        if (!len) continue;
        if (!text_valid_line(t, CONFIG_NOTIFY_LABEL_MAX))
            return fail(p, "%s: \"%.40s\" must be 1 to %d bytes of text", name, t,
                        CONFIG_NOTIFY_LABEL_MAX);
        if (*n == CONFIG_MAX_NOTIFY_LABELS)
            return fail(p, "%s: more than %d", name, CONFIG_MAX_NOTIFY_LABELS);
        if (!*list && !(*list = calloc(CONFIG_MAX_NOTIFY_LABELS, sizeof **list))) return 0;
        if (!((*list)[*n] = strdup(t))) return 0;
        ++*n;
    }
    return 1;
}

/* A setting of [notify]; 1 taken, 0 refused, -1 not a [notify] setting. */
static int notify_setting(struct parse *p, const char *name, const char *value)
{
    struct config_notify *nc = &p->c->notify;
    if (strcmp(name, "command") == 0) {
        if (!text_valid_line(value, CONFIG_NOTIFY_COMMAND_MAX))
            return fail(p, "command must be 1 to %d bytes on one line", CONFIG_NOTIFY_COMMAND_MAX);
        return set_str(&nc->command, value);
    }
    if (strcmp(name, "topics") == 0) return add_labels(p, name, value, &nc->topics, &nc->ntopics);
    if (strcmp(name, "indicators") == 0)
        return add_labels(p, name, value, &nc->indicators, &nc->nindicators);
    if (strcmp(name, "contact_requests") == 0) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(p, "contact_requests must be yes or no, not \"%s\"", value);
        nc->contact_requests = strcmp(value, "yes") == 0;
        return 1;
    }
    if (strcmp(name, "timeout") == 0) {
        if (parse_count(value, 1, 3600, &nc->timeout) < 0)
            return fail(p,
                        "timeout must be a whole number of seconds from 1 up to 3600, not \"%s\"",
                        value);
        return 1;
    }
    if (strcmp(name, "max_running") == 0) {
        if (parse_count(value, 1, 64, &nc->max_running) < 0)
            return fail(p, "max_running must be a whole number from 1 up to 64, not \"%s\"", value);
        return 1;
    }
    return -1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    struct config *c = p->c;
    if (!c) return 0;
    if (strcmp(section, "node") == 0) {
        if (strcmp(name, "name") == 0) {
            if (!text_valid_line(value, 120)) return fail(p, "name must be 1 to 120 bytes of text");
            return set_str(&c->name, value);
        }
        if (strcmp(name, "code") == 0) {
            if (!*value) return fail(p, "code is empty");
            if (!place_lookup(value))
                return fail(p, "code %s is not the SCB code of a Swedish municipality or region",
                            value);
            return set_str(&c->code, value);
        }
        if (strcmp(name, "data_dir") == 0) {
            if (!*value) return fail(p, "data_dir is empty");
            return set_str(&c->data_dir, value);
        }
        if (strcmp(name, "listen") == 0 || strcmp(name, "advertise") == 0) {
            if (!valid_endpoint(value))
                return fail(p, "%s: \"%s\" is not an endpoint like tcp://*:7650", name, value);
            return set_str(strcmp(name, "listen") == 0 ? &c->listen : &c->advertise, value);
        }
        if (strcmp(name, "log_level") == 0) {
            if (elog_parse_level(value, &c->log_level) < 0)
                return fail(p, "log_level must be error, warn, info or debug, not \"%s\"", value);
            return 1;
        }
    } else if (strcmp(section, "network") == 0) {
        if (strcmp(name, "id") == 0) {
            if (hex_decode(c->network, ID_SIZE, value) < 0)
                return fail(p, "network id must be 64 hex digits");
            c->has_network = 1;
            return 1;
        }
        if (strcmp(name, "seed") == 0) {
            uint8_t key[KEY_SIZE];
            const char *ep;
            if (!config_parse_seed(value, key, &ep))
                return fail(p, "seed must be NODE_ID@tcp://HOST:PORT, not \"%.80s\"", value);
            if (c->nseeds == CONFIG_MAX_SEEDS) return fail(p, "too many seed lines");
            if (!c->seeds && !(c->seeds = calloc(CONFIG_MAX_SEEDS, sizeof *c->seeds))) return 0;
            return (c->seeds[c->nseeds] = strdup(value)) != NULL && ++c->nseeds;
        }
        if (strcmp(name, "allow") == 0) {
            uint8_t key[KEY_SIZE], curve[KEY_SIZE];
            if (hex_decode(key, KEY_SIZE, value) < 0 || key_pub_to_curve(curve, key) < 0)
                return fail(p, "allow: \"%.70s\" is not a node id (64 hex digits)", value);
            if (c->nallow == CONFIG_MAX_ALLOW) return fail(p, "too many allow lines");
            if (!c->allow && !(c->allow = calloc(CONFIG_MAX_ALLOW, KEY_SIZE))) return 0;
            memcpy(c->allow[c->nallow++], key, KEY_SIZE);
            return 1;
        }
    } else if (strcmp(section, "peers") == 0) {
        unsigned *dst = strcmp(name, "outbound") == 0          ? &c->outbound
                        : strcmp(name, "max_sessions") == 0    ? &c->max_sessions
                        : strcmp(name, "digest_interval") == 0 ? &c->digest_interval
                        : strcmp(name, "beacon_interval") == 0 ? &c->beacon_interval
                        : strcmp(name, "push_eager") == 0      ? &c->push_eager
                                                               : NULL;
        if (dst) {
            unsigned long min = dst == &c->outbound || dst == &c->push_eager ? 0 : 1;
            unsigned long max = dst == &c->digest_interval   ? 300
                                : dst == &c->beacon_interval ? 3600
                                                             : 100000;
            if (parse_count(value, min, max, dst) < 0)
                return fail(p, "%s must be a whole number from %lu up to %lu, not \"%s\"", name,
                            min, max, value);
            return 1;
        }
        if (strcmp(name, "dial_members") == 0) {
            if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
                return fail(p, "dial_members must be yes or no, not \"%s\"", value);
            c->dial_members = strcmp(value, "yes") == 0;
            return 1;
        }
    } else if (strcmp(section, "limits") == 0) {
        size_t *dst = strcmp(name, "max_content") == 0        ? &c->max_content
                      : strcmp(name, "max_api_request") == 0  ? &c->max_api_request
                      : strcmp(name, "max_peer_message") == 0 ? &c->max_peer_message
                                                              : NULL;
        if (dst) {
            if (parse_size(value, 64u * 1024 * 1024, dst) < 0)
                return fail(p, "%s must be a size in bytes (K and M allowed) up to 64M, not \"%s\"",
                            name, value);
            return 1;
        }
        if (strcmp(name, "relay_store") == 0) {
            if (parse_size(value, (size_t)4096 << 20, &c->relay_store) < 0)
                return fail(p, "relay_store must be a size in bytes (K and M allowed), not \"%s\"",
                            value);
            return 1;
        }
        if (strcmp(name, "peer_connections") == 0 || strcmp(name, "connections_per_address") == 0) {
            unsigned *count = name[0] == 'p' ? &c->peer_connections : &c->connections_per_address;
            if (parse_count(value, 0, 1000000, count) < 0)
                return fail(p, "%s must be a whole number from 0 up to 1000000, not \"%s\"", name,
                            value);
            return 1;
        }
        if (strcmp(name, "relay_per_member") == 0) {
            if (parse_count(value, 1, 1000000, &c->relay_per_member) < 0)
                return fail(p,
                            "relay_per_member must be a whole number from 1 up to 1000000, "
                            "not \"%s\"",
                            value);
            return 1;
        }
    } else if (strcmp(section, "metrics") == 0) {
        if (strcmp(name, "listen") == 0) {
            char host[64];
            unsigned port;
            p->metrics_off = strcmp(value, "off") == 0;
            if (p->metrics_off) {
                free(c->metrics_listen);
                c->metrics_listen = NULL;
                return 1;
            }
            if (!config_parse_address(value, host, sizeof host, &port))
                return fail(p,
                            "listen must be IP:PORT like 127.0.0.1:7651 or [::1]:7651, or off; "
                            "not \"%.80s\"",
                            value);
            return set_str(&c->metrics_listen, value);
        }
    } else if (strcmp(section, "notify") == 0) {
        int rc = notify_setting(p, name, value);
        if (rc >= 0) return rc;
    } else if (!*section) {
        return fail(p, "\"%s\" must come after a [section] line", name);
    } else {
        return fail(p, "unknown section [%s]", section);
    }
    return fail(p, "unknown setting \"%s\" in [%s]", name, section);
}

static void defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->log_level = ELOG_INFO;
    c->max_content = DEFAULT_MAX_CONTENT;
    c->max_api_request = DEFAULT_MAX_API;
    c->max_peer_message = DEFAULT_MAX_PEER;
    c->outbound = 8;
    c->push_eager = 3;
    c->max_sessions = 128;
    c->dial_members = 1;
    c->digest_interval = 30;
    c->beacon_interval = 60;
    c->relay_store = DEFAULT_RELAY_STORE;
    c->connections_per_address = DEFAULT_CONNECTIONS_PER_ADDRESS;
    c->relay_per_member = DEFAULT_RELAY_PER_MEMBER;
    c->notify.contact_requests = 1;
    c->notify.timeout = DEFAULT_NOTIFY_TIMEOUT;
    c->notify.max_running = DEFAULT_NOTIFY_MAX_RUNNING;
}

void config_free(struct config *c)
{
    free(c->path);
    free(c->data_dir);
    free(c->name);
    free(c->code);
    free(c->listen);
    free(c->advertise);
    free(c->metrics_listen);
    free(c->allow);
    for (size_t i = 0; i < c->nseeds; i++) free(c->seeds[i]);
    free(c->seeds);
    free(c->notify.command);
    for (size_t i = 0; i < c->notify.ntopics; i++) free(c->notify.topics[i]);
    free(c->notify.topics);
    for (size_t i = 0; i < c->notify.nindicators; i++) free(c->notify.indicators[i]);
    free(c->notify.indicators);
    memset(c, 0, sizeof *c);
}

/* Checks the settings that must be present and consistent. */
static int check(struct config *c, struct errbuf *err)
{
    if (!c->name) return errbuf_set(err, "%s: [node] name is missing", c->path);
    if (!c->code) return errbuf_set(err, "%s: [node] code is missing", c->path);
    if (!c->has_network) return errbuf_set(err, "%s: [network] id is missing", c->path);
    if (!c->listen && !set_str(&c->listen, DEFAULT_LISTEN)) return errbuf_set(err, "out of memory");
    if (c->outbound > c->max_sessions)
        return errbuf_set(err, "%s: outbound must not exceed max_sessions", c->path);
    if (c->max_content + 4096 > c->max_peer_message)
        return errbuf_set(err, "%s: max_peer_message must exceed max_content by at least 4K",
                          c->path);
    if (c->max_content + 4096 > c->max_api_request)
        return errbuf_set(err, "%s: max_api_request must exceed max_content by at least 4K",
                          c->path);
    return 0;
}

int config_load(const char *path, const char *data_dir, struct config *c, struct errbuf *err)
{
    defaults(c);
    struct parse p = {.c = c};
    p.f = fopen(path, "r");
    if (!p.f) return errbuf_set(err, "cannot open configuration %s: %s", path, strerror(errno));
    c->path = strdup(path);
    int rc = ini_parse_stream(read_line, &p, handler, &p);
    fclose(p.f);
    if (rc != 0 || p.long_line) {
        /* inih reports the first line with a syntax error or a refused setting. */
        int line = rc > 0 ? rc : p.long_line;
        if (p.long_line && p.long_line <= line)
            errbuf_set(err, "%s:%d: line too long", path, p.long_line);
        else if (p.error_line == line)
            errbuf_set(err, "%s:%d: %s", path, line, p.error);
        else
            errbuf_set(err, "%s:%d: not a [section] or name = value line", path, line);
        config_free(c);
        return -1;
    }
    if (!c->metrics_listen && !p.metrics_off &&
        !set_str(&c->metrics_listen, DEFAULT_METRICS_LISTEN))
        goto oom;
    if (data_dir && !set_str(&c->data_dir, data_dir)) goto oom;
    if (!c->data_dir) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", path);
        if (!set_str(&c->data_dir, dirname(tmp))) goto oom;
    }
    if (check(c, err) < 0) {
        config_free(c);
        return -1;
    }
    return 0;
oom:
    config_free(c);
    return errbuf_set(err, "out of memory");
}

int config_write_default(const char *path, const char *name, const char *code, const char *listen,
                         const uint8_t network[ID_SIZE], struct errbuf *err)
{
    char id[ID_HEX], text[8192];
    /* inih would read " ;" or " #" as the start of a comment and cut the name there */
    if (strpbrk(name, ";#")) return errbuf_set(err, "the name must not contain ';' or '#'");
    hex_encode(id, network, ID_SIZE);
    int n = snprintf(
        text, sizeof text,
        "# ekonetd configuration. Check it with: ekonetd --check-config --config %s\n"
        "# Lines starting with # or ; are comments.\n"
        "\n"
        "[node]\n"
        "# The member this node speaks for: its name and SCB municipality (4 digits) or\n"
        "# region (2 digits) code, as the board admitted it.\n"
        "name = %s\n"
        "code = %s\n"
        "# Where other members' nodes connect: a ZeroMQ endpoint; tcp://*:PORT listens on all\n"
        "# addresses.\n"
        "listen = %s\n"
        "# The endpoint other members should dial, when it differs from listen (NAT, DNS name).\n"
        "#advertise = tcp://ekonet.example.se:7650\n"
        "# The data directory; by default the directory that holds this file.\n"
        "#data_dir = /var/lib/ekonet\n"
        "# How much to log on stderr: error, warn, info or debug.\n"
        "log_level = info\n"
        "\n"
        "[network]\n"
        "# The network this node belongs to (BLAKE2b-256 of its charter). `ekonet join` sets it.\n"
        "id = %s\n"
        "# Members to dial first, NODE_ID@ENDPOINT, one per line (`ekonet join` sets them).\n"
        "#seed = 64 hex digits@tcp://ekonet.example.se:7650\n"
        "# Before joining a network: node ids allowed to connect; one per line.\n"
        "#allow = 64 hex digits\n"
        "\n"
        "[peers]\n"
        "# How many members' nodes this node dials (it also accepts members that dial it).\n"
        "outbound = 8\n"
        "# At most this many sessions, dialled and accepted together.\n"
        "max_sessions = 128\n"
        "# yes: dial members at the endpoints they advertise; no: dial only the seeds.\n"
        "dial_members = yes\n"
        "# Seconds between the frontier digests sent to each peer (anti-entropy).\n"
        "digest_interval = 30\n"
        "# Seconds between this node's beacons (its signed status, gossiped to every member).\n"
        "beacon_interval = 60\n"
        "# New entries are pushed at once over a few sessions and announced over the rest;\n"
        "# this node keeps at least this many sessions eager (pushed to), for speed.\n"
        "push_eager = 3\n"
        "\n"
        "[limits]\n"
        "# Largest entry content accepted from anyone, in bytes (K and M suffixes allowed).\n"
        "max_content = 256K\n"
        "# Largest request the local API accepts.\n"
        "max_api_request = 1M\n"
        "# Largest message accepted from a peer.\n"
        "max_peer_message = 4M\n"
        "# Room for other members' sealed contact requests held until their recipient is back.\n"
        "relay_store = 64M\n"
        "# At most this many of them from any one member.\n"
        "relay_per_member = 1000\n"
        "# Connections held on the peer port at once (0: as many as the file limit allows),\n"
        "# and from any one address (0: no such limit). A node behind the same address as\n"
        "# many members (a shared NAT) may need more than 64.\n"
        "peer_connections = 0\n"
        "connections_per_address = 64\n"
        "\n"
        "[metrics]\n"
        "# Where Prometheus scrapes /metrics and /healthz (plain HTTP): IP:PORT, or off.\n"
        "# Keep it on loopback or a management network; it shows the node's figures to anyone\n"
        "# who can reach it.\n"
        "listen = " DEFAULT_METRICS_LISTEN "\n",
        path, name, code, listen, id);
    if (n < 0 || (size_t)n >= sizeof text) return errbuf_set(err, "configuration too long");
    return file_write_new(path, text, (size_t)n, 0640, err);
}

int config_parse_seed(const char *s, uint8_t key[KEY_SIZE], const char **endpoint)
{
    char hex[2 * KEY_SIZE + 1];
    const char *at = strchr(s, '@');
    uint8_t curve[KEY_SIZE];
    if (!at || at - s != 2 * KEY_SIZE) return 0;
    memcpy(hex, s, 2 * KEY_SIZE);
    hex[2 * KEY_SIZE] = '\0';
    if (hex_decode(key, KEY_SIZE, hex) < 0 || key_pub_to_curve(curve, key) < 0) return 0;
    if (strncmp(at + 1, "tcp://", 6) != 0 || !valid_endpoint(at + 1)) return 0;
    *endpoint = at + 1;
    return 1;
}

/* Appends line (and a newline) to the buffer; -1 when it is full. */
static int put_line(char *buf, size_t size, size_t *len, const char *line)
{
    int n = snprintf(buf + *len, size - *len, "%s\n", line);
    if (n < 0 || (size_t)n >= size - *len) return -1;
    *len += (size_t)n;
    return 0;
}

int config_set_network(const char *path, const uint8_t network[ID_SIZE], char *const *seeds,
                       size_t nseeds, struct errbuf *err)
{
    char *text, id[ID_HEX], line[512];
    if (file_read_all(path, 256 * 1024, &text, NULL, err) < 0) return -1;
    size_t size = strlen(text) + 1024 + nseeds * 200, len = 0;
    char *out = malloc(size);
    if (!out) {
        free(text);
        return errbuf_set(err, "out of memory");
    }
    hex_encode(id, network, ID_SIZE);
    int in_network = 0, wrote = 0, rc = 0;
    for (char *p = text; *p && rc == 0;) {
        char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)(l < sizeof line - 1 ? l : sizeof line - 1), p);
        p += l + (nl ? 1 : 0);
        const char *t = line + strspn(line, " \t");
        if (*t == '[') in_network = strncmp(t, "[network]", 9) == 0;
        if (in_network &&
            (strncmp(t, "id", 2) == 0 && strchr(t, '=') && strspn(t + 2, " \t=") > 0)) {
            /* the one id line, followed by the seeds */
            snprintf(line, sizeof line, "id = %s", id);
            rc = put_line(out, size, &len, line);
            for (size_t i = 0; i < nseeds && rc == 0; i++) {
                snprintf(line, sizeof line, "seed = %s", seeds[i]);
                rc = put_line(out, size, &len, line);
            }
            wrote = 1;
            continue;
        }
        if (in_network && strncmp(t, "seed", 4) == 0 && strchr(t, '=')) continue;
        rc = put_line(out, size, &len, line);
    }
    free(text);
    if (rc < 0)
        errbuf_set(err, "%s is too large to rewrite", path);
    else if (!wrote)
        rc = errbuf_set(err, "%s has no [network] id line to set", path);
    if (rc == 0) rc = file_write_atomic(path, out, len, 0640, err);
    free(out);
    return rc;
}
