/*
 * chart: SVG and terminal charts of one member's own trend (see chart.h).
 *
 * The SVG is a standalone document: an XML declaration, the SVG namespace, a viewBox, a
 * <title> and <desc> for screen readers (and a <title> per chart and per point), no script,
 * no external reference. Its elements carry classes a test can count: "point" for each
 * value's marker, "band" and "median" for the network's context, "trend" and "gap" for the
 * member's line.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "ekonet/axis.h"
#include "ekonet/numfmt.h"
#include "ekonet/text.h"

/* The legend's text is 11 px: about this many pixels a character, to place the next item. */
#define LEGEND_CHAR_PX 6.2

static const struct chart_words words_en = {
    .higher_better = "higher is better",
    .lower_better = "lower is better",
    .better = "better",
    .worse = "worse",
    .same = "same",
    .no_value = "no value",
    .no_values = "no values",
    .per_year = "a year",
    .over = "over",
    .years = "years",
    .band = "network: middle half",
    .median = "network median",
    .gap = "years without a value",
    .not_in_catalogue = "(not in the catalogue in force)",
    .to = "to",
    .grey_note = "In grey, for context: the network's median and middle half each year "
                 "(from 5 members with a value).",
    .col_year = "YEAR",
    .col_value = "VALUE",
    .col_change = "CHANGE",
    .col_network = "NETWORK: MEDIAN (MIDDLE HALF)",
    .members = "members",
    .no_band = "fewer than 5 members",
    .preliminary = "preliminary",
    .forced = "forced",
    .history = "history",
    .published = "published",
    .corrected = "corrected",
    .withdrawn = "withdrawn",
};

static const struct chart_words words_sv = {
    .higher_better = "högre är bättre",
    .lower_better = "lägre är bättre",
    .better = "bättre",
    .worse = "sämre",
    .same = "oförändrat",
    .no_value = "inget värde",
    .no_values = "inga värden",
    .per_year = "per år",
    .over = "på",
    .years = "år",
    .band = "nätverket: mittersta hälften",
    .median = "nätverkets median",
    .gap = "år utan värde",
    .not_in_catalogue = "(inte i katalogen)",
    .to = "till",
    .grey_note = "I grått, som jämförelse: nätverkets median och mittersta hälft varje år "
                 "(från 5 medlemmar med värde).",
    .col_year = "ÅR",
    .col_value = "VÄRDE",
    .col_change = "FÖRÄNDRING",
    .col_network = "NÄTVERKET: MEDIAN (MITTERSTA HÄLFTEN)",
    .members = "medlemmar",
    .no_band = "färre än 5 medlemmar",
    .preliminary = "preliminärt",
    .forced = "bekräftat utanför intervallet",
    .history = "historik",
    .published = "publicerat",
    .corrected = "rättat",
    .withdrawn = "återkallat",
};

const struct chart_words *chart_words(enum lang l)
{
    return l == LANG_SV ? &words_sv : &words_en;
}

/* ---- a growing string -------------------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 8192) + (size_t)n;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
}

/* s with &, <, >, " and ' escaped for XML text and attributes. */
static void sb_text(struct sbuf *b, const char *s)
{
    for (; s && *s; s++) {
        const char *e = *s == '&'    ? "&amp;"
                        : *s == '<'  ? "&lt;"
                        : *s == '>'  ? "&gt;"
                        : *s == '"'  ? "&quot;"
                        : *s == '\'' ? "&#39;"
                                     : NULL;
        if (e)
            sb_printf(b, "%s", e);
        else
            sb_printf(b, "%c", *s);
    }
}

/* ---- geometry shared by both charts ------------------------------------------------------- */

/* The value axis of a chart: the member's values and the network's quartiles. */
static void chart_axis(const struct chart *ch, struct axis *a)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < ch->npoints; i++)
        lo = fmin(lo, ch->points[i].value), hi = fmax(hi, ch->points[i].value);
    for (size_t i = 0; i < ch->nband; i++)
        if (ch->band[i].has_quartiles) lo = fmin(lo, ch->band[i].q1), hi = fmax(hi, ch->band[i].q3);
    int share = ch->unit && strchr(ch->unit, '%') && hi <= 100;
    if (axis_nice(lo, hi, lo >= 0, share, a) < 0) /* no finite value: an axis of 0 to 1 */
        (void)axis_nice(0, 1, 1, 0, a);
}

static uint32_t first_year(const struct chart *ch)
{
    return ch->points[0].year;
}

