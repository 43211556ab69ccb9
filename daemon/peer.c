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
        zmq_msg_init(&rid);
        if (zmq_msg_recv(&rid, n->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&rid);
            return;
        }
        zmq_msg_init(&body);
        int frames = 1, more = zmq_msg_more(&rid);
        if (more && zmq_msg_recv(&body, n->router, ZMQ_DONTWAIT) >= 0) {
            frames++;
            more = zmq_msg_more(&body);
        }
        /* A peer message is exactly one frame; drain and drop anything else. */
        while (more) {
            zmq_msg_t extra;
            zmq_msg_init(&extra);
            more = zmq_msg_recv(&extra, n->router, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
            zmq_msg_close(&extra);
            frames++;
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
