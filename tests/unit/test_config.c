/*
 * test_config.c -- mefd.conf: a good file, the defaults, and every error with
 * its line.
 *
 * Each bad case is a whole file whose only fault is on a known line; the
 * message must name the file and that line, because that is what an operator
 * reads from mefd -n.
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

#include "daemon/config.h"

#define BASE \
	"[mef]\n" \
	"fqdn = mef.example.com\n" \
	"[database]\n" \
	"kek_file = /etc/mef/kek\n" \
	"[bootstrap]\n" \
	"listen = 127.0.0.1:8443\n" \
	"[target]\n" \
	"listen = 127.0.0.1:9443\n"

struct fixture {
	char			 path[64];
	struct mef_config	 cfg;
	char			 err[512];
};

static int
setup(void **state)
{
	struct fixture	*f;
	int		 fd;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/tmp/test_config.XXXXXX");
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
	return config_load(f->path, &f->cfg, f->err, sizeof(f->err));
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
	    "# mefd.conf\n"
	    "; a comment\n"
	    "[mef]\n"
	    "fqdn = mef.example.com   ; inline comment\n"
	    "workers = 2\n"
	    "log_level = debug\n"
	    "\n"
	    "[database]\n"
	    "url = sqlite:/tmp/x.db\n"
	    "kek_file = /etc/mef/kek\n"
	    "keys_per_enrolee = 7\n"
	    "commit_batch_max = 64\n"
	    "commit_delay_us = 200\n"
	    "[bootstrap]\n"
	    "listen = [::1]:8443\n"
	    "default_lifetime_s = 600\n"
	    "[target]\n"
	    "listen = 127.0.0.1:9443\n"
	    "cert = /etc/mef/target-server.pem\n"
	    "key = /etc/mef/target-server.key\n"
	    "client_ca = /etc/mef/target-ca.pem     ; optional\n"
	    "[limits]\n"
	    "max_connections = 100\n"
	    "handshake_timeout_ms = 5000\n"
	    "idle_timeout_ms = 6000\n"
	    "header_max = 4096\n"
	    "body_max = 1024\n"), MEF_OK);
	assert_string_equal(f->err, "");
	assert_string_equal(f->cfg.fqdn, "mef.example.com");
	assert_int_equal(f->cfg.workers, 2);
	assert_string_equal(f->cfg.log_level, "debug");
	assert_string_equal(f->cfg.db_url, "sqlite:/tmp/x.db");
	assert_string_equal(f->cfg.kek_file, "/etc/mef/kek");
	assert_int_equal(f->cfg.keys_per_enrolee, 7);
	assert_int_equal(f->cfg.commit_batch_max, 64);
	assert_int_equal(f->cfg.commit_delay_us, 200);
	assert_string_equal(f->cfg.boot_listen, "[::1]:8443");
	assert_int_equal(f->cfg.default_lifetime_s, 600);
	assert_string_equal(f->cfg.target_listen, "127.0.0.1:9443");
	assert_string_equal(f->cfg.target_cert, "/etc/mef/target-server.pem");
	assert_string_equal(f->cfg.target_key, "/etc/mef/target-server.key");
	assert_string_equal(f->cfg.target_client_ca, "/etc/mef/target-ca.pem");
	assert_int_equal(f->cfg.max_connections, 100);
	assert_int_equal(f->cfg.handshake_timeout_ms, 5000);
	assert_int_equal(f->cfg.idle_timeout_ms, 6000);
	assert_int_equal(f->cfg.header_max, 4096);
	assert_int_equal(f->cfg.body_max, 1024);
}

static void
test_defaults(void **state)
{
	struct fixture	*f = *state;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*fp;

	assert_int_equal(load(f, BASE), MEF_OK);
	assert_int_equal(f->cfg.workers, 0);
	assert_string_equal(f->cfg.log_level, "info");
	assert_string_equal(f->cfg.db_url, "sqlite:/var/lib/mef/mef.db");
	assert_int_equal(f->cfg.keys_per_enrolee, 4);
	assert_int_equal(f->cfg.commit_batch_max, 256);
	assert_int_equal(f->cfg.commit_delay_us, 0);
	assert_int_equal(f->cfg.default_lifetime_s, 86400);
	assert_string_equal(f->cfg.target_cert, "");
	assert_int_equal(f->cfg.max_connections, 10000);
	assert_int_equal(f->cfg.handshake_timeout_ms, 10000);
	assert_int_equal(f->cfg.idle_timeout_ms, 30000);
	assert_int_equal(f->cfg.header_max, 8192);
	assert_int_equal(f->cfg.body_max, 4096);
	assert_string_equal(f->cfg.user, "");
	assert_string_equal(f->cfg.group, "");
	assert_string_equal(f->cfg.sandbox, "yes");

	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	config_print(&f->cfg, fp);
	fclose(fp);
	assert_non_null(strstr(out, "[mef]\nfqdn = mef.example.com\n"));
	assert_non_null(strstr(out, "keys_per_enrolee = 4\n"));
	assert_non_null(strstr(out, "; cert is not set\n"));
	free(out);
}

static void
test_errors(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, "fqdn = mef.example.com\n" BASE, 1,
	    "'fqdn' outside any section");
	expect_error(f, BASE "[limits]\n[bogus]\n", 10,
	    "unknown section [bogus]");
	expect_error(f, BASE "[bogus]\nx = 1\n", 9, "unknown section [bogus]");
	expect_error(f, BASE "[mef]\nbogus = 1\n", 10,
	    "unknown directive 'bogus' in [mef]");
	expect_error(f, BASE "[database]\nfqdn = x\n", 10,
	    "unknown directive 'fqdn' in [database]");
	expect_error(f, BASE "[mef]\nfqdn = other.example.com\n", 10,
	    "fqdn already set at line 2");
	expect_error(f, BASE "[mef]\nthis line has no equals sign\n", 10,
	    "syntax error: expected '[section]' or 'name = value'");
	expect_error(f, BASE "[mef\n", 9,
	    "syntax error: expected '[section]' or 'name = value'");
	expect_error(f, "[mef]\nfqdn = not_a.name\n", 2,
	    "fqdn: 'not_a.name' not a DNS name");
	expect_error(f, "[mef]\nfqdn =\n", 2, "fqdn: empty value");
	expect_error(f, BASE "[mef]\nworkers = many\n", 10,
	    "workers: not an integer in [0, 256]");
	expect_error(f, BASE "[mef]\nworkers = 257\n", 10,
	    "workers: not an integer in [0, 256]");
	expect_error(f, BASE "[mef]\nworkers = -1\n", 10,
	    "workers: not an integer in [0, 256]");
	expect_error(f, BASE "[mef]\nlog_level = loud\n", 10,
	    "log_level: 'loud' not one of error, warn, info, debug");
	expect_error(f, BASE "[database]\nurl = mysql:/x\n", 10,
	    "url: 'mysql:/x' not sqlite:<path>");
	expect_error(f, BASE "[database]\nurl = sqlite:\n", 10,
	    "url: 'sqlite:' not sqlite:<path>");
	expect_error(f, BASE "[database]\nkeys_per_enrolee = 0\n", 10,
	    "keys_per_enrolee: not an integer in [1, 1024]");
	expect_error(f, "[bootstrap]\nlisten = 127.0.0.1\n", 2,
	    "listen: '127.0.0.1' not host:port");
	expect_error(f, "[target]\nlisten = 127.0.0.1:0\n", 2,
	    "listen: '127.0.0.1:0' not host:port");
	expect_error(f, BASE "[limits]\nheader_max = 10\n", 10,
	    "header_max: not an integer in [1024, 1048576]");
	expect_error(f, BASE "[process]\nsandbox = maybe\n", 10,
	    "sandbox: 'maybe' not one of yes, no, trap");
	expect_error(f, BASE "[process]\nuser =\n", 10, "user: empty value");
	assert_int_equal(load(f, BASE "[process]\nuser = nobody\n"
	    "group = nogroup\nsandbox = trap\n"), MEF_OK);
	assert_string_equal(f->cfg.user, "nobody");
	assert_string_equal(f->cfg.group, "nogroup");
	assert_string_equal(f->cfg.sandbox, "trap");
}

static void
test_long_line(void **state)
{
	struct fixture	*f = *state;
	char		 text[1024];

	snprintf(text, sizeof(text), BASE "[target]\ncert = /%0300d\n", 0);
	expect_error(f, text, 10, "line too long");
	assert_int_equal(load(f, BASE "[mef]\nlog_level = warn\n"), MEF_OK);
}

/* A NUL in the middle of a line is refused, not read up to. */
static void
test_nul_byte(void **state)
{
	static const char	 nul[] = "[mef]\nfqdn = a\0b\n";
	struct fixture		*f = *state;
	FILE			*fp;

	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(nul, 1, sizeof(nul) - 1, fp), sizeof(nul) - 1);
	fclose(fp);
	assert_int_equal(config_load(f->path, &f->cfg, f->err, sizeof(f->err)),
	    MEF_E_CONFIG);
	assert_non_null(strstr(f->err, ":2: NUL byte in line"));
}

