/*
 * ekonet pending: publishes kept while the node had not yet confirmed the head of its own
 * feed since its start (docs/PROTOCOL.md 7.8), and what became of them; `confirm` tells the
 * node that the network holds nothing newer of its feed, so that it signs them at once.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

#define POLL_MS 100

static const char usage[] =
    "usage: ekonet pending [--json]\n"
    "       ekonet pending confirm [--yes] [--json]\n"
    "\n"
    "After every start, the node signs nothing new until another member's node has confirmed\n"
    "the head of its own feed: so a node restored from an old backup first takes back what it\n"
    "published after the backup, instead of signing a second entry at the same place, which\n"
    "every member would refuse as a fork. Until then, what staff publish is kept as pending,\n"
    "on disk, and signed and sent in order as soon as the head is confirmed.\n"
    "\n"
    "Without a command: whether the head is confirmed (by whom, or what the node waits for),\n"
    "and the publishes kept as pending, with what became of them (kept 7 days).\n"
    "\n"
    "confirm   you know that no member holds anything newer of this node's feed than this\n"
    "          node does (say, every other node has been down since before its last\n"
    "          publish): the head counts as confirmed, and what is pending is signed and sent\n"
    "          now. If another member does hold more, this node's feed forks and every member\n"
    "          stops taking it. Asks first on a terminal.\n"
    "  --yes   do not ask\n";

/* Asks the node for the pending list (one publish if n, confirming first if confirm). */
static int ask(struct cli *c, uint64_t n, int confirm, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__PendingRequest pr = EKONET__PENDING_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_PENDING;
    req.pending = &pr;
    pr.has_n = n != 0;
    pr.n = n;
    pr.has_confirm = pr.confirm = confirm;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_PENDING, reply);
}

int cli_pending_wait(struct cli *c, uint64_t n, Ekonet__ApiReply **reply)
{
    uint64_t until = out_now_ms() + PUBLISH_WAIT_MS;
    for (int told = 0;; told = 1) {
        int rc = ask(c, n, 0, reply);
        if (rc != EXIT_OK) return rc;
        const Ekonet__PendingReply *r = (*reply)->pending;
        if (r->n_items == 0 || strcmp(r->items[0]->state, "waiting") != 0 || out_now_ms() >= until)
            return EXIT_OK;
        if (!told && isatty(STDERR_FILENO) && !c->json)
            fprintf(stderr, "Waiting for another member's node to confirm this node's feed…\n");
        ekonet__api_reply__free_unpacked(*reply, NULL);
        usleep(POLL_MS * 1000);
    }
}

static cJSON *item_json(const Ekonet__PendingItem *it)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)it->n);
    cJSON_AddStringToObject(o, "kind", entry_kind_str(it->kind));
    cJSON_AddStringToObject(o, "state", it->state);
    cJSON_AddStringToObject(o, "created", out_time_iso(iso, sizeof iso, it->created_ms));
    if (it->title) cJSON_AddStringToObject(o, "title", it->title);
    if (it->has_done_ms)
        cJSON_AddStringToObject(o, "done", out_time_iso(iso, sizeof iso, it->done_ms));
    if (it->id.len == ID_SIZE) cJSON_AddItemToObject(o, "id", out_json_hex(it->id.data, ID_SIZE));
    if (it->has_seq) cJSON_AddNumberToObject(o, "seq", (double)it->seq);
    if (it->why) cJSON_AddStringToObject(o, "why", it->why);
    return o;
}

static void print_json(const Ekonet__PendingReply *r)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "confirmed", r->confirmed);
    cJSON_AddBoolToObject(o, "restored", r->restored);
    cJSON_AddNumberToObject(o, "own_seq", (double)r->own_seq);
    if (r->confirmed_by) cJSON_AddStringToObject(o, "confirmed_by", r->confirmed_by);
    if (r->has_confirmed_ms)
        cJSON_AddStringToObject(o, "confirmed_at", out_time_iso(iso, sizeof iso, r->confirmed_ms));
    if (r->waits_for) cJSON_AddStringToObject(o, "waits_for", r->waits_for);
    cJSON *arr = cJSON_AddArrayToObject(o, "items");
    for (size_t i = 0; i < r->n_items; i++) cJSON_AddItemToArray(arr, item_json(r->items[i]));
    out_json(o);
}

static void print_text(struct cli *c, const Ekonet__PendingReply *r)
{
    char when[40], sid[16];
    if (r->confirmed)
        printf("The head of this node's own feed (seq %llu) is confirmed: by %s, %s.\n",
               (unsigned long long)r->own_seq, r->confirmed_by ? r->confirmed_by : "?",
               out_time(when, sizeof when, r->confirmed_ms));
    else
        printf("Not confirmed yet: %s.\n", r->waits_for ? r->waits_for : "waiting");
    if (r->n_items == 0) {
        printf("Nothing has been kept as pending in the last 7 days.\n");
        return;
    }
    putchar('\n');
    char head[120];
    snprintf(head, sizeof head, "%-5s  %-8s  %-10s  %-16s  %s", "NO", "STATE", "KIND", "KEPT",
             "WHAT");
    out_bold(c, head);
    putchar('\n');
    for (size_t i = 0; i < r->n_items; i++) {
        const Ekonet__PendingItem *it = r->items[i];
        printf("%-5llu  %-8s  %-10s  %-16s  ", (unsigned long long)it->n, it->state,
               entry_kind_str(it->kind), out_time(when, sizeof when, it->created_ms));
        if (it->title) printf("%s", it->title);
        if (it->id.len == ID_SIZE)
            printf("%sseq %llu, %s", it->title ? ": " : "", (unsigned long long)it->seq,
                   out_short_id(sid, it->id.data));
        if (it->why) printf("%srefused: %s", it->title ? ": " : "", it->why);
        putchar('\n');
    }
}

/* Asks before confirming on a terminal; 1 to go on. */
static int sure(void)
{
    if (!isatty(STDIN_FILENO)) return 1;
    char answer[16] = "";
    fprintf(stderr, "No member holds anything newer of this node's feed than this node does? "
                    "[y/N] ");
    if (fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y')) return 1;
    fprintf(stderr, "Nothing changed.\n");
    return 0;
}

int cmd_pending(struct cli *c, int argc, char **argv)
{
    enum { O_YES = OPT_FIRST_COMMAND_OPTION };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"yes", no_argument, NULL, O_YES}, {NULL, 0, NULL, 0}};
    int ch, yes = 0;
    c->usage = usage;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == 'h') return cli_help(c);
        if (ch == O_YES) {
            yes = 1;
            continue;
        }
        return cli_bad_option(c, argv, opts);
    }
    int confirm = 0;
    if (optind < argc) {
        if (strcmp(argv[optind], "confirm") != 0)
            return cli_usage_error(c, "unknown command \"%s\" (confirm, or none)", argv[optind]);
        if (argc - optind > 1)
            return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
        confirm = 1;
    } else if (yes) {
        return cli_usage_error(c, "--yes goes with confirm");
    }
    if (confirm && !yes && !sure()) return EXIT_FAIL;
    Ekonet__ApiReply *reply;
    int rc = ask(c, 0, confirm, &reply);
    if (rc != EXIT_OK) return rc;
    if (c->json)
        print_json(reply->pending);
    else
        print_text(c, reply->pending);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
