/*
 * ekonet contact: staff of one member ask another member's politician or official for advice.
 * The request is sealed to the recipient's key on this node and carried by the network until
 * the recipient's node is back (docs/PROTOCOL.md section 8).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ekonet/envelope.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/text.h"
#include "ekonet/key.h"

static const char usage_group[] =
    "usage: ekonet contact COMMAND [OPTIONS]\n"
    "\n"
    "Ask another member's contact persons, its politician and its official, for advice; the\n"
    "request is end-to-end encrypted and delivered even if their node is offline today.\n"
    "\n"
    "  request   send a request to a member's politician or official\n"
    "  outbox    the requests sent from this node and where they are\n"
    "  inbox     the requests this member received\n"
    "  show      one request in full, with its reply\n"
    "  reply     answer a request: accept, decline or answer in writing\n";

static const char usage_request[] =
    "usage: ekonet contact request MEMBER --role ROLE --subject S --message M\n"
    "                              --from-name NAME --reply-to EMAIL [OPTIONS]\n"
    "\n"
    "Sends a request to one of MEMBER's contact persons (MEMBER: an SCB code, a name or a\n"
    "node id; see ekonet members --contacts). Only MEMBER's node can read it.\n"
    "\n"
    "  --role ROLE         politician, official or either\n"
    "  --subject S         one line\n"
    "  --message M         the question (--message-file FILE reads it from a file, - stdin)\n"
    "  --about A           what it is about: a report id, indicator:CODE or topic:TOPIC\n"
    "  --from-name NAME    who asks\n"
    "  --from-title T      their title\n"
    "  --reply-to EMAIL    where to answer\n"
    "  --phone P           their phone number\n"
    "  --expires DAYS      give up after this many days (1-90, default 30)\n"
    "  --json              print the request as JSON\n";

static const char usage_outbox[] =
    "usage: ekonet contact outbox [--limit N] [--json]\n"
    "\n"
    "The requests sent from this node, newest first, with their state:\n"
    "  queued     sealed and stored here; no other node has it yet\n"
    "  relayed    passed to other members' nodes, on its way\n"
    "  delivered  the recipient's node has it and acknowledged it\n"
    "  answered   the recipient accepted or answered: see ekonet contact show ID\n"
    "  declined   the recipient declined\n"
    "  expired    not delivered in time (or the recipient left the network)\n";

static const char usage_inbox[] =
    "usage: ekonet contact inbox [--limit N] [--json]\n"
    "\n"
    "The requests this member received, newest first: new, read, answered or declined.\n";

static const char usage_show[] =
    "usage: ekonet contact show ID [--json]\n"
    "\n"
    "One request in full, with its reply. A new request in the inbox is marked read.\n";

static const char usage_reply[] =
    "usage: ekonet contact reply ID (--accept | --decline | --answer TEXT) [OPTIONS]\n"
    "\n"
    "Answers a request in the inbox; the reply carries the contact details of the person who\n"
    "answers, from this member's profile (ekonet profile show).\n"
    "\n"
    "  --accept          yes, let us talk (the asker gets the details to get in touch)\n"
    "  --decline         no, with --text saying why if you like\n"
    "  --answer TEXT     an answer in writing\n"
    "  --text TEXT       a few words with --accept or --decline\n"
    "  --as ROLE         answer as the politician or the official (default: the role asked,\n"
    "                    the official for \"either\")\n"
    "  --json            print the request as JSON\n";

/* ---- output ------------------------------------------------------------------------------- */

static const char *str(const char *s)
{
    return s ? s : "";
}

