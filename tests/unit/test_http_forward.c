/*
 * test_http_forward.c -- the gate's HTTP framing: rebuilt request heads, raw
 * bodies, where each request and response ends.
 *
 * Each request case is fed the way the gate feeds it (take the head at
 * HEAD_DONE, resume, pass body bytes on) and reconstructs the forwarded stream:
 * rebuilt head, CRLF, raw body. Every case runs whole, one byte at a time and
 * in odd pieces, and the runs must agree on the stream, the states passed
 * through and the bytes used (STYLE.md section 10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_forward.h"

#define HEAD_MAX	8192
#define OUT_MAX		32768

/* What one forwarded request looks like, as the gate would see it. */
struct fwd {
	enum mef_err		rc;
	enum outcome		error;
	enum http_fwd_state	state;
	size_t			head_end;	/* bytes used at HEAD_DONE */
	size_t			used;		/* bytes used in all */
	char			head[HEAD_MAX + 1];
	char			out[OUT_MAX];	/* head + CRLF + raw body */
	size_t			out_len;
	char			trace[16];	/* states passed: h, B, D, E */
	char			origin[MEF_ID_MAX + 1];
	int			has_origin;
	int			is_head_method;
	int			keep_alive;
	int			upgrade;
};

static void
out_add(struct fwd *r, const char *s, size_t len)
{
	assert_true(len <= OUT_MAX - r->out_len);
	memcpy(r->out + r->out_len, s, len);
	r->out_len += len;
}

static void
trace_add(struct fwd *r, enum http_fwd_state st)
{
	static const char	letters[] = "HhBDE";
	size_t			n = strlen(r->trace);

	/* HEAD is left out: how many feeds it takes depends on the pieces. */
	if (st == HTTP_FWD_HEAD || (n > 0 && r->trace[n - 1] == letters[st]))
		return;
	assert_true(n + 1 < sizeof(r->trace));
	r->trace[n] = letters[st];
}

/* At HEAD_DONE: takes the head as the gate would, then resumes. */
static void
take_head(struct http_fwd_req *p, struct fwd *r, size_t off)
{
	r->head_end = off;
	assert_true(p->head.len <= HEAD_MAX);
	memcpy(r->head, p->head.data, p->head.len);
	r->head[p->head.len] = '\0';
	out_add(r, p->head.data, p->head.len);
	out_add(r, "\r\n", 2);
	r->has_origin = p->has_origin;
	memcpy(r->origin, p->origin, sizeof(r->origin));
	r->is_head_method = p->is_head_method;
	r->upgrade = p->upgrade;
	http_fwd_req_resume(p);
	trace_add(r, p->state);
}

/*
 * Feeds one request in pieces of step (0: all at once) until DONE, an error or
 * the end of data.
 */
static void
forward(struct http_fwd_req *p, const char *data, size_t len, size_t step,
    struct fwd *r)
{
	enum http_fwd_state	before;
	size_t			off = 0, n, used;

	memset(r, 0, sizeof(*r));
	for (;;) {
		if (p->state == HTTP_FWD_HEAD_DONE)
			take_head(p, r, off);
		if (p->state == HTTP_FWD_DONE || off == len)
			break;
		n = step == 0 || step > len - off ? len - off : step;
		before = p->state;
		used = 99;
		r->rc = http_fwd_req_feed(p, data + off, n, &used);
		trace_add(r, p->state);
		if (r->rc != MEF_OK) {
			assert_int_equal(used, 0);
			break;
		}
		assert_true(used <= n);
		/* A feed stops short only at the end of a head or a request. */
		if (used < n)
			assert_true(p->state == HTTP_FWD_HEAD_DONE ||
			    p->state == HTTP_FWD_DONE);
		if (before == HTTP_FWD_BODY)
			out_add(r, data + off, used);
		off += used;
	}
	r->used = off;
	r->state = p->state;
	r->error = p->error;
	r->keep_alive = p->keep_alive;
}

