/*
 * test_backoff.c -- the failure tables of mefd's back-off (src/daemon/backoff.c).
 *
 * Time is a parameter, so every rule is checked without sleeping: a block begins
 * at the configured failure, doubles with each further failure up to the maximum,
 * failures are forgotten after a quiet window, a clear forgets, the two scopes and
 * their thresholds are independent, the table never grows past its size and keeps
 * blocked entries over unblocked ones, and concurrent use from threads is safe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "daemon/backoff.h"

static struct backoff *
mk(unsigned after, unsigned addr_after, unsigned slots)
{
	struct backoff_cfg	 cfg;
	struct backoff		*b = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.after[BACKOFF_IDENTITY] = after;
	cfg.after[BACKOFF_ADDRESS] = addr_after;
	cfg.base_ms = 100;
	cfg.max_ms = 1000;
	cfg.window_s = 10;
	cfg.slots = slots;
	assert_int_equal(backoff_new(&cfg, &b), MEF_OK);
	return b;
}

static int
blocked(struct backoff *b, const char *k, uint64_t t, uint64_t *rem)
{
	return backoff_blocked(b, BACKOFF_IDENTITY, k, strlen(k), t, rem);
}

static struct backoff_verdict
fail_at(struct backoff *b, const char *k, uint64_t t)
{
	struct backoff_verdict	v;

	backoff_fail(b, BACKOFF_IDENTITY, k, strlen(k), t, &v);
	return v;
}

static void
test_threshold_and_doubling(void **state)
{
	struct backoff		*b = mk(3, 0, 64);
	struct backoff_verdict	 v;
	uint64_t		 rem = 0, t = 1000;

	(void)state;
	v = fail_at(b, "dev1", t);
	assert_false(v.started);
	v = fail_at(b, "dev1", t);
	assert_false(v.started);
	assert_false(blocked(b, "dev1", t, NULL));
	v = fail_at(b, "dev1", t);
	assert_true(v.started);
	assert_int_equal(v.failures, 3);
	assert_int_equal(v.block_ms, 100);
	assert_true(blocked(b, "dev1", t + 50, &rem));
	assert_int_equal(rem, 50);
	assert_false(blocked(b, "dev2", t + 50, NULL));
	assert_false(blocked(b, "dev1", t + 100, NULL));
	/* 200, 400, 800, then capped at 1000. */
	t += 100;
	assert_int_equal(fail_at(b, "dev1", t).block_ms, 200);
	t += 200;
	assert_int_equal(fail_at(b, "dev1", t).block_ms, 400);
	t += 400;
	assert_int_equal(fail_at(b, "dev1", t).block_ms, 800);
	t += 800;
	assert_int_equal(fail_at(b, "dev1", t).block_ms, 1000);
	t += 1000;
	v = fail_at(b, "dev1", t);
	assert_int_equal(v.block_ms, 1000);
	assert_int_equal(v.failures, 8);
	for (t += 1000; v.failures < 100; t += 1000)
		v = fail_at(b, "dev1", t);
	assert_int_equal(v.block_ms, 1000);	/* no overflow of the shift */
	backoff_free(&b);
	assert_null(b);
}

static void
test_failure_during_block_adds_none(void **state)
{
	struct backoff		*b = mk(1, 0, 64);
	struct backoff_verdict	 v;

	(void)state;
	v = fail_at(b, "k", 0);
	assert_true(v.started);
	v = fail_at(b, "k", 10);	/* raced with the block */
	assert_false(v.started);
	assert_true(blocked(b, "k", 99, NULL));
	assert_false(blocked(b, "k", 100, NULL));
	backoff_free(&b);
}

static void
test_window_and_clear(void **state)
{
	struct backoff	*b = mk(3, 0, 64);
	uint64_t	 t = 5;

	(void)state;
	fail_at(b, "a", t);
	fail_at(b, "a", t);
	/* Ten quiet seconds: forgotten, so two more do not block. */
	t += 10000;
	assert_int_equal(fail_at(b, "a", t).failures, 1);
	assert_false(fail_at(b, "a", t).started);
	assert_true(fail_at(b, "a", t).started);
	/* The window counts from the end of the block. */
	t += 100 + 9999;
	assert_int_equal(fail_at(b, "a", t).failures, 4);
	backoff_clear(b, BACKOFF_IDENTITY, "a", 1);
	assert_false(blocked(b, "a", t, NULL));
	assert_int_equal(fail_at(b, "a", t).failures, 1);
	backoff_free(&b);
}

