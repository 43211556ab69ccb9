/*
 * kolada: the pages of one answer of Kolada's API, read whole or refused (kolada.h).
 *
 * Three steps, each over every page before the next: each page is parsed and its paging read
 * (its number from its next_page/previous_page, the answer those name, count, rows); the pages
 * are checked as a set (one answer, each page once, none missing, the rows adding up to count);
 * only then are rows read, page by page in page order. A refusal at any step leaves nothing.
 * Memory: the parsed pages at once, bounded by their files (the CLI bounds those).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ekonet/kolada.h"

/* A page as read: its paging and its rows. */
struct page {
    const struct kolada_page *file;
    cJSON *root;
    const cJSON *rows;
    size_t nrows;
    long number;                 /* 1-based */
    long count;                  /* -1: the page says none */
    long per_page;               /* 0: its links do not say */
    int has_next, has_prev;      /* a next_page, a previous_page */
    char answer[KOLADA_URL_MAX]; /* its links less their page=K; "" for a whole answer */
};

/* A file's name as messages show it: its last part, at most 60 bytes (printed %.60s). */
static const char *shown(const struct page *p)
{
    const char *slash = strrchr(p->file->name, '/');
    return slash && slash[1] ? slash + 1 : p->file->name;
}

/* The line of a position in the text, for JSON syntax errors. */
static size_t line_of(const char *data, size_t len, const char *at)
{
    size_t line = 1;
    for (const char *p = data; p < at && p < data + len; p++) line += *p == '\n';
    return line;
}

/* A whole number in [1, max] of at most 9 digits from s (up to len bytes); 0 if none. */
static long whole_number(const char *s, size_t len, long max)
{
    long n = 0;
    if (len == 0 || len > 9) return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        n = n * 10 + (s[i] - '0');
    }
    return n >= 1 && n <= max ? n : 0;
}

/* Appends to buf (size bytes, k used) what fmt makes, cut to fit. */
static void append(char *buf, size_t size, size_t *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *k, const char *fmt, ...)
{
    va_list ap;
    if (*k >= size) return;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *k, size - *k, fmt, ap);
    va_end(ap);
    *k = n < 0 ? *k : *k + (size_t)n >= size ? size - 1 : *k + (size_t)n;
}

/*
 * Reads a next_page or previous_page address: its page=K (*page, 0 if it has none), its
 * per_page=N (0 if none) and, in answer (KOLADA_URL_MAX bytes), the address less its page=K.
 * -1 if it is not an address Kolada gives (empty, too long, not printable ASCII).
 */
static int link_parse(const char *url, long *page, long *per_page, char *answer)
{
    size_t len = strlen(url);
    if (len == 0 || len >= KOLADA_URL_MAX) return -1;
    for (size_t i = 0; i < len; i++)
        if (url[i] <= ' ' || url[i] > '~') return -1;
    const char *q = strchr(url, '?');
    size_t k = q ? (size_t)(q - url) : len; /* what is kept is never longer than url */
    char sep = '?';
    memcpy(answer, url, k);
    *page = *per_page = 0;
    for (const char *p = q ? q + 1 : url + len; *p;) {
        size_t n = strcspn(p, "&");
        if (n > 5 && strncmp(p, "page=", 5) == 0) {
            *page = whole_number(p + 5, n - 5, 1000000);
        } else if (n > 0) {
            if (n > 9 && strncmp(p, "per_page=", 9) == 0)
                *per_page = whole_number(p + 9, n - 9, 1000000);
            answer[k++] = sep;
            sep = '&';
            memcpy(answer + k, p, n);
            k += n;
        }
        p += n + (p[n] == '&');
    }
    answer[k] = '\0';
    return 0;
}

/* One of a page's links (next or previous): *page its page number (0: none). 0 or -1. */
static int page_link(struct page *p, const char *name, const char *old_name, long *page,
                     struct errbuf *err)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(p->root, name);
    if (!l || cJSON_IsNull(l)) l = cJSON_GetObjectItemCaseSensitive(p->root, old_name);
    *page = 0;
    if (!l || cJSON_IsNull(l)) return 0;
    char answer[KOLADA_URL_MAX];
    long per_page;
    if (!cJSON_IsString(l) || link_parse(l->valuestring, page, &per_page, answer) < 0)
        return errbuf_set(err, "%.60s: %s is not an address of Kolada's API", shown(p), name);
    if (*page == 0)
        return errbuf_set(err, "%.60s: %s has no page number (page=K): not Kolada's paging",
                          shown(p), name);
    if (p->answer[0] && strcmp(p->answer, answer) != 0)
        return errbuf_set(err,
                          "%.60s: next_page and previous_page are of different answers: not "
                          "Kolada's paging",
                          shown(p));
    snprintf(p->answer, sizeof p->answer, "%s", answer);
    if (per_page) p->per_page = per_page;
    return 0;
}