static void
assert_same(const struct fwd *a, const struct fwd *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->error, b->error);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->trace, b->trace);
	if (a->rc != MEF_OK)
		return;
	assert_int_equal(a->used, b->used);
	assert_int_equal(a->head_end, b->head_end);
	assert_string_equal(a->head, b->head);
	assert_int_equal(a->out_len, b->out_len);
	assert_memory_equal(a->out, b->out, a->out_len);
	assert_int_equal(a->has_origin, b->has_origin);
	assert_string_equal(a->origin, b->origin);
	assert_int_equal(a->is_head_method, b->is_head_method);
	assert_int_equal(a->keep_alive, b->keep_alive);
	assert_int_equal(a->upgrade, b->upgrade);
}

/*
 * Forwards the first request of data whole, byte by byte and in pieces of 7 and
 * 13, with fresh parsers bounded by head_max; asserts all agree and returns the
 * whole run.
 */
static void
forward_all(const char *data, size_t len, size_t head_max, struct fwd *r)
{
	static const size_t	steps[] = { 1, 7, 13 };
	struct http_fwd_req	p;
	struct fwd		*other;
	size_t			i;

	other = malloc(sizeof(*other));
	assert_non_null(other);
	http_fwd_req_init(&p, head_max);
	forward(&p, data, len, 0, r);
	http_fwd_req_free(&p);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		http_fwd_req_init(&p, head_max);
		forward(&p, data, len, steps[i], other);
		http_fwd_req_free(&p);
		assert_same(r, other);
	}
	free(other);
}

static struct fwd *
forward_str(const char *s)
{
	static struct fwd	r;

	forward_all(s, strlen(s), HEAD_MAX, &r);
	return &r;
}

/* Expects s refused with outcome out, however it is fed. */
static void
assert_refused(const char *s, enum outcome out)
{
	struct fwd	*r = forward_str(s);

	assert_int_equal(r->rc, out == OUT_TOO_LARGE ? MEF_E_TOOBIG :
	    MEF_E_PROTO);
	assert_int_equal(r->error, out);
	assert_int_equal(r->state, HTTP_FWD_ERROR);
}

/* Expects s forwarded as head (rebuilt, no final CRLF) and then body bytes. */
static struct fwd *
assert_forwarded(const char *s, const char *head, const char *body)
{
	struct fwd	*r = forward_str(s);

	assert_int_equal(r->rc, MEF_OK);
	assert_int_equal(r->state, HTTP_FWD_DONE);
	assert_string_equal(r->head, head);
	assert_int_equal(r->used, strlen(s));
	/* Nothing past the head was used before HEAD_DONE. */
	assert_int_equal(r->head_end, strlen(s) - strlen(body));
	assert_int_equal(r->out_len, strlen(head) + 2 + strlen(body));
	assert_memory_equal(r->out, head, strlen(head));
	assert_memory_equal(r->out + strlen(head), "\r\n", 2);
	assert_memory_equal(r->out + strlen(head) + 2, body, strlen(body));
	return r;
}

static void
test_get(void **state)
{
	struct fwd	*r;

	(void)state;
	r = assert_forwarded(
	    "GET /cse-in/ae-1?rcn=1 HTTP/1.1\r\n"
	    "Host: cse.example.com\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "X-M2M-RI: 42\r\n"
	    "Accept: application/json\r\n"
	    "\r\n",
	    "GET /cse-in/ae-1?rcn=1 HTTP/1.1\r\n"
	    "Host: cse.example.com\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "X-M2M-RI: 42\r\n"
	    "Accept: application/json\r\n", "");
	assert_string_equal(r->trace, "hD");
	assert_int_equal(r->has_origin, 1);
	assert_string_equal(r->origin, "CAE-1");
	assert_int_equal(r->keep_alive, 1);
	assert_int_equal(r->is_head_method, 0);
	assert_int_equal(r->upgrade, 0);
}

static void
test_no_headers(void **state)
{
	struct fwd	*r;

	(void)state;
	r = assert_forwarded("DELETE /x HTTP/1.1\r\n\r\n",
	    "DELETE /x HTTP/1.1\r\n", "");
	assert_int_equal(r->has_origin, 0);
	assert_string_equal(r->origin, "");
	/* Bare LF line ends are read too; the rebuilt head uses CRLF. */
	assert_forwarded("GET / HTTP/1.1\nHost: a\n\n",
	    "GET / HTTP/1.1\r\nHost: a\r\n", "");
}

