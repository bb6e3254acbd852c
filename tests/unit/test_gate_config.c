/*
 * test_gate_config.c -- mef-gate.conf: a good file with two MEFs, the
 * defaults, and every error with its line.
 *
 * As in test_config.c, each bad case is a whole file whose only fault is on a
 * known line, and the message must name the file and that line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gate/gate_config.h"

/* Lines 1-4. */
#define GATE \
	"[gate]\n" \
	"listen = 127.0.0.1:7443\n" \
	"upstream = http://127.0.0.1:8080\n" \
	"target_id = /in-cse-1\n"

/* Lines 5-8 after GATE. */
#define MEF_A \
	"[mef:mef.example.com]\n" \
	"url = 127.0.0.1:9443\n" \
	"psk_id = gate-1\n" \
	"psk_file = /etc/mef/gate-1.psk\n"

struct fixture {
	char			 path[64];
	struct gate_config	 cfg;
	char			 err[512];
};

static int
setup(void **state)
{
	struct fixture	*f;
	int		 fd;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/tmp/test_gate_config.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->path);
	free(f);
	return 0;
}

static enum mef_err
load(struct fixture *f, const char *text)
{
	FILE	*fp;

	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	fclose(fp);
	f->err[0] = '\0';
	return gate_config_load(f->path, &f->cfg, f->err, sizeof(f->err));
}

/* The file holds text; loading it fails with "<path>:<line>: <msg>". */
static void
expect_error(struct fixture *f, const char *text, int line, const char *msg)
{
	char	want[512];

	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", f->path, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", f->path, msg);
	assert_int_equal(load(f, text), MEF_E_CONFIG);
	assert_string_equal(f->err, want);
}

static void
test_good(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f,
	    "; mef-gate.conf\n"
	    "[gate]\n"
	    "listen = [::1]:7443\n"
	    "upstream = http://[::1]:8080/\n"
	    "target_id = /in-cse-1\n"
	    "workers = 2\n"
	    "log_level = debug\n"
	    "fetch_threads = 4\n"
	    "[cache]\n"
	    "max_s = 300\n"
	    "negative_ttl_s = 1\n"
	    "error_ttl_s = 2\n"
	    "entries = 1000\n"
	    "[limits]\n"
	    "max_connections = 100\n"
	    "handshake_timeout_ms = 2000\n"
	    "idle_timeout_ms = 3000\n"
	    "header_max = 4096\n"
	    "[mef:mef.example.com]\n"
	    "url = 127.0.0.1:9443\n"
	    "psk_id = gate-1\n"
	    "psk_file = /etc/mef/gate-1.psk\n"
	    "accept = cbor\n"
	    "timeout_ms = 700\n"
	    "\n"
	    "[ mef:other.example.org ]   ; certificate this time\n"
	    "url = mef2.example.org:443\n"
	    "cert = /etc/mef/gate.pem\n"
	    "key = /etc/mef/gate.key\n"
	    "ca = /etc/mef/ca.pem\n"), MEF_OK);
	assert_string_equal(f->err, "");
	assert_string_equal(f->cfg.listen, "[::1]:7443");
	assert_string_equal(f->cfg.upstream, "http://[::1]:8080/");
	assert_string_equal(f->cfg.upstream_addr, "[::1]:8080");
	assert_string_equal(f->cfg.target_id, "/in-cse-1");
	assert_int_equal(f->cfg.workers, 2);
	assert_string_equal(f->cfg.log_level, "debug");
	assert_int_equal(f->cfg.fetch_threads, 4);
	assert_int_equal(f->cfg.cache_max_s, 300);
	assert_int_equal(f->cfg.negative_ttl_s, 1);
	assert_int_equal(f->cfg.error_ttl_s, 2);
	assert_int_equal(f->cfg.cache_entries, 1000);
	assert_int_equal(f->cfg.max_connections, 100);
	assert_int_equal(f->cfg.handshake_timeout_ms, 2000);
	assert_int_equal(f->cfg.idle_timeout_ms, 3000);
	assert_int_equal(f->cfg.header_max, 4096);

	assert_int_equal(f->cfg.nmefs, 2);
	assert_string_equal(f->cfg.mefs[0].fqdn, "mef.example.com");
	assert_string_equal(f->cfg.mefs[0].url, "127.0.0.1:9443");
	assert_string_equal(f->cfg.mefs[0].psk_id, "gate-1");
	assert_string_equal(f->cfg.mefs[0].psk_file, "/etc/mef/gate-1.psk");
	assert_string_equal(f->cfg.mefs[0].cert, "");
	assert_string_equal(f->cfg.mefs[0].accept, "cbor");
	assert_int_equal(f->cfg.mefs[0].timeout_ms, 700);
	assert_string_equal(f->cfg.mefs[1].fqdn, "other.example.org");
	assert_string_equal(f->cfg.mefs[1].url, "mef2.example.org:443");
	assert_string_equal(f->cfg.mefs[1].psk_id, "");
	assert_string_equal(f->cfg.mefs[1].cert, "/etc/mef/gate.pem");
	assert_string_equal(f->cfg.mefs[1].key, "/etc/mef/gate.key");
	assert_string_equal(f->cfg.mefs[1].ca, "/etc/mef/ca.pem");
	assert_string_equal(f->cfg.mefs[1].accept, "json");
	assert_int_equal(f->cfg.mefs[1].timeout_ms, 5000);
}

