/*
 * ekonet-testpeer: a test peer for the network tests. It does what a well-behaved CLI or
 * node never would, and reports what the daemon answered.
 *
 *   ekonet-testpeer api DIR garbage|frames|oversize N|empty
 *       sends a malformed request to DIR/api.sock and prints the node's error reply
 *   ekonet-testpeer handshake ENDPOINT SERVER_NODE_ID (KEYFILE|random)
 *       attempts a CURVE handshake; prints "handshake ok" (exit 0) or "handshake refused"
 *       (exit 1); on success sends one message
 *   ekonet-testpeer publish DIR COUNT [BODY_BYTES]
 *       publishes COUNT reports through the node's API over one connection (fast test data);
 *       prints the number published
 *   ekonet-testpeer profile DIR CODE
 *       publishes a profile with SCB code CODE through the node's API (the CLI always gives the
 *       admitted code) and prints the node's answer: "published seq N" or "error N: message"
 *   ekonet-testpeer inject ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID forged|reordered|fork
 *       speaks the peer protocol as the member whose key is KEYFILE and sends entries of its
 *       own feed: one with a forged signature; seq 2 before seq 1; or seq 1-3 and then another
 *       seq 2. It answers the node's wants for 3 seconds and prints what it sent.
 *   ekonet-testpeer envelope ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID HEX as-is|tamper-box|
 *                   tamper-header
 *       speaks the peer protocol as KEYFILE's member and sends the envelope HEX (encoded
 *       Envelope), a byte of its box or of its signed header flipped; prints how many acks
 *       came back within two seconds
 *   ekonet-testpeer attack ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID KIND [N] [ARG]
 *       speaks the peer protocol as KEYFILE's member and misbehaves (KIND):
 *         garbage N      N frames of random bytes
 *         oversize N     one frame of N bytes (default 8 MiB)
 *         batch N        N Entries messages, alternately 5000 entries and 10 x 250 KB
 *         want N         N Wants from 1 with limit 2^32-1 for the server's feed, reading answers
 *         slowread N S   N Wants (one per 60 ms) for the server's feed, never reading, for S s
 *         storm N        N times: connect, handshake, Hello, close
 *         replay N NET   N batches of entries signed for network NET instead of NETWORK_ID
 *         have N         N Haves of 4096 heads (the most a Have may name) of random authors
 *         frontier N     N Frontiers of 90000 heads of random authors
 *         authors N      N Entries messages of 1000 entries, each signed by a new key (no member)
 *         forks N        N fork proofs, each of two entries at seq 1 of a new key (no member)
 *       and prints what the node did: "entries E in M messages", "bye: REASON", "disconnected",
 *       "handshakes ok A refused R byes B" (one summary line)
 *   ekonet-testpeer lazy ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID SECONDS
 *       speaks the peer protocol as KEYFILE's member, holding seq 1-3 of its own feed, and asks
 *       the node for lazy push (PushMode eager = false). Prints a line as each thing happens:
 *       "ready" (the node has taken that in), "push N" (N entries pushed), "have" (a Have),
 *       "eager" or "lazy" (a PushMode), "want FROM" (a want of its feed, answered). Answers the
 *       node's first Have with a Have of its own feed. Stops after SECONDS.
 *   ekonet-testpeer hold ENDPOINT SERVER_NODE_ID KEYFILE SECONDS
 *       stays connected for SECONDS, sending a message every 100 ms, and prints each change:
 *       "handshake ok", "disconnected", "handshake refused" (one line each, flushed)
 *   ekonet-testpeer twice ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID
 *       opens a session as KEYFILE's member, then a second connection of the same member that
 *       says Hello too and wants the server's feed from seq 1; prints what the first connection
 *       heard ("first: bye: REASON" or "first: no bye") and what the second got ("second:
 *       entries N, done" or "second: no answer")
 *   ekonet-testpeer wants ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID
 *       wants the server's feed with limit 0 from 1, then from 2^64-1 and from 2^64-512 with
 *       limit 512, then from 1 with limit 2; prints each answer as "from F: N entries, done"
 *       (or "not done"), in the order they came, and "bye: REASON" if the node ended the session
 *   ekonet-testpeer claim ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID GOFILE
 *       says in its Frontier that it holds KEYFILE's member's feed up to seq 2^64-1 (it holds
 *       nothing); prints "wanted" at the node's first Want of it and answers nothing until
 *       GOFILE exists; then answers every Want of that feed with an empty Entries (done) for 3 s
 *       and prints "answered N wants"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "api.pb-c.h"
#include "content.pb-c.h"
#include "wire.pb-c.h"
#include "ekonet/hex.h"
#include "ekonet/entry.h"
#include "ekonet/key.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: ekonet-testpeer api DIR garbage|frames|oversize N|empty\n"
            "       ekonet-testpeer handshake ENDPOINT SERVER_NODE_ID KEYFILE|random\n"
            "       ekonet-testpeer hold ENDPOINT SERVER_NODE_ID KEYFILE SECONDS\n"
            "       ekonet-testpeer lazy ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID SECONDS\n"
            "       ekonet-testpeer attack ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID "
            "garbage|oversize|batch|want|slowread|storm|replay|have|frontier|authors|forks [N] "
            "[ARG]\n"
            "       ekonet-testpeer envelope ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID HEX "
            "as-is|tamper-box|tamper-header\n"
            "       ekonet-testpeer twice|wants ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID\n"
            "       ekonet-testpeer claim ENDPOINT SERVER_NODE_ID KEYFILE NETWORK_ID GOFILE\n"
            "       ekonet-testpeer publish DIR COUNT [BODY_BYTES]\n"
            "       ekonet-testpeer profile DIR CODE\n");
    return 2;
}

static int api(int argc, char **argv)
{
    if (argc < 2) return usage();
    char endpoint[300];
    snprintf(endpoint, sizeof endpoint, "ipc://%s/api.sock", argv[0]);
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int timeout = 10000, linger = 0;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(s, endpoint);
    size_t len = 0;
    uint8_t *buf = NULL;
    if (strcmp(argv[1], "garbage") == 0) {
        len = 200;
        buf = malloc(len);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(0xff - i); /* never valid protobuf */
    } else if (strcmp(argv[1], "oversize") == 0 && argc >= 3) {
        len = strtoul(argv[2], NULL, 10);
        buf = calloc(1, len);
    } else if (strcmp(argv[1], "frames") == 0) {
        zmq_send(s, "a", 1, ZMQ_SNDMORE);
        len = 1;
        buf = calloc(1, 1);
    } else if (strcmp(argv[1], "empty") == 0) {
        buf = calloc(1, 1);
    } else {
        return usage();
    }
    zmq_send(s, buf, len, 0);
    free(buf);
    zmq_msg_t m;
    zmq_msg_init(&m);
    int rc = 1;
    if (zmq_msg_recv(&m, s, 0) < 0) {
        printf("no reply\n");
    } else {
        Ekonet__ApiReply *r = ekonet__api_reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
        if (!r)
            printf("reply does not decode\n");
        else if (r->error)
            printf("error %d: %s\n", r->error->code, r->error->message), rc = 0;
        else
            printf("ok %d\n", r->result_case), rc = 0;
        if (r) ekonet__api_reply__free_unpacked(r, NULL);
    }
    zmq_msg_close(&m);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return rc;
}