static void
test_strip_trust_headers(void **state)
{
	(void)state;
	assert_forwarded(
	    "PUT /a HTTP/1.1\r\n"
	    "X-MEF-KeId: 00@mef.example.com\r\n"
	    "Host: h\r\n"
	    "x-mef-enrolee-id: CAE-evil\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "X-Mef-Anything: 1\r\n"
	    "X-MEF-: empty suffix\r\n"
	    "X-MEFoo: kept\r\n"
	    "X-Mef: kept\r\n"
	    "Mef-X-MEF-: kept\r\n"
	    "X_MEF_KeId: 00@mef.example.com\r\n"
	    "x-Mef_Enrolee-ID: CAE-evil\r\n"
	    "content-length: 0\r\n"
	    "\r\n",
	    "PUT /a HTTP/1.1\r\n"
	    "Host: h\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "X-MEFoo: kept\r\n"
	    "X-Mef: kept\r\n"
	    "Mef-X-MEF-: kept\r\n"
	    "content-length: 0\r\n", "");
}

static void
test_value_trim_and_fold(void **state)
{
	(void)state;
	assert_forwarded(
	    "GET / HTTP/1.1\r\n"
	    "A:   spaced  out \t\r\n"
	    "B:\r\n"
	    "C: \t\r\n"
	    "D: in\tside\r\n"
	    "E: folded\r\n  line\r\n"
	    "\r\n",
	    "GET / HTTP/1.1\r\n"
	    "A: spaced  out\r\n"
	    "B: \r\n"
	    "C: \r\n"
	    "D: in\tside\r\n"
	    "E: folded  line\r\n", "");
}

static void
test_origin(void **state)
{
	char		 req[1024], want[MEF_ID_MAX + 2];
	struct fwd	*r;

	(void)state;
	r = forward_str("GET / HTTP/1.1\r\nx-m2m-ORIGIN: \t Cae 1\t \r\n\r\n");
	assert_int_equal(r->rc, MEF_OK);
	assert_int_equal(r->has_origin, 1);
	assert_string_equal(r->origin, "Cae 1");
	assert_string_equal(r->head,
	    "GET / HTTP/1.1\r\nx-m2m-ORIGIN: Cae 1\r\n");
	r = forward_str("GET / HTTP/1.1\r\nX-M2M-Origin: a\tb\r\n\r\n");
	assert_string_equal(r->origin, "a\tb");
	r = forward_str("GET / HTTP/1.1\r\nX-M2M-Origin:\r\n\r\n");
	assert_int_equal(r->has_origin, 1);
	assert_string_equal(r->origin, "");
	/* Look-alike names are not the origin. */
	r = forward_str("GET / HTTP/1.1\r\nX-M2M-Origin2: a\r\n"
	    "X-M2M-Origi: b\r\n\r\n");
	assert_int_equal(r->has_origin, 0);
	memset(want, 'o', sizeof(want));
	want[MEF_ID_MAX] = '\0';
	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX-M2M-Origin: %s\r\n\r\n",
	    want);
	r = forward_str(req);
	assert_int_equal(r->rc, MEF_OK);
	assert_string_equal(r->origin, want);
	want[MEF_ID_MAX] = 'o';
	want[MEF_ID_MAX + 1] = '\0';
	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX-M2M-Origin: %s\r\n\r\n",
	    want);
	assert_refused(req, OUT_BAD_REQUEST);
}

static void
test_origin_duplicate(void **state)
{
	(void)state;
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\r\n"
	    "X-M2M-Origin: a\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\r\nHost: h\r\n"
	    "x-m2m-origin: b\r\n\r\n", OUT_BAD_REQUEST);
	/* An upstream may read X-M2M_Origin as X-M2M-Origin. */
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\r\n"
	    "X-M2M_Origin: b\r\n\r\n", OUT_BAD_REQUEST);
	assert_string_equal(forward_str("GET / HTTP/1.1\r\n"
	    "X_M2M_ORIGIN: b\r\n\r\n")->origin, "b");
}

