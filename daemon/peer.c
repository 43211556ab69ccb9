/*
 * peer: messages from other members' nodes on the ROUTER. Each frame's sender is the
 * User-Id that the ZAP handler set at the handshake, never the routing id; a message without
 * one is dropped, as is one from a key that is not (or no longer) an admitted member. The
 * peer protocol itself is sync.c's.
 */
#include <zmq.h>

#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "node.h"
#include "sync.h"

#define PEER_BURST 64 /* messages handled per wake-up, so the API stays responsive */

void peer_handle(struct node *n)
{
    for (int i = 0; i < PEER_BURST; i++) {
        zmq_msg_t rid, body;
        int frames = node_recv_routed(n->router, &rid, &body);
        if (frames < 0) {
            zmq_msg_close(&body);
            zmq_msg_close(&rid);
            return;
        }
        const char *user = frames == 2 ? zmq_msg_gets(&body, "User-Id") : NULL;
        uint8_t key[KEY_SIZE];
        const char *drop = frames != 2                                    ? "frames"
                           : !user || hex_decode(key, KEY_SIZE, user) < 0 ? "no_user_id"
                           : !node_admits(n, key)                         ? "not_member"
                                                                          : NULL;
        if (drop) {
            /* A revoked member's message can still arrive before its session is cut. */
            n->stats.peer_dropped++;
            elog(ELOG_DEBUG, "peer message dropped", "reason=%s", drop);
        } else {
            const char *addr = zmq_msg_gets(&body, "Peer-Address");
            sync_inbound(n, key, zmq_msg_data(&rid), zmq_msg_size(&rid), addr ? addr : "",
                         zmq_msg_data(&body), zmq_msg_size(&body));
        }
        zmq_msg_close(&body);
        zmq_msg_close(&rid);
    }
}
