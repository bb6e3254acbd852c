/*
 * gate_pool.c -- the fetch threads of mef-gate.
 *
 * mef_target_get() blocks for as long as a MEF takes to answer; running it here keeps
 * every event loop free, so a slow or unreachable MEF delays only the handshakes that
 * wait for its answer. libmef's single-flight makes concurrent handshakes with one KeId
 * cost one fetch.
 */
#include <pthread.h>
#include <stdlib.h>

#include <event2/event.h>

#include "gate/gate.h"

struct gate_pool {
	struct mef_target	*target;
	unsigned		 nthreads;
	pthread_t		*threads;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct gate_fetch	*head, *tail;
	int			 stopping;
};

static void
run_fetch(struct gate_pool *pool, struct gate_fetch *f)
{
	unsigned char	key[MEF_KEY_LEN];

	f->result = mef_target_get(pool->target, f->keyid, key, f->enrolee_id,
	    sizeof(f->enrolee_id), NULL);
	if (f->result == MEF_OK)
		f->result = mef_secret_new(key, sizeof(key), &f->key);
	mef_wipe(key, sizeof(key));
	event_active(f->done_ev, EV_WRITE, 0);
}

static void *
pool_main(void *arg)
{
	struct gate_pool	*pool = arg;
	struct gate_fetch	*f;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (pool->head == NULL && !pool->stopping)
			pthread_cond_wait(&pool->cond, &pool->lock);
		if (pool->head == NULL)
			break;
		f = pool->head;
		pool->head = f->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pthread_mutex_unlock(&pool->lock);
		run_fetch(pool, f);
		pthread_mutex_lock(&pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* see gate.h */
enum mef_err
gate_pool_start(struct mef_target *t, unsigned nthreads,
    struct gate_pool **ppool)
{
	struct gate_pool	*pool;
	unsigned		 i;

	pool = calloc(1, sizeof(*pool));
	if (pool == NULL)
		return MEF_E_NOMEM;
	pool->threads = calloc(nthreads, sizeof(*pool->threads));
	if (pool->threads == NULL) {
		free(pool);
		return MEF_E_NOMEM;
	}
	pool->target = t;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&pool->threads[i], NULL, pool_main, pool) != 0)
			break;
		pool->nthreads++;
	}
	*ppool = pool;
	if (pool->nthreads == 0) {
		gate_pool_stop(ppool);
		return MEF_E_IO;
	}
	return MEF_OK;
}

/* see gate.h */
void
gate_pool_submit(struct gate_pool *pool, struct gate_fetch *f)
{
	f->next = NULL;
	pthread_mutex_lock(&pool->lock);
	if (pool->tail != NULL)
		pool->tail->next = f;
	else
		pool->head = f;
	pool->tail = f;
	pthread_cond_signal(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
}

/* see gate.h */
void
gate_pool_stop(struct gate_pool **ppool)
{
	struct gate_pool	*pool;
	unsigned		 i;

	if (ppool == NULL || *ppool == NULL)
		return;
	pool = *ppool;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = 1;
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->cond);
	free(pool->threads);
	free(pool);
	*ppool = NULL;
}
