/*
 * errbuf: one clear sentence about what failed, carried from where it is known to where it
 * is shown. Functions that can fail in ways a user must understand take a struct errbuf *
 * and return -1 after filling it in; callers print err.msg as is.
 */
#ifndef EKONET_ERRBUF_H
#define EKONET_ERRBUF_H

struct errbuf {
    char msg[384];
};

/* Formats the message into err (if err is not NULL) and returns -1. */
int errbuf_set(struct errbuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
