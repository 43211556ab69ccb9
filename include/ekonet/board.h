/*
 * board: the contents of the board feed (charter, admissions, revocations, catalogue
 * revisions) and membership applications, with the checks every node applies to them.
 *
 * A membership application is signed by the applicant's node key:
 *   sig = Ed25519 over "ekonet-application-v1" || encoded Application
 * A key rotation (a planned succession) is signed by the member's old node key:
 *   sig = Ed25519 over "ekonet-rotate-v1" || encoded Rotation
 */
#ifndef EKONET_BOARD_H
#define EKONET_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "content.pb-c.h"
#include "ekonet/errbuf.h"
#include "ekonet/key.h"

#define APPLICATION_DOMAIN "ekonet-application-v1"
#define ROTATION_DOMAIN    "ekonet-rotate-v1"
#define BOARD_MAX_KEYS     32
#define NETWORK_NAME_MAX   120

/* A contact person's limits (applications and profiles alike). */
#define CONTACT_MAX_LANGUAGES 10
#define CONTACT_MAX_EXPERTISE 20
#define CONTACT_MAX_TOPIC     80 /* bytes of one topic of expertise */

/* True for the kinds only the board feed carries: CHARTER, ADMIT, REVOKE, CATALOGUE,
   SUCCEED. */
int board_kind(uint32_t kind);

/* Validators: 0, or -1 with a sentence naming the field. */
int charter_validate(const Ekonet__Charter *c, struct errbuf *err);
int admit_validate(const Ekonet__Admit *a, struct errbuf *err);
int revoke_validate(const Ekonet__Revoke *r, struct errbuf *err);
int catalogue_validate(const Ekonet__Catalogue *c, struct errbuf *err);
/* A succession: two distinct valid keys, a reason, a decision, and the old key's rotation
   exactly when the reason is planned, naming the same keys and last_seq (and network, unless
   it is NULL). */
int succeed_validate(const Ekonet__Succeed *s, const uint8_t *network, struct errbuf *err);
/* Decodes SUCCEED content and validates it for the network: 0, or -1 with why. */
int succeed_check_network(const uint8_t *data, size_t len, const uint8_t network[ID_SIZE],
                          struct errbuf *why);
/* A contact person (role names it in the sentence: "politician", "official"): name, title,
   email, phone, languages (language tags) and expertise (topics, one line each). */
int contact_validate(const Ekonet__ContactPerson *p, const char *role, struct errbuf *err);
int application_validate(const Ekonet__Application *a, struct errbuf *err);

/* Checks board-kind content bytes: ENTRY_OK or ENTRY_CONTENT_INVALID with why. */
int board_content_check(uint32_t kind, const uint8_t *data, size_t len, struct errbuf *why);

/* Signs and packs an application as a SignedApplication; *out is the caller's to free. */
int application_sign(const Ekonet__Application *a, const struct node_key *k, uint8_t **out,
                     size_t *len);

/*
 * Verifies a signed application (the signature by the key it names) and decodes it.
 * Returns the application (free with ekonet__application__free_unpacked) or NULL with err.
 */
Ekonet__Application *application_open(const Ekonet__SignedApplication *s, struct errbuf *err);

/* Signs and packs a rotation as a SignedRotation with the old key k; *out is the caller's. */
int rotation_sign(const Ekonet__Rotation *r, const struct node_key *k, uint8_t **out, size_t *len);

/* Verifies a signed rotation (the signature by its old key) and decodes it: the rotation (free
   with ekonet__rotation__free_unpacked) or NULL with err. */
Ekonet__Rotation *rotation_open(const Ekonet__SignedRotation *s, struct errbuf *err);

/* "lost", "stolen" or "planned"; parse returns 0 for an unknown word. */
const char *succession_reason_str(int reason);
int succession_reason_parse(const char *s);

/* The id of the one-node network a node is in before it joins one (docs/PROTOCOL.md 1). */
void network_solo_id(uint8_t out[ID_SIZE], const uint8_t node_key[KEY_SIZE]);

/* "municipality", "region" or "other"; parse returns 0 for an unknown name. */
const char *member_kind_str(int kind);
int member_kind_parse(const char *s);

#endif