static uint32_t last_year(const struct chart *ch)
{
    return ch->points[ch->npoints - 1].year;
}

/* Whether the member has a value for year. */
static int has_year(const struct chart *ch, uint32_t year)
{
    for (size_t i = 0; i < ch->npoints; i++)
        if (ch->points[i].year == year) return 1;
    return 0;
}

/* Years between x-axis labels: every year for a short span, else 2, 5 or 10. */
static uint32_t label_step(uint32_t span, uint32_t max_labels)
{
    static const uint32_t steps[] = {1, 2, 5, 10, 20, 50};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] + 1 <= max_labels) return steps[i];
    return 100;
}

/* ---- SVG ----------------------------------------------------------------------------------- */

/* Plot area of chart i (pixels). */
struct frame {
    double x0, x1, y0, y1; /* x0..x1 the years, y0 (top) .. y1 (bottom) the values */
    double top;
    uint32_t from, to;
    struct axis a;
};

static double fx(const struct frame *f, uint32_t year)
{
    if (f->to == f->from) return (f->x0 + f->x1) / 2;
    return f->x0 + (f->x1 - f->x0) * (double)(year - f->from) / (double)(f->to - f->from);
}

static double fy(const struct frame *f, double v)
{
    return f->y1 - (v - f->a.lo) / (f->a.hi - f->a.lo) * (f->y1 - f->y0);
}

static void svg_heading(struct sbuf *b, const struct chart *ch, const struct frame *f)
{
    const struct chart_words *w = chart_words(ch->lang);
    char title[512];
    snprintf(title, sizeof title, "%s: %s %s", ch->member, ch->code, ch->name);
    sb_printf(b, "<title>");
    sb_text(b, title);
    sb_printf(b,
              "</title>\n<text class=\"title\" x=\"12\" y=\"%.0f\" font-size=\"15\" "
              "font-weight=\"bold\">",
              f->top + 24);
    sb_text(b, title);
    sb_printf(b, "</text>\n<text class=\"subtitle\" x=\"12\" y=\"%.0f\" fill=\"#444\">",
              f->top + 44);
    sb_text(b, ch->unit);
    if (ch->known) {
        sb_printf(b, " · ");
        sb_text(b, ch->lower_is_better ? w->lower_better : w->higher_better);
    }
    sb_printf(b, "</text>\n");
}

/* Gridlines and labels of the value axis, the frame and the years. */
static void svg_axes(struct sbuf *b, const struct chart *ch, const struct frame *f)
{
    char num[40];
    for (int i = 0; i < f->a.nticks; i++) {
        double v = f->a.lo + f->a.step * i, y = fy(f, v);
        sb_printf(b,
                  "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                  "stroke=\"#e6e6e6\"/>\n<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                  "text-anchor=\"end\" fill=\"#444\">%s</text>\n",
                  f->x0 - 15, y, f->x1 + 15, y, f->x0 - 20, y + 4,
                  numfmt_format(num, sizeof num, v, f->a.decimals, ch->point, 0));
    }
    sb_printf(b,
              "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "stroke=\"#888\"/>\n",
              f->x0 - 15, f->y1 + 8, f->x1 + 15, f->y1 + 8);
    uint32_t step = label_step(f->to - f->from, 12);
    for (uint32_t y = f->from; y <= f->to; y++) {
        if ((y - f->from) % step != 0 && y != f->to) continue;
        if (y != f->to && f->to - y < step && step > 1) continue; /* room for the last */
        sb_printf(b,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n"
                  "<text class=\"year\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                  "fill=\"%s\">%u</text>\n",
                  fx(f, y), f->y1 + 8, fx(f, y), f->y1 + 13, fx(f, y), f->y1 + 27,
                  has_year(ch, y) ? "#222" : "#999", y);
    }
}

