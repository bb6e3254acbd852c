/*
 * test_media.c -- Accept negotiation, Content-Type and format names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/media.h"

struct accept_case {
	const char	*accept;
	enum mef_err	 rc;
	enum mef_format	 fmt;
};

static void
test_accept(void **state)
{
	static const struct accept_case cases[] = {
		{ "application/json", MEF_OK, MEF_FMT_JSON },
		{ "application/xml", MEF_OK, MEF_FMT_XML },
		{ "application/cbor", MEF_OK, MEF_FMT_CBOR },
		{ "Application/CBOR", MEF_OK, MEF_FMT_CBOR },
		{ "application/vnd.onem2m-res+json", MEF_OK, MEF_FMT_JSON },
		{ "application/vnd.onem2m-res+xml", MEF_OK, MEF_FMT_XML },
		{ "application/vnd.onem2m-res+cbor", MEF_OK, MEF_FMT_CBOR },
		{ "application/vnd.onem2m-res+xml; ty=4", MEF_OK, MEF_FMT_XML },
		{ "*/*", MEF_OK, MEF_FMT_JSON },
		{ "*", MEF_OK, MEF_FMT_JSON },
		{ "application/*", MEF_OK, MEF_FMT_JSON },
		{ "", MEF_OK, MEF_FMT_JSON },
		{ "   ", MEF_OK, MEF_FMT_JSON },
		/* The client's order decides between equal q-values. */
		{ "application/xml, application/json", MEF_OK, MEF_FMT_XML },
		{ "application/cbor,application/xml", MEF_OK, MEF_FMT_CBOR },
		{ "text/html, application/cbor", MEF_OK, MEF_FMT_CBOR },
		{ " text/html ,  application/xml ", MEF_OK, MEF_FMT_XML },
		/* q-values. */
		{ "application/xml;q=0.5, application/json", MEF_OK,
		    MEF_FMT_JSON },
		{ "application/json;q=0.1, application/cbor;q=0.9", MEF_OK,
		    MEF_FMT_CBOR },
		{ "application/json ; q=0.100, application/cbor ; Q=0.1",
		    MEF_OK, MEF_FMT_JSON },
		{ "application/xml;q=1.000", MEF_OK, MEF_FMT_XML },
		{ "application/xml;q=1.", MEF_OK, MEF_FMT_XML },
		/* q=0 excludes, also from a wildcard. */
		{ "application/json;q=0", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=0.000, */*", MEF_OK, MEF_FMT_XML },
		{ "application/json;q=0, application/xml;q=0, */*;q=0.1",
		    MEF_OK, MEF_FMT_CBOR },
		{ "*/*;q=0", MEF_E_INVAL, MEF_FMT_JSON },
		/* The more specific range wins over the wildcard. */
		{ "*/*;q=0.9, application/xml;q=0.1", MEF_OK, MEF_FMT_JSON },
		{ "*/*;q=0.1, application/cbor;q=0.2", MEF_OK, MEF_FMT_CBOR },
		/* Nothing we serve. */
		{ "text/html", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/octet-stream", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/jsonx", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json-seq", MEF_E_INVAL, MEF_FMT_JSON },
		{ "text/*", MEF_E_INVAL, MEF_FMT_JSON },
		{ ",,,", MEF_OK, MEF_FMT_JSON },	/* only empty ones */
		/* Malformed q-values void their range. */
		{ "application/json;q=2", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=1.5", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=0.1234", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=abc", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=-1", MEF_E_INVAL, MEF_FMT_JSON },
		{ "application/json;q=abc, application/xml", MEF_OK,
		    MEF_FMT_XML },
		/* A comma inside a quoted parameter does not split. */
		{ "text/html;x=\"a,application/json\", application/cbor",
		    MEF_OK, MEF_FMT_CBOR },
		{ "text/html;x=\"a\\\",application/json\"", MEF_E_INVAL,
		    MEF_FMT_JSON },
		/* Parameters other than q are ignored. */
		{ "application/cbor;qs=0;charset=utf-8", MEF_OK,
		    MEF_FMT_CBOR },
	};
	enum mef_format	fmt;
	enum mef_err	rc;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt = (enum mef_format)-1;
		rc = media_from_accept(cases[i].accept, strlen(cases[i].accept),
		    &fmt);
		if (rc != cases[i].rc || (rc == MEF_OK && fmt != cases[i].fmt))
			fail_msg("case %zu \"%s\": rc %d fmt %d", i,
			    cases[i].accept, rc, (int)fmt);
	}
}

static void
test_accept_absent(void **state)
{
	enum mef_format	fmt = MEF_FMT_CBOR;

	(void)state;
	assert_int_equal(media_from_accept(NULL, 0, &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_JSON);
}

/* Only len bytes are read: the value need not be NUL-terminated. */
static void
test_accept_length(void **state)
{
	enum mef_format	fmt;

	(void)state;
	assert_int_equal(media_from_accept("application/xmlXYZ", 15, &fmt),
	    MEF_OK);
	assert_int_equal(fmt, MEF_FMT_XML);
}

static void
test_content_type(void **state)
{
	enum mef_format	fmt;

	(void)state;
	assert_int_equal(media_from_content_type("application/json", 16, &fmt),
	    MEF_OK);
	assert_int_equal(fmt, MEF_FMT_JSON);
	assert_int_equal(media_from_content_type(
	    "application/xml; charset=utf-8", 30, &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_XML);
	assert_int_equal(media_from_content_type(" APPLICATION/CBOR ", 18,
	    &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_CBOR);
	assert_int_equal(media_from_content_type(
	    "application/vnd.onem2m-res+json;ty=4", 36, &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_JSON);
	assert_int_equal(media_from_content_type("text/plain", 10, &fmt),
	    MEF_E_INVAL);
	assert_int_equal(media_from_content_type("*/*", 3, &fmt), MEF_E_INVAL);
	assert_int_equal(media_from_content_type("", 0, &fmt), MEF_E_INVAL);
	assert_int_equal(media_from_content_type(
	    "application/json, application/xml", 34, &fmt), MEF_E_INVAL);
	assert_int_equal(media_from_content_type(NULL, 0, &fmt), MEF_E_INVAL);
}

static void
test_names(void **state)
{
	enum mef_format	fmt;

	(void)state;
	assert_string_equal(media_type(MEF_FMT_JSON), "application/json");
	assert_string_equal(media_type(MEF_FMT_XML), "application/xml");
	assert_string_equal(media_type(MEF_FMT_CBOR), "application/cbor");
	assert_int_equal(media_from_name("json", &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_JSON);
	assert_int_equal(media_from_name("xml", &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_XML);
	assert_int_equal(media_from_name("cbor", &fmt), MEF_OK);
	assert_int_equal(fmt, MEF_FMT_CBOR);
	assert_int_equal(media_from_name("JSON ", &fmt), MEF_E_INVAL);
	assert_int_equal(media_from_name("yaml", &fmt), MEF_E_INVAL);
	assert_int_equal(media_from_name(NULL, &fmt), MEF_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_accept_absent),
		cmocka_unit_test(test_accept_length),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
