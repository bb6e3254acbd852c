/*
 * test_answer.c -- the fetchCredentials answer in JSON, XML and CBOR, and the
 * outcome table behind its ErrorStrings.
 *
 * Encoders must reproduce tests/vectors/answer/ byte for byte; every format
 * must round-trip; decoders must refuse anything that is not exactly an answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/answer.h"
#include "protocol/rsc.h"
#include "util/hex.h"
#include "util/secret.h"

#define VEC_KPSA \
	"2ab047a395e5df82b25f33f898a32ce359b6bd439b02c22c584348fa70d298f2"
#define VEC_EID		"CAE-enrolee-1"
#define VEC_LIFETIME	3600
#define B64_HEAD	"KrBHo5Xl34KyXzP4mKMs41m2vUObAsIsWENI"
#define B64_KEY		B64_HEAD "+nDSmPI="
#define CBOR_KEY_HEX	VEC_KPSA

static const enum mef_format formats[] = {
	MEF_FMT_JSON, MEF_FMT_XML, MEF_FMT_CBOR,
};

static struct mef_secret *
vec_key(void)
{
	struct mef_secret	*k = NULL;

	assert_int_equal(mef_secret_from_hex(VEC_KPSA, 64, &k), MEF_OK);
	return k;
}

/* Reads tests/vectors/answer/<name> without its last newline; hex decoded. */
static size_t
load_vector(const char *name, unsigned char *out, size_t outsz)
{
	char	path[512], text[4096];
	FILE	*f;
	size_t	n;

	snprintf(path, sizeof(path), "%s/answer/%s", MEF_TEST_VECTORS, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text));
	if (text[n - 1] == '\n')
		n--;
	if (strstr(name, ".hex") == NULL) {
		assert_true(n <= outsz);
		memcpy(out, text, n);
		return n;
	}
	assert_int_equal(hex_decode(text, n, out, n / 2), MEF_OK);
	return n / 2;
}

static size_t
unhex(const char *hex, unsigned char *out, size_t outsz)
{
	size_t	n = strlen(hex);

	assert_true(n / 2 <= outsz);
	assert_int_equal(hex_decode(hex, n, out, n / 2), MEF_OK);
	return n / 2;
}

static enum mef_err
decode_str(enum mef_format fmt, const char *body, struct answer *ans)
{
	return answer_decode(fmt, (const unsigned char *)body, strlen(body),
	    ans);
}

static void
test_vectors(void **state)
{
	static const char *const ok_names[] = { "ok.json", "ok.xml",
	    "ok.cbor.hex" };
	static const char *const err_names[] = { "error.json", "error.xml",
	    "error.cbor.hex" };
	struct mef_secret	*k = vec_key();
	unsigned char		 want[ANSWER_MAX], out[ANSWER_MAX];
	size_t			 i, want_len, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		want_len = load_vector(ok_names[i], want, sizeof(want));
		assert_int_equal(answer_encode_ok(formats[i], k, VEC_EID,
		    VEC_LIFETIME, out, sizeof(out), &len), MEF_OK);
		assert_int_equal(len, want_len);
		assert_memory_equal(out, want, len);
		want_len = load_vector(err_names[i], want, sizeof(want));
		assert_int_equal(answer_encode_error(formats[i],
		    outcome_get(OUT_NOT_FOUND)->error_string, out, sizeof(out),
		    &len), MEF_OK);
		assert_int_equal(len, want_len);
		assert_memory_equal(out, want, len);
	}
	mef_secret_free(&k);
}