static void
test_control_chars(void **state)
{
	(void)state;
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\x01" "b\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\x7f\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin: a\rb\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nA: a\x1b\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nA: a\rX-MEF-KeId: b\r\n\r\n",
	    OUT_BAD_REQUEST);
}

static void
test_nul_in_value(void **state)
{
	static const char	req[] = "GET / HTTP/1.1\r\nA: a\0b\r\n\r\n";
	struct fwd		r;

	(void)state;
	forward_all(req, sizeof(req) - 1, HEAD_MAX, &r);
	assert_int_equal(r.rc, MEF_E_PROTO);
	assert_int_equal(r.error, OUT_BAD_REQUEST);
}

static void
test_space_in_name(void **state)
{
	(void)state;
	assert_refused("GET / HTTP/1.1\r\nX-MEF-KeId : a\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nX-M2M-Origin : a\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\nContent Length: 5\r\n\r\n",
	    OUT_BAD_REQUEST);
}

static void
test_versions(void **state)
{
	struct fwd	*r;

	(void)state;
	assert_refused("GET / HTTP/2.0\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.2\r\nHost: a\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/0.9\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET /\r\nHost: a\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET / FTP/1.1\r\n\r\n", OUT_BAD_REQUEST);
	r = forward_str("GET / HTTP/1.0\r\nHost: a\r\n\r\n");
	assert_int_equal(r->rc, MEF_OK);
	assert_string_equal(r->head, "GET / HTTP/1.0\r\nHost: a\r\n");
}

/* The final CR must be followed by LF: the lenient library takes any byte. */
static void
test_head_end_not_lf(void **state)
{
	(void)state;
	assert_refused("GET / HTTP/1.1\r\nHost: a\r\n\rX", OUT_BAD_REQUEST);
	assert_refused("GET / HTTP/1.1\r\n\r\r", OUT_BAD_REQUEST);
}

static void
test_head_max(void **state)
{
	static const char	req[] = "GET /abc HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char	head[] = "GET /abc HTTP/1.1\r\nHost: h\r\n";
	char			big[HEAD_MAX + 64];
	struct fwd		r;
	size_t			n;

	(void)state;
	forward_all(req, strlen(req), strlen(head), &r);
	assert_int_equal(r.rc, MEF_OK);
	assert_string_equal(r.head, head);
	forward_all(req, strlen(req), strlen(head) - 1, &r);
	assert_int_equal(r.rc, MEF_E_TOOBIG);
	assert_int_equal(r.error, OUT_TOO_LARGE);
	/* Stripped headers count too, though they are not in the head. */
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX-MEF-A: %0*d"
	    "\r\n\r\n", 100, 0);
	forward_all(big, n, 64, &r);
	assert_int_equal(r.error, OUT_TOO_LARGE);
	/* A value past HTTP_FWD_VALUE_MAX, whatever head_max says. */
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nA: %0*d"
	    "\r\n\r\n", HTTP_FWD_VALUE_MAX + 1, 0);
	forward_all(big, n, sizeof(big), &r);
	assert_int_equal(r.rc, MEF_E_TOOBIG);
	assert_int_equal(r.error, OUT_TOO_LARGE);
}

static void
test_content_length_body(void **state)
{
	struct fwd	*r;

	(void)state;
	r = assert_forwarded(
	    "POST /cse-in HTTP/1.1\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "Content-Type: application/json;ty=2\r\n"
	    "Content-Length: 20\r\n"
	    "\r\n"
	    "{\"m2m:ae\":{\"rn\":\"x\"}",
	    "POST /cse-in HTTP/1.1\r\n"
	    "X-M2M-Origin: CAE-1\r\n"
	    "Content-Type: application/json;ty=2\r\n"
	    "Content-Length: 20\r\n",
	    "{\"m2m:ae\":{\"rn\":\"x\"}");
	assert_string_equal(r->trace, "hBD");
	r = assert_forwarded("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: 0\r\n", "");
	assert_string_equal(r->trace, "hD");
}

