/*
 * proc.h -- mefd's processes: a supervising parent, the KEK process, the network
 * process.
 *
 * The parent reads nothing secret: it resolves the [process] user, makes the
 * socketpairs, forks the KEK process (which alone reads kek_file) and, once that
 * answers, the network process (which binds the listeners and opens the store as
 * root, then drops to the user and installs its seccomp filter before any thread
 * starts). It forwards SIGTERM/SIGINT to the network process and, when either child
 * dies unexpectedly, stops the other and exits non-zero with a log line.
 */
#ifndef MEF_DAEMON_PROC_H
#define MEF_DAEMON_PROC_H

#include "daemon/config.h"

/*
 * Runs mefd for cfg until it stops; returns the exit status (0 after a requested
 * stop of healthy children). SIGTERM and SIGINT must be blocked by the caller.
 */
int		proc_run(const struct mef_config *cfg);

#endif /* MEF_DAEMON_PROC_H */
