/*
 * test_http_request.c -- the bounded HTTP request parser against good, split,
 * pipelined and hostile input.
 *
 * Every request a peer sends reaches http_req_parser_feed() first, so each case
 * runs twice where it can: the whole request in one feed, then one byte at a
 * time, and the two parses must agree (STYLE.md section 10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_request.h"

#define HEAD_MAX	8192
#define BODY_MAX	1024

#define KEYID		"000102030405060708090A0B0C0D0E0F@mef.example.com"

#define GET_FETCH							\
	"GET /fetchCredentials/" KEYID " HTTP/1.1\r\n"			\
	"Host: mef.example.com\r\n"					\
	"X-M2M-Origin: /in-cse-1\r\n"					\
	"X-M2M-RI: req-0001\r\n"					\
	"Accept: application/json\r\n"					\
	"\r\n"

#define POST_ENROL							\
	"POST /enrolment HTTP/1.1\r\n"					\
	"Host: mef.example.com\r\n"					\
	"X-M2M-Origin: kpm-0001\r\n"					\
	"X-M2M-RI: ri-7\r\n"						\
	"Content-Type: application/json\r\n"				\
	"Content-Length: 2\r\n"						\
	"\r\n"								\
	"{}"

/* How one parse ends: result code, outcome, bytes used, whether done. */
struct result {
	enum mef_err	rc;
	enum outcome	error;
	size_t		consumed;
	int		done;
};

/* Feeds len bytes in pieces of step (0: all at once) until done or an error. */
static struct result
run(struct http_req_parser *p, const char *data, size_t len, size_t step)
{
	struct result	res;
	size_t		off = 0, n, used;

	memset(&res, 0, sizeof(res));
	res.rc = MEF_OK;
	while (off < len && !http_req_parser_done(p)) {
		n = step == 0 || step > len - off ? len - off : step;
		used = 0;
		res.rc = http_req_parser_feed(p, data + off, n, &used);
		assert_true(used <= n);
		off += used;
		if (res.rc != MEF_OK)
			break;
		/* A feed stops short only at the end of a request. */
		if (used < n)
			assert_true(http_req_parser_done(p));
	}
	res.error = p->error;
	res.consumed = off;
	res.done = http_req_parser_done(p);
	return res;
}

static struct result
parse_str(struct http_req_parser *p, const char *s, size_t step)
{
	return run(p, s, strlen(s), step);
}

/* The kept parts of two parsed requests must be the same. */
static void
assert_same_request(const struct http_request *a, const struct http_request *b)
{
	assert_int_equal(a->method, b->method);
	assert_int_equal(a->path_len, b->path_len);
	assert_string_equal(a->path, b->path);
	assert_int_equal(a->has_origin, b->has_origin);
	assert_string_equal(a->origin, b->origin);
	assert_int_equal(a->has_ri, b->has_ri);
	assert_string_equal(a->ri, b->ri);
	assert_int_equal(a->has_accept, b->has_accept);
	assert_string_equal(a->accept, b->accept);
	assert_string_equal(a->content_type, b->content_type);
	assert_string_equal(a->host, b->host);
	assert_int_equal(a->body.len, b->body.len);
	if (a->body.len > 0)
		assert_memory_equal(a->body.data, b->body.data, a->body.len);
	assert_int_equal(a->keep_alive, b->keep_alive);
}

/*
 * Parses data whole and byte by byte with fresh parsers; asserts both end the
 * same way, and leaves the whole-feed parser in *p for the caller's checks.
 */
static struct result
parse_both(struct http_req_parser *p, const char *data, size_t len)
{
	struct http_req_parser	bytewise;
	struct result		whole, one;

	http_req_parser_init(p, HEAD_MAX, BODY_MAX);
	whole = run(p, data, len, 0);
	http_req_parser_init(&bytewise, HEAD_MAX, BODY_MAX);
	one = run(&bytewise, data, len, 1);
	assert_int_equal(whole.rc, one.rc);
	assert_int_equal(whole.error, one.error);
	assert_int_equal(whole.done, one.done);
	if (whole.rc == MEF_OK) {
		assert_int_equal(whole.consumed, one.consumed);
		assert_same_request(&p->req, &bytewise.req);
	}
	http_req_parser_free(&bytewise);
	return whole;
}

static struct result
parse_both_str(struct http_req_parser *p, const char *s)
{
	return parse_both(p, s, strlen(s));
}

