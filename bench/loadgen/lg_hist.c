/*
 * lg_hist.c -- the log-linear latency histogram of bench_loadgen.
 *
 * Bucket index of v: v itself below 2 * SUB; otherwise, with s the number of
 * low bits dropped so that v >> s lies in [SUB, 2 * SUB), (s + 1) * SUB +
 * (v >> s) - SUB. The mapping is monotonic and contiguous, so a quantile is
 * one walk over the counts.
 */

#include "lg_hist.h"

static unsigned
bucket_of(uint64_t v)
{
	unsigned	msb, shift;

	if (v > LG_HIST_MAX_NS)
		v = LG_HIST_MAX_NS;
	if (v < 2 * LG_HIST_SUB)
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - LG_HIST_SUB_BITS;
	return (shift + 1) * LG_HIST_SUB + (unsigned)(v >> shift) - LG_HIST_SUB;
}

/* The lowest value of bucket i, and its width in *pwidth. */
static uint64_t
bucket_low(unsigned i, uint64_t *pwidth)
{
	unsigned	shift;

	if (i < 2 * LG_HIST_SUB) {
		*pwidth = 1;
		return i;
	}
	shift = i / LG_HIST_SUB - 1;
	*pwidth = UINT64_C(1) << shift;
	return (uint64_t)(i % LG_HIST_SUB + LG_HIST_SUB) << shift;
}

/* see lg_hist.h */
void
lg_hist_record(struct lg_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->n++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* see lg_hist.h */
void
lg_hist_merge(struct lg_hist *into, const struct lg_hist *from)
{
	unsigned	i;

	for (i = 0; i < LG_HIST_BUCKETS; i++)
		into->count[i] += from->count[i];
	into->n += from->n;
	into->sum_ns += from->sum_ns;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
}

/* see lg_hist.h */
uint64_t
lg_hist_quantile(const struct lg_hist *h, double q)
{
	uint64_t	rank, seen = 0, low, width, mid;
	unsigned	i;

	if (h->n == 0)
		return 0;
	/* ceil(q * n), without libm. */
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	for (i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank)
			break;
	}
	if (i == LG_HIST_BUCKETS)
		return h->max_ns;
	low = bucket_low(i, &width);
	mid = low + width / 2;
	return mid < h->max_ns ? mid : h->max_ns;
}
