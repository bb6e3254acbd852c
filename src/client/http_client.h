/*
 * http_client.h -- one HTTP/1.1 request and its response over a TLS client
 * connection.
 *
 * libmef sends one request per connection ("Connection: close"), so there is no
 * keep-alive or pipelining state. The request is formatted into a bounded
 * struct buf (it never holds key material); the response lands in a buffer the
 * caller owns and wipes, because a fetch answer carries a key.
 */
#ifndef MEF_CLIENT_HTTP_CLIENT_H
#define MEF_CLIENT_HTTP_CLIENT_H

#include <stddef.h>

#include "client/http_resp.h"
#include "mef/error.h"
#include "transport/tls_client.h"
#include "util/buf.h"

#define HTTP_CLIENT_REQ_MAX	4096	/* a formatted request, bytes */
#define HTTP_CLIENT_RI_LEN	24	/* generated request id, no NUL */

struct http_header {
	const char	*name;
	const char	*value;
};

struct http_client_req {
	const char			*method;	/* "GET", "POST" */
	const char			*target;	/* "/..." */
	const char			*host;		/* Host header */
	const struct http_header	*headers;	/* more headers */
	size_t				 nheaders;
	const unsigned char		*body;		/* NULL: no body */
	size_t				 body_len;
};

/*
 * Formats req into out (initialised by the caller, bounded by it): request
 * line, Host, the given headers, User-Agent, Connection: close, and
 * Content-Length with the body when there is one. MEF_E_INVAL when a name is
 * not a token or a value or the target holds a control character (no header
 * injection), MEF_E_TOOBIG past out's bound.
 */
enum mef_err	http_client_format(const struct http_client_req *req,
		    struct buf *out);

/*
 * Writes the len bytes of req on tc, then reads the response into rbuf (rbufsz
 * bytes, at least HTTP_RESP_MAX) until it is complete. On MEF_OK *presp
 * describes it and the body is at rbuf + presp->head_len. Errors: those of
 * tls_client_read() and tls_client_write(), and of http_resp_parse();
 * MEF_E_PROTO when the connection closes before the response is whole.
 */
enum mef_err	http_client_exchange(struct tls_client *tc, const void *req,
		    size_t len, unsigned char *rbuf, size_t rbufsz,
		    struct http_resp *presp);

/*
 * A fresh random request id ("mef-" and 20 hex digits) into out (outsz >
 * HTTP_CLIENT_RI_LEN). MEF_E_CRYPTO when the DRBG fails.
 */
enum mef_err	http_client_request_id(char *out, size_t outsz);

#endif /* MEF_CLIENT_HTTP_CLIENT_H */
