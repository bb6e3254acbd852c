/*
 * test_client.c -- the client side of libmef without a network: the HTTP
 * response parser, the request writer, key files, certificate files and the
 * argument checks of the public API.
 *
 * The parser is fed each response whole and then one byte at a time; both runs
 * must agree, and no prefix of a valid response may be refused. Hostile input
 * (malformed status lines, injected or folded headers, chunked bodies, oversize
 * heads and bodies, bytes past the end) must be refused with the documented
 * error.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/http_client.h"
#include "client/http_resp.h"
#include "client/keyfile.h"
#include "mef/enrolee.h"
#include "mef/fetch.h"
#include "transport/tls_client.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/secret.h"

#define OK_RESP								\
	"HTTP/1.1 200 OK\r\n"						\
	"Content-Type: application/json\r\n"				\
	"X-M2M-RSC: 2000\r\n"						\
	"X-M2M-RI: mef-0123\r\n"					\
	"Content-Length: 15\r\n"					\
	"\r\n"								\
	"{\"Status\":true}"

#define KEYID_OK	"000102030405060708090A0B0C0D0E0F@mef.example.com"

/*
 * Throwaway self-signed P-256 certificates and their keys, for the file checks
 * only (valid until 2126): A names CN=device-001, B has no CN (a URI SAN).
 */
static const char	cert_a_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBpzCCAU2gAwIBAgIUK1ZhhFVTrqA3pkvdg2f6inERTHAwCgYIKoZIzj0EAwIw\n"
	"KDERMA8GA1UECgwITUVGIHRlc3QxEzARBgNVBAMMCmRldmljZS0wMDEwIBcNMjYx\n"
	"MTI4MDEyNjM2WhgPMjEyNjExMDQwMTI2MzZaMCgxETAPBgNVBAoMCE1FRiB0ZXN0\n"
	"MRMwEQYDVQQDDApkZXZpY2UtMDAxMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
	"TyU4BZTwT5azhGzjFyc2Uy2ByAs59YHy3ASRkM7xNgQ8M/H+TlN2kA17tYA5r1iS\n"
	"TFGRkwkQ6SPtY522ScAGHqNTMFEwHQYDVR0OBBYEFFijILUcnPpygO5RbeMc22f/\n"
	"Y9SKMB8GA1UdIwQYMBaAFFijILUcnPpygO5RbeMc22f/Y9SKMA8GA1UdEwEB/wQF\n"
	"MAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgEKc0CS2CRwyWnbLb9gDyiapI/fphFOF3\n"
	"lVJ5Ry+ZeTwCIQD5dzMgxh7AqbaJtcv6zbzfAEDFarFQXNNTShxhZDaO5A==\n"
	"-----END CERTIFICATE-----\n";

static const char	key_a_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIEEp5bLtxJsYQv7pl+1KFBORSgEsGFVNb07mYfNq9SeDoAoGCCqGSM49\n"
	"AwEHoUQDQgAETyU4BZTwT5azhGzjFyc2Uy2ByAs59YHy3ASRkM7xNgQ8M/H+TlN2\n"
	"kA17tYA5r1iSTFGRkwkQ6SPtY522ScAGHg==\n"
	"-----END EC PRIVATE KEY-----\n";

static const char	cert_b_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBlzCCAT2gAwIBAgIUJgHt1T4TplWxerkY1obSTA9CIAwwCgYIKoZIzj0EAwIw\n"
	"EzERMA8GA1UECgwITUVGIHRlc3QwIBcNMjYxMTI4MDEyNjM2WhgPMjEyNjExMDQw\n"
	"MTI2MzZaMBMxETAPBgNVBAoMCE1FRiB0ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
	"AQcDQgAEne7jz6XJATKoBk9l+9b2EY9FOW8E9zZOFB2/0XXv63rEo+yPl7GqI9qz\n"
	"Gkcs7csFlbYZXn5FJM7Pt+NpB1KPnKNtMGswHQYDVR0OBBYEFOdoiCvz2jxjTVZO\n"
	"imCI5Z1BaST8MB8GA1UdIwQYMBaAFOdoiCvz2jxjTVZOimCI5Z1BaST8MA8GA1Ud\n"
	"EwEB/wQFMAMBAf8wGAYDVR0RBBEwD4YNdXJuOmRldjpvcHM6YjAKBggqhkjOPQQD\n"
	"AgNIADBFAiB1NBb4IDpaCZ35YwQ+QA1KGrjLRXlYELyX7LGY3tDutgIhANnBRTBe\n"
	"0QkzutzLeH046rzDpqfaZznuS8M8GKn0Gn/c\n"
	"-----END CERTIFICATE-----\n";

