/*
 * client: one request to the node's local API and its reply, over ZMTP on the node's Unix
 * socket (cli/zmtp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "zmtp.h"

#define CALL_TIMEOUT_MS 30000
#define REPLY_MAX       (256 * 1024 * 1024)

static int unreachable(struct cli *c, const char *why)
{
    cli_message("the node in %s is not reachable: %s\nStart it with: ekonetd --dir %s", c->dir, why,
                c->dir);
    return EXIT_UNREACHABLE;
}

/* Says why connecting failed, in the words a user needs. */
int cli_connect_failed(struct cli *c, int e)
{
    if (e == ENOENT && access(c->dir, F_OK) < 0) {
        cli_message("there is no node in %s\nCreate one with: ekonet init --dir %s --code SCB_CODE",
                    c->dir, c->dir);
        return EXIT_UNREACHABLE;
    }
    if (e == ENOENT || e == ECONNREFUSED) return unreachable(c, "ekonetd is not running");
    if (e == EACCES)
        return unreachable(c, "permission denied (you need to be the node's user or in its group)");
    if (e == ETIMEDOUT) return unreachable(c, "no answer within 30 seconds");
    if (e == ENAMETOOLONG) return unreachable(c, "the socket path is too long");
    return unreachable(c, strerror(e));
}

int cli_lock_dir(struct cli *c, int *running)
{
    char path[PATH_MAX];
    *running = 0;
    if (file_join(path, sizeof path, c->dir, "ekonetd.lock") < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        close(fd);
        *running = 1;
        return -1;
    }
    return fd;
}

int cli_lock_stopped(struct cli *c, const char *doing)
{
    int running;
    int fd = cli_lock_dir(c, &running);
    if (fd >= 0) return fd;
    if (running)
        cli_fail(c, "ekonetd is running on %s; stop it before %s, and start it again after", c->dir,
                 doing);
    else
        cli_fail(c, "cannot open %s/ekonetd.lock: %s", c->dir, strerror(errno));
    return -1;
}

int cli_call(struct cli *c, const Ekonet__ApiRequest *req, Ekonet__ApiReply__ResultCase expect,
             Ekonet__ApiReply **reply)
{
    char path[256];
    *reply = NULL;
    if (snprintf(path, sizeof path, "%s/api.sock", c->dir) >= (int)sizeof path)
        return unreachable(c, "the data directory path is too long");
    int fd = zmtp_connect(path, CALL_TIMEOUT_MS);
    if (fd < 0) return cli_connect_failed(c, errno);
    size_t len = ekonet__api_request__get_packed_size(req), rlen;
    uint8_t *buf = malloc(len ? len : 1), *rbuf = NULL;
    int rc = EXIT_FAIL;
    if (!buf) {
        fprintf(stderr, "ekonet: out of memory\n");
        goto out;
    }
    ekonet__api_request__pack(req, buf);
    if (zmtp_send(fd, buf, len, CALL_TIMEOUT_MS) < 0 ||
        zmtp_recv(fd, &rbuf, &rlen, REPLY_MAX, CALL_TIMEOUT_MS) < 0) {
        rc = cli_connect_failed(c, errno);
        goto out;
    }
    *reply = ekonet__api_reply__unpack(NULL, rlen, rbuf);
    if (!*reply) {
        fprintf(stderr,
                "ekonet: the node's reply does not decode (is ekonetd the same version?)\n");
        goto out;
    }
    if ((*reply)->error) {
        cli_message("%s", (*reply)->error->message);
        ekonet__api_reply__free_unpacked(*reply, NULL);
        *reply = NULL;
        goto out;
    }
    if ((*reply)->result_case != expect) {
        fprintf(stderr,
                "ekonet: the node sent an unexpected reply (is ekonetd the same version?)\n");
        ekonet__api_reply__free_unpacked(*reply, NULL);
        *reply = NULL;
        goto out;
    }
    rc = EXIT_OK;
out:
    free(buf);
    free(rbuf);
    close(fd);
    return rc;
}

int cli_member_list(struct cli *c, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__MemberListRequest mr = EKONET__MEMBER_LIST_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_MEMBER_LIST;
    req.member_list = &mr;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_MEMBER_LIST, reply);
}

/* Prints a signed publish: "Published WHAT id (seq N)", or JSON. */
static void print_published(struct cli *c, const char *what, const uint8_t *id_bytes, uint64_t seq,
                            uint64_t ts_ms)
{
    char id[ID_HEX], iso[40];
    hex_encode(id, id_bytes, ID_SIZE);
    if (!what) {
        /* quiet: the caller reports */
    } else if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddNumberToObject(o, "seq", (double)seq);
        if (ts_ms) {
            cJSON_AddNumberToObject(o, "timestamp_ms", (double)ts_ms);
            cJSON_AddStringToObject(o, "time", out_time_iso(iso, sizeof iso, ts_ms));
        }
        out_json(o);
    } else {
        printf("Published %s %.12s (seq %llu)\n", what, id, (unsigned long long)seq);
    }
}

/* A publish still pending after the wait: says so plainly (on stderr when quiet). */
static void print_pending(struct cli *c, const char *what, uint64_t n, const char *waits_for)
{
    if (c->json && what) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "pending", (double)n);
        cJSON_AddStringToObject(o, "state", "waiting");
        cJSON_AddStringToObject(o, "waits_for", waits_for ? waits_for : "");
        out_json(o);
        return;
    }
    fprintf(what ? stdout : stderr,
            "Kept %s as pending (no. %llu): %s.\n"
            "It is signed and sent to every member as soon as that is done; nothing is lost.\n"
            "'ekonet pending' shows what waits. If you are sure no member holds anything newer\n"
            "of this node's feed, 'ekonet pending confirm' sends it now.\n",
            what ? what : "it", (unsigned long long)n, waits_for ? waits_for : "waiting");
}

/* A publish kept as pending: what became of it within the CLI's wait, printed. */
static int publish_pending(struct cli *c, uint64_t n, const char *what)
{
    Ekonet__ApiReply *reply;
    int rc = cli_pending_wait(c, n, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__PendingReply *p = reply->pending;
    const Ekonet__PendingItem *it = p->n_items ? p->items[0] : NULL;
    if (it && strcmp(it->state, "signed") == 0 && it->id.len == ID_SIZE)
        print_published(c, what, it->id.data, it->seq, 0);
    else if (it && strcmp(it->state, "refused") == 0)
        rc = cli_fail(c, "the node refused it when it came to sign it: %s",
                      it->why ? it->why : "no reason given");
    else
        print_pending(c, what, n, p->waits_for);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

int cli_publish(struct cli *c, uint32_t kind, const uint8_t *content, size_t len, const char *what)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PublishRequest p = EKONET__PUBLISH_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PUBLISH;
    req.publish = &p;
    p.kind = kind;
    p.content = (ProtobufCBinaryData){len, (uint8_t *)content};
    Ekonet__ApiReply *reply;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_PUBLISH, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__PublishReply *r = reply->publish;
    if (r->has_pending) {
        uint64_t n = r->pending;
        ekonet__api_reply__free_unpacked(reply, NULL);
        return publish_pending(c, n, what);
    }
    if (r->id.len != ID_SIZE) {
        ekonet__api_reply__free_unpacked(reply, NULL);
        return cli_fail(c, "the node sent an unexpected reply");
    }
    print_published(c, what, r->id.data, r->seq, r->timestamp_ms);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
