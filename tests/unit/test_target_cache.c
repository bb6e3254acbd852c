/*
 * test_target_cache.c -- the Target credential cache (client/target_cache.c)
 * and the argument rules of the public struct mef_target, without a MEF.
 *
 * The cache gets a fake fetch function and, for the timing rules, a fake
 * clock, so "reused until the Lifetime ends and never after" is checked to the
 * microsecond without sleeping. The concurrency tests use the real clock and
 * a fetch that blocks until the test lets it go: N threads asking for one KeId
 * must cause one fetch, N KeIds must be fetched at the same time, and a cached
 * KeId must be served while another one is being fetched. Wiping cannot be
 * observed from here; the ASan build checks that every key is freed once.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/target_cache.h"
#include "mef/target.h"
#include "util/secret.h"

#define S		1000000ull	/* microseconds */
#define KEYID_A		"000102030405060708090A0B0C0D0E0F@mef.example.com"
#define KEYID_B		"101112131415161718191A1B1C1D1E1F@mef.example.com"
#define NTHREADS	8

/* The fake MEF: counts fetches, answers as told, can hold fetches back. */
struct fake {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	uint64_t	 now;		/* the fake clock */
	unsigned	 calls;
	unsigned	 inflight, max_inflight;
	int		 hold;		/* fetches wait while set */
	enum mef_err	 rc;
	uint64_t	 lifetime_s;
	size_t		 key_len;
	const char	*enrolee_id;
};

static struct fake	fk = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static uint64_t
fake_clock(void *arg)
{
	return ((struct fake *)arg)->now;
}

/* The key's bytes are the call number, so a refetch shows in the key. */
static enum mef_err
fake_fetch(void *arg, const char *keyid, struct target_cache_cred *pcred)
{
	struct fake	*f = arg;
	unsigned char	 key[64];
	enum mef_err	 rc;

	pthread_mutex_lock(&f->mu);
	f->calls++;
	f->inflight++;
	if (f->inflight > f->max_inflight)
		f->max_inflight = f->inflight;
	pthread_cond_broadcast(&f->cv);
	while (f->hold)
		pthread_cond_wait(&f->cv, &f->mu);
	f->inflight--;
	memset(key, (int)f->calls, sizeof(key));
	rc = f->rc;
	if (rc == MEF_OK) {
		snprintf(pcred->enrolee_id, sizeof(pcred->enrolee_id), "%s",
		    f->enrolee_id);
		pcred->lifetime_s = f->lifetime_s;
		rc = mef_secret_new(key, f->key_len, &pcred->key);
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static void
fake_reset(void)
{
	fk.now = 1000 * S;
	fk.calls = fk.inflight = fk.max_inflight = 0;
	fk.hold = 0;
	fk.rc = MEF_OK;
	fk.lifetime_s = 10;
	fk.key_len = MEF_KEY_LEN;
	fk.enrolee_id = "C-dev1";
}

static void
fake_set_hold(int hold)
{
	pthread_mutex_lock(&fk.mu);
	fk.hold = hold;
	pthread_cond_broadcast(&fk.cv);
	pthread_mutex_unlock(&fk.mu);
}

/* Waits (up to 5 s) until n fetches are running at once. */
static int
fake_wait_inflight(unsigned n)
{
	struct timespec	ts;
	int		ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&fk.mu);
	while (fk.inflight < n &&
	    pthread_cond_timedwait(&fk.cv, &fk.mu, &ts) == 0)
		;
	ok = fk.inflight >= n;
	pthread_mutex_unlock(&fk.mu);
	return ok;
}

static struct target_cache *
cache_new(uint64_t cap_s, size_t max, int fake_time)
{
	struct target_cache_cfg	 cfg;
	struct target_cache	*c = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cache_max_s = cap_s;
	cfg.negative_ttl_s = 5;
	cfg.error_ttl_s = 1;
	cfg.max_entries = max;
	cfg.fetch = fake_fetch;
	cfg.fetch_arg = &fk;
	if (fake_time) {
		cfg.clock = fake_clock;
		cfg.clock_arg = &fk;
	}
	assert_int_equal(target_cache_new(&cfg, &c), MEF_OK);
	return c;
}

/* One get; returns its result and the first key byte (the fetch number). */
static enum mef_err
get(struct target_cache *c, const char *keyid, int *pgen, uint64_t *pleft)
{
	unsigned char	key[MEF_KEY_LEN];
	char		eid[MEF_ID_MAX + 1];
	enum mef_err	rc;

	memset(key, 0xEE, sizeof(key));
	rc = target_cache_get(c, keyid, key, eid, sizeof(eid), pleft);
	if (rc == MEF_OK) {
		assert_string_equal(eid, fk.enrolee_id);
		*pgen = key[0];
	} else
		*pgen = -1;
	return rc;
}

static void
test_reuse_within_lifetime_never_after(void **state)
{
	struct target_cache	*c;
	uint64_t		 left, t0;
	int			 gen;

	(void)state;
	fake_reset();
	c = cache_new(0, 16, 1);
	t0 = fk.now;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 1);
	assert_int_equal(left, 10);
	fk.now = t0 + 10 * S - 1;		/* the last microsecond */
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 1);
	assert_int_equal(left, 0);
	assert_int_equal(fk.calls, 1);
	fk.now = t0 + 10 * S;			/* Lifetime over: refetch */
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 2);
	assert_int_equal(left, 10);
	assert_int_equal(fk.calls, 2);
	target_cache_free(&c);
	assert_null(c);
}