/* Expects s to be refused with outcome out, whole and byte by byte. */
static void
assert_refused(const char *s, enum outcome out)
{
	struct http_req_parser	p;
	struct result		res;

	res = parse_both_str(&p, s);
	assert_int_not_equal(res.rc, MEF_OK);
	assert_int_equal(res.error, out);
	assert_int_equal(res.rc, out == OUT_TOO_LARGE ? MEF_E_TOOBIG :
	    MEF_E_PROTO);
	assert_int_equal(res.done, 0);
	http_req_parser_free(&p);
}

static void
test_get(void **state)
{
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, GET_FETCH);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	assert_int_equal(res.consumed, strlen(GET_FETCH));
	assert_int_equal(p.error, OUT_OK);
	assert_int_equal(http_req_parser_started(&p), 1);
	assert_int_equal(p.req.method, HTTP_REQ_GET);
	assert_string_equal(p.req.path, "/fetchCredentials/" KEYID);
	assert_int_equal(p.req.path_len, strlen("/fetchCredentials/" KEYID));
	assert_int_equal(p.req.has_origin, 1);
	assert_string_equal(p.req.origin, "/in-cse-1");
	assert_int_equal(p.req.has_ri, 1);
	assert_string_equal(p.req.ri, "req-0001");
	assert_int_equal(p.req.has_accept, 1);
	assert_string_equal(p.req.accept, "application/json");
	assert_string_equal(p.req.host, "mef.example.com");
	assert_string_equal(p.req.content_type, "");
	assert_int_equal(p.req.body.len, 0);
	assert_int_equal(p.req.keep_alive, 1);
	http_req_parser_free(&p);
}

static void
test_minimal_get(void **state)
{
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	assert_int_equal(p.req.has_origin, 0);
	assert_int_equal(p.req.has_ri, 0);
	assert_int_equal(p.req.has_accept, 0);
	assert_string_equal(p.req.origin, "");
	assert_string_equal(p.req.path, "/");
	http_req_parser_free(&p);
}

static void
test_not_started(void **state)
{
	struct http_req_parser	p;
	size_t			used = 99;

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_started(&p), 0);
	assert_int_equal(http_req_parser_done(&p), 0);
	/* An empty feed is no input and no end of stream. */
	assert_int_equal(http_req_parser_feed(&p, "", 0, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(http_req_parser_started(&p), 0);
	assert_int_equal(http_req_parser_feed(&p, "GE", 2, &used), MEF_OK);
	assert_int_equal(used, 2);
	assert_int_equal(http_req_parser_done(&p), 0);
	assert_int_equal(http_req_parser_started(&p), 1);
	http_req_parser_free(&p);
}

/* Every split point of the request into two feeds gives the same parse. */
static void
test_every_split(void **state)
{
	static const char *const reqs[] = { GET_FETCH, POST_ENROL };
	struct http_req_parser	 ref, p;
	struct result		 r0, r1;
	size_t			 i, cut, len, used;

	(void)state;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		len = strlen(reqs[i]);
		http_req_parser_init(&ref, HEAD_MAX, BODY_MAX);
		r0 = run(&ref, reqs[i], len, 0);
		assert_int_equal(r0.rc, MEF_OK);
		for (cut = 1; cut < len; cut++) {
			http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
			assert_int_equal(http_req_parser_feed(&p, reqs[i], cut,
			    &used), MEF_OK);
			assert_int_equal(used, cut);
			assert_int_equal(http_req_parser_done(&p), 0);
			r1 = run(&p, reqs[i] + cut, len - cut, 0);
			assert_int_equal(r1.rc, MEF_OK);
			assert_int_equal(r1.done, 1);
			assert_int_equal(r1.consumed, len - cut);
			assert_same_request(&ref.req, &p.req);
			http_req_parser_free(&p);
		}
		http_req_parser_free(&ref);
	}
}

/* Header names split across feeds at every point are still recognised. */
static void
test_split_names(void **state)
{
	static const char *const pieces[] = {
		"GET /x HTTP/1.1\r\nX-",
		"M2M-Or",
		"igin: a",
		"b\r\nX-M2M",
		"-R",
		"I",
		": r\r\nAc",
		"cept:",
		" application/xml\r",
		"\n\r\n",
	};
	struct http_req_parser	 p;
	size_t			 i, used;

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		assert_int_equal(http_req_parser_feed(&p, pieces[i],
		    strlen(pieces[i]), &used), MEF_OK);
		assert_int_equal(used, strlen(pieces[i]));
	}
	assert_int_equal(http_req_parser_done(&p), 1);
	assert_string_equal(p.req.origin, "ab");
	assert_string_equal(p.req.ri, "r");
	assert_string_equal(p.req.accept, "application/xml");
	http_req_parser_free(&p);
}

