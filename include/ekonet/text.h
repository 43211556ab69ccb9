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

/* Where a text breaks the rules of text_find_fault: its line and column (from 1; the column
   counted in characters) and what is there. */
struct text_fault {
    size_t line, col;
    int nul;            /* a NUL byte */
    int not_utf8;       /* bytes that are not UTF-8 */
    unsigned char byte; /* else: the control character (U+00XX) */
};

/* Finds the first NUL byte, bytes that are not UTF-8, or control character not in allow among
   the len bytes at s. 0 if there is none, else 1 with *f filled. */
int text_find_fault(const char *s, size_t len, const char *allow, struct text_fault *f);

/* Writes "line L, column C: WHAT" for f into buf (of size n), e.g. "line 2, column 4: a NUL
   byte"; returns buf. */
const char *text_fault_str(const struct text_fault *f, char *buf, size_t n);

/* Turns the Windows line ends ("\r\n", as Notepad and Excel write them) of s[0..len) into
   "\n" in place; the new length (s stays NUL-terminated when it was). A lone "\r" stays. */
size_t text_unix_newlines(char *s, size_t len);

/* True if s has no character but spaces, tabs and newlines (an empty string too). */
int text_blank(const char *s);

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
