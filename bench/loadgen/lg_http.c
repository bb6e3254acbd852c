/*
 * lg_http.c -- the streaming HTTP/1.1 answer parser of bench_loadgen.
 *
 * One byte at a time through the head (a few hundred bytes per answer), then
 * the body in one step per read. Header names are matched lower-cased in tok;
 * only the values of the headers we act on are kept, each bounded by tok.
 */
#include <string.h>
#include <strings.h>

#include "lg_http.h"

enum {
	S_VERSION,	/* "HTTP/1.x " */
	S_STATUS,	/* three digits */
	S_REASON,	/* up to LF */
	S_LINE,		/* start of a header line, or the empty line */
	S_NAME,
	S_VALUE,
	S_EMPTY_LF,	/* CR of the empty line seen */
	S_BODY,		/* clen - body bytes to go */
	S_BODY_EOF,	/* to the close */
	S_DONE,
	S_ERROR,
};

enum { H_OTHER, H_CLEN, H_CONNECTION, H_TE };

static const char	version[] = "HTTP/1.";

static enum lg_http_rc
set_error(struct lg_http *h, const char *err)
{
	h->state = S_ERROR;
	h->err = err;
	return LG_HTTP_ERROR;
}

/* see lg_http.h */
void
lg_http_begin(struct lg_http *h)
{
	memset(h, 0, sizeof(*h));
	h->state = S_VERSION;
}

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The value in tok (OWS trimmed) of the header that just ended. */
static enum lg_http_rc
end_header(struct lg_http *h)
{
	uint64_t	v = 0;
	size_t		b = 0, e = h->tok_len, i;

	while (b < e && (h->tok[b] == ' ' || h->tok[b] == '\t'))
		b++;
	while (e > b && (h->tok[e - 1] == ' ' || h->tok[e - 1] == '\t'))
		e--;
	if (h->hdr == H_CLEN) {
		if (e == b || e - b > 18)
			return set_error(h, "bad Content-Length");
		for (i = b; i < e; i++) {
			if (h->tok[i] < '0' || h->tok[i] > '9')
				return set_error(h, "bad Content-Length");
			v = v * 10 + (uint64_t)(h->tok[i] - '0');
		}
		if (h->has_clen && v != h->clen)
			return set_error(h, "conflicting Content-Length");
		h->has_clen = 1;
		h->clen = v;
	} else if (h->hdr == H_CONNECTION) {
		if (e - b == 5 && strncasecmp(h->tok + b, "close", 5) == 0)
			h->close = 1;
	} else if (h->hdr == H_TE)
		return set_error(h, "Transfer-Encoding not supported");
	return LG_HTTP_MORE;
}

/* The header name in tok, lower-cased, decides which value to keep. */
static void
start_value(struct lg_http *h)
{
	h->hdr = H_OTHER;
	if (h->tok_len == 14 && memcmp(h->tok, "content-length", 14) == 0)
		h->hdr = H_CLEN;
	else if (h->tok_len == 10 && memcmp(h->tok, "connection", 10) == 0)
		h->hdr = H_CONNECTION;
	else if (h->tok_len == 17 &&
	    memcmp(h->tok, "transfer-encoding", 17) == 0)
		h->hdr = H_TE;
	h->tok_len = 0;
}

/* The empty line: where the body ends. */
static enum lg_http_rc
end_head(struct lg_http *h)
{
	if (h->status < 200)
		return set_error(h, "interim answer");
	if (h->status == 204 || h->status == 304 ||
	    (h->has_clen && h->clen == 0)) {
		h->state = S_DONE;
		return LG_HTTP_DONE;
	}
	if (h->has_clen) {
		h->state = S_BODY;
		return LG_HTTP_MORE;
	}
	h->close = 1;
	h->state = S_BODY_EOF;
	return LG_HTTP_MORE;
}

