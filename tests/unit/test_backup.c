/*
 * Backups of the store: a copy taken while the store is open holds what was committed before
 * it began, is one file of its own, carries its node and time, and passes integrity_check;
 * an existing file is refused unless replaced; a stopped copy leaves nothing; files that are
 * not stores, damaged or of a newer schema are told apart; a restore keeps the store it
 * replaces and marks the new one restored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.pb-c.h"
#include "ekonet/backup.h"
#include "ekonet/feed.h"
#include "ekonet/store.h"
#include "wire.pb-c.h"

#define MAX_CONTENT 65536

struct fixture {
    char dir[64];
    char db[128], copy[128];
    struct node_key me;
    struct store *store;
    struct feeds feeds;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct errbuf err = {""};
    uint8_t seed[32];
    key_lib_init();
    strcpy(f->dir, "/tmp/ekonet-test-backup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/ekonet.db", f->dir);
    snprintf(f->copy, sizeof f->copy, "%s/copy.db", f->dir);
    memset(seed, 5, sizeof seed);
    key_from_seed(&f->me, seed);
    f->store = store_open(f->db, &err);
    if (!f->store) fail_msg("store_open: %s", err.msg);
    f->feeds.store = f->store;
    memset(f->feeds.network, 0xCD, ID_SIZE);
    f->feeds.max_content = MAX_CONTENT;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[400];
    store_destroy(&f->store);
    DIR *d = opendir(f->dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Publishes n reports in the fixture's own feed, each with a body of body bytes. */
static void publish_sized(struct fixture *f, int n, size_t body)
{
    char *text = calloc(1, body + 1);
    memset(text, 'x', body);
    for (int i = 0; i < n; i++) {
        Ekonet__Report r = EKONET__REPORT__INIT;
        char title[32];
        snprintf(title, sizeof title, "Rapport %d", i + 1);
        r.title = title;
        r.summary = "Sammanfattning";
        r.body = text;
        size_t len = ekonet__report__get_packed_size(&r);
        uint8_t *buf = malloc(len);
        ekonet__report__pack(&r, buf);
        struct entry *e = NULL;
        struct errbuf why = {""}, err = {""};
        int rc = feed_publish(&f->feeds, &f->me, EKONET__ENTRY_KIND__KIND_REPORT, buf, len, &e,
                              &why, &err);
        free(buf);
        if (rc != ENTRY_OK) fail_msg("publish: %s %s", why.msg, err.msg);
        entry_destroy(&e);
    }
    free(text);
}

static void publish(struct fixture *f, int n)
{
    publish_sized(f, n, 0);
}

/* Files in the fixture's directory whose names begin with prefix. */
static int files_named(struct fixture *f, const char *prefix)
{
    int n = 0;
    DIR *d = opendir(f->dir);
    for (struct dirent *de; d && (de = readdir(d));)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    if (d) closedir(d);
    return n;
}

static int count_calls(void *ctx, uint64_t done, uint64_t total)
{
    int *calls = ctx;
    assert_true(done <= total);
    (*calls)++;
    return 0;
}

static void a_copy_of_an_open_store_holds_what_was_committed(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    int e, calls = 0;
    publish(f, 40);
    if (backup_copy(f->db, f->copy, f->me.pub, 0, count_calls, &calls, &info, &e, &err) < 0)
        fail_msg("backup_copy: %s", err.msg);
    assert_true(calls >= 1);
    assert_int_equal(info.entries, 40);
    assert_int_equal(info.own_seq, 40);
    assert_true(info.has_owner && memcmp(info.owner, f->me.pub, KEY_SIZE) == 0);
    assert_true(info.has_network && memcmp(info.network, f->feeds.network, ID_SIZE) == 0);
    assert_true(info.taken_ms > 0 && info.newest_ms > 0);
    /* The store goes on; the copy stays as it was. */
    publish(f, 2);
    struct backup_info again;
    if (backup_inspect(f->copy, &again, &err) < 0) fail_msg("backup_inspect: %s", err.msg);
    assert_int_equal(again.entries, 40);
    assert_int_equal(again.taken_ms, info.taken_ms);
    assert_int_equal(again.schema, STORE_SCHEMA_VERSION);
    /* One file: no WAL mode in its header (bytes 18 and 19 are 1, not 2), nothing beside it. */
    unsigned char hdr[20];
    int fd = open(f->copy, O_RDONLY);
    assert_int_equal(read(fd, hdr, sizeof hdr), (ssize_t)sizeof hdr);
    close(fd);
    assert_int_equal(hdr[18], 1);
    assert_int_equal(hdr[19], 1);
    assert_int_equal(files_named(f, "copy.db"), 1);
}

static void an_existing_file_is_kept_unless_replaced(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    int e;
    publish(f, 3);
    FILE *old = fopen(f->copy, "w");
    fputs("an older backup", old);
    fclose(old);
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 0, NULL, NULL, &info, &e, &err), -1);
    assert_int_equal(e, EEXIST);
    assert_non_null(strstr(err.msg, "File exists"));
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 1, NULL, NULL, &info, &e, &err), 0);
    assert_int_equal(info.entries, 3);
    assert_int_equal(files_named(f, "copy.db"), 1);
}