static void
test_case_insensitive(void **state)
{
	static const char req[] =
	    "GET /x HTTP/1.1\r\n"
	    "x-m2m-origin: o1\r\n"
	    "X-m2M-rI: r1\r\n"
	    "ACCEPT: application/cbor\r\n"
	    "content-TYPE: text/plain\r\n"
	    "HOST: h\r\n"
	    "\r\n";
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_string_equal(p.req.origin, "o1");
	assert_string_equal(p.req.ri, "r1");
	assert_string_equal(p.req.accept, "application/cbor");
	assert_string_equal(p.req.content_type, "text/plain");
	assert_string_equal(p.req.host, "h");
	http_req_parser_free(&p);
}

/* Names that only look like ours are ignored, not taken for ours. */
static void
test_lookalike_names(void **state)
{
	static const char req[] =
	    "GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin-Extra: evil1\r\n"
	    "X-M2M-Origi: evil2\r\n"
	    "X-M2M-Origin-But-With-A-Much-Longer-Name-Than-32: evil3\r\n"
	    "X-X-M2M-Origin: evil4\r\n"
	    "X-M2M-RIX: evil5\r\n"
	    "\r\n";
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(p.req.has_origin, 0);
	assert_int_equal(p.req.has_ri, 0);
	http_req_parser_free(&p);
}

static void
test_value_trim(void **state)
{
	static const char req[] =
	    "GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: \t  spaced origin \t \r\n"
	    "X-M2M-RI:r\r\n"
	    "Accept:\r\n"
	    "\r\n";
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_string_equal(p.req.origin, "spaced origin");
	assert_string_equal(p.req.ri, "r");
	assert_int_equal(p.req.has_accept, 1);
	assert_string_equal(p.req.accept, "");
	http_req_parser_free(&p);
}

static void
test_post_body(void **state)
{
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, POST_ENROL);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	assert_int_equal(res.consumed, strlen(POST_ENROL));
	assert_int_equal(p.req.method, HTTP_REQ_POST);
	assert_string_equal(p.req.path, "/enrolment");
	assert_string_equal(p.req.origin, "kpm-0001");
	assert_string_equal(p.req.ri, "ri-7");
	assert_string_equal(p.req.content_type, "application/json");
	assert_int_equal(p.req.body.len, 2);
	assert_memory_equal(p.req.body.data, "{}", 2);
	http_req_parser_free(&p);
}

/* A body of exactly body_max bytes is fine; one more is not. */
static void
test_body_at_bound(void **state)
{
	char			*req, *body;
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 cap = BODY_MAX + 256;
	int			 n;

	(void)state;
	req = malloc(cap);
	body = malloc(BODY_MAX + 2);
	assert_non_null(req);
	assert_non_null(body);
	memset(body, 'a', BODY_MAX + 1);
	body[BODY_MAX] = '\0';
	n = snprintf(req, cap, "POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: %d\r\n\r\n%s", BODY_MAX, body);
	assert_true(n > 0 && (size_t)n < cap);
	res = parse_both(&p, req, (size_t)n);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(p.req.body.len, BODY_MAX);
	http_req_parser_free(&p);

	body[BODY_MAX] = 'a';
	body[BODY_MAX + 1] = '\0';
	n = snprintf(req, cap, "POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: %d\r\n\r\n%s", BODY_MAX + 1, body);
	assert_true(n > 0 && (size_t)n < cap);
	assert_refused(req, OUT_TOO_LARGE);
	free(req);
	free(body);
}

static void
test_content_length_too_big(void **state)
{
	(void)state;
	/* Refused at the headers, before any body byte arrives. */
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 1025\r\n\r\n", OUT_TOO_LARGE);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 4294967296\r\n\r\n", OUT_TOO_LARGE);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: -1\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
	    OUT_BAD_REQUEST);
}

static void
test_chunked(void **state)
{
	static const char req[] =
	    "POST /enrolment HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "X-M2M-Origin: k\r\n"
	    "\r\n"
	    "1\r\n{\r\n"
	    "1\r\n}\r\n"
	    "0\r\n\r\n";
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	assert_int_equal(res.consumed, strlen(req));
	assert_int_equal(p.req.body.len, 2);
	assert_memory_equal(p.req.body.data, "{}", 2);
	http_req_parser_free(&p);
}

