/*
 * events: the projection of EVENT entries (conferences, seminars, webinars, study visits,
 * annual meetings) and its queries. A change or a cancellation is a new EVENT superseding the
 * earlier one; lists show the newest version.
 */
#ifndef EKONET_EVENTS_H
#define EKONET_EVENTS_H

#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/entry.h"

struct store;

#define EVENTS_SCHEMA                                                                              \
    "CREATE TABLE IF NOT EXISTS events(n INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE,"            \
    " author BLOB NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, kind INTEGER NOT NULL,"     \
    " title TEXT NOT NULL, starts INTEGER NOT NULL, ends INTEGER, location TEXT NOT NULL DEFAULT " \
    "'',"                                                                                          \
    " topics TEXT NOT NULL DEFAULT '', supersedes BLOB, superseded_by BLOB,"                       \
    " versions INTEGER NOT NULL DEFAULT 1, cancelled INTEGER NOT NULL DEFAULT 0,"                  \
    " retracted INTEGER NOT NULL DEFAULT 0);"                                                      \
    "CREATE INDEX IF NOT EXISTS events_starts ON events(starts);"
#define EVENTS_DROP "DROP TABLE IF EXISTS events;"

struct event_row {
    uint8_t id[ID_SIZE];
    uint8_t author[KEY_SIZE];
    uint64_t seq, timestamp_ms;
    int kind;
    const char *title, *location, *topics; /* borrowed for the duration of the callback */
    uint64_t starts_ms, ends_ms;           /* ends 0: not given */
    uint32_t versions;
    int cancelled;
};

struct event_filter {
    int past; /* 0: upcoming (not ended by now_ms), soonest first; 1: past, latest first */
    uint64_t now_ms;
    const uint8_t *author; /* NULL: every member; else the member of this key, all its keys */
    int kind;              /* 0: every kind */
    uint32_t limit;
};

/* Applies an EVENT entry. 0 or -1. */
int events_project(struct store *s, const struct entry *e, int64_t n);

/* Hides the event target (if it is author's) and all its versions. 0 or -1. */
int events_retract(struct store *s, const uint8_t author[KEY_SIZE], const uint8_t target[ID_SIZE]);

/* Removes event id from the projection (a redaction). 0 or -1. */
int events_forget(struct store *s, const uint8_t id[ID_SIZE]);

/* Calls fn for the newest version of each matching event; *total = matches. 0 or -1. */
int events_list(struct store *s, const struct event_filter *f,
                void (*fn)(void *ctx, const struct event_row *r), void *ctx, uint64_t *total);

/* The event with this id: 1 found (*ev set, free with ekonet__event__free_unpacked), 2 retracted,
   0 not an event, -1 error. */
int events_get(struct store *s, const uint8_t id[ID_SIZE],
               void (*fn)(void *ctx, const struct event_row *r), void *ctx, Ekonet__Event **ev);

/* The newest version of event id, its author, and whether it was retracted: 1, 0, -1. */
int events_newest(struct store *s, const uint8_t id[ID_SIZE], uint8_t newest[ID_SIZE],
                  uint8_t author[KEY_SIZE], int *retracted);

#endif