static const char	key_b_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIEO/wwxfY21QVlY3ZIekmhhlYlUaq+IsZjK0oovYfuwfoAoGCCqGSM49\n"
	"AwEHoUQDQgAEne7jz6XJATKoBk9l+9b2EY9FOW8E9zZOFB2/0XXv63rEo+yPl7Gq\n"
	"I9qzGkcs7csFlbYZXn5FJM7Pt+NpB1KPnA==\n"
	"-----END EC PRIVATE KEY-----\n";

#define CERT_A_SHA256							\
	"3D5CB039BAEBEDF49FDC82B8D38311FF9B3E5628C3752B5A81C6E5B182A7E87B"
#define CERT_B_SHA256							\
	"7FE0E3FB32B28ACCB69706E63D6610307826F8B6276720CADC58E028A4F2811A"

static enum mef_err
parse_str(const char *s, int eof, struct http_resp *r)
{
	return http_resp_parse((const unsigned char *)s, strlen(s), eof, r);
}

/* Expects s, whole and at EOF or not, to be refused with want. */
static void
expect_refused(const char *s, enum mef_err want)
{
	struct http_resp	r;

	assert_int_equal(parse_str(s, 0, &r), want);
	assert_int_equal(parse_str(s, 1, &r), want);
}

static void
test_ok_whole(void **state)
{
	struct http_resp	r;
	const char		*s = OK_RESP;

	(void)state;
	assert_int_equal(parse_str(s, 0, &r), MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.rsc, 2000);
	assert_string_equal(r.ri, "mef-0123");
	assert_string_equal(r.content_type, "application/json");
	assert_int_equal(r.has_length, 1);
	assert_int_equal(r.body_len, 15);
	assert_memory_equal(s + r.head_len, "{\"Status\":true}", 15);
}

/* Every strict prefix is "need more", never an error; the full one matches. */
static void
test_ok_byte_at_a_time(void **state)
{
	struct http_resp	whole, r;
	const char		*s = OK_RESP;
	size_t			 i, len = strlen(s);

	(void)state;
	assert_int_equal(parse_str(s, 0, &whole), MEF_OK);
	for (i = 0; i < len; i++) {
		assert_int_equal(http_resp_parse((const unsigned char *)s, i, 0,
		    &r), MEF_OK);
		assert_int_equal(r.complete, 0);
	}
	assert_int_equal(http_resp_parse((const unsigned char *)s, len, 0, &r),
	    MEF_OK);
	assert_memory_equal(&r, &whole, sizeof(r));
}

static void
test_status_lines(void **state)
{
	struct http_resp	r;

	(void)state;
	/* No reason phrase at all (PROTOCOL.md 2.3 writes "HTTP/1.1 201"). */
	assert_int_equal(parse_str("HTTP/1.1 201\r\nContent-Length: 0\r\n\r\n",
	    0, &r), MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.status, 201);
	assert_int_equal(r.rsc, -1);
	assert_string_equal(r.ri, "");
	assert_int_equal(parse_str("HTTP/1.0 404 \r\nContent-Length: 0\r\n\r\n",
	    0, &r), MEF_OK);
	assert_int_equal(r.status, 404);

	expect_refused("HTTP/1.1 20\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 2000 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/2 200 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.2 200 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("http/1.1 200 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1  200 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 099 Low\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 600 High\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 2x0 OK\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 O\001K\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\n\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 100 Continue\r\n\r\n", MEF_E_PROTO);
	/* Not HTTP at all is refused at the first bytes, not at the timeout. */
	expect_refused("SSH-2.0-OpenSSH", MEF_E_PROTO);
	expect_refused("\r\n\r\n", MEF_E_PROTO);
}

static void
test_headers_malformed(void **state)
{
	(void)state;
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-A: a\nX-B: b\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX(A): a\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-M2M-RSC: 20x0\r\n"
	    "Content-Length: 0\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\nX-M2M-RSC: 2000"
	    "\r\nContent-Length: 0\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-M2M-RSC: 99999\r\n"
	    "Content-Length: 0\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nX-M2M-RI: a\r\nX-M2M-RI: b\r\n"
	    "Content-Length: 0\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Type: a\r\n"
	    "Content-Type: b\r\nContent-Length: 0\r\n\r\n", MEF_E_PROTO);
}