/* The JSON form spelled out here too: an edited vector cannot hide a change. */
static void
test_json_exact(void **state)
{
	static const char want[] = "{\"Status\":true,\"Credential\":\"" B64_KEY
	    "\",\"EnroleeID\":\"" VEC_EID "\",\"Lifetime\":3600}";
	struct mef_secret	*k = vec_key();
	unsigned char		 out[ANSWER_MAX];
	size_t			 len;

	(void)state;
	assert_int_equal(answer_encode_ok(MEF_FMT_JSON, k, VEC_EID, 3600, out,
	    sizeof(out), &len), MEF_OK);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(out, want, len);
	assert_int_equal(answer_encode_error(MEF_FMT_JSON, "a\"b\\c\x7f", out,
	    sizeof(out), &len), MEF_E_INVAL);
	assert_int_equal(answer_encode_error(MEF_FMT_JSON, "a\"b\\c/d", out,
	    sizeof(out), &len), MEF_OK);
	assert_int_equal(len, strlen("{\"Status\":false,\"ErrorString\":"
	    "\"a\\\"b\\\\c/d\"}"));
	assert_memory_equal(out, "{\"Status\":false,\"ErrorString\":"
	    "\"a\\\"b\\\\c/d\"}", len);
	mef_secret_free(&k);
}

static void
test_vectors_decode(void **state)
{
	static const char *const ok_names[] = { "ok.json", "ok.xml",
	    "ok.cbor.hex" };
	static const char *const err_names[] = { "error.json", "error.xml",
	    "error.cbor.hex" };
	struct mef_secret	*k = vec_key();
	struct answer		 ans;
	unsigned char		 body[ANSWER_MAX];
	size_t			 i, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		len = load_vector(ok_names[i], body, sizeof(body));
		assert_int_equal(answer_decode(formats[i], body, len, &ans),
		    MEF_OK);
		assert_int_equal(ans.status, 1);
		assert_true(mef_secret_equal(ans.credential, k));
		assert_string_equal(ans.enrolee_id, VEC_EID);
		assert_int_equal(ans.lifetime_s, VEC_LIFETIME);
		answer_clear(&ans);
		assert_null(ans.credential);
		len = load_vector(err_names[i], body, sizeof(body));
		assert_int_equal(answer_decode(formats[i], body, len, &ans),
		    MEF_OK);
		assert_int_equal(ans.status, 0);
		assert_null(ans.credential);
		assert_string_equal(ans.error, "credential not found");
		answer_clear(&ans);
	}
	mef_secret_free(&k);
}

/* Every format round-trips awkward identifiers and extreme lifetimes. */
static void
test_round_trip(void **state)
{
	static const char *const ids[] = {
		"CAE-enrolee-1", "a\"b\\c<d>&e'f]]>g", "/in-cse-1/C\xc3\xa9",
		"\xe6\xbc\xa2\xe5\xad\x97\xf0\x9f\x94\x91", "x",
		"&amp;&#65;",
	};
	static const uint64_t lifetimes[] = {
		0, 1, 23, 24, 255, 256, 65535, 65536, 4294967295ULL,
		4294967296ULL, INT64_MAX,
	};
	struct mef_secret	*k = vec_key();
	struct answer		 ans;
	unsigned char		 out[ANSWER_MAX];
	size_t			 f, i, len;

	(void)state;
	for (f = 0; f < 3; f++) {
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			assert_int_equal(answer_encode_ok(formats[f], k, ids[i],
			    lifetimes[i], out, sizeof(out), &len), MEF_OK);
			assert_int_equal(answer_decode(formats[f], out, len,
			    &ans), MEF_OK);
			assert_int_equal(ans.status, 1);
			assert_true(mef_secret_equal(ans.credential, k));
			assert_string_equal(ans.enrolee_id, ids[i]);
			assert_int_equal(ans.lifetime_s, lifetimes[i]);
			answer_clear(&ans);
		}
		for (i = 0; i < sizeof(lifetimes) / sizeof(lifetimes[0]); i++) {
			assert_int_equal(answer_encode_ok(formats[f], k, "e",
			    lifetimes[i], out, sizeof(out), &len), MEF_OK);
			assert_int_equal(answer_decode(formats[f], out, len,
			    &ans), MEF_OK);
			assert_int_equal(ans.lifetime_s, lifetimes[i]);
			answer_clear(&ans);
		}
	}
	mef_secret_free(&k);
}

