/*
 * content: what each entry kind carries, and the checks every node applies to it before an
 * entry is accepted, wherever it was published. Limits are part of the protocol
 * (docs/PROTOCOL.md): a node refuses content outside them with ENTRY_CONTENT_INVALID.
 */
#ifndef EKONET_CONTENT_H
#define EKONET_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/errbuf.h"

/* A report's text limits are counted in characters (code points), so that Swedish letters count
   as one; the entry's whole content is bounded in bytes too (max_content, ekonetd.conf). */
#define REPORT_MAX_TITLE       300 /* characters */
#define REPORT_MAX_SUMMARY     4000
#define REPORT_MAX_BODY        200000
#define REPORT_MAX_BODY_BYTES  (4 * REPORT_MAX_BODY) /* a character takes at most 4 bytes */
#define REPORT_MAX_TOPICS      20
#define REPORT_MAX_TOPIC       80
#define REPORT_MAX_INDICATORS  30
#define REPORT_MAX_ATTACHMENTS 40
#define URL_MAX                2048
#define PROFILE_MAX_NAME       120
#define PROFILE_MAX_ENDPOINTS  8
#define PROFILE_MAX_ENDPOINT   150 /* bytes of one endpoint */
#define SNAPSHOT_MAX_VALUES    200 /* values of one year's snapshot (none: the year withdrawn) */

/* Name of an entry kind ("report") or "unknown". */
const char *entry_kind_str(uint32_t kind);

/* True if kind is one this node knows. */
int entry_kind_known(uint32_t kind);

/*
 * Checks content bytes for kind: they decode and every field is within the protocol's limits.
 * Returns ENTRY_OK, ENTRY_UNKNOWN_KIND or ENTRY_CONTENT_INVALID (why says which field).
 */
int content_check(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why);

/* content_check for content this node is about to sign: stricter where the protocol tightened
   a rule that nodes before it did not keep (a report's blank title or topic), so that what was
   published then still replicates. */
int content_check_publish(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why);

/* Checks a report's fields as for publishing; 0 or -1 with a sentence naming the field (and,
   for a character that is not allowed, its line and column). */
int report_validate(const Ekonet__Report *r, struct errbuf *err);

/* Checks an event's, a retraction's and a redaction's fields; 0 or -1 naming the field. */
int event_validate(const Ekonet__Event *e, struct errbuf *err);
int snapshot_validate(const Ekonet__Snapshot *s, struct errbuf *err);
int retract_validate(const Ekonet__Retract *r, struct errbuf *err);
int redact_validate(const Ekonet__Redact *r, struct errbuf *err);

/* Checks a profile: name, the code's shape, endpoints, both contact persons (contact_validate).
   Whether the code is the one the board admitted is the publishing node's check. */
int profile_validate(const Ekonet__Profile *p, struct errbuf *err);

/* Event kinds: "conference", "seminar", "webinar", "study-visit", "annual-meeting". */
const char *event_kind_str(int kind);
int event_kind_parse(const char *s);

/* Attachment kinds: "lecture", "slides", ...; parse returns 0 for an unknown name. */
const char *attachment_kind_str(int kind);
int attachment_kind_parse(const char *s);

/* Report kinds: "experience", "media"; parse returns 0 for an unknown name. */
const char *report_kind_str(int kind);
int report_kind_parse(const char *s);

/* True if s looks like an indicator code (letters, digits, '.', '_', '-'; 1-16 bytes). */
int indicator_code_valid(const char *s);

#endif
