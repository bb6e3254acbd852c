/*
 * http_forward.c -- framing HTTP/1.1 messages for mef-gate, over http-parser.
 *
 * A request head is rebuilt from the parser's callbacks, never copied, so what
 * the gate checks is exactly what it forwards. Bodies and responses pass
 * through raw, and there the library's leniency matters: built with
 * HTTP_PARSER_STRICT=0 it takes any byte where the LF ending a head or a chunk
 * line should be, and a bare LF inside a chunk extension. An upstream that
 * frames such a body differently would read part of it as a request the gate
 * never checked, so this file checks those bytes itself.
 */
#include <string.h>

#include "http/http_forward.h"

#define ORIGIN_NAME	"x-m2m-origin"

/* Where the strict check of a chunked request body stands (chunk_state). */
enum chunk_state {
	CH_NONE = 0,		/* not a chunked body */
	CH_SIZE_START,		/* first hex digit of a chunk size */
	CH_SIZE,		/* more hex digits, an extension or CR */
	CH_EXT,			/* chunk extension up to CR */
	CH_SIZE_LF,		/* LF ending the size line */
	CH_DATA,		/* chunk_left data bytes */
	CH_DATA_CR,		/* CR after the data */
	CH_DATA_LF,		/* LF after the data */
	CH_LINE_START,		/* a trailer line or the final CR */
	CH_LINE,		/* rest of a trailer line */
	CH_LINE_LF,		/* LF ending a trailer line */
	CH_END_LF,		/* LF ending the message */
	CH_END,			/* complete: no byte may follow */
};

static int
fail(struct http_fwd_req *p, enum outcome out)
{
	if (p->error == OUT_OK)
		p->error = out;
	return -1;
}

static void
parser_failed(struct http_fwd_req *p, enum http_errno herr)
{
	(void)fail(p, herr == HPE_HEADER_OVERFLOW ? OUT_TOO_LARGE :
	    OUT_BAD_REQUEST);
}

static enum mef_err
req_err(const struct http_fwd_req *p)
{
	if (p->error == OUT_TOO_LARGE)
		return MEF_E_TOOBIG;
	if (p->error == OUT_INTERNAL)
		return MEF_E_NOMEM;
	return MEF_E_PROTO;
}

static int
count_head(struct http_fwd_req *p, size_t len)
{
	if (len > p->head_max - p->head_bytes)
		return fail(p, OUT_TOO_LARGE);
	p->head_bytes += len;
	return 0;
}

static int
append(struct http_fwd_req *p, struct buf *b, const char *s, size_t len)
{
	enum mef_err	rc;

	rc = buf_append(b, s, len);
	if (rc == MEF_OK)
		return 0;
	return fail(p, rc == MEF_E_TOOBIG ? OUT_TOO_LARGE : OUT_INTERNAL);
}

/*
 * Whether the header name read so far is (or starts with) name, given in lower
 * case. Case is ignored and '_' taken for '-': CGI-style upstreams (WSGI, PHP)
 * make X-MEF_KeId and X-MEF-KeId one variable, so both must be stripped.
 */
static int
field_is(const struct http_fwd_req *p, const char *name, int prefix)
{
	size_t	len = strlen(name), i;
	char	c;

	if (prefix ? p->field.len < len : p->field.len != len)
		return 0;
	for (i = 0; i < len; i++) {
		c = p->field.data[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != name[i] && !(c == '_' && name[i] == '-'))
			return 0;
	}
	return 1;
}

/*
 * Ends the request line once the version is known: at the first header name or
 * at the end of the head. A URL holds no LF, so the head ends in LF once it is
 * ended.
 */
