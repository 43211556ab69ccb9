/*
 * log: one logfmt line per event on stderr, e.g.
 *   ts=2026-11-26T14:30:01.123Z level=info msg="peer refused" addr=10.0.0.7 key=3fa1...
 * Values that come from outside (names, addresses, reasons) go through elog_quote(). Keys,
 * message bodies and contact details are never logged.
 */
#ifndef EKONET_LOG_H
#define EKONET_LOG_H

#include <stddef.h>

enum elog_level { ELOG_ERROR = 0, ELOG_WARN, ELOG_INFO, ELOG_DEBUG };

/* Sets the most detailed level that is written (default info). */
void elog_set_level(enum elog_level level);

/* Parses "error", "warn", "info" or "debug"; 0 or -1. */
int elog_parse_level(const char *s, enum elog_level *out);

/* True if a line at this level would be written. */
int elog_enabled(enum elog_level level);

/* Writes one line: ts, level, msg, then the formatted key=value pairs (fmt may be NULL). */
void elog(enum elog_level level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns s as a logfmt value in buf: bare when it is safe, else quoted and escaped. */
const char *elog_quote(char *buf, size_t size, const char *s);

#endif
