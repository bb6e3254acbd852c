/*
 * http_resp.c -- strict, bounded parser of one HTTP/1.1 response.
 *
 * The parser keeps no state between calls: each call re-reads the head (at most
 * HTTP_RESP_HEAD_MAX bytes) from the start of the buffer, which costs nothing
 * at these sizes and leaves no half-parsed context to get wrong. Everything the
 * grammar of RFC 9112 does not allow is refused rather than repaired, because
 * the only server this talks to is a MEF, and a lenient client is how response
 * splitting starts.
 */
#include <string.h>
#include <strings.h>

#include "client/http_resp.h"
#include "util/strparse.h"

#define HTTP_RSC_MAX	9999

/* Which of the headers we read were seen, to refuse duplicates. */
#define SEEN_LENGTH	0x01
#define SEEN_RSC	0x02
#define SEEN_RI		0x04
#define SEEN_CTYPE	0x08

static int		is_tchar(unsigned char);
static int		is_field_char(unsigned char);
static enum mef_err	find_head_end(const unsigned char *, size_t, size_t *);
static enum mef_err	parse_status_line(const unsigned char *, size_t,
			    struct http_resp *);
static enum mef_err	parse_header(const unsigned char *, size_t,
			    struct http_resp *, unsigned *, uint64_t *);
static enum mef_err	take_header(const char *, size_t, const unsigned char *,
			    size_t, struct http_resp *, unsigned *, uint64_t *);
static enum mef_err	copy_text(const unsigned char *, size_t, char *,
			    size_t);
static enum mef_err	parse_digits(const unsigned char *, size_t, uint64_t,
			    uint64_t *);
static enum mef_err	frame_body(size_t, int, uint64_t, struct http_resp *);

/* see http_resp.h */
enum mef_err
http_resp_parse(const unsigned char *buf, size_t len, int eof,
    struct http_resp *presp)
{
	struct http_resp	 r;
	const unsigned char	*line, *end;
	unsigned		 seen = 0;
	uint64_t		 clen = 0;
	size_t			 head_len;
	enum mef_err		 rc;

	memset(&r, 0, sizeof(r));
	r.rsc = -1;
	if (buf == NULL && len > 0) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = find_head_end(buf, len, &head_len);
	if (rc != MEF_OK)
		goto out;
	if (head_len == 0) {
		/* The head is not all here yet. */
		rc = eof ? MEF_E_PROTO : MEF_OK;
		goto out;
	}
	r.head_len = head_len;
	end = buf + head_len - 2;		/* the final CRLF */
	line = buf;
	while (rc == MEF_OK && line < end) {
		const unsigned char *crlf = line;

		while (crlf[0] != '\r' || crlf[1] != '\n')
			crlf++;
		if (line == buf)
			rc = parse_status_line(line, (size_t)(crlf - line), &r);
		else
			rc = parse_header(line, (size_t)(crlf - line), &r,
			    &seen, &clen);
		line = crlf + 2;
	}
	if (rc != MEF_OK)
		goto out;
	r.has_length = (seen & SEEN_LENGTH) != 0;
	rc = frame_body(len, eof, clen, &r);
out:
	if (rc == MEF_OK)
		*presp = r;
	return rc;
}

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* VCHAR, obs-text, SP and HTAB: what a value or reason phrase may hold. */
static int
is_field_char(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/*
 * Sets *phead_len to the length of the head including its empty line, or to 0
 * when the buffer does not hold all of it yet. Refuses early what cannot become
 * a valid head, so a peer that is not an HTTP server fails fast instead of at
 * the timeout.
 */
static enum mef_err
find_head_end(const unsigned char *buf, size_t len, size_t *phead_len)
{
	static const char	 prefix[] = "HTTP/1.";
	size_t			 i, n;

	n = len < sizeof(prefix) - 1 ? len : sizeof(prefix) - 1;
	if (n > 0 && memcmp(buf, prefix, n) != 0)
		return MEF_E_PROTO;
	n = len < HTTP_RESP_HEAD_MAX ? len : HTTP_RESP_HEAD_MAX;
	for (i = 0; i + 4 <= n; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n' &&
		    buf[i + 2] == '\r' && buf[i + 3] == '\n') {
			*phead_len = i + 4;
			return MEF_OK;
		}
	}
	if (len >= HTTP_RESP_HEAD_MAX)
		return MEF_E_TOOBIG;
	*phead_len = 0;
	return MEF_OK;
}

/* "HTTP/1.x" SP 3DIGIT [SP reason-phrase]; the reason is not kept. */
static enum mef_err
parse_status_line(const unsigned char *s, size_t len, struct http_resp *r)
{
	size_t	i;

	if (len < 12 || memcmp(s, "HTTP/1.", 7) != 0 ||
	    (s[7] != '0' && s[7] != '1') || s[8] != ' ')
		return MEF_E_PROTO;
	for (i = 9; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			return MEF_E_PROTO;
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->status < 100 || r->status > 599)
		return MEF_E_PROTO;
	if (len == 12)
		return MEF_OK;
	if (s[12] != ' ')
		return MEF_E_PROTO;
	for (i = 13; i < len; i++)
		if (!is_field_char(s[i]))
			return MEF_E_PROTO;
	return MEF_OK;
}

