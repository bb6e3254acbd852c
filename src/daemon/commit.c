/*
 * commit.c -- the group-commit thread.
 *
 * A mutex-protected FIFO of items; the thread takes everything queued (up to
 * batch_max), optionally waits delay_us for more, writes the batch with
 * store_key_put_batch() (one transaction), then activates each item's event. Items are
 * never touched after their event is activated: the submitter owns them again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/commit.h"
#include "util/clock.h"
#include "util/log.h"

struct commit {
	struct commit_cfg	 cfg;
	struct store		*store;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct commit_item	*head, *tail;
	int			 stopping;
};

static struct commit_item *
take_batch(struct commit *cm, size_t *pn)
{
	struct commit_item	*first = cm->head, *last = NULL, *it;
	size_t			 n = 0;

	for (it = cm->head; it != NULL && n < cm->cfg.batch_max; it = it->next) {
		last = it;
		n++;
	}
	if (last != NULL) {
		cm->head = last->next;
		if (cm->head == NULL)
			cm->tail = NULL;
		last->next = NULL;
	}
	*pn = n;
	return first;
}

static void
run_batch(struct commit *cm, struct commit_item *batch, size_t n)
{
	struct store_new_key	*keys;
	struct commit_item	*it, *next;
	enum mef_err		 rc;
	size_t			 i = 0;
	uint64_t		 t0 = clock_mono_us();

	keys = calloc(n, sizeof(*keys));
	if (keys == NULL) {
		rc = MEF_E_NOMEM;
	} else {
		for (it = batch; it != NULL; it = it->next)
			keys[i++] = it->key;
		rc = store_key_put_batch(cm->store, keys, n,
		    cm->cfg.keep_per_enrolee);
		free(keys);
	}
	if (rc != MEF_OK)
		log_warnx("commit of %zu enrolment keys failed: %s", n,
		    mef_strerror(rc));
	else
		log_debug("commit: %zu enrolment keys in one transaction, %llu us",
		    n, (unsigned long long)(clock_mono_us() - t0));
	for (it = batch; it != NULL; it = next) {
		next = it->next;
		it->result = rc;
		event_active(it->done_ev, EV_WRITE, 0);
	}
}

static void
wait_delay(struct commit *cm)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)cm->cfg.delay_us * 1000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_cond_timedwait(&cm->cond, &cm->lock, &ts);
}

static void *
commit_main(void *arg)
{
	struct commit		*cm = arg;
	struct commit_item	*batch;
	size_t			 n;

	pthread_mutex_lock(&cm->lock);
	for (;;) {
		while (cm->head == NULL && !cm->stopping)
			pthread_cond_wait(&cm->cond, &cm->lock);
		if (cm->head == NULL && cm->stopping)
			break;
		if (cm->cfg.delay_us > 0 && !cm->stopping)
			wait_delay(cm);
		batch = take_batch(cm, &n);
		pthread_mutex_unlock(&cm->lock);
		run_batch(cm, batch, n);
		pthread_mutex_lock(&cm->lock);
	}
	pthread_mutex_unlock(&cm->lock);
	return NULL;
}

/* see commit.h */
enum mef_err
commit_start(const struct commit_cfg *cfg, struct commit **pcm)
{
	struct commit	*cm;
	enum mef_err	 rc;

	cm = calloc(1, sizeof(*cm));
	if (cm == NULL)
		return MEF_E_NOMEM;
	cm->cfg = *cfg;
	if (cm->cfg.batch_max == 0)
		cm->cfg.batch_max = 1;
	pthread_mutex_init(&cm->lock, NULL);
	pthread_cond_init(&cm->cond, NULL);
	rc = store_open(cfg->db_url, cfg->kek, &cm->store);
	if (rc != MEF_OK)
		goto out;
	if (pthread_create(&cm->thread, NULL, commit_main, cm) != 0) {
		rc = MEF_E_IO;
		goto out;
	}
out:
	if (rc == MEF_OK) {
		*pcm = cm;
	} else {
		store_close(&cm->store);
		free(cm);
	}
	return rc;
}

/* see commit.h */
void
commit_submit(struct commit *cm, struct commit_item *item)
{
	item->next = NULL;
	pthread_mutex_lock(&cm->lock);
	if (cm->tail != NULL)
		cm->tail->next = item;
	else
		cm->head = item;
	cm->tail = item;
	pthread_cond_signal(&cm->cond);
	pthread_mutex_unlock(&cm->lock);
}

/* see commit.h */
void
commit_stop(struct commit **pcm)
{
	struct commit	*cm;

	if (pcm == NULL || *pcm == NULL)
		return;
	cm = *pcm;
	pthread_mutex_lock(&cm->lock);
	cm->stopping = 1;
	pthread_cond_signal(&cm->cond);
	pthread_mutex_unlock(&cm->lock);
	pthread_join(cm->thread, NULL);
	store_close(&cm->store);
	pthread_mutex_destroy(&cm->lock);
	pthread_cond_destroy(&cm->cond);
	free(cm);
	*pcm = NULL;
}