static void
test_chunked_body(void **state)
{
	static const char	body[] =
	    "5;name=val\r\nhello\r\n"
	    "1A\r\n" "abcdefghijklmnopqrstuvwxyz\r\n"
	    "0\r\n"
	    "Checksum: 1234\r\n"
	    "Other: x\r\n"
	    "\r\n";
	char		 req[512];
	struct fwd	*r;

	(void)state;
	snprintf(req, sizeof(req), "POST /c HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\nTrailer: Checksum\r\n\r\n%s", body);
	r = assert_forwarded(req, "POST /c HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\nTrailer: Checksum\r\n", body);
	assert_string_equal(r->trace, "hBD");
	assert_forwarded("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n",
	    "0\r\n\r\n");
}

/* Framing the lenient library accepts but an upstream may read otherwise. */
static void
test_chunked_strict(void **state)
{
	static const char	*bad[] = {
		"5\rXhello\r\n0\r\n\r\n",		/* CR without LF */
		"5\r\nhelloXY0\r\n\r\n",		/* no CRLF after data */
		"5;a\nb\r\nhello\r\n0\r\n\r\n",		/* LF in an extension */
		"5;a\x01\r\nhello\r\n0\r\n\r\n",	/* control character */
		"5\r\nhello\r\n0\r\nA: b\n\r\n",	/* LF in a trailer */
		"5\r\nhello\r\n0\r\n\r\r",		/* last LF is CR */
		"5\r\nhello\r\n0\r\nX-MEF-KeId: x\r\n\r\n",
		"5\r\nhello\r\n0\r\nx-mef-enrolee-id: x\r\n\r\n",
		"5\r\nhello\r\n0\r\nX-M2M-Origin: x\r\n\r\n",
		"5\r\nhello\r\n0\r\nX_MEF_KeId: x\r\n\r\n",
		"5\r\nhello\r\n0\r\nX-M2M_Origin: x\r\n\r\n",
		"5\r\nhello\r\n0\r\nA : x\r\n\r\n",
		"g\r\nhello\r\n0\r\n\r\n",
		"10000000000000000\r\n",
	};
	char	req[256];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(req, sizeof(req), "POST / HTTP/1.1\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n%s", bad[i]);
		assert_refused(req, OUT_BAD_REQUEST);
	}
}

/* Framing two parsers could disagree on is refused before the head is taken. */
static void
test_ambiguous_framing(void **state)
{
	struct fwd	*r;

	(void)state;
	r = forward_str("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	assert_int_equal(r->rc, MEF_E_PROTO);
	assert_string_equal(r->trace, "E");
	assert_refused("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Content-Length: 6\r\n\r\nhello!", OUT_BAD_REQUEST);
	assert_refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxx",
	    OUT_BAD_REQUEST);
	assert_string_equal(forward_str("POST / HTTP/1.1\r\n"
	    "Transfer-Encoding: gzip\r\n\r\nxx")->trace, "E");
	assert_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n"
	    "\r\n0\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
	    OUT_BAD_REQUEST);
}

/* Forwards every request in data in turn with one parser; returns the count. */
static size_t
forward_pipeline(const char *data, size_t len, size_t step, struct fwd *rs,
    size_t max)
{
	struct http_fwd_req	p;
	size_t			off = 0, n = 0;

	http_fwd_req_init(&p, HEAD_MAX);
	while (off < len && n < max) {
		forward(&p, data + off, len - off, step, &rs[n]);
		assert_int_equal(rs[n].rc, MEF_OK);
		assert_int_equal(rs[n].state, HTTP_FWD_DONE);
		rs[n].head_end += off;
		off += rs[n].used;
		rs[n].used = off;
		n++;
		http_fwd_req_next(&p);
		assert_int_equal(p.state, HTTP_FWD_HEAD);
		assert_int_equal(p.has_origin, 0);
	}
	http_fwd_req_free(&p);
	assert_int_equal(off, len);
	return n;
}