static void
test_defaults(void **state)
{
	struct fixture	*f = *state;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*fp;

	assert_int_equal(load(f, GATE MEF_A), MEF_OK);
	assert_string_equal(f->cfg.upstream_addr, "127.0.0.1:8080");
	assert_int_equal(f->cfg.workers, 0);
	assert_string_equal(f->cfg.log_level, "info");
	assert_int_equal(f->cfg.fetch_threads, 16);
	assert_int_equal(f->cfg.cache_max_s, 0);
	assert_int_equal(f->cfg.negative_ttl_s, 5);
	assert_int_equal(f->cfg.cache_entries, 100000);
	assert_int_equal(f->cfg.max_connections, 10000);
	assert_int_equal(f->cfg.handshake_timeout_ms, 10000);
	assert_int_equal(f->cfg.idle_timeout_ms, 60000);
	assert_int_equal(f->cfg.header_max, 16384);
	assert_int_equal(f->cfg.nmefs, 1);
	assert_string_equal(f->cfg.mefs[0].accept, "json");
	assert_int_equal(f->cfg.mefs[0].timeout_ms, 5000);
	assert_string_equal(f->cfg.mefs[0].ca, "");

	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	gate_config_print(&f->cfg, fp);
	fclose(fp);
	assert_non_null(strstr(out, "[gate]\nlisten = 127.0.0.1:7443\n"
	    "upstream = http://127.0.0.1:8080\n"));
	assert_non_null(strstr(out, "\n[cache]\nmax_s = 0\n"));
	assert_non_null(strstr(out, "header_max = 16384\n"));
	assert_non_null(strstr(out, "\n\n[mef:mef.example.com]\n"
	    "url = 127.0.0.1:9443\npsk_id = gate-1\n"));
	assert_non_null(strstr(out, "; cert is not set\n"));
	assert_non_null(strstr(out,
	    "accept = json\ntimeout_ms = 5000\ntls = default\n"));
	free(out);
}

/* The printed configuration loads again into the same values. */
static void
test_print_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct gate_config	*first;
	FILE			*fp;

	assert_int_equal(load(f, GATE MEF_A "[mef:b.example]\n"
	    "url = 10.0.0.1:1\ncert = /c\nkey = /k\n"), MEF_OK);
	first = malloc(sizeof(*first));
	assert_non_null(first);
	memcpy(first, &f->cfg, sizeof(*first));
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	gate_config_print(first, fp);
	fclose(fp);
	assert_int_equal(gate_config_load(f->path, &f->cfg, f->err,
	    sizeof(f->err)), MEF_OK);
	assert_memory_equal(first, &f->cfg, sizeof(*first));
	free(first);
}