/*
 * field-name ":" OWS field-value OWS, with no space before the colon
 * (RFC 9112 5.1).
 */
static enum mef_err
parse_header(const unsigned char *s, size_t len, struct http_resp *r,
    unsigned *pseen, uint64_t *pclen)
{
	size_t	name_len, vstart, vend, i;

	for (name_len = 0; name_len < len && is_tchar(s[name_len]); name_len++)
		continue;
	if (name_len == 0 || name_len == len || s[name_len] != ':')
		return MEF_E_PROTO;
	for (i = name_len + 1; i < len; i++)
		if (!is_field_char(s[i]))
			return MEF_E_PROTO;
	vstart = name_len + 1;
	while (vstart < len && (s[vstart] == ' ' || s[vstart] == '\t'))
		vstart++;
	vend = len;
	while (vend > vstart && (s[vend - 1] == ' ' || s[vend - 1] == '\t'))
		vend--;
	return take_header((const char *)s, name_len, s + vstart, vend - vstart,
	    r, pseen, pclen);
}

/* Keeps the headers the client needs; any Transfer-Encoding is refused. */
static enum mef_err
take_header(const char *name, size_t name_len, const unsigned char *v,
    size_t vlen, struct http_resp *r, unsigned *pseen, uint64_t *pclen)
{
	uint64_t	rsc;
	enum mef_err	rc;

#define IS(lit)	(name_len == sizeof(lit) - 1 && \
	    strncasecmp(name, lit, sizeof(lit) - 1) == 0)
	if (IS("Transfer-Encoding"))
		return MEF_E_PROTO;
	if (IS("Content-Length")) {
		if (*pseen & SEEN_LENGTH)
			return MEF_E_PROTO;
		*pseen |= SEEN_LENGTH;
		return parse_digits(v, vlen, HTTP_RESP_BODY_MAX, pclen);
	}
	if (IS("X-M2M-RSC")) {
		if (*pseen & SEEN_RSC)
			return MEF_E_PROTO;
		*pseen |= SEEN_RSC;
		rc = parse_digits(v, vlen, HTTP_RSC_MAX, &rsc);
		if (rc == MEF_OK)
			r->rsc = (int)rsc;
		return rc == MEF_E_TOOBIG ? MEF_E_PROTO : rc;
	}
	if (IS("X-M2M-RI")) {
		if (*pseen & SEEN_RI)
			return MEF_E_PROTO;
		*pseen |= SEEN_RI;
		return copy_text(v, vlen, r->ri, sizeof(r->ri));
	}
	if (IS("Content-Type")) {
		if (*pseen & SEEN_CTYPE)
			return MEF_E_PROTO;
		*pseen |= SEEN_CTYPE;
		return copy_text(v, vlen, r->content_type,
		    sizeof(r->content_type));
	}
#undef IS
	return MEF_OK;
}

/* A header value into a C string: refused when too long or holding a NUL. */
static enum mef_err
copy_text(const unsigned char *v, size_t vlen, char *out, size_t outsz)
{
	if (vlen >= outsz)
		return MEF_E_TOOBIG;
	if (memchr(v, '\0', vlen) != NULL)
		return MEF_E_PROTO;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return MEF_OK;
}

/* 1*DIGIT up to max: MEF_E_PROTO when not digits, MEF_E_TOOBIG above max. */
static enum mef_err
parse_digits(const unsigned char *v, size_t vlen, uint64_t max,
    uint64_t *pvalue)
{
	uint64_t	value;
	size_t		i;

	if (vlen == 0)
		return MEF_E_PROTO;
	for (i = 0; i < vlen; i++)
		if (v[i] < '0' || v[i] > '9')
			return MEF_E_PROTO;
	if (parse_u64((const char *)v, vlen, 0, max, &value) != MEF_OK)
		return MEF_E_TOOBIG;	/* all digits: only the size is wrong */
	*pvalue = value;
	return MEF_OK;
}

/* Decides where the body ends and whether all of it is here. */
static enum mef_err
frame_body(size_t len, int eof, uint64_t clen, struct http_resp *r)
{
	size_t	have = len - r->head_len;

	if (r->status < 200)
		return MEF_E_PROTO;	/* we never ask for 1xx */
	if (r->status == 204 || r->status == 304)
		clen = 0;
	else if (!r->has_length) {
		if (have > HTTP_RESP_BODY_MAX)
			return MEF_E_TOOBIG;
		r->body_len = have;
		r->complete = eof != 0;
		return MEF_OK;
	}
	if (have > clen)
		return MEF_E_PROTO;	/* bytes after the response */
	if (have < clen)
		return eof ? MEF_E_PROTO : MEF_OK;
	r->body_len = (size_t)clen;
	r->complete = 1;
	return MEF_OK;
}
