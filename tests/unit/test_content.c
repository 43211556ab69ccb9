/*
 * Report content: the checks every node applies before it accepts a report, each refusal
 * with its own sentence, and the kind names the CLI parses and shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.pb-c.h"
#include "ekonet/board.h"
#include "ekonet/content.h"
#include "ekonet/entry.h"
#include "wire.pb-c.h"

#define NATTACH (REPORT_MAX_ATTACHMENTS + 1)
#define NTEXT   (REPORT_MAX_INDICATORS + 1)

/* A full report and the storage its pointers refer to. */
struct fixture {
    Ekonet__Report r;
    Ekonet__Attachment a[NATTACH];
    Ekonet__Attachment *ap[NATTACH];
    char *topics[NTEXT];
    char *indicators[NTEXT];
    uint8_t hash[33];
    uint8_t supersedes[33];
};

/* Fills f with a report that uses every field, within every limit. */
static void full_report(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    Ekonet__Report init = EKONET__REPORT__INIT;
    f->r = init;
    f->r.title = "Matavfall blir biogas i Övertorneå";
    f->r.summary = "Sedan 2019 samlar vi in matavfall separat.\nBiogasen driver skolbussarna.";
    f->r.body = "# Bakgrund\n\nHushållen fick\tbruna påsar.\n\n"
                "- 412 kg/person 2019\n- 341 kg/person 2023\n";
    for (size_t i = 0; i < NTEXT; i++) {
        f->topics[i] = "avfall";
        f->indicators[i] = "GN.7";
    }
    f->topics[1] = "biogas";
    f->indicators[1] = "GN.3";
    f->r.n_topics = 2;
    f->r.topics = f->topics;
    f->r.n_indicators = 2;
    f->r.indicators = f->indicators;
    f->r.language = "sv";
    f->r.period = "2019-2023";
    memset(f->hash, 0xAB, sizeof f->hash);
    memset(f->supersedes, 0x5E, sizeof f->supersedes);
    for (size_t i = 0; i < NATTACH; i++) {
        Ekonet__Attachment a = EKONET__ATTACHMENT__INIT;
        f->a[i] = a;
        f->a[i].kind = EKONET__ATTACHMENT_KIND__ATTACH_SLIDES;
        f->a[i].url = "https://www.overtornea.se/biogas/bilder.pdf";
        f->a[i].title = "Bilder från seminariet";
        f->a[i].has_size = 1;
        f->a[i].size = 1234567;
        f->a[i].has_hash = 1;
        f->a[i].hash.len = 32;
        f->a[i].hash.data = f->hash;
        f->ap[i] = &f->a[i];
    }
    f->a[1].kind = EKONET__ATTACHMENT_KIND__ATTACH_FILM;
    f->a[1].url = "http://media.example.se/film?id=7";
    f->a[1].title = "Filmen från invigningen";
    f->a[1].has_hash = 0;
    f->a[1].hash.len = 0;
    f->a[1].hash.data = NULL;
    f->r.n_attachments = 2;
    f->r.attachments = f->ap;
    f->r.has_supersedes = 1;
    f->r.supersedes.len = 32;
    f->r.supersedes.data = f->supersedes;
    f->r.has_kind = 1;
    f->r.kind = EKONET__REPORT_KIND__REPORT_EXPERIENCE;
}

static void expect_valid(const struct fixture *f)
{
    struct errbuf err = {{0}};
    assert_int_equal(report_validate(&f->r, &err), 0);
}

static void expect_refused(const struct fixture *f, const char *want)
{
    struct errbuf err = {{0}};
    assert_int_equal(report_validate(&f->r, &err), -1);
    assert_string_equal(err.msg, want);
}

/* A string of n copies of c (caller frees). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A report using every field passes; so does one with a title only. */
static void a_full_report_passes(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    expect_valid(&f);

    Ekonet__Report minimal = EKONET__REPORT__INIT;
    minimal.title = "Kort";
    struct errbuf err;
    assert_int_equal(report_validate(&minimal, &err), 0);
}

static void empty_title(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.title = "";
    expect_refused(&f, "the title is empty");
    f.r.title = NULL;
    expect_refused(&f, "the title is empty");
}

