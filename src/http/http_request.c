/*
 * http_request.c -- bounded HTTP/1.1 request parsing over http-parser.
 *
 * http-parser does the grammar; this file adds the bounds and keeps the few headers
 * the MEF reads. Header names can arrive split across reads, so names are accumulated
 * (only the first sizeof(field) bytes matter: longer names are none of ours) and a
 * value is classified once its name is complete. The parser pauses itself at the end
 * of each request so a pipelined second request waits for the first answer.
 */
#include <limits.h>
#include <strings.h>
#include <string.h>

#include "http/http_request.h"

static const struct {
	const char		*name;
	enum http_hdr_id	 id;
} known_headers[] = {
	{ "x-m2m-origin", HDR_ORIGIN },
	{ "x-m2m-ri", HDR_RI },
	{ "accept", HDR_ACCEPT },
	{ "content-type", HDR_CONTENT_TYPE },
	{ "host", HDR_HOST },
};

static int
fail(struct http_req_parser *p, enum outcome out)
{
	if (p->error == OUT_OK)
		p->error = out;
	return -1;
}

static int
count_head(struct http_req_parser *p, size_t len)
{
	p->head_bytes += len;
	if (p->head_bytes > p->head_max)
		return fail(p, OUT_TOO_LARGE);
	return 0;
}

static int
on_message_begin(http_parser *hp)
{
	struct http_req_parser	*p = hp->data;

	p->started = 1;
	return 0;
}

static int
on_url(http_parser *hp, const char *at, size_t len)
{
	struct http_req_parser	*p = hp->data;
	struct http_request	*r = &p->req;

	p->started = 1;
	if (count_head(p, len) != 0)
		return -1;
	if (len > HTTP_PATH_MAX - r->path_len)
		return fail(p, OUT_TOO_LARGE);
	memcpy(r->path + r->path_len, at, len);
	r->path_len += len;
	r->path[r->path_len] = '\0';
	return 0;
}

static enum http_hdr_id
classify(const struct http_req_parser *p)
{
	size_t	i;

	if (p->field_long)
		return HDR_IGNORED;
	for (i = 0; i < sizeof(known_headers) / sizeof(known_headers[0]); i++)
		if (strlen(known_headers[i].name) == p->field_len &&
		    strncasecmp(known_headers[i].name, p->field,
		    p->field_len) == 0)
			return known_headers[i].id;
	return HDR_IGNORED;
}

/* Copies the finished value, trimmed, into dst (dstsz); refuses control characters. */
static int
store_value(struct http_req_parser *p, char *dst, size_t dstsz, int *pseen,
    int unique)
{
	const char	*v = p->value.data != NULL ? p->value.data : "";
	size_t		 len = p->value.len, i;

	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return fail(p, OUT_BAD_REQUEST);
	if (pseen != NULL) {
		if (*pseen && unique)
			return fail(p, OUT_BAD_REQUEST);
		*pseen = 1;
	}
	if (len >= dstsz)
		return fail(p, OUT_BAD_REQUEST);
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

static int
finish_header(struct http_req_parser *p)
{
	struct http_request	*r = &p->req;
	int			 rc = 0;

	if (!p->in_value)
		return 0;
	switch (p->cur_hdr) {
	case HDR_ORIGIN:
		rc = store_value(p, r->origin, sizeof(r->origin), &r->has_origin, 1);
		break;
	case HDR_RI:
		rc = store_value(p, r->ri, sizeof(r->ri), &r->has_ri, 1);
		break;
	case HDR_ACCEPT:
		rc = store_value(p, r->accept, sizeof(r->accept), &r->has_accept, 1);
		break;
	case HDR_CONTENT_TYPE:
		rc = store_value(p, r->content_type, sizeof(r->content_type), NULL, 0);
		break;
	case HDR_HOST:
		rc = store_value(p, r->host, sizeof(r->host), NULL, 0);
		break;
	default:
		break;
	}
	p->in_value = 0;
	p->field_len = 0;
	p->field_long = 0;
	p->cur_hdr = HDR_NONE;
	buf_reset(&p->value);
	return rc;
}

static int
on_header_field(http_parser *hp, const char *at, size_t len)
{
	struct http_req_parser	*p = hp->data;

	if (count_head(p, len) != 0)
		return -1;
	/*
	 * Trailer fields after a chunked body are not request headers: taking
	 * them would let a client set X-M2M-Origin after the head was read.
	 */
	if (hp->flags & F_TRAILING)
		return 0;
	/*
	 * http-parser, built lenient, lets SP into a name; "X-M2M-Origin :"
	 * must be refused (RFC 9112 section 5.1), not ignored as unknown.
	 */
	if (memchr(at, ' ', len) != NULL)
		return fail(p, OUT_BAD_REQUEST);
	if (finish_header(p) != 0)
		return -1;
	if (len > sizeof(p->field) - p->field_len) {
		p->field_long = 1;
		return 0;
	}
	memcpy(p->field + p->field_len, at, len);
	p->field_len += len;
	return 0;
}

static int
on_header_value(http_parser *hp, const char *at, size_t len)
{
	struct http_req_parser	*p = hp->data;

	if (count_head(p, len) != 0)
		return -1;
	if (hp->flags & F_TRAILING)
		return 0;
	if (!p->in_value) {
		p->in_value = 1;
		p->cur_hdr = classify(p);
	}
	if (p->cur_hdr == HDR_IGNORED)
		return 0;
	if (buf_append(&p->value, at, len) != MEF_OK)
		return fail(p, OUT_BAD_REQUEST);
	return 0;
}

static int
on_headers_complete(http_parser *hp)
{
	struct http_req_parser	*p = hp->data;
	struct http_request	*r = &p->req;

	if (finish_header(p) != 0)
		return -1;
	/*
	 * Only HTTP/1.0 and 1.1. http-parser takes any digit and reads a
	 * request line with no version as 0.9 followed by headers.
	 */
	if (hp->http_major != 1)
		return fail(p, OUT_BAD_REQUEST);
	if (hp->content_length != ULLONG_MAX && hp->content_length > r->body.max)
		return fail(p, OUT_TOO_LARGE);
	if (hp->method == HTTP_GET)
		r->method = HTTP_REQ_GET;
	else if (hp->method == HTTP_POST)
		r->method = HTTP_REQ_POST;
	else
		r->method = HTTP_REQ_OTHER;
	return 0;
}

static int
on_body(http_parser *hp, const char *at, size_t len)
{
	struct http_req_parser	*p = hp->data;

	if (buf_append(&p->req.body, at, len) != MEF_OK)
		return fail(p, OUT_TOO_LARGE);
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	struct http_req_parser	*p = hp->data;

	p->req.keep_alive = http_should_keep_alive(hp);
	p->complete = 1;
	http_parser_pause(hp, 1);
	return 0;
}

/* see http_request.h */
void
http_req_parser_init(struct http_req_parser *p, size_t head_max,
    size_t body_max)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(&p->hp, HTTP_REQUEST);
	p->hp.data = p;
	p->settings.on_message_begin = on_message_begin;
	p->settings.on_url = on_url;
	p->settings.on_header_field = on_header_field;
	p->settings.on_header_value = on_header_value;
	p->settings.on_headers_complete = on_headers_complete;
	p->settings.on_body = on_body;
	p->settings.on_message_complete = on_message_complete;
	p->head_max = head_max;
	buf_init(&p->req.body, body_max);
	buf_init(&p->value, HTTP_VALUE_MAX);
	p->error = OUT_OK;
}

