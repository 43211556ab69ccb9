/*
 * exposition: writes the Prometheus text exposition format (version 0.0.4) into a growing
 * buffer. A family is written as its # HELP and # TYPE lines followed by its samples, all
 * together; the caller keeps that order:
 *
 *   metric_family(&x, "ekonet_sessions", "gauge", "Sessions with other members' nodes.");
 *   char l[128] = "";
 *   metric_label(l, sizeof l, "state", "live");
 *   metric_value(&x, "ekonet_sessions", l, 3);
 *
 * Names are the program's own constants (an invalid one fails the buffer); label values may
 * be anything and are escaped (backslash, double quote, newline). Running out of memory marks the
 * buffer failed and exposition_take returns NULL: a half-written exposition is never served.
 */
#ifndef EKONET_EXPOSITION_H
#define EKONET_EXPOSITION_H

#include <stddef.h>

struct exposition {
    char *text; /* NUL-terminated */
    size_t len, cap;
    int failed;
};

/* Starts a family: "# HELP name help" and "# TYPE name type" (counter, gauge or untyped). */
void metric_family(struct exposition *x, const char *name, const char *type, const char *help);

/* One sample: "name{labels} value"; labels is "" or a set built with metric_label. */
void metric_value(struct exposition *x, const char *name, const char *labels, double value);

/*
 * Appends name="value" to the label set in labels (a string of size bytes, "" to start),
 * escaping the value; bytes of a value that is not UTF-8 are shown as '?'. 0, or -1 when it
 * does not fit (labels is left as it was).
 */
int metric_label(char *labels, size_t size, const char *name, const char *value);

/* The text written so far (caller frees; len gets its length), and x is empty again; NULL
   when memory ran out on the way. */
char *exposition_take(struct exposition *x, size_t *len);

/* Frees what x holds. */
void exposition_free(struct exposition *x);

#endif
