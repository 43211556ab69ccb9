/*
 * api: internals shared by the local API's handlers (api.c: framing and dispatch, status;
 * api_reply.c: the call's arena, error replies, resolving ids and members;
 * api_reports.c: publishing and reading reports; api_indicators.c and api_across.c: indicator
 * values; api_network.c: the network, its members and board acts; api_profiles.c: members'
 * profiles; api_own.c: the own feed's pending publishes; backup.c: backups of the store;
 * rotation.c: a change of this node's key). A call's reply points into memory kept in the
 * call's arena until it is sent.
 */
#ifndef EKONETD_API_H
#define EKONETD_API_H

#include <stddef.h>
#include <stdint.h>

#include "api.pb-c.h"
#include "ekonet/key.h"
#include "node.h"

#define API_LIST_LIMIT 1000

struct arena {
    void **ptrs;
    size_t n, cap;
};

/* Arena allocations live until the reply is sent; NULL when out of memory. */
void *arena_keep(struct arena *a, void *p);
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
void *arena_bytes(struct arena *a, const void *p, size_t n);
void arena_free(struct arena *a);

/* An allocator for protobuf-c that allocates in the arena: messages unpacked with it need no
   free_unpacked and live as long as the call. */
ProtobufCAllocator arena_allocator(struct arena *a);

struct call {
    struct node *node;
    struct arena arena;
    Ekonet__ApiReply reply;
    Ekonet__ApiError error;
    Ekonet__Report *report; /* unpacked from the store for report_get; freed after sending */
    Ekonet__Event *event;   /* the same for event_get */
};

/* The reply to one request that came in `frames` frames (1 unless malformed), the first
   data[0..len): a packed ApiReply of *outlen bytes, the caller's to free; NULL when out of
   memory. Counted in the node's stats like every request. */
uint8_t *api_answer(struct node *n, const uint8_t *data, size_t len, int frames, size_t *outlen);

/* Replies with an error (and counts it). */
void api_fail(struct call *c, Ekonet__ApiErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Bytes copied into the call's arena. */
ProtobufCBinaryData api_bin(struct arena *a, const void *p, size_t n);

/* Resolves a hex id or prefix; 0 and id filled, or -1 after replying with an error. */
int api_resolve(struct call *c, const char *text, uint8_t id[ID_SIZE]);

/* Resolves a member named by SCB code, node id (8+ hex digits) or name; 0, or -1 replied. */
int api_member(struct call *c, const char *text, uint8_t key[KEY_SIZE]);

/* Splits '\n'-separated text into strings in the call's arena. */
void api_split_lines(struct call *c, const char *text, char ***out, size_t *n);

/* An Indicator message for a catalogue entry, in the call's arena; NULL when out of memory. */
Ekonet__Indicator *api_indicator(struct call *c, const struct indicator *ind);

/* The handlers: each fills c->reply (result or error). */
void api_status(struct call *c);
void api_publish(struct call *c, const Ekonet__PublishRequest *p);
void api_report_list(struct call *c, const Ekonet__ReportListRequest *req);
void api_report_get(struct call *c, const Ekonet__ReportGetRequest *req);
void api_network(struct call *c);
void api_publish_entry(struct call *c, const Ekonet__PublishEntryRequest *req);
void api_member_list(struct call *c);
void api_board_feed(struct call *c);
void api_peer_list(struct call *c);
void api_event_list(struct call *c, const Ekonet__EventListRequest *req);
void api_event_get(struct call *c, const Ekonet__EventGetRequest *req);
void api_catalogue(struct call *c);
void api_snapshot(struct call *c, const Ekonet__SnapshotRequest *req);
void api_trend(struct call *c, const Ekonet__TrendRequest *req);
void api_examples(struct call *c, const Ekonet__ExamplesRequest *req);
void api_across(struct call *c, const Ekonet__AcrossRequest *req);
void api_profile_get(struct call *c, const Ekonet__ProfileGetRequest *req);
void api_contact_send(struct call *c, const Ekonet__ContactSendRequest *req);
void api_contact_list(struct call *c, const Ekonet__ContactListRequest *req);
void api_contact_get(struct call *c, const Ekonet__ContactGetRequest *req);
void api_contact_reply(struct call *c, const Ekonet__ContactReplyRequest *req);
void api_network_status(struct call *c);
void api_reach(struct call *c, const Ekonet__ReachRequest *req);
void api_pending(struct call *c, const Ekonet__PendingRequest *req);
void api_backup(struct call *c, const Ekonet__BackupRequest *req); /* backup.c */
/* ekonet key rotate (rotation.c): the next key, and the current key's rotation to it. */
void api_key_rotate(struct call *c);

/* Profiles (api_profiles.c): a contact person and a profile copied into the call's arena
   (NULL when out of memory); the PROFILE checks of the publishing node (0, or -1 replied). */
Ekonet__ContactPerson *api_copy_person(struct arena *a, const Ekonet__ContactPerson *p);
Ekonet__Profile *api_copy_profile(struct arena *a, const Ekonet__Profile *p);
int api_check_profile(struct call *c, const Ekonet__PublishRequest *p);

/* The INDICATORS checks of the publishing node (api_indicators.c): 0, or -1 replied. */
int api_check_snapshot(struct call *c, const Ekonet__PublishRequest *p);

#endif
