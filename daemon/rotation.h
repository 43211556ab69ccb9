/*
 * rotation: this node's side of a planned change of its key (daemon/rotation.c): the next key
 * kept beside node.key, publishing held while the board decides, the switch once the board's
 * SUCCEED act makes the next key the member's, and the member's profile under the new key.
 */
#ifndef EKONETD_ROTATION_H
#define EKONETD_ROTATION_H

#include "ekonet/errbuf.h"

struct node;
struct store;

/* Before the daemon reads its key: if dir holds node.key.next and the roster in s makes it the
   successor of node.key, switches the key files (key_file_switch). 1 switched, 0 nothing to
   do, -1 with err. */
int rotation_finish(const char *dir, struct store *s, struct errbuf *err);

/* At start: a pending rotation (node.key.next present) is loaded and holds publishing. 0 or -1
   with err. */
int rotation_load(struct node *n, struct errbuf *err);

/* After a roster change: if the board has made another key this node's successor, says so;
   if it is this node's next key, asks the loop to end and the daemon to start again. */
void rotation_roster_changed(struct node *n);

/* Publishes under this node's key its member's profile in force, if a former key published it
   and this key has none (a key that succeeded another, at start and after roster changes). */
void rotation_adopt_profile(struct node *n);

#endif
