/*
 * charset: a text file as a spreadsheet saved it, made UTF-8. Swedish Excel saves CSV in UTF-8
 * with a byte order mark ("CSV UTF-8 (kommaavgränsad)"), in the Windows code page, Windows-1252
 * ("CSV (semikolonavgränsad)"), or as "Unicode text" (UTF-16, little-endian, with a byte order
 * mark, tab-separated).
 *
 * A byte order mark says which. Without one, a file that is valid UTF-8 is UTF-8, and one that
 * is not is read as Windows-1252 when every byte above 0x7F is a character there (å ä ö Å Ä Ö é
 * ü, a no-break space, typographic quotes) and no byte is a control character but tab, CR and
 * LF. Anything else cannot be told with certainty and is refused with its line and what to do:
 * NUL bytes (UTF-16 without its mark, or not text), bytes that Windows-1252 leaves undefined
 * (0x81 0x8D 0x8F 0x90 0x9D), control bytes, or UTF-8 sequences mixed with bytes that are not
 * UTF-8 (a file pieced together from two sources).
 *
 * The UTF-8 made is at most three bytes per byte read (a Windows-1252 byte or a UTF-16 unit:
 * at most three, €; a surrogate pair: four for four), so an input of at most
 * CHARSET_MAX_INPUT bytes gives at most three times that.
 */
#ifndef EKONET_CHARSET_H
#define EKONET_CHARSET_H

#include <stddef.h>

#include "ekonet/errbuf.h"

/* The largest input converted (the CLI reads files of at most 32 MiB). */
#define CHARSET_MAX_INPUT (64u * 1024 * 1024)

/* What to do with a file whose encoding cannot be told (ends every refusal). */
#define CHARSET_ADVICE "save it from Excel as \"CSV UTF-8 (kommaavgränsad) (*.csv)\""

enum charset {
    CHARSET_UTF8 = 0, /* no byte order mark */
    CHARSET_UTF8_BOM, /* Excel's "CSV UTF-8" */
    CHARSET_UTF16LE,  /* Excel's "Unicode text" */
    CHARSET_UTF16BE,
    CHARSET_CP1252, /* Excel's CSV in a Swedish (Western European) Windows */
};

/* The charset's name for people and JSON: "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE",
   "Windows-1252". */
const char *charset_name(enum charset cs);

/*
 * data[0..len) as UTF-8 without a byte order mark in a new NUL-terminated buffer (*out, the
 * caller's to free; *outlen its length), *cs the charset it was in. 0, or -1 with err saying
 * "line N: why; " CHARSET_ADVICE.
 */
int charset_to_utf8(const char *data, size_t len, char **out, size_t *outlen, enum charset *cs,
                    struct errbuf *err);

#endif
