/*
 * http_response.h -- writing an HTTP/1.1 answer with its oneM2M headers.
 *
 * Every answer carries X-M2M-RSC, echoes X-M2M-RI when the request had one, and a
 * Content-Length. A body that holds key material is handed over as a struct mef_secret
 * whose bytes libevent references in place and which is wiped and freed once sent.
 */
#ifndef MEF_HTTP_HTTP_RESPONSE_H
#define MEF_HTTP_HTTP_RESPONSE_H

#include <stddef.h>

#include "mef/error.h"
#include "util/secret.h"

struct evbuffer;

struct http_response {
	int		 status;	/* HTTP status */
	const char	*reason;	/* reason phrase */
	int		 rsc;		/* X-M2M-RSC */
	const char	*ri;		/* X-M2M-RI to echo, or NULL */
	const char	*content_type;	/* NULL: no body type */
	unsigned	 retry_after;	/* seconds; 0: no Retry-After */
	int		 close;		/* "Connection: close" */
};

/* Appends head and a copy of body (len may be 0) to out. */
enum mef_err	http_response_write(struct evbuffer *out,
		    const struct http_response *r, const void *body, size_t len);
/*
 * Appends head and the first len bytes of *pbody to out without copying them; takes
 * ownership of *pbody (set to NULL), which is wiped and freed once libevent is done
 * with it, or at once on failure.
 */
enum mef_err	http_response_write_secret(struct evbuffer *out,
		    const struct http_response *r, struct mef_secret **pbody,
		    size_t len);

#endif /* MEF_HTTP_HTTP_RESPONSE_H */
