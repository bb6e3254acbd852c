/*
 * signals.c -- blocking the stop signals and waiting for them.
 *
 * Call signals_block() before starting any thread: the mask is inherited, and a
 * thread started earlier could still take SIGTERM and die mid-request.
 */
#include <pthread.h>

#include "util/signals.h"

/* see signals.h */
void
signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* see signals.h */
int
signals_wait(const sigset_t *set)
{
	int	sig;

	if (sigwait(set, &sig) != 0)
		sig = SIGTERM;
	return sig;
}
