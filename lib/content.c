#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "ekonet/text.h"
#include "wire.pb-c.h"

static const char *const kind_names[] = {
    [EKONET__ENTRY_KIND__KIND_CHARTER] = "charter",
    [EKONET__ENTRY_KIND__KIND_ADMIT] = "admit",
    [EKONET__ENTRY_KIND__KIND_REVOKE] = "revoke",
    [EKONET__ENTRY_KIND__KIND_CATALOGUE] = "catalogue",
    [EKONET__ENTRY_KIND__KIND_SUCCEED] = "succeed",
    [EKONET__ENTRY_KIND__KIND_PROFILE] = "profile",
    [EKONET__ENTRY_KIND__KIND_REPORT] = "report",
    [EKONET__ENTRY_KIND__KIND_INDICATORS] = "indicators",
    [EKONET__ENTRY_KIND__KIND_EVENT] = "event",
    [EKONET__ENTRY_KIND__KIND_RETRACT] = "retract",
    [EKONET__ENTRY_KIND__KIND_REDACT] = "redact",
};

const char *entry_kind_str(uint32_t kind)
{
    if (kind < sizeof kind_names / sizeof kind_names[0] && kind_names[kind])
        return kind_names[kind];
    return "unknown";
}

int entry_kind_known(uint32_t kind)
{
    /* Kinds this version can validate; the others arrive with later protocol revisions. */
    return kind == EKONET__ENTRY_KIND__KIND_REPORT || kind == EKONET__ENTRY_KIND__KIND_EVENT ||
           kind == EKONET__ENTRY_KIND__KIND_INDICATORS ||
           kind == EKONET__ENTRY_KIND__KIND_PROFILE || kind == EKONET__ENTRY_KIND__KIND_RETRACT ||
           kind == EKONET__ENTRY_KIND__KIND_REDACT || board_kind(kind);
}

static const char *const event_names[] = {NULL,      "conference",  "seminar",
                                          "webinar", "study-visit", "annual-meeting"};

const char *event_kind_str(int kind)
{
    return kind >= 1 && kind <= 5 ? event_names[kind] : "event";
}

int event_kind_parse(const char *s)
{
    for (int k = 1; k <= 5; k++)
        if (strcmp(s, event_names[k]) == 0) return k;
    return 0;
}

static const char *const attach_names[] = {NULL,       "lecture", "slides", "film",
                                           "document", "media",   "link"};

const char *attachment_kind_str(int kind)
{
    if (kind >= 1 && kind <= 6) return attach_names[kind];
    return "unknown";
}

int attachment_kind_parse(const char *s)
{
    for (int k = 1; k <= 6; k++)
        if (strcmp(s, attach_names[k]) == 0) return k;
    return 0;
}

const char *report_kind_str(int kind)
{
    return kind == EKONET__REPORT_KIND__REPORT_MEDIA ? "media" : "experience";
}

int report_kind_parse(const char *s)
{
    if (strcmp(s, "experience") == 0) return EKONET__REPORT_KIND__REPORT_EXPERIENCE;
    if (strcmp(s, "media") == 0) return EKONET__REPORT_KIND__REPORT_MEDIA;
    return 0;
}

int indicator_code_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16) return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') return 0;
    return 1;
}

/* The year spelled by the four digits at s, or -1 if they are not four digits. */
static int year4(const char *s)
{
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        y = y * 10 + (s[i] - '0');
    }
    return y;
}

static int valid_period(const char *s)
{
    /* "YYYY" or "YYYY-YYYY" with the second year not before the first */
    size_t len = strlen(s);
    int a = year4(s);
    if (len == 4) return a >= 1900 && a <= 2200;
    if (len == 9 && s[4] == '-') {
        int b = year4(s + 5);
        return a >= 1900 && b <= 2200 && a <= b;
    }
    return 0;
}

/*
 * Checks one text field: UTF-8 with no control character but those in allow, of min to max
 * characters (code points, not bytes: "å" is one). 0, or -1 with a sentence naming the field,
 * and for a bad character its line and column.
 */
static int check_text(const char *what, const char *s, const char *allow, size_t min, size_t max,
                      struct errbuf *err)
{
    struct text_fault f;
    char where[80];
    if (text_find_fault(s, strlen(s), allow, &f))
        return errbuf_set(err, "%s: %s", what, text_fault_str(&f, where, sizeof where));
    size_t n = text_chars(s);
    if (n < min) return errbuf_set(err, "%s is empty", what);
    if (n > max)
        return errbuf_set(err, "%s has %zu characters; at most %zu are allowed", what, n, max);
    return 0;
}