/* The Lifetime counts from when the fetch started, not when it returned. */
static enum mef_err
slow_fetch(void *arg, const char *keyid, struct target_cache_cred *pcred)
{
	enum mef_err	rc = fake_fetch(arg, keyid, pcred);

	fk.now += 3 * S;	/* the answer took 3 s */
	return rc;
}

static void
test_lifetime_counts_from_request(void **state)
{
	struct target_cache_cfg	 cfg;
	struct target_cache	*c = NULL;
	unsigned char		 key[MEF_KEY_LEN];
	uint64_t		 left, t0;

	(void)state;
	fake_reset();
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_entries = 4;
	cfg.fetch = slow_fetch;
	cfg.fetch_arg = &fk;
	cfg.clock = fake_clock;
	cfg.clock_arg = &fk;
	assert_int_equal(target_cache_new(&cfg, &c), MEF_OK);
	t0 = fk.now;
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, &left),
	    MEF_OK);
	assert_int_equal(left, 7);
	fk.now = t0 + 10 * S;
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, &left),
	    MEF_OK);
	assert_int_equal(fk.calls, 2);
	target_cache_free(&c);
}

static void
test_cap(void **state)
{
	struct target_cache	*c;
	uint64_t		 left, t0;
	int			 gen;

	(void)state;
	fake_reset();
	fk.lifetime_s = 100;
	c = cache_new(3, 16, 1);
	t0 = fk.now;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(left, 3);
	fk.now = t0 + 3 * S - 1;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 1);
	fk.now = t0 + 3 * S;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 2);
	target_cache_free(&c);

	/* A cap above the Lifetime changes nothing. */
	fake_reset();
	fk.lifetime_s = 2;
	c = cache_new(60, 16, 1);
	t0 = fk.now;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(left, 2);
	fk.now = t0 + 2 * S;
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 2);
	target_cache_free(&c);
}

/* Lifetime 0: the asking caller gets the key, nothing is cached. */
static void
test_lifetime_zero_not_cached(void **state)
{
	struct target_cache	*c;
	uint64_t		 left = 99;
	int			 gen;

	(void)state;
	fake_reset();
	fk.lifetime_s = 0;
	c = cache_new(0, 16, 1);
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(left, 0);
	assert_int_equal(target_cache_count(c), 0);
	assert_int_equal(get(c, KEYID_A, &gen, &left), MEF_OK);
	assert_int_equal(gen, 2);
	target_cache_free(&c);
}

