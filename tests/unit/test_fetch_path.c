/*
 * test_fetch_path.c -- /fetchCredentials/<KeId>[/<SUID>] against good and
 * hostile paths.
 *
 * Every path a Target can send goes through fetch_path_parse() before anything
 * is looked up, so the bad list is long: encodings, traversal, injection,
 * bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/fetch_path.h"

#define HEX	"000102030405060708090A0B0C0D0E0F"
#define KEYID	HEX "@mef.example.com"
#define P	FETCH_PATH_PREFIX

static enum mef_err
parse(const char *path, struct fetch_path *fp)
{
	return fetch_path_parse(path, strlen(path), fp);
}

static void
test_plain(void **state)
{
	struct fetch_path	fp;

	(void)state;
	assert_int_equal(parse(P KEYID, &fp), MEF_OK);
	assert_string_equal(fp.keyid.text, KEYID);
	assert_int_equal(fp.has_suid, 0);
}

static void
test_suid(void **state)
{
	struct fetch_path	fp;

	(void)state;
	assert_int_equal(parse(P KEYID "/22", &fp), MEF_OK);
	assert_string_equal(fp.keyid.text, KEYID);
	assert_int_equal(fp.has_suid, 1);
	assert_int_equal(fp.suid, 22);
	assert_int_equal(parse(P KEYID "/0", &fp), MEF_OK);
	assert_int_equal(fp.suid, 0);
	assert_int_equal(parse(P KEYID "/9999", &fp), MEF_OK);
	assert_int_equal(fp.suid, 9999);
}

static void
test_percent_40(void **state)
{
	struct fetch_path	fp;

	(void)state;
	assert_int_equal(parse(P HEX "%40mef.example.com", &fp), MEF_OK);
	assert_string_equal(fp.keyid.text, KEYID);
	assert_int_equal(parse(P HEX "%40mef.example.com/21", &fp), MEF_OK);
	assert_int_equal(fp.suid, 21);
	/* Lower-case hex, upper-case FQDN: the same canonical text. */
	assert_int_equal(parse(P "000102030405060708090a0b0c0d0e0f"
	    "%40MEF.EXAMPLE.COM", &fp), MEF_OK);
	assert_string_equal(fp.keyid.text, KEYID);
}

static void
test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"/",
		"/fetchCredentials",
		"/fetchCredentials/",
		"/fetchcredentials/" KEYID,
		"/FetchCredentials/" KEYID,
		"fetchCredentials/" KEYID,
		"//fetchCredentials/" KEYID,
		"/fetchCredentials//" KEYID,
		"/fetchCredentials/x/../" KEYID,
		P KEYID "/",
		P KEYID "//22",
		P KEYID "/22/",
		P KEYID "/22/1",
		P KEYID "/..",
		P KEYID "/.",
		P "../" KEYID,
		P "%2e%2e/" KEYID,
		P KEYID "/%2e%2e",
		P KEYID "%2f22",
		P KEYID "%2F22",
		P KEYID "%00",
		P KEYID "/22%00",
		P "%41" HEX "@mef.example.com",
		P HEX "%41mef.example.com",
		P HEX "%4",
		P HEX "%",
		P HEX "%4g",
		P HEX "%%40mef.example.com",
		P HEX "%2540mef.example.com",
		P HEX "@@mef.example.com",
		P HEX "@%40mef.example.com",
		P HEX "%40%40mef.example.com",
		P HEX "@mef@example.com",
		P HEX "@mef.example.com%40x",
		P KEYID "?x=1",
		P KEYID "?",
		P KEYID "#",
		P KEYID "#frag",
		P KEYID "/22?x",
		P KEYID "/22#x",
		P KEYID "\r\nX-Injected: 1",
		P KEYID "\n",
		P KEYID " ",
		P " " KEYID,
		P KEYID "/ 22",
		P KEYID "/22 ",
		P KEYID "/+22",
		P KEYID "/-1",
		P KEYID "/022",
		P KEYID "/00",
		P KEYID "/10000",
		P KEYID "/99999999999999999999999",
		P KEYID "/18446744073709551617",
		P KEYID "/0x16",
		P KEYID "/2e1",
		P KEYID "/22.0",
		P KEYID "/\xd9\xa2",		/* ARABIC-INDIC DIGIT TWO */
		P "000102030405060708090A0B0C0D0E0@mef.example.com",
		P "000102030405060708090A0B0C0D0E0F0@mef.example.com",
		P "000102030405060708090A0B0C0D0E0G@mef.example.com",
		P "000102030405060708090A0B0C0D0E0F@",
		P "@mef.example.com",
		P HEX,
		P HEX "@mef..example.com",
		P HEX "@mef.example.com.",
		P HEX "@mef_example.com",
		P HEX "@mef.example.com\\",
		P HEX "@m\xc3\xa9" "f.example.com",
		P KEYID ";jsessionid=1",
		"/fetchCredentials\\" KEYID,
	};
	struct fetch_path	fp;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &fp) != MEF_E_INVAL)
			fail_msg("accepted #%zu: %s", i, bad[i]);
	}
}

