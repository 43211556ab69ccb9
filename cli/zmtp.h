/*
 * zmtp: a small ZMTP 3.0 client for the node's local API and its event stream (cli/zmtp.c).
 */
#ifndef EKONET_CLI_ZMTP_H
#define EKONET_CLI_ZMTP_H

#include <stddef.h>
#include <stdint.h>

/* Connects to the Unix socket at path and completes the ZMTP handshake as a DEALER.
   Returns the socket, or -1 with errno (ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT, EPROTO...). */
int zmtp_connect(const char *path, int timeout_ms);

/* The same as another socket type ("SUB" for the event stream). */
int zmtp_connect_as(const char *path, const char *type, int timeout_ms);

/* As a SUB: subscribes to every message. 0 or -1. */
int zmtp_subscribe(int fd, int timeout_ms);

/* Sends one message of one frame. 0 or -1. */
int zmtp_send(int fd, const void *data, size_t len, int timeout_ms);

/* Receives one message of one frame (at most max bytes) into a new buffer. 0 or -1. */
int zmtp_recv(int fd, uint8_t **data, size_t *len, size_t max, int timeout_ms);

#endif