/* A CURVE client socket for key towards the server, with a monitor; NULL on bad arguments. */
static void *client(void *ctx, const char *server_hex, const char *keyfile, void **mon)
{
    uint8_t server[KEY_SIZE], server_curve[KEY_SIZE];
    struct node_key k;
    struct errbuf err;
    if (hex_decode(server, KEY_SIZE, server_hex) < 0 ||
        key_pub_to_curve(server_curve, server) < 0) {
        fprintf(stderr, "bad server node id\n");
        return NULL;
    }
    if (strcmp(keyfile, "random") == 0) {
        key_generate(&k);
    } else if (key_load(&k, keyfile, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0, timeout = 100;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_curve, KEY_SIZE);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, k.curve_pub, KEY_SIZE);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k.curve_sec, KEY_SIZE);
    key_wipe(&k);
    zmq_socket_monitor(s, "inproc://monitor", ZMQ_EVENT_ALL);
    *mon = zmq_socket(ctx, ZMQ_PAIR);
    zmq_connect(*mon, "inproc://monitor");
    zmq_setsockopt(*mon, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    return s;
}

/* The next monitor event, or -1 after the monitor's timeout. */
static int next_event(void *mon)
{
    uint8_t ev[6];
    char addr[256];
    uint16_t event;
    if (zmq_recv(mon, ev, sizeof ev, 0) < 0) return -1;
    zmq_recv(mon, addr, sizeof addr, 0);
    memcpy(&event, ev, 2);
    return event;
}

/* Waits (up to 30 s) until the node has confirmed the head of its own feed, so that what is
   published next is signed at once rather than kept as pending (docs/PROTOCOL.md 7.8). */
static void wait_confirmed(void *s)
{
    for (int i = 0; i < 300; i++) {
        Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
        Ekonet__PendingRequest pr = EKONET__PENDING_REQUEST__INIT;
        req.op_case = EKONET__API_REQUEST__OP_PENDING;
        req.pending = &pr;
        uint8_t buf[64];
        zmq_send(s, buf, ekonet__api_request__pack(&req, buf), 0);
        zmq_msg_t m;
        zmq_msg_init(&m);
        Ekonet__ApiReply *r =
            zmq_msg_recv(&m, s, 0) >= 0
                ? ekonet__api_reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m))
                : NULL;
        zmq_msg_close(&m);
        int done =
            !r || r->result_case != EKONET__API_REPLY__RESULT_PENDING || r->pending->confirmed;
        if (r) ekonet__api_reply__free_unpacked(r, NULL);
        if (done) return;
        usleep(100000);
    }
}

static int publish(int argc, char **argv)
{
    if (argc < 2) return usage();
    char endpoint[300];
    snprintf(endpoint, sizeof endpoint, "ipc://%s/api.sock", argv[0]);
    long count = strtol(argv[1], NULL, 10), bytes = argc > 2 ? strtol(argv[2], NULL, 10) : 200,
         done = 0;
    char *body = bytes >= 0 ? malloc((size_t)bytes + 1) : NULL, title[64];
    if (!body) return usage();
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int timeout = 30000, linger = 0;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(s, endpoint);
    for (long i = 0; i < bytes; i++) body[i] = "Vi minskade avfallet med en tredjedel. "[i % 39];
    body[bytes] = '\0';
    wait_confirmed(s);
    for (long i = 0; i < count; i++) {
        snprintf(title, sizeof title, "Rapport %ld", i + 1);
        Ekonet__Report r = EKONET__REPORT__INIT;
        r.title = title;
        r.body = body;
        /* sized by the body: buffers of a fixed 70,000 bytes overflowed with long bodies */
        size_t clen = ekonet__report__get_packed_size(&r);
        uint8_t *content = malloc(clen + 1);
        if (!content) break;
        ekonet__report__pack(&r, content);
        Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
        Ekonet__PublishRequest p = EKONET__PUBLISH_REQUEST__INIT;
        p.kind = EKONET__ENTRY_KIND__KIND_REPORT;
        p.content = (ProtobufCBinaryData){clen, content};
        req.op_case = EKONET__API_REQUEST__OP_PUBLISH;
        req.publish = &p;
        size_t len = ekonet__api_request__get_packed_size(&req);
        uint8_t *req_buf = malloc(len + 1);
        if (req_buf) {
            ekonet__api_request__pack(&req, req_buf);
            zmq_send(s, req_buf, len, 0);
        }
        free(req_buf);
        free(content);
        if (!req_buf) break;
        zmq_msg_t m;
        zmq_msg_init(&m);
        int ok = zmq_msg_recv(&m, s, 0) >= 0;
        Ekonet__ApiReply *rep =
            ok ? ekonet__api_reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m)) : NULL;
        zmq_msg_close(&m);
        if (!rep || rep->error) {
            fprintf(stderr, "publish %ld failed: %s\n", i + 1,
                    rep && rep->error ? rep->error->message : "no reply");
            if (rep) ekonet__api_reply__free_unpacked(rep, NULL);
            break;
        }
        ekonet__api_reply__free_unpacked(rep, NULL);
        done++;
    }
    printf("%ld\n", done);
    free(body);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return done == count ? 0 : 1;
}

