/*
 * test_util.c -- the leaf helpers: hex, base64, bounded buffer, number and
 * address parsing, DNS names, constant-time comparison and the secret type.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/b64.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/ct.h"
#include "util/hex.h"
#include "util/secret.h"
#include "util/sockaddr.h"
#include "util/strparse.h"
#include "util/workq.h"

static void
test_hex_encode(void **state)
{
	static const unsigned char in[] = { 0x00, 0x9a, 0xff, 0x10 };
	char	out[9];

	(void)state;
	assert_int_equal(hex_encode(in, sizeof(in), 0, out, sizeof(out)),
	    MEF_OK);
	assert_string_equal(out, "009aff10");
	assert_int_equal(hex_encode(in, sizeof(in), 1, out, sizeof(out)),
	    MEF_OK);
	assert_string_equal(out, "009AFF10");
	assert_int_equal(hex_encode(in, sizeof(in), 1, out, 8), MEF_E_INVAL);
	assert_int_equal(hex_encode(in, 0, 1, out, 1), MEF_OK);
	assert_string_equal(out, "");
}

static void
test_hex_decode(void **state)
{
	static const unsigned char want[] = { 0xab, 0xcd, 0xef, 0x09 };
	unsigned char	out[4];
	size_t		i;
	static const char *const bad[] = {
		"abcdef0g", "abcdef0 ", " bcdef09", "abcdef0-", "0xcdef09",
		"abcdef0\xc3", "abcd\0f09", "abcdef:9", "abcdef/9", "abcdef@9",
		"abcdefG9", "abcdef`9",
	};

	(void)state;
	assert_int_equal(hex_decode("abcdef09", 8, out, 4), MEF_OK);
	assert_memory_equal(out, want, 4);
	assert_int_equal(hex_decode("ABcDeF09", 8, out, 4), MEF_OK);
	assert_memory_equal(out, want, 4);
	assert_int_equal(hex_decode("abcdef0", 7, out, 4), MEF_E_INVAL);
	assert_int_equal(hex_decode("abcdef09", 8, out, 3), MEF_E_INVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hex_decode(bad[i], 8, out, 4), MEF_E_INVAL);
}

/* Every byte value round-trips, and every non-digit byte is refused. */
static void
test_hex_exhaustive(void **state)
{
	unsigned char	in[256], back[256], bad[1];
	char		text[513], pair[2];
	unsigned	c;
	int		digit;

	(void)state;
	for (c = 0; c < 256; c++)
		in[c] = (unsigned char)c;
	assert_int_equal(hex_encode(in, 256, 0, text, sizeof(text)), MEF_OK);
	assert_int_equal(hex_decode(text, 512, back, 256), MEF_OK);
	assert_memory_equal(in, back, 256);
	for (c = 0; c < 256; c++) {
		digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');
		pair[0] = '0';
		pair[1] = (char)c;
		assert_int_equal(hex_decode(pair, 2, bad, 1),
		    digit ? MEF_OK : MEF_E_INVAL);
	}
}

struct b64_case {
	const char	*plain;
	const char	*enc;
};

static void
test_b64_rfc4648(void **state)
{
	static const struct b64_case cases[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	char		enc[16];
	unsigned char	dec[16];
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].plain);
		assert_int_equal(b64_encode(
		    (const unsigned char *)cases[i].plain, n, enc, sizeof(enc)),
		    MEF_OK);
		assert_string_equal(enc, cases[i].enc);
		assert_int_equal(B64_ENCODED_LEN(n), strlen(cases[i].enc));
		assert_int_equal(b64_decode(cases[i].enc, strlen(cases[i].enc),
		    dec, sizeof(dec), &n), MEF_OK);
		assert_int_equal(n, strlen(cases[i].plain));
		assert_memory_equal(dec, cases[i].plain, n);
	}
}