static cJSON *info_json(const Ekonet__ContactInfo *i)
{
    char t[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", out_json_hex(i->id.data, i->id.len));
    cJSON_AddStringToObject(o, "direction", i->outgoing ? "sent" : "received");
    cJSON *m = cJSON_AddObjectToObject(o, "member");
    cJSON_AddItemToObject(m, "id", out_json_hex(i->peer.data, i->peer.len));
    cJSON_AddStringToObject(m, "name", str(i->peer_name));
    cJSON_AddStringToObject(m, "code", str(i->peer_code));
    cJSON_AddStringToObject(o, "state", i->state);
    cJSON_AddStringToObject(o, "created", out_time_iso(t, sizeof t, i->created_ms));
    cJSON_AddStringToObject(o, "expires", out_time_iso(t, sizeof t, i->expires_ms));
    cJSON_AddStringToObject(o, "updated", out_time_iso(t, sizeof t, i->updated_ms));
    const Ekonet__ContactRequest *r = i->request;
    cJSON *q = cJSON_AddObjectToObject(o, "request");
    cJSON_AddStringToObject(q, "role", contact_role_str(r->role));
    cJSON_AddStringToObject(q, "subject", r->subject);
    cJSON_AddStringToObject(q, "message", r->message);
    cJSON_AddStringToObject(q, "about", str(r->about));
    cJSON_AddStringToObject(q, "from_name", r->from_name);
    cJSON_AddStringToObject(q, "from_title", str(r->from_title));
    cJSON_AddStringToObject(q, "reply_to", r->reply_to);
    cJSON_AddStringToObject(q, "from_phone", str(r->from_phone));
    if (i->reply) {
        cJSON *a = cJSON_AddObjectToObject(o, "reply");
        cJSON_AddStringToObject(a, "answer", contact_answer_str(i->reply->answer));
        cJSON_AddStringToObject(a, "text", str(i->reply->text));
        cJSON_AddItemToObject(a, "responder", profile_person_json(i->reply->responder));
    } else {
        cJSON_AddNullToObject(o, "reply");
    }
    if (i->reply_state)
        cJSON_AddStringToObject(o, "reply_state", i->reply_state);
    else
        cJSON_AddNullToObject(o, "reply_state");
    if (i->note)
        cJSON_AddStringToObject(o, "note", i->note);
    else
        cJSON_AddNullToObject(o, "note");
    return o;
}

static const char *member_of(char buf[16], const Ekonet__ContactInfo *i)
{
    return i->peer_name ? i->peer_name : out_short_id(buf, i->peer.data);
}

/* "Malmö's official", "Malmö (politician or official)". */
static const char *addressee(char *buf, size_t size, const Ekonet__ContactInfo *i)
{
    char who[16];
    if (i->request->role == EKONET__CONTACT_ROLE__ROLE_EITHER)
        snprintf(buf, size, "%s (politician or official)", member_of(who, i));
    else
        snprintf(buf, size, "%s's %s", member_of(who, i), contact_role_str(i->request->role));
    return buf;
}

static void show_info(struct cli *c, const Ekonet__ContactInfo *i)
{
    char a[40], b[40], to[200], who[16], id[ID_HEX];
    const Ekonet__ContactRequest *r = i->request;
    out_bold(c, r->subject);
    if (i->outgoing)
        printf("\nTo %s, %s\n", addressee(to, sizeof to, i), out_time(a, sizeof a, i->created_ms));
    else
        printf("\nFrom %s to this member's %s, %s\n", member_of(who, i),
               r->role == EKONET__CONTACT_ROLE__ROLE_EITHER ? "politician or official"
                                                            : contact_role_str(r->role),
               out_time(a, sizeof a, i->created_ms));
    printf("State: %s", i->state);
    if (i->note) printf(" (%s)", i->note);
    if (i->outgoing && (!strcmp(i->state, "queued") || !strcmp(i->state, "relayed")))
        printf(", expires %s", out_time(b, sizeof b, i->expires_ms));
    putchar('\n');
    printf("Asked by: %s%s%s, %s%s%s\n", r->from_name, r->from_title && *r->from_title ? ", " : "",
           str(r->from_title), r->reply_to, r->from_phone && *r->from_phone ? ", " : "",
           str(r->from_phone));
    if (r->about && *r->about) printf("About: %s\n", r->about);
    printf("id %s\n\n%s\n", hex_encode(id, i->id.data, i->id.len == ID_SIZE ? ID_SIZE : 0),
           r->message);
    if (!i->reply) return;
    const Ekonet__ContactReply *p = i->reply;
    printf("\n");
    profile_person_print("",
                         p->answer == EKONET__CONTACT_ANSWER__ANSWER_DECLINE  ? "Declined by"
                         : p->answer == EKONET__CONTACT_ANSWER__ANSWER_ACCEPT ? "Accepted by"
                                                                              : "Answered by",
                         p->responder);
    if (p->text && *p->text) printf("\n%s\n", p->text);
    if (i->reply_state) printf("\n(reply %s)\n", i->reply_state);
}

/* ---- commands ----------------------------------------------------------------------------- */

static int print_reply(struct cli *c, Ekonet__ApiReply *reply)
{
    const Ekonet__ContactInfo *i = reply->contact;
    if (c->json) {
        out_json(info_json(i));
    } else if (i->outgoing) {
        char sid[16], to[200], t[40];
        printf("Request %s to %s: %s (expires %s)\n", out_short_id(sid, i->id.data),
               addressee(to, sizeof to, i), i->state, out_time(t, sizeof t, i->expires_ms));
    } else {
        char sid[16], who[16];
        printf("%s %s from %s; the reply is %s\n",
               strcmp(i->state, "declined") == 0 ? "Declined" : "Answered",
               out_short_id(sid, i->id.data), member_of(who, i), str(i->reply_state));
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int parse_days(const char *s, uint32_t *days)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || end == s || v < 1 || v > 90) return -1;
    *days = (uint32_t)v;
    return 0;
}

static int contact_request(struct cli *c, int argc, char **argv)
{
    enum {
        O_ROLE = OPT_FIRST_COMMAND_OPTION,
        O_SUBJECT,
        O_MESSAGE,
        O_MESSAGE_FILE,
        O_ABOUT,
        O_FROM_NAME,
        O_FROM_TITLE,
        O_REPLY_TO,
        O_PHONE,
        O_EXPIRES
    };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"role", required_argument, NULL, O_ROLE},
        {"subject", required_argument, NULL, O_SUBJECT},
        {"message", required_argument, NULL, O_MESSAGE},
        {"message-file", required_argument, NULL, O_MESSAGE_FILE},
        {"about", required_argument, NULL, O_ABOUT},
        {"from-name", required_argument, NULL, O_FROM_NAME},
        {"from-title", required_argument, NULL, O_FROM_TITLE},
        {"reply-to", required_argument, NULL, O_REPLY_TO},
        {"phone", required_argument, NULL, O_PHONE},
        {"expires", required_argument, NULL, O_EXPIRES},
        {NULL, 0, NULL, 0},
    };
    Ekonet__ContactRequest r = EKONET__CONTACT_REQUEST__INIT;
    Ekonet__ContactSendRequest sr = EKONET__CONTACT_SEND_REQUEST__INIT;
    const char *file = NULL;
    char *text = NULL;
    int ch, rc = CLI_CONTINUE;
    c->usage = usage_request;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_ROLE:
            if (!(r.role = (Ekonet__ContactRole)contact_role_parse(optarg)))
                rc = cli_usage_error(c, "--role must be politician, official or either");
            break;
        case O_SUBJECT:
            r.subject = optarg;
            break;
        case O_MESSAGE:
            r.message = optarg;
            break;
        case O_MESSAGE_FILE:
            file = optarg;
            break;
        case O_ABOUT:
            r.about = optarg;
            break;
        case O_FROM_NAME:
            r.from_name = optarg;
            break;
        case O_FROM_TITLE:
            r.from_title = optarg;
            break;
        case O_REPLY_TO:
            r.reply_to = optarg;
            break;
        case O_PHONE:
            r.from_phone = optarg;
            break;
        case O_EXPIRES:
            sr.has_expires_days = 1;
            if (parse_days(optarg, &sr.expires_days) < 0)
                rc = cli_usage_error(c, "--expires must be 1 to 90 days");
            break;
        case 'h':
            rc = cli_help(c);
            break;
        default:
            rc = cli_bad_option(c, argv, opts);
        }
    }
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "name the member to ask");
    if (optind + 1 < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
    if (!r.role || !r.subject || (!r.message && !file) || !r.from_name || !r.reply_to)
        return cli_usage_error(c, "--role, --subject, --message, --from-name and --reply-to "
                                  "are required");
    if (r.message && file) return cli_usage_error(c, "give --message or --message-file, not both");
    if (file) {
        struct errbuf err;
        size_t len;
        int got = strcmp(file, "-") == 0
                      ? file_read_stream(0, "the message", CONTACT_MAX_MESSAGE, &text, &len, &err)
                      : file_read_all(file, CONTACT_MAX_MESSAGE, &text, &len, &err);
        if (got < 0) return cli_fail(c, "%s", err.msg);
        if (!*text || strlen(text) != len || !text_valid_block(text, CONTACT_MAX_MESSAGE)) {
            free(text);
            return cli_fail(c,
                            "%s: the message must be UTF-8 text of 1 to %d bytes; nothing was sent",
                            strcmp(file, "-") == 0 ? "standard input" : file, CONTACT_MAX_MESSAGE);
        }
        r.message = text;
    }
    struct errbuf err;
    if (contact_request_validate(&r, &err) < 0) {
        free(text);
        return cli_fail(c, "%s; nothing was sent", err.msg);
    }
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_SEND;
    req.contact_send = &sr;
    sr.member = argv[optind];
    sr.request = &r;
    Ekonet__ApiReply *reply;
    rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_CONTACT, &reply);
    free(text);
    return rc == EXIT_OK ? print_reply(c, reply) : rc;
}

