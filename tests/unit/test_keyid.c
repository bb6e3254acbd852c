/*
 * test_keyid.c -- KeId formatting and strict parsing.
 *
 * Parsing accepts either case of hex and yields the canonical text (upper-case
 * hex, lower-case FQDN); every other deviation from 32 hex digits '@' DNS-name
 * is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/keyid.h"

#define VEC_KEYID	"000102030405060708090A0B0C0D0E0F@mef.example.com"

static const unsigned char vec_rel[KDF_REL_KEYID_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static enum mef_err
parse(const char *s, struct keyid *kid)
{
	return keyid_parse(s, strlen(s), kid);
}

static void
test_format(void **state)
{
	char	out[KEYID_MAX];

	(void)state;
	assert_int_equal(keyid_format(vec_rel, "mef.example.com", out,
	    sizeof(out)), MEF_OK);
	assert_string_equal(out, VEC_KEYID);
	/* The FQDN is canonicalised to lower case. */
	assert_int_equal(keyid_format(vec_rel, "MEF.Example.COM", out,
	    sizeof(out)), MEF_OK);
	assert_string_equal(out, VEC_KEYID);
}

static void
test_format_bad(void **state)
{
	char	out[KEYID_MAX], big[KEYID_FQDN_MAX + 2];

	(void)state;
	assert_int_equal(keyid_format(vec_rel, "", out, sizeof(out)),
	    MEF_E_INVAL);
	assert_int_equal(keyid_format(vec_rel, "a@b", out, sizeof(out)),
	    MEF_E_INVAL);
	assert_int_equal(keyid_format(vec_rel, "a..b", out, sizeof(out)),
	    MEF_E_INVAL);
	assert_int_equal(keyid_format(vec_rel, "mef.example.com", out, 48),
	    MEF_E_INVAL);
	assert_int_equal(keyid_format(vec_rel, "mef.example.com", out, 49),
	    MEF_OK);
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(keyid_format(vec_rel, big, out, sizeof(out)),
	    MEF_E_INVAL);
}

static void
test_parse(void **state)
{
	struct keyid	kid;

	(void)state;
	assert_int_equal(parse(VEC_KEYID, &kid), MEF_OK);
	assert_memory_equal(kid.rel, vec_rel, sizeof(vec_rel));
	assert_string_equal(kid.fqdn, "mef.example.com");
	assert_string_equal(kid.text, VEC_KEYID);
	/* Lower-case hex and an upper-case FQDN: the same canonical text. */
	assert_int_equal(parse(
	    "000102030405060708090a0b0c0d0e0f@MEF.example.com", &kid), MEF_OK);
	assert_string_equal(kid.fqdn, "MEF.example.com");
	assert_string_equal(kid.text, VEC_KEYID);
	assert_int_equal(parse("ffFFffFFffFFffFFffFFffFFffFFffFF@x", &kid),
	    MEF_OK);
	assert_string_equal(kid.text, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF@x");
}

static void
test_parse_max_fqdn(void **state)
{
	char		s[32 + 1 + KEYID_FQDN_MAX + 2];
	struct keyid	kid;
	size_t		i;

	(void)state;
	memset(s, '0', 32);
	s[32] = '@';
	/* 253 characters: labels of 63 separated by dots. */
	for (i = 0; i < KEYID_FQDN_MAX + 1; i++)
		s[33 + i] = (i % 64 == 63) ? '.' : 'a';
	assert_int_equal(keyid_parse(s, 33 + KEYID_FQDN_MAX, &kid), MEF_OK);
	assert_int_equal(strlen(kid.text), 33 + KEYID_FQDN_MAX);
	assert_int_equal(keyid_parse(s, 33 + KEYID_FQDN_MAX + 1, &kid),
	    MEF_E_INVAL);
}

static void
test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"@mef.example.com",
		"000102030405060708090A0B0C0D0E0F",
		"000102030405060708090A0B0C0D0E0F@",
		"000102030405060708090A0B0C0D0E@mef.example.com",
		"000102030405060708090A0B0C0D0E0F0@mef.example.com",
		"000102030405060708090A0B0C0D0E0G@mef.example.com",
		"000102030405060708090A0B0C0D0E0 @mef.example.com",
		" 000102030405060708090A0B0C0D0E0F@mef.example.com",
		"000102030405060708090A0B0C0D0E0F@mef.example.com ",
		"000102030405060708090A0B0C0D0E0F@@mef.example.com",
		"000102030405060708090A0B0C0D0E0F@mef@example.com",
		"000102030405060708090A0B0C0D0E0F%40mef.example.com",
		"000102030405060708090A0B0C0D0E0F@mef%2eexample.com",
		"000102030405060708090A0B0C0D0E0F@mef..example.com",
		"000102030405060708090A0B0C0D0E0F@.mef.example.com",
		"000102030405060708090A0B0C0D0E0F@mef.example.com/",
		"000102030405060708090A0B0C0D0E0F@mef.example.com\r\n",
		"000102030405060708090A0B0C0D0E0F@mef_example.com",
		"0x0102030405060708090A0B0C0D0E0F@mef.example.com",
		"+00102030405060708090A0B0C0D0E0F@mef.example.com",
		/* a non-ASCII label (U+00E9): */
		"000102030405060708090A0B0C0D0E0F@m\303\251f.example.com",
	};
	struct keyid	kid;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &kid) != MEF_E_INVAL)
			fail_msg("accepted bad KeId #%zu", i);
	}
	/* An embedded NUL within the given length. */
	assert_int_equal(keyid_parse(
	    "000102030405060708090A0B0C0D0E0F@mef\0" "x", 38, &kid),
	    MEF_E_INVAL);
	assert_int_equal(keyid_parse(NULL, 0, &kid), MEF_E_INVAL);
}

/* A failed parse leaves the output untouched. */
static void
test_parse_no_partial_output(void **state)
{
	struct keyid	kid;

	(void)state;
	memset(&kid, 0x5a, sizeof(kid));
	assert_int_equal(parse("000102030405060708090A0B0C0D0E0F@a..b", &kid),
	    MEF_E_INVAL);
	assert_int_equal(kid.rel[0], 0x5a);
	assert_int_equal((unsigned char)kid.text[0], 0x5a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_bad),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_max_fqdn),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_no_partial_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