static void
test_headers_parsed(void **state)
{
	struct http_resp	r;

	(void)state;
	/* Names case-insensitive, OWS trimmed, unknown headers ignored. */
	assert_int_equal(parse_str("HTTP/1.1 403 Forbidden\r\n"
	    "x-m2m-rsc:4103\r\nx-m2m-ri: \t ri-7 \t\r\n"
	    "content-type:application/cbor\r\nX-Other: \x80\xff\r\n"
	    "content-length: 2\r\n\r\nab", 0, &r), MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.status, 403);
	assert_int_equal(r.rsc, 4103);
	assert_string_equal(r.ri, "ri-7");
	assert_string_equal(r.content_type, "application/cbor");
	assert_int_equal(r.body_len, 2);
}

static void
test_content_length(void **state)
{
	struct http_resp	r;

	(void)state;
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n",
	    MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Content-Length: 1\r\n\r\nx", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 16385\r\n\r\n",
	    MEF_E_TOOBIG);
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999999999\r\n\r\n", MEF_E_TOOBIG);
	/* Bytes past the declared end: a second response nobody asked for. */
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy",
	    MEF_E_PROTO);
	/* The connection closed before the body was whole. */
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "\r\nxy", 0, &r), MEF_OK);
	assert_int_equal(r.complete, 0);
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "\r\nxy", 1, &r), MEF_E_PROTO);
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\nContent-Le", 1, &r),
	    MEF_E_PROTO);
	/* 204 has no body whatever it says. */
	assert_int_equal(parse_str("HTTP/1.1 204 No Content\r\n\r\n", 0, &r),
	    MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.body_len, 0);
}

/* Without Content-Length the body runs to the close, within the bound. */
static void
test_no_content_length(void **state)
{
	struct http_resp	 r;
	unsigned char		*big;
	const char		*head = "HTTP/1.1 200 OK\r\n\r\n";
	size_t			 hl = strlen(head);

	(void)state;
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\n\r\n{}", 0, &r), MEF_OK);
	assert_int_equal(r.complete, 0);
	assert_int_equal(r.has_length, 0);
	assert_int_equal(parse_str("HTTP/1.1 200 OK\r\n\r\n{}", 1, &r), MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.body_len, 2);

	big = malloc(hl + HTTP_RESP_BODY_MAX + 1);
	assert_non_null(big);
	memcpy(big, head, hl);
	memset(big + hl, 'a', HTTP_RESP_BODY_MAX + 1);
	assert_int_equal(http_resp_parse(big, hl + HTTP_RESP_BODY_MAX, 1, &r),
	    MEF_OK);
	assert_int_equal(r.body_len, HTTP_RESP_BODY_MAX);
	assert_int_equal(http_resp_parse(big, hl + HTTP_RESP_BODY_MAX + 1, 0,
	    &r), MEF_E_TOOBIG);
	free(big);
}

static void
test_chunked_refused(void **state)
{
	(void)state;
	expect_refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\n{}\r\n0\r\n\r\n", MEF_E_PROTO);
	expect_refused("HTTP/1.1 200 OK\r\ntransfer-encoding: identity\r\n"
	    "Content-Length: 2\r\n\r\n{}", MEF_E_PROTO);
}