/* The page's number, from its links; a page without links is page 1 of 1. 0 or -1. */
static int page_number(struct page *p, struct errbuf *err)
{
    long next, prev;
    if (page_link(p, "next_page", "next_url", &next, err) < 0 ||
        page_link(p, "previous_page", "previous_url", &prev, err) < 0)
        return -1;
    p->has_next = next != 0;
    p->has_prev = prev != 0;
    if (next && prev && next != prev + 2)
        return errbuf_set(err,
                          "%.60s: next_page is page %ld and previous_page page %ld: not Kolada's "
                          "paging",
                          shown(p), next, prev);
    p->number = next ? next - 1 : prev ? prev + 1 : 1;
    if (p->number < 1)
        return errbuf_set(err, "%.60s: next_page is page 1: not Kolada's paging", shown(p));
    if (p->number > KOLADA_MAX_PAGES)
        return errbuf_set(err,
                          "%.60s is page %ld of Kolada's answer: one import reads at most %d "
                          "pages.\nAsk Kolada for fewer rows (this municipality only, fewer years)",
                          shown(p), p->number, KOLADA_MAX_PAGES);
    return 0;
}

/* Parses a page and reads its paging; 0 or -1 with err naming the file. */
static int page_open(struct page *p, const struct kolada_page *f, struct errbuf *err)
{
    memset(p, 0, sizeof *p);
    p->file = f;
    p->count = -1;
    const char *end = NULL;
    p->root = cJSON_ParseWithLengthOpts(f->data, f->len, &end, 0);
    if (!p->root) {
        const char *at = cJSON_GetErrorPtr();
        return errbuf_set(err, "%.60s:%zu: the JSON does not parse", shown(p),
                          line_of(f->data, f->len, at ? at : f->data));
    }
    p->rows =
        cJSON_IsArray(p->root) ? p->root : cJSON_GetObjectItemCaseSensitive(p->root, "values");
    if (!cJSON_IsArray(p->rows))
        return errbuf_set(err, "%.60s: this is not Kolada data: no \"values\" array", shown(p));
    p->nrows = (size_t)cJSON_GetArraySize(p->rows);
    p->number = 1;
    if (p->rows == p->root) return 0; /* the rows alone: a whole answer, nothing to check */
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(p->root, "count");
    if (count && !cJSON_IsNull(count)) {
        double d = cJSON_IsNumber(count) ? count->valuedouble : -1;
        if (!(d >= 0 && d <= 1e9) || d != floor(d))
            return errbuf_set(err, "%.60s: count is not a number of rows", shown(p));
        p->count = (long)d;
    }
    return page_number(p, err);
}

static int page_order(const void *a, const void *b)
{
    const struct page *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

/* The answer as messages show it: the address after its host, at most 60 bytes. */
static const char *answer_shown(const struct page *p)
{
    const char *s = strstr(p->answer, "://");
    s = s ? strchr(s + 3, '/') : NULL;
    return s ? s : p->answer;
}

/* Every page of one answer, each once (v sorted by number); 0 or -1. */
static int pages_one_answer(const struct page *v, size_t n, struct errbuf *err)
{
    for (size_t i = 1; i < n; i++) {
        const struct page *a = &v[0], *b = &v[i];
        if (!a->answer[0] && !b->answer[0])
            return errbuf_set(err,
                              "%.60s and %.60s are two answers of Kolada (neither has a "
                              "next_page or previous_page): import one answer at a time",
                              shown(a), shown(b));
        if (!a->answer[0] || !b->answer[0])
            return errbuf_set(err,
                              "%.60s is a whole answer of Kolada (no next_page or "
                              "previous_page), and %.60s a page of another: import one answer "
                              "at a time",
                              shown(a->answer[0] ? b : a), shown(a->answer[0] ? a : b));
        if (strcmp(a->answer, b->answer) != 0)
            return errbuf_set(err,
                              "%.60s and %.60s are pages of different answers of Kolada (%.60s "
                              "and %.60s): import one answer at a time",
                              shown(a), shown(b), answer_shown(a), answer_shown(b));
    }
    for (size_t i = 1; i < n; i++)
        if (v[i].number == v[i - 1].number)
            return errbuf_set(err,
                              "%.60s and %.60s are both page %ld of Kolada's answer: give each "
                              "page once",
                              shown(&v[i - 1]), shown(&v[i]), v[i].number);
    return 0;
}

/*
 * The answer's number of pages: the number of its last page (the one without a next_page), or
 * from count and the rows a page holds; 0 when the pages do not tell. -1 with err when they
 * contradict each other.
 */
static long pages_total(const struct page *v, size_t n, struct errbuf *err)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i].has_next && v[n - 1].number > v[i].number)
            return errbuf_set(err,
                              "%.60s is page %ld, but %.60s is the last page (%ld) of the "
                              "answer: they are not pages of one answer",
                              shown(&v[n - 1]), v[n - 1].number, shown(&v[i]), v[i].number);
    if (!v[n - 1].has_next) return v[n - 1].number;
    for (size_t i = 0; i < n; i++) {
        long per_page = v[i].per_page ? v[i].per_page : v[i].has_next ? (long)v[i].nrows : 0;
        if (v[i].count > (long)v[i].nrows && per_page > 0) {
            long total = (v[i].count + per_page - 1) / per_page;
            if (total > KOLADA_MAX_PAGES)
                return errbuf_set(err,
                                  "Kolada's answer has %ld pages (count %ld, %ld a page): one "
                                  "import reads at most %d.\nAsk Kolada for fewer rows (this "
                                  "municipality only, fewer years)",
                                  total, v[i].count, per_page, KOLADA_MAX_PAGES);
            return total > v[n - 1].number ? total : 0;
        }
    }
    return 0;
}

