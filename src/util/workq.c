/*
 * workq.c -- the mutex-and-condition FIFO behind mefd's commit thread and
 * mef-gate's fetch pool.
 *
 * The linger wait uses the same condition as put, so it ends early at the next put:
 * a batch waits for one more item at most, never for the whole delay per item.
 */
#include <time.h>

#include "util/workq.h"

/* see workq.h */
void
workq_init(struct workq *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->head = q->tail = NULL;
	q->stopping = 0;
}

/* see workq.h */
void
workq_destroy(struct workq *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

/* see workq.h */
void
workq_put(struct workq *q, struct workq_link *link)
{
	link->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = link;
	else
		q->head = link;
	q->tail = link;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* see workq.h */
void
workq_stop(struct workq *q)
{
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

static void
linger(struct workq *q, unsigned linger_us)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)linger_us * 1000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_cond_timedwait(&q->cond, &q->lock, &ts);
}

/* see workq.h */
struct workq_link *
workq_take(struct workq *q, size_t max, unsigned linger_us, size_t *pn)
{
	struct workq_link	*first, *last = NULL, *it;
	size_t			 n = 0;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->stopping)
		pthread_cond_wait(&q->cond, &q->lock);
	if (q->head != NULL && linger_us > 0 && !q->stopping)
		linger(q, linger_us);
	first = q->head;
	for (it = q->head; it != NULL && n < max; it = it->next) {
		last = it;
		n++;
	}
	if (last != NULL) {
		q->head = last->next;
		if (q->head == NULL)
			q->tail = NULL;
		last->next = NULL;
	}
	pthread_mutex_unlock(&q->lock);
	*pn = n;
	return first;
}