static void
test_b64_bounds(void **state)
{
	static const unsigned char in[] = { 0xfb, 0xff, 0xbf };
	char		enc[5];
	unsigned char	dec[3];
	size_t		n;

	(void)state;
	assert_int_equal(b64_encode(in, 3, enc, 4), MEF_E_INVAL);
	assert_int_equal(b64_encode(in, 3, enc, 5), MEF_OK);
	assert_string_equal(enc, "+/+/");
	assert_int_equal(b64_decode("+/+/", 4, dec, 3, &n), MEF_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(dec, in, 3);
	assert_int_equal(b64_decode("+/+/", 4, dec, 2, &n), MEF_E_INVAL);
	assert_int_equal(b64_decode("Zm8=", 4, dec, 2, &n), MEF_OK);
	assert_int_equal(b64_decode("Zm8=", 4, dec, 1, &n), MEF_E_INVAL);
}

/* One encoding per value: padding, no stray bits, no other alphabet. */
static void
test_b64_non_canonical(void **state)
{
	static const char *const bad[] = {
		"Zg", "Zg=", "Zm8", "Zg===", "Zh==", "Zm9=", "Zm8==",
		"Z===", "====", "=Zg=", "Zg=a", "Zg==Zg==", "Zm9v\n",
		" Zm9v", "Zm9v ", "Zm-v", "Zm_v", "Zm9v.", "Zm9vYg=\n",
		"Zm9vY===", "Zm9vYh==", "Zm9vYmF=",
	};
	unsigned char	dec[16];
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (b64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec), &n) !=
		    MEF_E_INVAL)
			fail_msg("accepted #%zu: %s", i, bad[i]);
	}
	/* An embedded NUL within the given length. */
	assert_int_equal(b64_decode("Zm\0v", 4, dec, sizeof(dec), &n),
	    MEF_E_INVAL);
}

static void
test_b64_round_trip(void **state)
{
	unsigned char	in[64], dec[64];
	char		enc[B64_ENCODED_LEN(64) + 1];
	size_t		len, i, n;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (len = 0; len <= sizeof(in); len++) {
		assert_int_equal(b64_encode(in, len, enc, sizeof(enc)), MEF_OK);
		assert_int_equal(strlen(enc), B64_ENCODED_LEN(len));
		assert_int_equal(b64_decode(enc, strlen(enc), dec, sizeof(dec),
		    &n), MEF_OK);
		assert_int_equal(n, len);
		assert_memory_equal(dec, in, len);
	}
}

/*
 * The arithmetic character maps against the alphabet itself: each of the 64
 * sextets encodes to its letter, and of the 256 bytes exactly the 64 letters
 * decode; likewise every byte's hex digits in both cases.
 */
static void
test_codec_maps_exhaustive(void **state)
{
	static const char	alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char		in[3], dec[3];
	char			enc[5], quad[5], hex[3], want[3];
	size_t			n;
	int			x, c;

	(void)state;
	for (x = 0; x < 64; x++) {
		in[0] = (unsigned char)(x << 2);
		in[1] = in[2] = 0;
		assert_int_equal(b64_encode(in, 3, enc, sizeof(enc)), MEF_OK);
		assert_int_equal(enc[0], alpha[x]);
	}
	for (c = 0; c < 256; c++) {
		quad[0] = (char)c;
		memcpy(quad + 1, "AAA", 4);
		assert_int_equal(b64_decode(quad, 4, dec, sizeof(dec), &n),
		    c != 0 && strchr(alpha, c) != NULL ? MEF_OK : MEF_E_INVAL);
		in[0] = (unsigned char)c;
		assert_int_equal(hex_encode(in, 1, 0, hex, sizeof(hex)), MEF_OK);
		snprintf(want, sizeof(want), "%02x", c);
		assert_string_equal(hex, want);
		assert_int_equal(hex_encode(in, 1, 1, hex, sizeof(hex)), MEF_OK);
		snprintf(want, sizeof(want), "%02X", c);
		assert_string_equal(hex, want);
	}
}

static void
test_buf(void **state)
{
	struct buf	b;
	size_t		i;

	(void)state;
	buf_init(&b, 10);
	assert_null(b.data);
	assert_int_equal(buf_append_str(&b, "hello"), MEF_OK);
	assert_string_equal(b.data, "hello");
	assert_int_equal(buf_printf(&b, "%d", 12345), MEF_OK);
	assert_string_equal(b.data, "hello12345");
	assert_int_equal(b.len, 10);
	/* Past the bound: refused, contents unchanged. */
	assert_int_equal(buf_append(&b, "x", 1), MEF_E_TOOBIG);
	assert_int_equal(buf_printf(&b, "%s", "x"), MEF_E_TOOBIG);
	assert_string_equal(b.data, "hello12345");
	assert_int_equal(buf_append(&b, "", 0), MEF_OK);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_append(&b, "0123456789a", 11), MEF_E_TOOBIG);
	assert_int_equal(buf_append(&b, "0123456789", 10), MEF_OK);
	buf_free(&b);
	assert_null(b.data);
	/* Growth through many small appends. */
	buf_init(&b, 100000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_append(&b, "0123456789", 10), MEF_OK);
	assert_int_equal(b.len, 100000);
	assert_int_equal(buf_append(&b, "x", 1), MEF_E_TOOBIG);
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
	buf_init(&b, 4);
	assert_int_equal(buf_append(&b, "x", (size_t)-1), MEF_E_TOOBIG);
	buf_free(&b);
}