/* One byte of the head. */
static enum lg_http_rc
head_byte(struct lg_http *h, unsigned char c)
{
	if (++h->head_len > LG_HTTP_HEAD_MAX)
		return set_error(h, "head too long");
	switch (h->state) {
	case S_VERSION:
		if (h->tok_len < sizeof(version) - 1) {
			if (c != (unsigned char)version[h->tok_len++])
				return set_error(h, "not HTTP/1.x");
		} else if (h->tok_len == sizeof(version) - 1) {
			if (c < '0' || c > '9')
				return set_error(h, "not HTTP/1.x");
			h->tok_len++;
		} else if (c != ' ')
			return set_error(h, "bad status line");
		else {
			h->state = S_STATUS;
			h->tok_len = 0;
		}
		return LG_HTTP_MORE;
	case S_STATUS:
		if (h->tok_len < 3) {
			if (c < '0' || c > '9')
				return set_error(h, "bad status code");
			h->status = h->status * 10 + (c - '0');
			h->tok_len++;
			return LG_HTTP_MORE;
		}
		if (c != ' ' && c != '\r' && c != '\n')
			return set_error(h, "bad status code");
		h->state = c == '\n' ? S_LINE : S_REASON;
		return LG_HTTP_MORE;
	case S_REASON:
		if (c == '\n')
			h->state = S_LINE;
		return LG_HTTP_MORE;
	case S_LINE:
		if (c == '\r') {
			h->state = S_EMPTY_LF;
			return LG_HTTP_MORE;
		}
		if (c == '\n')
			return end_head(h);
		if (!is_tchar(c))
			return set_error(h, "bad header line");
		h->state = S_NAME;
		h->tok_len = 0;
		/* FALLTHROUGH */
	case S_NAME:
		if (c == ':') {
			start_value(h);
			h->state = S_VALUE;
			return LG_HTTP_MORE;
		}
		if (!is_tchar(c))
			return set_error(h, "bad header name");
		/* A name longer than tok is none we act on: keep its head. */
		if (h->tok_len < sizeof(h->tok))
			h->tok[h->tok_len++] = (char)(c >= 'A' && c <= 'Z' ?
			    c + 'a' - 'A' : c);
		return LG_HTTP_MORE;
	case S_VALUE:
		if (c == '\n') {
			if (h->tok_len > 0 && h->tok[h->tok_len - 1] == '\r')
				h->tok_len--;
			h->state = S_LINE;
			return end_header(h);
		}
		if (h->hdr == H_OTHER)
			return LG_HTTP_MORE;
		if (h->tok_len == sizeof(h->tok))
			return set_error(h, "header value too long");
		h->tok[h->tok_len++] = (char)c;
		return LG_HTTP_MORE;
	case S_EMPTY_LF:
		if (c != '\n')
			return set_error(h, "bad end of head");
		return end_head(h);
	default:
		return set_error(h, "parser misuse");
	}
}

/* see lg_http.h */
enum lg_http_rc
lg_http_feed(struct lg_http *h, const char *p, size_t n, size_t *pused)
{
	enum lg_http_rc	rc;
	uint64_t	take;
	size_t		i = 0;

	while (i < n) {
		if (h->state == S_BODY) {
			take = h->clen - h->body;
			if (take > n - i)
				take = n - i;
			h->body += take;
			i += (size_t)take;
			if (h->body == h->clen) {
				h->state = S_DONE;
				*pused = i;
				return LG_HTTP_DONE;
			}
			continue;
		}
		if (h->state == S_BODY_EOF) {
			h->body += n - i;
			i = n;
			continue;
		}
		if (h->state == S_DONE || h->state == S_ERROR)
			return set_error(h, "parser misuse");
		rc = head_byte(h, (unsigned char)p[i++]);
		if (rc == LG_HTTP_DONE) {
			*pused = i;
			return rc;
		}
		if (rc == LG_HTTP_ERROR)
			return rc;
	}
	*pused = n;
	return LG_HTTP_MORE;
}

/* see lg_http.h */
enum lg_http_rc
lg_http_eof(struct lg_http *h)
{
	if (h->state == S_BODY_EOF) {
		h->state = S_DONE;
		return LG_HTTP_DONE;
	}
	if (h->state == S_BODY)
		return set_error(h, "connection closed in the body");
	return set_error(h, "connection closed before the answer");
}
