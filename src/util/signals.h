/*
 * signals.h -- how mefd and mef-gate take their stop signals.
 *
 * SIGTERM and SIGINT are blocked before any thread exists, so every thread inherits
 * the mask and no worker is ever interrupted by them; the main thread alone takes
 * them with sigwait() and runs the shutdown in one known place. SIGPIPE is ignored:
 * a peer that goes away shows up as a write error on its own connection.
 */
#ifndef MEF_UTIL_SIGNALS_H
#define MEF_UTIL_SIGNALS_H

#include <signal.h>

/* Blocks SIGTERM and SIGINT in the calling thread, ignores SIGPIPE; fills *set. */
void	signals_block(sigset_t *set);
/* Waits for a signal of set (from signals_block()); returns it, SIGTERM on error. */
int	signals_wait(const sigset_t *set);

#endif /* MEF_UTIL_SIGNALS_H */