static void title_with_newline(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.title = "Matavfall\nblir biogas";
    expect_refused(&f, "the title: line 1, column 10: the control character U+000A");
    f.r.title = "Matavfall\tblir biogas";
    expect_refused(&f, "the title: line 1, column 10: the control character U+0009");
    f.r.title = "Matavfall på Öland\x1b[2J";
    expect_refused(&f, "the title: line 1, column 19: the control character U+001B");
}

/* A title of only spaces would be a blank row in every list. */
static void blank_title(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.title = "   ";
    expect_refused(&f, "the title is blank (only spaces)");
    f.topics[0] = " ";
    f.r.title = "Biogas";
    expect_refused(&f, "topic 1 is blank (only spaces)");
    /* nodes before the rule published such reports: they are refused for signing here, and
       still accepted from the network, so that those feeds replicate */
    f.r.title = "   ";
    size_t len = ekonet__report__get_packed_size(&f.r);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    ekonet__report__pack(&f.r, buf);
    struct errbuf why = {{0}};
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why), ENTRY_OK);
    assert_int_equal(content_check_publish(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "the title is blank (only spaces)");
    free(buf);
}

/* The title bound is in characters: 300 'ö' (600 bytes) fit, one more does not. */
static void title_over_max(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    char title[2 * REPORT_MAX_TITLE + 3];
    for (int i = 0; i < REPORT_MAX_TITLE; i++) memcpy(title + 2 * i, "ö", 2);
    title[2 * REPORT_MAX_TITLE] = '\0';
    f.r.title = title;
    expect_valid(&f);
    memcpy(title + 2 * REPORT_MAX_TITLE, "ä", 3);
    expect_refused(&f, "the title has 301 characters; at most 300 are allowed");
}

static void summary_invalid_utf8(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.summary = "Latin-1 text: \xF6vertorne\xE5";
    expect_refused(&f, "the summary: line 1, column 15: bytes that are not UTF-8");
    f.r.summary = "två rader\nescape \x1b[2J";
    expect_refused(&f, "the summary: line 2, column 8: the control character U+001B");

    char *long_summary = repeat('s', REPORT_MAX_SUMMARY + 1);
    f.r.summary = long_summary;
    expect_refused(&f, "the summary has 4001 characters; at most 4000 are allowed");
    long_summary[REPORT_MAX_SUMMARY] = '\0';
    expect_valid(&f);
    free(long_summary);
}

static void body_over_max(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    char *body = repeat('b', REPORT_MAX_BODY + 1);
    f.r.body = body;
    expect_refused(&f, "the body has 200001 characters; at most 200000 are allowed");
    body[REPORT_MAX_BODY] = '\0';
    expect_valid(&f);
    free(body);

    f.r.body = "Windows line end\r\n";
    expect_refused(&f, "the body: line 1, column 17: the control character U+000D");
}

static void too_many_topics(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.n_topics = REPORT_MAX_TOPICS;
    expect_valid(&f);
    f.r.n_topics = REPORT_MAX_TOPICS + 1;
    expect_refused(&f, "too many topics (21; at most 20)");
}

/* Topics are numbered from 1 in the sentence. */
static void empty_topic(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.topics[1] = "";
    expect_refused(&f, "topic 2 is empty");

    char *topic = repeat('t', REPORT_MAX_TOPIC + 1);
    f.topics[1] = topic;
    expect_refused(&f, "topic 2 has 81 characters; at most 80 are allowed");
    topic[REPORT_MAX_TOPIC] = '\0';
    expect_valid(&f);
    free(topic);

    f.topics[0] = "två\nrader";
    expect_refused(&f, "topic 1: line 1, column 4: the control character U+000A");
}

static void bad_indicator_code(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.indicators[1] = "GN 7";
    expect_refused(&f, "indicator code 2 is not a valid code");
    f.indicators[1] = "";
    expect_refused(&f, "indicator code 2 is not a valid code");
    f.indicators[1] = "GN.7;DROP";
    expect_refused(&f, "indicator code 2 is not a valid code");

    f.indicators[1] = "GN.10a";
    f.r.n_indicators = REPORT_MAX_INDICATORS;
    expect_valid(&f);
    f.r.n_indicators = REPORT_MAX_INDICATORS + 1;
    expect_refused(&f, "too many indicator codes (31; at most 30)");
}

