/*
 * reports: the knowledge bank's projection of REPORT entries, and its queries.
 *
 *   reports            one row per report version; lists show the newest (superseded_by NULL),
 *                      `origin` is the id of the first version: the report's stable id,
 *                      newest first by `listed`: the author's date, but never later than when
 *                      this node stored the entry (entries.received), so that no author's clock
 *                      can keep a report above those that came after it. Date filters compare
 *                      `listed` too, which its index then serves along with the order; `ts`
 *                      is the date shown
 *   report_topics      topic -> report, report_indicators  code -> report (filters)
 *   reports_fts        FTS5 over title, summary, body, topics (external content = reports),
 *                      tokenizer unicode61 with remove_diacritics 2: "malmo" finds "Malmö";
 *                      it indexes only what lists show (the newest version, not retracted),
 *                      so that a search needs no join to rank and cut the best matches
 *
 * An edit is a new report whose `supersedes` names an earlier report of the same author; a
 * retraction hides a report and all its versions; a redaction removes a report's rows (and,
 * in redact.c, its content bytes).
 */
#ifndef EKONET_REPORTS_H
#define EKONET_REPORTS_H

#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/entry.h"
#include "ekonet/errbuf.h"

struct store;

/* FTS5 keeps the words of a transaction in memory up to this many bytes, and then writes
   them as a new segment, which it merges with others later: fewer, larger segments take less
   merging. (Its default is 1 MB; a first sync stores some 2,000 reports per commit.) */
#define REPORTS_FTS_HASH "8388608"

#define REPORTS_SCHEMA                                                                             \
    "CREATE TABLE IF NOT EXISTS reports("                                                          \
    "  n INTEGER PRIMARY KEY,"                                                                     \
    "  id BLOB NOT NULL," /* the entry's: found through entries(id), n is the entry's n */         \
    "  author BLOB NOT NULL,"                                                                      \
    "  seq INTEGER NOT NULL,"                                                                      \
    "  ts INTEGER NOT NULL,"                                                                       \
    "  listed INTEGER NOT NULL," /* min(ts, entries.received): the order of lists */               \
    "  kind INTEGER NOT NULL,"                                                                     \
    "  title TEXT NOT NULL,"                                                                       \
    "  summary TEXT NOT NULL DEFAULT '',"                                                          \
    "  body TEXT NOT NULL DEFAULT '',"                                                             \
    "  topics TEXT NOT NULL DEFAULT '',"                                                           \
    "  supersedes BLOB,"                                                                           \
    "  superseded_by BLOB,"                                                                        \
    "  versions INTEGER NOT NULL DEFAULT 1,"                                                       \
    "  origin BLOB," /* the first version's id: the report's stable id */                          \
    "  retracted INTEGER NOT NULL DEFAULT 0);"                                                     \
    "CREATE INDEX IF NOT EXISTS reports_listed ON reports(listed);"                                \
    "CREATE INDEX IF NOT EXISTS reports_author ON reports(author, listed);"                        \
    "CREATE TABLE IF NOT EXISTS report_topics(topic TEXT NOT NULL COLLATE NOCASE,"                 \
    "  n INTEGER NOT NULL, PRIMARY KEY(topic, n)) WITHOUT ROWID;"                                  \
    "CREATE TABLE IF NOT EXISTS report_indicators(code TEXT NOT NULL, n INTEGER NOT NULL,"         \
    "  PRIMARY KEY(code, n)) WITHOUT ROWID;"                                                       \
    "CREATE VIRTUAL TABLE IF NOT EXISTS reports_fts USING fts5(title, summary, body, topics,"      \
    "  content='reports', content_rowid='n', tokenize='unicode61 remove_diacritics 2');"           \
    "INSERT INTO reports_fts(reports_fts, rank) VALUES('rank', 'bm25(10.0, 5.0, 1.0, 3.0)');"      \
    "INSERT INTO reports_fts(reports_fts, rank) VALUES('hashsize', " REPORTS_FTS_HASH ");"
#define REPORTS_DROP                                                                               \
    "DROP TABLE IF EXISTS reports_fts; DROP TABLE IF EXISTS report_topics;"                        \
    "DROP TABLE IF EXISTS report_indicators; DROP TABLE IF EXISTS reports;"

