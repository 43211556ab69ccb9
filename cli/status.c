/*
 * ekonet status: what this node is and how it is doing.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "ekonet/places.h"

static const char usage[] =
    "usage: ekonet status [--dir DIR] [--json]\n"
    "\n"
    "Shows this node: who it speaks for, its node id and network, version and uptime, the\n"
    "entries it stores, its sessions and the last errors it met.\n";

static void print_json(const Ekonet__StatusReply *s)
{
    char iso[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "node_id", out_json_hex(s->node_id.data, s->node_id.len));
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "code", s->code);
    cJSON_AddItemToObject(o, "network_id", out_json_hex(s->network_id.data, s->network_id.len));
    cJSON_AddStringToObject(o, "version", s->version);
    cJSON_AddNumberToObject(o, "uptime_s", (double)s->uptime_s);
    cJSON_AddStringToObject(o, "started", out_time_iso(iso, sizeof iso, s->started_ms));
    cJSON_AddStringToObject(o, "listen", s->listen);
    cJSON_AddNumberToObject(o, "entries", (double)s->entries);
    cJSON_AddNumberToObject(o, "feeds", (double)s->feeds);
    cJSON_AddNumberToObject(o, "own_seq", (double)s->own_seq);
    cJSON_AddBoolToObject(o, "head_confirmed", s->head_confirmed);
    cJSON_AddNumberToObject(o, "pending", (double)s->pending);
    if (s->waits_for) cJSON_AddStringToObject(o, "waits_for", s->waits_for);
    cJSON_AddNumberToObject(o, "own_fork_seq", (double)s->own_fork_seq);
    cJSON_AddNumberToObject(o, "db_bytes", (double)s->db_bytes);
    cJSON_AddNumberToObject(o, "sessions", s->sessions);
    cJSON_AddNumberToObject(o, "sessions_live", s->sessions_live);
    cJSON_AddNumberToObject(o, "forks", (double)s->forks);
    cJSON_AddNumberToObject(o, "entries_refused", (double)s->entries_refused);
    cJSON_AddNumberToObject(o, "handshakes_refused", (double)s->handshakes_refused);
    cJSON_AddNumberToObject(o, "api_errors", (double)s->api_errors);
    cJSON_AddNumberToObject(o, "peer_messages", (double)s->peer_messages);
    cJSON *k = cJSON_AddObjectToObject(o, "contacts");
    cJSON_AddNumberToObject(k, "outbox_pending", (double)s->outbox_pending);
    cJSON_AddNumberToObject(k, "inbox_new", (double)s->inbox_new);
    cJSON_AddNumberToObject(k, "relay_held", (double)s->relay_held);
    cJSON_AddNumberToObject(k, "relay_bytes", (double)s->relay_bytes);
    cJSON_AddNumberToObject(k, "envelopes_refused", (double)s->envelopes_refused);
    cJSON_AddNumberToObject(k, "relay_full", (double)s->relay_full);
    cJSON_AddBoolToObject(o, "joined", s->joined);
    if (s->network_name)
        cJSON_AddStringToObject(o, "network_name", s->network_name);
    else
        cJSON_AddNullToObject(o, "network_name");
    cJSON_AddNumberToObject(o, "members", s->members);
    cJSON_AddBoolToObject(o, "member", s->member);
    if (s->has_revoked_ms) {
        cJSON_AddStringToObject(o, "revoked", out_time_iso(iso, sizeof iso, s->revoked_ms));
        cJSON_AddStringToObject(o, "revoked_reason", s->revoked_reason ? s->revoked_reason : "");
    } else {
        cJSON_AddNullToObject(o, "revoked");
        cJSON_AddNullToObject(o, "revoked_reason");
    }
    cJSON *errs = cJSON_AddArrayToObject(o, "last_errors");
    for (size_t i = 0; i < s->n_last_errors; i++)
        cJSON_AddItemToArray(errs, cJSON_CreateString(s->last_errors[i]));
    out_json(o);
}

static void row(const struct cli *c, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void row(const struct cli *c, const char *label, const char *fmt, ...)
{
    char l[32];
    va_list ap;
    snprintf(l, sizeof l, "%-12s", label);
    out_bold(c, l);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void print_text(const struct cli *c, const Ekonet__StatusReply *s)
{
    char id[129], net[129], up[32], db[32], day[40];
    const struct place *p = place_lookup(s->code);
    row(c, "Node", "%s (%s, %s)", s->name, s->code, p ? place_kind_str(p->kind) : "unknown code");
    row(c, "Node id", "%s", out_hex(id, s->node_id.data, s->node_id.len));
    if (s->joined)
        row(c, "Network", "%s (%s)", s->network_name ? s->network_name : "?",
            out_hex(net, s->network_id.data, s->network_id.len));
    else
        row(c, "Network", "none yet (join one with: ekonet join BUNDLE)");
    if (s->joined && s->has_revoked_ms)
        row(c, "Membership", "revoked by the board on %s: %s; %u member%s",
            out_time(day, sizeof day, s->revoked_ms), s->revoked_reason ? s->revoked_reason : "",
            s->members, s->members == 1 ? "" : "s");
    else if (s->joined)
        row(c, "Membership", "%s; %u member%s", s->member ? "admitted" : "not admitted", s->members,
            s->members == 1 ? "" : "s");
    row(c, "Version", "%s", s->version);
    row(c, "Uptime", "%s", out_duration(up, sizeof up, s->uptime_s));
    row(c, "Listening", "%s", s->listen);
    row(c, "Entries", "%llu in %llu feed%s (own feed at seq %llu)", (unsigned long long)s->entries,
        (unsigned long long)s->feeds, s->feeds == 1 ? "" : "s", (unsigned long long)s->own_seq);
    if (s->own_fork_seq)
        row(c, "OWN FEED",
            "FORKED at seq %llu: two different entries at that seq were signed with this\n"
            "%-12snode's key (its store restored from an old copy and then used, or the key in\n"
            "%-12suse on two machines). Every member stops taking this node's feed there, so\n"
            "%-12snothing it publishes reaches anyone. The board must give the member a new key\n"
            "%-12s(docs/OPERATIONS.md, \"A new key for a member\").",
            (unsigned long long)s->own_fork_seq, "", "", "", "");
    else if (!s->head_confirmed && s->joined)
        row(c, "Own feed", "not confirmed yet: %s", s->waits_for ? s->waits_for : "waiting");
    if (s->pending)
        row(c, "Pending", "%llu publish%s kept until then (ekonet pending)",
            (unsigned long long)s->pending, s->pending == 1 ? "" : "es");
    row(c, "Database", "%s", out_bytes(db, sizeof db, s->db_bytes));
    row(c, "Sessions", "%u (%u live)", s->sessions, s->sessions_live);
    if (s->joined)
        row(c, "Contacts", "%llu new in the inbox, %llu on their way; holding %llu for others (%s)",
            (unsigned long long)s->inbox_new, (unsigned long long)s->outbox_pending,
            (unsigned long long)s->relay_held, out_bytes(db, sizeof db, s->relay_bytes));
    if (s->forks)
        row(c, "Forks", "%llu feed%s quarantined", (unsigned long long)s->forks,
            s->forks == 1 ? "" : "s");
    row(c, "Refused", "%llu handshake%s, %llu entr%s, %llu envelope%s",
        (unsigned long long)s->handshakes_refused, s->handshakes_refused == 1 ? "" : "s",
        (unsigned long long)s->entries_refused, s->entries_refused == 1 ? "y" : "ies",
        (unsigned long long)s->envelopes_refused, s->envelopes_refused == 1 ? "" : "s");
    if (s->n_last_errors == 0) {
        row(c, "Errors", "none");
    } else {
        row(c, "Errors", "%s", s->last_errors[0]);
        for (size_t i = 1; i < s->n_last_errors; i++) printf("%-12s%s\n", "", s->last_errors[i]);
    }
}

int cmd_status(struct cli *c, int argc, char **argv)
{
    c->usage = usage;
    int rc = cli_parse_common(c, argc, argv, 0);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__StatusRequest sreq = EKONET__STATUS_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_STATUS;
    req.status = &sreq;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_STATUS, &reply)) != EXIT_OK) return rc;
    if (c->json)
        print_json(reply->status);
    else
        print_text(c, reply->status);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}
