/*
 * tmpdir: a directory of one unit test's own under /tmp, and the path of the store in it;
 * removed with every file in it (the store, its -wal and -shm, a peer's store) after the test.
 * Included after cmocka.h (it asserts).
 */
#ifndef EKONET_TEST_TMPDIR_H
#define EKONET_TEST_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

/* Makes /tmp/ekonet-test-NAME-XXXXXX in dir and names its store (ekonet.db) in path. */
static inline void tmpdir_make(char dir[64], char path[128], const char *name)
{
    snprintf(dir, 64, "/tmp/ekonet-test-%s-XXXXXX", name);
    assert_non_null(mkdtemp(dir));
    snprintf(path, 128, "%s/ekonet.db", dir);
}

/* Removes dir and the files in it (a test makes no directories in it). */
static inline void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    const struct dirent *e;
    char p[320];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d) closedir(d);
    rmdir(dir);
}

#endif
