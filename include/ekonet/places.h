/*
 * places: Sweden's 290 municipalities and 21 regions (län) with their SCB codes, from the
 * lists shipped in share/ and compiled into the binaries.
 * A municipality code has four digits (0114 Upplands Väsby), a region code two (01).
 */
#ifndef EKONET_PLACES_H
#define EKONET_PLACES_H

#include <stddef.h>

enum place_kind { PLACE_MUNICIPALITY = 1, PLACE_REGION = 2 };

struct place {
    const char *code;
    const char *name;
    enum place_kind kind;
    const char *county_code; /* the region a municipality lies in; its own code for a region */
};

/* Looks up an SCB code; returns the place (static, borrowed) or NULL. */
const struct place *place_lookup(const char *code);

/* The i-th place (municipalities first, in list order) or NULL past the end. */
const struct place *place_at(size_t i);

/* Number of municipalities and regions. */
size_t place_count(void);

/* "municipality" or "region". */
const char *place_kind_str(enum place_kind kind);

#endif
