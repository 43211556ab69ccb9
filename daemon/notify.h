/*
 * notify: runs the operator's command ([notify] in ekonetd.conf) for each new report of another
 * member on a topic or indicator it names, and for each contact request that arrives at this
 * node, with the event as one JSON object on the command's standard input, so that a
 * municipality can send mail through its own mail system. The command never holds up the node:
 * it is started with posix_spawn in its own process group, its input is written without
 * blocking from the node's loop, it is killed after the timeout, and at most max_running run at
 * once (events beyond are dropped, logged and counted).
 */
#ifndef EKONETD_NOTIFY_H
#define EKONETD_NOTIFY_H

#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/config.h"

struct node;
struct entry;
struct envelope;

/* How often the loop looks at running commands (writes their input, reaps them, kills the
   late ones): a command finishes at most this long before the node notices. */
#define NOTIFY_POLL_MS 50
/* An event larger than this (a contact request's message is at most a few kilobytes) is
   dropped and counted, not sent. */
#define NOTIFY_EVENT_MAX (256 * 1024)

struct notify_stats {
    uint64_t started;   /* commands started */
    uint64_t succeeded; /* exited with status 0 */
    uint64_t failed;    /* could not be started, exited with another status or by a signal */
    uint64_t timed_out; /* killed after the timeout */
    uint64_t dropped;   /* events not sent: max_running commands were running, or too large */
    unsigned running;   /* commands running now */
};

struct notify;

/* The runner for cfg (borrowed; it must outlive the runner); NULL when out of memory. */
struct notify *notify_new(const struct config_notify *cfg);

/* Stops the commands still running (SIGTERM to their process groups), frees *p, sets it NULL. */
void notify_destroy(struct notify **p);

/* Another member's report entry e with content r: the command runs when r matches. */
void notify_report(struct node *n, const struct entry *e, const Ekonet__Report *r);

/* A contact request e (opened: r) to this node: the command runs when contact_requests is on. */
void notify_contact(struct node *n, const struct envelope *e, const Ekonet__ContactRequest *r);

/* Writes pending input, reaps finished commands and kills late ones; the milliseconds until it
   wants to run again, or -1 when nothing runs. */
int notify_step(struct notify *self);

/* The counters, for metrics. */
const struct notify_stats *notify_stats(const struct notify *self);

#endif