/* A chunked body has no length up front: the bound is checked as it grows. */
static void
test_chunked_too_big(void **state)
{
	char			*req;
	size_t			 cap = 3 * BODY_MAX, off;
	int			 i, n;

	(void)state;
	req = malloc(cap);
	assert_non_null(req);
	n = snprintf(req, cap, "POST /enrolment HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	assert_true(n > 0);
	off = (size_t)n;
	/* Five chunks of 0x100 bytes: 1280 > BODY_MAX. */
	for (i = 0; i < 5; i++) {
		n = snprintf(req + off, cap - off, "100\r\n");
		off += (size_t)n;
		memset(req + off, 'b', 0x100);
		off += 0x100;
		memcpy(req + off, "\r\n", 2);
		off += 2;
	}
	n = snprintf(req + off, cap - off, "0\r\n\r\n");
	assert_true(n > 0 && off + (size_t)n < cap);
	assert_refused(req, OUT_TOO_LARGE);

	/* One chunk announcing far more than the bound, then delivering it. */
	n = snprintf(req, cap, "POST /enrolment HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nffffffff\r\n");
	assert_true(n > 0);
	memset(req + n, 'x', 2 * BODY_MAX);
	req[n + 2 * BODY_MAX] = '\0';
	assert_refused(req, OUT_TOO_LARGE);
	free(req);
}

/*
 * Trailer fields after a chunked body are not request headers: they must not
 * set (or duplicate) X-M2M-Origin after the head was read.
 */
static void
test_chunked_trailers(void **state)
{
	static const char req[] =
	    "POST /enrolment HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "2\r\n{}\r\n"
	    "0\r\n"
	    "X-M2M-Origin: smuggled\r\n"
	    "X-M2M-RI: smuggled\r\n"
	    "Content-Type: smuggled\r\n"
	    "\r\n";
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	assert_int_equal(p.req.has_origin, 0);
	assert_string_equal(p.req.origin, "");
	assert_int_equal(p.req.has_ri, 0);
	assert_string_equal(p.req.content_type, "");
	assert_memory_equal(p.req.body.data, "{}", 2);
	http_req_parser_free(&p);
}

/* Both a length and chunked framing is the classic smuggling vector. */
static void
test_smuggling_framing(void **state)
{
	(void)state;
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 4\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("POST /enrolment HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "Content-Length: 4\r\n\r\n"
	    "0\r\n\r\n", OUT_BAD_REQUEST);
}

static void
test_pipelined(void **state)
{
	static const char two[] = GET_FETCH POST_ENROL;
	struct http_req_parser	p;
	size_t			used, first = strlen(GET_FETCH);

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, two, strlen(two), &used),
	    MEF_OK);
	assert_int_equal(used, first);
	assert_int_equal(http_req_parser_done(&p), 1);
	assert_int_equal(p.req.method, HTTP_REQ_GET);
	assert_string_equal(p.req.origin, "/in-cse-1");

	/* Until next(), further input waits. */
	assert_int_equal(http_req_parser_feed(&p, two + first,
	    strlen(two) - first, &used), MEF_OK);
	assert_int_equal(used, 0);
	assert_int_equal(http_req_parser_done(&p), 1);

	http_req_parser_next(&p);
	assert_int_equal(http_req_parser_done(&p), 0);
	assert_int_equal(http_req_parser_started(&p), 0);
	assert_int_equal(p.req.has_origin, 0);
	assert_int_equal(http_req_parser_feed(&p, two + first,
	    strlen(two) - first, &used), MEF_OK);
	assert_int_equal(used, strlen(two) - first);
	assert_int_equal(http_req_parser_done(&p), 1);
	assert_int_equal(p.req.method, HTTP_REQ_POST);
	assert_string_equal(p.req.path, "/enrolment");
	assert_string_equal(p.req.origin, "kpm-0001");
	assert_int_equal(p.req.has_accept, 0);
	assert_string_equal(p.req.accept, "");
	assert_int_equal(p.req.body.len, 2);
	assert_memory_equal(p.req.body.data, "{}", 2);
	http_req_parser_free(&p);
}

/* Pipelined requests fed one byte at a time: the same two requests. */
static void
test_pipelined_bytewise(void **state)
{
	static const char two[] = POST_ENROL GET_FETCH GET_FETCH;
	struct http_req_parser	p;
	size_t			off = 0, used, len = strlen(two);
	int			nreq = 0;

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	while (off < len) {
		assert_int_equal(http_req_parser_feed(&p, two + off, 1, &used),
		    MEF_OK);
		assert_int_equal(used, 1);
		off += used;
		if (http_req_parser_done(&p)) {
			nreq++;
			assert_int_equal(p.req.method, nreq == 1 ?
			    HTTP_REQ_POST : HTTP_REQ_GET);
			assert_int_equal(p.req.has_origin, 1);
			assert_int_equal(p.req.body.len, nreq == 1 ? 2 : 0);
			http_req_parser_next(&p);
		}
	}
	assert_int_equal(nreq, 3);
	http_req_parser_free(&p);
}

