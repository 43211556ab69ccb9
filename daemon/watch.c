/*
 * watch: the event stream; see watch.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "api.pb-c.h"
#include "ekonet/roster.h"
#include "gate.h"
#include "node.h"
#include "watch.h"

/* Events queued for a slow listener before they are dropped: at most WATCH_CONNECTIONS x
   WATCH_HWM events of a few hundred bytes are held for listeners that do not read. */
#define WATCH_HWM 2000

int watch_open(struct node *n, struct errbuf *err)
{
    char endpoint[160];
    int hwm = WATCH_HWM, linger = 0;
    if (snprintf(n->events_path, sizeof n->events_path, "%s/events.sock", n->cfg->data_dir) >= 100)
        return errbuf_set(err, "data directory path %s is too long for a Unix socket",
                          n->cfg->data_dir);
    snprintf(endpoint, sizeof endpoint, "ipc://%s", n->events_path);
    n->events = zmq_socket(n->zctx, ZMQ_PUB);
    if (!n->events || zmq_setsockopt(n->events, ZMQ_SNDHWM, &hwm, sizeof hwm) < 0 ||
        zmq_setsockopt(n->events, ZMQ_LINGER, &linger, sizeof linger) < 0)
        return errbuf_set(err, "cannot open the event stream: %s", zmq_strerror(zmq_errno()));
    struct gate_limits lim = {n->watch_conns, WATCH_PER_PROCESS, UINT32_MAX};
    if (!(n->gates[GATE_EVENTS] = gate_new(n->zctx, n->events, "events", &lim, err))) return -1;
    if (zmq_bind(n->events, endpoint) < 0)
        return errbuf_set(err, "cannot open the event stream at %s: %s", n->events_path,
                          zmq_strerror(zmq_errno()));
    if (chmod(n->events_path, 0660) < 0)
        return errbuf_set(err, "cannot set the mode of %s: %s", n->events_path, strerror(errno));
    return 0;
}

void watch_close(struct node *n)
{
    gate_destroy(&n->gates[GATE_EVENTS]);
    if (n->events) zmq_close(n->events);
    n->events = NULL;
    if (n->events_path[0]) unlink(n->events_path);
    n->events_path[0] = '\0';
}

void watch_event_via(struct node *n, const char *kind, const uint8_t *member, const uint8_t *id,
                     uint64_t count, const uint8_t *peer, const char *reason, const char *fmt, ...)
{
    if (!n->events) return;
    char text[300];
    uint8_t buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Ekonet__WatchEvent e = EKONET__WATCH_EVENT__INIT;
    e.time_ms = node_now_ms();
    e.kind = (char *)kind;
    e.text = text;
    if (member) {
        e.has_member = 1;
        e.member = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)member};
        e.member_name = (char *)node_member_name(n, member);
    }
    if (id) {
        e.has_id = 1;
        e.id = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)id};
    }
    if (count) {
        e.has_count = 1;
        e.count = count;
    }
    if (peer) {
        e.has_peer = 1;
        e.peer = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)peer};
    }
    e.reason = (char *)reason;
    size_t len = ekonet__watch_event__get_packed_size(&e);
    if (len > sizeof buf) return;
    ekonet__watch_event__pack(&e, buf);
    zmq_send(n->events, buf, len, ZMQ_DONTWAIT); /* no listener, or a slow one: dropped */
}
