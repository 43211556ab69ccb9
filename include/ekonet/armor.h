/*
 * armor: the text form of files people pass around (applications, proposals, bundles):
 *
 *   # lines for people: what the file is, who made it, what it asks for
 *   -----BEGIN EKONET PROPOSAL-----
 *   base64, 64 characters a line
 *   -----END EKONET PROPOSAL-----
 */
#ifndef EKONET_ARMOR_H
#define EKONET_ARMOR_H

#include <stddef.h>
#include <stdint.h>

#include "ekonet/errbuf.h"

/* Returns the armored text (caller frees): comment (may be NULL; each line gets "# "), then the
   block labelled what ("PROPOSAL"). */
char *armor_encode(const char *what, const char *comment, const uint8_t *data, size_t len);

/* Decodes the block labelled what from text into *out (caller frees); at most max bytes. */
int armor_decode(const char *text, const char *what, size_t max, uint8_t **out, size_t *len,
                 struct errbuf *err);

/* Reads and decodes an armored file; err names the file. */
int armor_read_file(const char *path, const char *what, size_t max, uint8_t **out, size_t *len,
                    struct errbuf *err);

#endif
