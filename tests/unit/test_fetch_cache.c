/*
 * test_fetch_cache.c -- mefd's fetch cache: hits, LRU eviction, expiry at hit
 * time, the generation flush, a disabled cache, and the derived key kept with
 * an entry. Every Ke leaves the cache
 * through mef_secret_free(), which wipes: a Ke dropped any other way would show
 * as a leak in the ASan run of this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/fetch_cache.h"

#define NOW	1000000

static void
answer(struct store_fetch *sf, unsigned char fill, int64_t expires)
{
	unsigned char	b[32];

	memset(sf, 0, sizeof(*sf));
	memset(b, fill, sizeof(b));
	assert_int_equal(mef_secret_new(b, sizeof(b), &sf->ke), MEF_OK);
	snprintf(sf->enrolee_id, sizeof(sf->enrolee_id), "C-%02x", fill);
	sf->expires = expires;
	sf->is_allowed = 1;
	sf->nsuids = 2;
	sf->suids[0] = 22;
	sf->suids[1] = fill;
}

static void
put(struct fetch_cache *fc, const char *keyid, const char *tid,
    unsigned char fill, int64_t expires)
{
	struct store_fetch	sf;
	struct fetch_cache_view	v;

	answer(&sf, fill, expires);
	fetch_cache_put(fc, keyid, tid, &sf, &v);
	assert_null(sf.ke);		/* moved into the cache */
	assert_int_equal(mef_secret_bytes(v.ke)[0], fill);
	store_fetch_clear(&sf);
}

/* The fill byte of the Ke cached for (keyid, tid), or -1 on a miss. */
static int
get(struct fetch_cache *fc, const char *keyid, const char *tid, int64_t now)
{
	struct fetch_cache_view	v;
	char			want[16];
	int			fill;

	if (!fetch_cache_get(fc, keyid, tid, now, &v))
		return -1;
	fill = mef_secret_bytes(v.ke)[0];
	snprintf(want, sizeof(want), "C-%02x", fill);
	assert_string_equal(v.enrolee_id, want);
	assert_int_equal(v.nsuids, 2);
	assert_int_equal(v.suids[1], (unsigned long)fill);
	assert_int_equal(v.is_allowed, 1);
	return fill;
}

static void
test_hit_and_keys(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct fetch_cache_stats st;

	assert_int_equal(fetch_cache_new(8, &fc), MEF_OK);
	assert_true(fetch_cache_enabled(fc));
	fetch_cache_sync(fc, 1);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), -1);
	put(fc, "k1@mef", "/t1", 0x11, NOW + 10);
	put(fc, "k1@mef", "/t2", 0x12, NOW + 10);
	put(fc, "k2@mef", "/t1", 0x21, NOW + 10);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), 0x11);
	assert_int_equal(get(fc, "k1@mef", "/t2", NOW), 0x12);
	assert_int_equal(get(fc, "k2@mef", "/t1", NOW), 0x21);
	/* Exact keys: neither part may be a prefix or differ in case. */
	assert_int_equal(get(fc, "k1@me", "/t1", NOW), -1);
	assert_int_equal(get(fc, "k1@mef", "/t", NOW), -1);
	assert_int_equal(get(fc, "K1@mef", "/t1", NOW), -1);
	/* A fresher answer replaces the old one. */
	put(fc, "k1@mef", "/t1", 0x13, NOW + 10);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), 0x13);
	fetch_cache_stats(fc, &st);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.hits, 4);
	fetch_cache_free(&fc);
	assert_null(fc);
	fetch_cache_free(&fc);
}

static void
test_expiry(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct fetch_cache_stats st;

	assert_int_equal(fetch_cache_new(8, &fc), MEF_OK);
	fetch_cache_sync(fc, 1);
	put(fc, "k1@mef", "/t1", 0x11, NOW + 10);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW + 9), 0x11);
	/* At its expiry second a Ke is no longer served, and is dropped. */
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW + 10), -1);
	fetch_cache_stats(fc, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), -1);
	fetch_cache_free(&fc);
}

static void
test_lru_eviction(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct fetch_cache_stats st;
	char			 k[32];
	int			 i;

	assert_int_equal(fetch_cache_new(4, &fc), MEF_OK);
	fetch_cache_sync(fc, 7);
	for (i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "k%d@mef", i);
		put(fc, k, "/t", (unsigned char)(0x40 + i), NOW + 10);
	}
	/* Use k0: k1 becomes the least recently used. */
	assert_int_equal(get(fc, "k0@mef", "/t", NOW), 0x40);
	put(fc, "k4@mef", "/t", 0x44, NOW + 10);
	assert_int_equal(get(fc, "k1@mef", "/t", NOW), -1);
	assert_int_equal(get(fc, "k0@mef", "/t", NOW), 0x40);
	assert_int_equal(get(fc, "k2@mef", "/t", NOW), 0x42);
	assert_int_equal(get(fc, "k4@mef", "/t", NOW), 0x44);
	/* Many more: the bound holds, and the newest are kept. */
	for (i = 5; i < 200; i++) {
		snprintf(k, sizeof(k), "k%d@mef", i);
		put(fc, k, "/t", (unsigned char)i, NOW + 10);
	}
	fetch_cache_stats(fc, &st);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.evictions, 1 + 195);
	assert_int_equal(get(fc, "k199@mef", "/t", NOW), 199);
	assert_int_equal(get(fc, "k195@mef", "/t", NOW), -1);
	fetch_cache_free(&fc);	/* ASan: every remaining Ke freed */
}

