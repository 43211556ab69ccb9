/*
 * text: checks on user text (UTF-8, control characters, lengths) shared by the CLI, which
 * refuses bad input early, and the node, which refuses it from anyone.
 */
#ifndef EKONET_TEXT_H
#define EKONET_TEXT_H

#include <stddef.h>

/* True if s is valid UTF-8 (no overlongs, no surrogates) of at most max bytes, with no control
   characters but tab, newline and carriage return. */
int text_valid_utf8(const char *s, size_t max);

/* True if s is valid UTF-8 of 1..max bytes with no control characters (one line of text). */
int text_valid_line(const char *s, size_t max);

/* True if s is valid UTF-8 of at most max bytes, allowing only \n and \t among controls. */
int text_valid_block(const char *s, size_t max);

/* Number of code points in valid UTF-8 s. */
size_t text_chars(const char *s);

/* True if s is an http(s) URL of at most max bytes with a host and no spaces or controls. */
int text_valid_url(const char *s, size_t max);

/* True if s has the shape of a BCP 47 language tag: a primary subtag of 2-3 letters, then
   subtags of 2-8 letters or digits ("sv", "en-GB", "se"). */
int text_valid_language(const char *s);

/* True if s looks like an email address (one line, one @, a dot in the domain, no spaces). */
int text_valid_email(const char *s);

/* True if s looks like a phone number: digits and + - ( ) space, at least 5 digits, <= 40 bytes. */
int text_valid_phone(const char *s);

/* Compares names in Swedish alphabetical order, as strcmp: case folded, å ä ö after z (in that
   order), é as e and ü as y, digits before letters; names equal so are ordered by bytes. */
int text_cmp_sv(const char *a, const char *b);

#endif
