/*
 * notify: the operator's command for new reports and contact requests; see notify.h.
 *
 * Each running command has a slot: its process id (the leader of its own process group, so
 * that a timeout kills what the shell started too), the write end of its input pipe (non-
 * blocking) and the part of the event not yet written. notify_step, called from the node's one
 * loop, moves each slot on; nothing here ever waits for a command.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ekonet/entry.h"
#include "ekonet/envelope.h"
#include "ekonet/hex.h"
#include "ekonet/log.h"
#include "node.h"
#include "notify.h"

extern char **environ;

/* The most commands max_running may allow (config.c keeps it within this). */
#define NOTIFY_SLOTS 64

struct run {
    pid_t pid; /* 0: a free slot */
    int fd;    /* the command's input, -1 once written or closed */
    char *event;
    size_t len, off;
    uint64_t deadline_ms;
    int killed;
    char what[32]; /* "report 1a2b3c4d" for the log */
};

struct notify {
    const struct config_notify *cfg;
    struct run runs[NOTIFY_SLOTS];
    struct notify_stats stats;
};

struct notify *notify_new(const struct config_notify *cfg)
{
    struct notify *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->cfg = cfg;
    for (int i = 0; i < NOTIFY_SLOTS; i++) self->runs[i].fd = -1;
    return self;
}

static void run_free(struct notify *self, struct run *r)
{
    if (r->fd >= 0) close(r->fd);
    free(r->event);
    memset(r, 0, sizeof *r);
    r->fd = -1;
    self->stats.running--;
}

void notify_destroy(struct notify **p)
{
    if (!p || !*p) return;
    struct notify *self = *p;
    for (int i = 0; i < NOTIFY_SLOTS; i++) {
        struct run *r = &self->runs[i];
        if (!r->pid) continue;
        kill(-r->pid, SIGTERM);
        waitpid(r->pid, NULL, WNOHANG); /* one that has not exited yet is left to init */
        run_free(self, r);
    }
    free(self);
    *p = NULL;
}

const struct notify_stats *notify_stats(const struct notify *self)
{
    return &self->stats;
}

/* ---- starting a command ------------------------------------------------------------------- */

/* Starts the command with its input from a new pipe: 0 with r's pid and fd, or -1 (errno). */
static int spawn(const struct config_notify *cfg, struct run *r)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE); /* the node ignores it; the command should not */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[0], STDIN_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    char *argv[] = {"/bin/sh", "-c", cfg->command, NULL};
    int rc = posix_spawn(&r->pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(pipefd[0]);
    if (rc != 0 || fcntl(pipefd[1], F_SETFL, O_NONBLOCK) < 0) {
        close(pipefd[1]);
        if (rc == 0) kill(-r->pid, SIGKILL), waitpid(r->pid, NULL, 0);
        r->pid = 0;
        errno = rc ? rc : errno;
        return -1;
    }
    r->fd = pipefd[1];
    return 0;
}

/* Runs the command with o (freed here) on its input, unless max_running commands run. */
static void run_event(struct notify *self, cJSON *o, const char *what)
{
    char *event = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    struct run *r = NULL;
    for (int i = 0; i < NOTIFY_SLOTS && !r; i++)
        if (!self->runs[i].pid) r = &self->runs[i];
    size_t len = event ? strlen(event) : 0;
    if (!event || len + 1 > NOTIFY_EVENT_MAX || self->stats.running >= self->cfg->max_running ||
        !r) {
        self->stats.dropped++;
        elog(ELOG_WARN, "notify dropped", "event=\"%s\" running=%u reason=\"%s\"", what,
             self->stats.running,
             !event                       ? "out of memory"
             : len + 1 > NOTIFY_EVENT_MAX ? "too large"
                                          : "max_running commands are running");
        free(event);
        return;
    }
    event[len++] = '\n'; /* replaces the terminating NUL: one line, as JSON Lines */
    if (spawn(self->cfg, r) < 0) {
        self->stats.failed++;
        elog(ELOG_WARN, "notify failed", "event=\"%s\" reason=\"cannot start /bin/sh: %s\"", what,
             strerror(errno));
        free(event);
        return;
    }
    self->stats.started++;
    self->stats.running++;
    r->event = event;
    r->len = len;
    r->off = 0;
    r->deadline_ms = node_now_ms() + (uint64_t)self->cfg->timeout * 1000;
    snprintf(r->what, sizeof r->what, "%s", what);
    elog(ELOG_DEBUG, "notify started", "event=\"%s\" pid=%d", what, (int)r->pid);
    notify_step(self); /* most events fit the pipe at once */
}

/* ---- the events --------------------------------------------------------------------------- */

/* True when one of labels (n of them) is among want (nwant), letter case aside, or want has
   "*". */
static int matches(char *const *want, size_t nwant, char *const *labels, size_t n)
{
    for (size_t i = 0; i < nwant; i++) {
        if (strcmp(want[i], "*") == 0) return 1;
        for (size_t j = 0; j < n; j++)
            if (strcasecmp(want[i], labels[j]) == 0) return 1;
    }
    return 0;
}

static cJSON *strings(char *const *v, size_t n)
{
    return cJSON_CreateStringArray((const char *const *)v, (int)(n > INT32_MAX ? 0 : n));
}