enum {
	SCAN_START = 0,		/* before the request line: CR and LF skipped */
	SCAN_LINE,		/* inside a line of the head */
	SCAN_LF,		/* just after a line's LF */
	SCAN_DONE,		/* the empty line that ends the head was seen */
};

/*
 * Refuses obsolete line folding (a header line starting with SP or HT) in the head
 * of data. http-parser joins such a line to the previous value, so "X-M2M-Origin:"
 * CRLF SP "/in-cse-1" would reach us as one clean value; RFC 9112 section 5.2 lets a
 * server refuse it with 400, which is what a header smuggled that way deserves. The
 * state runs across reads, and the scan stops at the end of the head, so a body is
 * never looked at.
 */
static int
head_scan(struct http_req_parser *p, const char *data, size_t len)
{
	size_t	i;
	char	b;

	for (i = 0; i < len && p->fold_state != SCAN_DONE; i++) {
		b = data[i];
		switch (p->fold_state) {
		case SCAN_START:
			if (b != '\r' && b != '\n')
				p->fold_state = SCAN_LINE;
			break;
		case SCAN_LINE:
			if (b == '\n')
				p->fold_state = SCAN_LF;
			break;
		default:
			if (b == ' ' || b == '\t')
				return fail(p, OUT_BAD_REQUEST);
			if (b == '\n')
				p->fold_state = SCAN_DONE;
			else if (b != '\r')
				p->fold_state = SCAN_LINE;
			break;
		}
	}
	return 0;
}

/* see http_request.h */
enum mef_err
http_req_parser_feed(struct http_req_parser *p, const char *data, size_t len,
    size_t *pconsumed)
{
	size_t			n;
	enum http_errno		herr;

	*pconsumed = 0;
	if (p->error != OUT_OK)
		return MEF_E_PROTO;
	if (p->complete || len == 0)
		return MEF_OK;
	if (head_scan(p, data, len) != 0)
		return MEF_E_PROTO;
	n = http_parser_execute(&p->hp, &p->settings, data, len);
	herr = HTTP_PARSER_ERRNO(&p->hp);
	*pconsumed = n;
	if (herr == HPE_PAUSED) {
		http_parser_pause(&p->hp, 0);
		return MEF_OK;
	}
	if (herr != HPE_OK || p->error != OUT_OK) {
		if (p->error == OUT_OK)
			p->error = herr == HPE_HEADER_OVERFLOW ? OUT_TOO_LARGE :
			    OUT_BAD_REQUEST;
		return p->error == OUT_TOO_LARGE ? MEF_E_TOOBIG : MEF_E_PROTO;
	}
	return MEF_OK;
}

/* see http_request.h */
int
http_req_parser_done(const struct http_req_parser *p)
{
	return p->complete;
}

/* see http_request.h */
int
http_req_parser_started(const struct http_req_parser *p)
{
	return p->started;
}

/* see http_request.h */
void
http_req_parser_next(struct http_req_parser *p)
{
	struct buf	body = p->req.body;
	struct buf	value = p->value;

	buf_reset(&body);
	buf_reset(&value);
	memset(&p->req, 0, sizeof(p->req));
	p->req.body = body;
	p->value = value;
	p->head_bytes = 0;
	p->cur_hdr = HDR_NONE;
	p->field_len = 0;
	p->field_long = 0;
	p->in_value = 0;
	p->complete = 0;
	p->started = 0;
	p->fold_state = SCAN_START;
}

/* see http_request.h */
void
http_req_parser_free(struct http_req_parser *p)
{
	buf_free(&p->req.body);
	buf_free(&p->value);
}