static void bad_language(void **state)
{
    (void)state;
    static const char *const good[] = {"sv", "en", "fi", "smj", "sv-SE", "se-Latn-NO", "sv-1996"};
    static const char *const bad[] = {"svenska", "s",    "",   "sv_SE",        "sv-",  "-sv",
                                      "sv--SE",  "sv-S", "12", "sv-abcdefghi", "sv SE"};
    struct fixture f;
    full_report(&f);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        f.r.language = (char *)good[i];
        expect_valid(&f);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f.r.language = (char *)bad[i];
        expect_refused(&f, "the language must be a tag such as \"sv\" or \"en\"");
    }
}

static void bad_period(void **state)
{
    (void)state;
    static const char *const good[] = {"2021", "2019-2023", "2023-2023", "1900", "2200"};
    static const char *const bad[] = {"20",        "2023-2019", "abcd",  "1899", "2201",
                                      "2019/2023", "2019-",     "-2019", "202a", "2019-2023-2024",
                                      "2019-22",   "",          " 2021", "+2021"};
    struct fixture f;
    full_report(&f);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        f.r.period = (char *)good[i];
        expect_valid(&f);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f.r.period = (char *)bad[i];
        expect_refused(&f, "the period must be a year (2023) or two years (2019-2023)");
    }
}

static void too_many_attachments(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.n_attachments = REPORT_MAX_ATTACHMENTS;
    expect_valid(&f);
    f.r.n_attachments = REPORT_MAX_ATTACHMENTS + 1;
    expect_refused(&f, "too many attachments (41; at most 40)");
}

/* Attachments are numbered from 1; only http(s) URLs with a host are taken. */
static void attachment_bad_url(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "ftp://ftp.example.se/slides.pdf",  "https://",       "http:///x",
        "https://example.se/två filer.pdf", "www.example.se", ""};
    struct fixture f;
    full_report(&f);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f.a[1].url = (char *)bad[i];
        expect_refused(&f, "attachment 2: the URL must start with http:// or https:// and have no "
                           "spaces");
    }
}

static void attachment_empty_title(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.a[0].title = "";
    expect_refused(&f, "the title of attachment 1 is empty");
    f.a[0].title = "Bilder\nfrån seminariet";
    expect_refused(&f, "the title of attachment 1: line 1, column 7: the control character U+000A");
}

static void attachment_unknown_kind(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.a[1].kind = (Ekonet__AttachmentKind)0;
    expect_refused(&f, "attachment 2 has an unknown kind");
    f.a[1].kind = (Ekonet__AttachmentKind)7;
    expect_refused(&f, "attachment 2 has an unknown kind");
    f.a[1].kind = EKONET__ATTACHMENT_KIND__ATTACH_LINK;
    expect_valid(&f);
}

/* A hash, when given, is a BLAKE2b-256: 32 bytes. */
static void hash_not_32_bytes(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.a[0].hash.len = 31;
    expect_refused(&f, "attachment 1: the hash must be 32 bytes");
    f.a[0].hash.len = 33;
    expect_refused(&f, "attachment 1: the hash must be 32 bytes");
    f.a[0].hash.len = 0;
    expect_refused(&f, "attachment 1: the hash must be 32 bytes");
    f.a[0].has_hash = 0; /* no hash at all is fine */
    expect_valid(&f);
}

static void supersedes_not_32_bytes(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.supersedes.len = 31;
    expect_refused(&f, "supersedes must be a 32-byte entry id");
    f.r.supersedes.len = 33;
    expect_refused(&f, "supersedes must be a 32-byte entry id");
    f.r.has_supersedes = 0;
    expect_valid(&f);
}

static void unknown_report_kind(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.kind = (Ekonet__ReportKind)3;
    expect_refused(&f, "unknown report kind");
    f.r.kind = (Ekonet__ReportKind)0;
    expect_refused(&f, "unknown report kind");
    f.r.kind = EKONET__REPORT_KIND__REPORT_MEDIA;
    expect_valid(&f);
    f.r.has_kind = 0;
    expect_valid(&f);
}

/* Packs f's report into a new buffer. */
static uint8_t *pack(const Ekonet__Report *r, size_t *len)
{
    *len = ekonet__report__get_packed_size(r);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(ekonet__report__pack(r, buf), *len);
    return buf;
}