/* The text fields of a report: title, summary, body and topics. A blank title or topic is
   refused only when publishing: nodes before it published some, and their feeds must still
   replicate. */
static int report_text_validate(const Ekonet__Report *r, int publishing, struct errbuf *err)
{
    if (!r->title || !*r->title) return errbuf_set(err, "the title is empty");
    if (check_text("the title", r->title, "", 1, REPORT_MAX_TITLE, err) < 0) return -1;
    if (publishing && text_blank(r->title))
        return errbuf_set(err, "the title is blank (only spaces)");
    if (r->summary && check_text("the summary", r->summary, "\t\n", 0, REPORT_MAX_SUMMARY, err) < 0)
        return -1;
    if (r->body && check_text("the body", r->body, "\t\n", 0, REPORT_MAX_BODY, err) < 0) return -1;
    if (r->n_topics > REPORT_MAX_TOPICS)
        return errbuf_set(err, "too many topics (%zu; at most %d)", r->n_topics, REPORT_MAX_TOPICS);
    for (size_t i = 0; i < r->n_topics; i++) {
        char what[40];
        snprintf(what, sizeof what, "topic %zu", i + 1);
        if (check_text(what, r->topics[i], "", 1, REPORT_MAX_TOPIC, err) < 0) return -1;
        if (publishing && text_blank(r->topics[i]))
            return errbuf_set(err, "%s is blank (only spaces)", what);
    }
    return 0;
}

/* A report's content as report_validate checks it, a blank title or topic allowed unless
   publishing. */
static int report_fields_validate(const Ekonet__Report *r, int publishing, struct errbuf *err)
{
    if (report_text_validate(r, publishing, err) < 0) return -1;
    if (r->n_indicators > REPORT_MAX_INDICATORS)
        return errbuf_set(err, "too many indicator codes (%zu; at most %d)", r->n_indicators,
                          REPORT_MAX_INDICATORS);
    for (size_t i = 0; i < r->n_indicators; i++)
        if (!indicator_code_valid(r->indicators[i]))
            return errbuf_set(err, "indicator code %zu is not a valid code", i + 1);
    if (r->language && !text_valid_language(r->language))
        return errbuf_set(err, "the language must be a tag such as \"sv\" or \"en\"");
    if (r->period && !valid_period(r->period))
        return errbuf_set(err, "the period must be a year (2023) or two years (2019-2023)");
    if (r->n_attachments > REPORT_MAX_ATTACHMENTS)
        return errbuf_set(err, "too many attachments (%zu; at most %d)", r->n_attachments,
                          REPORT_MAX_ATTACHMENTS);
    for (size_t i = 0; i < r->n_attachments; i++) {
        const Ekonet__Attachment *a = r->attachments[i];
        if (a->kind < 1 || a->kind > 6)
            return errbuf_set(err, "attachment %zu has an unknown kind", i + 1);
        if (!text_valid_url(a->url, URL_MAX))
            return errbuf_set(err,
                              "attachment %zu: the URL must start with http:// or https:// "
                              "and have no spaces",
                              i + 1);
        char what[64];
        snprintf(what, sizeof what, "the title of attachment %zu", i + 1);
        if (check_text(what, a->title, "", 1, REPORT_MAX_TITLE, err) < 0) return -1;
        if (a->has_hash && a->hash.len != 32)
            return errbuf_set(err, "attachment %zu: the hash must be 32 bytes", i + 1);
    }
    if (r->has_supersedes && r->supersedes.len != 32)
        return errbuf_set(err, "supersedes must be a 32-byte entry id");
    if (r->has_kind && r->kind != EKONET__REPORT_KIND__REPORT_EXPERIENCE &&
        r->kind != EKONET__REPORT_KIND__REPORT_MEDIA)
        return errbuf_set(err, "unknown report kind");
    if (r->has_kind && r->kind == EKONET__REPORT_KIND__REPORT_MEDIA && r->n_attachments == 0)
        return errbuf_set(err,
                          "a media report needs a link to the coverage (--attach media:URL:TITLE)");
    return 0;
}

int report_validate(const Ekonet__Report *r, struct errbuf *err)
{
    return report_fields_validate(r, 1, err);
}

/* 2000-01-01 and 2200-01-01 in ms since 1970: the window an event's dates must lie in. */
#define EVENT_EARLIEST 946684800000ull
#define EVENT_LATEST   7258118400000ull

