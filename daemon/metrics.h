/*
 * metrics: the Prometheus endpoint (DESIGN section 8), served by libmicrohttpd on a thread of
 * its own at [metrics] listen (default 127.0.0.1:7651):
 *
 *   /metrics   200, text/plain; version=0.0.4: the node's figures, at most 1.5 s old
 *   /healthz   200 "ok" when the node's loop ran within the last 10 seconds, else 503 and
 *              one line saying why
 *   anything   404 (405 for a method other than GET or HEAD)
 *
 * The reactor owns every socket and the store, so the HTTP thread never looks at the node. A
 * scrape that finds the latest rendering older than METRICS_FRESH_MS asks the reactor for a
 * new one (a byte on a pipe in the reactor's poll set) and waits for it (at most
 * METRICS_WAIT_MS); the reactor renders the whole exposition into a new buffer and swaps it in
 * under a mutex, and the HTTP thread serves a copy. So the node renders once per scrape, and
 * an unwatched node does no work for its metrics. The reactor's tick (once a second) tells
 * the HTTP thread it is alive, for /healthz.
 *
 * To add a family, add its metric_family and metric_value lines to render() in metrics.c.
 */
#ifndef EKONETD_METRICS_H
#define EKONETD_METRICS_H

#include "ekonet/errbuf.h"

struct node;
struct metrics;

#define METRICS_STALE_MS 10000 /* /healthz fails when the loop ticked longer ago */
#define METRICS_FRESH_MS 1500  /* a rendering this old is served as it is */
#define METRICS_WAIT_MS  2000  /* the longest a scrape waits for a rendering */
/* HTTP connections held at once (idle ones are closed after METRICS_IDLE_S), and the memory
   each may take for its request: hundreds of idle or slow local clients leave room for the
   watchdog's /healthz. */
#define METRICS_CONNECTIONS 1024
#define METRICS_IDLE_S      5
#define METRICS_CONN_MEMORY 8192

/* Binds n->cfg->metrics_listen and starts serving (n->metrics; stays NULL when the setting is
   off). 0, or -1 with err when the address cannot be bound. */
int metrics_start(struct node *n, struct errbuf *err);

/* The loop is alive (for /healthz); called once per tick. */
void metrics_tick(struct node *n);

/* A descriptor that becomes readable when a scrape wants a rendering (-1 when metrics are off);
   then the loop calls metrics_render, which renders the node's figures for the HTTP thread. */
int metrics_fd(const struct node *n);
void metrics_render(struct node *n);

/* Stops the HTTP thread and frees everything; n->metrics is NULL afterwards. */
void metrics_stop(struct node *n);

#endif