static void
test_head_too_big(void **state)
{
	char			*req;
	struct http_req_parser	 p;
	size_t			 used, cap = 2 * HEAD_MAX;
	struct result		 res;
	int			 n;

	(void)state;
	req = malloc(cap);
	assert_non_null(req);
	n = snprintf(req, cap, "GET /x HTTP/1.1\r\nX-Filler: ");
	assert_true(n > 0);
	memset(req + n, 'f', HEAD_MAX);
	memcpy(req + n + HEAD_MAX, "\r\n\r\n", 5);
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_E_TOOBIG);
	assert_int_equal(res.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);

	/* Many small headers add up as well. */
	http_req_parser_init(&p, 256, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, "GET /x HTTP/1.1\r\n", 17,
	    &used), MEF_OK);
	for (;;) {
		res.rc = http_req_parser_feed(&p, "A: bbbbbbbbbbbbbbbbbbbb\r\n",
		    25, &used);
		if (res.rc != MEF_OK)
			break;
	}
	assert_int_equal(res.rc, MEF_E_TOOBIG);
	assert_int_equal(p.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);
	free(req);
}

/* A small head_max is honoured exactly where it ends. */
static void
test_head_small_bound(void **state)
{
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	http_req_parser_init(&p, 16, BODY_MAX);
	res = parse_str(&p, GET_FETCH, 0);
	assert_int_equal(res.rc, MEF_E_TOOBIG);
	assert_int_equal(res.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);

	http_req_parser_init(&p, 16, BODY_MAX);
	res = parse_str(&p, GET_FETCH, 1);
	assert_int_equal(res.rc, MEF_E_TOOBIG);
	assert_int_equal(res.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);
}

static void
test_duplicates(void **state)
{
	(void)state;
	assert_refused("GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: a\r\nX-M2M-Origin: a\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: a\r\nx-m2m-origin: b\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: a\r\nHost: h\r\nX-M2M-Origin:\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET /x HTTP/1.1\r\n"
	    "X-M2M-RI: 1\r\nX-M2M-RI: 2\r\n\r\n", OUT_BAD_REQUEST);
}

static void
test_control_chars(void **state)
{
	static const char *const bad[] = {
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\x01" "b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\x7f" "b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: \x1b[31mred\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\x0b" "b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-RI: a\x01" "b\r\n\r\n",
		"GET /x HTTP/1.1\r\nAccept: a\x7f\r\n\r\n",
	};
	static const char nul[] =
	    "GET /x HTTP/1.1\r\nX-M2M-Origin: a\0b\r\n\r\n";
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i], OUT_BAD_REQUEST);
	res = parse_both(&p, nul, sizeof(nul) - 1);
	assert_int_equal(res.rc, MEF_E_PROTO);
	assert_int_equal(res.error, OUT_BAD_REQUEST);
	http_req_parser_free(&p);
}

/*
 * A tab inside a value is field content by RFC 9110, but the parser refuses
 * every control character in a kept value, tab included; tabs around the
 * value are whitespace and trimmed.
 */
static void
test_tab_in_value(void **state)
{
	struct http_req_parser	p;
	struct result		res;

	(void)state;
	assert_refused("GET /x HTTP/1.1\r\nX-M2M-Origin: a\tb\r\n\r\n",
	    OUT_BAD_REQUEST);
	res = parse_both_str(&p, "GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin:\ta\t\r\n\r\n");
	assert_int_equal(res.rc, MEF_OK);
	assert_string_equal(p.req.origin, "a");
	http_req_parser_free(&p);
	/* In a header we do not keep, a tab is nobody's business. */
	res = parse_both_str(&p, "GET /x HTTP/1.1\r\n"
	    "User-Agent: a\tb\r\n\r\n");
	assert_int_equal(res.rc, MEF_OK);
	http_req_parser_free(&p);
}

/*
 * CR or LF inside a value cannot smuggle a header or a second request: either
 * the request is refused or the kept value holds no CR/LF and no extra header
 * was taken for ours.
 */