static void
test_negative_cache(void **state)
{
	struct target_cache	*c;
	uint64_t		 t0;
	int			 gen;

	(void)state;
	fake_reset();
	fk.rc = MEF_E_DENIED;
	c = cache_new(0, 16, 1);
	t0 = fk.now;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_DENIED);
	fk.rc = MEF_OK;		/* the MEF changed its mind */
	fk.now = t0 + 5 * S - 1;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_DENIED);
	assert_int_equal(fk.calls, 1);
	fk.now = t0 + 5 * S;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_OK);
	assert_int_equal(fk.calls, 2);
	target_cache_free(&c);
}

/* An unreachable MEF is cached for error_ttl_s (1 s), NOMEM not at all. */
static void
test_error_cache(void **state)
{
	struct target_cache	*c;
	uint64_t		 t0;
	int			 gen;

	(void)state;
	fake_reset();
	fk.rc = MEF_E_IO;
	c = cache_new(0, 16, 1);
	t0 = fk.now;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_IO);
	fk.rc = MEF_E_TIMEOUT;
	fk.now = t0 + S - 1;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_IO);
	fk.now = t0 + S;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_TIMEOUT);
	assert_int_equal(fk.calls, 2);
	fk.rc = MEF_E_NOMEM;
	assert_int_equal(get(c, KEYID_B, &gen, NULL), MEF_E_NOMEM);
	assert_int_equal(get(c, KEYID_B, &gen, NULL), MEF_E_NOMEM);
	assert_int_equal(fk.calls, 4);
	target_cache_free(&c);
}

/* A key of the wrong length or an empty EnroleeID is a malformed answer. */
static void
test_bad_answer(void **state)
{
	struct target_cache	*c;
	int			 gen;

	(void)state;
	fake_reset();
	fk.key_len = 16;
	c = cache_new(0, 16, 1);
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_E_PROTO);
	fk.key_len = MEF_KEY_LEN;
	fk.enrolee_id = "";
	assert_int_equal(get(c, KEYID_B, &gen, NULL), MEF_E_PROTO);
	target_cache_free(&c);
}

static void
test_outputs(void **state)
{
	struct target_cache	*c;
	unsigned char		 key[MEF_KEY_LEN];
	char			 eid[6];
	uint64_t		 left = 77;

	(void)state;
	fake_reset();
	c = cache_new(0, 16, 1);
	memset(key, 0xEE, sizeof(key));
	/* "C-dev1" needs 7 bytes: refused, nothing written. */
	assert_int_equal(target_cache_get(c, KEYID_A, key, eid, sizeof(eid),
	    &left), MEF_E_TOOBIG);
	assert_int_equal(key[0], 0xEE);
	assert_int_equal(left, 77);
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, NULL),
	    MEF_OK);
	assert_int_equal(key[0], 1);
	assert_int_equal(fk.calls, 1);
	assert_int_equal(target_cache_get(c, "", key, NULL, 0, NULL),
	    MEF_E_INVAL);
	assert_int_equal(target_cache_get(c, NULL, key, NULL, 0, NULL),
	    MEF_E_INVAL);
	assert_int_equal(target_cache_get(c, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_E_INVAL);
	target_cache_free(&c);
	target_cache_free(&c);		/* NULL is fine */
	target_cache_free(NULL);
}

static void
test_peek(void **state)
{
	struct target_cache	*c;
	unsigned char		 key[MEF_KEY_LEN];
	char			 eid[MEF_ID_MAX + 1];
	uint64_t		 left, t0;
	int			 gen;

	(void)state;
	fake_reset();
	c = cache_new(0, 16, 1);
	t0 = fk.now;
	assert_int_equal(target_cache_peek(c, KEYID_A, key, eid, sizeof(eid),
	    &left), MEF_E_AGAIN);
	assert_int_equal(fk.calls, 0);
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_OK);
	memset(key, 0, sizeof(key));
	assert_int_equal(target_cache_peek(c, KEYID_A, key, eid, sizeof(eid),
	    &left), MEF_OK);
	assert_int_equal(key[0], 1);
	assert_string_equal(eid, "C-dev1");
	assert_int_equal(left, 10);
	assert_int_equal(target_cache_peek(c, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_OK);
	fk.now = t0 + 10 * S;
	assert_int_equal(target_cache_peek(c, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_E_AGAIN);
	assert_int_equal(target_cache_count(c), 0);	/* expired: dropped */
	fk.rc = MEF_E_DENIED;
	assert_int_equal(get(c, KEYID_B, &gen, NULL), MEF_E_DENIED);
	assert_int_equal(target_cache_peek(c, KEYID_B, NULL, NULL, 0, NULL),
	    MEF_E_DENIED);
	assert_int_equal(fk.calls, 2);
	target_cache_free(&c);
}

static void
test_forget(void **state)
{
	struct target_cache	*c;
	int			 gen;

	(void)state;
	fake_reset();
	c = cache_new(0, 16, 1);
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_OK);
	assert_int_equal(target_cache_forget(c, KEYID_A), MEF_OK);
	assert_int_equal(target_cache_forget(c, KEYID_A), MEF_E_NOTFOUND);
	assert_int_equal(target_cache_count(c), 0);
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_OK);
	assert_int_equal(gen, 2);
	target_cache_free(&c);
}

