/*
 * hex: lowercase hexadecimal, the way ids and keys are shown to users and logged.
 */
#ifndef EKONET_HEX_H
#define EKONET_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n hex digits and a NUL to dst (which holds 2*n+1 bytes); returns dst. */
char *hex_encode(char *dst, const uint8_t *src, size_t n);

/* Decodes exactly 2*n hex digits (either case) from str into dst; 0 or -1 if str is not that. */
int hex_decode(uint8_t *dst, size_t n, const char *str);

/* True if s is 1..max hex digits (a prefix of an id). */
int hex_is_prefix(const char *s, size_t max);

#endif
