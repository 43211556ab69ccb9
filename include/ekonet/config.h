/*
 * config: ekonetd's INI file (inih), read by the daemon and written by `ekonet init`. It is parsed
 * into a fresh struct and used only when it is valid as a whole; every problem is reported as
 * file:line and one sentence.
 *
 *   [node]     name, code, data_dir, listen, advertise, log_level
 *   [network]  id, allow (repeatable: node ids admitted until the roster exists)
 *   [limits]   max_content, max_api_request, max_peer_message
 */
#ifndef EKONET_CONFIG_H
#define EKONET_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/errbuf.h"
#include "ekonet/key.h"
#include "ekonet/log.h"

#define CONFIG_FILE         "ekonetd.conf"
#define CONFIG_MAX_ALLOW    512
#define DEFAULT_LISTEN      "tcp://*:7650"
#define DEFAULT_MAX_CONTENT (256 * 1024)
#define DEFAULT_MAX_API     (1024 * 1024)
#define DEFAULT_MAX_PEER    (4 * 1024 * 1024)

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

#endif
