/*
 * Backups of the node's store (docs/OPERATIONS.md, "Backups"):
 *   ekonet backup FILE          a copy of the store, consistent as of one moment
 *   ekonet backup --check FILE  what a backup holds, and whether it would restore here
 *   ekonet restore FILE         the backup in place of the store (ekonetd stopped)
 *
 * While ekonetd runs, the daemon makes the copy (it may write where the CLI's user may not,
 * and the other way round: FILE is written by the daemon's user), and this command follows its
 * progress. When ekonetd is stopped, the command copies the store itself the same way, from a
 * read-only connection: a backup before an upgrade needs no running node, and a daemon started
 * meanwhile changes nothing of the copy (its read snapshot holds).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ekonet/backup.h"
#include "ekonet/config.h"
#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

/* How often the command asks the node how its backup goes: after 10 ms at first (a small
   store is copied in less), then twice as long each time, up to this. */
#define BACKUP_POLL_FIRST_MS 10
#define BACKUP_POLL_MS       200

static const char usage_backup[] =
    "usage: ekonet backup FILE [--force] [--json]\n"
    "       ekonet backup --check FILE [--json]\n"
    "\n"
    "Copies the node's store into FILE, as it was at one moment, while the node goes on\n"
    "working (SQLite's online backup; never a copy of the live files). The copy is written\n"
    "beside FILE under a temporary name, checked, and only then renamed to FILE. While\n"
    "ekonetd runs it writes FILE itself, as its own user (ekonet): FILE's directory must be\n"
    "writable for that user, and visible to it (under systemd: the data directory, e.g.\n"
    "/var/lib/ekonet/backups). When ekonetd is stopped, this command makes the copy.\n"
    "The backup holds no secret key: keep node.key apart, once, offline.\n"
    "\n"
    "  --force        replace FILE if it exists\n"
    "  --check FILE   check a backup instead: intact, an ekonet store of this node and its\n"
    "                 network; prints its date, entries and newest entry\n";

static const char usage_restore[] =
    "usage: ekonet restore FILE [--json]\n"
    "\n"
    "Replaces the node's store with the backup FILE. Stop ekonetd first, and run it as the\n"
    "node's user. FILE must be an intact ekonet store of this node (made by ekonet backup)\n"
    "and of its network. The store it replaces is kept beside it, with the date in its name.\n"
    "At its next start the node takes back from the network what it published after the\n"
    "backup before it signs anything new; publishing waits until then.\n";

/* ---- what a backup holds ------------------------------------------------------------------ */

/* This node's key and configuration, to compare a backup with. */
struct here {
    struct config cfg;
    struct node_key key;
};

static int here_load(struct cli *c, struct here *h)
{
    char path[PATH_MAX];
    struct errbuf err;
    if (file_join(path, sizeof path, c->dir, CONFIG_FILE) < 0) return cli_fail(c, "path too long");
    if (config_load(path, c->dir, &h->cfg, &err) < 0) return cli_fail(c, "%s", err.msg);
    if (file_join(path, sizeof path, c->dir, "node.key") < 0 || key_load(&h->key, path, &err) < 0) {
        config_free(&h->cfg);
        return cli_fail(c, "%s", err.msg);
    }
    return CLI_CONTINUE;
}

static void here_free(struct here *h)
{
    key_wipe(&h->key);
    config_free(&h->cfg);
}

/* Why the backup at file cannot be restored here, in problem; 0 when it can. */
static int restorable(const struct here *h, const char *file, const struct backup_info *i,
                      char *problem, size_t size)
{
    char a[ID_HEX], b[ID_HEX];
    problem[0] = '\0';
    if (i->has_network && memcmp(i->network, h->cfg.network, ID_SIZE) != 0)
        snprintf(problem, size,
                 "%s is a store of another network (%.12s…), not of this node's (%.12s…)", file,
                 hex_encode(a, i->network, ID_SIZE), hex_encode(b, h->cfg.network, ID_SIZE));
    else if (!i->has_owner)
        snprintf(problem, size,
                 "%s does not say which node's store it is (it was not made by ekonet backup); "
                 "restore only backups that ekonet backup made",
                 file);
    else if (memcmp(i->owner, h->key.pub, KEY_SIZE) != 0)
        snprintf(problem, size,
                 "%s is the store of another node (%.12s…), not of this one (%.12s…)", file,
                 hex_encode(a, i->owner, KEY_SIZE), hex_encode(b, h->key.pub, KEY_SIZE));
    return problem[0] ? -1 : 0;
}

