/*
 * test_lg_http.c -- bench_loadgen's framing of HTTP/1.1 answers (the load
 * client counts a malformed answer as an error and must end each answer
 * exactly where the server ended it, or a keep-alive run desynchronises).
 *
 * Every well-formed case runs whole, split at every byte into two pieces, and
 * one byte at a time; all runs must agree on the status, body length, close
 * flag and the bytes used. The parser is bench code outside the layered
 * libraries, so its one source file is compiled into this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/loadgen/lg_http.c"

struct res {
	enum lg_http_rc	rc;
	int		status;
	uint64_t	body;
	int		close;
	size_t		used;		/* bytes of the input the answer took */
};

/*
 * Feeds text in pieces of at most piece bytes (the first piece split at
 * first when nonzero); at eof, ends with lg_http_eof() if not DONE.
 */
static struct res
run(const char *text, size_t len, size_t first, size_t piece, int eof)
{
	struct lg_http	h;
	struct res	r = { LG_HTTP_MORE, 0, 0, 0, 0 };
	size_t		off = 0, n, used;

	lg_http_begin(&h);
	while (off < len) {
		n = first != 0 && off == 0 ? first : piece;
		if (n > len - off)
			n = len - off;
		r.rc = lg_http_feed(&h, text + off, n, &used);
		r.used = off + used;
		off += n;
		if (r.rc != LG_HTTP_MORE)
			break;
	}
	if (r.rc == LG_HTTP_MORE && eof)
		r.rc = lg_http_eof(&h);
	r.status = h.status;
	r.body = h.body;
	r.close = h.close;
	return r;
}

/* Runs text every way; each run must match want. */
static void
check_all(const char *text, size_t len, struct res want, int eof)
{
	struct res	r;
	size_t		i;

	for (i = 0; i <= len; i++) {
		r = i == 0 ? run(text, len, 0, len, eof) :
		    run(text, len, i, len, eof);
		assert_int_equal(r.rc, want.rc);
		assert_int_equal(r.status, want.status);
		assert_int_equal(r.body, want.body);
		assert_int_equal(r.close, want.close);
		if (want.rc == LG_HTTP_DONE && !eof)
			assert_int_equal(r.used, want.used);
	}
	r = run(text, len, 0, 1, eof);
	assert_int_equal(r.rc, want.rc);
	assert_int_equal(r.body, want.body);
	if (want.rc == LG_HTTP_DONE && !eof)
		assert_int_equal(r.used, want.used);
}

static void
test_content_length(void **state)
{
	static const char	a[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\ncontent-length:  11 \r\nX-M2M-RSC: 2000\r\n"
	    "\r\n{\"a\":\"bcd\"}";
	struct res		want = { LG_HTTP_DONE, 200, 11, 0,
	    sizeof(a) - 1 };

	(void)state;
	check_all(a, sizeof(a) - 1, want, 0);
}

static void
test_bytes_after(void **state)
{
	static const char	a[] = "HTTP/1.1 201 Created\r\n"
	    "Content-Length: 2\r\n\r\n{}HTTP/1.1";
	struct res		r;

	(void)state;
	r = run(a, sizeof(a) - 1, 0, sizeof(a) - 1, 0);
	assert_int_equal(r.rc, LG_HTTP_DONE);
	assert_int_equal(r.used, sizeof(a) - 1 - 8);
}

static void
test_to_eof_and_close(void **state)
{
	static const char	a[] = "HTTP/1.0 200 OK\nServer: x\n\nhello";
	static const char	b[] = "HTTP/1.1 404 Not Found\r\nConnection: "
	    "close\r\nContent-Length: 0\r\n\r\n";
	static const char	c[] = "HTTP/1.1 204 No Content\r\n\r\n";
	struct res		wa = { LG_HTTP_DONE, 200, 5, 1, 0 };
	struct res		wb = { LG_HTTP_DONE, 404, 0, 1, sizeof(b) - 1 };
	struct res		wc = { LG_HTTP_DONE, 204, 0, 0, sizeof(c) - 1 };

	(void)state;
	check_all(a, sizeof(a) - 1, wa, 1);
	check_all(b, sizeof(b) - 1, wb, 0);
	check_all(c, sizeof(c) - 1, wc, 0);
}

static void
test_malformed(void **state)
{
	static const char *const	bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
		("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
		    "Content-Length: 3\r\n\r\n"),
		("HTTP/1.1 200 OK\r\n"
		    "Content-Length: 1234567890123456789\r\n\r\n"),
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 200 OK\r\n folded\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\rX",
	};
	struct res	r;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = run(bad[i], strlen(bad[i]), 0, 1, 0);
		assert_int_equal(r.rc, LG_HTTP_ERROR);
	}
}

static void
test_truncated_and_bounded(void **state)
{
	static const char	a[] = "HTTP/1.1 200 OK\r\nContent-Length: 10"
	    "\r\n\r\nabc";
	static char		big[LG_HTTP_HEAD_MAX + 64];
	struct res		r;

	(void)state;
	r = run(a, sizeof(a) - 1, 0, 4, 1);
	assert_int_equal(r.rc, LG_HTTP_ERROR);
	r = run(a, 10, 0, 4, 1);
	assert_int_equal(r.rc, LG_HTTP_ERROR);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', sizeof(big) - 20);
	r = run(big, sizeof(big), 0, 1000, 0);
	assert_int_equal(r.rc, LG_HTTP_ERROR);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_bytes_after),
		cmocka_unit_test(test_to_eof_and_close),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