static int
close_line(struct http_fwd_req *p, const http_parser *hp)
{
	if (p->head.len == 0)
		return fail(p, OUT_BAD_REQUEST);
	if (p->head.data[p->head.len - 1] == '\n')
		return 0;
	/*
	 * Only HTTP/1.0 and 1.1: http-parser takes any digit, and reads a
	 * request line with no version as 0.9 followed by headers.
	 */
	if (hp->http_major != 1 || hp->http_minor > 1)
		return fail(p, OUT_BAD_REQUEST);
	return append(p, &p->head, hp->http_minor == 0 ? " HTTP/1.0\r\n" :
	    " HTTP/1.1\r\n", strlen(" HTTP/1.x\r\n"));
}

static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int
take_origin(struct http_fwd_req *p, const char *v, size_t len)
{
	size_t	i;

	if (p->has_origin || len > MEF_ID_MAX)
		return fail(p, OUT_BAD_REQUEST);
	for (i = 0; i < len; i++)
		if (is_ctl((unsigned char)v[i]))
			return fail(p, OUT_BAD_REQUEST);
	memcpy(p->origin, v, len);
	p->origin[len] = '\0';
	p->has_origin = 1;
	return 0;
}

/* Checks the finished header; adds it to the rebuilt head unless stripped. */
static int
emit_header(struct http_fwd_req *p)
{
	const char	*v = p->value.data != NULL ? p->value.data : "";
	size_t		 len = p->value.len;

	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	/* http-parser refuses these; none may split the rebuilt head. */
	if (memchr(v, '\r', len) != NULL || memchr(v, '\n', len) != NULL ||
	    memchr(v, '\0', len) != NULL)
		return fail(p, OUT_BAD_REQUEST);
	if (field_is(p, ORIGIN_NAME, 0) && take_origin(p, v, len) != 0)
		return -1;
	if (field_is(p, HTTP_FWD_STRIP_PREFIX, 1))
		return 0;
	if (append(p, &p->head, p->field.data, p->field.len) != 0 ||
	    append(p, &p->head, ": ", 2) != 0 ||
	    append(p, &p->head, v, len) != 0 ||
	    append(p, &p->head, "\r\n", 2) != 0)
		return -1;
	return 0;
}

/*
 * Ends the header being read. A trailer is not rebuilt (the body passes raw),
 * but a trust header or X-M2M-Origin there is refused: an upstream that merges
 * trailers into the headers would take it as set by the gate.
 */
static int
finish_header(struct http_fwd_req *p, const http_parser *hp)
{
	int	rc = 0;

	if (p->field.len == 0 && !p->in_value)
		return 0;
	if (!(hp->flags & F_TRAILING))
		rc = emit_header(p);
	else if (field_is(p, HTTP_FWD_STRIP_PREFIX, 1) ||
	    field_is(p, ORIGIN_NAME, 0))
		rc = fail(p, OUT_BAD_REQUEST);
	buf_reset(&p->field);
	buf_reset(&p->value);
	p->in_value = 0;
	return rc;
}

static int
on_url(http_parser *hp, const char *at, size_t len)
{
	struct http_fwd_req	*p = hp->data;
	const char		*method;

	if (count_head(p, len) != 0)
		return -1;
	if (p->head.len == 0) {
		method = http_method_str((enum http_method)hp->method);
		if (append(p, &p->head, method, strlen(method)) != 0 ||
		    append(p, &p->head, " ", 1) != 0)
			return -1;
	}
	return append(p, &p->head, at, len);
}

static int
on_header_field(http_parser *hp, const char *at, size_t len)
{
	struct http_fwd_req	*p = hp->data;

	if (!(hp->flags & F_TRAILING) &&
	    (count_head(p, len) != 0 || close_line(p, hp) != 0))
		return -1;
	/*
	 * http-parser, built lenient, lets SP into a name; "X-MEF-KeId :" must
	 * be refused (RFC 9112 section 5.1), not passed on as another name.
	 */
	if (memchr(at, ' ', len) != NULL)
		return fail(p, OUT_BAD_REQUEST);
	if (p->in_value && finish_header(p, hp) != 0)
		return -1;
	return append(p, &p->field, at, len);
}