static void
keyid_n(char *buf, size_t sz, unsigned n)
{
	snprintf(buf, sz, "%032X@mef.example.com", n);
}

/* The bound holds; the least recently used entry goes first. */
static void
test_eviction_lru(void **state)
{
	struct target_cache	*c;
	char			 k[MEF_KEYID_MAX];
	unsigned		 i;
	int			 gen;

	(void)state;
	fake_reset();
	c = cache_new(0, 4, 1);
	for (i = 0; i < 4; i++) {
		keyid_n(k, sizeof(k), i);
		assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	}
	keyid_n(k, sizeof(k), 0);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);	/* 0 is fresh */
	keyid_n(k, sizeof(k), 4);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);	/* evicts 1 */
	assert_int_equal(target_cache_count(c), 4);
	assert_int_equal(fk.calls, 5);
	keyid_n(k, sizeof(k), 0);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	assert_int_equal(fk.calls, 5);			/* still cached */
	keyid_n(k, sizeof(k), 1);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	assert_int_equal(fk.calls, 6);			/* was evicted */
	for (i = 10; i < 100; i++) {
		keyid_n(k, sizeof(k), i);
		assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
		assert_true(target_cache_count(c) <= 4);
	}
	target_cache_free(&c);
}

/* When full, an expired entry is evicted before the least recently used. */
static void
test_eviction_expired_first(void **state)
{
	struct target_cache	*c;
	char			 k[MEF_KEYID_MAX];
	unsigned		 i;
	int			 gen;

	(void)state;
	fake_reset();
	c = cache_new(0, 3, 1);
	for (i = 0; i < 3; i++) {	/* 0 and 2 live 100 s, 1 lives 1 s */
		fk.lifetime_s = i == 1 ? 1 : 100;
		keyid_n(k, sizeof(k), i);
		assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	}
	fk.now += S;			/* entry 1 has just expired */
	fk.lifetime_s = 100;
	keyid_n(k, sizeof(k), 3);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	assert_int_equal(fk.calls, 4);
	keyid_n(k, sizeof(k), 0);	/* the LRU one survived */
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	keyid_n(k, sizeof(k), 2);
	assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	assert_int_equal(fk.calls, 4);
	target_cache_free(&c);
}

/* Expired entries are dropped by the sweep even if nobody asks for them. */
static void
test_sweep(void **state)
{
	struct target_cache	*c;
	char			 k[MEF_KEYID_MAX];
	unsigned		 i;
	int			 gen;

	(void)state;
	fake_reset();
	fk.lifetime_s = 1;
	c = cache_new(0, 64, 1);
	for (i = 0; i < 10; i++) {
		keyid_n(k, sizeof(k), i);
		assert_int_equal(get(c, k, &gen, NULL), MEF_OK);
	}
	assert_int_equal(target_cache_count(c), 10);
	fk.now += 2 * S;
	fk.lifetime_s = 100;
	assert_int_equal(get(c, KEYID_A, &gen, NULL), MEF_OK);
	assert_int_equal(target_cache_count(c), 1);
	target_cache_free(&c);
}