int event_validate(const Ekonet__Event *e, struct errbuf *err)
{
    if (!e->title || !*e->title) return errbuf_set(err, "the title is empty");
    if (!text_valid_line(e->title, REPORT_MAX_TITLE))
        return errbuf_set(err, "the title must be one line of at most %d bytes", REPORT_MAX_TITLE);
    if (e->kind < 1 || e->kind > 5) return errbuf_set(err, "unknown event kind");
    if (e->starts_ms < EVENT_EARLIEST || e->starts_ms > EVENT_LATEST)
        return errbuf_set(err, "the start must be a date between 2000 and 2200");
    if (e->has_ends_ms && (e->ends_ms < e->starts_ms || e->ends_ms > EVENT_LATEST))
        return errbuf_set(err, "the end must not be before the start");
    if (e->location && *e->location && !text_valid_line(e->location, 200))
        return errbuf_set(err, "the location must be one line of at most 200 bytes");
    if (e->url && *e->url && !text_valid_url(e->url, URL_MAX))
        return errbuf_set(err, "the URL must start with http:// or https:// and have no spaces");
    if (e->description && !text_valid_block(e->description, REPORT_MAX_SUMMARY * 10))
        return errbuf_set(err, "the description must be UTF-8 text of at most %d bytes",
                          REPORT_MAX_SUMMARY * 10);
    if (e->n_topics > REPORT_MAX_TOPICS)
        return errbuf_set(err, "too many topics (%zu; at most %d)", e->n_topics, REPORT_MAX_TOPICS);
    for (size_t i = 0; i < e->n_topics; i++)
        if (!text_valid_line(e->topics[i], REPORT_MAX_TOPIC))
            return errbuf_set(err, "topic %zu must be one line of 1 to %d bytes", i + 1,
                              REPORT_MAX_TOPIC);
    if (e->has_supersedes && e->supersedes.len != 32)
        return errbuf_set(err, "supersedes must be a 32-byte entry id");
    return 0;
}

int snapshot_validate(const Ekonet__Snapshot *s, struct errbuf *err)
{
    if (s->year < 1990 || s->year > 2100)
        return errbuf_set(err, "the year must be between 1990 and 2100, not %u", s->year);
    if (s->n_values > SNAPSHOT_MAX_VALUES) /* none: the year withdrawn */
        return errbuf_set(err, "a snapshot holds at most %d values, not %zu", SNAPSHOT_MAX_VALUES,
                          s->n_values);
    for (size_t i = 0; i < s->n_values; i++) {
        const Ekonet__IndicatorValue *v = s->values[i];
        if (!indicator_code_valid(v->code))
            return errbuf_set(err, "value %zu has an invalid indicator code", i + 1);
        if (!isfinite(v->value)) return errbuf_set(err, "the value of %s is not a number", v->code);
        if (v->note && *v->note && !text_valid_line(v->note, 200))
            return errbuf_set(err, "the note on %s must be one line of at most 200 bytes", v->code);
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->code, s->values[j]->code) == 0)
                return errbuf_set(err, "%s is given twice", v->code);
    }
    if (s->catalogue && *s->catalogue && !text_valid_line(s->catalogue, 40))
        return errbuf_set(err, "the catalogue revision must be one line");
    if (s->source && *s->source && !text_valid_line(s->source, 200))
        return errbuf_set(err, "the source must be one line of at most 200 bytes");
    return 0;
}

int retract_validate(const Ekonet__Retract *r, struct errbuf *err)
{
    if (r->target.len != 32) return errbuf_set(err, "the target must be a 32-byte entry id");
    if (r->reason && *r->reason && !text_valid_line(r->reason, 300))
        return errbuf_set(err, "the reason must be one line of at most 300 bytes");
    return 0;
}

int redact_validate(const Ekonet__Redact *r, struct errbuf *err)
{
    if (r->target.len != 32) return errbuf_set(err, "the target must be a 32-byte entry id");
    if (!text_valid_line(r->reason, 300))
        return errbuf_set(err, "give the reason in one line of 1 to 300 bytes");
    return 0;
}

/* An SCB code's shape: 4 digits (a municipality) or 2 (a region). */
static int valid_scb_code(const char *s)
{
    size_t n = strlen(s);
    if (n != 2 && n != 4) return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    return 1;
}