static void
test_crlf_injection(void **state)
{
	static const char *const refused[] = {
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\rX-M2M-RI: b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\r\rX-M2M-RI: b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\r\nX-M2M-Origin: b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin: a\nX-M2M-Origin: b\r\n\r\n",
		"GET /x\r\nX-M2M-Origin: a HTTP/1.1\r\n\r\n",
		"GET /x HTTP/1.1\r\n X-M2M-Origin: a\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin : a\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M-Origin\t: a\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M Origin: a\r\n\r\n",
		"GET /x HTTP/1.1\r\nX-M2M\r\n-Origin: a\r\n\r\n",
	};
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_refused(refused[i], OUT_BAD_REQUEST);

	/* A percent-encoded CRLF stays in the path, encoded. */
	res = parse_both_str(&p, "GET /x%0d%0aX-M2M-Origin:%20a HTTP/1.1\r\n"
	    "\r\n");
	assert_int_equal(res.rc, MEF_OK);
	assert_string_equal(p.req.path, "/x%0d%0aX-M2M-Origin:%20a");
	assert_int_equal(p.req.has_origin, 0);
	http_req_parser_free(&p);

	/* A bare LF ends a header line; the next line is its own header. */
	res = parse_both_str(&p, "GET /x HTTP/1.1\nX-M2M-Origin: a\n"
	    "X-M2M-RI: b\n\n");
	if (res.rc == MEF_OK) {
		assert_string_equal(p.req.origin, "a");
		assert_string_equal(p.req.ri, "b");
	}
	http_req_parser_free(&p);

	/*
	 * An obsolete folded line is refused (RFC 9112 5.2), whatever header it
	 * continues: http-parser would join it into a clean value.
	 */
	assert_refused("GET /x HTTP/1.1\r\nX-M2M-Origin: a\r\n b\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET /x HTTP/1.1\r\nX-M2M-Origin:\r\n\t/in-cse-1\r\n\r\n",
	    OUT_BAD_REQUEST);
	assert_refused("GET /x HTTP/1.1\nUser-Agent: u\n X-M2M-Origin: a\n\n",
	    OUT_BAD_REQUEST);
	/* Empty lines before the request line are skipped, not taken for a fold. */
	res = parse_both_str(&p, "\r\nGET /x HTTP/1.1\r\nX-M2M-Origin: a\r\n\r\n");
	assert_int_equal(res.rc, MEF_OK);
	assert_string_equal(p.req.origin, "a");
	http_req_parser_free(&p);
	/* A body is not the head: SP after LF there is data. */
	res = parse_both_str(&p, "POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n"
	    "\r\n x");
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(p.req.body.len, 4);
	http_req_parser_free(&p);
}

/* Origin fits MEF_ID_MAX bytes exactly; one more is refused, never cut. */
static void
test_origin_length(void **state)
{
	char			 id[MEF_ID_MAX + 2], req[MEF_ID_MAX + 128];
	struct http_req_parser	 p;
	struct result		 res;
	int			 n;

	(void)state;
	memset(id, 'o', MEF_ID_MAX);
	id[MEF_ID_MAX] = '\0';
	n = snprintf(req, sizeof(req), "GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: %s\r\n\r\n", id);
	assert_true(n > 0 && (size_t)n < sizeof(req));
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(strlen(p.req.origin), MEF_ID_MAX);
	assert_string_equal(p.req.origin, id);
	http_req_parser_free(&p);

	id[MEF_ID_MAX] = 'o';
	id[MEF_ID_MAX + 1] = '\0';
	n = snprintf(req, sizeof(req), "GET /x HTTP/1.1\r\n"
	    "X-M2M-Origin: %s\r\n\r\n", id);
	assert_true(n > 0 && (size_t)n < sizeof(req));
	assert_refused(req, OUT_BAD_REQUEST);
}

/* Much longer than any kept value: refused whichever bound trips first. */
static void
test_origin_very_long(void **state)
{
	char			*req;
	size_t			 cap = 4096;
	int			 n;

	(void)state;
	req = malloc(cap);
	assert_non_null(req);
	n = snprintf(req, cap, "GET /x HTTP/1.1\r\nX-M2M-Origin: ");
	assert_true(n > 0);
	memset(req + n, 'o', 2000);
	memcpy(req + n + 2000, "\r\n\r\n", 5);
	assert_refused(req, OUT_BAD_REQUEST);
	free(req);
}

static void
test_path_length(void **state)
{
	char			*req;
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 cap = HTTP_PATH_MAX + 64;
	int			 n;

	(void)state;
	req = malloc(cap);
	assert_non_null(req);
	memcpy(req, "GET /", 5);
	memset(req + 5, 'p', HTTP_PATH_MAX - 1);
	n = snprintf(req + 4 + HTTP_PATH_MAX, cap - 4 - HTTP_PATH_MAX,
	    " HTTP/1.1\r\n\r\n");
	assert_true(n > 0);
	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(p.req.path_len, HTTP_PATH_MAX);
	assert_int_equal(strlen(p.req.path), HTTP_PATH_MAX);
	http_req_parser_free(&p);

	memcpy(req, "GET /", 5);
	memset(req + 5, 'p', HTTP_PATH_MAX);
	n = snprintf(req + 5 + HTTP_PATH_MAX, cap - 5 - HTTP_PATH_MAX,
	    " HTTP/1.1\r\n\r\n");
	assert_true(n > 0);
	res = parse_both_str(&p, req);
	assert_int_not_equal(res.rc, MEF_OK);
	assert_int_equal(res.error, OUT_TOO_LARGE);
	assert_int_equal(res.done, 0);
	http_req_parser_free(&p);
	free(req);
}