static void add_time(cJSON *o, const char *ms_name, const char *iso_name, uint64_t ms)
{
    char iso[40];
    cJSON_AddNumberToObject(o, ms_name, (double)ms);
    if (ms)
        cJSON_AddStringToObject(o, iso_name, out_time_iso(iso, sizeof iso, ms));
    else
        cJSON_AddNullToObject(o, iso_name);
}

/* What a backup holds, as JSON (the caller adds what its command knows). */
static cJSON *info_json(const char *file, const struct backup_info *i)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", file);
    if (i->has_owner)
        cJSON_AddItemToObject(o, "node_id", out_json_hex(i->owner, KEY_SIZE));
    else
        cJSON_AddNullToObject(o, "node_id");
    if (i->has_network)
        cJSON_AddItemToObject(o, "network_id", out_json_hex(i->network, ID_SIZE));
    else
        cJSON_AddNullToObject(o, "network_id");
    add_time(o, "taken_ms", "taken", i->taken_ms);
    cJSON_AddNumberToObject(o, "entries", (double)i->entries);
    cJSON_AddNumberToObject(o, "feeds", (double)i->feeds);
    cJSON_AddNumberToObject(o, "own_seq", (double)i->own_seq);
    add_time(o, "newest_ms", "newest", i->newest_ms);
    cJSON_AddNumberToObject(o, "bytes", (double)i->bytes);
    cJSON_AddNumberToObject(o, "schema", i->schema);
    return o;
}

/* "4567 entries in 12 feeds; this node's feed to seq 120" */
static void print_counts(const struct backup_info *i)
{
    printf("%llu entr%s in %llu feed%s; this node's feed to seq %llu",
           (unsigned long long)i->entries, i->entries == 1 ? "y" : "ies",
           (unsigned long long)i->feeds, i->feeds == 1 ? "" : "s", (unsigned long long)i->own_seq);
}

static void print_info(const struct here *h, const char *file, const struct backup_info *i, int ok)
{
    char when[32], id[ID_HEX], size[32];
    printf("%s: %s\n", file,
           ok ? "a backup of this node's store, good to restore here" : "NOT restorable here");
    if (i->has_owner)
        printf("  node      %.12s… (%s)\n", hex_encode(id, i->owner, KEY_SIZE),
               memcmp(i->owner, h->key.pub, KEY_SIZE) == 0 ? "this node" : "another node");
    else
        printf("  node      unknown (not made by ekonet backup)\n");
    if (i->has_network)
        printf("  network   %.12s… (%s)\n", hex_encode(id, i->network, ID_SIZE),
               memcmp(i->network, h->cfg.network, ID_SIZE) == 0 ? "this node's"
                                                                : "another network");
    printf("  taken     %s\n", i->taken_ms ? out_time(when, sizeof when, i->taken_ms) : "unknown");
    printf("  entries   ");
    print_counts(i);
    printf("\n  newest    %s\n", i->newest_ms ? out_time(when, sizeof when, i->newest_ms) : "none");
    printf("  database  intact (integrity_check ok), schema %d, %s\n", i->schema,
           out_bytes(size, sizeof size, i->bytes));
}

/* ekonet backup --check FILE */
static int check(struct cli *c, const char *file)
{
    struct backup_info i;
    struct errbuf err;
    struct here h;
    char problem[512];
    int rc = here_load(c, &h);
    if (rc != CLI_CONTINUE) return rc;
    if (backup_inspect(file, &i, &err) < 0) {
        here_free(&h);
        return cli_fail(c, "%s", err.msg);
    }
    int ok = restorable(&h, file, &i, problem, sizeof problem) == 0;
    if (c->json) {
        cJSON *o = info_json(file, &i);
        cJSON_AddBoolToObject(o, "this_node", i.has_owner && !memcmp(i.owner, h.key.pub, KEY_SIZE));
        cJSON_AddBoolToObject(o, "this_network",
                              !i.has_network || !memcmp(i.network, h.cfg.network, ID_SIZE));
        cJSON_AddBoolToObject(o, "restorable", ok);
        if (ok)
            cJSON_AddNullToObject(o, "problem");
        else
            cJSON_AddStringToObject(o, "problem", problem);
        out_json(o);
    } else {
        print_info(&h, file, &i, ok);
    }
    here_free(&h);
    return ok ? EXIT_OK : cli_fail(c, "%s", problem);
}