/* Every ErrorString of the table round-trips in every format. */
static void
test_round_trip_errors(void **state)
{
	const struct outcome_info	*oi;
	struct answer			 ans;
	unsigned char			 out[ANSWER_MAX];
	size_t				 f, len;
	int				 o;

	(void)state;
	for (f = 0; f < 3; f++) {
		for (o = 0; o < OUT_COUNT; o++) {
			oi = outcome_get((enum outcome)o);
			if (oi->error_string == NULL)
				continue;
			assert_int_equal(answer_encode_error(formats[f],
			    oi->error_string, out, sizeof(out), &len), MEF_OK);
			assert_int_equal(answer_decode(formats[f], out, len,
			    &ans), MEF_OK);
			assert_int_equal(ans.status, 0);
			assert_string_equal(ans.error, oi->error_string);
			answer_clear(&ans);
		}
	}
}

/* The longest identifiers fit ANSWER_MAX in every format. */
static void
test_max_sizes(void **state)
{
	struct mef_secret	*k = vec_key();
	char			 id[MEF_ID_MAX + 2], err[MEF_ERRSTR_MAX + 2];
	unsigned char		 out[ANSWER_MAX];
	struct answer		 ans;
	size_t			 f, len;

	(void)state;
	memset(id, '&', sizeof(id));	/* the worst case for XML escaping */
	id[MEF_ID_MAX] = '\0';
	memset(err, '<', sizeof(err));
	err[MEF_ERRSTR_MAX] = '\0';
	for (f = 0; f < 3; f++) {
		assert_int_equal(answer_encode_ok(formats[f], k, id, INT64_MAX,
		    out, sizeof(out), &len), MEF_OK);
		assert_int_equal(answer_decode(formats[f], out, len, &ans),
		    MEF_OK);
		assert_string_equal(ans.enrolee_id, id);
		answer_clear(&ans);
		assert_int_equal(answer_encode_error(formats[f], err, out,
		    sizeof(out), &len), MEF_OK);
		id[MEF_ID_MAX] = '&';
		id[MEF_ID_MAX + 1] = '\0';
		assert_int_equal(answer_encode_ok(formats[f], k, id, 1, out,
		    sizeof(out), &len), MEF_E_INVAL);
		id[MEF_ID_MAX] = '\0';
		err[MEF_ERRSTR_MAX] = '<';
		err[MEF_ERRSTR_MAX + 1] = '\0';
		assert_int_equal(answer_encode_error(formats[f], err, out,
		    sizeof(out), &len), MEF_E_INVAL);
		err[MEF_ERRSTR_MAX] = '\0';
	}
	mef_secret_free(&k);
}

static void
test_encode_bad_input(void **state)
{
	struct mef_secret	*k = vec_key(), *short_key = NULL;
	unsigned char		 out[ANSWER_MAX];
	size_t			 f, len;

	(void)state;
	assert_int_equal(mef_secret_from_hex("00112233", 8, &short_key),
	    MEF_OK);
	for (f = 0; f < 3; f++) {
		assert_int_equal(answer_encode_ok(formats[f], short_key, "e", 1,
		    out, sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], NULL, "e", 1,
		    out, sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "", 1, out,
		    sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, NULL, 1, out,
		    sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "a\nb", 1, out,
		    sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "a\xff", 1,
		    out, sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "\xed\xa0\x80",
		    1, out, sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "\xef\xbf\xbf",
		    1, out, sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_ok(formats[f], k, "e",
		    (uint64_t)INT64_MAX + 1, out, sizeof(out), &len),
		    MEF_E_INVAL);
		assert_int_equal(answer_encode_error(formats[f], "a\tb", out,
		    sizeof(out), &len), MEF_E_INVAL);
		assert_int_equal(answer_encode_error(formats[f], NULL, out,
		    sizeof(out), &len), MEF_E_INVAL);
	}
	assert_int_equal(answer_encode_ok((enum mef_format)7, k, "e", 1, out,
	    sizeof(out), &len), MEF_E_INVAL);
	mef_secret_free(&short_key);
	mef_secret_free(&k);
}