/* A report entry of k's feed at seq after prev. */
static struct entry *make_entry(const struct node_key *k, const uint8_t net[ID_SIZE], uint64_t seq,
                                const uint8_t *prev, const char *title)
{
    Ekonet__Report r = EKONET__REPORT__INIT;
    uint8_t buf[512];
    r.title = (char *)title;
    size_t len = ekonet__report__pack(&r, buf);
    struct entry *e = entry_new(net, k->pub, seq, prev, 1700000000000ull + seq,
                                EKONET__ENTRY_KIND__KIND_REPORT, buf, len);
    entry_sign(e, k);
    return e;
}

/* Seq 1, 2 and 3 of k's feed. */
static void make_feed(const struct node_key *k, const uint8_t net[ID_SIZE], struct entry *feed[3])
{
    feed[0] = make_entry(k, net, 1, NULL, "Ett");
    feed[1] = make_entry(k, net, 2, feed[0]->id, "Två");
    feed[2] = make_entry(k, net, 3, feed[1]->id, "Tre");
}

static void send_msg(void *s, Ekonet__PeerMessage *m)
{
    size_t len = ekonet__peer_message__get_packed_size(m);
    uint8_t *buf = malloc(len);
    ekonet__peer_message__pack(m, buf);
    zmq_send(s, buf, len, 0);
    free(buf);
}

/* Sends entries v[0..n) as one Entries message (a reply to a want when author is given). */
static void send_batch(void *s, struct entry **v, size_t n, const uint8_t *author, uint64_t from)
{
    ProtobufCBinaryData *bins = calloc(n + 1, sizeof *bins);
    for (size_t i = 0; i < n; i++) entry_encode(v[i], 1, &bins[i].data, &bins[i].len);
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.n_entries = n;
    es.entries = bins;
    if (author) {
        es.has_author = es.has_from = es.has_done = es.done = 1;
        es.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
        es.from = from;
    }
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    send_msg(s, &m);
    for (size_t i = 0; i < n; i++) free(bins[i].data);
    free(bins);
}

/* The KEYFILE (argv[2]) and NETWORK_ID (argv[3]) of a command that speaks as a member. */
static int member_args(char **argv, struct node_key *k, uint8_t net[ID_SIZE])
{
    struct errbuf err;
    if (key_load(k, argv[2], &err) < 0 || hex_decode(net, ID_SIZE, argv[3]) < 0) {
        fprintf(stderr, "bad key file or network id\n");
        return -1;
    }
    return 0;
}

static int inject(int argc, char **argv)
{
    if (argc < 5) return usage();
    struct node_key k;
    uint8_t net[ID_SIZE];
    if (member_args(argv, &k, net) < 0) return 2;
    const char *mode = argv[4];
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    int ev;
    while ((ev = next_event(mon)) != ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            printf("handshake refused\n");
            return 1;
        }
    /* the feed: seq 1..3, and another seq 2 for the fork */
    struct entry *feed[4];
    make_feed(&k, net, feed);
    feed[3] = make_entry(&k, net, 2, feed[0]->id, "Två, en annan");
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello h = EKONET__HELLO__INIT;
    h.version = 1;
    h.network = (ProtobufCBinaryData){ID_SIZE, net};
    h.agent = "ekonet-testpeer";
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &h;
    send_msg(s, &m);
    int sent = 0;
    if (strcmp(mode, "forged") == 0) {
        struct entry *f = entry_dup(feed[0]);
        f->sigs[0].sig[5] ^= 1;
        send_batch(s, &f, 1, NULL, 0);
        entry_destroy(&f);
        sent = 1;
    } else if (strcmp(mode, "reordered") == 0) {
        struct entry *v[2] = {feed[1], feed[0]};
        send_batch(s, v, 2, NULL, 0);
        sent = 2;
    } else if (strcmp(mode, "fork") == 0) {
        send_batch(s, feed, 3, NULL, 0);
        send_batch(s, &feed[3], 1, NULL, 0);
        sent = 4;
    }
    /* Answer wants (the node asks for what it lacks) for three seconds. */
    int served = 0, wait = 200;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &wait, sizeof wait);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec >= 3) break;
        zmq_msg_t in;
        zmq_msg_init(&in);
        if (zmq_msg_recv(&in, s, 0) < 0) {
            zmq_msg_close(&in);
            continue;
        }
        Ekonet__PeerMessage *r =
            ekonet__peer_message__unpack(NULL, zmq_msg_size(&in), zmq_msg_data(&in));
        zmq_msg_close(&in);
        if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_WANT &&
            r->want->author.len == KEY_SIZE && memcmp(r->want->author.data, k.pub, KEY_SIZE) == 0) {
            uint64_t from = r->want->from;
            size_t n = from >= 1 && from <= 3 ? (size_t)(4 - from) : 0;
            if (n > r->want->limit) n = r->want->limit;
            if (strcmp(mode, "reordered") != 0) n = 0; /* only the reordered feed is served */
            send_batch(s, n ? &feed[from - 1] : feed, n, k.pub, from);
            served += (int)n;
        }
        if (r) ekonet__peer_message__free_unpacked(r, NULL);
    }
    printf("sent %d, served %d\n", sent, served);
    for (int i = 0; i < 4; i++) entry_destroy(&feed[i]);
    key_wipe(&k);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

