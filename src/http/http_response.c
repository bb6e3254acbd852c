/*
 * http_response.c -- HTTP/1.1 answers with oneM2M headers into a libevent buffer.
 *
 * The head is formatted into a stack buffer: every field in it is either ours or a
 * request value the parser already bounded and cleared of control characters, so the
 * echoed X-M2M-RI cannot split the answer.
 */
#include <stdio.h>

#include <event2/buffer.h>

#include "http/http_response.h"

#define HEAD_MAX	1024

static enum mef_err
write_head(struct evbuffer *out, const struct http_response *r, size_t len)
{
	char	head[HEAD_MAX], retry[16] = "";
	int	n;

	if (r->retry_after)
		snprintf(retry, sizeof(retry), "%u", r->retry_after);
	n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\n"
	    "X-M2M-RSC: %d\r\n"
	    "%s%s%s"
	    "%s%s%s"
	    "Content-Length: %zu\r\n"
	    "%s"
	    "%s%s%s"
	    "\r\n",
	    r->status, r->reason, r->rsc,
	    r->ri != NULL ? "X-M2M-RI: " : "", r->ri != NULL ? r->ri : "",
	    r->ri != NULL ? "\r\n" : "",
	    r->content_type != NULL ? "Content-Type: " : "",
	    r->content_type != NULL ? r->content_type : "",
	    r->content_type != NULL ? "\r\n" : "",
	    len,
	    r->close ? "Connection: close\r\n" : "",
	    r->retry_after ? "Retry-After: " : "", retry,
	    r->retry_after ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return MEF_E_TOOBIG;
	if (evbuffer_add(out, head, (size_t)n) != 0)
		return MEF_E_NOMEM;
	return MEF_OK;
}

/* see http_response.h */
enum mef_err
http_response_write(struct evbuffer *out, const struct http_response *r,
    const void *body, size_t len)
{
	enum mef_err	rc;

	rc = write_head(out, r, len);
	if (rc != MEF_OK)
		return rc;
	if (len > 0 && evbuffer_add(out, body, len) != 0)
		return MEF_E_NOMEM;
	return MEF_OK;
}

static void
secret_cleanup(const void *data, size_t len, void *arg)
{
	struct mef_secret	*s = arg;

	mef_secret_free(&s);
}

/* see http_response.h */
enum mef_err
http_response_write_secret(struct evbuffer *out, const struct http_response *r,
    struct mef_secret **pbody, size_t len)
{
	struct mef_secret	*body = *pbody;
	enum mef_err		 rc;

	*pbody = NULL;
	if (len > mef_secret_len(body)) {
		rc = MEF_E_INVAL;
		goto fail;
	}
	rc = write_head(out, r, len);
	if (rc != MEF_OK)
		goto fail;
	if (evbuffer_add_reference(out, mef_secret_bytes(body), len,
	    secret_cleanup, body) != 0) {
		rc = MEF_E_NOMEM;
		goto fail;
	}
	return MEF_OK;
fail:
	mef_secret_free(&body);
	return rc;
}