/* ---- taking one ----------------------------------------------------------------------------- */

/* file as an absolute path in out, its directory resolved; EXIT_OK or printed. */
static int absolute(struct cli *c, const char *file, char *out, size_t size)
{
    char copy[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
    struct stat st;
    if (snprintf(copy, sizeof copy, "%s", file) >= (int)sizeof copy)
        return cli_fail(c, "path too long: %s", file);
    snprintf(dir, sizeof dir, "%s", file);
    if (!realpath(dirname(dir), real))
        return cli_fail(c, "cannot write %s: directory %s: %s", file, dirname(copy),
                        strerror(errno));
    snprintf(copy, sizeof copy, "%s", file);
    const char *base = basename(copy);
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0)
        return cli_fail(c, "%s is a directory: give the name of the file to write", file);
    if ((size_t)snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "", base) >= size)
        return cli_fail(c, "path too long: %s", file);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_fail(c, "%s is a directory: give the name of the file to write", file);
    return EXIT_OK;
}

/* Progress on a terminal: "Backing up: 1234 of 5678 pages (21%)". */
static void show_progress(uint64_t done, uint64_t total)
{
    if (!total || !isatty(STDERR_FILENO)) return;
    fprintf(stderr, "\rBacking up: %llu of %llu pages (%llu%%)", (unsigned long long)done,
            (unsigned long long)total, (unsigned long long)(done * 100 / total));
    fflush(stderr);
}

static void end_progress(void)
{
    if (isatty(STDERR_FILENO)) fputs("\r\033[K", stderr);
}

static int progress_fn(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    show_progress(done, total);
    return 0;
}

static void print_taken(struct cli *c, const char *file, const struct backup_info *i,
                        const char *by, uint64_t ms)
{
    char size[32], when[32];
    if (c->json) {
        cJSON *o = info_json(file, i);
        cJSON_AddStringToObject(o, "by", by);
        cJSON_AddNumberToObject(o, "duration_ms", (double)ms);
        out_json(o);
        return;
    }
    printf("Backed up the store to %s: %s, ", file, out_bytes(size, sizeof size, i->bytes));
    print_counts(i);
    printf(", the newest entry from %s.\n",
           i->newest_ms ? out_time(when, sizeof when, i->newest_ms) : "(none)");
    printf("It holds no secret key: keep node.key apart (docs/OPERATIONS.md, \"Backups\").\n"
           "Check it with: ekonet backup --check %s\n",
           file);
}

static uint64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ekonetd stopped: the command copies the store itself. */
static int backup_here(struct cli *c, const char *file, int force)
{
    char db[PATH_MAX], keypath[PATH_MAX];
    struct node_key k;
    struct errbuf err;
    struct backup_info i;
    int e;
    if (file_join(db, sizeof db, c->dir, "ekonet.db") < 0 ||
        file_join(keypath, sizeof keypath, c->dir, "node.key") < 0)
        return cli_fail(c, "path too long");
    if (!file_exists(db)) return cli_fail(c, "there is no store in %s (no ekonet.db)", c->dir);
    if (key_load(&k, keypath, &err) < 0) return cli_fail(c, "%s", err.msg);
    uint64_t t0 = clock_ms();
    int rc = backup_copy(db, file, k.pub, force, progress_fn, NULL, &i, &e, &err);
    key_wipe(&k);
    end_progress();
    if (rc < 0 && e == EEXIST) return cli_fail(c, "%s exists; give --force to replace it", file);
    if (rc < 0) return cli_fail(c, "%s", err.msg);
    print_taken(c, file, &i, "ekonet", clock_ms() - t0);
    return EXIT_OK;
}