/* What a peer sends: a packed valid report is accepted. */
static void content_check_packed_report(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    size_t len;
    uint8_t *buf = pack(&f.r, &len);
    struct errbuf why = {{0}};
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why), ENTRY_OK);
    assert_int_equal(ENTRY_OK, 0);
    free(buf);
}

/* A NUL byte inside a text field on the wire is refused, not cut at: "hej\0då" is not "hej". */
static void content_check_nul_in_body(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.body = "hej#då";
    size_t len;
    uint8_t *buf = pack(&f.r, &len);
    uint8_t *hash = memchr(buf, '#', len);
    assert_non_null(hash);
    *hash = 0;
    struct errbuf why = {{0}};
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "the report holds a NUL byte in a text field, or is not encoded "
                                 "canonically (each field once)");
    free(buf);
}

/* A packed report with a field out of bounds is refused for that field. */
static void content_check_invalid_field(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    f.r.period = "2023-2019";
    size_t len;
    uint8_t *buf = pack(&f.r, &len);
    struct errbuf why = {{0}};
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "the period must be a year (2023) or two years (2019-2023)");
    free(buf);

    full_report(&f);
    f.r.kind = (Ekonet__ReportKind)9;
    buf = pack(&f.r, &len);
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "unknown report kind");
    free(buf);

    /* invalid UTF-8 in the title: refused whether or not the decoder looks at it */
    full_report(&f);
    f.r.title = "\xC0\xAF";
    buf = pack(&f.r, &len);
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, NULL),
                     ENTRY_CONTENT_INVALID);
    free(buf);
}

/* Bytes that are no report: garbage, a report without its title, a cut length. */
static void content_check_random_bytes(void **state)
{
    (void)state;
    struct errbuf why = {{0}};
    uint8_t ff[16];
    memset(ff, 0xFF, sizeof ff);
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, ff, sizeof ff, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "the report does not decode");

    const uint8_t no_title[] = {0x12, 0x03, 'a', 'b', 'c'}; /* summary only */
    assert_int_equal(
        content_check(EKONET__ENTRY_KIND__KIND_REPORT, no_title, sizeof no_title, &why),
        ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, "the report does not decode");

    const uint8_t cut[] = {0x0A, 0x10, 'M', 'a', 't'}; /* title of 16 bytes, 3 present */
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, cut, sizeof cut, &why),
                     ENTRY_CONTENT_INVALID);

    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, ff, 0, &why),
                     ENTRY_CONTENT_INVALID);

    /* pseudo-random buffers (fixed seed): never accepted, never a crash or a leak */
    uint32_t x = 2518;
    uint8_t buf[96];
    for (int round = 0; round < 2000; round++) {
        size_t len = 1 + (size_t)round % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[i] = (uint8_t)x;
        }
        assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &why),
                         ENTRY_CONTENT_INVALID);
    }
}

/* Kinds this node cannot check yet are refused as unknown, whatever the bytes. */
static void content_check_unknown_kind(void **state)
{
    (void)state;
    struct fixture f;
    full_report(&f);
    size_t len;
    uint8_t *buf = pack(&f.r, &len);
    struct errbuf why = {{0}};
    assert_int_equal(content_check(99, buf, len, &why), ENTRY_UNKNOWN_KIND);
    assert_string_equal(why.msg, "entry kind 99 is not known to this node");
    assert_int_equal(content_check(0, buf, len, &why), ENTRY_UNKNOWN_KIND);
    assert_int_equal(content_check(9, buf, len, &why), ENTRY_UNKNOWN_KIND); /* a gap */
    assert_string_equal(why.msg, "entry kind 9 is not known to this node");
    free(buf);
}

/* ---- profiles ------------------------------------------------------------------------------ */

#define NENDPOINTS (PROFILE_MAX_ENDPOINTS + 1)
#define NLANGS     (CONTACT_MAX_LANGUAGES + 1)
#define NTOPICS    (CONTACT_MAX_EXPERTISE + 1)

/* A profile that uses every field, and the storage its pointers refer to. */
struct profile_fixture {
    Ekonet__Profile p;
    Ekonet__ContactPerson pol, off;
    char *endpoints[NENDPOINTS];
    char *langs[NLANGS], *topics[NTOPICS];
};

