/*
 * ekonet-bench-baselines: the physical limits the ekonet benchmarks compare themselves with,
 * measured on this machine in this run:
 *   curve_msgs_per_s      raw ZeroMQ CURVE DEALER -> ROUTER over loopback TCP, 1 KB messages
 *   ed25519_verify_per_s  libsodium signature checks on one core, 200-byte messages
 *   sqlite_rows_per_s     SQLite WAL, synchronous=FULL, 1 KB rows, 512 per transaction
 *   sqlite_fts_rows_per_s the same with an FTS5 index over the text
 * Output: one "name value" line each, for scripts to read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CURVE_MSGS 200000
#define MSG_SIZE   1024

struct sender {
    char endpoint[64];
    uint8_t server_pub[32];
};

static void *send_all(void *arg)
{
    struct sender *sd = arg;
    uint8_t pub[32], sec[32], msg[MSG_SIZE];
    crypto_box_keypair(pub, sec);
    memset(msg, 'x', sizeof msg);
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int hwm = 100000, linger = -1;
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, sd->server_pub, 32);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 32);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 32);
    zmq_connect(s, sd->endpoint);
    for (int i = 0; i < CURVE_MSGS; i++) zmq_send(s, msg, sizeof msg, 0);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return NULL;
}

static double curve_throughput(void)
{
    struct sender sd;
    uint8_t sec[32];
    crypto_box_keypair(sd.server_pub, sec);
    void *ctx = zmq_ctx_new(), *r = zmq_socket(ctx, ZMQ_ROUTER);
    int one = 1, hwm = 100000;
    zmq_setsockopt(r, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(r, ZMQ_CURVE_SERVER, &one, sizeof one);
    zmq_setsockopt(r, ZMQ_CURVE_SECRETKEY, sec, 32);
    zmq_bind(r, "tcp://127.0.0.1:*");
    size_t len = sizeof sd.endpoint;
    zmq_getsockopt(r, ZMQ_LAST_ENDPOINT, sd.endpoint, &len);
    pthread_t t;
    pthread_create(&t, NULL, send_all, &sd);
    char buf[MSG_SIZE + 64];
    double t0 = 0;
    for (int i = 0; i < CURVE_MSGS; i++) {
        zmq_recv(r, buf, sizeof buf, 0); /* routing id */
        zmq_recv(r, buf, sizeof buf, 0);
        if (i == 0) t0 = now();
    }
    double rate = (CURVE_MSGS - 1) / (now() - t0);
    pthread_join(t, NULL);
    zmq_close(r);
    zmq_ctx_term(ctx);
    return rate;
}

static double verify_rate(void)
{
    uint8_t pk[32], sk[64], msg[200], sig[64];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(msg, sizeof msg);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    int n = 20000, ok = 0;
    double t0 = now();
    for (int i = 0; i < n; i++) ok += crypto_sign_verify_detached(sig, msg, sizeof msg, pk) == 0;
    double rate = n / (now() - t0);
    return ok == n ? rate : 0;
}

static double sqlite_rate(int fts)
{
    char path[] = "/tmp/ekonet-bench-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t(n INTEGER PRIMARY KEY, id BLOB UNIQUE, body BLOB);"
                 "CREATE VIRTUAL TABLE f USING fts5(title, body);",
                 NULL, NULL, NULL);
    sqlite3_stmt *ins, *insf;
    sqlite3_prepare_v2(db, "INSERT INTO t(id, body) VALUES(?1, ?2)", -1, &ins, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO f(title, body) VALUES(?1, ?2)", -1, &insf, NULL);
    char text[1024];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = "Vi minskade avfallet i kommunen. "[i % 33];
    text[sizeof text - 1] = '\0';
    int rows = 100000;
    double t0 = now();
    for (int i = 0; i < rows; i++) {
        if (i % 512 == 0) sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        uint8_t id[32];
        randombytes_buf(id, sizeof id);
        sqlite3_bind_blob(ins, 1, id, 32, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 2, text, sizeof text, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (fts) {
            sqlite3_bind_text(insf, 1, "Rapport om avfall", -1, SQLITE_STATIC);
            sqlite3_bind_text(insf, 2, text, -1, SQLITE_STATIC);
            sqlite3_step(insf);
            sqlite3_reset(insf);
        }
        if (i % 512 == 511 || i == rows - 1) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double rate = rows / (now() - t0);
    sqlite3_finalize(ins);
    sqlite3_finalize(insf);
    sqlite3_close(db);
    char wal[64];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    return rate;
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    printf("curve_msgs_per_s %.0f\n", curve_throughput());
    printf("ed25519_verify_per_s %.0f\n", verify_rate());
    printf("sqlite_rows_per_s %.0f\n", sqlite_rate(0));
    printf("sqlite_fts_rows_per_s %.0f\n", sqlite_rate(1));
    return 0;
}
