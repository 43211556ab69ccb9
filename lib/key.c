#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ekonet/file.h"
#include "ekonet/hex.h"
#include "ekonet/key.h"

int key_lib_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

static int fill_curve(struct node_key *k)
{
    if (crypto_sign_ed25519_pk_to_curve25519(k->curve_pub, k->pub) != 0) return -1;
    return crypto_sign_ed25519_sk_to_curve25519(k->curve_sec, k->sec);
}

int key_from_seed(struct node_key *k, const uint8_t seed[32])
{
    if (crypto_sign_seed_keypair(k->pub, k->sec, seed) != 0) return -1;
    return fill_curve(k);
}

int key_generate(struct node_key *k)
{
    uint8_t seed[32];
    if (key_lib_init() < 0) return -1;
    randombytes_buf(seed, sizeof seed);
    int rc = key_from_seed(k, seed);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

void key_wipe(struct node_key *k)
{
    sodium_memzero(k->sec, sizeof k->sec);
    sodium_memzero(k->curve_sec, sizeof k->curve_sec);
}

int key_save(const struct node_key *k, const char *path, const char *title, struct errbuf *err)
{
    char pub[ID_HEX], seed[ID_HEX], text[512];
    if (file_exists(path))
        return errbuf_set(err, "%s already exists; refusing to overwrite a key", path);
    hex_encode(pub, k->pub, KEY_SIZE);
    hex_encode(seed, k->sec, 32); /* the first 32 bytes of an Ed25519 secret key are its seed */
    int n = snprintf(text, sizeof text,
                     "# %s\n"
                     "# Whoever holds this file speaks for its owner: keep it secret, mode 0600,\n"
                     "# and keep a copy offline.\n"
                     "# public key: %s\n"
                     "seed %s\n",
                     title, pub, seed);
    int rc = file_write_new(path, text, (size_t)n, 0600, err);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(text, sizeof text);
    return rc;
}

int key_file_switch(const char *path, const char *next, const char *aside, struct errbuf *err)
{
    /* A link, not a copy: at every step one of the names holds each key. An aside left by a
       switch that a crash interrupted is the same file. */
    if (link(path, aside) < 0 && errno != EEXIST)
        return errbuf_set(err, "cannot keep %s as %s: %s", path, aside, strerror(errno));
    if (rename(next, path) < 0)
        return errbuf_set(err, "cannot make %s the key file %s: %s", next, path, strerror(errno));
    if (file_sync_dir_of(path) < 0)
        return errbuf_set(err, "cannot sync the directory of %s: %s", path, strerror(errno));
    return 0;
}

int key_load(struct node_key *k, const char *path, struct errbuf *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errbuf_set(err, "cannot open key file %s: %s", path, strerror(errno));
    if (st.st_mode & 077)
        return errbuf_set(err, "key file %s can be read by others (mode %04o); run: chmod 600 %s",
                          path, (unsigned)(st.st_mode & 07777), path);
    char *text;
    if (file_read_all(path, 4096, &text, NULL, err) < 0) return -1;
    int rc = -1;
    uint8_t seed[32];
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') line[--n] = '\0';
        if (line[0] == '#' || n == 0) continue;
        if (strncmp(line, "seed ", 5) == 0 && hex_decode(seed, 32, line + 5) == 0) {
            rc = key_from_seed(k, seed);
            break;
        }
        break;
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(text, strlen(text));
    free(text);
    if (rc < 0) return errbuf_set(err, "%s is not an ekonet key file (no valid 'seed' line)", path);
    return 0;
}

/* Signing and verifying work on domain || msg; small messages use the stack. */
static uint8_t *prefixed(uint8_t *stackbuf, size_t cap, const char *domain, const uint8_t *msg,
                         size_t len, size_t *outlen)
{
    size_t dl = strlen(domain);
    uint8_t *buf = dl + len <= cap ? stackbuf : malloc(dl + len);
    if (!buf) return NULL;
    memcpy(buf, domain, dl); /* NOLINT(bugprone-not-null-terminated-result): bytes, not a string */
    if (len) memcpy(buf + dl, msg, len);
    *outlen = dl + len;
    return buf;
}

void key_sign(const struct node_key *k, const char *domain, const uint8_t *msg, size_t len,
              uint8_t sig[SIG_SIZE])
{
    uint8_t stackbuf[1024];
    size_t n;
    uint8_t *buf = prefixed(stackbuf, sizeof stackbuf, domain, msg, len, &n);
    if (!buf) abort(); /* signing cannot fail silently */
    crypto_sign_detached(sig, NULL, buf, n, k->sec);
    if (buf != stackbuf) free(buf);
}

int key_verify(const uint8_t pub[KEY_SIZE], const char *domain, const uint8_t *msg, size_t len,
               const uint8_t sig[SIG_SIZE])
{
    uint8_t stackbuf[1024];
    size_t n;
    uint8_t *buf = prefixed(stackbuf, sizeof stackbuf, domain, msg, len, &n);
    if (!buf) return -1;
    int rc = crypto_sign_verify_detached(sig, buf, n, pub);
    if (buf != stackbuf) free(buf);
    return rc == 0 ? 0 : -1;
}

int key_pub_to_curve(uint8_t curve[KEY_SIZE], const uint8_t pub[KEY_SIZE])
{
    return crypto_sign_ed25519_pk_to_curve25519(curve, pub) == 0 ? 0 : -1;
}

void key_hash(uint8_t out[ID_SIZE], const uint8_t *data, size_t len)
{
    crypto_generichash(out, ID_SIZE, data, len, NULL, 0);
}