static void
test_garbage(void **state)
{
	/* A TLS 1.2 ClientHello record header and a bit of body. */
	static const char tls[] = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"
	    "\x00\x01\x02\x03";
	/* A TLS alert and a CoAP GET. */
	static const char alert[] = "\x15\x03\x03\x00\x02\x02\x28";
	static const char coap[] = "\x40\x01\x12\x34\xb4" "test";
	static const char *const text[] = {
		"\r\n\r\nXYZZY\r\n",
		"get / HTTP/1.1\r\n\r\n",
		"GET / HTTP/9.9\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET /\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET / FOO/1.1\r\n\r\n",
		"GET  HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
		"GET / HTTP/1.1\r\nBad Name: v\r\n\r\n",
		"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\n",
		"\xff\xfe\xfd\xfc",
		"GET /\x01 HTTP/1.1\r\n\r\n",
		"GET /a b HTTP/1.1\r\n\r\n",
	};
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 i;

	(void)state;
	res = parse_both(&p, tls, sizeof(tls) - 1);
	assert_int_equal(res.rc, MEF_E_PROTO);
	assert_int_equal(res.error, OUT_BAD_REQUEST);
	http_req_parser_free(&p);
	res = parse_both(&p, alert, sizeof(alert) - 1);
	assert_int_equal(res.rc, MEF_E_PROTO);
	http_req_parser_free(&p);
	res = parse_both(&p, coap, sizeof(coap) - 1);
	assert_int_equal(res.rc, MEF_E_PROTO);
	http_req_parser_free(&p);
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		res = parse_both_str(&p, text[i]);
		if (res.rc == MEF_OK)
			fail_msg("accepted garbage %zu: %s", i, text[i]);
		assert_int_equal(res.error, OUT_BAD_REQUEST);
		http_req_parser_free(&p);
	}
}

/* Pseudo-random bytes never crash the parser and never pass for a request. */
static void
test_random_bytes(void **state)
{
	char			buf[512];
	struct http_req_parser	p;
	struct result		res;
	uint32_t		x = 0x12345678;
	size_t			i;
	int			round;

	(void)state;
	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (char)(x >> 24);
		}
		res = parse_both(&p, buf, sizeof(buf));
		assert_int_equal(res.done, 0);
		http_req_parser_free(&p);
	}
}

/* After an error the parser refuses everything, even a good request. */
static void
test_sticky_error(void **state)
{
	static const char	big[] = "POST / HTTP/1.1\r\n"
	    "Content-Length: 100000\r\n\r\n";
	struct http_req_parser	p;
	size_t			used = 99;

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, "\x16\x03\x01", 3, &used),
	    MEF_E_PROTO);
	assert_int_equal(p.error, OUT_BAD_REQUEST);
	assert_int_equal(http_req_parser_feed(&p, GET_FETCH,
	    strlen(GET_FETCH), &used), MEF_E_PROTO);
	assert_int_equal(used, 0);
	assert_int_equal(http_req_parser_done(&p), 0);
	assert_int_equal(p.error, OUT_BAD_REQUEST);

	/* next() does not clear the error either. */
	http_req_parser_next(&p);
	assert_int_equal(http_req_parser_feed(&p, GET_FETCH,
	    strlen(GET_FETCH), &used), MEF_E_PROTO);
	assert_int_equal(used, 0);
	assert_int_equal(http_req_parser_done(&p), 0);
	http_req_parser_free(&p);

	/* The first outcome stays: TOO_LARGE is not overwritten. */
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, big, strlen(big), &used),
	    MEF_E_TOOBIG);
	assert_int_equal(p.error, OUT_TOO_LARGE);
	assert_int_equal(http_req_parser_feed(&p, "\x01", 1, &used),
	    MEF_E_PROTO);
	assert_int_equal(p.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);
}

static int
keep_alive_of(const char *req)
{
	struct http_req_parser	p;
	struct result		res;
	int			ka;

	res = parse_both_str(&p, req);
	assert_int_equal(res.rc, MEF_OK);
	assert_int_equal(res.done, 1);
	ka = p.req.keep_alive;
	http_req_parser_free(&p);
	return ka;
}

