/*
 * http_response.c -- HTTP/1.1 answers with oneM2M headers into a libevent buffer.
 *
 * The head is formatted into a stack buffer: every field in it is either ours or a
 * request value the parser already bounded and cleared of control characters, so the
 * echoed X-M2M-RI cannot split the answer.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "http/http_response.h"

#define HEAD_MAX	1024

/* Formats the head into head (HEAD_MAX bytes); *phead_len gets its length. */
static enum mef_err
format_head(const struct http_response *r, size_t len, char *head,
    size_t *phead_len)
{
	char	retry[16] = "";
	int	n;

	if (r->retry_after)
		snprintf(retry, sizeof(retry), "%u", r->retry_after);
	n = snprintf(head, HEAD_MAX,
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
	if (n < 0 || (size_t)n >= HEAD_MAX)
		return MEF_E_TOOBIG;
	*phead_len = (size_t)n;
	return MEF_OK;
}

/* see http_response.h */
enum mef_err
http_response_write(struct evbuffer *out, const struct http_response *r,
    const void *body, size_t len)
{
	char		head[HEAD_MAX];
	size_t		head_len;
	enum mef_err	rc;

	rc = format_head(r, len, head, &head_len);
	if (rc != MEF_OK)
		return rc;
	/* Head and body in one contiguous chunk: one TLS record, one segment. */
	if (evbuffer_expand(out, head_len + len) != 0 ||
	    evbuffer_add(out, head, head_len) != 0 ||
	    (len > 0 && evbuffer_add(out, body, len) != 0))
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
	struct mef_secret	*body = *pbody, *msg = NULL;
	char			 head[HEAD_MAX];
	size_t			 head_len;
	enum mef_err		 rc;

	*pbody = NULL;
	if (len > mef_secret_len(body)) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = format_head(r, len, head, &head_len);
	if (rc != MEF_OK)
		goto out;
	/*
	 * Head and body go out as one wiped-on-free secret, so they leave in one TLS
	 * record instead of two (the second would wait for a delayed ACK).
	 */
	rc = mef_secret_alloc(head_len + len, &msg);
	if (rc != MEF_OK)
		goto out;
	memcpy(mef_secret_data(msg), head, head_len);
	memcpy(mef_secret_data(msg) + head_len, mef_secret_bytes(body), len);
	if (evbuffer_add_reference(out, mef_secret_bytes(msg), head_len + len,
	    secret_cleanup, msg) != 0) {
		mef_secret_free(&msg);
		rc = MEF_E_NOMEM;
	}
out:
	mef_secret_free(&body);
	return rc;
}