static int
on_header_value(http_parser *hp, const char *at, size_t len)
{
	struct http_fwd_req	*p = hp->data;

	p->in_value = 1;
	if (hp->flags & F_TRAILING)
		return 0;
	if (count_head(p, len) != 0)
		return -1;
	return append(p, &p->value, at, len);
}

static int
on_headers_complete(http_parser *hp)
{
	struct http_fwd_req	*p = hp->data;

	if (close_line(p, hp) != 0 || finish_header(p, hp) != 0)
		return -1;
	/*
	 * A request body is framed by chunked or Content-Length only (RFC 9112
	 * section 6.1). http-parser would refuse another coding only after the
	 * head, when the gate may have forwarded it already.
	 */
	if (hp->uses_transfer_encoding && !(hp->flags & F_CHUNKED))
		return fail(p, OUT_BAD_REQUEST);
	p->is_head_method = hp->method == HTTP_HEAD;
	p->keep_alive = http_should_keep_alive(hp);
	p->upgrade = hp->upgrade;
	p->state = HTTP_FWD_HEAD_DONE;
	http_parser_pause(hp, 1);
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	struct http_fwd_req	*p = hp->data;

	if (finish_header(p, hp) != 0)
		return -1;
	p->keep_alive = http_should_keep_alive(hp);
	p->state = HTTP_FWD_DONE;
	http_parser_pause(hp, 1);
	return 0;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Expects want; moves to next. */
static int
chunk_expect(struct http_fwd_req *p, unsigned char c, char want, int next)
{
	if (c != (unsigned char)want)
		return -1;
	p->chunk_state = next;
	return 0;
}

/* One byte of chunked framing outside chunk data (RFC 9112 section 7.1). */
static int
chunk_step(struct http_fwd_req *p, unsigned char c)
{
	int	h = hex_value(c);

	switch (p->chunk_state) {
	case CH_SIZE_START:
	case CH_SIZE:
		if (h >= 0) {
			if (p->chunk_left > (UINT64_MAX >> 4))
				return -1;
			p->chunk_left = p->chunk_left << 4 | (uint64_t)h;
			p->chunk_state = CH_SIZE;
			return 0;
		}
		if (p->chunk_state == CH_SIZE_START)
			return -1;
		if (c != ';' && c != ' ' && c != '\t')
			return chunk_expect(p, c, '\r', CH_SIZE_LF);
		p->chunk_state = CH_EXT;
		return 0;
	case CH_EXT:
		if (c == '\r')
			p->chunk_state = CH_SIZE_LF;
		return is_ctl(c) && c != '\r' ? -1 : 0;
	case CH_SIZE_LF:
		return chunk_expect(p, c, '\n', p->chunk_left == 0 ?
		    CH_LINE_START : CH_DATA);
	case CH_DATA_CR:
		return chunk_expect(p, c, '\r', CH_DATA_LF);
	case CH_DATA_LF:
		return chunk_expect(p, c, '\n', CH_SIZE_START);
	case CH_LINE_START:
		if (c == '\r')
			return chunk_expect(p, c, '\r', CH_END_LF);
		/* FALLTHROUGH */
	case CH_LINE:
		p->chunk_state = c == '\r' ? CH_LINE_LF : CH_LINE;
		return is_ctl(c) && c != '\r' ? -1 : 0;
	case CH_LINE_LF:
		return chunk_expect(p, c, '\n', CH_LINE_START);
	case CH_END_LF:
		return chunk_expect(p, c, '\n', CH_END);
	default:
		return -1;
	}
}

/* Checks the len raw bytes http-parser just took from a chunked body. */
static int
chunk_check(struct http_fwd_req *p, const char *data, size_t len)
{
	size_t	i = 0, n;

	while (i < len) {
		if (p->chunk_state != CH_DATA) {
			if (chunk_step(p, (unsigned char)data[i]) != 0)
				return fail(p, OUT_BAD_REQUEST);
			i++;
			continue;
		}
		n = p->chunk_left < len - i ? (size_t)p->chunk_left : len - i;
		p->chunk_left -= n;
		i += n;
		if (p->chunk_left == 0)
			p->chunk_state = CH_DATA_CR;
	}
	/* Both readings of the framing must end the message on one byte. */
	if ((p->state == HTTP_FWD_DONE) != (p->chunk_state == CH_END))
		return fail(p, OUT_BAD_REQUEST);
	return 0;
}

/*
 * The head is complete: http-parser stopped on its last byte without counting
 * it and, built lenient, took whatever byte followed the final CR for its LF.
 * Count that byte, refuse anything but LF, and let _resume() hand the parser
 * its LF.
 */
static size_t
end_of_head(struct http_fwd_req *p, const char *data, size_t len, size_t n)
{
	if (n >= len || data[n] != '\n') {
		(void)fail(p, OUT_BAD_REQUEST);
		return 0;
	}
	return n + 1;
}

/* see http_forward.h */
void
http_fwd_req_init(struct http_fwd_req *p, size_t head_max)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(&p->hp, HTTP_REQUEST);
	p->hp.data = p;
	p->settings.on_url = on_url;
	p->settings.on_header_field = on_header_field;
	p->settings.on_header_value = on_header_value;
	p->settings.on_headers_complete = on_headers_complete;
	p->settings.on_message_complete = on_message_complete;
	p->state = HTTP_FWD_HEAD;
	p->error = OUT_OK;
	p->head_max = head_max;
	buf_init(&p->head, head_max);
	buf_init(&p->field, HTTP_FWD_VALUE_MAX);
	buf_init(&p->value, HTTP_FWD_VALUE_MAX);
}

