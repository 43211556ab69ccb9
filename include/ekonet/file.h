/*
 * file: whole-file reads with a size bound and durable writes (write, fsync, rename,
 * fsync the directory), so that what the node says is on disk is on disk; and the pipes that
 * wake a poll loop from another thread or a signal handler.
 */
#ifndef EKONET_FILE_H
#define EKONET_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ekonet/errbuf.h"

/* Reads path into a new NUL-terminated buffer (*out, caller frees); refuses files over max bytes.
 */
int file_read_all(const char *path, size_t max, char **out, size_t *len, struct errbuf *err);

/* Reads a stream (stdin) to EOF into a new NUL-terminated buffer; refuses over max bytes. */
int file_read_stream(int fd, const char *what, size_t max, char **out, size_t *len,
                     struct errbuf *err);

/* Creates path with mode, which must not exist yet, writes data and fsyncs file and directory. */
int file_write_new(const char *path, const void *data, size_t len, mode_t mode, struct errbuf *err);

/* Replaces path atomically (temporary file, fsync, rename, fsync of the directory). */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                      struct errbuf *err);

/* Replaces path with the file tmp, written by someone else: fsyncs tmp, renames it over path and
   fsyncs the directory. On failure tmp is removed. 0, or -1 with err naming path. */
int file_replace_with(const char *tmp, const char *path, struct errbuf *err);

/* fsyncs the directory that holds path, so that a rename or link in it is durable. 0 or -1. */
int file_sync_dir_of(const char *path);

/* Creates directory path (and missing parents); the last one gets mode. Existing is fine. */
int file_mkdirs(const char *path, mode_t mode, struct errbuf *err);

/* True if path exists. */
int file_exists(const char *path);

/* Joins dir and name into buf; -1 if it does not fit. */
int file_join(char *buf, size_t size, const char *dir, const char *name);

/* A pipe that wakes a poll loop: both ends non-blocking and close-on-exec. 0, or -1 (errno). */
int file_wake_pipe(int fds[2]);

/* Writes one byte to a wake-up pipe (fd: its write end); a full pipe has woken the loop
   already. Safe in a signal handler. */
void file_wake(int fd);

/* Empties a wake-up pipe (fd: its read end). */
void file_drain(int fd);

#endif
