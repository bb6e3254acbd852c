/*
 * sockaddr.c -- socket addresses as text for logs.
 *
 * Numeric only (inet_ntop): naming a peer never waits on DNS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "util/sockaddr.h"

/* see sockaddr.h */
void
sockaddr_format(const struct sockaddr *sa, char *out, size_t outsz)
{
	char	host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(out, outsz, "%s:%d", host, ntohs(in4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, outsz, "[%s]:%d", host, ntohs(in6->sin6_port));
	} else {
		snprintf(out, outsz, "?");
	}
}
