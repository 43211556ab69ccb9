/*
 * watch: the node's live event stream, for `ekonet watch` and any other local tool: a ZeroMQ
 * PUB socket at ipc://<data_dir>/events.sock that sends one WatchEvent (proto/api.proto) per
 * frame. Nobody listening costs nothing; a slow listener loses events, never slows the node.
 */
#ifndef EKONETD_WATCH_H
#define EKONETD_WATCH_H

#include <stdint.h>

#include "ekonet/errbuf.h"
#include "content.pb-c.h"
#include "ekonet/key.h"

struct node;

/* Opens the event socket. 0 or -1 with err. */
int watch_open(struct node *n, struct errbuf *err);

/* Closes it and removes the socket file. */
void watch_close(struct node *n);

/* Publishes an event of kind about member (may be NULL) and id (may be NULL), that came
   through peer (a node id; may be NULL), with count and reason (may be NULL); text is one line
   for people. */
void watch_event_via(struct node *n, const char *kind, const uint8_t *member, const uint8_t *id,
                     uint64_t count, const uint8_t *peer, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* The same, for an event that names no peer. */
#define watch_event(n, kind, member, id, count, reason, ...)                                       \
    watch_event_via(n, kind, member, id, count, NULL, reason, __VA_ARGS__)

struct entry;
struct envelope;

/* A report entry accepted here (published here or brought by a peer): a "report" event with
   its title, topics and indicators; another member's also goes to the notify command. Any
   other entry: nothing. */
void watch_report(struct node *n, const struct entry *e);

/* A contact request opened here (this node is its recipient): a "contact_request" event
   saying who asks whom and about what, and the notify command. */
void watch_contact_request(struct node *n, const struct envelope *e,
                           const Ekonet__ContactRequest *r);

#endif