static void full_profile(struct profile_fixture *f)
{
    memset(f, 0, sizeof *f);
    Ekonet__Profile p = EKONET__PROFILE__INIT;
    Ekonet__ContactPerson cp = EKONET__CONTACT_PERSON__INIT;
    f->p = p;
    f->pol = f->off = cp;
    for (size_t i = 0; i < NENDPOINTS; i++) f->endpoints[i] = "tcp://ekonet.overtornea.se:7650";
    f->endpoints[1] = "tcp://192.0.2.7:7651";
    for (size_t i = 0; i < NLANGS; i++) f->langs[i] = "sv";
    f->langs[1] = "fi";
    f->langs[2] = "se";
    f->langs[3] = "en-GB";
    for (size_t i = 0; i < NTOPICS; i++) f->topics[i] = "avfall";
    f->topics[1] = "förnybar energi";
    f->p.name = "Övertorneå kommun";
    f->p.code = "2518";
    f->p.n_endpoints = 2;
    f->p.endpoints = f->endpoints;
    f->pol.name = "Anna Andersson";
    f->pol.title = "kommunstyrelsens ordförande";
    f->pol.email = "anna.andersson@overtornea.se";
    f->pol.phone = "+46 927 720 00";
    f->pol.n_languages = 4;
    f->pol.languages = f->langs;
    f->pol.n_expertise = 2;
    f->pol.expertise = f->topics;
    f->off.name = "Olle Berg";
    f->off.title = "miljöstrateg";
    f->off.n_languages = 1;
    f->off.languages = f->langs;
    f->p.politician = &f->pol;
    f->p.official = &f->off;
}

static void expect_profile_refused(const struct profile_fixture *f, const char *want)
{
    struct errbuf err = {{0}};
    assert_int_equal(profile_validate(&f->p, &err), -1);
    assert_string_equal(err.msg, want);
    /* the same sentence when a peer sends it packed */
    size_t len = ekonet__profile__get_packed_size(&f->p);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    ekonet__profile__pack(&f->p, buf);
    struct errbuf why = {{0}};
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_PROFILE, buf, len, &why),
                     ENTRY_CONTENT_INVALID);
    assert_string_equal(why.msg, want);
    free(buf);
}

/* A profile with every field passes, packed too; so does one with every list at its limit. */
static void a_full_profile_passes(void **state)
{
    (void)state;
    struct profile_fixture f;
    struct errbuf err = {{0}};
    full_profile(&f);
    assert_int_equal(profile_validate(&f.p, &err), 0);
    assert_true(entry_kind_known(EKONET__ENTRY_KIND__KIND_PROFILE));
    size_t len = ekonet__profile__get_packed_size(&f.p);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    ekonet__profile__pack(&f.p, buf);
    assert_int_equal(content_check(EKONET__ENTRY_KIND__KIND_PROFILE, buf, len, &err), ENTRY_OK);
    free(buf);

    /* a region's code, every list at its limit, no optional field */
    f.p.code = "25";
    f.pol.email = f.pol.phone = f.pol.title = f.off.title = NULL;
    f.p.n_endpoints = PROFILE_MAX_ENDPOINTS;
    f.pol.n_languages = CONTACT_MAX_LANGUAGES;
    f.pol.n_expertise = CONTACT_MAX_EXPERTISE;
    assert_int_equal(profile_validate(&f.p, &err), 0);
}

static void profile_bad_name_or_code(void **state)
{
    (void)state;
    struct profile_fixture f;
    char *long_name = repeat('x', PROFILE_MAX_NAME + 1);
    full_profile(&f);
    f.p.name = "";
    expect_profile_refused(&f, "the name must be one line of 1 to 120 bytes");
    f.p.name = "Övertorneå\nkommun";
    expect_profile_refused(&f, "the name must be one line of 1 to 120 bytes");
    f.p.name = long_name;
    expect_profile_refused(&f, "the name must be one line of 1 to 120 bytes");
    long_name[PROFILE_MAX_NAME] = '\0';
    struct errbuf err;
    assert_int_equal(profile_validate(&f.p, &err), 0); /* 120 bytes */
    free(long_name);

    full_profile(&f);
    const char *bad[] = {"251", "25180", "25a8", "", " 2518"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[120];
        f.p.code = (char *)bad[i];
        snprintf(want, sizeof want,
                 "the code \"%s\" is not an SCB code (4 digits, or 2 for a region)", bad[i]);
        expect_profile_refused(&f, want);
    }
}

