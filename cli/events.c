/*
 * ekonet events: conferences, seminars, webinars, study visits and annual meetings. Times are
 * given and shown in Swedish local time (Europe/Stockholm), with the zone shown.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ekonet/content.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"
#include "wire.pb-c.h"

static const char usage_group[] =
    "usage: ekonet events COMMAND [OPTIONS]\n"
    "\n"
    "Events of the network's members: conferences, seminars, webinars, study visits and\n"
    "annual meetings.\n"
    "\n"
    "  add      announce an event from this node\n"
    "  list     upcoming events, soonest first (--past: the past ones)\n"
    "  show     one event in full\n"
    "  cancel   cancel one of this node's events (it stays listed, as cancelled)\n";

static const char usage_add[] =
    "usage: ekonet events add --title TITLE --kind KIND --start TIME [OPTIONS]\n"
    "\n"
    "  --kind KIND          conference, seminar, webinar, study-visit or annual-meeting\n"
    "  --start TIME         \"2027-03-15 09:00\" (Swedish time) or a date\n"
    "  --end TIME           when it ends (default: the same day)\n"
    "  --location PLACE     where, one line\n"
    "  --url URL            registration, programme or stream (http or https)\n"
    "  --description TEXT   Markdown\n"
    "  --topic TOPIC        a topic (repeatable)\n"
    "  --json               print the published entry as JSON\n";

static const char usage_list[] =
    "usage: ekonet events list [--past] [--member M] [--kind KIND] [--limit N] [--json]\n"
    "\n"
    "Upcoming events of every member, soonest first; with --past the ones that are over,\n"
    "latest first. Times are Swedish local time.\n";

static const char usage_show[] = "usage: ekonet events show ID [--json]\n";

static const char usage_cancel[] =
    "usage: ekonet events cancel ID\n"
    "\n"
    "Cancels one of this node's events: a new version, marked cancelled, replaces it on every\n"
    "node.\n";

/* "2027-03-15 09:00 CET" in Swedish time, whatever TZ says. */
static const char *se_time(char *buf, size_t size, uint64_t ms)
{
    const char *old_tz = getenv("TZ");
    char *tz = old_tz ? strdup(old_tz) : NULL;
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm);
    if (tz)
        setenv("TZ", tz, 1);
    else
        unsetenv("TZ");
    tzset();
    free(tz);
    return buf;
}

static int event_add(struct cli *c, int argc, char **argv)
{
    enum {
        O_TITLE = OPT_FIRST_COMMAND_OPTION,
        O_KIND,
        O_START,
        O_END,
        O_LOCATION,
        O_URL,
        O_DESCRIPTION,
        O_TOPIC
    };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"title", required_argument, NULL, O_TITLE},
        {"kind", required_argument, NULL, O_KIND},
        {"start", required_argument, NULL, O_START},
        {"end", required_argument, NULL, O_END},
        {"location", required_argument, NULL, O_LOCATION},
        {"url", required_argument, NULL, O_URL},
        {"description", required_argument, NULL, O_DESCRIPTION},
        {"topic", required_argument, NULL, O_TOPIC},
        {NULL, 0, NULL, 0},
    };
    Ekonet__Event ev = EKONET__EVENT__INIT;
    struct strlist topics = {0};
    const char *start = NULL, *end = NULL;
    int ch, rc = CLI_CONTINUE;
    c->usage = usage_add;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_TITLE:
            ev.title = optarg;
            break;
        case O_KIND:
            if (!(ev.kind = (Ekonet__EventKind)event_kind_parse(optarg)))
                rc = cli_usage_error(c, "--kind must be conference, seminar, webinar, study-visit "
                                        "or annual-meeting");
            break;
        case O_START:
            start = optarg;
            break;
        case O_END:
            end = optarg;
            break;
        case O_LOCATION:
            ev.location = optarg;
            break;
        case O_URL:
            ev.url = optarg;
            break;
        case O_DESCRIPTION:
            ev.description = optarg;
            break;
        case O_TOPIC:
            if (strlist_add(&topics, optarg) < 0) rc = cli_fail(c, "out of memory");
            break;
        case 'h':
            rc = cli_help(c);
            break;
        default:
            rc = cli_bad_option(c, argv, opts);
        }
    }
    if (rc == CLI_CONTINUE && optind < argc)
        rc = cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    if (rc == CLI_CONTINUE && (!ev.title || !ev.kind || !start))
        rc = cli_usage_error(c, "--title, --kind and --start are required");
    if (rc == CLI_CONTINUE && cli_parse_time(start, &ev.starts_ms) < 0)
        rc =
            cli_usage_error(c, "--start needs a time like \"2027-03-15 09:00\", not \"%s\"", start);
    if (rc == CLI_CONTINUE && end) {
        ev.has_ends_ms = 1;
        if (cli_parse_time(end, &ev.ends_ms) < 0)
            rc =
                cli_usage_error(c, "--end needs a time like \"2027-03-15 16:00\", not \"%s\"", end);
    }
    if (rc == CLI_CONTINUE) {
        struct errbuf err;
        ev.n_topics = topics.n;
        ev.topics = topics.v;
        if (event_validate(&ev, &err) < 0) {
            rc = cli_fail(c, "%s; nothing was published", err.msg);
        } else {
            size_t len = ekonet__event__get_packed_size(&ev);
            uint8_t *buf = malloc(len);
            if (!buf)
                rc = cli_fail(c, "out of memory");
            else {
                ekonet__event__pack(&ev, buf);
                rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_EVENT, buf, len, "event");
                free(buf);
            }
        }
    }
    free(topics.v);
    return rc;
}