/* tcp://HOST:PORT in one line with no spaces; whether it can be dialled is not checked here. */
static int valid_endpoint(const char *s)
{
    return strncmp(s, "tcp://", 6) == 0 && s[6] && text_valid_line(s, PROFILE_MAX_ENDPOINT) &&
           !strchr(s, ' ');
}

int profile_validate(const Ekonet__Profile *p, struct errbuf *err)
{
    if (!text_valid_line(p->name, PROFILE_MAX_NAME))
        return errbuf_set(err, "the name must be one line of 1 to %d bytes", PROFILE_MAX_NAME);
    if (!valid_scb_code(p->code))
        return errbuf_set(
            err, "the code \"%.20s\" is not an SCB code (4 digits, or 2 for a region)", p->code);
    if (p->n_endpoints > PROFILE_MAX_ENDPOINTS)
        return errbuf_set(err, "too many endpoints (%zu; at most %d)", p->n_endpoints,
                          PROFILE_MAX_ENDPOINTS);
    for (size_t i = 0; i < p->n_endpoints; i++)
        if (!valid_endpoint(p->endpoints[i]))
            return errbuf_set(err,
                              "endpoint %zu must look like tcp://host:7650 (one line of at most %d "
                              "bytes, no spaces)",
                              i + 1, PROFILE_MAX_ENDPOINT);
    if (contact_validate(p->politician, "politician", err) < 0) return -1;
    return contact_validate(p->official, "official", err);
}

/* Unpacks, validates and frees one message type; ENTRY_OK or ENTRY_CONTENT_INVALID. */
#define CHECK_MESSAGE(type, fn, what)                                                              \
    do {                                                                                           \
        Ekonet__##type *m = ekonet__##fn##__unpack(NULL, len, data);                               \
        if (!m) {                                                                                  \
            errbuf_set(why, "the %s does not decode", what);                                       \
            return ENTRY_CONTENT_INVALID;                                                          \
        }                                                                                          \
        int rc = fn##_validate(m, why);                                                            \
        ekonet__##fn##__free_unpacked(m, NULL);                                                    \
        return rc < 0 ? ENTRY_CONTENT_INVALID : ENTRY_OK;                                          \
    } while (0)

/*
 * A report's content must decode, be encoded canonically (each field once; its re-encoding is
 * as long as it) and pass report_validate. The re-encoding is what catches a NUL byte inside a
 * text field, which decoding would silently cut the text at.
 */
static int report_check(const uint8_t *data, size_t len, int publishing, struct errbuf *why)
{
    Ekonet__Report *m = ekonet__report__unpack(NULL, len, data);
    if (!m) {
        errbuf_set(why, "the report does not decode");
        return ENTRY_CONTENT_INVALID;
    }
    int rc = report_fields_validate(m, publishing, why);
    if (rc == 0 && ekonet__report__get_packed_size(m) != len)
        rc = errbuf_set(why, "the report holds a NUL byte in a text field, or is not encoded "
                             "canonically (each field once)");
    ekonet__report__free_unpacked(m, NULL);
    return rc < 0 ? ENTRY_CONTENT_INVALID : ENTRY_OK;
}

/* content_check and content_check_publish: publishing is stricter for reports. */
static int check(uint32_t kind, const uint8_t *data, size_t len, int publishing, struct errbuf *why)
{
    if (!entry_kind_known(kind)) {
        errbuf_set(why, "entry kind %u is not known to this node", kind);
        return ENTRY_UNKNOWN_KIND;
    }
    if (board_kind(kind)) return board_content_check(kind, data, len, why);
    switch (kind) {
    case EKONET__ENTRY_KIND__KIND_REPORT:
        return report_check(data, len, publishing, why);
    case EKONET__ENTRY_KIND__KIND_EVENT:
        CHECK_MESSAGE(Event, event, "event");
    case EKONET__ENTRY_KIND__KIND_INDICATORS:
        CHECK_MESSAGE(Snapshot, snapshot, "snapshot");
    case EKONET__ENTRY_KIND__KIND_RETRACT:
        CHECK_MESSAGE(Retract, retract, "retraction");
    case EKONET__ENTRY_KIND__KIND_REDACT:
        CHECK_MESSAGE(Redact, redact, "redaction");
    case EKONET__ENTRY_KIND__KIND_PROFILE:
        CHECK_MESSAGE(Profile, profile, "profile");
    }
    return ENTRY_UNKNOWN_KIND;
}

int content_check(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why)
{
    return check(kind, data, len, 0, why);
}

int content_check_publish(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why)
{
    return check(kind, data, len, 1, why);
}