/* A buffer too short fails with TOOBIG and is left all zero (no key part). */
static void
test_encode_too_small(void **state)
{
	struct mef_secret	*k = vec_key();
	unsigned char		 out[ANSWER_MAX], zero[ANSWER_MAX];
	size_t			 f, len, full, cut;

	(void)state;
	memset(zero, 0, sizeof(zero));
	for (f = 0; f < 3; f++) {
		assert_int_equal(answer_encode_ok(formats[f], k, VEC_EID, 3600,
		    out, sizeof(out), &full), MEF_OK);
		for (cut = 0; cut < full; cut++) {
			memset(out, 0xee, sizeof(out));
			assert_int_equal(answer_encode_ok(formats[f], k,
			    VEC_EID, 3600, out, cut, &len), MEF_E_TOOBIG);
			assert_memory_equal(out, zero, cut);
			assert_int_equal(out[cut], 0xee);
		}
		assert_int_equal(answer_encode_ok(formats[f], k, VEC_EID, 3600,
		    out, full, &len), MEF_OK);
		assert_int_equal(len, full);
	}
	mef_secret_free(&k);
}

static void
expect_bad(enum mef_format fmt, const char *const *bodies, size_t n)
{
	struct answer	ans;
	size_t		i;

	for (i = 0; i < n; i++) {
		memset(&ans, 0x5a, sizeof(ans));
		if (decode_str(fmt, bodies[i], &ans) != MEF_E_PROTO)
			fail_msg("format %d accepted #%zu: %s", (int)fmt, i,
			    bodies[i]);
		assert_null(ans.credential);
		assert_int_equal(ans.status, 0);
	}
}

#define J_OK_HEAD	"{\"Status\":true,\"Credential\":\"" B64_KEY "\","
/* A success body around Credential value c. */
#define J_CRED(c) \
	"{\"Status\":true,\"Credential\":" c ",\"EnroleeID\":\"e\"," \
	"\"Lifetime\":1}"

static void
test_json_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"\"x\"",
		"null",
		"true",
		"{}",
		"{\"Status\":true}",
		"{\"Status\":false}",
		"{\"Status\":\"true\",\"ErrorString\":\"x\"}",
		"{\"Status\":1,\"ErrorString\":\"x\"}",
		"{\"Status\":null,\"ErrorString\":\"x\"}",
		"{\"Status\":false,\"ErrorString\":1}",
		"{\"Status\":false,\"ErrorString\":\"x\",\"Extra\":1}",
		"{\"Status\":false,\"ErrorString\":\"x\",\"Credential\":\""
		    B64_KEY "\"}",
		"{\"Status\":false,\"ErrorString\":\"x\"} x",
		"{\"Status\":false,\"ErrorString\":\"x\"}{}",
		"{\"Status\":false,\"ErrorString\":\"x\",\"Status\":false}",
		"{\"Status\":false,\"ErrorString\":\"x\\u0000y\"}",
		"{\"status\":false,\"ErrorString\":\"x\"}",
		J_OK_HEAD "\"EnroleeID\":\"e\"}",
		J_OK_HEAD "\"Lifetime\":1}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":\"1\"}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1.5}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1e3}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":-1}",
		J_OK_HEAD "\"EnroleeID\":\"e\","
		    "\"Lifetime\":99999999999999999999}",
		J_OK_HEAD "\"EnroleeID\":\"\",\"Lifetime\":1}",
		J_OK_HEAD "\"EnroleeID\":1,\"Lifetime\":1}",
		J_OK_HEAD "\"EnroleeID\":\"a\\nb\",\"Lifetime\":1}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1,\"X\":0}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1,"
		    "\"ErrorString\":\"x\"}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1,"
		    "\"Credential\":\"" B64_KEY "\"}",
		J_OK_HEAD "\"EnroleeID\":\"e\",\"Lifetime\":1}\n{",
		/* 31 and 33 bytes; non-canonical padding bits; no padding. */
		J_CRED("\"" B64_HEAD "+nDSmA==\""),
		J_CRED("\"" B64_HEAD "+nDSmPIA\""),
		J_CRED("\"" B64_HEAD "+nDSmPJ=\""),
		J_CRED("\"" B64_HEAD "+nDSmPI\""),
		J_CRED("\"" B64_HEAD "-nDSmPI=\""),
		J_CRED("\" " B64_HEAD "+nDSmPI=\""),
		J_CRED("\"\""),
		J_CRED("[1]"),
		J_CRED("null"),
		J_CRED("\"" B64_HEAD "+nDS\\u006dPI=\",\"Lifetime\":1"),
	};

	(void)state;
	expect_bad(MEF_FMT_JSON, bad, sizeof(bad) / sizeof(bad[0]));
}

