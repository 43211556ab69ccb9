/*
 * lang: the language the reader asked for through the locale (LC_ALL, LC_MESSAGES or LANG,
 * as gettext will read them): Swedish for "sv", "sv_SE.UTF-8", "sv_FI"; English otherwise,
 * the C locale included. Until the interface is translated it decides only what must be in
 * one language on one line or chart: an indicator's name, its unit and its direction.
 */
#ifndef EKONET_LANG_H
#define EKONET_LANG_H

enum lang { LANG_EN = 0, LANG_SV = 1 };

/* The language of a locale name ("sv_SE.UTF-8": LANG_SV; "C", NULL, "": LANG_EN). */
enum lang lang_of(const char *locale_name);

/* The reader's language, from LC_ALL, else LC_MESSAGES, else LANG. */
enum lang lang_from_env(void);

/* The environment variable of category (e.g. "LC_NUMERIC") that is in force: LC_ALL when set,
   else the category's, else LANG; NULL when none is set. Borrowed from the environment. */
const char *lang_locale_name(const char *category);

/* A unit of the catalogue as written in lang: the catalogue's units are Swedish
   ("resor/inv"); in English the known ones are translated, others are shown as they are. */
const char *lang_unit(const char *unit, enum lang l);

#endif
