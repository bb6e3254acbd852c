/*
 * http_resp.h -- parsing the MEF's HTTP/1.1 response on the client side.
 *
 * Works on the bytes received so far, without I/O, so it can be tested without
 * a socket: call it again after each read until it reports a complete response.
 * Bounded: status line and headers up to HTTP_RESP_HEAD_MAX bytes, a body up to
 * HTTP_RESP_BODY_MAX. Strict: CRLF line ends, no obs-fold, one Content-Length,
 * and no Transfer-Encoding at all (the MEF never chunks; chunked is refused,
 * not decoded). A response without Content-Length has a body that ends with the
 * connection.
 */
#ifndef MEF_CLIENT_HTTP_RESP_H
#define MEF_CLIENT_HTTP_RESP_H

#include <stddef.h>

#include "mef/error.h"
#include "mef/limits.h"

#define HTTP_RESP_HEAD_MAX	8192
#define HTTP_RESP_BODY_MAX	16384
#define HTTP_RESP_MAX		(HTTP_RESP_HEAD_MAX + HTTP_RESP_BODY_MAX)
#define HTTP_RESP_RI_MAX	MEF_ID_MAX	/* X-M2M-RI, bytes */
#define HTTP_RESP_CTYPE_MAX	127		/* Content-Type, bytes */

struct http_resp {
	int	complete;	/* 1: the whole response is in the buffer */
	int	status;		/* 100..599 */
	int	rsc;		/* X-M2M-RSC; -1 when absent */
	char	ri[HTTP_RESP_RI_MAX + 1];	/* X-M2M-RI; "" when absent */
	char	content_type[HTTP_RESP_CTYPE_MAX + 1];	/* "" when absent */
	int	has_length;	/* Content-Length was sent */
	size_t	head_len;	/* status line, headers and the empty line */
	size_t	body_len;	/* valid when complete */
};

/*
 * Parses the len bytes at buf, the start of a response; eof is non-zero when
 * the peer has closed and no more bytes will come. Zeroes *presp first. Returns
 * MEF_OK with presp->complete set to 1 when the response is whole (the body is
 * then buf[head_len .. head_len + body_len)), or to 0 when more bytes are
 * needed. Errors: MEF_E_PROTO (malformed, chunked or another Transfer-Encoding,
 * bytes past the end of the response, a close before its end), MEF_E_TOOBIG
 * (head or body past its bound).
 */
enum mef_err	http_resp_parse(const unsigned char *buf, size_t len, int eof,
		    struct http_resp *presp);

#endif /* MEF_CLIENT_HTTP_RESP_H */