/* A NUL inside the given length is refused wherever it sits. */
static void
test_embedded_nul(void **state)
{
	char			path[128];
	struct fetch_path	fp;
	size_t			len, i;

	(void)state;
	len = (size_t)snprintf(path, sizeof(path), "%s", P KEYID "/22");
	for (i = sizeof(P) - 1; i < len; i++) {
		char saved = path[i];

		path[i] = '\0';
		if (fetch_path_parse(path, len, &fp) != MEF_E_INVAL)
			fail_msg("accepted NUL at %zu", i);
		path[i] = saved;
	}
	assert_int_equal(fetch_path_parse(path, len, &fp), MEF_OK);
}

/* Paths far past any KeId: long FQDN, long SUID, many segments. */
static void
test_long(void **state)
{
	char			path[2048];
	struct fetch_path	fp;
	size_t			n;

	(void)state;
	n = sizeof(P) - 1;
	memcpy(path, P HEX "@", n + 33);
	n += 33;
	memset(path + n, 'a', sizeof(path) - n);
	assert_int_equal(fetch_path_parse(path, sizeof(path), &fp),
	    MEF_E_INVAL);
	/* Exactly 63 characters per label is fine; 64 is not. */
	memset(path + n, 'a', 63);
	memcpy(path + n + 63, ".com", 4);
	assert_int_equal(fetch_path_parse(path, n + 67, &fp), MEF_OK);
	path[n + 63] = 'a';
	assert_int_equal(fetch_path_parse(path, n + 64, &fp), MEF_E_INVAL);
	assert_int_equal(fetch_path_parse(NULL, 10, &fp), MEF_E_INVAL);
}

/* A failed parse leaves the output untouched. */
static void
test_no_partial_output(void **state)
{
	struct fetch_path	fp;

	(void)state;
	memset(&fp, 0x5a, sizeof(fp));
	assert_int_equal(parse(P KEYID "/022", &fp), MEF_E_INVAL);
	assert_int_equal((unsigned char)fp.keyid.text[0], 0x5a);
}

static void
test_matches(void **state)
{
	static const char *const yes[] = {
		P KEYID, P, "/fetchCredentials", "/fetchCredentials?x",
		"/fetchCredentials#x", P "..",
	};
	static const char *const no[] = {
		"", "/", "/enrolment", "/fetchCredentialsX",
		"/fetchcredentials/",
		"fetchCredentials/", "/fetchCredential", "//fetchCredentials/",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(fetch_path_matches(yes[i], strlen(yes[i])));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(fetch_path_matches(no[i], strlen(no[i])));
	assert_false(fetch_path_matches(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_suid),
		cmocka_unit_test(test_percent_40),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_no_partial_output),
		cmocka_unit_test(test_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