static int parse_limit(struct cli *c, int argc, char **argv, uint32_t *limit)
{
    enum { O_LIMIT = OPT_FIRST_COMMAND_OPTION };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"limit", required_argument, NULL, O_LIMIT},
        {NULL, 0, NULL, 0},
    };
    int ch;
    *limit = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == 'h') return cli_help(c);
        if (ch != O_LIMIT) return cli_bad_option(c, argv, opts);
        char *end;
        long v = strtol(optarg, &end, 10);
        if (*end || v < 1 || v > 1000) return cli_usage_error(c, "--limit must be 1 to 1000");
        *limit = (uint32_t)v;
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    return CLI_CONTINUE;
}

static int contact_list(struct cli *c, int argc, char **argv, int outgoing)
{
    uint32_t limit;
    c->usage = outgoing ? usage_outbox : usage_inbox;
    int rc = parse_limit(c, argc, argv, &limit);
    if (rc != CLI_CONTINUE) return rc;
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ContactListRequest lr = EKONET__CONTACT_LIST_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_LIST;
    req.contact_list = &lr;
    lr.outgoing = outgoing;
    lr.has_limit = limit > 0;
    lr.limit = limit;
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_CONTACT_LIST, &reply)) != EXIT_OK)
        return rc;
    const Ekonet__ContactListReply *l = reply->contact_list;
    if (c->json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l->n_contacts; i++)
            cJSON_AddItemToArray(arr, info_json(l->contacts[i]));
        out_json(arr);
    } else if (l->n_contacts == 0) {
        printf(outgoing ? "No requests sent from this node.\n" : "No requests received.\n");
    } else {
        char head[160];
        snprintf(head, sizeof head, "%-12s  %-16s  %-16s  %-10s  %-9s  %s", "ID",
                 outgoing ? "SENT" : "RECEIVED", outgoing ? "TO" : "FROM", "ROLE", "STATE",
                 "SUBJECT");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < l->n_contacts; i++) {
            const Ekonet__ContactInfo *x = l->contacts[i];
            char sid[16], t[40], who[16];
            printf("%-12s  %-16s  ", out_short_id(sid, x->id.data),
                   out_time(t, sizeof t, x->created_ms));
            out_cell(member_of(who, x), 16, 1);
            printf("  %-10s  %-9s  ", contact_role_str(x->request->role), x->state);
            out_cell(x->request->subject, out_columns() - 75 > 20 ? out_columns() - 75 : 20, 0);
            putchar('\n');
        }
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int contact_outbox(struct cli *c, int argc, char **argv)
{
    return contact_list(c, argc, argv, 1);
}

