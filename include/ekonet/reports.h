/*
 * reports: the knowledge bank's projection of REPORT entries, and its queries.
 * An edit is a new report whose `supersedes` names an earlier report of the same author;
 * lists show only the newest version, which counts how many versions there are.
 */
#ifndef EKONET_REPORTS_H
#define EKONET_REPORTS_H

#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/entry.h"

struct store;

#define REPORTS_SCHEMA                                                                             \
    "CREATE TABLE IF NOT EXISTS reports("                                                          \
    "  n INTEGER PRIMARY KEY,"                                                                     \
    "  id BLOB NOT NULL UNIQUE,"                                                                   \
    "  author BLOB NOT NULL,"                                                                      \
    "  seq INTEGER NOT NULL,"                                                                      \
    "  ts INTEGER NOT NULL,"                                                                       \
    "  kind INTEGER NOT NULL,"                                                                     \
    "  title TEXT NOT NULL,"                                                                       \
    "  summary TEXT NOT NULL DEFAULT '',"                                                          \
    "  topics TEXT NOT NULL DEFAULT '',"                                                           \
    "  supersedes BLOB,"                                                                           \
    "  superseded_by BLOB,"                                                                        \
    "  versions INTEGER NOT NULL DEFAULT 1);"                                                      \
    "CREATE INDEX IF NOT EXISTS reports_ts ON reports(ts);"                                        \
    "CREATE INDEX IF NOT EXISTS reports_author ON reports(author, ts);"
#define REPORTS_DROP "DROP TABLE IF EXISTS reports;"

struct report_row {
    uint8_t id[ID_SIZE];
    uint8_t author[KEY_SIZE];
    uint64_t seq;
    uint64_t timestamp_ms;
    int kind;
    const char *title; /* borrowed for the duration of the callback */
    const char *summary;
    const char *topics; /* topics separated by '\n' */
    uint32_t versions;
};

struct report_filter {
    const uint8_t *author; /* NULL: every member */
    uint32_t limit;
};

/* Applies a REPORT entry to the projection. 0 or -1. */
int reports_project(struct store *s, const struct entry *e, int64_t n);

/* Calls fn for the newest version of each matching report, newest first; *total = matches. */
int reports_list(struct store *s, const struct report_filter *f,
                 void (*fn)(void *ctx, const struct report_row *r), void *ctx, uint64_t *total);

/*
 * Loads one report by id: 1 found (fn called with its row, *report set; caller frees it with
 * ekonet__report__free_unpacked), 0 not a report, -1 error.
 */
int reports_get(struct store *s, const uint8_t id[ID_SIZE],
                void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                Ekonet__Report **report, uint64_t *entry_size);

#endif