struct worker {
	pthread_t		 th;
	struct target_cache	*c;
	char			 keyid[MEF_KEYID_MAX];
	enum mef_err		 rc;
	unsigned char		 key[MEF_KEY_LEN];
};

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	w->rc = target_cache_get(w->c, w->keyid, w->key, NULL, 0, NULL);
	return NULL;
}

static void
worker_start(struct worker *w, struct target_cache *c, const char *keyid)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	snprintf(w->keyid, sizeof(w->keyid), "%s", keyid);
	assert_int_equal(pthread_create(&w->th, NULL, worker_main, w), 0);
}

/* N threads, one KeId: one fetch, every thread gets its answer. */
static void
test_single_flight(void **state)
{
	struct target_cache	*c;
	struct worker		 w[NTHREADS];
	unsigned		 i;

	(void)state;
	fake_reset();
	fk.hold = 1;
	c = cache_new(0, 16, 0);
	for (i = 0; i < NTHREADS; i++)
		worker_start(&w[i], c, KEYID_A);
	assert_true(fake_wait_inflight(1));
	usleep(200 * 1000);	/* let the others queue up behind it */
	fake_set_hold(0);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].th, NULL);
		assert_int_equal(w[i].rc, MEF_OK);
		assert_int_equal(w[i].key[0], 1);
	}
	assert_int_equal(fk.calls, 1);
	assert_int_equal(fk.max_inflight, 1);
	target_cache_free(&c);
}

/* N KeIds fetch at the same time, and a cached KeId is served meanwhile. */
static void
test_parallel_fetches(void **state)
{
	struct target_cache	*c;
	struct worker		 w[NTHREADS];
	unsigned char		 key[MEF_KEY_LEN];
	char			 k[MEF_KEYID_MAX];
	unsigned		 i;

	(void)state;
	fake_reset();
	c = cache_new(0, 64, 0);
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, NULL),
	    MEF_OK);
	fake_set_hold(1);
	for (i = 0; i < NTHREADS; i++) {
		keyid_n(k, sizeof(k), i);
		worker_start(&w[i], c, k);
	}
	assert_true(fake_wait_inflight(NTHREADS));	/* all at once */
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, NULL),
	    MEF_OK);					/* not stuck */
	assert_int_equal(key[0], 1);
	fake_set_hold(0);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].th, NULL);
		assert_int_equal(w[i].rc, MEF_OK);
	}
	assert_int_equal(fk.calls, NTHREADS + 1);
	assert_int_equal(fk.max_inflight, NTHREADS);
	target_cache_free(&c);
}

/*
 * Forgetting a KeId whose fetch is running: the waiting caller still gets
 * that answer, a later caller fetches anew, and nothing stale stays cached.
 */
static void
test_forget_during_fetch(void **state)
{
	struct target_cache	*c;
	struct worker		 w1, w2;

	(void)state;
	fake_reset();
	fk.hold = 1;
	c = cache_new(0, 16, 0);
	worker_start(&w1, c, KEYID_A);
	assert_true(fake_wait_inflight(1));
	assert_int_equal(target_cache_forget(c, KEYID_A), MEF_OK);
	worker_start(&w2, c, KEYID_A);
	assert_true(fake_wait_inflight(2));		/* a second fetch */
	fake_set_hold(0);
	pthread_join(w1.th, NULL);
	pthread_join(w2.th, NULL);
	assert_int_equal(w1.rc, MEF_OK);
	assert_int_equal(w2.rc, MEF_OK);
	assert_int_equal(fk.calls, 2);
	assert_int_equal(target_cache_count(c), 1);	/* only the second */
	target_cache_free(&c);
}

/* A cache full of fetches in flight still serves a new KeId, uncached. */
static void
test_full_of_fetches(void **state)
{
	struct target_cache	*c;
	struct worker		 w[2];
	unsigned char		 key[MEF_KEY_LEN];

	(void)state;
	fake_reset();
	fk.hold = 1;
	c = cache_new(0, 1, 0);
	worker_start(&w[0], c, KEYID_A);
	assert_true(fake_wait_inflight(1));
	worker_start(&w[1], c, KEYID_B);
	assert_true(fake_wait_inflight(2));
	assert_int_equal(target_cache_count(c), 1);
	fake_set_hold(0);
	pthread_join(w[0].th, NULL);
	pthread_join(w[1].th, NULL);
	assert_int_equal(w[0].rc, MEF_OK);
	assert_int_equal(w[1].rc, MEF_OK);
	assert_int_equal(target_cache_get(c, KEYID_A, key, NULL, 0, NULL),
	    MEF_OK);
	assert_int_equal(fk.calls, 2);	/* A was cached, B was not */
	target_cache_free(&c);
}