/* A head of exactly HTTP_RESP_HEAD_MAX bytes passes; one more byte does not. */
static void
test_head_bound(void **state)
{
	struct http_resp	 r;
	char			*s;
	const char		*start = "HTTP/1.1 200 OK\r\nX-Pad: ";
	const char		*end = "\r\nContent-Length: 0\r\n\r\n";
	size_t			 pad;

	(void)state;
	s = malloc(HTTP_RESP_HEAD_MAX + 2);
	assert_non_null(s);
	pad = HTTP_RESP_HEAD_MAX - strlen(start) - strlen(end);
	memcpy(s, start, strlen(start));
	memset(s + strlen(start), 'p', pad);
	memcpy(s + strlen(start) + pad, end, strlen(end) + 1);
	assert_int_equal(strlen(s), HTTP_RESP_HEAD_MAX);
	assert_int_equal(parse_str(s, 0, &r), MEF_OK);
	assert_int_equal(r.complete, 1);
	assert_int_equal(r.head_len, HTTP_RESP_HEAD_MAX);

	memset(s + strlen(start), 'p', pad + 1);
	memcpy(s + strlen(start) + pad + 1, end, strlen(end) + 1);
	expect_refused(s, MEF_E_TOOBIG);
	/* A head that never ends is refused once it reaches the bound. */
	memset(s + strlen(start), 'p', HTTP_RESP_HEAD_MAX - strlen(start));
	s[HTTP_RESP_HEAD_MAX] = '\0';
	assert_int_equal(parse_str(s, 0, &r), MEF_E_TOOBIG);
	s[HTTP_RESP_HEAD_MAX - 1] = '\0';
	assert_int_equal(parse_str(s, 0, &r), MEF_OK);
	assert_int_equal(r.complete, 0);
	free(s);
}

static void
test_header_values_bounded(void **state)
{
	char	s[1024];

	(void)state;
	snprintf(s, sizeof(s), "HTTP/1.1 200 OK\r\nX-M2M-RI: %0*d\r\n"
	    "Content-Length: 0\r\n\r\n", HTTP_RESP_RI_MAX + 1, 0);
	expect_refused(s, MEF_E_TOOBIG);
	snprintf(s, sizeof(s), "HTTP/1.1 200 OK\r\nContent-Type: %0*d\r\n"
	    "Content-Length: 0\r\n\r\n", HTTP_RESP_CTYPE_MAX + 1, 0);
	expect_refused(s, MEF_E_TOOBIG);
}

static void
test_request_format(void **state)
{
	struct http_header	hdrs[2] = {
		{ "X-M2M-Origin", "/in-cse-1" },
		{ "X-M2M-RI", "ri-1" },
	};
	struct http_client_req	req;
	struct buf		b;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.target = "/fetchCredentials/" KEYID_OK;
	req.host = "mef.example.com";
	req.headers = hdrs;
	req.nheaders = 2;
	buf_init(&b, HTTP_CLIENT_REQ_MAX);
	assert_int_equal(http_client_format(&req, &b), MEF_OK);
	assert_string_equal(b.data, "GET /fetchCredentials/" KEYID_OK
	    " HTTP/1.1\r\nHost: mef.example.com\r\nX-M2M-Origin: /in-cse-1\r\n"
	    "X-M2M-RI: ri-1\r\nUser-Agent: libmef/" MEF_VERSION "\r\n"
	    "Connection: close\r\n\r\n");
	buf_reset(&b);
	req.method = "POST";
	req.target = "/enrolment";
	req.body = (const unsigned char *)"{}";
	req.body_len = 2;
	assert_int_equal(http_client_format(&req, &b), MEF_OK);
	assert_non_null(strstr(b.data, "\r\nContent-Length: 2\r\n\r\n{}"));

	/* No caller string can add a header or a request. */
	buf_reset(&b);
	hdrs[0].value = "/in-cse-1\r\nX-Evil: 1";
	assert_int_equal(http_client_format(&req, &b), MEF_E_INVAL);
	hdrs[0].value = "/in-cse-1";
	hdrs[1].name = "X-M2M-RI:";
	assert_int_equal(http_client_format(&req, &b), MEF_E_INVAL);
	hdrs[1].name = "X-M2M-RI";
	req.target = "/a b";
	assert_int_equal(http_client_format(&req, &b), MEF_E_INVAL);
	req.target = "/a\nb";
	assert_int_equal(http_client_format(&req, &b), MEF_E_INVAL);
	req.target = "/enrolment";
	req.host = "mef\r\n";
	assert_int_equal(http_client_format(&req, &b), MEF_E_INVAL);
	buf_free(&b);
}

