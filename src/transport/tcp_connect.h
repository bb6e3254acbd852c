/*
 * tcp_connect.h -- deadline-bounded TCP connections for the blocking clients.
 *
 * Sockets are non-blocking from creation and every wait is a poll(2) bounded by one
 * absolute deadline (monotonic microseconds), so a caller can give a whole exchange a
 * single time budget.
 */
#ifndef MEF_TRANSPORT_TCP_CONNECT_H
#define MEF_TRANSPORT_TCP_CONNECT_H

#include <stdint.h>

#include "mef/error.h"

/*
 * Resolves host and tries each address until one connects; *pfd gets a non-blocking
 * socket with TCP_NODELAY. MEF_E_IO when none connects, MEF_E_TIMEOUT at the deadline.
 */
enum mef_err	tcp_connect(const char *host, uint16_t port, uint64_t deadline_us,
		    int *pfd);
/* Waits until fd is ready for events (POLLIN/POLLOUT) or the deadline passes. */
enum mef_err	tcp_wait(int fd, short events, uint64_t deadline_us);
/* 1 when s is an IPv4 or IPv6 literal: those never go into SNI (RFC 6066). */
int		tcp_is_address(const char *s);

#endif /* MEF_TRANSPORT_TCP_CONNECT_H */