/*
 * Many threads, few KeIds, a small table, forgets and peeks: no crash, no
 * leak (ASan), every get answered. cmocka's asserts are not for threads, so
 * failures are counted.
 */
static unsigned	stress_failures;

static void *
stress_main(void *arg)
{
	struct target_cache	*c = arg;
	unsigned char		 key[MEF_KEY_LEN];
	char			 k[MEF_KEYID_MAX];
	unsigned		 i;

	for (i = 0; i < 2000; i++) {
		keyid_n(k, sizeof(k), i % 7);
		if (i % 13 == 0)
			(void)target_cache_forget(c, k);
		else if (i % 5 == 0)
			(void)target_cache_peek(c, k, key, NULL, 0, NULL);
		else if (target_cache_get(c, k, key, NULL, 0, NULL) !=
		    MEF_OK)
			__atomic_add_fetch(&stress_failures, 1,
			    __ATOMIC_RELAXED);
	}
	return NULL;
}

static void
test_stress(void **state)
{
	struct target_cache	*c;
	pthread_t		 th[NTHREADS];
	unsigned		 i;

	(void)state;
	fake_reset();
	fk.lifetime_s = 1;
	c = cache_new(0, 4, 0);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, stress_main, c),
		    0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(stress_failures, 0);
	assert_true(target_cache_count(c) <= 4);
	target_cache_free(&c);
}

/* ---- the public struct mef_target: arguments, no MEF needed ---- */

static struct mef_target *
target_new(void)
{
	struct mef_target_cfg	 cfg;
	struct mef_target	*t = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_TARGET_CFG_VERSION;
	cfg.target_id = "/in-cse-1";
	assert_int_equal(mef_target_new(&cfg, &t), MEF_OK);
	return t;
}

static void
mef_cfg(struct mef_target_mef_cfg *m, const unsigned char *psk,
    unsigned short port)
{
	memset(m, 0, sizeof(*m));
	m->version = MEF_TARGET_MEF_CFG_VERSION;
	m->fqdn = "MEF.Example.com";
	m->host = "127.0.0.1";
	m->port = port;
	m->psk_id = "in-cse-1";
	m->psk = psk;
	m->psk_len = 32;
}

static void
test_target_cfg(void **state)
{
	struct mef_target_cfg	 cfg;
	struct mef_target	*t = NULL;
	char			 longid[MEF_ID_MAX + 2];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.target_id = "/in-cse-1";
	assert_int_equal(mef_target_new(&cfg, &t), MEF_E_INVAL); /* version */
	cfg.version = MEF_TARGET_CFG_VERSION;
	assert_int_equal(mef_target_new(NULL, &t), MEF_E_INVAL);
	assert_int_equal(mef_target_new(&cfg, NULL), MEF_E_INVAL);
	cfg.negative_ttl_s = MEF_TARGET_TTL_MAX + 1;
	assert_int_equal(mef_target_new(&cfg, &t), MEF_E_INVAL);
	cfg.negative_ttl_s = 0;
	cfg.reserved[2] = &cfg;
	assert_int_equal(mef_target_new(&cfg, &t), MEF_E_INVAL);
	cfg.reserved[2] = NULL;
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	cfg.target_id = longid;
	assert_int_equal(mef_target_new(&cfg, &t), MEF_E_INVAL);
	cfg.target_id = "";
	assert_int_equal(mef_target_new(&cfg, &t), MEF_E_INVAL);
	assert_null(t);
	mef_target_free(&t);
	mef_target_free(NULL);
}