static void
test_parse_u64(void **state)
{
	uint64_t	v;
	static const char *const bad[] = {
		"", "+1", "-1", " 1", "1 ", "1a", "0x10", "1.0", "1e3",
		"18446744073709551616", "99999999999999999999",
		"000000000000000000001",
	};
	size_t		i;

	(void)state;
	assert_int_equal(parse_u64("0", 1, 0, 10, &v), MEF_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("18446744073709551615", 20, 0, UINT64_MAX,
	    &v), MEF_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("10", 2, 0, 10, &v), MEF_OK);
	assert_int_equal(parse_u64("11", 2, 0, 10, &v), MEF_E_INVAL);
	assert_int_equal(parse_u64("4", 1, 5, 10, &v), MEF_E_INVAL);
	assert_int_equal(parse_u64("12345", 3, 0, 1000, &v), MEF_OK);
	assert_int_equal(v, 123);
	assert_int_equal(parse_u64(NULL, 1, 0, 10, &v), MEF_E_INVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_u64(bad[i], strlen(bad[i]), 0,
		    UINT64_MAX, &v), MEF_E_INVAL);
}

static void
test_parse_hostport(void **state)
{
	char		host[HOSTPORT_HOST_MAX];
	uint16_t	port;
	static const char *const bad[] = {
		"", "host", "host:", ":80", "host:0", "host:65536", "host:-1",
		"host:+80", "host:80 ", "::1:80", "[::1]", "[::1]80", "[]:80",
		"[::1:80", "host:8o", "a:b:80",
	};
	size_t		i;

	(void)state;
	assert_int_equal(parse_hostport("127.0.0.1:8443", host, sizeof(host),
	    &port), MEF_OK);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8443);
	assert_int_equal(parse_hostport("[::1]:443", host, sizeof(host),
	    &port), MEF_OK);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 443);
	assert_int_equal(parse_hostport("mef.example.com:65535", host,
	    sizeof(host), &port), MEF_OK);
	assert_int_equal(port, 65535);
	assert_int_equal(parse_hostport("abcd:1", host, 4, &port), MEF_E_INVAL);
	assert_int_equal(parse_hostport("abc:1", host, 4, &port), MEF_OK);
	assert_int_equal(parse_hostport(NULL, host, sizeof(host), &port),
	    MEF_E_INVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_hostport(bad[i], host, sizeof(host), &port) !=
		    MEF_E_INVAL)
			fail_msg("accepted #%zu: %s", i, bad[i]);
	}
}

static void
test_is_dns_name(void **state)
{
	char		name[260];
	static const char *const good[] = {
		"a", "mef.example.com", "MEF.Example.COM", "a-b.c0", "1.2.3.4",
	};
	static const char *const bad[] = {
		"", ".", "a.", ".a", "a..b", "a_b", "a b", "a@b", "a%2eb",
		"a/b",
		"\xc3\xa9.com", "a:b",
	};
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(is_dns_name(good[i], strlen(good[i])));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (is_dns_name(bad[i], strlen(bad[i])))
			fail_msg("accepted #%zu: %s", i, bad[i]);
	}
	assert_false(is_dns_name("ab\0c", 4));
	memset(name, 'a', sizeof(name));
	assert_true(is_dns_name(name, 63));
	assert_false(is_dns_name(name, 64));
	for (i = 63; i < sizeof(name); i += 64)
		name[i] = '.';
	assert_true(is_dns_name(name, 253));
	assert_false(is_dns_name(name, 254));
}

static void
test_ct_memeq(void **state)
{
	unsigned char	a[64], b[64];
	size_t		i;

	(void)state;
	memset(a, 0x42, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_int_equal(ct_memeq(a, b, sizeof(a)), 1);
	assert_int_equal(ct_memeq(a, b, 0), 1);
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		assert_int_equal(ct_memeq(a, b, sizeof(a)), 0);
		b[i] ^= 0x81;
		assert_int_equal(ct_memeq(a, b, sizeof(a)), 0);
		b[i] ^= 0x01;
	}
	assert_int_equal(ct_memeq(a, b, sizeof(a)), 1);
}