static void
test_generation_flush(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct fetch_cache_stats st;

	assert_int_equal(fetch_cache_new(8, &fc), MEF_OK);
	fetch_cache_sync(fc, 5);
	put(fc, "k1@mef", "/t1", 0x11, NOW + 10);
	put(fc, "k2@mef", "/t1", 0x21, NOW + 10);
	/* The same generation keeps everything. */
	fetch_cache_sync(fc, 5);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), 0x11);
	/* Another generation (a revocation somewhere) drops everything. */
	fetch_cache_sync(fc, 6);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), -1);
	assert_int_equal(get(fc, "k2@mef", "/t1", NOW), -1);
	fetch_cache_stats(fc, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.flushes, 1);
	/* It fills again under the new generation. */
	put(fc, "k1@mef", "/t1", 0x12, NOW + 10);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), 0x12);
	fetch_cache_flush(fc);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), -1);
	fetch_cache_free(&fc);
}

static void
test_disabled(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct store_fetch	 sf;
	struct fetch_cache_view	 v;

	assert_int_equal(fetch_cache_new(0, &fc), MEF_OK);
	assert_false(fetch_cache_enabled(fc));
	fetch_cache_sync(fc, 1);
	answer(&sf, 0x55, NOW + 10);
	fetch_cache_put(fc, "k1@mef", "/t1", &sf, &v);
	/* Nothing kept: the view points into the caller's answer. */
	assert_non_null(sf.ke);
	assert_ptr_equal(v.ke, sf.ke);
	assert_ptr_equal(v.enrolee_id, sf.enrolee_id);
	assert_int_equal(get(fc, "k1@mef", "/t1", NOW), -1);
	store_fetch_clear(&sf);
	fetch_cache_free(&fc);
	/* An over-long KeId is answered but not kept. */
	assert_int_equal(fetch_cache_new(4, &fc), MEF_OK);
	{
		char	long_id[MEF_KEYID_MAX + 8];

		memset(long_id, 'a', sizeof(long_id) - 1);
		long_id[sizeof(long_id) - 1] = '\0';
		answer(&sf, 0x66, NOW + 10);
		fetch_cache_put(fc, long_id, "/t1", &sf, &v);
		assert_non_null(sf.ke);
		assert_ptr_equal(v.ke, sf.ke);
		store_fetch_clear(&sf);
	}
	fetch_cache_free(&fc);
}

static void
test_derived(void **state)
{
	struct fetch_cache	*fc = NULL;
	struct fetch_cache_view	 v;
	struct store_fetch	 sf;
	struct mef_secret	*k = NULL;
	unsigned char		 b[32];

	memset(b, 0x77, sizeof(b));
	assert_int_equal(fetch_cache_new(4, &fc), MEF_OK);
	fetch_cache_sync(fc, 1);
	put(fc, "k1@mef", "/t1", 0x11, NOW + 10);
	assert_true(fetch_cache_get(fc, "k1@mef", "/t1", NOW, &v));
	assert_null(v.derived);
	assert_int_equal(mef_secret_new(b, sizeof(b), &k), MEF_OK);
	fetch_cache_keep_derived(fc, &v, 5, &k);
	assert_null(k);			/* the entry owns it now */
	assert_int_equal(mef_secret_bytes(v.derived)[0], 0x77);
	assert_true(fetch_cache_get(fc, "k1@mef", "/t1", NOW, &v));
	assert_non_null(v.derived);
	assert_int_equal(v.derived_label, 5);
	/* Not for another Target's entry, and gone with a flush. */
	put(fc, "k1@mef", "/t2", 0x12, NOW + 10);
	assert_true(fetch_cache_get(fc, "k1@mef", "/t2", NOW, &v));
	assert_null(v.derived);
	fetch_cache_sync(fc, 2);
	put(fc, "k1@mef", "/t1", 0x11, NOW + 10);
	assert_true(fetch_cache_get(fc, "k1@mef", "/t1", NOW, &v));
	assert_null(v.derived);
	fetch_cache_free(&fc);

	/* A view that is not an entry leaves the key with the caller. */
	assert_int_equal(fetch_cache_new(0, &fc), MEF_OK);
	answer(&sf, 0x55, NOW + 10);
	fetch_cache_put(fc, "k1@mef", "/t1", &sf, &v);
	assert_int_equal(mef_secret_new(b, sizeof(b), &k), MEF_OK);
	fetch_cache_keep_derived(fc, &v, 5, &k);
	assert_non_null(k);
	mef_secret_free(&k);
	store_fetch_clear(&sf);
	fetch_cache_free(&fc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_keys),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_generation_flush),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_derived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
