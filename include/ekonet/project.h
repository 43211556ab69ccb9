/*
 * project: the query tables (reports, later indicators, members, profiles, ...) are
 * projections of the entries. Each kind's module applies an accepted entry to its tables
 * inside the same transaction that stores it. When PROJECT_VERSION changes, or on
 * `ekonetd --reindex`, all projection tables are dropped and rebuilt from the entries in
 * arrival order.
 */
#ifndef EKONET_PROJECT_H
#define EKONET_PROJECT_H

#include <stdint.h>

#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

#define PROJECT_VERSION 9

struct store;

/* Creates the projection tables; rebuilds them if they were made by another version. */
int project_setup(struct store *s, struct errbuf *err);

/* Applies an accepted entry (arrival number n) to the projections. 0 or -1. */
int project_entry(struct store *s, const struct entry *e, int64_t n);

/* Drops and rebuilds every projection from the entries, in one transaction. *count gets the
   number of entries replayed. 0 or -1. */
int project_rebuild(struct store *s, uint64_t *count, struct errbuf *err);

#endif