static void
test_target_add_mef(void **state)
{
	struct mef_target_mef_cfg	 m;
	struct mef_target		*t = target_new();
	unsigned char			 psk[32] = { 1 };

	(void)state;
	mef_cfg(&m, psk, 9443);
	m.cert_file = "c.pem";			/* PSK and certificate */
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_INVAL);
	mef_cfg(&m, psk, 9443);
	m.psk_len = 0;
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_INVAL);
	mef_cfg(&m, psk, 0);
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_INVAL);
	mef_cfg(&m, psk, 9443);
	m.fqdn = "not a name";
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_INVAL);
	mef_cfg(&m, psk, 9443);
	m.accept = (enum mef_format)7;
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_INVAL);
	mef_cfg(&m, psk, 9443);
	assert_int_equal(mef_target_add_mef(t, &m), MEF_OK);
	memset(psk, 0, sizeof(psk));		/* it was copied */
	m.fqdn = "mef.EXAMPLE.com";
	assert_int_equal(mef_target_add_mef(t, &m), MEF_E_EXISTS);
	memset(&m, 0, sizeof(m));
	m.version = MEF_TARGET_MEF_CFG_VERSION;
	m.fqdn = "mef2.example.com";
	m.host = "127.0.0.1";
	m.port = 9443;
	m.cert_file = "cert.pem";
	m.key_file = "key.pem";
	assert_int_equal(mef_target_add_mef(t, &m), MEF_OK);
	mef_target_free(&t);
	assert_null(t);
}

/* A port on loopback where nothing listens: connect is refused at once. */
static unsigned short
closed_port(int *pfd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	*pfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*pfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*pfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(*pfd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);		/* bound, never listening */
}

static void
test_target_get(void **state)
{
	struct mef_target_mef_cfg	 m;
	struct mef_target		*t = target_new();
	unsigned char			 psk[32] = { 1 }, key[MEF_KEY_LEN];
	char				 eid[MEF_ID_MAX + 1];
	int				 fd;

	(void)state;
	mef_cfg(&m, psk, closed_port(&fd));
	assert_int_equal(mef_target_add_mef(t, &m), MEF_OK);
	assert_int_equal(mef_target_get(t, "garbage", key, eid, sizeof(eid),
	    NULL), MEF_E_NOTFOUND);
	assert_int_equal(mef_target_get(t,
	    "000102030405060708090A0B0C0D0E0F@other.example.com", key, eid,
	    sizeof(eid), NULL), MEF_E_NOTFOUND);
	assert_int_equal(mef_target_peek(t, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_E_AGAIN);
	/* The FQDN matches in any case; the MEF is unreachable. */
	assert_int_equal(mef_target_get(t,
	    "000102030405060708090a0b0c0d0e0f@mef.example.COM", key, eid,
	    sizeof(eid), NULL), MEF_E_IO);
	/* Cached under the canonical KeId, briefly. */
	assert_int_equal(mef_target_peek(t, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_E_IO);
	assert_int_equal(mef_target_forget(t, KEYID_A), MEF_OK);
	assert_int_equal(mef_target_forget(t, KEYID_A), MEF_E_NOTFOUND);
	assert_int_equal(mef_target_forget(t, "garbage"), MEF_E_NOTFOUND);
	assert_int_equal(mef_target_get(NULL, KEYID_A, key, NULL, 0, NULL),
	    MEF_E_INVAL);
	assert_int_equal(mef_target_get(t, KEYID_A, NULL, NULL, 0, NULL),
	    MEF_E_INVAL);
	close(fd);
	mef_target_free(&t);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_reuse_within_lifetime_never_after),
		cmocka_unit_test(test_lifetime_counts_from_request),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_lifetime_zero_not_cached),
		cmocka_unit_test(test_negative_cache),
		cmocka_unit_test(test_error_cache),
		cmocka_unit_test(test_bad_answer),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_eviction_lru),
		cmocka_unit_test(test_eviction_expired_first),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_single_flight),
		cmocka_unit_test(test_parallel_fetches),
		cmocka_unit_test(test_forget_during_fetch),
		cmocka_unit_test(test_full_of_fetches),
		cmocka_unit_test(test_stress),
		cmocka_unit_test(test_target_cfg),
		cmocka_unit_test(test_target_add_mef),
		cmocka_unit_test(test_target_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
