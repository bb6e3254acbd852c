/*
 * http_client.c -- format a request, send it, read the response to its end.
 *
 * Every name and value that goes into the request is checked for characters
 * that could end a line, so no caller input can add a header or a second
 * request. The response is read straight into the caller's buffer and parsed
 * after each read; the parser's bounds stop a peer that sends too much long
 * before the buffer fills.
 */
#include <string.h>

#include "client/http_client.h"
#include "crypto/rand.h"
#include "util/hex.h"
#include "util/secret.h"

#define HTTP_CLIENT_RI_RAND	10	/* random bytes in a request id */

static int		is_token(const char *);
static int		is_value(const char *);
static enum mef_err	add_header(struct buf *, const char *, const char *);

/* see http_client.h */
enum mef_err
http_client_format(const struct http_client_req *req, struct buf *out)
{
	size_t		i;
	enum mef_err	rc;

	if (req == NULL || out == NULL || req->method == NULL ||
	    !is_token(req->method) || req->target == NULL ||
	    req->target[0] != '/' || !is_value(req->target) ||
	    strchr(req->target, ' ') != NULL || req->host == NULL ||
	    (req->body == NULL && req->body_len > 0) ||
	    (req->headers == NULL && req->nheaders > 0))
		return MEF_E_INVAL;
	rc = buf_printf(out, "%s %s HTTP/1.1\r\n", req->method, req->target);
	if (rc == MEF_OK)
		rc = add_header(out, "Host", req->host);
	for (i = 0; rc == MEF_OK && i < req->nheaders; i++)
		rc = add_header(out, req->headers[i].name,
		    req->headers[i].value);
	if (rc == MEF_OK)
		rc = add_header(out, "User-Agent", "libmef/" MEF_VERSION);
	if (rc == MEF_OK)
		rc = add_header(out, "Connection", "close");
	if (rc == MEF_OK && req->body != NULL)
		rc = buf_printf(out, "Content-Length: %zu\r\n", req->body_len);
	if (rc == MEF_OK)
		rc = buf_append(out, "\r\n", 2);
	if (rc == MEF_OK && req->body != NULL)
		rc = buf_append(out, req->body, req->body_len);
	return rc;
}

/* see http_client.h */
enum mef_err
http_client_exchange(struct tls_client *tc, const void *req, size_t len,
    unsigned char *rbuf, size_t rbufsz, struct http_resp *presp)
{
	struct http_resp	r;
	size_t			have = 0, n = 0;
	enum mef_err		rc;

	if (tc == NULL || req == NULL || rbuf == NULL || rbufsz < HTTP_RESP_MAX)
		return MEF_E_INVAL;
	memset(&r, 0, sizeof(r));
	rc = tls_client_write(tc, req, len);
	if (rc != MEF_OK)
		return rc;
	do {
		if (have == rbufsz) {
			rc = MEF_E_TOOBIG;	/* the parser stops us first */
			break;
		}
		rc = tls_client_read(tc, rbuf + have, rbufsz - have, &n);
		if (rc != MEF_OK)
			break;
		have += n;
		rc = http_resp_parse(rbuf, have, n == 0, &r);
	} while (rc == MEF_OK && !r.complete);
	if (rc == MEF_OK)
		*presp = r;
	return rc;
}

/* see http_client.h */
enum mef_err
http_client_request_id(char *out, size_t outsz)
{
	unsigned char	rnd[HTTP_CLIENT_RI_RAND];
	enum mef_err	rc;

	if (out == NULL || outsz <= HTTP_CLIENT_RI_LEN)
		return MEF_E_INVAL;
	rc = rand_bytes(rnd, sizeof(rnd));
	if (rc != MEF_OK)
		goto out;
	memcpy(out, "mef-", 4);
	rc = hex_encode(rnd, sizeof(rnd), 0, out + 4, outsz - 4);
out:
	mef_wipe(rnd, sizeof(rnd));
	return rc;
}

/* tchar of RFC 9110 5.6.2, at least one. */
static int
is_token(const char *s)
{
	static const char	extra[] = "!#$%&'*+-.^_`|~";
	size_t			i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
			return 0;
	}
	return i > 0;
}

/* Printable ASCII and spaces only: nothing that ends a line. */
static int
is_value(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static enum mef_err
add_header(struct buf *out, const char *name, const char *value)
{
	if (name == NULL || value == NULL || !is_token(name) ||
	    !is_value(value))
		return MEF_E_INVAL;
	return buf_printf(out, "%s: %s\r\n", name, value);
}