static cJSON *event_json(const Ekonet__EventSummary *s)
{
    char iso[40], se[48];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", out_json_hex(s->id.data, s->id.len));
    cJSON_AddItemToObject(o, "author", out_json_hex(s->author.data, s->author.len));
    if (s->author_name)
        cJSON_AddStringToObject(o, "author_name", s->author_name);
    else
        cJSON_AddNullToObject(o, "author_name");
    cJSON_AddStringToObject(o, "kind", event_kind_str(s->kind));
    cJSON_AddStringToObject(o, "title", s->title);
    cJSON_AddStringToObject(o, "starts", out_time_iso(iso, sizeof iso, s->starts_ms));
    cJSON_AddStringToObject(o, "starts_local", se_time(se, sizeof se, s->starts_ms));
    if (s->has_ends_ms) {
        cJSON_AddStringToObject(o, "ends", out_time_iso(iso, sizeof iso, s->ends_ms));
        cJSON_AddStringToObject(o, "ends_local", se_time(se, sizeof se, s->ends_ms));
    } else {
        cJSON_AddNullToObject(o, "ends");
        cJSON_AddNullToObject(o, "ends_local");
    }
    cJSON_AddStringToObject(o, "location", s->location ? s->location : "");
    cJSON *t = cJSON_AddArrayToObject(o, "topics");
    for (size_t i = 0; i < s->n_topics; i++)
        cJSON_AddItemToArray(t, cJSON_CreateString(s->topics[i]));
    cJSON_AddBoolToObject(o, "cancelled", s->cancelled);
    cJSON_AddNumberToObject(o, "versions", s->versions);
    return o;
}

static int event_list(struct cli *c, int argc, char **argv)
{
    enum { O_PAST = OPT_FIRST_COMMAND_OPTION, O_MEMBER, O_KIND, O_LIMIT };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"past", no_argument, NULL, O_PAST},
        {"member", required_argument, NULL, O_MEMBER},
        {"kind", required_argument, NULL, O_KIND},
        {"limit", required_argument, NULL, O_LIMIT},
        {NULL, 0, NULL, 0},
    };
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__EventListRequest lr = EKONET__EVENT_LIST_REQUEST__INIT;
    int ch;
    c->usage = usage_list;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        switch (ch) {
        case O_PAST:
            lr.has_past = lr.past = 1;
            break;
        case O_MEMBER:
            lr.member = optarg;
            break;
        case O_KIND:
            if (!(lr.kind = (Ekonet__EventKind)event_kind_parse(optarg)))
                return cli_usage_error(c, "--kind must be conference, seminar, webinar, "
                                          "study-visit or annual-meeting");
            lr.has_kind = 1;
            break;
        case O_LIMIT: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 1000) return cli_usage_error(c, "--limit must be 1 to 1000");
            lr.has_limit = 1;
            lr.limit = (uint32_t)v;
            break;
        }
        case 'h':
            return cli_help(c);
        default:
            return cli_bad_option(c, argv, opts);
        }
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
    req.op_case = EKONET__API_REQUEST__OP_EVENT_LIST;
    req.event_list = &lr;
    Ekonet__ApiReply *reply;
    int rc = cli_call(c, &req, EKONET__API_REPLY__RESULT_EVENT_LIST, &reply);
    if (rc != EXIT_OK) return rc;
    const Ekonet__EventListReply *l = reply->event_list;
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "total", (double)l->total);
        cJSON *arr = cJSON_AddArrayToObject(o, "events");
        for (size_t i = 0; i < l->n_events; i++)
            cJSON_AddItemToArray(arr, event_json(l->events[i]));
        out_json(o);
    } else if (l->n_events == 0) {
        printf(lr.past ? "No past events.\n" : "No upcoming events.\n");
    } else {
        char head[160];
        snprintf(head, sizeof head, "%-12s  %-20s  %-14s  %-16s  %s", "ID", "STARTS (Sweden)",
                 "KIND", "MEMBER", "TITLE");
        out_bold(c, head);
        putchar('\n');
        for (size_t i = 0; i < l->n_events; i++) {
            const Ekonet__EventSummary *s = l->events[i];
            char sid[16], when[48], who[16];
            printf("%-12s  %-20s  %-14s  ",
                   s->id.len == ID_SIZE ? out_short_id(sid, s->id.data) : "?",
                   se_time(when, sizeof when, s->starts_ms), event_kind_str(s->kind));
            out_cell(s->author_name ? s->author_name : out_short_id(who, s->author.data), 16, 1);
            printf("  %s", s->cancelled ? "CANCELLED: " : "");
            out_cell(s->title, out_columns() - 74 > 20 ? out_columns() - 74 : 20, 0);
            putchar('\n');
        }
        if (l->total > l->n_events)
            printf("(%zu of %llu shown)\n", l->n_events, (unsigned long long)l->total);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int get_event(struct cli *c, const char *id, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__EventGetRequest gr = EKONET__EVENT_GET_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_EVENT_GET;
    req.event_get = &gr;
    gr.id = (char *)id;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_EVENT_GET, reply);
}

