/*
 * profiles: the projection of PROFILE entries: how each member presents itself (name, code,
 * the endpoints its node can be dialled at, its politician and official with languages and
 * expertise). Of a member's profiles the one with the highest seq is in force, whatever order
 * they were applied in; a redacted profile gives way to the member's latest other one.
 *
 *   profiles(author, id, seq, n, ts, name, code, endpoints, content)
 *     one row per member; endpoints '\n'-joined; content = the Profile bytes in force
 *
 * Until a member publishes a profile, what its membership application said stands in for it
 * (profile_effective): the board keeps the signed application in the ADMIT act. A member that
 * changed its key is presented by the profile of its newest key that has one.
 */
#ifndef EKONET_PROFILES_H
#define EKONET_PROFILES_H

#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/entry.h"

struct store;

#define PROFILES_SCHEMA                                                                            \
    "CREATE TABLE IF NOT EXISTS profiles(author BLOB PRIMARY KEY, id BLOB NOT NULL,"               \
    " seq INTEGER NOT NULL, n INTEGER NOT NULL, ts INTEGER NOT NULL, name TEXT NOT NULL,"          \
    " code TEXT NOT NULL, endpoints TEXT NOT NULL DEFAULT '', content BLOB NOT NULL)"              \
    " WITHOUT ROWID;"                                                                              \
    "CREATE INDEX IF NOT EXISTS profiles_id ON profiles(id);"
#define PROFILES_DROP "DROP TABLE IF EXISTS profiles;"

/* Where a member's details come from. */
enum profile_source {
    PROFILE_NONE = 0,        /* neither a profile nor an application is known here */
    PROFILE_PUBLISHED = 1,   /* its PROFILE entry in force */
    PROFILE_APPLICATION = 2, /* its membership application, as the board admitted it */
};

struct profile_info {
    enum profile_source source;
    uint8_t id[ID_SIZE];      /* PUBLISHED: the entry in force */
    uint64_t seq;             /* PUBLISHED: its seq */
    uint64_t timestamp_ms;    /* PUBLISHED: when it was published; APPLICATION: when it was made */
    uint8_t author[KEY_SIZE]; /* PUBLISHED: the key that published it (the member's newest with
                                 a profile) */
};

/* Applies a PROFILE entry: it is in force unless one with a higher seq is. 0 or -1. */
int profiles_project(struct store *s, const struct entry *e, int64_t n);

/* After entry id was redacted: if it was a profile in force, the author's latest other profile
   that still has its content takes its place (or none). 0 or -1. */
int profiles_forget(struct store *s, const uint8_t id[ID_SIZE]);

/*
 * The profile in force for the member of key author: of its keys (docs/PROTOCOL.md 4.4.1), the
 * newest that has published one. 1 with *p (free with ekonet__profile__free_unpacked) and
 * info, 0 when the member has none, -1 on error.
 */
int profile_get(struct store *s, const uint8_t author[KEY_SIZE], struct profile_info *info,
                Ekonet__Profile **p);

/*
 * What a member says about itself: its profile in force, else a Profile made of its admitted
 * application (the board's name and code, the application's endpoint and contact persons).
 * 1 with *p (free with ekonet__profile__free_unpacked) and info->source, 0 when neither is
 * known (info->source PROFILE_NONE), -1 on error.
 */
int profile_effective(struct store *s, const uint8_t author[KEY_SIZE], struct profile_info *info,
                      Ekonet__Profile **p);

#endif