/* Whitespace and member order are free; escapes inside strings are decoded. */
static void
test_json_lenient_syntax(void **state)
{
	static const char body[] = " {\n  \"Lifetime\" : 7 ,\n"
	    "  \"EnroleeID\": \"a\\u00e9\\\"b\",\n"
	    "  \"Credential\": \"" B64_HEAD "+nDSmPI\\u003d\",\n"
	    "  \"Status\": true\n}\n";
	struct mef_secret	*k = vec_key();
	struct answer		 ans;

	(void)state;
	assert_int_equal(decode_str(MEF_FMT_JSON, body, &ans), MEF_OK);
	assert_true(mef_secret_equal(ans.credential, k));
	assert_string_equal(ans.enrolee_id, "a\xc3\xa9\"b");
	assert_int_equal(ans.lifetime_s, 7);
	answer_clear(&ans);
	mef_secret_free(&k);
}

#define X_DECL	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define X_R	"<fetchCredentialsResponse>"
#define X_E	"</fetchCredentialsResponse>"
#define X_OK	"<Status>true</Status><Credential>" B64_KEY "</Credential>" \
		"<EnroleeID>e</EnroleeID><Lifetime>1</Lifetime>"
#define X_ERR	"<Status>false</Status><ErrorString>x</ErrorString>"

