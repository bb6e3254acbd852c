/*
 * commit.c -- the group-commit thread.
 *
 * Items wait in a workq; the thread takes everything queued (up to batch_max),
 * optionally waiting delay_us for more, writes the batch with
 * store_key_put_batch() (one transaction), then activates each item's event. Items are
 * never touched after their event is activated: the submitter owns them again.
 */
#include <pthread.h>
#include <stdlib.h>

#include <event2/event.h>

#include "daemon/commit.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/workq.h"

struct commit {
	struct commit_cfg	 cfg;
	struct store		*store;
	pthread_t		 thread;
	struct workq		 queue;
};

static void
run_batch(struct commit *cm, struct workq_link *batch, size_t n)
{
	struct store_new_key	*keys;
	struct workq_link	*l, *next;
	struct commit_item	*it;
	enum mef_err		 rc;
	size_t			 i = 0;
	uint64_t		 t0 = clock_mono_us();

	keys = calloc(n, sizeof(*keys));
	if (keys == NULL) {
		rc = MEF_E_NOMEM;
	} else {
		for (l = batch; l != NULL; l = l->next) {
			it = WORKQ_ITEM(l, struct commit_item, link);
			it->stored = 0;
			it->key.pstored = &it->stored;
			keys[i++] = it->key;
		}
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
	for (l = batch; l != NULL; l = next) {
		next = l->next;
		it = WORKQ_ITEM(l, struct commit_item, link);
		/* Only a row actually stored confirms its bootstrap. */
		it->result = rc == MEF_OK && !it->stored ? MEF_E_NOTFOUND : rc;
		event_active(it->done_ev, EV_WRITE, 0);
	}
}

static void *
commit_main(void *arg)
{
	struct commit		*cm = arg;
	struct workq_link	*batch;
	size_t			 n;

	while ((batch = workq_take(&cm->queue, cm->cfg.batch_max,
	    cm->cfg.delay_us, &n)) != NULL)
		run_batch(cm, batch, n);
	return NULL;
}

/* see commit.h */
enum mef_err
commit_start(const struct commit_cfg *cfg, struct commit **pcm)
{
	struct commit	*cm;
	struct store	*st = cfg->store;
	enum mef_err	 rc;

	cm = calloc(1, sizeof(*cm));
	if (cm == NULL) {
		store_close(&st);
		return MEF_E_NOMEM;
	}
	cm->cfg = *cfg;
	cm->cfg.store = NULL;
	if (cm->cfg.batch_max == 0)
		cm->cfg.batch_max = 1;
	workq_init(&cm->queue);
	cm->store = st;
	rc = st != NULL ? MEF_OK : store_open(cfg->db_url, cfg->kek, &cm->store);
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
		workq_destroy(&cm->queue);
		free(cm);
	}
	return rc;
}

/* see commit.h */
void
commit_submit(struct commit *cm, struct commit_item *item)
{
	workq_put(&cm->queue, &item->link);
}

/* see commit.h */
void
commit_stop(struct commit **pcm)
{
	struct commit	*cm;

	if (pcm == NULL || *pcm == NULL)
		return;
	cm = *pcm;
	workq_stop(&cm->queue);
	pthread_join(cm->thread, NULL);
	store_close(&cm->store);
	workq_destroy(&cm->queue);
	free(cm);
	*pcm = NULL;
}