/* see http_forward.h */
enum mef_err
http_fwd_req_feed(struct http_fwd_req *p, const char *data, size_t len,
    size_t *pconsumed)
{
	size_t		n;
	enum http_errno	herr;
	enum mef_err	rc = MEF_OK;

	*pconsumed = 0;
	if (p->state == HTTP_FWD_ERROR) {
		rc = req_err(p);
		goto out;
	}
	if (len == 0 || (p->state != HTTP_FWD_HEAD &&
	    p->state != HTTP_FWD_BODY))
		goto out;
	n = http_parser_execute(&p->hp, &p->settings, data, len);
	herr = HTTP_PARSER_ERRNO(&p->hp);
	if (herr == HPE_PAUSED) {
		http_parser_pause(&p->hp, 0);
		if (p->state == HTTP_FWD_HEAD_DONE)
			n = end_of_head(p, data, len, n);
	} else if (herr != HPE_OK)
		parser_failed(p, herr);
	if (p->error == OUT_OK && p->chunk_state != CH_NONE)
		(void)chunk_check(p, data, n);
	if (p->error != OUT_OK) {
		p->state = HTTP_FWD_ERROR;
		rc = req_err(p);
		goto out;
	}
	*pconsumed = n;
out:
	return rc;
}

/* see http_forward.h */
void
http_fwd_req_resume(struct http_fwd_req *p)
{
	static const char	lf = '\n';
	enum http_errno		herr;

	if (p->state != HTTP_FWD_HEAD_DONE)
		return;
	p->state = HTTP_FWD_BODY;
	(void)http_parser_execute(&p->hp, &p->settings, &lf, 1);
	herr = HTTP_PARSER_ERRNO(&p->hp);
	if (herr == HPE_PAUSED)
		http_parser_pause(&p->hp, 0);
	else if (herr != HPE_OK)
		parser_failed(p, herr);
	if (p->error != OUT_OK)
		p->state = HTTP_FWD_ERROR;
	else if (p->state == HTTP_FWD_BODY && (p->hp.flags & F_CHUNKED))
		p->chunk_state = CH_SIZE_START;
}

