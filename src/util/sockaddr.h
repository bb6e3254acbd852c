/*
 * sockaddr.h -- socket addresses as text for logs.
 *
 * One format everywhere a peer is named: "addr:port" for IPv4, "[addr]:port" for
 * IPv6, "?" for anything else, so log lines from mefd and mef-gate read alike.
 */
#ifndef MEF_UTIL_SOCKADDR_H
#define MEF_UTIL_SOCKADDR_H

#include <stddef.h>

struct sockaddr;

/*
 * Writes sa as text into out (NUL-terminated, truncated to outsz; 64 bytes hold any
 * IPv6 address with its port). sa is borrowed for the call.
 */
void	sockaddr_format(const struct sockaddr *sa, char *out, size_t outsz);

#endif /* MEF_UTIL_SOCKADDR_H */