/* Sends Hello and one Envelopes message holding raw (tampered as mode says); counts the acks
   that come back within two seconds. */
static int envelope(int argc, char **argv)
{
    if (argc < 6) return usage();
    uint8_t net[ID_SIZE];
    size_t hexlen = strlen(argv[4]);
    uint8_t *raw = malloc(hexlen / 2 + 1);
    if (!raw || hex_decode(net, ID_SIZE, argv[3]) < 0 || hex_decode(raw, hexlen / 2, argv[4]) < 0) {
        fprintf(stderr, "bad network id or envelope hex\n");
        free(raw);
        return 2;
    }
    Ekonet__Envelope *e = ekonet__envelope__unpack(NULL, hexlen / 2, raw);
    if (!e) {
        fprintf(stderr, "not an envelope\n");
        free(raw);
        return 2;
    }
    if (strcmp(argv[5], "tamper-box") == 0) e->box.data[e->box.len / 2] ^= 1;
    if (strcmp(argv[5], "tamper-header") == 0) e->header.data[e->header.len - 3] ^= 1;
    size_t len = ekonet__envelope__get_packed_size(e);
    uint8_t *out = malloc(len);
    ekonet__envelope__pack(e, out);
    ekonet__envelope__free_unpacked(e, NULL);
    free(raw);
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    int ev;
    while ((ev = next_event(mon)) != ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            printf("handshake refused\n");
            return 1;
        }
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello h = EKONET__HELLO__INIT;
    h.version = 1;
    h.network = (ProtobufCBinaryData){ID_SIZE, net};
    h.agent = "ekonet-testpeer";
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &h;
    send_msg(s, &m);
    Ekonet__Envelopes es = EKONET__ENVELOPES__INIT;
    ProtobufCBinaryData b = {len, out};
    es.envelopes = &b;
    es.n_envelopes = 1;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENVELOPES;
    m.envelopes = &es;
    send_msg(s, &m);
    int acks = 0, wait = 200;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &wait, sizeof wait);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        zmq_msg_t in;
        zmq_msg_init(&in);
        if (zmq_msg_recv(&in, s, 0) >= 0) {
            Ekonet__PeerMessage *r =
                ekonet__peer_message__unpack(NULL, zmq_msg_size(&in), zmq_msg_data(&in));
            if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_ACKS) acks += (int)r->acks->n_acks;
            if (r) ekonet__peer_message__free_unpacked(r, NULL);
        }
        zmq_msg_close(&in);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 2);
    printf("sent 1 envelope (%s), got %d acks\n", argv[5], acks);
    free(out);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

static int hold(int argc, char **argv)
{
    if (argc < 4) return usage();
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double seconds = strtod(argv[3], NULL);
    const char *last = "";
    do {
        int ev = next_event(mon);
        const char *what = ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? "handshake ok"
                           : ev == ZMQ_EVENT_DISCONNECTED      ? "disconnected"
                           : ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ||
                                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
                                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                               ? "handshake refused"
                               : NULL;
        if (what && strcmp(what, last) != 0) {
            printf("%s\n", what);
            fflush(stdout);
            last = what;
        }
        zmq_send(s, "ping", 4, ZMQ_DONTWAIT);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

static int profile(int argc, char **argv)
{
    if (argc < 2) return usage();
    char endpoint[300];
    snprintf(endpoint, sizeof endpoint, "ipc://%s/api.sock", argv[0]);
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int timeout = 10000, linger = 0, rc = 1;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(s, endpoint);
    wait_confirmed(s);
    Ekonet__Profile prof = EKONET__PROFILE__INIT;
    Ekonet__ContactPerson pol = EKONET__CONTACT_PERSON__INIT, off = EKONET__CONTACT_PERSON__INIT;
    pol.name = "Politiker";
    off.name = "Tjänsteman";
    prof.name = "Testprofil";
    prof.code = argv[1];
    prof.politician = &pol;
    prof.official = &off;
    uint8_t content[1024], req_buf[1200];
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PublishRequest p = EKONET__PUBLISH_REQUEST__INIT;
    p.kind = EKONET__ENTRY_KIND__KIND_PROFILE;
    p.content = (ProtobufCBinaryData){ekonet__profile__pack(&prof, content), content};
    req.op_case = EKONET__API_REQUEST__OP_PUBLISH;
    req.publish = &p;
    zmq_send(s, req_buf, ekonet__api_request__pack(&req, req_buf), 0);
    zmq_msg_t m;
    zmq_msg_init(&m);
    Ekonet__ApiReply *r = zmq_msg_recv(&m, s, 0) >= 0
                              ? ekonet__api_reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m))
                              : NULL;
    if (!r)
        printf("no reply\n");
    else if (r->error)
        printf("error %d: %s\n", r->error->code, r->error->message);
    else if (r->result_case == EKONET__API_REPLY__RESULT_PUBLISH)
        printf("published seq %llu\n", (unsigned long long)r->publish->seq), rc = 0;
    if (r) ekonet__api_reply__free_unpacked(r, NULL);
    zmq_msg_close(&m);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return rc;
}

static int handshake(int argc, char **argv)
{
    if (argc < 3) return usage();
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    int rc = 2;
    for (int waited = 0; waited < 50 && rc == 2; waited++) {
        int ev = next_event(mon);
        if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            printf("handshake ok\n");
            zmq_send(s, "hello", 5, 0);
            rc = 0;
        } else if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
            printf("handshake refused\n");
            rc = 1;
        }
    }
    if (rc == 2) printf("no answer\n");
    /* give the message time to leave before the socket closes */
    if (rc == 0) next_event(mon), next_event(mon);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return rc;
}

