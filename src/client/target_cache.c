/*
 * target_cache.c -- the KeId credential cache behind struct mef_target.
 *
 * Entries live in a hash table (lookup) and on an LRU list (eviction), both
 * under one mutex. An entry is FETCHING while one thread runs the fetch with
 * the mutex released, then GOOD or BAD until its expiry. Threads that find a
 * FETCHING entry hold a reference and sleep on its condition variable, so an
 * entry can leave the table (evicted, forgotten, not cacheable) while threads
 * still read its result: it is freed, and its key wiped, when the last of them
 * lets go. Expiry is checked on every hit, and a sweep at most once a second
 * drops what expired unseen, so a key does not linger in memory long past its
 * expiry.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "client/target_cache.h"
#include "util/clock.h"

#define US_PER_S	1000000u
#define SWEEP_EVERY_US	US_PER_S
#define BUCKETS_MIN	16

enum tc_state {
	TC_FETCHING = 0,
	TC_GOOD,
	TC_BAD,
};

struct tc_entry {
	TAILQ_ENTRY(tc_entry)	 lru;		/* most recently used first */
	LIST_ENTRY(tc_entry)	 chain;		/* hash bucket */
	pthread_cond_t		 done;		/* the fetch has ended */
	enum tc_state		 state;
	int			 linked;	/* in the table and the list */
	unsigned		 refs;		/* threads reading its result */
	enum mef_err		 err;		/* TC_BAD */
	struct mef_secret	*key;		/* TC_GOOD */
	uint64_t		 expires_us;	/* unusable from this instant */
	char			 enrolee_id[MEF_ID_MAX + 1];
	char			 keyid[MEF_KEYID_MAX];
};

LIST_HEAD(tc_bucket, tc_entry);
TAILQ_HEAD(tc_list, tc_entry);

struct target_cache {
	pthread_mutex_t		 mu;
	struct target_cache_cfg	 cfg;
	struct tc_bucket	*buckets;
	size_t			 nbuckets;	/* a power of two */
	struct tc_list		 lru;
	size_t			 count;		/* linked entries */
	uint64_t		 next_sweep_us;
};

static uint64_t		 now_us(const struct target_cache *);
static struct tc_bucket	*bucket_of(struct target_cache *, const char *);
static struct tc_entry	*find(struct target_cache *, const char *);
static struct tc_entry	*entry_new(struct target_cache *, const char *);
static void		 entry_free(struct tc_entry *);
static void		 unlink_entry(struct target_cache *, struct tc_entry *);
static void		 release(struct target_cache *, struct tc_entry *);
static void		 sweep(struct target_cache *, uint64_t);
static void		 make_room(struct target_cache *, uint64_t);
static void		 run_fetch(struct target_cache *, struct tc_entry *);
static void		 settle(struct target_cache *, struct tc_entry *,
			    enum mef_err, struct target_cache_cred *,
			    uint64_t);
static uint64_t		 expiry(uint64_t, uint64_t);
static enum mef_err	 copy_out(const struct tc_entry *, uint64_t,
			    unsigned char *, char *, size_t, uint64_t *);

/* see target_cache.h */
enum mef_err
target_cache_new(const struct target_cache_cfg *cfg, struct target_cache **pc)
{
	struct target_cache	*c = NULL;
	size_t			 i, n = BUCKETS_MIN;
	enum mef_err		 rc = MEF_E_INVAL;

	if (cfg == NULL || pc == NULL || cfg->fetch == NULL ||
	    cfg->max_entries == 0 || cfg->max_entries > ((size_t)1 << 24))
		goto out;
	rc = MEF_E_NOMEM;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto out;
	while (n < cfg->max_entries)
		n <<= 1;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (c->buckets == NULL)
		goto out;
	if (pthread_mutex_init(&c->mu, NULL) != 0)
		goto out;
	for (i = 0; i < n; i++)
		LIST_INIT(&c->buckets[i]);
	c->nbuckets = n;
	TAILQ_INIT(&c->lru);
	c->cfg = *cfg;
	rc = MEF_OK;
out:
	if (rc == MEF_OK)
		*pc = c;
	else if (c != NULL) {
		free(c->buckets);
		free(c);
	}
	return rc;
}

