/*
 * http_response.h -- writing an HTTP/1.1 answer with its oneM2M headers.
 *
 * Every answer carries X-M2M-RSC, echoes X-M2M-RI when the request had one, and a
 * Content-Length. Only the head is formatted here; the connection sends it with the
 * body.
 */
#ifndef MEF_HTTP_HTTP_RESPONSE_H
#define MEF_HTTP_HTTP_RESPONSE_H

#include <stddef.h>

#include "mef/error.h"

#define HTTP_RESPONSE_HEAD_MAX	1024

struct http_response {
	int		 status;	/* HTTP status */
	const char	*reason;	/* reason phrase */
	int		 rsc;		/* X-M2M-RSC */
	const char	*ri;		/* X-M2M-RI to echo, or NULL */
	const char	*content_type;	/* NULL: no body type */
	unsigned	 retry_after;	/* seconds; 0: no Retry-After */
	int		 close;		/* "Connection: close" */
};

/*
 * Formats the head of an answer with a body of len bytes into head, which has room
 * for HTTP_RESPONSE_HEAD_MAX bytes; *phead_len gets its length. MEF_E_TOOBIG when it
 * does not fit. The caller sends head and body together (one TLS record).
 */
enum mef_err	http_response_head(const struct http_response *r, size_t len,
		    char *head, size_t *phead_len);

#endif /* MEF_HTTP_HTTP_RESPONSE_H */