static int contact_inbox(struct cli *c, int argc, char **argv)
{
    return contact_list(c, argc, argv, 0);
}

static int contact_show(struct cli *c, int argc, char **argv)
{
    c->usage = usage_show;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the request's ID");
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__ContactGetRequest gr = EKONET__CONTACT_GET_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_GET;
    req.contact_get = &gr;
    gr.id = argv[optind];
    Ekonet__ApiReply *reply;
    if ((rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_CONTACT, &reply)) != EXIT_OK) return rc;
    if (c->json)
        out_json(info_json(reply->contact));
    else
        show_info(c, reply->contact);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int contact_reply(struct cli *c, int argc, char **argv)
{
    enum { O_ACCEPT = OPT_FIRST_COMMAND_OPTION, O_DECLINE, O_ANSWER, O_TEXT, O_AS };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"accept", no_argument, NULL, O_ACCEPT},
        {"decline", no_argument, NULL, O_DECLINE},
        {"answer", required_argument, NULL, O_ANSWER},
        {"text", required_argument, NULL, O_TEXT},
        {"as", required_argument, NULL, O_AS},
        {NULL, 0, NULL, 0},
    };
    Ekonet__ContactReplyRequest rr = EKONET__CONTACT_REPLY_REQUEST__INIT;
    int ch, answers = 0;
    c->usage = usage_reply;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_ACCEPT:
            rr.answer = EKONET__CONTACT_ANSWER__ANSWER_ACCEPT;
            answers++;
            break;
        case O_DECLINE:
            rr.answer = EKONET__CONTACT_ANSWER__ANSWER_DECLINE;
            answers++;
            break;
        case O_ANSWER:
            rr.answer = EKONET__CONTACT_ANSWER__ANSWER_TEXT;
            rr.text = optarg;
            answers++;
            break;
        case O_TEXT:
            if (rr.answer == EKONET__CONTACT_ANSWER__ANSWER_TEXT)
                return cli_usage_error(c, "--text goes with --accept or --decline");
            rr.text = optarg;
            break;
        case O_AS:
            rr.has_as = 1;
            rr.as = (Ekonet__ContactRole)contact_role_parse(optarg);
            if (rr.as != EKONET__CONTACT_ROLE__ROLE_POLITICIAN &&
                rr.as != EKONET__CONTACT_ROLE__ROLE_OFFICIAL)
                return cli_usage_error(c, "--as must be politician or official");
            break;
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (answers != 1) return cli_usage_error(c, "give one of --accept, --decline, --answer TEXT");
    if (optind >= argc) return cli_usage_error(c, "give the request's ID");
    if (optind + 1 < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_CONTACT_REPLY;
    req.contact_reply = &rr;
    rr.id = argv[optind];
    Ekonet__ApiReply *reply;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_CONTACT, &reply);
    return rc == EXIT_OK ? print_reply(c, reply) : rc;
}

int cmd_contact(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"request", contact_request}, {"outbox", contact_outbox}, {"inbox", contact_inbox},
        {"show", contact_show},       {"reply", contact_reply},   {NULL, NULL},
    };
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