/* ---- attacks ------------------------------------------------------------------------------ */

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void send_hello(void *s, const uint8_t net[ID_SIZE])
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Hello h = EKONET__HELLO__INIT;
    h.version = 1;
    h.network = (ProtobufCBinaryData){ID_SIZE, (uint8_t *)net};
    h.agent = "ekonet-testpeer";
    m.body_case = EKONET__PEER_MESSAGE__BODY_HELLO;
    m.hello = &h;
    send_msg(s, &m);
}

/* Waits for the handshake: 1 done, 0 refused, -1 no answer within two seconds. */
static int await_handshake(void *mon)
{
    for (int i = 0; i < 20; i++) {
        int ev = next_event(mon);
        if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) return 1;
        if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
            ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
            return 0;
    }
    return -1;
}

/* What the node sent within seconds: entries and messages counted, a Bye's reason kept. */
struct heard {
    long entries, messages;
    char bye[96];
    int disconnected;
};

static void listen_for(void *s, void *mon, double seconds, struct heard *h)
{
    int wait = 50;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &wait, sizeof wait);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (elapsed(&t0) < seconds) {
        if (mon) {
            int ev;
            int w0 = 0;
            zmq_setsockopt(mon, ZMQ_RCVTIMEO, &w0, sizeof w0);
            while ((ev = next_event(mon)) >= 0)
                if (ev == ZMQ_EVENT_DISCONNECTED) h->disconnected = 1;
            int w1 = 100;
            zmq_setsockopt(mon, ZMQ_RCVTIMEO, &w1, sizeof w1);
        }
        zmq_msg_t in;
        zmq_msg_init(&in);
        if (zmq_msg_recv(&in, s, 0) >= 0) {
            Ekonet__PeerMessage *r =
                ekonet__peer_message__unpack(NULL, zmq_msg_size(&in), zmq_msg_data(&in));
            h->messages++;
            if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_ENTRIES)
                h->entries += (long)r->entries->n_entries;
            if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_BYE)
                snprintf(h->bye, sizeof h->bye, "%s", r->bye->reason ? r->bye->reason : "");
            if (r) ekonet__peer_message__free_unpacked(r, NULL);
        }
        zmq_msg_close(&in);
    }
}

static void send_want(void *s, const uint8_t author[KEY_SIZE], uint64_t from, uint32_t limit)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Want w = EKONET__WANT__INIT;
    w.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    w.from = from;
    w.limit = limit;
    m.body_case = EKONET__PEER_MESSAGE__BODY_WANT;
    m.want = &w;
    send_msg(s, &m);
}

/* Sends count blobs of size bytes each (random) as one Entries message. */
static void send_blobs(void *s, size_t count, size_t size)
{
    ProtobufCBinaryData *bins = calloc(count, sizeof *bins);
    uint8_t *blob = malloc(size);
    randombytes_buf(blob, size);
    for (size_t i = 0; i < count; i++) bins[i] = (ProtobufCBinaryData){size, blob};
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.n_entries = count;
    es.entries = bins;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    send_msg(s, &m);
    free(blob);
    free(bins);
}

/* A Have (or a Frontier) of count heads of random 32-byte authors. */
static void send_heads(void *s, int frontier, size_t count)
{
    Ekonet__FeedHead *heads = calloc(count, sizeof *heads);
    Ekonet__FeedHead **v = calloc(count, sizeof *v);
    uint8_t *keys = malloc(count * KEY_SIZE);
    randombytes_buf(keys, count * KEY_SIZE);
    for (size_t i = 0; i < count; i++) {
        ekonet__feed_head__init(&heads[i]);
        heads[i].author = (ProtobufCBinaryData){KEY_SIZE, keys + i * KEY_SIZE};
        heads[i].seq = 1 + randombytes_uniform(1000000);
        v[i] = &heads[i];
    }
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Have h = EKONET__HAVE__INIT;
    Ekonet__Frontier f = EKONET__FRONTIER__INIT;
    if (frontier) {
        f.n_heads = count;
        f.heads = v;
        m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
        m.frontier = &f;
    } else {
        h.n_heads = count;
        h.heads = v;
        m.body_case = EKONET__PEER_MESSAGE__BODY_HAVE;
        m.have = &h;
    }
    send_msg(s, &m);
    free(keys);
    free(v);
    free(heads);
}

/* storm: N short sessions, one after the other, each in a context of its own. */
static int storm(char **argv, const uint8_t net[ID_SIZE], long count)
{
    long ok = 0, refused = 0, byes = 0;
    char last[96] = "";
    for (long i = 0; i < count; i++) {
        void *ctx = zmq_ctx_new(), *mon = NULL;
        void *s = client(ctx, argv[1], argv[2], &mon);
        if (!s) return 2;
        zmq_connect(s, argv[0]);
        int hs = await_handshake(mon);
        if (hs == 1) {
            ok++;
            send_hello(s, net);
            struct heard h = {0};
            listen_for(s, NULL, 0.2, &h);
            if (h.bye[0]) byes++, snprintf(last, sizeof last, "%s", h.bye);
        } else {
            refused++;
        }
        zmq_socket_monitor(s, NULL, 0);
        zmq_close(mon);
        zmq_close(s);
        zmq_ctx_term(ctx);
    }
    printf("handshakes ok %ld refused %ld byes %ld%s%s\n", ok, refused, byes, last[0] ? ": " : "",
           last);
    return 0;
}

