/*
 * test_enrol_msg.c -- the enrolment exchange bodies of PROTOCOL.md 2.3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/enrol_msg.h"

#define KEYID	"000102030405060708090A0B0C0D0E0F@mef.example.com"

static void
fill(struct enrol_result *res)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->keyid, sizeof(res->keyid), "%s", KEYID);
	snprintf(res->enrolee_id, sizeof(res->enrolee_id), "%s",
	    "CAE-enrolee-1");
	res->ntargets = 2;
	snprintf(res->targets[0], sizeof(res->targets[0]), "%s", "/in-cse-1");
	snprintf(res->targets[1], sizeof(res->targets[1]), "%s",
	    "maf.example.com");
	res->lifetime_s = 86400;
}

static enum mef_err
decode_str(const char *s, struct enrol_result *res)
{
	return enrol_result_decode((const unsigned char *)s, strlen(s), res);
}

static void
test_encode_exact(void **state)
{
	static const char want[] = "{\"KeId\":\"" KEYID "\","
	    "\"EnroleeID\":\"CAE-enrolee-1\","
	    "\"Targets\":[\"/in-cse-1\",\"maf.example.com\"],"
	    "\"Lifetime\":86400}";
	struct enrol_result	res;
	char			out[1024];
	size_t			len;

	(void)state;
	fill(&res);
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_OK);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	/* Exactly big enough needs room for the NUL too. */
	assert_int_equal(enrol_result_encode(&res, out, len, &len),
	    MEF_E_TOOBIG);
	assert_int_equal(enrol_result_encode(&res, out, sizeof(want), &len),
	    MEF_OK);
	/* From its parts (mefd's way), the same bytes; TOOBIG when short. */
	memset(out, 0, sizeof(out));
	assert_int_equal(enrol_result_encode_from(res.keyid, res.enrolee_id,
	    (const char (*)[MEF_ID_MAX + 1])res.targets, res.ntargets,
	    res.lifetime_s, out, sizeof(out), &len), MEF_OK);
	assert_string_equal(out, want);
	assert_int_equal(enrol_result_encode_from(res.keyid, res.enrolee_id,
	    (const char (*)[MEF_ID_MAX + 1])res.targets, res.ntargets,
	    res.lifetime_s, out, 16, &len), MEF_E_TOOBIG);
	assert_int_equal(enrol_result_encode_from(res.keyid, res.enrolee_id,
	    NULL, 1, res.lifetime_s, out, sizeof(out), &len), MEF_E_INVAL);
	res.ntargets = 0;
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_OK);
	assert_string_equal(out, "{\"KeId\":\"" KEYID "\","
	    "\"EnroleeID\":\"CAE-enrolee-1\",\"Targets\":[],"
	    "\"Lifetime\":86400}");
}

static void
test_round_trip(void **state)
{
	struct enrol_result	res, back;
	char			out[MEF_TARGETS_MAX * (2 * MEF_ID_MAX + 4) +
				    1024];
	size_t			len, i;

	(void)state;
	fill(&res);
	snprintf(res.enrolee_id, sizeof(res.enrolee_id), "%s",
	    "a\"b\\c\xc3\xa9/");
	res.ntargets = MEF_TARGETS_MAX;
	for (i = 0; i < MEF_TARGETS_MAX; i++) {
		memset(res.targets[i], '"', MEF_ID_MAX);
		res.targets[i][MEF_ID_MAX] = '\0';
		res.targets[i][0] = (char)('A' + i % 26);
	}
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_OK);
	assert_int_equal(enrol_result_decode((unsigned char *)out, len, &back),
	    MEF_OK);
	assert_string_equal(back.keyid, res.keyid);
	assert_string_equal(back.enrolee_id, res.enrolee_id);
	assert_int_equal(back.ntargets, res.ntargets);
	for (i = 0; i < res.ntargets; i++)
		assert_string_equal(back.targets[i], res.targets[i]);
	assert_int_equal(back.lifetime_s, res.lifetime_s);
}