/* see http_forward.h */
void
http_fwd_req_next(struct http_fwd_req *p)
{
	if (p->state != HTTP_FWD_DONE)
		return;
	buf_reset(&p->head);
	buf_reset(&p->field);
	buf_reset(&p->value);
	p->head_bytes = 0;
	p->in_value = 0;
	p->has_origin = 0;
	p->origin[0] = '\0';
	p->is_head_method = 0;
	p->keep_alive = 0;
	p->upgrade = 0;
	p->chunk_state = CH_NONE;
	p->chunk_left = 0;
	p->state = HTTP_FWD_HEAD;
}

/* see http_forward.h */
void
http_fwd_req_free(struct http_fwd_req *p)
{
	buf_free(&p->head);
	buf_free(&p->field);
	buf_free(&p->value);
}

static int
resp_on_header_field(http_parser *hp, const char *at, size_t len)
{
	struct http_fwd_resp	*p = hp->data;

	/* "Content-Length :" could frame it apart from the Enrolee. */
	if (memchr(at, ' ', len) == NULL)
		return 0;
	p->error = 1;
	return -1;
}

static int
resp_on_headers_complete(http_parser *hp)
{
	struct http_fwd_resp	*p = hp->data;
	unsigned int		 status = hp->status_code;

	if (hp->http_major != 1) {
		p->error = 1;
		return -1;
	}
	/*
	 * No body, whatever the headers say (RFC 9112 section 6.3);
	 * returning 1 tells http-parser so.
	 */
	if (p->is_head || status / 100 == 1 || status == 204 || status == 304)
		return 1;
	return 0;
}

static int
resp_on_message_complete(http_parser *hp)
{
	struct http_fwd_resp	*p = hp->data;
	unsigned int		 status = hp->status_code;

	/* An interim 1xx passes on, the answer still to come; 101 ends it. */
	if (status / 100 != 1 || status == 101) {
		p->done = 1;
		p->keep_alive = status == 101 ? 0 : http_should_keep_alive(hp);
	}
	http_parser_pause(hp, 1);
	return 0;
}

/* see http_forward.h */
void
http_fwd_resp_init(struct http_fwd_resp *p, int is_head)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(&p->hp, HTTP_RESPONSE);
	p->hp.data = p;
	p->settings.on_header_field = resp_on_header_field;
	p->settings.on_headers_complete = resp_on_headers_complete;
	p->settings.on_message_complete = resp_on_message_complete;
	p->is_head = is_head;
}

/* see http_forward.h */
enum mef_err
http_fwd_resp_feed(struct http_fwd_resp *p, const char *data, size_t len,
    size_t *pconsumed)
{
	size_t		off = 0;
	enum http_errno	herr;
	enum mef_err	rc = MEF_OK;

	*pconsumed = 0;
	while (!p->error && !p->done && off < len) {
		off += http_parser_execute(&p->hp, &p->settings, data + off,
		    len - off);
		herr = HTTP_PARSER_ERRNO(&p->hp);
		if (herr == HPE_PAUSED) {
			http_parser_pause(&p->hp, 0);
			/* After a 1xx, start afresh on the real answer. */
			if (!p->done)
				http_parser_init(&p->hp, HTTP_RESPONSE);
		} else if (herr != HPE_OK)
			p->error = 1;
		else
			break;
	}
	if (p->error) {
		rc = MEF_E_PROTO;
		goto out;
	}
	*pconsumed = off;
out:
	return rc;
}

/* see http_forward.h */
enum mef_err
http_fwd_resp_eof(struct http_fwd_resp *p)
{
	if (!p->error && !p->done) {
		/* Length 0 is http-parser's EOF: it ends a body read to it. */
		(void)http_parser_execute(&p->hp, &p->settings, "", 0);
		if (HTTP_PARSER_ERRNO(&p->hp) == HPE_PAUSED)
			http_parser_pause(&p->hp, 0);
		p->error = !p->done;
	}
	return p->error ? MEF_E_PROTO : MEF_OK;
}