static int attack(int argc, char **argv)
{
    if (argc < 5) return usage();
    struct node_key k;
    struct errbuf err;
    uint8_t net[ID_SIZE], server[KEY_SIZE];
    if (key_load(&k, argv[2], &err) < 0 || hex_decode(net, ID_SIZE, argv[3]) < 0 ||
        hex_decode(server, KEY_SIZE, argv[1]) < 0) {
        fprintf(stderr, "bad key file, network id or node id\n");
        return 2;
    }
    const char *kind = argv[4];
    long count = argc > 5 ? strtol(argv[5], NULL, 10) : 1;
    if (strcmp(kind, "storm") == 0) return storm(argv, net, count);
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    if (strcmp(kind, "slowread") == 0) { /* take one message in, then let the node's queue fill */
        int one = 1;
        zmq_setsockopt(s, ZMQ_RCVHWM, &one, sizeof one);
        zmq_setsockopt(s, ZMQ_RCVBUF, &one, sizeof one);
    }
    zmq_connect(s, argv[0]);
    if (await_handshake(mon) != 1) {
        printf("handshake refused\n");
        return 1;
    }
    send_hello(s, net);
    struct heard h = {0};
    if (strcmp(kind, "garbage") == 0) {
        uint8_t buf[2048];
        for (long i = 0; i < count; i++) {
            size_t len = 1 + randombytes_uniform(sizeof buf);
            randombytes_buf(buf, len);
            buf[0] = 0xff; /* field 31, wire type 7: never a PeerMessage */
            zmq_send(s, buf, len, 0);
        }
    } else if (strcmp(kind, "oversize") == 0) {
        size_t len = argc > 5 ? (size_t)count : 8u << 20;
        uint8_t *buf = calloc(1, len);
        zmq_send(s, buf, len, 0);
        free(buf);
    } else if (strcmp(kind, "batch") == 0) {
        for (long i = 0; i < count; i++)
            if (i % 2 == 0)
                send_blobs(s, 5000, 8);
            else
                send_blobs(s, 10, 250000);
    } else if (strcmp(kind, "want") == 0) {
        for (long i = 0; i < count; i++) send_want(s, server, 1, UINT32_MAX);
    } else if (strcmp(kind, "slowread") == 0) {
        double hold = argc > 6 ? strtod(argv[6], NULL) : 5;
        for (long i = 0; i < count; i++) {
            send_want(s, server, 1 + (uint64_t)(i % 4) * 512, UINT32_MAX);
            struct timespec pause = {0, 60000000}; /* slower than the node serves */
            nanosleep(&pause, NULL);
        }
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (elapsed(&t0) < hold) {
            struct timespec pause = {0, 100000000};
            nanosleep(&pause, NULL);
        }
    } else if (strcmp(kind, "have") == 0 || strcmp(kind, "frontier") == 0) {
        int frontier = kind[0] == 'f';
        for (long i = 0; i < count; i++) send_heads(s, frontier, frontier ? 90000 : 4096);
    } else if (strcmp(kind, "authors") == 0) {
        struct entry *v[1000];
        for (long i = 0; i < count; i++) {
            for (int j = 0; j < 1000; j++) {
                struct node_key nk;
                key_generate(&nk);
                v[j] = make_entry(&nk, net, 1, NULL, "Från ingen medlem");
                key_wipe(&nk);
            }
            send_batch(s, v, 1000, NULL, 0);
            for (int j = 0; j < 1000; j++) entry_destroy(&v[j]);
        }
    } else if (strcmp(kind, "forks") == 0) {
        for (long i = 0; i < count; i++) {
            struct node_key nk;
            key_generate(&nk);
            struct entry *a = make_entry(&nk, net, 1, NULL, "En gren");
            struct entry *b = make_entry(&nk, net, 1, NULL, "En annan gren");
            key_wipe(&nk);
            Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
            Ekonet__ForkProof p = EKONET__FORK_PROOF__INIT;
            entry_encode(a, 1, &p.a.data, &p.a.len);
            entry_encode(b, 1, &p.b.data, &p.b.len);
            m.body_case = EKONET__PEER_MESSAGE__BODY_FORK_PROOF;
            m.fork_proof = &p;
            send_msg(s, &m);
            free(p.a.data);
            free(p.b.data);
            entry_destroy(&a);
            entry_destroy(&b);
        }
    } else if (strcmp(kind, "replay") == 0) {
        uint8_t other[ID_SIZE];
        if (argc < 7 || hex_decode(other, ID_SIZE, argv[6]) < 0) return usage();
        struct entry *feed[3];
        feed[0] = make_entry(&k, other, 1, NULL, "Från ett annat nät");
        feed[1] = make_entry(&k, other, 2, feed[0]->id, "Också från ett annat nät");
        feed[2] = make_entry(&k, other, 3, feed[1]->id, "Ännu en");
        for (long i = 0; i < count; i++) send_batch(s, feed, 3, NULL, 0);
        for (int i = 0; i < 3; i++) entry_destroy(&feed[i]);
    } else {
        return usage();
    }
    listen_for(s, mon, strcmp(kind, "want") == 0 ? 3 : 2, &h);
    printf("%s: entries %ld in %ld messages%s%s%s\n", kind, h.entries, h.messages,
           h.bye[0] ? "; bye: " : "", h.bye, h.disconnected ? "; disconnected" : "");
    key_wipe(&k);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

static void send_lazy_setup(void *s)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Frontier f = EKONET__FRONTIER__INIT;
    m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
    m.frontier = &f;
    send_msg(s, &m);
    Ekonet__PushMode pm = EKONET__PUSH_MODE__INIT; /* eager = false */
    m.body_case = EKONET__PEER_MESSAGE__BODY_PUSH_MODE;
    m.push_mode = &pm;
    send_msg(s, &m);
    /* A digest that differs from the node's: its Frontier in answer shows all the above read. */
    uint8_t zero[16] = {0};
    Ekonet__Digest d = EKONET__DIGEST__INIT;
    d.digest = (ProtobufCBinaryData){sizeof zero, zero};
    m.body_case = EKONET__PEER_MESSAGE__BODY_DIGEST;
    m.digest = &d;
    send_msg(s, &m);
}

