/*
 * numfmt: numbers and codes as people read them. An indicator's value is shown rounded to the
 * decimals of its unit (a share in per cent with one, kilograms per person with none), with
 * the decimal separator of the reader's locale (a comma in Swedish), and computed numbers
 * (changes, medians) leave without the noise of binary floating point (-20.399999999999977
 * is -20.4). Codes are listed in natural order: GN.2 before GN.11.
 *
 * The locale is read from the environment as setlocale(LC_*, "") would read it, without
 * changing the process's locale: printf and strtod keep the C locale's point, so files,
 * JSON and the API are never written with a comma.
 */
#ifndef EKONET_NUMFMT_H
#define EKONET_NUMFMT_H

#include <stddef.h>

/* Decimals of a unit not in numfmt's table (and without '%'). */
#define NUMFMT_DEFAULT_DECIMALS 2
/* At most this many decimals are ever shown: more is below what any indicator measures. */
#define NUMFMT_MAX_DECIMALS 6
/* From this magnitude on numbers are shown in exponent form: "1e+300", not 300 digits. */
#define NUMFMT_FIXED_MAX 1e15
/* Significant digits kept by numfmt_clean: a double's noise starts after 15. */
#define NUMFMT_CLEAN_DIGITS 12

/* The decimals values of an indicator with this unit are shown with ("%" 1, "kg/person" 0). */
int numfmt_decimals(const char *unit);

/* v rounded to decimals places (0..NUMFMT_MAX_DECIMALS), half away from zero, its binary noise
   removed first (0.15 rounds to 0.2); never -0. */
double numfmt_round(double v, int decimals);

/* v without binary noise: the double nearest to v's NUMFMT_CLEAN_DIGITS significant digits. */
double numfmt_clean(double v);

/*
 * v in buf with exactly `decimals` decimals and `point` as the decimal separator, and a '+'
 * before a positive number when plus is set: "38,5", "412", "+16,0", "-0,4"; from NUMFMT_FIXED_MAX
 * on in exponent form. buf should have room for 32 bytes; returns buf.
 */
const char *numfmt_format(char *buf, size_t size, double v, int decimals, char point, int plus);

/* The decimal separator of the locale named name ("sv_SE.UTF-8" ',', "C" '.'): its own when
   the system has the locale, else ',' for a Swedish name and '.' for any other. */
char numfmt_point_of(const char *name);

/* The decimal separator for the reader: of the locale that LC_ALL, LC_NUMERIC or LANG names. */
char numfmt_point(void);

/* Natural order of codes: runs of digits compare as numbers ("GN.2" < "GN.10a" < "GN.11");
   the rest byte by byte. <0, 0 or >0, as strcmp. */
int numfmt_code_cmp(const char *a, const char *b);

#endif
