/*
 * api_across: one indicator across the members, for a spreadsheet (ekonet indicators export
 * --indicator): each member's values in force, year by year, the members by name. The values
 * come from one query of the projection (indicators_by_year, over each member's keys), are
 * grouped by member and sorted by name in Swedish order; never by value, since the network
 * does not rank its members. Whose values count is as for the network's band beside a trend:
 * members in good standing and this node.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ekonet/hex.h"
#include "ekonet/indicators.h"
#include "ekonet/roster.h"
#include "ekonet/text.h"

/* The years a member can have values for (1990-2100, PROTOCOL.md 4.1.2). */
#define YEARS_MAX (2100 - 1990 + 1)

/* Members an across reply lists at most: every Swedish municipality and region is 311. */
#define ACROSS_MEMBERS_MAX 1000

/* One member's value of one year, as indicators_by_year gives it. */
struct across_row {
    uint8_t member[KEY_SIZE];
    uint32_t year;
    double value;
};

/* The rows of the members whose values count, at most ACROSS_MEMBERS_MAX x YEARS_MAX. */
struct across_ctx {
    struct node *node;
    struct across_row *rows;
    size_t n, cap;
    int oom, full;
};

static int across_value(void *ctx, const uint8_t member[KEY_SIZE], uint32_t year, double value)
{
    struct across_ctx *a = ctx;
    const size_t max = (size_t)ACROSS_MEMBERS_MAX * YEARS_MAX;
    if (!node_band_admits(a->node, member)) return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        if (a->cap == max) {
            a->full = 1; /* more members than a reply lists: the rest are left out */
            return -1;
        }
        struct across_row *r = realloc(a->rows, (cap < max ? cap : max) * sizeof *r);
        if (!r) {
            a->oom = 1;
            return -1;
        }
        a->rows = r;
        a->cap = cap < max ? cap : max;
    }
    struct across_row *r = &a->rows[a->n++];
    memcpy(r->member, member, KEY_SIZE);
    r->year = year;
    r->value = value;
    return 0;
}

static int row_order(const void *x, const void *y)
{
    const struct across_row *a = x, *b = y;
    int c = memcmp(a->member, b->member, KEY_SIZE);
    return c ? c : (a->year > b->year) - (a->year < b->year);
}

static int member_values_order(const void *x, const void *y)
{
    const Ekonet__MemberValues *a = *(Ekonet__MemberValues *const *)x,
                               *b = *(Ekonet__MemberValues *const *)y;
    return text_cmp_sv(a->name, b->name);
}

/* A MemberValues message for rows[0..n) (one member's, by year); NULL when out of memory. */
static Ekonet__MemberValues *member_values(struct call *c, const struct across_row *rows, size_t n)
{
    struct arena *a = &c->arena;
    const struct node *nd = c->node;
    const struct member *m = nd->roster ? roster_member(nd->roster, rows[0].member) : NULL;
    const char *name = node_member_name(nd, rows[0].member);
    char hex[2 * KEY_SIZE + 1];
    Ekonet__MemberValues *v = arena_alloc(a, sizeof *v);
    if (!v) return NULL;
    ekonet__member_values__init(v);
    v->member = api_bin(a, rows[0].member, KEY_SIZE);
    hex_encode(hex, rows[0].member, 8); /* a member not in a roster: its id's start */
    v->name = arena_strdup(a, name ? name : hex);
    v->code = arena_strdup(a, m ? m->code : nd->cfg->code);
    v->points = arena_alloc(a, n * sizeof *v->points);
    if (!v->name || !v->code || !v->points) return NULL;
    for (size_t i = 0; i < n; i++) {
        Ekonet__TrendPoint *p = arena_alloc(a, sizeof *p);
        if (!p) return NULL;
        ekonet__trend_point__init(p);
        p->year = rows[i].year;
        p->value = rows[i].value;
        v->points[v->n_points++] = p;
    }
    return v;
}

/* Fills r's members from the rows, grouped by member, by name, cut to ACROSS_MEMBERS_MAX. */
static int across_members(struct call *c, Ekonet__AcrossReply *r, struct across_row *rows, size_t n)
{
    size_t members = 0;
    if (n) qsort(rows, n, sizeof *rows, row_order);
    for (size_t i = 0; i < n; i++)
        members += i == 0 || memcmp(rows[i].member, rows[i - 1].member, KEY_SIZE) != 0;
    r->members = arena_alloc(&c->arena, (members + 1) * sizeof *r->members);
    if (!r->members) return -1;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && memcmp(rows[j].member, rows[i].member, KEY_SIZE) == 0; j++) {
        }
        if (!(r->members[r->n_members++] = member_values(c, rows + i, j - i))) return -1;
    }
    if (r->n_members > 1) qsort(r->members, r->n_members, sizeof *r->members, member_values_order);
    if (r->n_members > ACROSS_MEMBERS_MAX) {
        r->has_left_out = 1;
        r->left_out = (uint32_t)(r->n_members - ACROSS_MEMBERS_MAX);
        r->n_members = ACROSS_MEMBERS_MAX;
    }
    return 0;
}

void api_across(struct call *c, const Ekonet__AcrossRequest *req)
{
    struct node *n = c->node;
    const struct indicator *ind = catalogue_find(n->catalogue, req->code);
    struct across_ctx a = {n, NULL, 0, 0, 0, 0};
    if (indicators_by_year(n->store, req->code, 0, across_value, &a) < 0 && !a.oom && !a.full) {
        free(a.rows);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "cannot read snapshots");
    }
    if (a.oom) {
        free(a.rows);
        return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    }
    if (!ind && a.n == 0)
        return api_fail(c, EKONET__API_ERROR_CODE__API_NOT_FOUND,
                        "%.20s is not an indicator of the catalogue in force (revision %s); "
                        "'ekonet indicators catalogue' lists them",
                        req->code, n->catalogue_revision);
    Ekonet__AcrossReply *r = arena_alloc(&c->arena, sizeof *r);
    int rc = -1;
    if (r) {
        ekonet__across_reply__init(r);
        r->code = arena_strdup(&c->arena, req->code);
        if (ind) r->indicator = api_indicator(c, ind);
        rc = r->code && (!ind || r->indicator) ? across_members(c, r, a.rows, a.n) : -1;
        if (a.full && !r->has_left_out) r->has_left_out = 1, r->left_out = 1;
    }
    free(a.rows);
    if (rc < 0) return api_fail(c, EKONET__API_ERROR_CODE__API_INTERNAL, "out of memory");
    c->reply.result_case = EKONET__API_REPLY__RESULT_ACROSS;
    c->reply.across = r;
}
