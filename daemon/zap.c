/*
 * zap: the ZAP handler (RFC 27) that decides every CURVE handshake on the peer socket.
 * libzmq sends a request with the client's X25519 key; the handler answers 200 with the
 * member's node id (its Ed25519 key, hex) as User-Id, or 400. Every message a peer sends
 * afterwards carries that User-Id, which is how the node knows who sent it.
 *
 * Who is admitted: the roster's admitted members; before the node has joined a network, the
 * node ids in [network] allow. A request that is not well formed is answered 500 and counted;
 * it cannot come from anyone but libzmq.
 */
#include <string.h>

#include <zmq.h>

#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/roster.h"
#include "node.h"
#include "session.h"

#define ZAP_FRAMES 7 /* version, request id, domain, address, identity, mechanism, key */

struct zap_request {
    zmq_msg_t frames[ZAP_FRAMES];
    int n;
};

static int recv_request(void *sock, struct zap_request *r)
{
    int more = 1;
    r->n = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return r->n ? 0 : -1;
        }
        more = zmq_msg_more(&m);
        if (r->n < ZAP_FRAMES)
            r->frames[r->n++] = m;
        else
            zmq_msg_close(&m);
    }
    return 0;
}

static int frame_is(zmq_msg_t *m, const char *s)
{
    return zmq_msg_size(m) == strlen(s) && memcmp(zmq_msg_data(m), s, strlen(s)) == 0;
}

static void send_str(void *sock, const void *data, size_t len, int more)
{
    zmq_send(sock, data, len, more ? ZMQ_SNDMORE : 0);
}

/* Finds the member whose CURVE key is curve; 0 with its node id, or -1 with the reason. */
static int admitted(const struct node *n, const uint8_t curve[KEY_SIZE], uint8_t id[KEY_SIZE],
                    const char **reason)
{
    if (n->roster) {
        const struct member *m = roster_member_by_curve(n->roster, curve);
        *reason = !m                             ? "not_member"
                  : m->has_successor             ? "replaced" /* a new key is the member's */
                  : m->status != MEMBER_ADMITTED ? "revoked"
                                                 : NULL;
        if (*reason) return -1;
        memcpy(id, m->key, KEY_SIZE);
        return 0;
    }
    for (size_t i = 0; i < n->cfg->nallow; i++) {
        uint8_t c[KEY_SIZE];
        if (key_pub_to_curve(c, n->cfg->allow[i]) == 0 && memcmp(c, curve, KEY_SIZE) == 0) {
            memcpy(id, n->cfg->allow[i], KEY_SIZE);
            return 0;
        }
    }
    *reason = "not_allowed";
    return -1;
}

/* Refused handshakes are logged at most ZAP_LOG_PER_MINUTE a minute: a flood of handshakes with
   made-up keys would otherwise write as many lines as it makes handshakes. The next line after
   a quiet spell says how many went unlogged (ekonet_handshakes_total counts them all). */
#define ZAP_LOG_PER_MINUTE 60

static int refusal_logged(void)
{
    static uint64_t minute;
    static unsigned logged, unlogged;
    uint64_t now = node_now_ms() / 60000;
    if (now != minute) {
        if (unlogged) elog(ELOG_WARN, "peer refusals not logged", "count=%u minutes=1", unlogged);
        minute = now;
        logged = unlogged = 0;
    }
    if (logged < ZAP_LOG_PER_MINUTE) {
        logged++;
        return 1;
    }
    unlogged++;
    return 0;
}

void zap_handle(struct node *n)
{
    struct zap_request r;
    if (recv_request(n->zap, &r) < 0) return;
    const char *status = "500", *text = "malformed ZAP request";
    char user[ID_HEX] = "";
    if (r.n == ZAP_FRAMES && frame_is(&r.frames[0], "1.0") && frame_is(&r.frames[5], "CURVE") &&
        zmq_msg_size(&r.frames[6]) == KEY_SIZE) {
        uint8_t id[KEY_SIZE];
        const uint8_t *curve = zmq_msg_data(&r.frames[6]);
        char addr[64] = "", ckey[ID_HEX], q[96];
        size_t alen = zmq_msg_size(&r.frames[3]);
        if (alen >= sizeof addr) alen = sizeof addr - 1;
        memcpy(addr, zmq_msg_data(&r.frames[3]), alen);
        addr[alen] = '\0';
        const char *reason;
        int ok = admitted(n, curve, id, &reason) == 0;
        if (ok && peer_cut_off(n, id)) { /* repeated violations: not again for a while */
            ok = 0;
            reason = "cut_off";
            n->stats.peer_limits[LIMIT_CUT_OFF]++;
        }
        if (ok) {
            status = "200";
            text = "OK";
            hex_encode(user, id, KEY_SIZE);
            n->stats.handshakes_accepted++;
            elog(ELOG_DEBUG, "peer admitted", "addr=%s node=%s", elog_quote(q, sizeof q, addr),
                 user);
        } else {
            status = "400";
            text = "not a member of this network";
            n->stats.handshakes_refused++;
            if (refusal_logged())
                elog(ELOG_WARN, "peer refused", "addr=%s curve_key=%s reason=%s",
                     elog_quote(q, sizeof q, addr), hex_encode(ckey, curve, KEY_SIZE), reason);
        }
    } else {
        n->stats.handshakes_refused++;
        elog(ELOG_WARN, "peer refused", "reason=malformed_zap_request");
    }
    send_str(n->zap, "1.0", 3, 1);
    if (r.n > 1)
        send_str(n->zap, zmq_msg_data(&r.frames[1]), zmq_msg_size(&r.frames[1]), 1);
    else
        send_str(n->zap, "", 0, 1);
    send_str(n->zap, status, 3, 1);
    send_str(n->zap, text, strlen(text), 1);
    send_str(n->zap, user, strlen(user), 1);
    send_str(n->zap, "", 0, 0);
    for (int i = 0; i < r.n; i++) zmq_msg_close(&r.frames[i]);
}