/* In buf, the numbers in 1..upto no page has ("2", "2 and 3", "2, 3 and 5", at most 8 shown);
 * how many. */
static size_t missing_list(const struct page *v, size_t n, long upto, char *buf, size_t size)
{
    long miss[KOLADA_MAX_PAGES + 1]; /* upto: at most one page after the last one given */
    size_t m = 0, j = 0, k = 0;
    for (long p = 1; p <= upto && m < sizeof miss / sizeof miss[0]; p++) {
        while (j < n && v[j].number < p) j++;
        if (!(j < n && v[j].number == p)) miss[m++] = p;
    }
    buf[0] = '\0';
    for (size_t i = 0; i < m && i < 8; i++)
        append(buf, size, &k, "%s%ld", i == 0 ? "" : i + 1 == m ? " and " : ", ", miss[i]);
    if (m > 8) append(buf, size, &k, ", ... (%zu pages)", m);
    return m;
}

/* The refusal of an answer with pages missing (v sorted; total: its pages, 0 if not known;
 * upto: the pages known to exist). */
static int pages_missing(const struct page *v, size_t n, long total, long upto, size_t nmissing,
                         const char *missing, struct errbuf *err)
{
    char given[160], numbers[64], count[48] = "", cmd[64];
    size_t rows = 0, kg = 0, kn = 0;
    long c = -1;
    for (size_t i = 0; i < n; i++) {
        rows += v[i].nrows;
        if (c < 0) c = v[i].count;
        const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        if (i < 2 || n == 3) append(given, sizeof given, &kg, "%s%.40s", sep, shown(&v[i]));
        if (i < 8) append(numbers, sizeof numbers, &kn, "%s%ld", sep, v[i].number);
    }
    if (n > 3) append(given, sizeof given, &kg, " and %zu more files", n - 2);
    if (n > 8) append(numbers, sizeof numbers, &kn, ", ...");
    if (c >= 0) snprintf(count, sizeof count, "count %ld; ", c);
    if (total && total <= 4)
        snprintf(cmd, sizeof cmd, "page1.json%s%s%s", total > 1 ? " page2.json" : "",
                 total > 2 ? " page3.json" : "", total > 3 ? " page4.json" : "");
    else if (total)
        snprintf(cmd, sizeof cmd, "page1.json page2.json ... page%ld.json", total);
    else
        snprintf(cmd, sizeof cmd, "page1.json page2.json ... (every page)");
    return errbuf_set(err,
                      "%s %s page%s %s of %s%ld of Kolada's answer (%s%zu rows here): page%s %s%s "
                      "%s not given.\nSave each page (its next_page address) and import them "
                      "together: ekonet indicators import %s",
                      given, n == 1 ? "is" : "are", n == 1 ? "" : "s", numbers,
                      total ? "" : "at least ", total ? total : upto, count, rows,
                      nmissing == 1 ? "" : "s", missing, total ? "" : " and any after it",
                      nmissing == 1 && total ? "was" : "were", cmd);
}

