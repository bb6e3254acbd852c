/*
 * keyd.h -- mefd's KEK process (the server end) and the remote KEK the network
 * process wraps and unwraps with (the client end).
 *
 * The KEK process owns the only copy of the key-encryption key. It serves
 * keyd_msg.h requests on a few SOCK_SEQPACKET socketpairs, one request at a time per
 * channel, each answered before the next is read. The client end is a struct
 * wrap_kek (crypto/wrap.h): a store opened over it calls wrap_seal()/wrap_open() as
 * with a local KEK, and each call is one round trip on a channel no other thread is
 * using at that moment.
 */
#ifndef MEF_DAEMON_KEYD_H
#define MEF_DAEMON_KEYD_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/wrap.h"
#include "mef/error.h"

/*
 * Answers one request: req (req_len bytes, borrowed) decoded and checked, the reply
 * written to resp (KEYD_MSG_MAX bytes). A malformed request gets KEYD_ERR with
 * request id 0; nothing about the failure is said. Returns the reply's length.
 */
size_t		keyd_handle(struct wrap_kek *kek, const uint8_t *req,
		    size_t req_len, uint8_t *resp);
/*
 * Reads one record from fd and answers it. A record longer than KEYD_MSG_MAX is
 * refused like any malformed one. MEF_E_IO when the peer has closed the channel or
 * it failed.
 */
enum mef_err	keyd_serve_one(struct wrap_kek *kek, int fd);
/*
 * Serves the n channels of fds until every peer has closed its end; closes each fd
 * as its peer goes. Returns 0, or 1 when poll() failed.
 */
int		keyd_serve(struct wrap_kek *kek, int *fds, size_t n);

/*
 * The remote KEK over the n channels of fds (takes ownership: wrap_kek_free()
 * closes them). Safe to share between threads: a call takes a free channel, or
 * waits for one.
 */
enum mef_err	keyd_client_new(const int *fds, size_t n,
		    struct wrap_kek **pkek);
/* One HELLO round trip: MEF_OK once the KEK process answers. */
enum mef_err	keyd_client_hello(struct wrap_kek *kek);

#endif /* MEF_DAEMON_KEYD_H */