static void profile_bad_endpoints(void **state)
{
    (void)state;
    struct profile_fixture f;
    full_profile(&f);
    f.p.n_endpoints = PROFILE_MAX_ENDPOINTS + 1;
    expect_profile_refused(&f, "too many endpoints (9; at most 8)");

    const char *want =
        "endpoint 2 must look like tcp://host:7650 (one line of at most 150 bytes, no spaces)";
    char *long_ep = repeat('x', PROFILE_MAX_ENDPOINT + 1);
    memcpy(long_ep, "tcp://", 6);
    const char *bad[] = {"http://ekonet.example.se:7650",
                         "tcp://",
                         "tcp://host name:7650",
                         "tcp://host:7650\n",
                         "TCP://host:7650",
                         long_ep};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        full_profile(&f);
        f.endpoints[1] = (char *)bad[i];
        expect_profile_refused(&f, want);
    }
    long_ep[PROFILE_MAX_ENDPOINT] = '\0'; /* 150 bytes */
    full_profile(&f);
    f.endpoints[1] = long_ep;
    struct errbuf err;
    assert_int_equal(profile_validate(&f.p, &err), 0);
    free(long_ep);
}

static void profile_bad_contact_persons(void **state)
{
    (void)state;
    struct profile_fixture f;
    full_profile(&f);
    f.p.politician = NULL;
    struct errbuf err;
    assert_int_equal(profile_validate(&f.p, &err), -1);
    assert_string_equal(err.msg, "the politician contact person is missing");

    full_profile(&f);
    f.off.name = "";
    expect_profile_refused(&f, "the official contact person needs a name (one line)");
    full_profile(&f);
    f.pol.email = "anna.andersson";
    expect_profile_refused(&f, "the politician contact person's email \"anna.andersson\" is not an "
                               "address");
    full_profile(&f);
    f.off.phone = "ring mig";
    expect_profile_refused(&f, "the official contact person's phone \"ring mig\" is not a number");
}

static void profile_bad_languages_or_expertise(void **state)
{
    (void)state;
    struct profile_fixture f;
    full_profile(&f);
    f.pol.n_languages = CONTACT_MAX_LANGUAGES + 1;
    expect_profile_refused(&f, "the politician contact person has too many languages (11; at "
                               "most 10)");
    const char *bad[] = {"svenska", "s", "sv_SE", "sv-", "1a", "sv-x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[160];
        full_profile(&f);
        f.langs[0] = (char *)bad[i];
        f.off.n_languages = 1;
        snprintf(want, sizeof want,
                 "the politician contact person's language \"%s\" is not a language tag such as "
                 "\"sv\" or \"en\"",
                 bad[i]);
        expect_profile_refused(&f, want);
    }

    full_profile(&f);
    f.off.n_expertise = CONTACT_MAX_EXPERTISE + 1;
    f.off.expertise = f.topics;
    expect_profile_refused(&f, "the official contact person has too many topics of expertise (21; "
                               "at most 20)");
    char *long_topic = repeat('t', CONTACT_MAX_TOPIC + 1);
    const char *topics[] = {"", "avfall\nenergi", long_topic};
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        full_profile(&f);
        f.topics[1] = (char *)topics[i];
        expect_profile_refused(
            &f, "the politician contact person's expertise 2 must be one line of 1 to 80 bytes");
    }
    free(long_topic);
}

static void entry_kind_names(void **state)
{
    (void)state;
    assert_string_equal(entry_kind_str(EKONET__ENTRY_KIND__KIND_REPORT), "report");
    assert_string_equal(entry_kind_str(EKONET__ENTRY_KIND__KIND_CHARTER), "charter");
    assert_string_equal(entry_kind_str(EKONET__ENTRY_KIND__KIND_REDACT), "redact");
    assert_string_equal(entry_kind_str(0), "unknown");
    assert_string_equal(entry_kind_str(EKONET__ENTRY_KIND__KIND_SUCCEED), "succeed");
    assert_string_equal(entry_kind_str(6), "unknown"); /* a gap in the numbering */
    assert_string_equal(entry_kind_str(99), "unknown");
    assert_string_equal(entry_kind_str(UINT32_MAX), "unknown");
    assert_true(entry_kind_known(EKONET__ENTRY_KIND__KIND_REPORT));
    assert_false(entry_kind_known(99));
}