/* A search ranks at most the newest SEARCH_WINDOW matches and counts up to SEARCH_COUNT_CAP. */
#define SEARCH_WINDOW    500
#define SEARCH_COUNT_CAP 5000

/* reports_on_indicator reads at most this many reports of one side (see there). */
#define REPORTS_SCAN_MAX 1000

/* Snippets mark the matched words with these bytes. */
#define SNIPPET_OPEN  "\x02"
#define SNIPPET_CLOSE "\x03"

struct report_row {
    uint8_t id[ID_SIZE];
    uint8_t author[KEY_SIZE];
    uint64_t seq;
    uint64_t timestamp_ms;
    int kind;
    const char *title; /* borrowed for the duration of the callback */
    const char *summary;
    const char *topics;  /* topics separated by '\n' */
    const char *snippet; /* search only: text around the matches, else NULL */
    double rank;         /* search only: lower is better (bm25) */
    uint32_t versions;
    uint8_t origin[ID_SIZE]; /* the stable id (the first version's); all zero if not read */
};

struct report_filter {
    const char *query;     /* full-text search, NULL: list newest first */
    const uint8_t *author; /* NULL: every member; else the member of this key, all its keys */
    const char *topic;
    const char *indicator;
    uint64_t since_ms, until_ms; /* 0: open; compared with the time lists order by */
    int kind;                    /* 0: both kinds */
    uint32_t limit, offset;
};

/* Applies a REPORT entry to the projection. 0 or -1. */
int reports_project(struct store *s, const struct entry *e, int64_t n);

/* Hides the report with id target (if it is author's) and all its versions. 0 or -1. */
int reports_retract(struct store *s, const uint8_t author[KEY_SIZE], const uint8_t target[ID_SIZE]);

/* Removes every trace of report id from the projection (a redaction). 0 or -1. */
int reports_forget(struct store *s, const uint8_t id[ID_SIZE]);

/*
 * Turns what a user typed into an FTS5 query: every word must match; a word ending in '*'
 * matches every word it begins (solcell* finds solceller); quotes and operators are taken as
 * text. Returns a new string, or NULL if no word is left.
 */
char *reports_fts_query(const char *text);

/*
 * Calls fn for the newest version of each matching report: by rank when searching, newest
 * first otherwise; *total = number of matches. 0, or -1 (err says why, e.g. a bad query).
 */
int reports_query(struct store *s, const struct report_filter *f,
                  void (*fn)(void *ctx, const struct report_row *r), void *ctx, uint64_t *total,
                  struct errbuf *err);

/* The report with this id: 1 found, 2 retracted, 0 not a report (or redacted), -1 error. */
int reports_get(struct store *s, const uint8_t id[ID_SIZE],
                void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                Ekonet__Report **report, uint64_t *entry_size);

/*
 * Calls fn (id, author, title and timestamp_ms filled) for the newest version of each of
 * author's reports that names the indicator code, newest first, at most max of them; *total
 * counts them all, or (when the network has more than REPORTS_SCAN_MAX reports on the
 * indicator) those among the author's newest REPORTS_SCAN_MAX reports. 0 or -1.
 */
int reports_on_indicator(struct store *s, const uint8_t author[KEY_SIZE], const char *code,
                         size_t max, void (*fn)(void *ctx, const struct report_row *r), void *ctx,
                         uint64_t *total);

/*
 * The version of the report that id is a version of: its version number `version` (1 is the
 * first), or the newest when version is 0. 1 with *found (its id) and *count (versions the
 * report has), 0 if id is not a report or has no such version, -1 on a store error.
 */
int reports_version(struct store *s, const uint8_t id[ID_SIZE], uint32_t version,
                    uint8_t found[ID_SIZE], uint32_t *count);

/* The newest version of the report id and its author: 1, 0 if unknown, -1. */
int reports_newest(struct store *s, const uint8_t id[ID_SIZE], uint8_t newest[ID_SIZE],
                   uint8_t author[KEY_SIZE], int *retracted);

#endif