static void
test_secret(void **state)
{
	struct mef_secret	*s = NULL, *d = NULL, *h = NULL, *z = NULL;
	static const unsigned char k[] = { 1, 2, 3, 4 };
	unsigned char		 w[8];

	(void)state;
	assert_int_equal(mef_secret_new(k, sizeof(k), &s), MEF_OK);
	assert_int_equal(mef_secret_len(s), 4);
	assert_memory_equal(mef_secret_bytes(s), k, 4);
	assert_int_equal(mef_secret_dup(s, &d), MEF_OK);
	assert_true(mef_secret_equal(s, d));
	assert_int_equal(mef_secret_from_hex("01020304", 8, &h), MEF_OK);
	assert_true(mef_secret_equal(s, h));
	mef_secret_data(h)[3] = 5;
	assert_false(mef_secret_equal(s, h));
	mef_secret_free(&h);
	assert_int_equal(mef_secret_from_hex("010203", 6, &h), MEF_OK);
	assert_false(mef_secret_equal(s, h));	/* different length */
	mef_secret_free(&h);
	assert_false(mef_secret_equal(s, NULL));
	assert_int_equal(mef_secret_from_hex("0102030", 7, &h), MEF_E_INVAL);
	assert_int_equal(mef_secret_from_hex("0102030g", 8, &h), MEF_E_INVAL);
	assert_int_equal(mef_secret_from_hex("", 0, &h), MEF_E_INVAL);
	assert_null(h);
	assert_int_equal(mef_secret_new(k, 0, &z), MEF_E_INVAL);
	assert_int_equal(mef_secret_new(NULL, 4, &z), MEF_E_INVAL);
	assert_int_equal(mef_secret_alloc(MEF_SECRET_MAX + 1, &z), MEF_E_INVAL);
	assert_int_equal(mef_secret_alloc(MEF_SECRET_MAX, &z), MEF_OK);
	assert_int_equal(mef_secret_len(z), MEF_SECRET_MAX);
	assert_int_equal(mef_secret_bytes(z)[MEF_SECRET_MAX - 1], 0);
	mef_secret_free(&z);
	mef_secret_free(&s);
	mef_secret_free(&d);
	assert_null(s);
	assert_null(d);
	mef_secret_free(&s);		/* NULL is fine */
	mef_secret_free(NULL);
	memset(w, 0xff, sizeof(w));
	mef_wipe(w, sizeof(w));
	assert_int_equal(w[0] | w[7], 0);
	mef_wipe(NULL, 3);
}

static void
test_clock(void **state)
{
	uint64_t	a, b;

	(void)state;
	a = clock_mono_us();
	b = clock_mono_us();
	assert_true(b >= a);
	assert_true(clock_wall_s() > 1600000000);
}

static void
test_sockaddr_format(void **state)
{
	struct sockaddr_in	in4;
	struct sockaddr_in6	in6;
	struct sockaddr		other;
	char			out[64];

	(void)state;
	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = htons(4433);
	inet_pton(AF_INET, "192.0.2.7", &in4.sin_addr);
	sockaddr_format((struct sockaddr *)&in4, out, sizeof(out));
	assert_string_equal(out, "192.0.2.7:4433");
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	sockaddr_format((struct sockaddr *)&in6, out, sizeof(out));
	assert_string_equal(out, "[2001:db8::1]:443");
	memset(&other, 0, sizeof(other));
	other.sa_family = AF_UNIX;
	sockaddr_format(&other, out, sizeof(out));
	assert_string_equal(out, "?");
}

struct test_item {
	int			 n;
	struct workq_link	 link;
};

static void
test_workq(void **state)
{
	struct workq		 q;
	struct test_item	 it[5];
	struct workq_link	*l;
	size_t			 i, n;

	(void)state;
	workq_init(&q);
	for (i = 0; i < 5; i++) {
		it[i].n = (int)i;
		workq_put(&q, &it[i].link);
	}
	/* In order, at most max at a time, the chain ends after the last taken. */
	l = workq_take(&q, 3, 0, &n);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++, l = l->next)
		assert_int_equal(WORKQ_ITEM(l, struct test_item, link)->n, i);
	assert_null(l);
	workq_stop(&q);
	/* Stopped: what is queued is still taken, then NULL without blocking. */
	l = workq_take(&q, 1, 1000000, &n);
	assert_int_equal(n, 1);
	assert_int_equal(WORKQ_ITEM(l, struct test_item, link)->n, 3);
	l = workq_take(&q, 8, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(WORKQ_ITEM(l, struct test_item, link)->n, 4);
	assert_null(workq_take(&q, 8, 0, &n));
	assert_int_equal(n, 0);
	workq_destroy(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_hex_exhaustive),
		cmocka_unit_test(test_b64_rfc4648),
		cmocka_unit_test(test_b64_bounds),
		cmocka_unit_test(test_b64_non_canonical),
		cmocka_unit_test(test_b64_round_trip),
		cmocka_unit_test(test_codec_maps_exhaustive),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_hostport),
		cmocka_unit_test(test_is_dns_name),
		cmocka_unit_test(test_ct_memeq),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_sockaddr_format),
		cmocka_unit_test(test_workq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