/* The fields every event has: its kind, the time, and the member it comes from. */
static cJSON *event_new(const struct node *n, const char *kind, const uint8_t *id,
                        const uint8_t *member)
{
    char hex[ID_HEX];
    const char *name = node_member_name(n, member);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", kind);
    cJSON_AddNumberToObject(o, "timestamp_ms", (double)node_now_ms());
    cJSON_AddStringToObject(o, "id", hex_encode(hex, id, ID_SIZE));
    cJSON_AddStringToObject(o, "member", hex_encode(hex, member, KEY_SIZE));
    if (name) cJSON_AddStringToObject(o, "member_name", name);
    cJSON_AddStringToObject(o, "node", n->cfg->name);
    return o;
}

void notify_report(struct node *n, const struct entry *e, const Ekonet__Report *r)
{
    const struct config_notify *cfg = &n->cfg->notify;
    if (!n->notify || !cfg->command) return;
    if (!matches(cfg->topics, cfg->ntopics, r->topics, r->n_topics) &&
        !matches(cfg->indicators, cfg->nindicators, r->indicators, r->n_indicators))
        return;
    cJSON *o = event_new(n, "report", e->id, e->author);
    char hex[ID_HEX], what[32];
    cJSON_AddNumberToObject(o, "published_ms", (double)e->timestamp_ms);
    cJSON_AddStringToObject(o, "title", r->title);
    if (r->summary) cJSON_AddStringToObject(o, "summary", r->summary);
    cJSON_AddItemToObject(o, "topics", strings(r->topics, r->n_topics));
    cJSON_AddItemToObject(o, "indicators", strings(r->indicators, r->n_indicators));
    if (r->period) cJSON_AddStringToObject(o, "period", r->period);
    cJSON_AddBoolToObject(o, "edited", r->has_supersedes);
    snprintf(what, sizeof what, "report %.8s", hex_encode(hex, e->id, ID_SIZE));
    run_event(n->notify, o, what);
}

void notify_contact(struct node *n, const struct envelope *e, const Ekonet__ContactRequest *r)
{
    const struct config_notify *cfg = &n->cfg->notify;
    if (!n->notify || !cfg->command || !cfg->contact_requests) return;
    cJSON *o = event_new(n, "contact_request", e->id, e->from);
    char hex[ID_HEX], what[32];
    cJSON_AddNumberToObject(o, "created_ms", (double)e->created_ms);
    cJSON_AddNumberToObject(o, "expires_ms", (double)e->expires_ms);
    cJSON_AddStringToObject(o, "role", contact_role_str((int)r->role));
    cJSON_AddStringToObject(o, "subject", r->subject);
    cJSON_AddStringToObject(o, "message", r->message);
    if (r->about) cJSON_AddStringToObject(o, "about", r->about);
    cJSON_AddStringToObject(o, "from_name", r->from_name);
    if (r->from_title) cJSON_AddStringToObject(o, "from_title", r->from_title);
    cJSON_AddStringToObject(o, "reply_to", r->reply_to);
    if (r->from_phone) cJSON_AddStringToObject(o, "from_phone", r->from_phone);
    snprintf(what, sizeof what, "contact_request %.8s", hex_encode(hex, e->id, ID_SIZE));
    run_event(n->notify, o, what);
}

/* ---- running commands --------------------------------------------------------------------- */

/* Writes what the pipe takes of r's event; closes the pipe once all is written, or when the
   command does not read it (it exited, or closed its input). */
static void feed(struct run *r)
{
    while (r->fd >= 0 && r->off < r->len) {
        ssize_t w = write(r->fd, r->event + r->off, r->len - r->off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) return;
        if (w < 0) break; /* EPIPE: the command did not want it all; its exit status tells */
        r->off += (size_t)w;
    }
    close(r->fd);
    r->fd = -1;
}

/* r's command exited with status: counted and logged; the slot is freed. */
static void reaped(struct notify *self, struct run *r, int status)
{
    if (r->killed) {
        self->stats.timed_out++;
        elog(ELOG_WARN, "notify timed out", "event=\"%s\" pid=%d timeout=%u", r->what, (int)r->pid,
             self->cfg->timeout);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        self->stats.succeeded++;
        elog(ELOG_INFO, "notified", "event=\"%s\"", r->what);
    } else {
        self->stats.failed++;
        if (WIFEXITED(status))
            elog(ELOG_WARN, "notify failed", "event=\"%s\" exit=%d", r->what, WEXITSTATUS(status));
        else
            elog(ELOG_WARN, "notify failed", "event=\"%s\" signal=%d", r->what,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    run_free(self, r);
}

int notify_step(struct notify *self)
{
    if (!self || !self->stats.running) return -1;
    uint64_t now = node_now_ms();
    for (int i = 0; i < NOTIFY_SLOTS; i++) {
        struct run *r = &self->runs[i];
        if (!r->pid) continue;
        feed(r);
        int status = 0;
        pid_t w = waitpid(r->pid, &status, WNOHANG);
        if (w == r->pid || (w < 0 && errno == ECHILD)) {
            reaped(self, r, w == r->pid ? status : 1 << 8); /* lost: as if it failed */
        } else if (!r->killed && now >= r->deadline_ms) {
            kill(-r->pid, SIGKILL); /* the shell and what it started; reaped on a next step */
            r->killed = 1;
        }
    }
    return self->stats.running ? NOTIFY_POLL_MS : -1;
}