static void
test_request_id(void **state)
{
	char	a[HTTP_CLIENT_RI_LEN + 1], b[HTTP_CLIENT_RI_LEN + 1];

	(void)state;
	assert_int_equal(http_client_request_id(a, sizeof(a)), MEF_OK);
	assert_int_equal(http_client_request_id(b, sizeof(b)), MEF_OK);
	assert_int_equal(strlen(a), HTTP_CLIENT_RI_LEN);
	assert_memory_equal(a, "mef-", 4);
	assert_string_not_equal(a, b);
	assert_int_equal(http_client_request_id(a, HTTP_CLIENT_RI_LEN),
	    MEF_E_INVAL);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_keyfile(void **state)
{
	struct mef_secret	*k = NULL;
	char			 path[] = "/tmp/test_client_keyXXXXXX";
	char			 big[2048];
	int			 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "  00112233445566778899AABBccddeeff\n");
	assert_int_equal(keyfile_read(path, 16, &k), MEF_OK);
	assert_int_equal(mef_secret_len(k), 16);
	assert_int_equal(mef_secret_bytes(k)[15], 0xff);
	mef_secret_free(&k);
	assert_int_equal(keyfile_read(path, 15, &k), MEF_E_INVAL);
	write_file(path, "0011zz\n");
	assert_int_equal(keyfile_read(path, 16, &k), MEF_E_INVAL);
	write_file(path, "001\n");
	assert_int_equal(keyfile_read(path, 16, &k), MEF_E_INVAL);
	write_file(path, "\n");
	assert_int_equal(keyfile_read(path, 16, &k), MEF_E_INVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(path, big);
	assert_int_equal(keyfile_read(path, KEYFILE_KEY_MAX, &k), MEF_E_TOOBIG);
	assert_null(k);
	unlink(path);
	assert_int_equal(keyfile_read(path, 16, &k), MEF_E_IO);
}

/* Argument checks happen before any connection is attempted. */
static void
test_api_invalid(void **state)
{
	static const unsigned char	 key[16];
	struct mef_enrol_cfg		 ecfg;
	struct mef_fetch_cfg		 fcfg;
	struct mef_enrolment		*en = NULL;
	struct mef_answer		*ans = NULL;
	unsigned char			 out[MEF_KEY_LEN];

	(void)state;
	assert_int_equal(mef_enrol(NULL, &en), MEF_E_INVAL);
	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.version = MEF_ENROL_CFG_VERSION;
	ecfg.host = "127.0.0.1";
	ecfg.port = 1;
	ecfg.fqdn = "not a name";
	ecfg.kpm_id = "kpm-1";
	ecfg.kpm = key;
	ecfg.kpm_len = sizeof(key);
	assert_int_equal(mef_enrol(&ecfg, &en), MEF_E_INVAL);
	ecfg.fqdn = "mef.example.com";
	ecfg.version = 99;
	assert_int_equal(mef_enrol(&ecfg, &en), MEF_E_INVAL);
	assert_null(en);
	assert_null(mef_enrolment_keyid(NULL));
	assert_int_equal(mef_enrolment_target_count(NULL), 0);
	assert_int_equal(mef_enrolment_derive(NULL, MEF_TARGET_CSE, "x", out),
	    MEF_E_INVAL);
	mef_enrolment_free(&en);

	memset(&fcfg, 0, sizeof(fcfg));
	fcfg.version = MEF_FETCH_CFG_VERSION;
	fcfg.host = "127.0.0.1";
	fcfg.port = 1;
	fcfg.origin = "/in-cse-1";
	fcfg.psk_id = "target-1";
	fcfg.psk = key;
	fcfg.psk_len = sizeof(key);
	assert_int_equal(mef_fetch(&fcfg, "nothex@mef.example.com", NULL, &ans),
	    MEF_E_INVAL);
	assert_int_equal(mef_fetch(&fcfg, KEYID_OK, "22x", &ans), MEF_E_INVAL);
	fcfg.tls_version = (enum mef_fetch_tls)(MEF_FETCH_TLS13 + 1);
	assert_int_equal(mef_fetch(&fcfg, KEYID_OK, NULL, &ans), MEF_E_INVAL);
	fcfg.tls_version = MEF_FETCH_TLS13;
	fcfg.cert_file = "/dev/null";
	assert_int_equal(mef_fetch(&fcfg, KEYID_OK, NULL, &ans), MEF_E_INVAL);
	assert_null(ans);
	assert_int_equal(mef_answer_status(NULL), 0);
	assert_null(mef_answer_credential(NULL, NULL));
	mef_answer_free(&ans);
}

/* Writes text into a new temporary file named in path (a mkstemp template). */
static void
temp_file(char *path, const char *text)
{
	int	fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, text);
}