/* see target_cache.h */
enum mef_err
target_cache_get(struct target_cache *c, const char *keyid,
    unsigned char key[MEF_KEY_LEN], char *enrolee_id, size_t enrolee_id_size,
    uint64_t *pleft_s)
{
	struct tc_entry	*e;
	size_t		 len;
	uint64_t	 now;
	enum mef_err	 rc;

	if (c == NULL || keyid == NULL || key == NULL)
		return MEF_E_INVAL;
	len = strnlen(keyid, MEF_KEYID_MAX);
	if (len == 0 || len >= MEF_KEYID_MAX)
		return MEF_E_INVAL;
	pthread_mutex_lock(&c->mu);
	now = now_us(c);
	sweep(c, now);
	e = find(c, keyid);
	if (e != NULL && e->state != TC_FETCHING && now >= e->expires_us) {
		unlink_entry(c, e);	/* never used at or past its expiry */
		e = NULL;
	}
	if (e == NULL) {
		e = entry_new(c, keyid);
		if (e == NULL) {
			rc = MEF_E_NOMEM;
			goto out;
		}
		run_fetch(c, e);	/* releases the lock while it runs */
		now = now_us(c);
	} else if (e->state == TC_FETCHING) {
		e->refs++;
		while (e->state == TC_FETCHING)
			pthread_cond_wait(&e->done, &c->mu);
		now = now_us(c);
	} else {
		e->refs++;
		TAILQ_REMOVE(&c->lru, e, lru);
		TAILQ_INSERT_HEAD(&c->lru, e, lru);
	}
	/*
	 * A fetch's own result is served to the threads that asked for it
	 * even when its Lifetime is 0: they asked before it arrived.
	 */
	rc = copy_out(e, now, key, enrolee_id, enrolee_id_size, pleft_s);
	release(c, e);
out:
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* see target_cache.h */
enum mef_err
target_cache_peek(struct target_cache *c, const char *keyid,
    unsigned char key[MEF_KEY_LEN], char *enrolee_id, size_t enrolee_id_size,
    uint64_t *pleft_s)
{
	struct tc_entry	*e;
	uint64_t	 now;
	enum mef_err	 rc = MEF_E_AGAIN;

	if (c == NULL || keyid == NULL)
		return MEF_E_INVAL;
	pthread_mutex_lock(&c->mu);
	now = now_us(c);
	e = find(c, keyid);
	if (e == NULL || e->state == TC_FETCHING)
		goto out;
	if (now >= e->expires_us) {
		unlink_entry(c, e);
		goto out;
	}
	TAILQ_REMOVE(&c->lru, e, lru);
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	rc = copy_out(e, now, key, enrolee_id, enrolee_id_size, pleft_s);
out:
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* see target_cache.h */
enum mef_err
target_cache_forget(struct target_cache *c, const char *keyid)
{
	struct tc_entry	*e;
	enum mef_err	 rc = MEF_E_NOTFOUND;

	if (c == NULL || keyid == NULL)
		return MEF_E_INVAL;
	pthread_mutex_lock(&c->mu);
	e = find(c, keyid);
	if (e != NULL) {
		unlink_entry(c, e);
		rc = MEF_OK;
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* see target_cache.h */
size_t
target_cache_count(struct target_cache *c)
{
	size_t	n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	n = c->count;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* see target_cache.h */
void
target_cache_free(struct target_cache **pc)
{
	struct target_cache	*c;
	struct tc_entry		*e;

	if (pc == NULL || *pc == NULL)
		return;
	c = *pc;
	while ((e = TAILQ_FIRST(&c->lru)) != NULL)
		unlink_entry(c, e);	/* no refs: nobody is inside */
	pthread_mutex_destroy(&c->mu);
	free(c->buckets);
	free(c);
	*pc = NULL;
}

static uint64_t
now_us(const struct target_cache *c)
{
	if (c->cfg.clock != NULL)
		return c->cfg.clock(c->cfg.clock_arg);
	return clock_mono_us();
}

/* FNV-1a: KeIds are random hex, so a simple hash spreads them well. */
static struct tc_bucket *
bucket_of(struct target_cache *c, const char *keyid)
{
	uint64_t	h = 14695981039346656037ull;

	for (; *keyid != '\0'; keyid++) {
		h ^= (unsigned char)*keyid;
		h *= 1099511628211ull;
	}
	return &c->buckets[h & (c->nbuckets - 1)];
}

static struct tc_entry *
find(struct target_cache *c, const char *keyid)
{
	struct tc_entry	*e;

	LIST_FOREACH(e, bucket_of(c, keyid), chain)
		if (strcmp(e->keyid, keyid) == 0)
			return e;
	return NULL;
}

/*
 * A FETCHING entry for keyid with one reference (the caller's), linked when
 * there is room. When every slot holds a fetch in flight, the entry stays
 * unlinked: this caller fetches on its own and nothing is cached, which keeps
 * memory bounded at the price of single-flight in that extreme.
 */
static struct tc_entry *
entry_new(struct target_cache *c, const char *keyid)
{
	struct tc_entry	*e;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	if (pthread_cond_init(&e->done, NULL) != 0) {
		free(e);
		return NULL;
	}
	memcpy(e->keyid, keyid, strlen(keyid) + 1);	/* length checked */
	e->state = TC_FETCHING;
	e->refs = 1;
	make_room(c, now_us(c));
	if (c->count < c->cfg.max_entries) {
		LIST_INSERT_HEAD(bucket_of(c, keyid), e, chain);
		TAILQ_INSERT_HEAD(&c->lru, e, lru);
		e->linked = 1;
		c->count++;
	}
	return e;
}

static void
entry_free(struct tc_entry *e)
{
	mef_secret_free(&e->key);	/* wipes */
	pthread_cond_destroy(&e->done);
	free(e);
}

/* Takes e out of the table; frees it now unless a thread still reads it. */
static void
unlink_entry(struct target_cache *c, struct tc_entry *e)
{
	if (e->linked) {
		LIST_REMOVE(e, chain);
		TAILQ_REMOVE(&c->lru, e, lru);
		e->linked = 0;
		c->count--;
	}
	if (e->refs == 0)
		entry_free(e);
}

static void
release(struct target_cache *c, struct tc_entry *e)
{
	e->refs--;
	if (e->refs == 0 && !e->linked)
		entry_free(e);
}

/* Drops every expired entry, at most once per SWEEP_EVERY_US. */
static void
sweep(struct target_cache *c, uint64_t now)
{
	struct tc_entry	*e, *next;

	if (now < c->next_sweep_us)
		return;
	c->next_sweep_us = now + SWEEP_EVERY_US;
	for (e = TAILQ_FIRST(&c->lru); e != NULL; e = next) {
		next = TAILQ_NEXT(e, lru);
		if (e->state != TC_FETCHING && now >= e->expires_us)
			unlink_entry(c, e);
	}
}

/*
 * When full, evicts one entry: the least recently used expired one, else
 * the least recently used one. Entries in flight are never evicted: threads
 * are waiting on them.
 */
static void
make_room(struct target_cache *c, uint64_t now)
{
	struct tc_entry	*e, *victim = NULL;

	if (c->count < c->cfg.max_entries)
		return;
	TAILQ_FOREACH_REVERSE(e, &c->lru, tc_list, lru) {
		if (e->state == TC_FETCHING)
			continue;
		if (now >= e->expires_us) {
			victim = e;
			break;
		}
		if (victim == NULL)
			victim = e;
	}
	if (victim != NULL)
		unlink_entry(c, victim);
}

/*
 * Runs the fetch of e; called and returns with c->mu held. The lock is
 * released for the fetch itself, so that other KeIds fetch in parallel and
 * cache hits are never stuck behind a slow MEF. The Lifetime counts from
 * before the request left, so the copy never outlives the MEF's word.
 */
static void
run_fetch(struct target_cache *c, struct tc_entry *e)
{
	struct target_cache_cred	cred;
	uint64_t			start;
	enum mef_err			rc;

	memset(&cred, 0, sizeof(cred));
	start = now_us(c);
	pthread_mutex_unlock(&c->mu);
	rc = c->cfg.fetch(c->cfg.fetch_arg, e->keyid, &cred);
	pthread_mutex_lock(&c->mu);
	settle(c, e, rc, &cred, start);
	mef_secret_free(&cred.key);	/* NULL unless settle() refused it */
	pthread_cond_broadcast(&e->done);
}

/* Records the outcome of e's fetch and decides whether it stays cached. */
static void
settle(struct target_cache *c, struct tc_entry *e, enum mef_err rc,
    struct target_cache_cred *cred, uint64_t start)
{
	uint64_t	ttl_s;
	size_t		len;

	len = strnlen(cred->enrolee_id, sizeof(cred->enrolee_id));
	if (rc == MEF_OK && (cred->key == NULL ||
	    mef_secret_len(cred->key) != MEF_KEY_LEN || len == 0 ||
	    len >= sizeof(cred->enrolee_id)))
		rc = MEF_E_PROTO;
	if (rc == MEF_OK) {
		e->state = TC_GOOD;
		e->key = cred->key;
		cred->key = NULL;
		memcpy(e->enrolee_id, cred->enrolee_id, len + 1);
		ttl_s = cred->lifetime_s;
		if (c->cfg.cache_max_s != 0 && c->cfg.cache_max_s < ttl_s)
			ttl_s = c->cfg.cache_max_s;
	} else {
		e->state = TC_BAD;
		e->err = rc;
		ttl_s = rc == MEF_E_DENIED ? c->cfg.negative_ttl_s :
		    c->cfg.error_ttl_s;
	}
	e->expires_us = expiry(start, ttl_s);
	/* Running out of memory says nothing about the KeId: not cached. */
	if (e->linked && (rc == MEF_E_NOMEM || e->expires_us <= now_us(c)))
		unlink_entry(c, e);	/* our reference keeps it alive */
}

/* start + ttl_s seconds, saturating instead of wrapping. */
static uint64_t
expiry(uint64_t start, uint64_t ttl_s)
{
	if (ttl_s > (UINT64_MAX - start) / US_PER_S)
		return UINT64_MAX;
	return start + ttl_s * US_PER_S;
}

/* The caller's copy of e's outcome; nothing is written on error. */
static enum mef_err
copy_out(const struct tc_entry *e, uint64_t now, unsigned char *key,
    char *enrolee_id, size_t enrolee_id_size, uint64_t *pleft_s)
{
	size_t	len;

	if (e->state != TC_GOOD)
		return e->err;
	len = strlen(e->enrolee_id);
	if (enrolee_id != NULL && enrolee_id_size <= len)
		return MEF_E_TOOBIG;
	if (key != NULL)
		memcpy(key, mef_secret_bytes(e->key), MEF_KEY_LEN);
	if (enrolee_id != NULL)
		memcpy(enrolee_id, e->enrolee_id, len + 1);
	if (pleft_s != NULL)
		*pleft_s = e->expires_us > now ?
		    (e->expires_us - now) / US_PER_S : 0;
	return MEF_OK;
}
