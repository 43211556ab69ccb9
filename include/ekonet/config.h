/*
 * config: ekonetd's INI file (inih), read by the daemon and written by `ekonet init`. It is parsed
 * into a fresh struct and used only when it is valid as a whole; every problem is reported as
 * file:line and one sentence.
 *
 *   [node]     name, code, data_dir, listen, advertise, log_level
 *   [network]  id, seed (repeatable: NODE_ID@ENDPOINT to dial first),
 *              allow (repeatable: node ids admitted by a node that has not joined a network)
 *   [peers]    outbound, max_sessions, dial_members, digest_interval, beacon_interval,
 *              push_eager
 *   [limits]   max_content, max_api_request, max_peer_message, relay_store, relay_per_member,
 *              peer_connections, connections_per_address
 *   [metrics]  listen (IP:PORT of the Prometheus endpoint, or off)
 *   [notify]   command, topics, indicators (comma lists, repeatable; "*": every report),
 *              contact_requests, timeout, max_running
 */
#ifndef EKONET_CONFIG_H
#define EKONET_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/errbuf.h"
#include "ekonet/key.h"
#include "ekonet/log.h"

#define CONFIG_FILE                     "ekonetd.conf"
#define CONFIG_MAX_ALLOW                512
#define CONFIG_MAX_SEEDS                64
#define DEFAULT_LISTEN                  "tcp://*:7650"
#define DEFAULT_MAX_CONTENT             (256 * 1024)
#define DEFAULT_MAX_API                 (1024 * 1024)
#define DEFAULT_MAX_PEER                (4 * 1024 * 1024)
#define DEFAULT_RELAY_STORE             (64 * 1024 * 1024)
#define DEFAULT_RELAY_PER_MEMBER        1000
#define DEFAULT_CONNECTIONS_PER_ADDRESS 64
#define DEFAULT_METRICS_LISTEN          "127.0.0.1:7651"
#define CONFIG_MAX_NOTIFY_LABELS        256  /* topics and indicators in [notify], each */
#define CONFIG_NOTIFY_LABEL_MAX         120  /* bytes of one topic or indicator code */
#define CONFIG_NOTIFY_COMMAND_MAX       1000 /* bytes of the notify command line */
#define DEFAULT_NOTIFY_TIMEOUT          30   /* seconds before a notify command is killed */
#define DEFAULT_NOTIFY_MAX_RUNNING      4    /* notify commands running at once */

struct config {
    char *path;     /* the file read */
    char *data_dir; /* absolute or as given */
    char *name;
    char *code;
    char *listen;
    char *advertise; /* may be NULL */
    enum elog_level log_level;
    uint8_t network[ID_SIZE];
    int has_network;
    size_t max_content;
    size_t max_api_request;
    size_t max_peer_message;
    uint8_t (*allow)[KEY_SIZE]; /* node ids allowed to connect */
    size_t nallow;
    char **seeds; /* "NODE_ID@ENDPOINT" */
    size_t nseeds;
    unsigned outbound;         /* sessions this node dials (default 8) */
    unsigned max_sessions;     /* inbound and outbound together (default 128) */
    int dial_members;          /* dial members' advertised endpoints, not only seeds */
    unsigned digest_interval;  /* seconds between frontier digests to each peer (default 30) */
    unsigned beacon_interval;  /* seconds between this node's beacons (default 60) */
    unsigned push_eager;       /* sessions kept eager at least, when pruning (default 4) */
    size_t relay_store;        /* bytes of other members' envelopes held (default 64M) */
    unsigned relay_per_member; /* envelopes held from one sender (default 1000) */
    unsigned peer_connections; /* connections held on the peer port; 0: from the file limit */
    unsigned connections_per_address; /* on the peer port, from one address (default 64) */
    char *metrics_listen;             /* IP:PORT serving /metrics and /healthz; NULL when off */
    struct config_notify {
        char *command; /* run with /bin/sh -c; NULL: no notifications */
        char **topics; /* reports on any of these topics ("*": every report) */
        size_t ntopics;
        char **indicators; /* or on any of these indicator codes */
        size_t nindicators;
        int contact_requests; /* contact requests to this node too (default yes) */
        unsigned timeout;     /* seconds before a command still running is killed */
        unsigned max_running; /* commands at once; events beyond are dropped and counted */
    } notify;
};

/*
 * Reads path into *c. data_dir (may be NULL) overrides the file's data_dir; when neither is
 * given the file's directory is used. On error err holds "path:line: problem".
 */
int config_load(const char *path, const char *data_dir, struct config *c, struct errbuf *err);

/* Frees what config_load allocated. */
void config_free(struct config *c);

/* Writes the commented default configuration for a new node to path. */
int config_write_default(const char *path, const char *name, const char *code, const char *listen,
                         const uint8_t network[ID_SIZE], struct errbuf *err);

/* True if s is IP:PORT (an IPv6 address in brackets); host gets the IP without brackets. */
int config_parse_address(const char *s, char *host, size_t size, unsigned *port);

/* True if s is "<64 hex digits>@tcp://host:port"; fills key and points *endpoint into s. */
int config_parse_seed(const char *s, uint8_t key[KEY_SIZE], const char **endpoint);

/*
 * Rewrites the [network] section of the configuration at path: id = network, and the given
 * seeds in place of any there were. Comments and other settings stay as they are.
 */
int config_set_network(const char *path, const uint8_t network[ID_SIZE], char *const *seeds,
                       size_t nseeds, struct errbuf *err);

#endif
