/*
 * lg_hist.h -- bench_loadgen's latency histogram: log-linear buckets in fixed
 * memory, as HdrHistogram does.
 *
 * A value v (ns) below 2 * LG_HIST_SUB falls in a bucket of its own; above,
 * each power of two is cut into LG_HIST_SUB equal buckets, so a bucket is at
 * most 1/LG_HIST_SUB (0.8 %) of the values it holds wide. Values past
 * LG_HIST_MAX_NS land in the last bucket; the exact maximum is kept aside.
 * One histogram per thread, merged at the end: recording takes no lock.
 */
#ifndef MEF_BENCH_LG_HIST_H
#define MEF_BENCH_LG_HIST_H

#include <stdint.h>

#define LG_HIST_SUB_BITS	7
#define LG_HIST_SUB		(1u << LG_HIST_SUB_BITS)	/* 128 */
#define LG_HIST_MAX_BITS	38	/* 2^38 ns: 275 s */
#define LG_HIST_MAX_NS		((UINT64_C(1) << LG_HIST_MAX_BITS) - 1)
#define LG_HIST_BUCKETS		\
	((LG_HIST_MAX_BITS - LG_HIST_SUB_BITS + 1) * LG_HIST_SUB)

struct lg_hist {
	uint64_t	count[LG_HIST_BUCKETS];
	uint64_t	n;
	uint64_t	sum_ns;
	uint64_t	max_ns;
};

/* Counts one value (ns). */
void		lg_hist_record(struct lg_hist *h, uint64_t ns);
/* Adds the counts of from to into. */
void		lg_hist_merge(struct lg_hist *into, const struct lg_hist *from);
/*
 * The value (ns) at quantile q (0..1): the middle of the bucket holding the
 * ceil(q * n)-th smallest value, never above the maximum; 0 when empty.
 */
uint64_t	lg_hist_quantile(const struct lg_hist *h, double q);

#endif /* MEF_BENCH_LG_HIST_H */