static void
test_pipelined(void **state)
{
	static const char	r1[] = "POST /1 HTTP/1.1\r\nX-M2M-Origin: a\r\n"
	    "Content-Length: 3\r\n\r\nabc";
	static const char	r2[] = "GET /2 HTTP/1.1\r\n"
	    "X-M2M-Origin: b\r\n\r\n";
	static const char	r3[] = "PUT /3 HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n";
	static const size_t	steps[] = { 1, 5, 0 };
	char			all[512];
	struct fwd		*a, *b;
	size_t			n, i, j;

	(void)state;
	a = calloc(3, sizeof(*a));
	b = calloc(3, sizeof(*b));
	assert_true(a != NULL && b != NULL);
	snprintf(all, sizeof(all), "%s%s%s", r1, r2, r3);
	n = forward_pipeline(all, strlen(all), 0, a, 3);
	assert_int_equal(n, 3);
	assert_int_equal(a[0].used, strlen(r1));
	assert_int_equal(a[0].head_end, strlen(r1) - 3);
	assert_string_equal(a[0].origin, "a");
	assert_int_equal(a[1].used, strlen(r1) + strlen(r2));
	assert_string_equal(a[1].origin, "b");
	assert_string_equal(a[1].head,
	    "GET /2 HTTP/1.1\r\nX-M2M-Origin: b\r\n");
	assert_int_equal(a[2].has_origin, 0);
	assert_int_equal(a[2].used, strlen(all));
	assert_int_equal(a[2].out_len, strlen(a[2].head) + 2 + 13);
	assert_memory_equal(a[2].out + strlen(a[2].head) + 2,
	    "3\r\nxyz\r\n0\r\n\r\n", 13);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		n = forward_pipeline(all, strlen(all), steps[i], b, 3);
		assert_int_equal(n, 3);
		for (j = 0; j < 3; j++) {
			assert_same(&a[j], &b[j]);
			assert_int_equal(a[j].used, b[j].used);
		}
	}
	free(a);
	free(b);
}

