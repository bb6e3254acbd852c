/*
 * test_audit.c -- the audit log: JSON escaping, line format and parser, the
 * chain across writers, and verify on crafted files.
 *
 * Identities come from the network, so escaping must turn any bytes into valid
 * JSON; the chain must continue across two writers of one file (mefd and
 * mefctl); verify must name the first bad line of each kind of damage, and
 * accept a crash's partial line only when an audit-repair entry follows it.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "audit/audit_line.h"
#include "audit/audit_log.h"
#include "audit/audit_verify.h"
#include "crypto/wrap.h"

struct fixture {
	char			 dir[64];
	char			 path[128];
	struct mef_secret	*key;
	struct mac		*mac;
};

static int
setup(void **state)
{
	static const unsigned char	kek[WRAP_KEK_LEN] = { 1, 2, 3 };
	struct fixture			*f = calloc(1, sizeof(*f));
	struct wrap_kek			*k = NULL;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/mef-audit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/audit.log", f->dir);
	assert_int_equal(wrap_kek_from_bytes(kek, sizeof(kek), &k), MEF_OK);
	assert_int_equal(wrap_kek_derive(k, AUDIT_KEY_LABEL, &f->key), MEF_OK);
	wrap_kek_free(&k);
	assert_int_equal(mac_new(f->key, &f->mac), MEF_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	mef_secret_free(&f->key);
	mac_free(&f->mac);
	free(f);
	return 0;
}

static void
escaped(const char *in, const char *want)
{
	char	out[256];
	size_t	len;

	assert_int_equal(audit_json_string(in, out, sizeof(out), &len), MEF_OK);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
}

static void
test_escape(void **state)
{
	char	out[8];
	size_t	len;

	(void)state;
	escaped("dev1", "\"dev1\"");
	escaped("a\"b\\c", "\"a\\\"b\\\\c\"");
	escaped("x\r\ny\t\x01\x7f", "\"x\\u000d\\u000ay\\u0009\\u0001\\u007f\"");
	escaped("caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	escaped("\xff", "\"\\ufffd\"");
	escaped("\xc0\x80", "\"\\ufffd\\ufffd\"");		/* overlong NUL */
	escaped("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	escaped("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	escaped("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* cut short */
	escaped("", "\"\"");
	assert_int_equal(audit_json_string("\x01\x01", out, sizeof(out), &len),
	    MEF_E_TOOBIG);
}

static void
entry(struct audit_entry *e, const char *event, const char *kpm_id)
{
	memset(e, 0, sizeof(*e));
	e->time_ms = 1767323045678LL;	/* 2026-01-02T03:04:05.678Z */
	snprintf(e->event, sizeof(e->event), "%s", event);
	snprintf(e->actor, sizeof(e->actor), "test");
	snprintf(e->kpm_id, sizeof(e->kpm_id), "%s", kpm_id);
	snprintf(e->outcome, sizeof(e->outcome), "granted");
	e->rsc = 2001;
}

static void
test_format_parse(void **state)
{
	struct fixture		*f = *state;
	struct audit_entry	 e;
	struct audit_parsed	 p;
	unsigned char		 prev[MAC_LEN], mac[MAC_LEN], again[MAC_LEN];
	char			 line[AUDIT_LINE_MAX + 1], why[64];
	size_t			 len;
	json_t			*j;

	memset(prev, 0xab, sizeof(prev));
	entry(&e, "bootstrap", "dev\"1\r\n\xff");
	assert_int_equal(audit_line_format(&e, 7, prev, f->mac, line,
	    sizeof(line), &len, mac), MEF_OK);
	assert_true(len > 0 && line[len - 1] == '\n');
	assert_memory_equal(line, "{\"seq\":7,\"time\":"
	    "\"2026-01-02T03:04:05.678Z\",\"event\":\"bootstrap\","
	    "\"actor\":\"test\",\"peer\":null,\"kpm_id\":"
	    "\"dev\\\"1\\u000d\\u000a\\ufffd\",\"ke_id\":null,", 137);
	assert_int_equal(audit_line_parse(line, len - 1, &p, why, sizeof(why)),
	    MEF_OK);
	assert_int_equal(p.seq, 7);
	assert_string_equal(p.event, "bootstrap");
	assert_memory_equal(p.prev, prev, MAC_LEN);
	assert_memory_equal(p.mac, mac, MAC_LEN);
	assert_int_equal(mac_compute(f->mac, line, p.body_len, NULL, 0, again),
	    MEF_OK);
	assert_memory_equal(again, mac, MAC_LEN);
	j = json_loadb(line, len - 1, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kpm_id")),
	    "dev\"1\r\n\xef\xbf\xbd");
	assert_int_equal(json_integer_value(json_object_get(j, "rsc")), 2001);
	json_decref(j);
	/* Too small a buffer: refused, never cut. */
	assert_int_equal(audit_line_format(&e, 7, prev, f->mac, line, 100,
	    &len, mac), MEF_E_TOOBIG);
}

static void
test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",
		"{\"seq\":1}",
		"not json,\"mac\":\"0000000000000000000000000000000000000000"
		    "000000000000000000000000\"}",
		"{\"seq\":0,\"time\":\"2026-01-02T03:04:05.678Z\",\"event\":"
		    "\"x\",\"prev\":\"00000000000000000000000000000000000000"
		    "00000000000000000000000000\",\"mac\":\"00000000000000000"
		    "00000000000000000000000000000000000000000000000\"}",
		"{\"seq\":1,\"time\":\"2026-01-02T03:04:05.678Z\",\"event\":"
		    "\"x\",\"prev\":\"00000000000000000000000000000000000000"
		    "00000000000000000000000000\",\"mac\":\"ABCDEF00000000000"
		    "00000000000000000000000000000000000000000000000\"}",
		"{\"seq\":1,\"seq\":2,\"time\":\"2026-01-02T03:04:05.678Z\","
		    "\"event\":\"x\",\"prev\":\"000000000000000000000000000000"
		    "0000000000000000000000000000000000\",\"mac\":\"000000000"
		    "0000000000000000000000000000000000000000000000000000000\"}",
	};
	struct audit_parsed	p;
	char			why[64];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(audit_line_parse(bad[i], strlen(bad[i]), &p,
		    why, sizeof(why)), MEF_E_PROTO);
}

