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
#include "util/workq.h"

struct gate_pool {
	struct mef_target	*target;
	unsigned		 nthreads;
	pthread_t		*threads;
	struct workq		 queue;
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
	struct workq_link	*l;
	size_t			 n;

	while ((l = workq_take(&pool->queue, 1, 0, &n)) != NULL)
		run_fetch(pool, WORKQ_ITEM(l, struct gate_fetch, link));
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
	workq_init(&pool->queue);
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
	workq_put(&pool->queue, &f->link);
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
	workq_stop(&pool->queue);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	workq_destroy(&pool->queue);
	free(pool->threads);
	free(pool);
	*ppool = NULL;
}