/* The pages' rows add up to what each says is its count (the page's or the answer's). */
static int pages_counted(const struct page *v, size_t n, struct errbuf *err)
{
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) rows += v[i].nrows;
    for (size_t i = 0; i < n; i++)
        if (v[i].count >= 0 && (size_t)v[i].count != rows && (size_t)v[i].count != v[i].nrows)
            return errbuf_set(err,
                              "%.60s says count %ld, but the %zu page%s of the answer hold%s "
                              "%zu rows: a page was cut short or changed.\nSave the pages "
                              "again and import them together",
                              shown(&v[i]), v[i].count, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
                              rows);
    return 0;
}

/* The pages as a set: one answer, each page once, none missing, rows as counted. 0 or -1. */
static int pages_check(struct page *v, size_t n, struct errbuf *err)
{
    qsort(v, n, sizeof *v, page_order);
    if (pages_one_answer(v, n, err) < 0) return -1;
    long total = pages_total(v, n, err);
    if (total < 0) return -1;
    long upto = total ? total : v[n - 1].number + 1;
    char missing[96];
    size_t nmissing = missing_list(v, n, upto, missing, sizeof missing);
    if (nmissing) return pages_missing(v, n, total, upto, nmissing, missing, err);
    return pages_counted(v, n, err);
}

static const char *kpi_code(const char *kpi, const struct catalogue *cat, const struct kpi_map *map,
                            size_t nmap)
{
    for (size_t i = 0; i < nmap; i++)
        if (strcmp(map[i].kpi, kpi) == 0) return map[i].code;
    return catalogue_find(cat, kpi) ? kpi : NULL;
}

/* Counts a value of another gender than T, and names its gender in out->other_genders. */
static void other_gender(struct import *out, const char *gender)
{
    size_t len = strlen(gender), k = strlen(out->other_genders);
    int plain = len >= 1 && len <= 3;
    for (size_t i = 0; i < len; i++) plain &= gender[i] >= 'A' && gender[i] <= 'Z';
    if (!plain) gender = "other", len = 5;
    out->other_gender++;
    for (const char *p = out->other_genders; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, gender, n) == 0) return;
        p += n + strspn(p + n, ", ");
    }
    if (k + len + 2 < sizeof out->other_genders) /* else named no more, but counted */
        append(out->other_genders, sizeof out->other_genders, &k, "%s%s", k ? ", " : "", gender);
}

/* Counts a value read of kpi as code, in out->kpis. 0 or -1 when out of memory. */
static int kpi_read(struct import *out, const char *kpi, const char *code, struct errbuf *err)
{
    for (size_t i = 0; i < out->nkpis; i++)
        if (strcmp(out->kpis[i].kpi, kpi) == 0) {
            out->kpis[i].values++;
            return 0;
        }
    if (out->nkpis % 16 == 0) {
        struct import_kpi *k = realloc(out->kpis, (out->nkpis + 16) * sizeof *k);
        if (!k) return errbuf_set(err, "out of memory");
        out->kpis = k;
    }
    struct import_kpi *k = &out->kpis[out->nkpis++];
    snprintf(k->kpi, sizeof k->kpi, "%.15s", kpi);
    snprintf(k->code, sizeof k->code, "%.16s", code);
    k->values = 1;
    return 0;
}

/* A row's period as a year: a whole number, or a string of one. 0 or -1. */
static int row_year(const cJSON *period, long *year)
{
    if (cJSON_IsNumber(period)) {
        /* a whole number in range before the conversion: (long)1e300 is undefined */
        double d = period->valuedouble;
        if (!(d >= 0 && d <= 9999) || d != floor(d)) return -1;
        *year = (long)d;
        return 0;
    }
    const char *s = period->valuestring;
    char *end;
    while (*s == ' ') s++;
    *year = strtol(s, &end, 10);
    while (*end == ' ') end++;
    return end != s && *end == '\0' ? 0 : -1;
}

/* The values of a row of this municipality: gender T read, others counted. 0 or -1. */
static int row_values(const cJSON *values, const char *where, const char *kpi, const char *code,
                      long year, const struct catalogue *cat, struct import *out,
                      struct errbuf *err)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        const cJSON *gender = cJSON_GetObjectItemCaseSensitive(v, "gender");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(v, "value");
        if (!cJSON_IsString(gender)) return errbuf_set(err, "%s: a value without gender", where);
        if (strcmp(gender->valuestring, "T") != 0) {
            other_gender(out, gender->valuestring);
            continue;
        }
        if (!value || cJSON_IsNull(value)) {
            if (out->nulls++ == 0)
                snprintf(out->nulls_example, sizeof out->nulls_example, "%.20s %ld", kpi, year);
            continue;
        }
        if (!cJSON_IsNumber(value)) return errbuf_set(err, "%s: the value is not a number", where);
        if (import_add(out, cat, where, code, year, value->valuedouble, "Kolada", err) < 0 ||
            kpi_read(out, kpi, code, err) < 0)
            return -1;
    }
    return 0;
}