/* The network's band and median, one shape per run of consecutive years with quartiles. */
static void svg_band(struct sbuf *b, const struct chart *ch, const struct frame *f)
{
    size_t i = 0;
    while (i < ch->nband) {
        if (!ch->band[i].has_quartiles) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < ch->nband && ch->band[j + 1].has_quartiles &&
               ch->band[j + 1].year == ch->band[j].year + 1)
            j++;
        double half = i == j ? 6 : 0; /* a lone year: a short bar, so that it shows */
        sb_printf(b, "<path class=\"band\" fill=\"#d9d9d9\" d=\"");
        for (size_t k = i; k <= j; k++)
            sb_printf(b, "%s%.1f,%.1f ", k == i ? "M" : "L", fx(f, ch->band[k].year) - half,
                      fy(f, ch->band[k].q3));
        if (half)
            sb_printf(b, "L%.1f,%.1f ", fx(f, ch->band[i].year) + half, fy(f, ch->band[i].q3));
        if (half)
            sb_printf(b, "L%.1f,%.1f ", fx(f, ch->band[i].year) + half, fy(f, ch->band[i].q1));
        for (size_t k = j + 1; k-- > i;)
            sb_printf(b, "L%.1f,%.1f ", fx(f, ch->band[k].year) - half, fy(f, ch->band[k].q1));
        sb_printf(b, "Z\"/>\n<polyline class=\"median\" fill=\"none\" stroke=\"#777\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"5 3\" points=\"");
        for (size_t k = i; k <= j; k++)
            sb_printf(b, "%.1f,%.1f ", fx(f, ch->band[k].year) - half, fy(f, ch->band[k].median));
        if (half)
            sb_printf(b, "%.1f,%.1f", fx(f, ch->band[i].year) + half, fy(f, ch->band[i].median));
        sb_printf(b, "\"/>\n");
        i = j + 1;
    }
}

/* The member's line (dashed across missing years), its points and their values. */
static void svg_member(struct sbuf *b, const struct chart *ch, const struct frame *f)
{
    char num[40];
    for (size_t i = 1; i < ch->npoints; i++) {
        const struct chart_point *p = &ch->points[i - 1], *q = &ch->points[i];
        int gap = q->year > p->year + 1;
        sb_printf(b,
                  "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                  "stroke=\"#1b6e2a\" stroke-width=\"2.5\"%s/>\n",
                  gap ? "trend gap" : "trend", fx(f, p->year), fy(f, p->value), fx(f, q->year),
                  fy(f, q->value), gap ? " stroke-dasharray=\"2 5\"" : "");
    }
    for (size_t i = 0; i < ch->npoints; i++) {
        const struct chart_point *p = &ch->points[i];
        numfmt_format(num, sizeof num, p->value, ch->decimals, ch->point, 0);
        sb_printf(b,
                  "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#1b6e2a\" "
                  "stroke=\"#fff\" stroke-width=\"1.5\"><title>%u: %s ",
                  fx(f, p->year), fy(f, p->value), p->year, num);
        sb_text(b, ch->unit);
        sb_printf(b, "</title></circle>\n");
        /* the values of the first and the last year, and of every year when there are few */
        if (ch->npoints <= 8 || i == 0 || i + 1 == ch->npoints)
            sb_printf(b,
                      "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                      "font-size=\"11\" fill=\"#1b6e2a\" stroke=\"#fff\" stroke-width=\"3\" "
                      "paint-order=\"stroke\">%s</text>\n",
                      fx(f, p->year), fy(f, p->value) - 10, num);
    }
}

static void svg_legend(struct sbuf *b, const struct chart *ch, const struct frame *f)
{
    const struct chart_words *w = chart_words(ch->lang);
    double y = f->top + CHART_SVG_HEIGHT - 18, x = 16;
    int any_band = 0, any_gap = 0;
    for (size_t i = 0; i < ch->nband; i++) any_band |= ch->band[i].has_quartiles;
    for (size_t i = 1; i < ch->npoints; i++)
        any_gap |= ch->points[i].year > ch->points[i - 1].year + 1;
    sb_printf(b,
              "<g class=\"legend\" font-size=\"11\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
              "fill=\"#1b6e2a\"/><text x=\"%.1f\" y=\"%.1f\">",
              x, y - 4, x + 10, y);
    sb_text(b, ch->member);
    sb_printf(b, "</text>\n");
    x += 34 + LEGEND_CHAR_PX * (double)text_chars(ch->member);
    if (any_gap) {
        sb_printf(b,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1b6e2a\" "
                  "stroke-width=\"2.5\" stroke-dasharray=\"2 5\"/><text x=\"%.1f\" y=\"%.1f\">",
                  x - 6, y - 4, x + 16, y - 4, x + 22, y);
        sb_text(b, w->gap);
        sb_printf(b, "</text>\n");
        x += 52 + LEGEND_CHAR_PX * (double)text_chars(w->gap);
    }
    if (any_band) {
        sb_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"10\" fill=\"#d9d9d9\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\">",
                  x - 6, y - 9, x + 16, y);
        sb_text(b, w->band);
        sb_printf(b, "</text>\n");
        x += 46 + LEGEND_CHAR_PX * (double)text_chars(w->band);
        sb_printf(b,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777\" "
                  "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/><text x=\"%.1f\" y=\"%.1f\">",
                  x - 6, y - 4, x + 16, y - 4, x + 22, y);
        sb_text(b, w->median);
        sb_printf(b, "</text>\n");
    }
    sb_printf(b, "</g>\n");
}