static void
test_errors(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, GATE "bogus = 1\n" MEF_A, 5,
	    "unknown directive 'bogus' in [gate]");
	expect_error(f, GATE MEF_A "cache = 1\n", 9,
	    "unknown directive 'cache' in [mef:mef.example.com]");
	expect_error(f, GATE "[bogus]\n" MEF_A, 5, "unknown section [bogus]");
	expect_error(f, GATE "[mef]\n" MEF_A, 5, "unknown section [mef]");
	expect_error(f, GATE "[mef:not_a.name]\nurl = 127.0.0.1:1\n", 5,
	    "[mef:not_a.name]: not a DNS name");
	expect_error(f, GATE "[mef:]\n", 5, "[mef:]: empty value");
	expect_error(f, GATE MEF_A "[mef:MEF.example.com]\n", 9,
	    "[mef:MEF.example.com] given twice at line 5");
	expect_error(f, GATE MEF_A "url = 127.0.0.1:2\n", 9,
	    "url already set at line 6");
	expect_error(f, GATE "upstream = https://127.0.0.1:8443\n" MEF_A, 5,
	    "upstream already set at line 3");
	expect_error(f, "[gate]\nupstream = https://127.0.0.1:8443\n", 2,
	    "upstream: only http://host:port is supported");
	expect_error(f, "[gate]\nupstream = http://127.0.0.1:8080/cse\n", 2,
	    "upstream: only http://host:port is supported");
	expect_error(f, "[gate]\nupstream = http://localhost:8080\n", 2,
	    "upstream: only http://host:port is supported");
	expect_error(f, "[gate]\nupstream = http://127.0.0.1\n", 2,
	    "upstream: only http://host:port is supported");
	expect_error(f, "[gate]\ntarget_id = a\tb\n", 2,
	    "target_id: contains a control character");
	expect_error(f, "[gate]\nlisten = 127.0.0.1\n", 2,
	    "listen: '127.0.0.1' not host:port");
	expect_error(f, GATE "[limits]\nheader_max = 100\n" MEF_A, 6,
	    "header_max: not an integer in [1024, 1048576]");
	expect_error(f, GATE "[cache]\nnegative_ttl_s = 301\n" MEF_A, 6,
	    "negative_ttl_s: not an integer in [1, 300]");
	expect_error(f, GATE "[cache]\nentries = 1048577\n" MEF_A, 6,
	    "entries: not an integer in [1, 1048576]");
	expect_error(f, GATE MEF_A "accept = yaml\n", 9,
	    "accept: 'yaml' not one of json, xml, cbor");
	expect_error(f, GATE MEF_A "timeout_ms = 99\n", 9,
	    "timeout_ms: not an integer in [100, 60000]");
}

/*
 * target_id may hold MEF_ID_MAX bytes, but the packaged inih reads lines of
 * at most INI_MAX_LINE (200) bytes: a longer one is refused, never cut.
 */
static void
test_long_values(void **state)
{
	struct fixture	*f = *state;
	char		 text[1024];

	snprintf(text, sizeof(text), "[gate]\nlisten = 127.0.0.1:7443\n"
	    "upstream = http://127.0.0.1:8080\ntarget_id = /%0180d\n" MEF_A, 0);
	assert_int_equal(load(f, text), MEF_OK);
	assert_int_equal(strlen(f->cfg.target_id), 181);
	snprintf(text, sizeof(text), GATE "[gate]\ntarget_id = /%0*d\n",
	    MEF_ID_MAX - 1, 0);
	expect_error(f, text, 6, "line too long");
}