/* One row: {kpi, municipality, period, values: [{gender, value}]}. 0 or -1. */
static int row_read(const cJSON *row, const char *where, const struct catalogue *cat,
                    const char *place, const struct kpi_map *map, size_t nmap, struct import *out,
                    struct errbuf *err)
{
    const cJSON *kpi = cJSON_GetObjectItemCaseSensitive(row, "kpi");
    const cJSON *muni = cJSON_GetObjectItemCaseSensitive(row, "municipality");
    const cJSON *period = cJSON_GetObjectItemCaseSensitive(row, "period");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(row, "values");
    if (!cJSON_IsString(kpi) || !cJSON_IsString(muni) || !cJSON_IsArray(values) ||
        !(cJSON_IsString(period) || cJSON_IsNumber(period)))
        return errbuf_set(err, "%s: a row needs kpi, municipality, period and values", where);
    if (strcmp(muni->valuestring, place) != 0) {
        out->other_place++;
        return 0;
    }
    long year;
    if (row_year(period, &year) < 0) {
        if (cJSON_IsNumber(period))
            return errbuf_set(err, "%s: period %g is not a year", where, period->valuedouble);
        return errbuf_set(err, "%s: period \"%.20s\" is not a year", where, period->valuestring);
    }
    const char *code = kpi_code(kpi->valuestring, cat, map, nmap);
    if (!code)
        return errbuf_set(err,
                          "%s: KPI %.20s is not in the KPI table for the catalogue in force; "
                          "give --map %.20s=CODE",
                          where, kpi->valuestring, kpi->valuestring);
    return row_values(values, where, kpi->valuestring, code, year, cat, out, err);
}

/* The refusal of an answer that left no values: what was skipped, and why. */
static int no_values(const struct page *v, size_t n, const char *place, const struct import *out,
                     struct errbuf *err)
{
    char what[96], gender[160] = "";
    if (n == 1)
        snprintf(what, sizeof what, "%.60s holds", shown(&v[0]));
    else
        snprintf(what, sizeof what, "the %zu pages of the answer hold", n);
    if (out->other_gender)
        snprintf(gender, sizeof gender,
                 ": only gender T (the total) is read, and its %zu value%s of gender %s (K: "
                 "women, M: men) %s skipped",
                 out->other_gender, out->other_gender == 1 ? "" : "s", out->other_genders,
                 out->other_gender == 1 ? "was" : "were");
    return errbuf_set(err,
                      "%s no values for %s%s (%zu row%s of other municipalities, %zu null "
                      "value%s)",
                      what, place, gender, out->other_place, out->other_place == 1 ? "" : "s",
                      out->nulls, out->nulls == 1 ? "" : "s");
}

/* Reads the rows of the checked pages, in page order. 0 or -1. */
static int pages_read(const struct page *v, size_t n, const struct catalogue *cat,
                      const char *place, const struct kpi_map *map, size_t nmap, struct import *out,
                      struct errbuf *err)
{
    for (size_t p = 0; p < n; p++) {
        size_t i = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, v[p].rows)
        {
            char where[160];
            snprintf(where, sizeof where, "%.60s: values[%zu]", shown(&v[p]), i++);
            if (row_read(row, where, cat, place, map, nmap, out, err) < 0) return -1;
        }
        out->rows += v[p].nrows;
    }
    out->pages = n;
    return out->n == 0 ? no_values(v, n, place, out, err) : 0;
}

int kolada_import(const struct kolada_page *pages, size_t npages, const struct catalogue *cat,
                  const char *place, const struct kpi_map *map, size_t nmap, struct import *out,
                  struct errbuf *err)
{
    memset(out, 0, sizeof *out);
    if (npages == 0) return errbuf_set(err, "no page of Kolada's answer was given");
    if (npages > KOLADA_MAX_PAGES)
        return errbuf_set(err, "%zu files: one import reads at most %d pages of one answer", npages,
                          KOLADA_MAX_PAGES);
    struct page *v = calloc(npages, sizeof *v);
    if (!v) return errbuf_set(err, "out of memory");
    int rc = 0;
    size_t opened = 0;
    while (rc == 0 && opened < npages) {
        rc = page_open(&v[opened], &pages[opened], err);
        opened++;
    }
    if (rc == 0) rc = pages_check(v, npages, err);
    if (rc == 0) rc = pages_read(v, npages, cat, place, map, nmap, out, err);
    for (size_t i = 0; i < opened; i++) cJSON_Delete(v[i].root);
    free(v);
    if (rc < 0) import_free(out);
    return rc;
}
