/*
 * numfmt: numbers and codes as people read them (see the header). The decimals per unit are
 * a table of the units the network's catalogues use; a unit not in it is shown with one
 * decimal when it is a share ('%') and NUMFMT_DEFAULT_DECIMALS otherwise.
 */
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekonet/lang.h"
#include "ekonet/numfmt.h"

/* Decimals by unit: as the sources publish them (Kolada, Avfall Sverige, the emissions
   database), so that a value is never shown more precise than it was measured. */
static const struct {
    const char *unit;
    int decimals;
} unit_decimals[] = {
    {"%", 1},
    {"kg/person", 0},
    {"kg/inv", 0},
    {"resor/inv", 0},
    {"kWh/årsarbetare", 0},
    {"ton CO2/inv", 2},
    {"ton CO2e/inv", 2},
    {"ton CO2/årsarbetare", 2},
    {"mg/kg ts", 2},
};

int numfmt_decimals(const char *unit)
{
    if (!unit) return NUMFMT_DEFAULT_DECIMALS;
    for (size_t i = 0; i < sizeof unit_decimals / sizeof unit_decimals[0]; i++)
        if (strcmp(unit, unit_decimals[i].unit) == 0) return unit_decimals[i].decimals;
    return strchr(unit, '%') ? 1 : NUMFMT_DEFAULT_DECIMALS;
}

double numfmt_clean(double v)
{
    if (!isfinite(v) || v == 0) return v == 0 ? 0 : v;
    char buf[40];
    snprintf(buf, sizeof buf, "%.*g", NUMFMT_CLEAN_DIGITS, v);
    return strtod(buf, NULL);
}

double numfmt_round(double v, int decimals)
{
    if (!isfinite(v)) return v;
    if (decimals < 0) decimals = 0;
    if (decimals > NUMFMT_MAX_DECIMALS) decimals = NUMFMT_MAX_DECIMALS;
    double scale = pow(10, decimals);
    /* beyond 2^52 a double has no fraction left to round */
    if (fabs(v) * scale >= 4503599627370496.0) return v;
    double r = numfmt_clean(round(numfmt_clean(v) * scale) / scale);
    return r == 0 ? 0 : r; /* no -0 */
}

const char *numfmt_format(char *buf, size_t size, double v, int decimals, char point, int plus)
{
    if (size == 0) return buf;
    if (decimals < 0) decimals = 0;
    if (decimals > NUMFMT_MAX_DECIMALS) decimals = NUMFMT_MAX_DECIMALS;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "?" : v > 0 ? "∞" : "-∞");
        return buf;
    }
    double r = numfmt_round(v, decimals);
    if (fabs(r) >= NUMFMT_FIXED_MAX) /* %f would print 300 digits */
        snprintf(buf, size, "%s%.6g", plus && r > 0 ? "+" : "", r);
    else
        snprintf(buf, size, "%s%.*f", plus && r > 0 ? "+" : "", decimals, r);
    char *dot = strchr(buf, '.');
    if (dot) *dot = point;
    return buf;
}

/* Whether name is a Swedish locale's: "sv", then its end or a territory, codeset or modifier. */
static int swedish_name(const char *name)
{
    return strncmp(name, "sv", 2) == 0 && strchr("_.@", name[2] ? name[2] : '_');
}

char numfmt_point_of(const char *name)
{
    if (!name || !*name) return '.';
    locale_t loc = newlocale(LC_NUMERIC_MASK, name, (locale_t)0);
    if (loc) {
        const char *radix = nl_langinfo_l(RADIXCHAR, loc);
        /* a separator of several bytes (or none) is shown as a point */
        char point = radix && radix[0] == ',' && !radix[1] ? ',' : '.';
        freelocale(loc);
        return point;
    }
    /* the system lacks the locale's data: the reader still asked for it */
    return swedish_name(name) ? ',' : '.';
}

char numfmt_point(void)
{
    return numfmt_point_of(lang_locale_name("LC_NUMERIC"));
}

/* Length of the run of digits at s. */
static size_t digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') n++;
    return n;
}

/* Compares the digit runs a[0..na) and b[0..nb) as numbers; equal numbers: fewer zeros first. */
static int number_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    size_t za = 0, zb = 0;
    while (za + 1 < na && a[za] == '0') za++;
    while (zb + 1 < nb && b[zb] == '0') zb++;
    if (na - za != nb - zb) return na - za < nb - zb ? -1 : 1;
    int c = memcmp(a + za, b + zb, na - za);
    if (c) return c;
    return na == nb ? 0 : na < nb ? -1 : 1;
}

int numfmt_code_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        size_t na = digits(a), nb = digits(b);
        if (na && nb) {
            int c = number_cmp(a, na, b, nb);
            if (c) return c;
            a += na, b += nb;
            continue;
        }
        if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++, b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}
