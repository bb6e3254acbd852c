/*
 * audit.c -- the writer thread of mefd's audit trail (see audit.h).
 *
 * Entries are queued as heap copies on a singly linked list under one mutex;
 * the writer swaps the whole list out and writes it as one batch, so under
 * load batches grow and the per-entry cost (lock, fstat, write, head) shrinks.
 * An emitter signals only an idle writer, and a woken writer lingers
 * LINGER_US before taking the list: at most one wake-up (one futex call on an
 * event loop's thread) per LINGER_US, however many fetches. The writer wakes
 * for a pending fsync even when no event arrives.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/audit_log.h"
#include "util/clock.h"
#include "util/log.h"

#define LINGER_US	1000	/* the longest an entry waits to be written */
/*
 * Entries queued at most (about 1.6 KB each): a disk that stalls must not
 * turn a flood of refused handshakes into unbounded memory. Past it entries
 * are counted, and the count goes into the log itself as an audit-lost entry.
 */
#define QUEUE_MAX	16384

struct audit_item {
	struct audit_item	*next;
	struct audit_entry	 e;
};

struct audit {
	struct audit_log	*log;
	unsigned		 fsync_ms;
	pthread_t		 thread;
	int			 running;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* on the monotonic clock */
	struct audit_item	*head, **tail;
	int			 stopping;
	int			 idle;		/* the writer waits for work */
	unsigned		 queued;
	unsigned long		 dropped;	/* not queued since last batch */
};

static void	*audit_main(void *arg);
static void	 write_batch(struct audit *a, struct audit_item *list);

/* see audit.h */
enum mef_err
audit_open(const char *path, unsigned fsync_ms, const struct mef_secret *key,
    struct audit **pa, char *err, size_t errsz)
{
	struct audit		*a;
	pthread_condattr_t	 ca;
	enum mef_err		 rc;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return MEF_E_NOMEM;
	rc = audit_log_open(path, key, &a->log, err, errsz);
	if (rc != MEF_OK) {
		free(a);
		return rc;
	}
	a->fsync_ms = fsync_ms;
	a->tail = &a->head;
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cond, &ca);
	pthread_condattr_destroy(&ca);
	*pa = a;
	return MEF_OK;
}

/* see audit.h */
enum mef_err
audit_run(struct audit *a)
{
	if (a == NULL || a->running)
		return MEF_OK;
	if (pthread_create(&a->thread, NULL, audit_main, a) != 0)
		return MEF_E_IO;
	a->running = 1;
	return MEF_OK;
}

/* see audit.h */
void
audit_emit(struct audit *a, const struct audit_entry *e)
{
	struct audit_item	*it;

	if (a == NULL)
		return;
	it = malloc(sizeof(*it));
	if (it != NULL) {		/* the copy outside the lock */
		it->next = NULL;
		it->e = *e;
		if (it->e.time_ms == 0)
			it->e.time_ms = audit_now_ms();
	}
	pthread_mutex_lock(&a->lock);
	if (it == NULL || a->queued >= QUEUE_MAX) {
		a->dropped++;
	} else {
		a->queued++;
		*a->tail = it;
		a->tail = &it->next;
		it = NULL;
		/* Only an idle writer needs waking; a busy one finds it. */
		if (a->idle) {
			a->idle = 0;
			pthread_cond_signal(&a->cond);
		}
	}
	pthread_mutex_unlock(&a->lock);
	free(it);			/* not queued */
}

/* see audit.h */
void
audit_stop(struct audit **pa)
{
	struct audit	*a;

	if (pa == NULL || *pa == NULL)
		return;
	a = *pa;
	pthread_mutex_lock(&a->lock);
	a->stopping = 1;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (a->running)
		pthread_join(a->thread, NULL);
	else
		write_batch(a, a->head);	/* never started: flush here */
	audit_log_sync(a->log);
	audit_log_close(&a->log);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a);
	*pa = NULL;
}

static void *
audit_main(void *arg)
{
	struct audit		*a = arg;
	struct audit_item	*list;
	struct timespec		 ts;
	uint64_t		 synced_us = clock_mono_us(), due_us;
	int			 dirty = 0, stop;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (a->head == NULL && !a->stopping) {
			a->idle = 1;
			if (!dirty) {
				pthread_cond_wait(&a->cond, &a->lock);
				continue;
			}
			due_us = synced_us + (uint64_t)a->fsync_ms * 1000;
			if (clock_mono_us() >= due_us)
				break;
			ts.tv_sec = (time_t)(due_us / 1000000);
			ts.tv_nsec = (long)(due_us % 1000000) * 1000;
			pthread_cond_timedwait(&a->cond, &a->lock, &ts);
		}
		a->idle = 0;
		if (a->head != NULL && !a->stopping) {
			/* Let a batch gather: one wake-up per LINGER_US. */
			pthread_mutex_unlock(&a->lock);
			usleep(LINGER_US);
			pthread_mutex_lock(&a->lock);
		}
		list = a->head;
		a->head = NULL;
		a->tail = &a->head;
		a->queued = 0;
		stop = a->stopping;
		pthread_mutex_unlock(&a->lock);
		if (list != NULL) {
			write_batch(a, list);
			dirty = 1;
		}
		if (dirty && (stop || a->fsync_ms == 0 ||
		    clock_mono_us() >= synced_us + (uint64_t)a->fsync_ms *
		    1000)) {
			audit_log_sync(a->log);
			synced_us = clock_mono_us();
			dirty = 0;
		}
		pthread_mutex_lock(&a->lock);
		if (stop && a->head == NULL)
			break;
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/*
 * Appends and frees the items of list, after an audit-lost entry when entries
 * could not be queued since the last batch; on failure says so once.
 */
static void
write_batch(struct audit *a, struct audit_item *list)
{
	struct audit_item	*next;
	struct audit_entry	 lost_e;
	enum mef_err		 rc;
	unsigned long		 lost = 0, dropped;

	pthread_mutex_lock(&a->lock);
	dropped = a->dropped;
	a->dropped = 0;
	pthread_mutex_unlock(&a->lock);
	rc = audit_log_begin(a->log);
	if (rc == MEF_OK && dropped > 0) {
		memset(&lost_e, 0, sizeof(lost_e));
		snprintf(lost_e.event, sizeof(lost_e.event), "audit-lost");
		snprintf(lost_e.actor, sizeof(lost_e.actor), "mefd");
		snprintf(lost_e.object, sizeof(lost_e.object),
		    "%lu entries not queued (queue full or out of memory)",
		    dropped);
		snprintf(lost_e.outcome, sizeof(lost_e.outcome), "failed");
		rc = audit_log_add(a->log, &lost_e);
	}
	for (; list != NULL; list = next) {
		next = list->next;
		if (rc == MEF_OK)
			rc = audit_log_add(a->log, &list->e);
		if (rc != MEF_OK)
			lost++;
		free(list);
	}
	if (rc == MEF_OK)
		rc = audit_log_end(a->log);
	else
		audit_log_end(a->log);
	if (lost > 0 || dropped > 0 || rc != MEF_OK)
		log_warnx("audit: %lu entries not written (%s), %lu not "
		    "queued (queue full or out of memory)", lost,
		    mef_strerror(rc), dropped);
}