static void send_have(void *s, const uint8_t author[KEY_SIZE], uint64_t seq)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Have h = EKONET__HAVE__INIT;
    Ekonet__FeedHead head = EKONET__FEED_HEAD__INIT, *heads[1] = {&head};
    head.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    head.seq = seq;
    h.n_heads = 1;
    h.heads = heads;
    m.body_case = EKONET__PEER_MESSAGE__BODY_HAVE;
    m.have = &h;
    send_msg(s, &m);
}

static int lazy(int argc, char **argv)
{
    if (argc < 5) return usage();
    struct node_key k;
    uint8_t net[ID_SIZE];
    if (member_args(argv, &k, net) < 0) return 2;
    double seconds = strtod(argv[4], NULL);
    void *ctx = zmq_ctx_new(), *mon = NULL;
    void *s = client(ctx, argv[1], argv[2], &mon);
    if (!s) return 2;
    zmq_connect(s, argv[0]);
    if (await_handshake(mon) != 1) {
        printf("handshake refused\n");
        return 1;
    }
    struct entry *feed[3];
    make_feed(&k, net, feed);
    send_hello(s, net);
    send_lazy_setup(s);
    int frontiers = 0, announced = 0, wait = 100;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &wait, sizeof wait);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (elapsed(&t0) < seconds) {
        zmq_msg_t in;
        zmq_msg_init(&in);
        Ekonet__PeerMessage *r =
            zmq_msg_recv(&in, s, 0) < 0
                ? NULL
                : ekonet__peer_message__unpack(NULL, zmq_msg_size(&in), zmq_msg_data(&in));
        zmq_msg_close(&in);
        if (!r) continue;
        switch (r->body_case) {
        case EKONET__PEER_MESSAGE__BODY_FRONTIER:
            if (++frontiers == 2) printf("ready\n");
            break;
        case EKONET__PEER_MESSAGE__BODY_ENTRIES:
            if (!r->entries->has_author) printf("push %zu\n", r->entries->n_entries);
            break;
        case EKONET__PEER_MESSAGE__BODY_HAVE:
            printf("have\n");
            if (!announced++) send_have(s, k.pub, 3);
            break;
        case EKONET__PEER_MESSAGE__BODY_PUSH_MODE:
            printf("%s\n", r->push_mode->eager ? "eager" : "lazy");
            break;
        case EKONET__PEER_MESSAGE__BODY_WANT:
            if (r->want->author.len == KEY_SIZE &&
                memcmp(r->want->author.data, k.pub, KEY_SIZE) == 0 && r->want->from >= 1 &&
                r->want->from <= 3) {
                uint64_t from = r->want->from;
                size_t n = (size_t)(4 - from);
                if (n > r->want->limit) n = r->want->limit;
                send_batch(s, &feed[from - 1], n, k.pub, from);
                printf("want %llu\n", (unsigned long long)from);
            }
            break;
        default:
            break;
        }
        fflush(stdout);
        ekonet__peer_message__free_unpacked(r, NULL);
    }
    for (int i = 0; i < 3; i++) entry_destroy(&feed[i]);
    key_wipe(&k);
    zmq_socket_monitor(s, NULL, 0);
    zmq_close(mon);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

/* ---- the node's answers to a member's protocol edge cases -------------------------------- */

/* A connection as a member: its own context (each has one monitor), handshake done, Hello
   sent. */
struct conn {
    void *ctx, *s, *mon;
};

static int conn_open(struct conn *c, char **argv, const uint8_t net[ID_SIZE])
{
    c->ctx = zmq_ctx_new();
    c->s = client(c->ctx, argv[1], argv[2], &c->mon);
    if (!c->s) return -1;
    zmq_connect(c->s, argv[0]);
    if (await_handshake(c->mon) != 1) {
        printf("handshake refused\n");
        return -1;
    }
    send_hello(c->s, net);
    return 0;
}

static void conn_close(struct conn *c)
{
    if (c->s) {
        zmq_socket_monitor(c->s, NULL, 0);
        zmq_close(c->s);
    }
    if (c->mon) zmq_close(c->mon);
    zmq_ctx_term(c->ctx);
}

/* The next message within ms, or NULL. */
static Ekonet__PeerMessage *recv_within(void *s, int ms)
{
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    zmq_msg_t in;
    zmq_msg_init(&in);
    Ekonet__PeerMessage *r =
        zmq_msg_recv(&in, s, 0) < 0
            ? NULL
            : ekonet__peer_message__unpack(NULL, zmq_msg_size(&in), zmq_msg_data(&in));
    zmq_msg_close(&in);
    return r;
}

/* Reads messages for seconds; returns the first of kind body (the caller frees it) or NULL. */
static Ekonet__PeerMessage *await_kind(void *s, double seconds, int body)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (elapsed(&t0) < seconds) {
        Ekonet__PeerMessage *r = recv_within(s, 100);
        if (r && (int)r->body_case == body) return r;
        if (r) ekonet__peer_message__free_unpacked(r, NULL);
    }
    return NULL;
}

static int twice(int argc, char **argv)
{
    if (argc < 4) return usage();
    struct node_key k;
    uint8_t net[ID_SIZE], server[KEY_SIZE];
    if (member_args(argv, &k, net) < 0 || hex_decode(server, KEY_SIZE, argv[1]) < 0) return 2;
    struct conn a = {0}, b = {0};
    if (conn_open(&a, argv, net) < 0) return 1;
    Ekonet__PeerMessage *r = await_kind(a.s, 5, EKONET__PEER_MESSAGE__BODY_FRONTIER);
    if (!r) {
        printf("first: no session\n");
        return 1;
    }
    ekonet__peer_message__free_unpacked(r, NULL);
    if (conn_open(&b, argv, net) < 0) return 1;
    send_want(b.s, server, 1, 512);
    r = await_kind(a.s, 3, EKONET__PEER_MESSAGE__BODY_BYE);
    printf("first: %s%s\n", r ? "bye: " : "no bye", r && r->bye->reason ? r->bye->reason : "");
    if (r) ekonet__peer_message__free_unpacked(r, NULL);
    long got = 0;
    int done = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!done && elapsed(&t0) < 5) {
        r = await_kind(b.s, 1, EKONET__PEER_MESSAGE__BODY_ENTRIES);
        if (!r) continue;
        if (r->entries->has_author) got += (long)r->entries->n_entries;
        done = r->entries->has_author && r->entries->has_done && r->entries->done;
        ekonet__peer_message__free_unpacked(r, NULL);
    }
    if (done)
        printf("second: entries %ld, done\n", got);
    else
        printf("second: no answer\n");
    key_wipe(&k);
    conn_close(&a);
    conn_close(&b);
    return 0;
}