static void
test_keep_alive(void **state)
{
	(void)state;
	assert_int_equal(keep_alive_of("GET / HTTP/1.1\r\n\r\n"), 1);
	assert_int_equal(keep_alive_of("GET / HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n"), 0);
	assert_int_equal(keep_alive_of("GET / HTTP/1.1\r\n"
	    "connection: CLOSE\r\n\r\n"), 0);
	assert_int_equal(keep_alive_of("GET / HTTP/1.1\r\n"
	    "Connection: keep-alive\r\n\r\n"), 1);
	assert_int_equal(keep_alive_of("GET / HTTP/1.0\r\n\r\n"), 0);
	assert_int_equal(keep_alive_of("GET / HTTP/1.0\r\n"
	    "Connection: keep-alive\r\n\r\n"), 1);
	assert_int_equal(keep_alive_of("GET / HTTP/1.0\r\n"
	    "Connection: close\r\n\r\n"), 0);
	assert_int_equal(keep_alive_of(POST_ENROL), 1);
	assert_int_equal(keep_alive_of("POST /enrolment HTTP/1.1\r\n"
	    "Content-Length: 2\r\nConnection: close\r\n\r\n{}"), 0);
}

/* The keep-alive flag belongs to each request, not to the connection. */
static void
test_keep_alive_per_request(void **state)
{
	static const char two[] = "GET /a HTTP/1.1\r\n\r\n"
	    "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
	struct http_req_parser	p;
	size_t			used, first = 19;

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, two, strlen(two), &used),
	    MEF_OK);
	assert_int_equal(used, first);
	assert_int_equal(p.req.keep_alive, 1);
	http_req_parser_next(&p);
	assert_int_equal(http_req_parser_feed(&p, two + first,
	    strlen(two) - first, &used), MEF_OK);
	assert_int_equal(http_req_parser_done(&p), 1);
	assert_string_equal(p.req.path, "/b");
	assert_int_equal(p.req.keep_alive, 0);
	http_req_parser_free(&p);
}

static void
test_other_methods(void **state)
{
	static const char *const reqs[] = {
		"PUT /enrolment HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		"DELETE /fetchCredentials/x HTTP/1.1\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\n\r\n",
		"HEAD / HTTP/1.1\r\n\r\n",
		"PATCH / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	};
	struct http_req_parser	 p;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		res = parse_both_str(&p, reqs[i]);
		assert_int_equal(res.rc, MEF_OK);
		assert_int_equal(res.done, 1);
		assert_int_equal(p.req.method, HTTP_REQ_OTHER);
		http_req_parser_free(&p);
	}
	/* A method http-parser does not know at all is not a request. */
	assert_refused("BREW /pot HTTP/1.1\r\n\r\n", OUT_BAD_REQUEST);
	assert_refused("FOO / HTTP/1.1\r\n\r\n", OUT_BAD_REQUEST);
}

/* next() keeps the bounds: the second request meets the same limits. */
static void
test_next_keeps_bounds(void **state)
{
	struct http_req_parser	p;
	size_t			used;
	static const char big[] = "POST / HTTP/1.1\r\n"
	    "Content-Length: 1025\r\n\r\n";

	(void)state;
	http_req_parser_init(&p, HEAD_MAX, BODY_MAX);
	assert_int_equal(http_req_parser_feed(&p, POST_ENROL,
	    strlen(POST_ENROL), &used), MEF_OK);
	assert_int_equal(http_req_parser_done(&p), 1);
	http_req_parser_next(&p);
	assert_int_equal(p.req.body.len, 0);
	assert_int_equal(http_req_parser_feed(&p, big, strlen(big), &used),
	    MEF_E_TOOBIG);
	assert_int_equal(p.error, OUT_TOO_LARGE);
	http_req_parser_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_minimal_get),
		cmocka_unit_test(test_not_started),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_split_names),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_lookalike_names),
		cmocka_unit_test(test_value_trim),
		cmocka_unit_test(test_post_body),
		cmocka_unit_test(test_body_at_bound),
		cmocka_unit_test(test_content_length_too_big),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_too_big),
		cmocka_unit_test(test_chunked_trailers),
		cmocka_unit_test(test_smuggling_framing),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_pipelined_bytewise),
		cmocka_unit_test(test_head_too_big),
		cmocka_unit_test(test_head_small_bound),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_tab_in_value),
		cmocka_unit_test(test_crlf_injection),
		cmocka_unit_test(test_origin_length),
		cmocka_unit_test(test_origin_very_long),
		cmocka_unit_test(test_path_length),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_keep_alive_per_request),
		cmocka_unit_test(test_other_methods),
		cmocka_unit_test(test_next_keeps_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