static void
test_required_and_pairs(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, "[database]\nkek_file = /k\n[bootstrap]\n"
	    "listen = 127.0.0.1:1\n[target]\nlisten = 127.0.0.1:2\n", 0,
	    "[mef] fqdn is required");
	expect_error(f, "[mef]\nfqdn = a.b\n[bootstrap]\n"
	    "listen = 127.0.0.1:1\n[target]\nlisten = 127.0.0.1:2\n", 0,
	    "[database] kek_file is required");
	expect_error(f, "[mef]\nfqdn = a.b\n[database]\nkek_file = /k\n"
	    "[target]\nlisten = 127.0.0.1:2\n", 0,
	    "[bootstrap] listen is required");
	expect_error(f, "[mef]\nfqdn = a.b\n[database]\nkek_file = /k\n"
	    "[bootstrap]\nlisten = 127.0.0.1:1\n", 0,
	    "[target] listen is required");
	expect_error(f, BASE "cert = /c.pem\n", 9,
	    "[target] cert and key must be given together");
	expect_error(f, BASE "key = /c.key\n", 9,
	    "[target] cert and key must be given together");
	expect_error(f, BASE "client_ca = /ca.pem\n", 9,
	    "[target] client_ca needs cert and key");
	expect_error(f, BASE "[process]\ngroup = nogroup\n", 10,
	    "[process] group needs user");
}

static void
test_missing_file(void **state)
{
	struct fixture	*f = *state;
	char		 want[128];

	unlink(f->path);
	assert_int_equal(config_load(f->path, &f->cfg, f->err, sizeof(f->err)),
	    MEF_E_CONFIG);
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
		T(test_errors),
		T(test_long_line),
		T(test_nul_byte),
		T(test_required_and_pairs),
		T(test_missing_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