/* The description of a chart for screen readers: every value, in words. */
static void svg_desc(struct sbuf *b, const struct chart *ch)
{
    const struct chart_words *w = chart_words(ch->lang);
    char num[40];
    sb_text(b, ch->member);
    sb_printf(b, ", %s ", ch->code);
    sb_text(b, ch->name);
    sb_printf(b, " (");
    sb_text(b, ch->unit);
    sb_printf(b, "), %u %s %u: ", first_year(ch), w->to, last_year(ch));
    for (size_t i = 0; i < ch->npoints; i++)
        sb_printf(b, "%s%u: %s", i ? "; " : "", ch->points[i].year,
                  numfmt_format(num, sizeof num, ch->points[i].value, ch->decimals, ch->point, 0));
    sb_printf(b, ". %s", w->grey_note);
}

static void svg_chart(struct sbuf *b, const struct chart *ch, size_t i)
{
    struct frame f = {.x0 = 95, .x1 = CHART_SVG_WIDTH - 35, .top = (double)i * CHART_SVG_HEIGHT};
    f.y0 = f.top + 70, f.y1 = f.top + CHART_SVG_HEIGHT - 75;
    f.from = first_year(ch), f.to = last_year(ch);
    chart_axis(ch, &f.a);
    sb_printf(b, "<g class=\"chart\" id=\"chart-%zu\" role=\"group\">\n", i + 1);
    svg_heading(b, ch, &f);
    sb_printf(b, "<desc>");
    svg_desc(b, ch);
    sb_printf(b, "</desc>\n");
    svg_axes(b, ch, &f);
    svg_band(b, ch, &f);
    svg_member(b, ch, &f);
    svg_legend(b, ch, &f);
    sb_printf(b, "</g>\n");
}