static void
test_scopes_and_off(void **state)
{
	struct backoff		*b = mk(0, 2, 64);
	struct backoff_verdict	 v;

	(void)state;
	/* Identity scope off: never counts, never blocks. */
	v = fail_at(b, "x", 0);
	assert_int_equal(v.failures, 0);
	fail_at(b, "x", 0);
	fail_at(b, "x", 0);
	assert_false(blocked(b, "x", 0, NULL));
	assert_int_equal(backoff_count(b, BACKOFF_IDENTITY), 0);
	/* The same bytes in the address scope are another key. */
	backoff_fail(b, BACKOFF_ADDRESS, "x", 1, 0, &v);
	assert_false(v.started);
	backoff_fail(b, BACKOFF_ADDRESS, "x", 1, 0, &v);
	assert_true(v.started);
	assert_true(backoff_blocked(b, BACKOFF_ADDRESS, "x", 1, 1, NULL));
	assert_false(backoff_blocked(b, BACKOFF_ADDRESS, "y", 1, 1, NULL));
	/* Any octets, including NUL, and the empty key. */
	backoff_fail(b, BACKOFF_ADDRESS, "a\0b", 3, 0, NULL);
	backoff_fail(b, BACKOFF_ADDRESS, "", 0, 0, NULL);
	assert_false(backoff_blocked(b, BACKOFF_ADDRESS, "a", 1, 0, NULL));
	backoff_free(&b);
}

static void
test_bounded(void **state)
{
	struct backoff	*b = mk(2, 0, 16);
	char		 k[32];
	int		 i;

	(void)state;
	fail_at(b, "victim", 0);
	assert_true(fail_at(b, "victim", 0).started);	/* blocked until 100 */
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "flood-%d", i);
		fail_at(b, k, 1);
	}
	assert_true(backoff_count(b, BACKOFF_IDENTITY) <= 16);
	/* Unblocked entries were evicted first: the blocked one is still there. */
	assert_true(blocked(b, "victim", 2, NULL));
	backoff_free(&b);
}

static void
test_bad_cfg(void **state)
{
	struct backoff_cfg	 cfg;
	struct backoff		*b = NULL;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.base_ms = 100;
	cfg.max_ms = 50;
	cfg.window_s = 1;
	cfg.slots = 8;
	assert_int_equal(backoff_new(&cfg, &b), MEF_E_INVAL);
	cfg.max_ms = 100;
	cfg.slots = 0;
	assert_int_equal(backoff_new(&cfg, &b), MEF_E_INVAL);
	assert_null(b);
	backoff_free(NULL);
	backoff_free(&b);
}

static void
test_addr_key(void **state)
{
	struct sockaddr_in	s4;
	struct sockaddr_in6	s6;
	char			buf[BACKOFF_ADDR_KEY_MAX];

	(void)state;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(1234);
	inet_pton(AF_INET, "127.0.0.2", &s4.sin_addr);
	backoff_addr_key((struct sockaddr *)&s4, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.2");
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &s6.sin6_addr);
	backoff_addr_key((struct sockaddr *)&s6, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.3");
	inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &s6.sin6_addr);
	backoff_addr_key((struct sockaddr *)&s6, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1:2::/64");
	backoff_addr_key(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

struct thr_arg {
	struct backoff	*b;
	int		 idx;
};

static void *
thr_main(void *p)
{
	struct thr_arg	*a = p;
	char		 k[32];
	int		 i;

	for (i = 0; i < 20000; i++) {
		snprintf(k, sizeof(k), "t%d-%d", a->idx, i % 300);
		backoff_fail(a->b, BACKOFF_IDENTITY, k, strlen(k), (uint64_t)i,
		    NULL);
		(void)backoff_blocked(a->b, BACKOFF_IDENTITY, "shared", 6,
		    (uint64_t)i, NULL);
		backoff_fail(a->b, BACKOFF_IDENTITY, "shared", 6, (uint64_t)i,
		    NULL);
		if (i % 97 == 0)
			backoff_clear(a->b, BACKOFF_IDENTITY, k, strlen(k));
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct backoff	*b = mk(5, 5, 256);
	pthread_t	 th[4];
	struct thr_arg	 arg[4];
	int		 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		arg[i].b = b;
		arg[i].idx = i;
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &arg[i]),
		    0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_true(backoff_count(b, BACKOFF_IDENTITY) <= 256);
	backoff_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold_and_doubling),
		cmocka_unit_test(test_failure_during_block_adds_none),
		cmocka_unit_test(test_window_and_clear),
		cmocka_unit_test(test_scopes_and_off),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_bad_cfg),
		cmocka_unit_test(test_addr_key),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
