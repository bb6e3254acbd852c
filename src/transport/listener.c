/*
 * listener.c -- SO_REUSEPORT listening sockets.
 *
 * Addresses are numeric (getaddrinfo with AI_NUMERICHOST): the daemon never waits on
 * DNS at startup, and a config names exactly the address it binds.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "transport/listener.h"
#include "util/strparse.h"

#define LISTEN_BACKLOG	4096

/* see listener.h */
enum mef_err
listener_open(const char *addr, int *pfd, char *err, size_t errsz)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[HOSTPORT_HOST_MAX], port[8];
	uint16_t	 portnum;
	int		 fd = -1, one = 1, gai;
	enum mef_err	 rc = MEF_E_CONFIG;

	if (parse_hostport(addr, host, sizeof(host), &portnum) != MEF_OK) {
		snprintf(err, errsz, "%s: not host:port", addr);
		goto out;
	}
	snprintf(port, sizeof(port), "%u", portnum);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	gai = getaddrinfo(host, port, &hints, &res);
	if (gai != 0) {
		snprintf(err, errsz, "%s: %s", addr, gai_strerror(gai));
		goto out;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errsz, "%s: %s", addr, strerror(errno));
		goto out;
	}
	rc = MEF_OK;
out:
	if (res != NULL)
		freeaddrinfo(res);
	if (rc == MEF_OK)
		*pfd = fd;
	else if (fd != -1)
		close(fd);
	return rc;
}