/* Every attachment kind name parses back to its kind; other names parse to 0. */
static void attachment_kind_roundtrip(void **state)
{
    (void)state;
    static const char *const names[] = {"lecture", "slides", "film", "document", "media", "link"};
    for (int k = 1; k <= 6; k++) {
        assert_string_equal(attachment_kind_str(k), names[k - 1]);
        assert_int_equal(attachment_kind_parse(attachment_kind_str(k)), k);
    }
    assert_int_equal(attachment_kind_parse("slides"), EKONET__ATTACHMENT_KIND__ATTACH_SLIDES);
    assert_int_equal(attachment_kind_parse("video"), 0);
    assert_int_equal(attachment_kind_parse("Lecture"), 0);
    assert_int_equal(attachment_kind_parse(""), 0);
    assert_int_equal(attachment_kind_parse("unknown"), 0);
    assert_string_equal(attachment_kind_str(0), "unknown");
    assert_string_equal(attachment_kind_str(7), "unknown");
    assert_string_equal(attachment_kind_str(-1), "unknown");
}

static void report_kind_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(report_kind_parse("experience"), EKONET__REPORT_KIND__REPORT_EXPERIENCE);
    assert_int_equal(report_kind_parse("media"), EKONET__REPORT_KIND__REPORT_MEDIA);
    assert_string_equal(report_kind_str(EKONET__REPORT_KIND__REPORT_EXPERIENCE), "experience");
    assert_string_equal(report_kind_str(EKONET__REPORT_KIND__REPORT_MEDIA), "media");
    for (int k = 1; k <= 2; k++) assert_int_equal(report_kind_parse(report_kind_str(k)), k);
    assert_int_equal(report_kind_parse("news"), 0);
    assert_int_equal(report_kind_parse("Media"), 0);
    assert_int_equal(report_kind_parse(""), 0);
}

static void indicator_codes(void **state)
{
    (void)state;
    assert_true(indicator_code_valid("GN.7"));
    assert_true(indicator_code_valid("GN.10a"));
    assert_true(indicator_code_valid("x_y-z"));
    assert_true(indicator_code_valid("A234567890123456")); /* 16 bytes */
    assert_false(indicator_code_valid("A2345678901234567"));
    assert_false(indicator_code_valid(""));
    assert_false(indicator_code_valid("GN 7"));
    assert_false(indicator_code_valid("GN/7"));
    assert_false(indicator_code_valid("GÖ.1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_report_passes),
        cmocka_unit_test(empty_title),
        cmocka_unit_test(title_with_newline),
        cmocka_unit_test(title_over_max),
        cmocka_unit_test(blank_title),
        cmocka_unit_test(summary_invalid_utf8),
        cmocka_unit_test(body_over_max),
        cmocka_unit_test(too_many_topics),
        cmocka_unit_test(empty_topic),
        cmocka_unit_test(bad_indicator_code),
        cmocka_unit_test(bad_language),
        cmocka_unit_test(bad_period),
        cmocka_unit_test(too_many_attachments),
        cmocka_unit_test(attachment_bad_url),
        cmocka_unit_test(attachment_empty_title),
        cmocka_unit_test(attachment_unknown_kind),
        cmocka_unit_test(hash_not_32_bytes),
        cmocka_unit_test(supersedes_not_32_bytes),
        cmocka_unit_test(unknown_report_kind),
        cmocka_unit_test(content_check_packed_report),
        cmocka_unit_test(content_check_invalid_field),
        cmocka_unit_test(content_check_nul_in_body),
        cmocka_unit_test(content_check_random_bytes),
        cmocka_unit_test(content_check_unknown_kind),
        cmocka_unit_test(entry_kind_names),
        cmocka_unit_test(attachment_kind_roundtrip),
        cmocka_unit_test(report_kind_roundtrip),
        cmocka_unit_test(indicator_codes),
        cmocka_unit_test(a_full_profile_passes),
        cmocka_unit_test(profile_bad_name_or_code),
        cmocka_unit_test(profile_bad_endpoints),
        cmocka_unit_test(profile_bad_contact_persons),
        cmocka_unit_test(profile_bad_languages_or_expertise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
