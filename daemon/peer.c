/*
 * peer: messages from other members' nodes on the ROUTER. Each frame's sender is the
 * User-Id that the ZAP handler set at the handshake, never the routing id; a message without
 * one is dropped. The peer protocol's messages are handled by the sync layer.
 */
#include <zmq.h>

#include "ekonet/log.h"
#include "node.h"

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
        int ok = frames == 2;
        const char *user = ok ? zmq_msg_gets(&body, "User-Id") : NULL;
        if (!user || !*user) {
            n->stats.peer_dropped++;
            elog(ELOG_DEBUG, "peer message dropped", "reason=%s", ok ? "no_user_id" : "frames");
        } else {
            n->stats.peer_messages++;
        }
        zmq_msg_close(&body);
        zmq_msg_close(&rid);
    }
}