static void
test_xml_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"<",
		"not xml",
		X_R X_E,
		X_R X_OK,
		X_R "<Status>true</Status>" X_E,
		X_R "<Status>false</Status>" X_E,
		X_R "<Status>TRUE</Status><ErrorString>x</ErrorString>" X_E,
		X_R "<Status> false</Status><ErrorString>x</ErrorString>" X_E,
		X_R "<Status>0</Status><ErrorString>x</ErrorString>" X_E,
		X_R X_ERR "<Extra/>" X_E,
		X_R X_ERR "<Status>false</Status>" X_E,
		X_R X_ERR X_E "<x/>",
		X_R X_ERR X_E "junk",
		X_R X_ERR X_E X_R X_ERR X_E,
		X_R X_ERR X_E "<?pi x?>",
		"<fetchcredentialsresponse>" X_ERR
		    "</fetchcredentialsresponse>",
		"<other>" X_ERR "</other>",
		"<fetchCredentialsResponse a=\"1\">" X_ERR X_E,
		"<fetchCredentialsResponse xmlns=\"urn:x\">" X_ERR X_E,
		"<m:fetchCredentialsResponse xmlns:m=\"urn:x\">" X_ERR
		    "</m:fetchCredentialsResponse>",
		X_R "<Status id=\"1\">false</Status>"
		    "<ErrorString>x</ErrorString>" X_E,
		X_R "<Status><b>false</b></Status><ErrorString>x</ErrorString>"
		    X_E,
		X_R "<Status>fal<!-- c -->se</Status>"
		    "<ErrorString>x</ErrorString>" X_E,
		X_R X_ERR "<!-- comment -->" X_E,
		X_R "<Status>false</Status><ErrorString><![CDATA[x]]>"
		    "</ErrorString>" X_E,
		"<!DOCTYPE fetchCredentialsResponse>" X_R X_ERR X_E,
		"<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
		    "<!ENTITY b \"&a;&a;&a;&a;\">]>"
		    X_R "<Status>false</Status><ErrorString>&b;</ErrorString>"
		    X_E,
		"<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\">" X_R X_ERR
		    X_E,
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" X_R
		    "<Status>false</Status><ErrorString>&x;</ErrorString>" X_E,
		X_R "<Status>false</Status>"
		    "<ErrorString>&undefined;</ErrorString>" X_E,
		X_R "<Status>false</Status><ErrorString>a&#1;b</ErrorString>"
		    X_E,
		X_R "<Status>false</Status><ErrorString>a&#10;b</ErrorString>"
		    X_E,
		X_R "<Status>true</Status><Credential>" B64_KEY "</Credential>"
		    "<EnroleeID>e</EnroleeID><Lifetime>-1</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential>" B64_KEY "</Credential>"
		    "<EnroleeID>e</EnroleeID><Lifetime> 1</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential>" B64_KEY "</Credential>"
		    "<EnroleeID>e</EnroleeID><Lifetime>+1</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential>" B64_KEY "</Credential>"
		    "<EnroleeID>e</EnroleeID><Lifetime>9223372036854775808"
		    "</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential>" B64_KEY "</Credential>"
		    "<EnroleeID></EnroleeID><Lifetime>1</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential> " B64_KEY "</Credential>"
		    "<EnroleeID>e</EnroleeID><Lifetime>1</Lifetime>" X_E,
		X_R "<Status>true</Status><Credential>" B64_HEAD
		    "+nDSmA==</Credential><EnroleeID>e</EnroleeID>"
		    "<Lifetime>1</Lifetime>" X_E,
		X_R X_OK "<ErrorString>x</ErrorString>" X_E,
		X_R X_OK "<Lifetime>1</Lifetime>" X_E,
	};

	(void)state;
	expect_bad(MEF_FMT_XML, bad, sizeof(bad) / sizeof(bad[0]));
}

/* No declaration, whitespace between fields, any order, predefined entities. */
static void
test_xml_lenient_syntax(void **state)
{
	static const char body[] = X_R "\n  <Lifetime>7</Lifetime>\n"
	    "  <EnroleeID>a&amp;b&lt;c&#x41;\xc3\xa9</EnroleeID>\n"
	    "  <Credential>" B64_KEY "</Credential>\n"
	    "  <Status>true</Status>\n" X_E "\n";
	struct mef_secret	*k = vec_key();
	struct answer		 ans;

	(void)state;
	assert_int_equal(decode_str(MEF_FMT_XML, body, &ans), MEF_OK);
	assert_true(mef_secret_equal(ans.credential, k));
	assert_string_equal(ans.enrolee_id, "a&b<cA\xc3\xa9");
	assert_int_equal(ans.lifetime_s, 7);
	answer_clear(&ans);
	assert_int_equal(decode_str(MEF_FMT_XML, X_DECL X_R
	    "<Status>false</Status><ErrorString/>" X_E, &ans), MEF_OK);
	assert_string_equal(ans.error, "");
	answer_clear(&ans);
	mef_secret_free(&k);
}

/* CBOR pieces: text keys and the four values of the vector. */
#define C_STATUS	"66537461747573"
#define C_CRED		"6a43726564656e7469616c"
#define C_EID		"69456e726f6c65654944"
#define C_LIFE		"684c69666574696d65"
#define C_ERRS		"6b4572726f72537472696e67"
#define C_KEY		"5820" CBOR_KEY_HEX
#define C_E		"6165"	/* "e" */

