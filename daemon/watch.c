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
#include "ekonet/entry.h"
#include "ekonet/envelope.h"
#include "ekonet/hex.h"
#include "ekonet/roster.h"
#include "gate.h"
#include "node.h"
#include "notify.h"
#include "watch.h"

/* An event's encoded size: a report's title (300 bytes), WATCH_LABELS_MAX topics and
   indicators and a line of text fit with room to spare. */
#define WATCH_EVENT_MAX 8192
/* Topics and indicators an event names; a report has few, and the event stays small. */
#define WATCH_LABELS_MAX 16
/* The line of text for people. */
#define WATCH_TEXT_MAX 400

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

/* Sends e, stamped now and with its member's name; dropped when it does not fit WATCH_EVENT_MAX
   or no listener keeps up. */
static void watch_send(struct node *n, Ekonet__WatchEvent *e)
{
    uint8_t buf[WATCH_EVENT_MAX];
    e->time_ms = node_now_ms();
    if (e->has_member) e->member_name = (char *)node_member_name(n, e->member.data);
    size_t len = ekonet__watch_event__get_packed_size(e);
    if (len > sizeof buf) return;
    ekonet__watch_event__pack(e, buf);
    zmq_send(n->events, buf, len, ZMQ_DONTWAIT); /* no listener, or a slow one: dropped */
}

/* The fields every event has: its kind and line, and the member and entry it is about (NULL:
   none); the pointers are borrowed until the event is sent. */
static void event_head(Ekonet__WatchEvent *e, const char *kind, char *text, const uint8_t *member,
                       const uint8_t *id)
{
    e->kind = (char *)kind;
    e->text = text;
    if (member) {
        e->has_member = 1;
        e->member = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)member};
    }
    if (id) {
        e->has_id = 1;
        e->id = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)id};
    }
}

void watch_event_via(struct node *n, const char *kind, const uint8_t *member, const uint8_t *id,
                     uint64_t count, const uint8_t *peer, const char *reason, const char *fmt, ...)
{
    if (!n->events) return;
    char text[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Ekonet__WatchEvent e = EKONET__WATCH_EVENT__INIT;
    event_head(&e, kind, text, member, id);
    if (count) {
        e.has_count = 1;
        e.count = count;
    }
    if (peer) {
        e.has_peer = 1;
        e.peer = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)peer};
    }
    e.reason = (char *)reason;
    watch_send(n, &e);
}

/* The member's name, or the first 12 hex digits of its node id in buf. */
static const char *who(const struct node *n, const uint8_t *key, char buf[13])
{
    const char *name = node_member_name(n, key);
    char hex[ID_HEX];
    if (name) return name;
    snprintf(buf, 13, "%.12s", hex_encode(hex, key, KEY_SIZE));
    return buf;
}

void watch_report(struct node *n, const struct entry *e)
{
    if (e->kind != EKONET__ENTRY_KIND__KIND_REPORT || !e->content) return;
    Ekonet__Report *r = ekonet__report__unpack(NULL, e->content_len, e->content);
    if (!r) return; /* accepted entries were checked: not expected */
    if (n->events) {
        char text[WATCH_TEXT_MAX], hex[ID_HEX], name[13];
        snprintf(text, sizeof text, "%sreport \"%.200s\" by %s (ekonet report show %.8s)",
                 r->has_supersedes ? "edited " : "new ", r->title, who(n, e->author, name),
                 hex_encode(hex, e->id, ID_SIZE));
        Ekonet__WatchEvent w = EKONET__WATCH_EVENT__INIT;
        event_head(&w, "report", text, e->author, e->id);
        w.title = r->title;
        w.n_topics = r->n_topics < WATCH_LABELS_MAX ? r->n_topics : WATCH_LABELS_MAX;
        w.topics = r->topics;
        w.n_indicators = r->n_indicators < WATCH_LABELS_MAX ? r->n_indicators : WATCH_LABELS_MAX;
        w.indicators = r->indicators;
        w.has_edited = r->has_supersedes;
        w.edited = r->has_supersedes;
        watch_send(n, &w);
    }
    if (memcmp(e->author, n->key.pub, KEY_SIZE) != 0) notify_report(n, e, r);
    ekonet__report__free_unpacked(r, NULL);
}

void watch_contact_request(struct node *n, const struct envelope *e,
                           const Ekonet__ContactRequest *r)
{
    if (n->events) {
        char text[WATCH_TEXT_MAX], hex[ID_HEX], name[13];
        const char *role = contact_role_str((int)r->role);
        snprintf(text, sizeof text,
                 "contact request from %.80s (%s) to your %s: \"%.100s\" (ekonet contact show "
                 "%.8s)",
                 r->from_name, who(n, e->from, name),
                 strcmp(role, "either") == 0 ? "politician or official" : role, r->subject,
                 hex_encode(hex, e->id, ID_SIZE));
        Ekonet__WatchEvent w = EKONET__WATCH_EVENT__INIT;
        event_head(&w, "contact_request", text, e->from, e->id);
        w.from_name = r->from_name;
        w.role = (char *)role;
        w.subject = r->subject;
        watch_send(n, &w);
    }
    notify_contact(n, e, r);
}
