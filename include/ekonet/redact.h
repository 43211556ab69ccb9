/*
 * redact: redactions erase an entry's content on every node, while its header keeps the feed
 * verifiable. The redactions table (a projection of REDACT entries) lists the ids erased; an
 * entry whose id is listed is stored without its content even when it arrives later.
 * Deleted bytes are overwritten (PRAGMA secure_delete) and the WAL is truncated after a
 * redaction, so that the content is gone from the database files, not only from its tables.
 */
#ifndef EKONET_REDACT_H
#define EKONET_REDACT_H

#include <stdint.h>

#include "ekonet/entry.h"

struct store;

#define REDACT_SCHEMA                                                                              \
    "CREATE TABLE IF NOT EXISTS redactions(target BLOB PRIMARY KEY, redactor BLOB NOT NULL,"       \
    " reason TEXT NOT NULL, ts INTEGER NOT NULL, entry BLOB NOT NULL) WITHOUT ROWID;"
#define REDACT_DROP "DROP TABLE IF EXISTS redactions;"

/* Applies a REDACT entry: records it, erases the target's content and its projections. */
int redact_project(struct store *s, const struct entry *e, int64_t n);

/* Applies a RETRACT entry: hides the author's report or event and all its versions. */
int retract_project(struct store *s, const struct entry *e, int64_t n);

/*
 * After redactions were committed: rewrites the full-text index without the erased words and
 * truncates the WAL, so that no copy of the content is left in the files. Slow on a large
 * index (it rewrites it); redactions are rare. 0 or -1.
 */
int redact_purge(struct store *s);

/* 1 if the entry with this id is redacted, 0 if not, -1 on error. */
int redact_listed(struct store *s, const uint8_t id[ID_SIZE]);

#endif