static int event_show(struct cli *c, int argc, char **argv)
{
    c->usage = usage_show;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the event's ID");
    Ekonet__ApiReply *reply;
    if ((rc = get_event(c, argv[optind], &reply)) != EXIT_OK) return rc;
    const Ekonet__EventSummary *m = reply->event_get->meta;
    const Ekonet__Event *e = reply->event_get->event;
    if (c->json) {
        cJSON *o = event_json(m);
        cJSON_AddStringToObject(o, "url", e->url ? e->url : "");
        cJSON_AddStringToObject(o, "description", e->description ? e->description : "");
        out_json(o);
    } else {
        char a[48], b[48], id[ID_HEX], who[16];
        if (m->cancelled) out_bold(c, "CANCELLED: ");
        out_bold(c, e->title);
        printf("\n%s by %s\n", event_kind_str(e->kind),
               m->author_name ? m->author_name : out_short_id(who, m->author.data));
        printf("When: %s%s%s\n", se_time(a, sizeof a, e->starts_ms), e->has_ends_ms ? " to " : "",
               e->has_ends_ms ? se_time(b, sizeof b, e->ends_ms) : "");
        if (e->location && *e->location) printf("Where: %s\n", e->location);
        if (e->url && *e->url) printf("Link: %s\n", e->url);
        if (e->n_topics) {
            printf("Topics: ");
            for (size_t i = 0; i < e->n_topics; i++) printf("%s%s", i ? ", " : "", e->topics[i]);
            putchar('\n');
        }
        printf("id %s\n", hex_encode(id, m->id.data, m->id.len == ID_SIZE ? ID_SIZE : 0));
        if (e->description && *e->description) printf("\n%s\n", e->description);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return EXIT_OK;
}

static int event_cancel(struct cli *c, int argc, char **argv)
{
    c->usage = usage_cancel;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the event's ID");
    Ekonet__ApiReply *reply;
    if ((rc = get_event(c, argv[optind], &reply)) != EXIT_OK) return rc;
    Ekonet__Event copy = *reply->event_get->event; /* the reply keeps what it owns */
    if (copy.has_cancelled && copy.cancelled) {
        ekonet__api_reply__free_unpacked(reply, NULL);
        return cli_fail(c, "the event is cancelled already");
    }
    copy.has_cancelled = copy.cancelled = 1;
    copy.has_supersedes = 1;
    copy.supersedes = reply->event_get->meta->id;
    size_t len = ekonet__event__get_packed_size(&copy);
    uint8_t *buf = malloc(len);
    if (buf) {
        ekonet__event__pack(&copy, buf);
        rc = cli_publish(c, EKONET__ENTRY_KIND__KIND_EVENT, buf, len, "cancellation");
    } else {
        rc = cli_fail(c, "out of memory");
    }
    free(buf);
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

int cmd_events(struct cli *c, int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"add", event_add},
                                          {"list", event_list},
                                          {"show", event_show},
                                          {"cancel", event_cancel},
                                          {NULL, NULL}};
    c->usage = usage_group;
    return cli_dispatch(c, argc, argv, subs);
}
