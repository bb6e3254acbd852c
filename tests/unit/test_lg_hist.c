/*
 * test_lg_hist.c -- bench_loadgen's log-linear latency histogram: quantiles
 * within the bucket precision (under 1 %) over the whole range, merging, and
 * values past the range.
 *
 * The histogram is bench code outside the layered libraries, so its one
 * source file is compiled into this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/loadgen/lg_hist.c"

static void
near(uint64_t got, uint64_t want)
{
	double	d = (double)got - (double)want;

	if (d < 0)
		d = -d;
	/* Half a bucket each side: 1/256 of the value, or 1 below 256. */
	if (d > (double)want / 200.0 + 1.0)
		fail_msg("got %llu, want %llu", (unsigned long long)got,
		    (unsigned long long)want);
}

/* 1..n ns, once each: the q-quantile is q * n. */
static void
test_uniform(void **state)
{
	struct lg_hist	*h = calloc(1, sizeof(*h));
	uint64_t	 v, n = 1000000;

	(void)state;
	assert_non_null(h);
	for (v = 1; v <= n; v++)
		lg_hist_record(h, v);
	assert_int_equal(h->n, n);
	assert_int_equal(h->max_ns, n);
	near(lg_hist_quantile(h, 0.5), n / 2);
	near(lg_hist_quantile(h, 0.9), n * 9 / 10);
	near(lg_hist_quantile(h, 0.99), n * 99 / 100);
	near(lg_hist_quantile(h, 0.999), n * 999 / 1000);
	assert_int_equal(lg_hist_quantile(h, 1.0), n);
	near(lg_hist_quantile(h, 0.0), 1);
	free(h);
}

/* Every power of two and its neighbours, alone: the quantile is the value. */
static void
test_single_values(void **state)
{
	struct lg_hist	*h = malloc(sizeof(*h));
	uint64_t	 v;
	int		 b, d;

	(void)state;
	assert_non_null(h);
	for (b = 0; b < LG_HIST_MAX_BITS; b++)
		for (d = -1; d <= 1; d++) {
			v = (UINT64_C(1) << b) + (uint64_t)(int64_t)d;
			memset(h, 0, sizeof(*h));
			lg_hist_record(h, v);
			near(lg_hist_quantile(h, 0.5), v);
			assert_true(bucket_of(v) < LG_HIST_BUCKETS);
		}
	free(h);
}

static void
test_merge_and_overflow(void **state)
{
	struct lg_hist	*a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	int		 i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 99; i++)
		lg_hist_record(a, 100000);
	lg_hist_record(b, UINT64_C(1) << 50);	/* past the range */
	lg_hist_merge(a, b);
	assert_int_equal(a->n, 100);
	near(lg_hist_quantile(a, 0.5), 100000);
	near(lg_hist_quantile(a, 0.99), 100000);
	assert_int_equal(a->max_ns, UINT64_C(1) << 50);
	assert_true(lg_hist_quantile(a, 1.0) >= LG_HIST_MAX_NS / 2);
	assert_int_equal(lg_hist_quantile(b, 0.5) > 0, 1);
	memset(b, 0, sizeof(*b));
	assert_int_equal(lg_hist_quantile(b, 0.5), 0);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_single_values),
		cmocka_unit_test(test_merge_and_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
