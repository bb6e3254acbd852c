/*
 * tcp_connect.c -- deadline-bounded TCP connect and wait.
 *
 * A connect in progress is waited for with poll and its outcome read with SO_ERROR;
 * an address that refuses is skipped for the next one, but a deadline reached ends
 * the attempt, so a black-holed first address cannot eat the caller's whole budget
 * twice.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "transport/tcp_connect.h"
#include "util/clock.h"
#include "util/log.h"

/* see tcp_connect.h */
int
tcp_is_address(const char *s)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

/* see tcp_connect.h */
enum mef_err
tcp_wait(int fd, short events, uint64_t deadline_us)
{
	struct pollfd	pfd;
	uint64_t	now, ms;
	int		n;

	for (;;) {
		now = clock_mono_us();
		if (now >= deadline_us)
			return MEF_E_TIMEOUT;
		ms = (deadline_us - now + 999) / 1000;
		if (ms > INT_MAX)
			ms = INT_MAX;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)ms);
		if (n > 0)
			return MEF_OK;	/* errors show in the next call */
		if (n < 0 && errno != EINTR) {
			log_debug("tcp: poll: %s", strerror(errno));
			return MEF_E_IO;
		}
	}
}

static enum mef_err
connect_one(const struct addrinfo *ai, uint64_t deadline_us, int *pfd)
{
	socklen_t	len;
	int		fd, err = 0, one = 1;
	enum mef_err	rc = MEF_OK;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		err = errno;
		rc = MEF_E_IO;
		goto out;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto out;
	if (errno != EINPROGRESS) {
		err = errno;
		rc = MEF_E_IO;
		goto out;
	}
	rc = tcp_wait(fd, POLLOUT, deadline_us);
	if (rc != MEF_OK)
		goto out;
	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		rc = MEF_E_IO;
out:
	if (err != 0)
		log_debug("tcp: connect: %s", strerror(err));
	if (rc == MEF_OK)
		*pfd = fd;
	else if (fd != -1)
		close(fd);
	return rc;
}

/* see tcp_connect.h */
enum mef_err
tcp_connect(const char *host, uint16_t port, uint64_t deadline_us, int *pfd)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 service[8];
	int		 gai;
	enum mef_err	 rc = MEF_E_IO;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(service, sizeof(service), "%u", (unsigned)port);
	gai = getaddrinfo(host, service, &hints, &res);
	if (gai != 0) {
		log_debug("tcp: %s: %s", host, gai_strerror(gai));
		goto out;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = connect_one(ai, deadline_us, pfd);
		if (rc == MEF_OK || rc == MEF_E_TIMEOUT)
			break;
	}
out:
	if (res != NULL)
		freeaddrinfo(res);
	return rc;
}
