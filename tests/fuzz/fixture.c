/*
 * fixture: the node the handler targets drive (fixture.h). Its board feed is written with the
 * project's own encoders and accepted through feed_accept, as a node that joined would hold it.
 */
#include <stdbool.h>

#include "content.pb-c.h"
#include "ekonet/config.h"
#include "ekonet/feed.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "ekonet/roster.h"
#include "ekonet/store.h"
#include "fixture.h"
#include "session.h"
#include "sync.h"

#define SETTLE_TURNS 500 /* turns of at most 10 ms waiting for the checker: 5 s, then abort */

static struct {
    char dir[256];
    struct config cfg;
    struct store *store;
    struct node_key me, attacker, board[2];
    uint8_t network[ID_SIZE];
    int sig[2]; /* the signal pipe the node polls; nothing writes to it */
    struct node *node;
} fx;

static void must(bool ok, const char *what, const char *why)
{
    if (ok) return;
    fprintf(stderr, "fuzz fixture: %s: %s\n", what, why);
    abort();
}

/* Writes the node's configuration into its directory and loads it. */
static void configure(void)
{
    char path[512], id[ID_HEX];
    struct errbuf err = {""};
    snprintf(path, sizeof path, "%s/%s", fx.dir, CONFIG_FILE);
    FILE *f = fopen(path, "w");
    must(f != NULL, path, "cannot write");
    fprintf(f,
            "[node]\nname = Övertorneå kommun\ncode = 2518\nlisten = ipc://%s/peer.sock\n"
            "log_level = error\n[network]\nid = %s\n[peers]\noutbound = 0\ndial_members = no\n"
            "[metrics]\nlisten = off\n",
            fx.dir, hex_encode(id, fx.network, ID_SIZE));
    must(fclose(f) == 0, path, "cannot write");
    must(config_load(path, fx.dir, &fx.cfg, &err) == 0, path, err.msg);
    /* quiet unless asked: EKONET_FUZZ_LOG=info shows what the node does with an input */
    const char *level = getenv("EKONET_FUZZ_LOG");
    if (!level || elog_parse_level(level, &fx.cfg.log_level) < 0) fx.cfg.log_level = ELOG_ERROR;
    elog_set_level(fx.cfg.log_level);
}

/* Packs a board act's content into a new buffer. */
static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len ? *len : 1);
    must(buf != NULL, "board feed", "out of memory");
    protobuf_c_message_pack(m, buf);
    return buf;
}

/* Accepts the next board act (content buf, freed here), signed by both board keys, after the
   head, which it replaces. */
static void board_act(struct feeds *feeds, struct entry **head, uint32_t kind, uint8_t *buf,
                      size_t len)
{
    uint64_t seq = *head ? (*head)->seq + 1 : 1;
    struct entry *e = entry_new(fx.network, fx.network, seq, *head ? (*head)->id : NULL,
                                FUZZ_NOW_MS + seq, kind, buf, len);
    free(buf);
    must(e && entry_sign(e, &fx.board[0]) == 0 && entry_sign(e, &fx.board[1]) == 0, "board act",
         "cannot sign");
    int status = -1;
    struct errbuf why = {""}, err = {""};
    must(feed_accept(feeds, &e, 1, &status, &why, &err) == 1, "board act",
         *err.msg ? err.msg : why.msg);
    entry_destroy(head);
    *head = e;
}

static void admit(struct feeds *feeds, struct entry **head, const struct node_key *k,
                  const char *name, const char *code)
{
    Ekonet__Admit a = EKONET__ADMIT__INIT;
    a.member = (ProtobufCBinaryData){KEY_SIZE, (uint8_t *)k->pub};
    a.name = (char *)name;
    a.code = (char *)code;
    a.kind = EKONET__MEMBER_KIND__MEMBER_MUNICIPALITY;
    a.decision = "Styrelsemöte 2025-12-01 §3";
    size_t len;
    uint8_t *buf = pack(&a.base, &len);
    board_act(feeds, head, EKONET__ENTRY_KIND__KIND_ADMIT, buf, len);
}

/* The store with the network's board feed: charter, this node admitted, the attacker too. */
static void open_store(void)
{
    char path[512];
    struct errbuf err = {""};
    snprintf(path, sizeof path, "%s/ekonet.db", fx.dir);
    must((fx.store = store_open(path, &err)) != NULL, path, err.msg);
    struct feeds feeds = {.store = fx.store, .max_content = DEFAULT_MAX_CONTENT};
    memcpy(feeds.network, fx.network, ID_SIZE);
    must((feeds.roster = roster_load(fx.store, &err)) != NULL, path, err.msg);
    size_t len;
    struct entry *head = NULL;
    board_act(&feeds, &head, EKONET__ENTRY_KIND__KIND_CHARTER, fuzz_charter(&len), len);
    admit(&feeds, &head, &fx.me, "Övertorneå kommun", "2518");
    admit(&feeds, &head, &fx.attacker, "Malmö stad", "1280");
    entry_destroy(&head);
    roster_destroy(&feeds.roster);
}

/* At exit: the node stopped, its files removed (run.sh removes the directory after a crash). */
static void fixture_end(void)
{
    static const char *const files[] = {"ekonet.db", "ekonet.db-wal", "ekonet.db-shm", CONFIG_FILE,
                                        "peer.sock"};
    char path[512];
    node_destroy(&fx.node);
    store_destroy(&fx.store);
    config_free(&fx.cfg);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", fx.dir, files[i]);
        unlink(path);
    }
    rmdir(fx.dir);
}

struct node *fixture_node(void)
{
    if (fx.node) return fx.node;
    struct errbuf err = {""};
    const char *tmp = getenv("TMPDIR");
    snprintf(fx.dir, sizeof fx.dir, "%s/ekonet-node-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    must(mkdtemp(fx.dir) != NULL, fx.dir, "cannot make the directory");
    fuzz_key(&fx.me, FIXTURE_ME);
    fuzz_key(&fx.attacker, FIXTURE_ATTACKER);
    fuzz_key(&fx.board[0], 2);
    fuzz_key(&fx.board[1], 3);
    fuzz_charter_network(fx.network);
    open_store();
    configure();
    must(pipe(fx.sig) == 0, "signal pipe", "cannot make it");
    fx.node = node_new(&fx.cfg, &fx.me, fx.store, fx.sig[0], &err);
    must(fx.node != NULL, "node_new", err.msg);
    atexit(fixture_end);
    return fx.node;
}

const struct node_key *fixture_attacker(void)
{
    return &fx.attacker;
}

void fixture_settle(struct node *n)
{
    static struct node_loop loop;
    static int started;
    if (!started) {
        node_loop_init(&loop);
        started = 1;
    }
    for (int i = 0; n->nheld || checker_pending(n->checker); i++) {
        must(i < SETTLE_TURNS, "settle", "the checker did not finish in 5 s");
        must(node_step(n, &loop, 10) == 0, "node_step", "the loop failed");
    }
    /* Replies to the attacker find no connection, and its session is marked gone; as if the
       connection were there, the tick works on the session rather than closing it. */
    for (struct session *s = n->sessions; s; s = s->next) s->gone = 0;
    loop.next_tick = 0; /* the tick's work, as a second later */
    must(node_step(n, &loop, 0) == 0, "node_step", "the loop failed");
}

void fixture_reset(struct node *n, int sessions)
{
    while (sessions && n->sessions) session_close(n, n->sessions, NULL);
    n->nrecords = 0;
    n->nbackoff = 0;
}
