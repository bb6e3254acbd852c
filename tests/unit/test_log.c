/*
 * test_log.c -- log_value(), the escaper that keeps peer-chosen strings from forging
 * key=value pairs in a log line: safe tokens stay bare, anything else is quoted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/log.h"

static void
test_safe_unchanged(void **state)
{
	static const char *const ok[] = {
		"dev1", "C-victim", "CAE123.kpm_01", "a~b:c/d@e+f-g",
		"0123456789abcdef@mef.example.net",
	};
	char	buf[LOG_VALUE_SIZE];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_ptr_equal(log_value(buf, sizeof(buf), ok[i]), ok[i]);
	assert_string_equal(LOG_VAL("dev1"), "dev1");
}

/* Every byte value: bare exactly for [A-Za-z0-9._~:/@+-]. */
static void
test_each_byte(void **state)
{
	static const char safe[] = "._~:/@+-";
	char	buf[LOG_VALUE_SIZE], in[3];
	int	c, want;

	(void)state;
	for (c = 1; c < 256; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = '\0';
		want = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr(safe, c) != NULL;
		if ((log_value(buf, sizeof(buf), in) == in) != want)
			fail_msg("byte 0x%02x: bare %d, want %d", c, !want, want);
	}
}

static void
test_quoted(void **state)
{
	char	buf[LOG_VALUE_SIZE];

	(void)state;
	assert_string_equal(log_value(buf, sizeof(buf),
	    "x outcome=stored enrolee_id=C-victim"),
	    "\"x outcome=stored enrolee_id=C-victim\"");
	assert_string_equal(log_value(buf, sizeof(buf), "a=b"), "\"a=b\"");
	assert_string_equal(log_value(buf, sizeof(buf), "say \"hi\""),
	    "\"say \\\"hi\\\"\"");
	assert_string_equal(log_value(buf, sizeof(buf), "a\\b"), "\"a\\\\b\"");
	assert_string_equal(log_value(buf, sizeof(buf), "a\nb\tc\x7f"),
	    "\"a\\x0ab\\x09c\\x7f\"");
	/* UTF-8 "é" and a stray high byte: each byte as \xHH */
	assert_string_equal(log_value(buf, sizeof(buf), "caf\xc3\xa9\xff"),
	    "\"caf\\xc3\\xa9\\xff\"");
	/* the empty string and a literal "-" are not the "absent" mark */
	assert_string_equal(log_value(buf, sizeof(buf), ""), "\"\"");
	assert_string_equal(log_value(buf, sizeof(buf), "-"), "\"-\"");
	assert_string_equal(log_value(buf, sizeof(buf), NULL), "-");
	assert_string_equal(LOG_VAL("a b"), "\"a b\"");
}

/* The quoted form, read back: the escapes undone, the "..." mark noted. */
static size_t
unquote(const char *q, char *out, int *cut)
{
	size_t	i, o = 0, n = strlen(q);

	assert_true(n >= 2 && q[0] == '"' && q[n - 1] == '"');
	*cut = n >= 5 && memcmp(q + n - 4, "...\"", 4) == 0;
	if (*cut)
		n -= 3;
	for (i = 1; i < n - 1; i++) {
		if (q[i] != '\\') {
			assert_true(q[i] >= 0x20 && q[i] < 0x7f && q[i] != '"');
			out[o++] = q[i];
		} else if (q[i + 1] == 'x') {
			unsigned int	v;

			assert_int_equal(sscanf(q + i + 2, "%2x", &v), 1);
			out[o++] = (char)v;
			i += 3;
		} else {
			assert_true(q[i + 1] == '"' || q[i + 1] == '\\');
			out[o++] = q[++i];
		}
	}
	out[o] = '\0';
	return o;
}

static void
test_overlong(void **state)
{
	char	in[2000], buf[LOG_VALUE_SIZE], back[2000];
	const char *r;
	size_t	len, n;
	int	cut;

	(void)state;
	/* a 255-byte identity of safe bytes fits bare */
	memset(in, 'a', 255);
	in[255] = '\0';
	assert_ptr_equal(log_value(buf, sizeof(buf), in), in);
	/* a safe token longer than the bound is quoted and cut */
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	r = log_value(buf, sizeof(buf), in);
	assert_ptr_equal(r, buf);
	assert_true(strlen(r) <= LOG_VALUE_MAX);
	n = unquote(r, back, &cut);
	assert_true(cut);
	assert_true(n > 0 && memcmp(back, in, n) == 0);
	/* every length of escape-heavy input: bounded, a prefix, cut marked */
	for (len = 0; len < 400; len++) {
		size_t	i;

		for (i = 0; i < len; i++)
			in[i] = "a \"\\\x01\xe9="[i % 7];
		in[len] = '\0';
		r = log_value(buf, sizeof(buf), in);
		assert_true(strlen(r) <= LOG_VALUE_MAX);
		if (r == in) {	/* "a": a safe token */
			assert_int_equal(len, 1);
			continue;
		}
		n = unquote(r, back, &cut);
		assert_true(n <= len && memcmp(back, in, n) == 0);
		assert_int_equal(cut, n < len);
	}
	/* a small buffer still yields a well-formed quoted value */
	r = log_value(buf, 12, "hello world, and more");
	assert_true(strlen(r) <= 11);
	(void)unquote(r, back, &cut);
	assert_true(cut);
	assert_string_equal(log_value(buf, 4, "a b"), "\"...\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_unchanged),
		cmocka_unit_test(test_each_byte),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_overlong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