static void
append(struct fixture *f, const char *event, int n)
{
	struct audit_log	*log = NULL;
	struct audit_entry	 e;
	char			 err[256];
	int			 i;

	assert_int_equal(audit_log_open(f->path, f->key, &log, err,
	    sizeof(err)), MEF_OK);
	assert_int_equal(audit_log_begin(log), MEF_OK);
	for (i = 0; i < n; i++) {
		entry(&e, event, "dev1");
		e.time_ms = 0;		/* stamped by the writer */
		assert_int_equal(audit_log_add(log, &e), MEF_OK);
	}
	assert_int_equal(audit_log_end(log), MEF_OK);
	assert_int_equal(audit_log_sync(log), MEF_OK);
	audit_log_close(&log);
}

static void
verify(struct fixture *f, const char *expect, int ok, uint64_t bad_line,
    const char *reason)
{
	struct audit_verify	r;

	assert_int_equal(audit_verify_file(f->path, f->mac, expect, &r),
	    MEF_OK);
	if (r.ok != ok || r.bad_line != bad_line ||
	    (reason != NULL && strstr(r.reason, reason) == NULL))
		fail_msg("ok=%d line=%llu reason=%s", r.ok,
		    (unsigned long long)r.bad_line, r.reason);
}

/* Runs the shell command tmpl with every @ replaced by the log's path. */
static void
shell(struct fixture *f, const char *tmpl)
{
	char	cmd[1024];
	size_t	o = 0, n = strlen(f->path);

	for (; *tmpl != '\0'; tmpl++) {
		assert_true(o + n + 1 < sizeof(cmd));
		if (*tmpl == '@') {
			memcpy(cmd + o, f->path, n);
			o += n;
		} else {
			cmd[o++] = *tmpl;
		}
	}
	cmd[o] = '\0';
	assert_int_equal(system(cmd), 0);
}

static void
test_chain_two_writers(void **state)
{
	struct fixture		*f = *state;
	struct audit_log	*a = NULL, *b = NULL;
	struct audit_verify	 r;
	struct audit_entry	 e;
	char			 err[256];

	assert_int_equal(audit_verify_file(f->path, f->mac, NULL, &r),
	    MEF_E_IO);			/* no log at all: an error */
	assert_int_equal(audit_log_open(f->path, f->key, &a, err, sizeof(err)),
	    MEF_OK);
	assert_int_equal(audit_log_open(f->path, f->key, &b, err, sizeof(err)),
	    MEF_OK);
	entry(&e, "fetch", "x");
	assert_int_equal(audit_log_begin(a), MEF_OK);
	assert_int_equal(audit_log_add(a, &e), MEF_OK);
	assert_int_equal(audit_log_add(a, &e), MEF_OK);
	assert_int_equal(audit_log_end(a), MEF_OK);
	assert_int_equal(audit_log_begin(b), MEF_OK);	/* reads a's tail */
	assert_int_equal(audit_log_add(b, &e), MEF_OK);
	assert_int_equal(audit_log_end(b), MEF_OK);
	assert_int_equal(audit_log_seq(b), 3);
	assert_int_equal(audit_log_begin(a), MEF_OK);	/* reads b's tail */
	assert_int_equal(audit_log_add(a, &e), MEF_OK);
	assert_int_equal(audit_log_end(a), MEF_OK);
	assert_int_equal(audit_log_seq(a), 4);
	audit_log_close(&a);
	audit_log_close(&b);
	assert_int_equal(audit_verify_file(f->path, f->mac, NULL, &r), MEF_OK);
	assert_true(r.ok);
	assert_int_equal(r.entries, 4);
	assert_int_equal(r.first_seq, 1);
	assert_int_equal(r.last_seq, 4);
	assert_true(r.head_file);
}

