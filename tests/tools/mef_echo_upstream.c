/*
 * mef_echo_upstream.c -- a small HTTP/1.1 server standing in for a CSE behind mef-gate
 * in the tests: it answers every request with 200 and a body that is the request as
 * received (head and body), and appends each request line to a log file, so a test
 * sees exactly what the gate forwarded. Keep-alive; one process per connection, each
 * dying with the server (PR_SET_PDEATHSIG), so stopping the server's PID stops all.
 *
 * usage: mef_echo_upstream PORT LOGFILE
 */
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define REQ_MAX	(256 * 1024)

static const char	*log_path;

static long
content_length(const char *head)
{
	const char	*p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
	}
	return 0;
}

static void
log_request(const char *head)
{
	FILE	*fp = fopen(log_path, "a");
	size_t	 n = strcspn(head, "\r\n");

	if (fp == NULL)
		return;
	fprintf(fp, "%.*s\n", (int)n, head);
	fclose(fp);
}

/* Serves one connection until the peer closes it. */
static void
serve(int fd)
{
	static char	buf[REQ_MAX + 1];
	char		hdr[128];
	struct iovec	iov[2];
	size_t		len = 0, total;
	ssize_t		n;
	char		*end;
	long		clen;

	for (;;) {
		end = NULL;
		while ((end = strstr(buf, "\r\n\r\n")) == NULL || end >= buf + len) {
			if (len >= REQ_MAX)
				return;
			n = read(fd, buf + len, REQ_MAX - len);
			if (n <= 0)
				return;
			len += (size_t)n;
			buf[len] = '\0';
		}
		clen = content_length(buf);
		total = (size_t)(end - buf) + 4 + (size_t)(clen > 0 ? clen : 0);
		while (len < total && len < REQ_MAX) {
			n = read(fd, buf + len, REQ_MAX - len);
			if (n <= 0)
				return;
			len += (size_t)n;
			buf[len] = '\0';
		}
		log_request(buf);
		n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Type: "
		    "text/plain\r\nContent-Length: %zu\r\n\r\n", total);
		/* Head and body in one segment: no delayed-ACK stall. */
		iov[0].iov_base = hdr;
		iov[0].iov_len = (size_t)n;
		iov[1].iov_base = buf;
		iov[1].iov_len = total;
		if (writev(fd, iov, 2) != (ssize_t)((size_t)n + total))
			return;
		memmove(buf, buf + total, len - total);
		len -= total;
		buf[len] = '\0';
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	sin;
	int			lfd, fd, one = 1;

	if (argc != 3)
		return 2;
	log_path = argv[2];
	signal(SIGCHLD, SIG_IGN);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)strtol(argv[1], NULL, 10));
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(lfd, 64) != 0)
		return 1;
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			close(lfd);
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			serve(fd);
			_exit(0);
		}
		close(fd);
	}
}