/* The backup as the node's reply describes it. */
static void reply_info(const Ekonet__BackupReply *r, struct backup_info *i)
{
    memset(i, 0, sizeof *i);
    i->schema = (int)r->schema;
    i->has_owner = r->has_node_id && r->node_id.len == KEY_SIZE;
    if (i->has_owner) memcpy(i->owner, r->node_id.data, KEY_SIZE);
    i->has_network = r->has_network_id && r->network_id.len == ID_SIZE;
    if (i->has_network) memcpy(i->network, r->network_id.data, ID_SIZE);
    i->taken_ms = r->taken_ms;
    i->entries = r->entries;
    i->feeds = r->feeds;
    i->own_seq = r->own_seq;
    i->newest_ms = r->newest_ms;
    i->bytes = r->bytes;
}

/* One backup request; EXIT_OK with *reply (the caller frees it), or printed. */
static int ask(struct cli *c, const char *path, int force, uint32_t job, Ekonet__ApiReply **reply)
{
    Ekonet__ApiRequest req = EKONET__API_REQUEST__INIT;
    Ekonet__BackupRequest b = EKONET__BACKUP_REQUEST__INIT;
    req.op_case = EKONET__API_REQUEST__OP_BACKUP;
    req.backup = &b;
    b.path = (char *)path;
    b.has_force = force;
    b.force = force;
    b.has_job = job != 0;
    b.job = job;
    return cli_call(c, &req, EKONET__API_REPLY__RESULT_BACKUP, reply);
}

/* The node made the file: it must be the one this command sees under that name. */
static int same_file(struct cli *c, const char *file, const Ekonet__BackupReply *r)
{
    struct stat st;
    if (stat(file, &st) == 0 && (uint64_t)st.st_dev == r->dev && (uint64_t)st.st_ino == r->ino)
        return EXIT_OK;
    return cli_fail(c,
                    "ekonetd wrote the backup to %s as it sees the file system, but this command "
                    "does not find that file there (under systemd ekonetd has a /tmp of its own "
                    "and may write only in its data directory): back up into %s/backups",
                    file, c->dir);
}

/* ekonetd running: the node copies its store; this command follows it. */
static int backup_by_node(struct cli *c, const char *file, int force)
{
    Ekonet__ApiReply *reply = NULL;
    int rc = ask(c, file, force, 0, &reply);
    if (rc != EXIT_OK) return rc;
    uint32_t job = reply->backup->job;
    uint64_t t0 = clock_ms();
    unsigned wait_ms = BACKUP_POLL_FIRST_MS;
    while (strcmp(reply->backup->state, "running") == 0) {
        show_progress(reply->backup->pages_done, reply->backup->pages_total);
        ekonet__api_reply__free_unpacked(reply, NULL);
        reply = NULL;
        usleep(wait_ms * 1000);
        wait_ms = wait_ms * 2 < BACKUP_POLL_MS ? wait_ms * 2 : BACKUP_POLL_MS;
        if ((rc = ask(c, NULL, 0, job, &reply)) != EXIT_OK) {
            end_progress();
            return rc;
        }
    }
    end_progress();
    const Ekonet__BackupReply *r = reply->backup;
    if (strcmp(r->state, "done") != 0)
        rc = cli_fail(c, "%s", r->error ? r->error : "the backup failed (see the node's log)");
    else if ((rc = same_file(c, file, r)) == EXIT_OK) {
        struct backup_info i;
        reply_info(r, &i);
        print_taken(c, file, &i, "ekonetd", clock_ms() - t0);
    }
    ekonet__api_reply__free_unpacked(reply, NULL);
    return rc;
}

int cmd_backup(struct cli *c, int argc, char **argv)
{
    enum { O_FORCE = OPT_FIRST_COMMAND_OPTION, O_CHECK };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"force", no_argument, NULL, O_FORCE},
        {"check", required_argument, NULL, O_CHECK},
        {NULL, 0, NULL, 0},
    };
    int ch, force = 0, running;
    const char *checked = NULL;
    char file[PATH_MAX];
    c->usage = usage_backup;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(c, ch, optarg)) continue;
        if (ch == O_FORCE)
            force = 1;
        else if (ch == O_CHECK)
            checked = optarg;
        else if (ch == 'h')
            return cli_help(c);
        else
            return cli_bad_option(c, argv, opts);
    }
    if (checked) {
        if (optind < argc) return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
        return check(c, checked);
    }
    if (optind >= argc) return cli_usage_error(c, "give the file to write the backup to");
    if (optind + 1 < argc)
        return cli_usage_error(c, "unexpected argument \"%s\"", argv[optind + 1]);
    int rc = absolute(c, argv[optind], file, sizeof file);
    if (rc != EXIT_OK) return rc;
    if (!force && file_exists(file))
        return cli_fail(c, "%s exists; give --force to replace it", file);
    int lock = cli_lock_dir(c, &running);
    if (lock >= 0) {
        /* stopped: the lock only told so; a daemon may start while the copy runs */
        close(lock);
        return backup_here(c, file, force);
    }
    return backup_by_node(c, file, force);
}

