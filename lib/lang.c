/*
 * lang: the reader's language from the locale's environment variables (see the header). The
 * variables are read, not set: the process keeps the C locale for everything it writes.
 */
#include <stdlib.h>
#include <string.h>

#include "ekonet/lang.h"

enum lang lang_of(const char *name)
{
    if (!name || strncmp(name, "sv", 2) != 0) return LANG_EN;
    return name[2] == '\0' || name[2] == '_' || name[2] == '.' || name[2] == '@' ? LANG_SV
                                                                                 : LANG_EN;
}

const char *lang_locale_name(const char *category)
{
    const char *v = getenv("LC_ALL");
    if (v && *v) return v;
    v = getenv(category);
    if (v && *v) return v;
    v = getenv("LANG");
    return v && *v ? v : NULL;
}

enum lang lang_from_env(void)
{
    return lang_of(lang_locale_name("LC_MESSAGES"));
}

/* The catalogues' Swedish units and their English. */
static const struct {
    const char *sv, *en;
} units[] = {
    {"resor/inv", "trips/inhabitant"},
    {"kg/inv", "kg/inhabitant"},
    {"ton CO2/inv", "tonnes CO2/inhabitant"},
    {"ton CO2e/inv", "tonnes CO2e/inhabitant"},
    {"kWh/årsarbetare", "kWh/full-time employee"},
    {"ton CO2/årsarbetare", "tonnes CO2/full-time employee"},
    {"mg/kg ts", "mg/kg dry matter"},
};

const char *lang_unit(const char *unit, enum lang l)
{
    if (!unit || l == LANG_SV) return unit ? unit : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].sv) == 0) return units[i].en;
    return unit;
}
