/*
 * mef_freeport.c -- prints N free TCP ports on 127.0.0.1 (test drivers' helper).
 *
 * Binds each port 0 socket and keeps them all open until every port is known, so the
 * N ports printed are distinct; a later bind by mefd can still race with other
 * programs, which the drivers accept (they retry on a failed start).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			fds[16], n = 1, i;

	if (argc > 1)
		n = (int)strtol(argv[1], NULL, 10);
	if (n < 1 || n > 16)
		return 2;
	for (i = 0; i < n; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		len = sizeof(sin);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&sin,
		    sizeof(sin)) != 0 ||
		    getsockname(fds[i], (struct sockaddr *)&sin, &len) != 0)
			return 1;
		printf("%u\n", ntohs(sin.sin_port));
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
