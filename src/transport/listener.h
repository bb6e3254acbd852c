/*
 * listener.h -- listening sockets for mefd's event loops.
 *
 * Each loop binds its own socket to the same address with SO_REUSEPORT, so the kernel
 * spreads connections across loops and no connection ever moves between threads.
 */
#ifndef MEF_TRANSPORT_LISTENER_H
#define MEF_TRANSPORT_LISTENER_H

#include <stddef.h>

#include "mef/error.h"

/*
 * Opens a non-blocking TCP socket bound to addr ("host:port", "[v6]:port"; host must
 * be numeric) with SO_REUSEADDR and SO_REUSEPORT, listening. *pfd gets the socket.
 * MEF_E_CONFIG with a message in err when the address is bad or the bind fails.
 */
enum mef_err	listener_open(const char *addr, int *pfd, char *err, size_t errsz);

#endif /* MEF_TRANSPORT_LISTENER_H */