char *chart_svg(const struct chart *ch, size_t n, size_t *len)
{
    struct sbuf b = {0};
    char title[512];
    size_t o = (size_t)snprintf(title, sizeof title, "%s:", n ? ch[0].member : "");
    for (size_t i = 0; i < n && o < sizeof title; i++)
        o += (size_t)snprintf(title + o, sizeof title - o, "%s %s%s%s", i ? "," : "", ch[i].code,
                              n == 1 ? " " : "", n == 1 ? ch[i].name : "");
    sb_printf(&b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
              "height=\"%zu\" viewBox=\"0 0 %d %zu\" role=\"img\" aria-labelledby=\"title desc\" "
              "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n"
              "<title id=\"title\">",
              CHART_SVG_WIDTH, n * CHART_SVG_HEIGHT, CHART_SVG_WIDTH, n * CHART_SVG_HEIGHT);
    sb_text(&b, title);
    sb_printf(&b, "</title>\n<desc id=\"desc\">");
    for (size_t i = 0; i < n; i++) {
        sb_printf(&b, "%s", i ? " " : "");
        svg_desc(&b, &ch[i]);
    }
    sb_printf(&b, "</desc>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
    for (size_t i = 0; i < n; i++) svg_chart(&b, &ch[i], i);
    sb_printf(&b, "</svg>\n");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* ---- terminal ------------------------------------------------------------------------------ */

enum cell { CELL_EMPTY, CELL_BAND, CELL_MEDIAN, CELL_POINT };

/* The row of value v (0 the top). */
static int text_row(const struct axis *a, double v)
{
    int r = (int)lround((a->hi - v) / (a->hi - a->lo) * (CHART_TEXT_ROWS - 1));
    return r < 0 ? 0 : r >= CHART_TEXT_ROWS ? CHART_TEXT_ROWS - 1 : r;
}

/* The plot's cells: each year cw columns wide, the member's value at the year's middle. */
static void text_cells(const struct chart *ch, const struct axis *a, int cw,
                       unsigned char cells[CHART_TEXT_ROWS][CHART_TEXT_MAX_COLS])
{
    memset(cells, CELL_EMPTY, CHART_TEXT_ROWS * CHART_TEXT_MAX_COLS);
    uint32_t from = first_year(ch);
    for (size_t i = 0; i < ch->nband; i++) {
        const struct chart_band *y = &ch->band[i];
        if (!y->has_quartiles || y->year < from) continue;
        int c0 = (int)(y->year - from) * cw;
        for (int r = text_row(a, y->q3); r <= text_row(a, y->q1); r++)
            for (int k = 0; k < cw && c0 + k < CHART_TEXT_MAX_COLS; k++)
                cells[r][c0 + k] = CELL_BAND;
        for (int k = 0; k < cw && c0 + k < CHART_TEXT_MAX_COLS; k++)
            cells[text_row(a, y->median)][c0 + k] = CELL_MEDIAN;
    }
    for (size_t i = 0; i < ch->npoints; i++) {
        int c = (int)(ch->points[i].year - from) * cw + cw / 2;
        if (c < CHART_TEXT_MAX_COLS) cells[text_row(a, ch->points[i].value)][c] = CELL_POINT;
    }
}

/* The years under the plot: the first, the last, and others where they fit. */
static void text_years(const struct chart *ch, int cw, int cols, int lw)
{
    char line[CHART_TEXT_MAX_COLS + 16];
    uint32_t from = first_year(ch), to = last_year(ch);
    int end = -1;
    memset(line, ' ', sizeof line);
    for (uint32_t y = from; y <= to; y++) {
        int c = (int)(y - from) * cw + cw / 2 - 1;
        if (c < 0) c = 0;
        if (c + 4 > cols + 4) break;
        int last = y == to;
        if (!last && (c <= end + 1 || !has_year(ch, y) || c + 4 > cols - 5)) continue;
        if (last && c <= end + 1) c = end + 2;
        snprintf(line + c, 5, "%u", y);
        line[c + 4] = ' ';
        end = c + 3;
    }
    line[end + 1 > 0 ? end + 1 : 0] = '\0';
    printf("%*s %s\n", lw, "", line);
}

void chart_text(const struct chart *ch, int color, int width)
{
    static unsigned char cells[CHART_TEXT_ROWS][CHART_TEXT_MAX_COLS];
    const struct chart_words *w = chart_words(ch->lang);
    struct axis a;
    chart_axis(ch, &a);
    char hi[40], lo[40];
    numfmt_format(hi, sizeof hi, a.hi, a.decimals, ch->point, 0);
    numfmt_format(lo, sizeof lo, a.lo, a.decimals, ch->point, 0);
    int lw = (int)(strlen(hi) > strlen(lo) ? strlen(hi) : strlen(lo)) + 2;
    int span = (int)(last_year(ch) - first_year(ch)) + 1, room = width - lw - 4;
    if (room > CHART_TEXT_MAX_COLS) room = CHART_TEXT_MAX_COLS;
    int cw = room / span > 4 ? 4 : room / span < 1 ? 1 : room / span;
    int cols = span * cw > CHART_TEXT_MAX_COLS ? CHART_TEXT_MAX_COLS : span * cw;
    text_cells(ch, &a, cw, cells);
    const char *grey = color ? "\033[90m" : "", *green = color ? "\033[32m" : "",
               *off = color ? "\033[0m" : "";
    for (int r = 0; r < CHART_TEXT_ROWS; r++) {
        const char *label = r == 0 ? hi : r == CHART_TEXT_ROWS - 1 ? lo : "";
        printf("  %*s %s", lw - 2, label, r == 0 || r == CHART_TEXT_ROWS - 1 ? "┤" : "│");
        for (int k = 0; k < cols; k++) {
            unsigned char cell = cells[r][k];
            if (cell == CELL_POINT)
                printf("%s●%s", green, off);
            else if (cell == CELL_MEDIAN)
                printf("%s─%s", grey, off);
            else if (cell == CELL_BAND)
                printf("%s░%s", grey, off);
            else
                putchar(' ');
        }
        putchar('\n');
    }
    printf("%*s └", lw, "");
    for (int k = 0; k < cols; k++) fputs("─", stdout);
    putchar('\n');
    text_years(ch, cw, cols, lw);
    int any_band = 0;
    for (size_t i = 0; i < ch->nband; i++) any_band |= ch->band[i].has_quartiles;
    printf("%*s %s●%s %s", lw, "", green, off, ch->member);
    if (any_band) printf("   %s░%s %s   %s─%s %s", grey, off, w->band, grey, off, w->median);
    putchar('\n');
}