static void
test_cbor_bad(void **state)
{
	static const char *const bad[] = {
		"a0",
		"80",
		"f5",
		"a1" C_STATUS "f5",
		"a1" C_STATUS "f4",
		"a2" C_STATUS "f4" C_ERRS "6178" "00",		/* trailing */
		"a2" C_STATUS "f4" C_ERRS "61",			/* truncated */
		"bf" C_STATUS "f4" C_ERRS "6178" "ff",		/* indefinite */
		"a2" C_STATUS "01" C_ERRS "6178",		/* Status int */
		"a2" C_STATUS "f6" C_ERRS "6178",		/* null */
		"a2" C_STATUS "f4" C_ERRS "4178",		/* bytes text */
		"a2" C_STATUS "f4" C_ERRS "7f6178ff",		/* indef text */
		"a2" "46537461747573" "f4" C_ERRS "6178",	/* byte key */
		"a2" "66737461747573" "f4" C_ERRS "6178",	/* "status" */
		"a3" C_STATUS "f4" C_ERRS "6178" "6158" "00",	/* unknown */
		"a3" C_STATUS "f4" C_ERRS "6178" C_STATUS "f4",	/* duplicate */
		"a2" C_STATUS "f4" C_ERRS "6200" "78",		/* NUL */
		"a2" C_STATUS "f4" C_ERRS "61ff",		/* not UTF-8 */
		"a2" C_STATUS "f4" C_ERRS "c06178",		/* tagged */
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID C_E C_LIFE "20",	/* -1 */
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID C_E C_LIFE "f93c00",
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID C_E C_LIFE
		    "1b8000000000000000",		/* > INT64_MAX */
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID "60" C_LIFE "01",
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID "01" C_LIFE "01",
		"a4" C_STATUS "f5" C_CRED "581f"
		    "0000000000000000000000000000000000000000000000000000000000"
		    "0000" C_EID C_E C_LIFE "01",
		"a4" C_STATUS "f5" C_CRED "5821" CBOR_KEY_HEX "00" C_EID C_E
		    C_LIFE "01",
		"a4" C_STATUS "f5" C_CRED "7820" CBOR_KEY_HEX C_EID C_E C_LIFE
		    "01",
		"a4" C_STATUS "f5" C_CRED "5f" C_KEY "ff" C_EID C_E C_LIFE "01",
		"a4" C_STATUS "f5" C_CRED C_KEY C_EID C_E C_ERRS "6178",
		"a3" C_STATUS "f5" C_CRED C_KEY C_EID C_E,
		"a5" C_STATUS "f5" C_CRED C_KEY C_EID C_E C_LIFE "01" C_ERRS
		    "6178",
		"a2" C_STATUS "f4" C_CRED C_KEY,
		"9f" "ff",
		/* Found by fuzzing: a count libcbor would allocate for (15 GB). */
		"9a75747453",
		"a2" C_STATUS "9a75747453" C_ERRS "6178",
		/* Found by fuzzing: a float Status aborted inside libcbor. */
		"a2" C_STATUS "fa3f800000" C_ERRS "6178",
		"a2" C_STATUS "f93c00" C_ERRS "6178",
	};
	unsigned char	body[512];
	struct answer	ans;
	size_t		i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = unhex(bad[i], body, sizeof(body));
		memset(&ans, 0x5a, sizeof(ans));
		if (answer_decode(MEF_FMT_CBOR, body, len, &ans) != MEF_E_PROTO)
			fail_msg("accepted CBOR #%zu: %s", i, bad[i]);
		assert_null(ans.credential);
	}
}

/* Other key orders and non-shortest heads are still one valid answer. */
static void
test_cbor_lenient(void **state)
{
	static const char body_hex[] = "a4" C_LIFE "1a00000e10" C_EID
	    "780d4341452d656e726f6c65652d31" C_CRED C_KEY C_STATUS "f5";
	struct mef_secret	*k = vec_key();
	unsigned char		 body[256];
	struct answer		 ans;
	size_t			 len;

	(void)state;
	len = unhex(body_hex, body, sizeof(body));
	assert_int_equal(answer_decode(MEF_FMT_CBOR, body, len, &ans), MEF_OK);
	assert_true(mef_secret_equal(ans.credential, k));
	assert_string_equal(ans.enrolee_id, VEC_EID);
	assert_int_equal(ans.lifetime_s, 3600);
	answer_clear(&ans);
	mef_secret_free(&k);
}

