/*
 * checker: a FIFO of jobs, helper threads that each take the oldest job nobody has taken,
 * and a pipe that tells the caller's poll loop that a job is done. Entries are written by one
 * helper and read by the caller only after the job is marked done under the mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ekonet/checker.h"
#include "ekonet/file.h"

struct job {
    struct entry *const *v;
    size_t n;
    void *tag;
    int taken, done;
    struct job *next;
};

struct checker {
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t work, finished;
    struct job *head, *tail;
    size_t pending;
    int stop;
    int pipe[2];
    uint8_t network[ID_SIZE];
    size_t max_content;
};

static void check_entries(const struct checker *c, struct entry *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct entry *e = v[i];
        if (memcmp(e->author, c->network, ID_SIZE) == 0) continue; /* board feed: feed_accept */
        e->checked = 1 + entry_check(e, c->network, c->max_content);
    }
}

static void notify(struct checker *c)
{
    file_wake(c->pipe[1]);
}

static void *helper(void *arg)
{
    struct checker *c = arg;
    prctl(PR_SET_NAME, "ekonet-check"); /* as top -H and /proc show it */
    pthread_mutex_lock(&c->mu);
    for (;;) {
        struct job *j = NULL;
        while (!c->stop) {
            for (j = c->head; j && j->taken; j = j->next) {
            }
            if (j) break;
            pthread_cond_wait(&c->work, &c->mu);
        }
        if (c->stop) break;
        j->taken = 1;
        pthread_mutex_unlock(&c->mu);
        check_entries(c, j->v, j->n);
        pthread_mutex_lock(&c->mu);
        j->done = 1;
        pthread_cond_broadcast(&c->finished);
        notify(c);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

struct checker *checker_new(int threads, const uint8_t network[ID_SIZE], size_t max_content)
{
    struct checker *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->pipe[0] = c->pipe[1] = -1;
    memcpy(c->network, network, ID_SIZE);
    c->max_content = max_content;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->finished, NULL);
    if (file_wake_pipe(c->pipe) < 0) goto fail;
    if (threads > 0 && !(c->threads = calloc((size_t)threads, sizeof *c->threads))) goto fail;
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&c->threads[i], NULL, helper, c) != 0) break;
        c->nthreads++;
    }
    return c;
fail:
    checker_destroy(&c);
    return NULL;
}

void checker_destroy(struct checker **pc)
{
    if (!pc || !*pc) return;
    struct checker *c = *pc;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->work);
    pthread_mutex_unlock(&c->mu);
    for (int i = 0; i < c->nthreads; i++) pthread_join(c->threads[i], NULL);
    while (c->head) {
        struct job *j = c->head;
        c->head = j->next;
        free(j);
    }
    for (int i = 0; i < 2; i++)
        if (c->pipe[i] >= 0) close(c->pipe[i]);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->finished);
    pthread_mutex_destroy(&c->mu);
    free(c->threads);
    free(c);
    *pc = NULL;
}

int checker_check_now(struct checker *c, struct entry *const *v, size_t n)
{
    pthread_mutex_lock(&c->mu);
    size_t pending = c->pending;
    pthread_mutex_unlock(&c->mu);
    if (pending) return -1;
    check_entries(c, v, n);
    return 0;
}

int checker_submit(struct checker *c, struct entry *const *v, size_t n, void *tag)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j) return -1;
    j->v = v;
    j->n = n;
    j->tag = tag;
    pthread_mutex_lock(&c->mu);
    if (c->pending >= CHECKER_QUEUE) {
        pthread_mutex_unlock(&c->mu);
        free(j);
        errno = EAGAIN;
        return -1;
    }
    if (c->tail)
        c->tail->next = j;
    else
        c->head = j;
    c->tail = j;
    c->pending++;
    if (c->nthreads == 0) {
        /* no helpers: check now, on this thread */
        j->taken = 1;
        check_entries(c, j->v, j->n);
        j->done = 1;
        notify(c);
    } else {
        pthread_cond_signal(&c->work);
    }
    pthread_mutex_unlock(&c->mu);
    return 0;
}

int checker_fd(const struct checker *c)
{
    return c->pipe[0];
}

/* Removes the head job (which is done) and returns its tag; called with the mutex held. */
static void *take_head(struct checker *c)
{
    struct job *j = c->head;
    void *tag = j->tag;
    c->head = j->next;
    if (!c->head) c->tail = NULL;
    c->pending--;
    free(j);
    return tag;
}

void *checker_pop(struct checker *c)
{
    file_drain(c->pipe[0]);
    pthread_mutex_lock(&c->mu);
    void *tag = c->head && c->head->done ? take_head(c) : NULL;
    pthread_mutex_unlock(&c->mu);
    return tag;
}

void *checker_wait(struct checker *c)
{
    pthread_mutex_lock(&c->mu);
    while (c->head && !c->head->done) pthread_cond_wait(&c->finished, &c->mu);
    void *tag = c->head ? take_head(c) : NULL;
    pthread_mutex_unlock(&c->mu);
    return tag;
}

size_t checker_pending(const struct checker *c)
{
    return c->pending; /* read by the caller's thread, which alone changes it up or down */
}