/* After resume a request without a body is DONE; feeding then uses nothing. */
static void
test_states(void **state)
{
	static const char	req[] = "GET / HTTP/1.1\r\n\r\nGET /next";
	struct http_fwd_req	p;
	size_t			used = 99;

	(void)state;
	http_fwd_req_init(&p, HEAD_MAX);
	assert_int_equal(http_fwd_req_feed(&p, req, 0, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(http_fwd_req_feed(&p, req, strlen(req), &used),
	    MEF_OK);
	assert_int_equal(used, 18);
	assert_int_equal(p.state, HTTP_FWD_HEAD_DONE);
	assert_int_equal(http_fwd_req_feed(&p, req + 18, 5, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(p.state, HTTP_FWD_HEAD_DONE);
	http_fwd_req_next(&p);		/* not DONE yet: no effect */
	assert_int_equal(p.state, HTTP_FWD_HEAD_DONE);
	http_fwd_req_resume(&p);
	assert_int_equal(p.state, HTTP_FWD_DONE);
	assert_int_equal(http_fwd_req_feed(&p, req + 18, 0, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(http_fwd_req_feed(&p, req + 18, 5, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(p.state, HTTP_FWD_DONE);
	http_fwd_req_next(&p);
	assert_int_equal(p.head.len, 0);
	assert_int_equal(http_fwd_req_feed(&p, req + 18, strlen(req + 18),
	    &used), MEF_OK);
	assert_int_equal(used, strlen(req + 18));
	assert_int_equal(p.state, HTTP_FWD_HEAD);
	http_fwd_req_free(&p);
}

static void
test_sticky_error(void **state)
{
	struct http_fwd_req	p;
	size_t			used = 99;

	(void)state;
	http_fwd_req_init(&p, HEAD_MAX);
	assert_int_equal(http_fwd_req_feed(&p, "GET / HTTP/1.1\r\nA : b\r\n",
	    23, &used), MEF_E_PROTO);
	assert_int_equal(used, 0);
	assert_int_equal(p.state, HTTP_FWD_ERROR);
	assert_int_equal(http_fwd_req_feed(&p, "\r\n", 2, &used), MEF_E_PROTO);
	assert_int_equal(used, 0);
	http_fwd_req_resume(&p);
	http_fwd_req_next(&p);
	assert_int_equal(p.state, HTTP_FWD_ERROR);
	assert_int_equal(p.error, OUT_BAD_REQUEST);
	http_fwd_req_free(&p);
}

static void
test_keep_alive(void **state)
{
	static const struct {
		const char	*req;
		int		 keep_alive;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "POST / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
		    "Content-Length: 1\r\n\r\nx", 1 },
		{ "POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx", 0 },
	};
	struct fwd	*r;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = forward_str(cases[i].req);
		assert_int_equal(r->rc, MEF_OK);
		assert_int_equal(r->state, HTTP_FWD_DONE);
		assert_int_equal(r->keep_alive, cases[i].keep_alive);
	}
}

static void
test_head_method(void **state)
{
	struct fwd	*r;

	(void)state;
	r = forward_str("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(r->rc, MEF_OK);
	assert_int_equal(r->is_head_method, 1);
	assert_string_equal(r->head, "HEAD /x HTTP/1.1\r\nHost: h\r\n");
	r = forward_str("GET /x HTTP/1.1\r\n\r\n");
	assert_int_equal(r->is_head_method, 0);
}

static void
test_upgrade(void **state)
{
	struct fwd	*r;

	(void)state;
	r = forward_str("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\n\r\n");
	assert_int_equal(r->rc, MEF_OK);
	assert_int_equal(r->upgrade, 1);
	r = forward_str("CONNECT cse.example.com:443 HTTP/1.1\r\n"
	    "Host: cse.example.com:443\r\n\r\n");
	assert_int_equal(r->rc, MEF_OK);
	assert_int_equal(r->upgrade, 1);
	assert_string_equal(r->head, "CONNECT cse.example.com:443 HTTP/1.1\r\n"
	    "Host: cse.example.com:443\r\n");
	/* Upgrade without Connection: upgrade is only a header. */
	r = forward_str("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
	assert_int_equal(r->upgrade, 0);
}

/*
 * Feeds a response in pieces of step until done or an error;
 * returns the bytes used.
 */
static size_t
respond(struct http_fwd_resp *p, int is_head, const char *data, size_t len,
    size_t step, enum mef_err *prc)
{
	size_t	off = 0, n, used;

	http_fwd_resp_init(p, is_head);
	*prc = MEF_OK;
	while (off < len && !p->done) {
		n = step == 0 || step > len - off ? len - off : step;
		used = 99;
		*prc = http_fwd_resp_feed(p, data + off, n, &used);
		if (*prc != MEF_OK) {
			assert_int_equal(used, 0);
			break;
		}
		assert_true(used == n || p->done);
		off += used;
	}
	return off;
}

/*
 * Expects the response msg, followed by the bytes extra, to end exactly at the
 * end of msg, however it is fed.
 */
static void
assert_response(int is_head, const char *msg, const char *extra,
    int keep_alive)
{
	struct http_fwd_resp	p;
	char			buf[1024];
	enum mef_err		rc;
	size_t			step, len, used = 99;

	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", msg, extra);
	for (step = 0; step < 4; step++) {
		assert_int_equal(respond(&p, is_head, buf, len, step, &rc),
		    strlen(msg));
		assert_int_equal(rc, MEF_OK);
		assert_int_equal(p.done, 1);
		assert_int_equal(p.keep_alive, keep_alive);
		assert_int_equal(http_fwd_resp_feed(&p, buf, len, &used),
		    MEF_OK);
		assert_int_equal(used, 0);
		assert_int_equal(http_fwd_resp_eof(&p), MEF_OK);
	}
}

static void
test_response_framing(void **state)
{
	static const char	cl[] = "HTTP/1.1 201 Created\r\n"
	    "Content-Length: 5\r\nX-M2M-RSC: 2001\r\n\r\nhello";
	static const char	ch[] = "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nT: 1\r\n\r\n";
	static const char	st[] = "HTTP/1.1 204 No Content\r\n\r\n";
	static const char	nm[] = "HTTP/1.1 304 Not Modified\r\n"
	    "Content-Length: 100\r\n\r\n";
	static const char	hd[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 100\r\n\r\n";
	static const char	cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	char			buf[512];

	(void)state;
	assert_response(0, cl, "HTTP/1.1 200 OK\r\n", 1);
	assert_response(0, ch, "", 1);
	assert_response(0, st, "extra", 1);
	assert_response(0, nm, "extra", 1);
	assert_response(1, hd, "", 1);
	snprintf(buf, sizeof(buf), "%s%s%s", cont, cont, cl);
	assert_response(0, buf, "extra", 1);
	assert_response(0, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "xx", 0);
	assert_response(0, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", "",
	    0);
	assert_response(0, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
	    "Content-Length: 1\r\n\r\nx", "", 1);
}

static void
test_response_interim_only(void **state)
{
	static const char	cont[] = "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n";
	struct http_fwd_resp	p;
	enum mef_err		rc;
	size_t			step;

	(void)state;
	for (step = 0; step < 3; step++) {
		assert_int_equal(respond(&p, 0, cont, strlen(cont), step, &rc),
		    strlen(cont));
		assert_int_equal(rc, MEF_OK);
		assert_int_equal(p.done, 0);
		assert_int_equal(http_fwd_resp_eof(&p), MEF_E_PROTO);
	}
}

static void
test_response_eof(void **state)
{
	static const char	eof[] = "HTTP/1.1 200 OK\r\nX: y\r\n\r\n"
	    "until close";
	static const char	cut[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 10\r\n\r\nabc";
	struct http_fwd_resp	p;
	enum mef_err		rc;
	size_t			step;

	(void)state;
	for (step = 0; step < 3; step++) {
		assert_int_equal(respond(&p, 0, eof, strlen(eof), step, &rc),
		    strlen(eof));
		assert_int_equal(p.done, 0);
		assert_int_equal(http_fwd_resp_eof(&p), MEF_OK);
		assert_int_equal(p.done, 1);
		assert_int_equal(p.keep_alive, 0);
		assert_int_equal(respond(&p, 0, cut, strlen(cut), step, &rc),
		    strlen(cut));
		assert_int_equal(http_fwd_resp_eof(&p), MEF_E_PROTO);
		assert_int_equal(p.done, 0);
	}
	http_fwd_resp_init(&p, 0);
	assert_int_equal(http_fwd_resp_eof(&p), MEF_E_PROTO);
	http_fwd_resp_init(&p, 0);
	assert_int_equal(http_fwd_resp_feed(&p, "HTTP/1.1 2", 10, &step),
	    MEF_OK);
	assert_int_equal(http_fwd_resp_eof(&p), MEF_E_PROTO);
}

static void
test_response_malformed(void **state)
{
	static const char	*bad[] = {
		"HTTP/1.1 abc OK\r\n\r\n",
		"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		"garbage\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Content-Length: 6\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n",
	};
	struct http_fwd_resp	p;
	enum mef_err		rc;
	size_t			i, step, used;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (step = 0; step < 3; step++) {
			(void)respond(&p, 0, bad[i], strlen(bad[i]), step, &rc);
			assert_int_equal(rc, MEF_E_PROTO);
			assert_int_equal(p.error, 1);
			assert_int_equal(p.done, 0);
			assert_int_equal(http_fwd_resp_feed(&p, "\r\n", 2,
			    &used), MEF_E_PROTO);
			assert_int_equal(used, 0);
			assert_int_equal(http_fwd_resp_eof(&p), MEF_E_PROTO);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_no_headers),
		cmocka_unit_test(test_strip_trust_headers),
		cmocka_unit_test(test_value_trim_and_fold),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_origin_duplicate),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_nul_in_value),
		cmocka_unit_test(test_space_in_name),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_head_end_not_lf),
		cmocka_unit_test(test_head_max),
		cmocka_unit_test(test_content_length_body),
		cmocka_unit_test(test_chunked_body),
		cmocka_unit_test(test_chunked_strict),
		cmocka_unit_test(test_ambiguous_framing),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_head_method),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_response_framing),
		cmocka_unit_test(test_response_interim_only),
		cmocka_unit_test(test_response_eof),
		cmocka_unit_test(test_response_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