static void
test_decode_args(void **state)
{
	struct answer	ans;
	unsigned char	big[ANSWER_MAX * 8 + 1];

	(void)state;
	assert_int_equal(answer_decode(MEF_FMT_JSON, NULL, 3, &ans),
	    MEF_E_PROTO);
	assert_int_equal(answer_decode(MEF_FMT_JSON,
	    (const unsigned char *)"{}", 0, &ans), MEF_E_PROTO);
	assert_int_equal(answer_decode(MEF_FMT_JSON,
	    (const unsigned char *)"{}", 2, NULL), MEF_E_INVAL);
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"Status\":false,\"ErrorString\":\"x\"}", 34);
	assert_int_equal(answer_decode(MEF_FMT_JSON, big, sizeof(big) - 1,
	    &ans), MEF_OK);
	answer_clear(&ans);
	assert_int_equal(answer_decode(MEF_FMT_JSON, big, sizeof(big), &ans),
	    MEF_E_PROTO);
	answer_clear(NULL);
}

/* PROTOCOL.md 3.4, row by row. */
static void
test_outcomes(void **state)
{
	static const struct {
		enum outcome	out;
		int		rsc, http, coap;
		const char	*err;
	} rows[] = {
		{ OUT_OK, 2000, 200, 205, NULL },
		{ OUT_CREATED, 2001, 201, 201, NULL },
		{ OUT_BAD_REQUEST, 4000, 400, 400, "malformed request" },
		{ OUT_NO_ORIGIN, 4000, 400, 400, "originator missing" },
		{ OUT_NO_PRIVILEGE, 4103, 403, 403,
		    "originator has no privilege" },
		{ OUT_NOT_FOUND, 4004, 404, 404, "credential not found" },
		{ OUT_NOT_ACCEPTABLE, 5207, 406, 406, "not acceptable" },
		{ OUT_OVERLOADED, 5000, 503, 503, "overloaded" },
		{ OUT_INTERNAL, 5000, 500, 500, "internal error" },
		{ OUT_NOT_ALLOWED, 4005, 405, 405, "method not allowed" },
		{ OUT_TOO_LARGE, 4000, 413, 413, "request too large" },
	};
	const struct outcome_info	*oi;
	size_t				 i;

	(void)state;
	assert_int_equal(sizeof(rows) / sizeof(rows[0]), OUT_COUNT);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		oi = outcome_get(rows[i].out);
		assert_non_null(oi);
		assert_int_equal(oi->rsc, rows[i].rsc);
		assert_int_equal(oi->http_status, rows[i].http);
		assert_int_equal(oi->coap_code, rows[i].coap);
		assert_non_null(oi->reason);
		if (rows[i].err == NULL)
			assert_null(oi->error_string);
		else
			assert_string_equal(oi->error_string, rows[i].err);
	}
	assert_int_equal(outcome_get(OUT_COUNT)->http_status, 500);
	assert_int_equal(outcome_get((enum outcome)-1)->http_status, 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_vectors_decode),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_errors),
		cmocka_unit_test(test_max_sizes),
		cmocka_unit_test(test_encode_bad_input),
		cmocka_unit_test(test_encode_too_small),
		cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_json_lenient_syntax),
		cmocka_unit_test(test_xml_bad),
		cmocka_unit_test(test_xml_lenient_syntax),
		cmocka_unit_test(test_cbor_bad),
		cmocka_unit_test(test_cbor_lenient),
		cmocka_unit_test(test_decode_args),
		cmocka_unit_test(test_outcomes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