static void
test_encode_bad(void **state)
{
	struct enrol_result	res;
	char			out[1024];
	size_t			len;

	(void)state;
	fill(&res);
	res.keyid[3] = 'X';
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_E_INVAL);
	fill(&res);
	res.enrolee_id[0] = '\0';
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_E_INVAL);
	fill(&res);
	res.targets[1][2] = '\n';
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_E_INVAL);
	fill(&res);
	res.ntargets = MEF_TARGETS_MAX + 1;
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_E_INVAL);
	fill(&res);
	res.lifetime_s = (uint64_t)INT64_MAX + 1;
	assert_int_equal(enrol_result_encode(&res, out, sizeof(out), &len),
	    MEF_E_INVAL);
	fill(&res);
	assert_int_equal(enrol_result_encode(NULL, out, sizeof(out), &len),
	    MEF_E_INVAL);
}

#define HEAD	"{\"KeId\":\"" KEYID "\",\"EnroleeID\":\"e\","

static void
test_decode_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",
		"[]",
		"{",
		HEAD "\"Targets\":[]}",
		HEAD "\"Lifetime\":1}",
		HEAD "\"Targets\":[],\"Lifetime\":1,\"X\":1}",
		HEAD "\"Targets\":[],\"Lifetime\":1} x",
		HEAD "\"Targets\":[],\"Lifetime\":1,\"Lifetime\":1}",
		HEAD "\"Targets\":[],\"Lifetime\":-1}",
		HEAD "\"Targets\":[],\"Lifetime\":1.0}",
		HEAD "\"Targets\":[],\"Lifetime\":\"1\"}",
		HEAD "\"Targets\":{},\"Lifetime\":1}",
		HEAD "\"Targets\":[1],\"Lifetime\":1}",
		HEAD "\"Targets\":[\"\"],\"Lifetime\":1}",
		HEAD "\"Targets\":[\"a\\u0001\"],\"Lifetime\":1}",
		HEAD "\"Targets\":\"a\",\"Lifetime\":1}",
		"{\"KeId\":\"x@y\",\"EnroleeID\":\"e\",\"Targets\":[],"
		    "\"Lifetime\":1}",
		"{\"KeId\":1,\"EnroleeID\":\"e\",\"Targets\":[],"
		    "\"Lifetime\":1}",
		"{\"KeId\":\"" KEYID "\",\"EnroleeID\":\"\",\"Targets\":[],"
		    "\"Lifetime\":1}",
		"{\"KeId\":\"" KEYID "\",\"EnroleeID\":null,\"Targets\":[],"
		    "\"Lifetime\":1}",
	};
	struct enrol_result	res;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode_str(bad[i], &res) != MEF_E_PROTO)
			fail_msg("accepted #%zu: %s", i, bad[i]);
	}
}

static void
test_decode_too_many_targets(void **state)
{
	char			body[4096];
	struct enrol_result	res;
	size_t			n, i;

	(void)state;
	n = (size_t)snprintf(body, sizeof(body), "%s", HEAD "\"Targets\":[");
	for (i = 0; i < MEF_TARGETS_MAX + 1; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s\"t\"",
		    i > 0 ? "," : "");
	snprintf(body + n, sizeof(body) - n, "],\"Lifetime\":1}");
	assert_int_equal(decode_str(body, &res), MEF_E_PROTO);
}

static void
test_request_check(void **state)
{
	static const char *const good[] = { "{}", " { } ", "{\"x\":1}",
	    "{\"a\":{\"b\":[1,2]}}" };
	static const char *const bad[] = { "[]", "1", "\"x\"", "{", "{} {}",
	    "{\"a\":1,\"a\":2}", "null" };
	char	big[ENROL_BODY_MAX + 2];
	size_t	i;

	(void)state;
	assert_int_equal(enrol_request_check(NULL, 0), MEF_OK);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(enrol_request_check(
		    (const unsigned char *)good[i], strlen(good[i])), MEF_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(enrol_request_check(
		    (const unsigned char *)bad[i], strlen(bad[i])),
		    MEF_E_PROTO);
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[ENROL_BODY_MAX - 1] = '}';
	assert_int_equal(enrol_request_check((unsigned char *)big,
	    ENROL_BODY_MAX), MEF_OK);
	assert_int_equal(enrol_request_check((unsigned char *)big,
	    ENROL_BODY_MAX + 1), MEF_E_PROTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_exact),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_bad),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_decode_too_many_targets),
		cmocka_unit_test(test_request_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