static void
test_verify_crafted(void **state)
{
	struct fixture	*f = *state;

	append(f, "fetch", 5);
	verify(f, NULL, 1, 0, NULL);
	shell(f, "cp @ @.orig && cp @.head @.orig.head");
	shell(f, "sed -i '2s/\"test\"/\"tost\"/' @");
	verify(f, NULL, 0, 2, "changed");
	shell(f, "cp @.orig @ && sed -i '3d' @");
	verify(f, NULL, 0, 3, "removed");
	shell(f, "cp @.orig @ && sed -i '1d' @");
	verify(f, NULL, 0, 1, "first line");
	shell(f, "cp @.orig @ && sed -i '$d' @");
	verify(f, NULL, 0, 5, "at the end");
	shell(f, "cp @.orig @ && sed -i '2{h;d};3G' @");
	verify(f, NULL, 0, 2, "seq 3 where 2");
	shell(f, "cp @.orig @ && sed -i '4{h;d};5G' @ && sed -i '3{h;d};4G' @");
	verify(f, NULL, 0, 3, NULL);
	shell(f, "cp @.orig @ && truncate -s -10 @");
	verify(f, NULL, 0, 5, "truncated");
	shell(f, "cp @.orig @ && printf '%020d\\n' 0 >> @");
	verify(f, NULL, 0, 6, "garbled");
	/* A head file edited, or one from another log: refused. */
	shell(f, "cp @.orig @ && sed -i 's/^0/1/' @.head");
	verify(f, NULL, 0, 0, "head");
}

static void
test_verify_expect_head(void **state)
{
	struct fixture		*f = *state;
	struct audit_verify	 r;
	char			 expect[128], hex[2 * MAC_LEN + 1];
	size_t			 i;

	append(f, "fetch", 3);
	assert_int_equal(audit_verify_file(f->path, f->mac, NULL, &r), MEF_OK);
	for (i = 0; i < MAC_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", r.head[i]);
	snprintf(expect, sizeof(expect), "3:%s", hex);
	verify(f, expect, 1, 0, NULL);
	snprintf(expect, sizeof(expect), "2:%s", hex);	/* wrong mac */
	verify(f, expect, 0, 2, "expected head");
	snprintf(expect, sizeof(expect), "4:%s", hex);	/* beyond the end */
	verify(f, expect, 0, 4, "at the end");
	assert_int_equal(audit_verify_file(f->path, f->mac, "3:zz", &r),
	    MEF_E_INVAL);
	assert_int_equal(audit_verify_file(f->path, f->mac, "x", &r),
	    MEF_E_INVAL);
}

static void
test_repair(void **state)
{
	struct fixture		*f = *state;
	struct audit_verify	 r;

	append(f, "fetch", 2);
	shell(f, "printf '{\"seq\":3,\"ti' >> @");	/* a writer died */
	verify(f, NULL, 0, 3, "truncated");
	append(f, "fetch", 1);
	assert_int_equal(audit_verify_file(f->path, f->mac, NULL, &r), MEF_OK);
	assert_true(r.ok);
	assert_int_equal(r.repaired, 1);
	assert_int_equal(r.warn_line, 3);
	assert_int_equal(r.last_seq, 4);	/* repair entry 3, then 4 */
	/* A garbled middle line without a repair after it is not a crash. */
	shell(f, "sed -i '2s/.*/{\"x\":1}/' @");
	verify(f, NULL, 0, 2, "garbled");
}

/*
 * A writer that cannot keep up (here: not started) queues a bounded number of
 * entries; the rest are counted into one audit-lost entry, so the log states
 * its own gap.
 */
static void
test_queue_bound(void **state)
{
	struct fixture		*f = *state;
	struct audit		*a = NULL;
	struct audit_entry	 e;
	struct audit_verify	 r;
	char			 err[256], cmd[512];
	int			 i;

	assert_int_equal(audit_open(f->path, 0, f->key, &a, err, sizeof(err)),
	    MEF_OK);
	entry(&e, "fetch", "x");
	for (i = 0; i < 16384 + 5; i++)
		audit_emit(a, &e);
	audit_emit(NULL, &e);		/* auditing off: nothing */
	audit_stop(&a);
	assert_null(a);
	assert_int_equal(audit_verify_file(f->path, f->mac, NULL, &r), MEF_OK);
	assert_true(r.ok);
	assert_int_equal(r.entries, 16384 + 1);
	snprintf(cmd, sizeof(cmd), "head -1 %s | grep -q '\"event\":"
	    "\"audit-lost\".*\"object\":\"5 entries not queued'", f->path);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test_setup_teardown(test_format_parse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_chain_two_writers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_crafted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_expect_head, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
