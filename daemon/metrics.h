/*
 * metrics: the Prometheus endpoint (DESIGN section 8), served by libmicrohttpd on a thread of
 * its own at [metrics] listen (default 127.0.0.1:7651):
 *
 *   /metrics   200, text/plain; version=0.0.4: the node's figures as last rendered
 *   /healthz   200 "ok" when the node's loop rendered them within the last 10 seconds,
 *              else 503 and one line saying why
 *   anything   404 (405 for a method other than GET or HEAD)
 *
 * The reactor owns every socket and the store, so the HTTP thread never looks at the node: once
 * per tick (at most once a second) the reactor renders the whole exposition into a new buffer
 * and swaps it in under a mutex; the HTTP thread serves a copy of the latest one. A scrape
 * therefore sees figures at most a second old and never waits for the node's loop.
 *
 * To add a family, add its metric_family and metric_value lines to render() in metrics.c.
 */
#ifndef EKONETD_METRICS_H
#define EKONETD_METRICS_H

#include "ekonet/errbuf.h"

struct node;
struct metrics;

#define METRICS_STALE_MS 10000 /* /healthz fails when the loop rendered longer ago */

/* Binds n->cfg->metrics_listen and starts serving (n->metrics; stays NULL when the setting is
   off). 0, or -1 with err when the address cannot be bound. */
int metrics_start(struct node *n, struct errbuf *err);

/* Renders the node's figures and publishes them to the HTTP thread (the node's loop only). */
void metrics_tick(struct node *n);

/* Stops the HTTP thread and frees everything; n->metrics is NULL afterwards. */
void metrics_stop(struct node *n);

#endif
