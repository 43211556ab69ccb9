/*
 * beacon (daemon side): this node's beacon every beacon_interval seconds, the latest beacon of
 * every member kept (memory and store) and passed on once, reachability judged from them
 * (docs/PROTOCOL.md section 9).
 */
#ifndef EKONETD_BEACON_H
#define EKONETD_BEACON_H

#include <stdint.h>

#include "ekonet/key.h"
#include "wire.pb-c.h"

struct node;
struct session;

#define BEACONS_PER_MESSAGE 64
#define BEACON_MIN_GAP_MS   1000 /* a member's beacons closer than this are ignored */
#define BEACON_FLUSH_MS     5000 /* new beacons are passed on together, this often */
#define BEACON_HAVE_MAX     8    /* sessions remembered per fresh beacon as holding it */
#define BEACON_LAZY_ROUNDS  3    /* lazy sessions get the beacons of this many flushes at once */

/* A beacon received (or made) since the last lazy flush, to store and to pass on to the
   sessions that have not sent it. */
struct beacon_fresh {
    uint8_t member[KEY_SIZE];
    uint64_t time_ms, received_ms;
    unsigned round; /* the flush it goes out with to eager sessions */
    int kept;       /* stored */
    uint8_t *raw;
    size_t len;
    const struct session *have[BEACON_HAVE_MAX]; /* compared, never dereferenced */
    size_t nhave;
};

/* What this node keeps in memory of a member's latest beacon. */
struct beacon_seen {
    uint8_t key[KEY_SIZE];
    uint64_t time_ms;     /* made (the member's clock) */
    uint64_t received_ms; /* got (this node's clock) */
    uint32_t interval_s;
    int reachable; /* as last announced on the event stream */
};

struct beacon_stats {
    uint64_t received, refused, ignored, sent;
};

/* Loads the kept beacons. 0 or -1. */
int beacon_start(struct node *n);

/* Frees them. */
void beacon_stop(struct node *n);

/* Stores the beacons received since the last flush now, for a reader of the store. */
void beacon_store_fresh(struct node *n);

/* A session went live: send it every kept beacon. */
void beacon_session_live(struct node *n, struct session *s);

/* Beacons from a live session. */
void beacon_receive(struct node *n, struct session *s, const Ekonet__Beacons *m);

/* Timers: this node's beacon when due; reachability changes. */
void beacon_tick(struct node *n);

/* The latest beacon of member key, or NULL. */
const struct beacon_seen *beacon_of(const struct node *n, const uint8_t key[KEY_SIZE]);

/* True if b arrived within two of its member's beacon periods (this node itself: always). */
int beacon_reachable(const struct node *n, const struct beacon_seen *b, uint64_t now_ms);

/* Whether member key is reachable now: this node always, any other by its latest beacon. */
int beacon_member_reachable(const struct node *n, const uint8_t key[KEY_SIZE], uint64_t now_ms);

/*
 * The board feed moved on (a board act): beacons of members no longer admitted are kept to
 * show but no longer passed on, and this node's next beacon goes out within BEACON_FLUSH_MS of its
 * last one, since members read a beacon's heads only against the same board head.
 */
void beacon_roster_changed(struct node *n);

#endif