/* ---- restoring one -------------------------------------------------------------------------- */

/* Files made in the data directory must belong to the node's user, not to root. */
static int as_node_user(struct cli *c)
{
    struct stat st;
    if (stat(c->dir, &st) < 0) return cli_fail(c, "data directory %s: %s", c->dir, strerror(errno));
    if (st.st_uid == geteuid()) return EXIT_OK;
    struct passwd *pw = getpwuid(st.st_uid);
    char user[64];
    if (pw && pw->pw_name)
        snprintf(user, sizeof user, "%s", pw->pw_name);
    else
        snprintf(user, sizeof user, "%ld", (long)st.st_uid);
    return cli_fail(c,
                    "run ekonet restore as the node's user %s (the owner of %s), so that the "
                    "restored store is that user's: sudo -u %s ekonet --dir %s restore FILE",
                    user, c->dir, user, c->dir);
}

static void print_restored(struct cli *c, const char *file, const struct backup_info *i,
                           const char *aside, uint64_t now)
{
    char when[32];
    if (c->json) {
        cJSON *o = info_json(file, i);
        if (aside[0])
            cJSON_AddStringToObject(o, "replaced_kept_as", aside);
        else
            cJSON_AddNullToObject(o, "replaced_kept_as");
        add_time(o, "restored_ms", "restored", now);
        out_json(o);
        return;
    }
    printf("Restored the store of this node from %s (taken %s: ", file,
           i->taken_ms ? out_time(when, sizeof when, i->taken_ms) : "unknown");
    print_counts(i);
    printf(").\n");
    if (aside[0]) printf("The store it replaced is kept as %s.\n", aside);
    printf("At its next start the node first takes back from the network what it published "
           "after the\nbackup (its own feed beyond seq %llu); until then it signs nothing new "
           "and publishing waits.\nStart it again: ekonetd --dir %s (or systemctl start ekonetd)\n",
           (unsigned long long)i->own_seq, c->dir);
}

/* The checks and the installation, with the lock held. */
static int restore_locked(struct cli *c, const char *file, const struct backup_info *i)
{
    struct here h;
    struct errbuf err;
    char problem[512], db[PATH_MAX], aside[PATH_MAX + 64];
    int rc = here_load(c, &h);
    if (rc != CLI_CONTINUE) return rc;
    if (restorable(&h, file, i, problem, sizeof problem) < 0)
        rc = cli_fail(c, "%s", problem);
    else if (file_join(db, sizeof db, c->dir, "ekonet.db") < 0)
        rc = cli_fail(c, "path too long");
    else {
        uint64_t now = out_now_ms();
        if (backup_install(file, db, now, aside, sizeof aside, &err) < 0)
            rc = cli_fail(c, "%s", err.msg);
        else {
            print_restored(c, file, i, aside, now);
            rc = EXIT_OK;
        }
    }
    here_free(&h);
    return rc;
}

int cmd_restore(struct cli *c, int argc, char **argv)
{
    c->usage = usage_restore;
    int rc = cli_parse_common(c, argc, argv, 1);
    if (rc != CLI_CONTINUE) return rc;
    if (optind >= argc) return cli_usage_error(c, "give the backup file to restore");
    if ((rc = as_node_user(c)) != EXIT_OK) return rc;
    /* The backup first: a bad one is said before the operator stops the node for nothing. */
    struct backup_info i;
    struct errbuf err;
    if (backup_inspect(argv[optind], &i, &err) < 0) return cli_fail(c, "%s", err.msg);
    int lock = cli_lock_stopped(c, "restoring a backup");
    if (lock < 0) return EXIT_FAIL;
    rc = restore_locked(c, argv[optind], &i);
    close(lock);
    return rc;
}