static void
test_required_and_pairs(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, "[gate]\nlisten = 127.0.0.1:1\ntarget_id = /t\n"
	    MEF_A, 0, "[gate] upstream is required");
	expect_error(f, "[gate]\nupstream = http://127.0.0.1:1\n"
	    "target_id = /t\n" MEF_A, 0, "[gate] listen is required");
	expect_error(f, "[gate]\nlisten = 127.0.0.1:1\n"
	    "upstream = http://127.0.0.1:1\n" MEF_A, 0,
	    "[gate] target_id is required");
	expect_error(f, GATE, 0, "at least 1 [mef:...] section is required");
	expect_error(f, GATE "[cache]\n", 0,
	    "at least 1 [mef:...] section is required");
	expect_error(f, GATE "[mef:a.example]\npsk_id = x\npsk_file = /p\n",
	    5, "[mef:a.example] url is required");
	expect_error(f, GATE "[mef:a.example]\nurl = 127.0.0.1:1\n"
	    "psk_id = x\n", 7,
	    "[mef:a.example] psk_id and psk_file must be given together");
	expect_error(f, GATE "[mef:a.example]\nurl = 127.0.0.1:1\n"
	    "psk_file = /p\n", 7,
	    "[mef:a.example] psk_id and psk_file must be given together");
	expect_error(f, GATE "[mef:a.example]\nurl = 127.0.0.1:1\n"
	    "cert = /c\n", 7,
	    "[mef:a.example] cert and key must be given together");
	expect_error(f, GATE MEF_A "cert = /c\nkey = /k\n", 9,
	    "[mef:mef.example.com] either psk_id and psk_file or cert and key,"
	    " not both");
	expect_error(f, GATE "[mef:a.example]\nurl = 127.0.0.1:1\n", 5,
	    "[mef:a.example] psk_id and psk_file or cert and key is required");
	expect_error(f, GATE MEF_A "ca = /ca.pem\n", 9,
	    "[mef:mef.example.com] ca needs cert and key");
	/* The second MEF is checked too, at its own lines. */
	expect_error(f, GATE MEF_A "[mef:b.example]\nurl = 127.0.0.1:1\n"
	    "key = /k\n", 11,
	    "[mef:b.example] cert and key must be given together");
}

/* GATE and then nmefs [mef:...] sections of 4 lines each. */
static char *
many_mefs(size_t nmefs)
{
	char	*text;
	size_t	 i, n, cap = sizeof(GATE) + 64 * nmefs;

	text = malloc(cap);
	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "%s", GATE);
	for (i = 0; i < nmefs; i++)
		n += (size_t)snprintf(text + n, cap - n, "[mef:m%zu.example]\n"
		    "url = 127.0.0.1:1\npsk_id = g\npsk_file = /p\n", i);
	assert_true(n < cap);
	return text;
}

static void
test_too_many(void **state)
{
	struct fixture	*f = *state;
	char		*text;
	char		 want[64];

	text = many_mefs(GATE_MEFS_MAX);
	assert_int_equal(load(f, text), MEF_OK);
	assert_int_equal(f->cfg.nmefs, GATE_MEFS_MAX);
	assert_string_equal(f->cfg.mefs[GATE_MEFS_MAX - 1].fqdn, "m31.example");
	free(text);

	text = many_mefs(GATE_MEFS_MAX + 1);
	snprintf(want, sizeof(want), "more than %d [mef:...] sections",
	    GATE_MEFS_MAX);
	expect_error(f, text, 5 + 4 * GATE_MEFS_MAX, want);
	free(text);
}

static void
test_missing_file(void **state)
{
	struct fixture	*f = *state;
	char		 want[128];

	unlink(f->path);
	assert_int_equal(gate_config_load(f->path, &f->cfg, f->err,
	    sizeof(f->err)), MEF_E_CONFIG);
	snprintf(want, sizeof(want), "%s: No such file or directory", f->path);
	assert_string_equal(f->err, want);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_good),
		T(test_defaults),
		T(test_print_round_trip),
		T(test_errors),
		T(test_long_values),
		T(test_required_and_pairs),
		T(test_too_many),
		T(test_missing_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