static int wants(int argc, char **argv)
{
    if (argc < 4) return usage();
    struct node_key k;
    uint8_t net[ID_SIZE], server[KEY_SIZE];
    if (member_args(argv, &k, net) < 0 || hex_decode(server, KEY_SIZE, argv[1]) < 0) return 2;
    struct conn c = {0};
    if (conn_open(&c, argv, net) < 0) return 1;
    send_want(c.s, server, 1, 0);
    send_want(c.s, server, UINT64_MAX, 512);
    send_want(c.s, server, UINT64_MAX - 511, 512);
    send_want(c.s, server, 1, 2);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int answers = 0;
    while (answers < 4 && elapsed(&t0) < 5) {
        Ekonet__PeerMessage *r = recv_within(c.s, 100);
        if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_ENTRIES && r->entries->has_author) {
            int done = r->entries->has_done && r->entries->done;
            printf("from %llu: %zu entries, %s\n", (unsigned long long)r->entries->from,
                   r->entries->n_entries, done ? "done" : "not done");
            answers += done;
        } else if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_BYE) {
            printf("bye: %s\n", r->bye->reason ? r->bye->reason : "");
            answers = 4;
        }
        if (r) ekonet__peer_message__free_unpacked(r, NULL);
    }
    key_wipe(&k);
    conn_close(&c);
    return 0;
}

/* Answers a Want of author with an empty Entries, done. */
static void answer_empty(void *s, const uint8_t author[KEY_SIZE], uint64_t from)
{
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Entries es = EKONET__ENTRIES__INIT;
    es.has_author = es.has_from = es.has_done = es.done = 1;
    es.author = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)author};
    es.from = from;
    m.body_case = EKONET__PEER_MESSAGE__BODY_ENTRIES;
    m.entries = &es;
    send_msg(s, &m);
}

static int claim(int argc, char **argv)
{
    if (argc < 5) return usage();
    struct node_key k;
    uint8_t net[ID_SIZE];
    if (member_args(argv, &k, net) < 0) return 2;
    struct conn c = {0};
    if (conn_open(&c, argv, net) < 0) return 1;
    Ekonet__PeerMessage m = EKONET__PEER_MESSAGE__INIT;
    Ekonet__Frontier f = EKONET__FRONTIER__INIT;
    Ekonet__FeedHead head = EKONET__FEED_HEAD__INIT, *heads[1] = {&head};
    head.author = (ProtobufCBinaryData){KEY_SIZE, k.pub};
    head.seq = UINT64_MAX;
    f.n_heads = 1;
    f.heads = heads;
    m.body_case = EKONET__PEER_MESSAGE__BODY_FRONTIER;
    m.frontier = &f;
    send_msg(c.s, &m);
    Ekonet__PeerMessage *r = await_kind(c.s, 10, EKONET__PEER_MESSAGE__BODY_WANT);
    printf("%s\n", r ? "wanted" : "not wanted");
    fflush(stdout);
    if (r) ekonet__peer_message__free_unpacked(r, NULL);
    long answered = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (access(argv[4], F_OK) != 0 && elapsed(&t0) < 60) { /* the Wants wait in the socket */
        struct timespec pause = {0, 50000000};
        nanosleep(&pause, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (r) answer_empty(c.s, k.pub, 1); /* the first Want, taken above, was from 1 */
    answered += r != NULL;
    while (elapsed(&t0) < 3) {
        r = recv_within(c.s, 100);
        if (r && r->body_case == EKONET__PEER_MESSAGE__BODY_WANT &&
            r->want->author.len == KEY_SIZE && memcmp(r->want->author.data, k.pub, KEY_SIZE) == 0) {
            answer_empty(c.s, k.pub, r->want->from);
            answered++;
        }
        if (r) ekonet__peer_message__free_unpacked(r, NULL);
    }
    printf("answered %ld wants\n", answered);
    key_wipe(&k);
    conn_close(&c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    key_lib_init();
    if (strcmp(argv[1], "api") == 0) return api(argc - 2, argv + 2);
    if (strcmp(argv[1], "handshake") == 0) return handshake(argc - 2, argv + 2);
    if (strcmp(argv[1], "hold") == 0) return hold(argc - 2, argv + 2);
    if (strcmp(argv[1], "publish") == 0) return publish(argc - 2, argv + 2);
    if (strcmp(argv[1], "profile") == 0) return profile(argc - 2, argv + 2);
    if (strcmp(argv[1], "inject") == 0) return inject(argc - 2, argv + 2);
    if (strcmp(argv[1], "envelope") == 0) return envelope(argc - 2, argv + 2);
    if (strcmp(argv[1], "attack") == 0) return attack(argc - 2, argv + 2);
    if (strcmp(argv[1], "lazy") == 0) return lazy(argc - 2, argv + 2);
    if (strcmp(argv[1], "twice") == 0) return twice(argc - 2, argv + 2);
    if (strcmp(argv[1], "wants") == 0) return wants(argc - 2, argv + 2);
    if (strcmp(argv[1], "claim") == 0) return claim(argc - 2, argv + 2);
    return usage();
}