static void
test_cert_subject(void **state)
{
	char		a[] = "/tmp/test_client_certXXXXXX";
	char		b[] = "/tmp/test_client_certXXXXXX";
	char		k[] = "/tmp/test_client_keyXXXXXX";
	char		cn[TLS_CLIENT_CN_MAX + 1], small[8];
	char		hex[2 * TLS_CLIENT_SHA256_LEN + 1];
	unsigned char	fp[TLS_CLIENT_SHA256_LEN];

	(void)state;
	temp_file(a, cert_a_pem);
	temp_file(b, cert_b_pem);
	temp_file(k, key_a_pem);
	assert_int_equal(tls_client_cert_subject(a, cn, sizeof(cn), fp),
	    MEF_OK);
	assert_string_equal(cn, "device-001");
	assert_int_equal(hex_encode(fp, sizeof(fp), 1, hex, sizeof(hex)),
	    MEF_OK);
	assert_string_equal(hex, CERT_A_SHA256);
	/* A CN that does not fit is left out, never cut. */
	assert_int_equal(tls_client_cert_subject(a, small, sizeof(small), fp),
	    MEF_OK);
	assert_string_equal(small, "");
	/* No CN at all (a SAN only): "", and the fingerprint still. */
	assert_int_equal(tls_client_cert_subject(b, cn, sizeof(cn), fp),
	    MEF_OK);
	assert_string_equal(cn, "");
	assert_int_equal(hex_encode(fp, sizeof(fp), 1, hex, sizeof(hex)),
	    MEF_OK);
	assert_string_equal(hex, CERT_B_SHA256);
	assert_int_equal(tls_client_cert_subject(k, cn, sizeof(cn), fp),
	    MEF_E_INVAL);
	assert_int_equal(tls_client_cert_subject(a, cn, 0, fp), MEF_E_INVAL);
	assert_int_equal(tls_client_cert_subject(NULL, cn, sizeof(cn), fp),
	    MEF_E_INVAL);
	unlink(a);
	unlink(b);
	unlink(k);
	assert_int_equal(tls_client_cert_subject(a, cn, sizeof(cn), fp),
	    MEF_E_INVAL);
}

/* A loopback port bound but not listening: a connection is refused at once. */
static int
closed_port(unsigned short *pport)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*pport = ntohs(sin.sin_port);
	return fd;
}

/* Expects mef_enrol(cfg) to fail with want and leave *penrol alone. */
static void
expect_enrol(const struct mef_enrol_cfg *cfg, enum mef_err want)
{
	struct mef_enrolment	*en = NULL;

	assert_int_equal(mef_enrol(cfg, &en), want);
	assert_null(en);
}

/*
 * Exactly one RSPF, each complete, and files that load: all checked before a
 * connection, which then fails (MEF_E_IO) only once everything else passed.
 */