static int stop_at_once(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    (void)done;
    (void)total;
    return 1;
}

static void a_stopped_copy_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    int e;
    /* more pages than one step copies */
    publish_sized(f, 200, 30000);
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 0, stop_at_once, NULL, &info, &e, &err),
                     -1);
    assert_string_equal(err.msg, "stopped");
    assert_int_equal(files_named(f, "copy.db"), 0);
}

static void a_directory_that_cannot_be_written_is_named(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    int e;
    char dst[200];
    snprintf(dst, sizeof dst, "%s/missing/copy.db", f->dir);
    assert_int_equal(backup_copy(f->db, dst, f->me.pub, 0, NULL, NULL, &info, &e, &err), -1);
    assert_int_equal(e, ENOENT);
    char want[200];
    snprintf(want, sizeof want, "cannot write in %s/missing: No such file or directory", f->dir);
    assert_string_equal(err.msg, want);
}

static void files_that_are_not_good_stores_are_told_apart(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    int e;
    char want[300];
    FILE *t = fopen(f->copy, "w");
    fputs("Det här är ingen databas, bara text som råkar ligga här.\n", t);
    fclose(t);
    assert_int_equal(backup_inspect(f->copy, &info, &err), -1);
    snprintf(want, sizeof want, "%s is not an ekonet store (not an SQLite database)", f->copy);
    assert_string_equal(err.msg, want);

    /* damaged: a page of a good copy overwritten, one the entries table uses (a page in the
       middle of the file may be a free one, whose bytes no check reads) */
    publish(f, 300);
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 1, NULL, NULL, &info, &e, &err), 0);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->copy, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT rootpage, (SELECT page_size FROM pragma_page_size)"
                                        " FROM sqlite_schema WHERE name='entries'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    off_t page = (off_t)(sqlite3_column_int64(st, 0) - 1) * sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    int fd = open(f->copy, O_WRONLY);
    char junk[4096];
    memset(junk, 0x5A, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, page), (ssize_t)sizeof junk);
    close(fd);
    assert_int_equal(backup_inspect(f->copy, &info, &err), -1);
    assert_non_null(strstr(err.msg, "is damaged"));

    /* a newer schema */
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 1, NULL, NULL, &info, &e, &err), 0);
    assert_int_equal(sqlite3_open(f->copy, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(backup_inspect(f->copy, &info, &err), -1);
    assert_non_null(strstr(err.msg, "has schema version 99, newer than this ekonet understands"));

    /* an SQLite database of something else */
    unlink(f->copy);
    assert_int_equal(sqlite3_open(f->copy, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(backup_inspect(f->copy, &info, &err), -1);
    snprintf(want, sizeof want, "%s is an SQLite database but not an ekonet store", f->copy);
    assert_string_equal(err.msg, want);
}

static void a_restore_keeps_the_old_store_and_marks_the_new_one(void **state)
{
    struct fixture *f = *state;
    struct backup_info info;
    struct errbuf err = {""};
    char aside[256];
    int e;
    publish(f, 5);
    assert_int_equal(backup_copy(f->db, f->copy, f->me.pub, 0, NULL, NULL, &info, &e, &err), 0);
    publish(f, 3);
    store_destroy(&f->store);
    if (backup_install(f->copy, f->db, 1764167400000ull, aside, sizeof aside, &err) < 0)
        fail_msg("backup_install: %s", err.msg);
    char want[256];
    snprintf(want, sizeof want, "%s.before-restore-20251126T143000Z", f->db);
    assert_string_equal(aside, want);
    assert_int_equal(files_named(f, "ekonet.db-wal"), 0); /* one file, WAL folded */
    /* the restored store: the backup's 5 entries and the mark; the old one: 8, no mark */
    struct backup_info now, old;
    if (backup_inspect(f->db, &now, &err) < 0) fail_msg("inspect: %s", err.msg);
    assert_int_equal(now.entries, 5);
    assert_int_equal(now.restored_ms, 1764167400000ull);
    if (backup_inspect(aside, &old, &err) < 0) fail_msg("inspect: %s", err.msg);
    assert_int_equal(old.entries, 8);
    assert_int_equal(old.restored_ms, 0);
    assert_int_equal(files_named(f, "ekonet.db.restoring"), 0);
    /* the node's own store code reads the mark */
    f->store = store_open(f->db, &err);
    assert_non_null(f->store);
    int64_t v = 0;
    assert_int_equal(store_meta_get(f->store, BACKUP_META_RESTORED, &v), 1);
    assert_int_equal(v, 1764167400000ll);
    /* a second restore in the same second keeps both earlier stores */
    store_destroy(&f->store);
    assert_int_equal(backup_install(f->copy, f->db, 1764167400000ull, aside, sizeof aside, &err),
                     0);
    snprintf(want, sizeof want, "%s.before-restore-20251126T143000Z-1", f->db);
    assert_string_equal(aside, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_copy_of_an_open_store_holds_what_was_committed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_existing_file_is_kept_unless_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(a_stopped_copy_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_directory_that_cannot_be_written_is_named, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(files_that_are_not_good_stores_are_told_apart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_restore_keeps_the_old_store_and_marks_the_new_one, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
