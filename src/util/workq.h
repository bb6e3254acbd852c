/*
 * workq.h -- a thread-safe FIFO of work items handed from event loops to threads.
 *
 * Intrusive: each item embeds a struct workq_link, so queueing never allocates and
 * cannot fail. Submitters put and never wait; worker threads take, blocking until
 * there is work or the queue is stopped. After stop, what is queued is still taken:
 * workq_take() returns NULL only once the queue is stopped and empty.
 */
#ifndef MEF_UTIL_WORKQ_H
#define MEF_UTIL_WORKQ_H

#include <pthread.h>
#include <stddef.h>

struct workq_link {
	struct workq_link	*next;
};

struct workq {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct workq_link	*head, *tail;
	int			 stopping;
};

/* The item that embeds link as its member. */
#define WORKQ_ITEM(link, type, member)					\
	((type *)(void *)((char *)(link) - offsetof(type, member)))

void	workq_init(struct workq *q);
/* Frees the lock and condition; nothing may use q afterwards. */
void	workq_destroy(struct workq *q);
/* Appends link (borrowed until a taker gets it) and wakes one taker. */
void	workq_put(struct workq *q, struct workq_link *link);
/* Wakes every taker; from now on takers no longer block. */
void	workq_stop(struct workq *q);
/*
 * Blocks until an item is queued or the queue is stopped. Unless stopped, it then
 * waits up to linger_us (0: not at all) or until the next put, so a batch can fill.
 * Returns up to max (>= 1) items as a chain in queue order, the last one's next NULL,
 * and their number in *pn; NULL once the queue is stopped and empty.
 */
struct workq_link *workq_take(struct workq *q, size_t max, unsigned linger_us,
		    size_t *pn);

#endif /* MEF_UTIL_WORKQ_H */