static void
test_enrol_cert_cfg(void **state)
{
	static const unsigned char	 key[16];
	struct mef_enrol_cfg		 c, base;
	char				 ca[] = "/tmp/test_client_certXXXXXX";
	char				 cb[] = "/tmp/test_client_certXXXXXX";
	char				 ka[] = "/tmp/test_client_keyXXXXXX";
	char				 kb[] = "/tmp/test_client_keyXXXXXX";
	unsigned short			 port;
	int				 fd;

	(void)state;
	temp_file(ca, cert_a_pem);
	temp_file(cb, cert_b_pem);
	temp_file(ka, key_a_pem);
	temp_file(kb, key_b_pem);
	fd = closed_port(&port);
	memset(&base, 0, sizeof(base));
	base.version = MEF_ENROL_CFG_VERSION;
	base.host = "127.0.0.1";
	base.port = port;
	base.fqdn = "mef.example.com";
	base.timeout_ms = 2000;
	c = base;
	expect_enrol(&c, MEF_E_INVAL);			/* neither */
	c.cert_file = ca;
	c.key_file = ka;
	c.kpm_id = "kpm-1";
	expect_enrol(&c, MEF_E_INVAL);			/* both */
	c.kpm_id = NULL;
	c.kpm = key;
	expect_enrol(&c, MEF_E_INVAL);
	c.kpm = NULL;
	c.kpm_len = sizeof(key);
	expect_enrol(&c, MEF_E_INVAL);
	c = base;
	c.cert_file = ca;
	expect_enrol(&c, MEF_E_INVAL);			/* no key */
	c = base;
	c.key_file = ka;
	expect_enrol(&c, MEF_E_INVAL);			/* no certificate */
	c = base;
	c.ca_file = ca;
	expect_enrol(&c, MEF_E_INVAL);			/* a CA alone */
	c.kpm_id = "kpm-1";
	c.kpm = key;
	c.kpm_len = sizeof(key);
	expect_enrol(&c, MEF_E_INVAL);			/* a CA with PSK */
	c = base;
	c.cert_file = "";
	c.key_file = ka;
	expect_enrol(&c, MEF_E_INVAL);
	c.cert_file = ca;
	c.ca_file = "";
	expect_enrol(&c, MEF_E_INVAL);
	c.ca_file = NULL;
	c.reserved[0] = ca;
	expect_enrol(&c, MEF_E_INVAL);
	c = base;
	c.cert_file = ka;		/* a key, not a certificate */
	c.key_file = ka;
	expect_enrol(&c, MEF_E_INVAL);
	c.cert_file = ca;
	c.key_file = kb;		/* not the certificate's key */
	expect_enrol(&c, MEF_E_INVAL);
	c.key_file = ka;
	c.ca_file = ka;			/* no certificate in it */
	expect_enrol(&c, MEF_E_INVAL);
	c.ca_file = cb;
	expect_enrol(&c, MEF_E_IO);			/* all loaded */
	c.ca_file = NULL;
	expect_enrol(&c, MEF_E_IO);
	c.cert_file = cb;				/* no CN: fingerprint */
	c.key_file = kb;
	expect_enrol(&c, MEF_E_IO);
	c = base;
	c.kpm_id = "kpm-1";
	c.kpm = key;
	c.kpm_len = sizeof(key);
	expect_enrol(&c, MEF_E_IO);			/* PSK as before */
	close(fd);
	unlink(ca);
	unlink(cb);
	unlink(ka);
	unlink(kb);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_ok_whole),
		cmocka_unit_test(test_ok_byte_at_a_time),
		cmocka_unit_test(test_status_lines),
		cmocka_unit_test(test_headers_malformed),
		cmocka_unit_test(test_headers_parsed),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_no_content_length),
		cmocka_unit_test(test_chunked_refused),
		cmocka_unit_test(test_head_bound),
		cmocka_unit_test(test_header_values_bounded),
		cmocka_unit_test(test_request_format),
		cmocka_unit_test(test_request_id),
		cmocka_unit_test(test_keyfile),
		cmocka_unit_test(test_api_invalid),
		cmocka_unit_test(test_cert_subject),
		cmocka_unit_test(test_enrol_cert_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
