/*
 * fetch_cache.c -- a bounded LRU cache of fetch lookups (see fetch_cache.h).
 *
 * A chained hash table over (KeId, TargetID), with as many buckets as the power
 * of two at or above the bound, and one LRU list. Each entry is one allocation
 * holding its three strings; its Ke, and the key derived from it for the
 * entry's Target once a fetch has derived it, are struct mef_secret, wiped on
 * eviction and flush. The hash is FNV-1a from a random seed: entries come only from
 * rows the store found, which a peer cannot mint, so chains stay short, and
 * the seed keeps their layout unpredictable anyway.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/rand.h"
#include "daemon/fetch_cache.h"

#define FC_BUCKETS_MIN	16

struct fc_entry {
	struct fc_entry		*hnext;		/* bucket chain */
	TAILQ_ENTRY(fc_entry)	 lru;		/* head: most recently used */
	uint64_t		 hash;
	struct mef_secret	*ke;
	struct mef_secret	*derived;	/* see fetch_cache_keep_derived */
	int			 derived_label;
	int64_t			 expires;
	int			 is_allowed;
	size_t			 nsuids;
	unsigned long		 suids[STORE_SUIDS_MAX];
	size_t			 keyid_len;
	size_t			 tid_len;
	char			 strs[];	/* keyid\0 target_id\0 enrolee_id\0 */
};

TAILQ_HEAD(fc_lru, fc_entry);

struct fetch_cache {
	size_t			 max_entries;
	size_t			 nentries;
	size_t			 nbuckets;	/* a power of two */
	struct fc_entry		**buckets;
	struct fc_lru		 lru;
	uint64_t		 seed;
	uint64_t		 generation;
	int			 have_generation;
	struct fetch_cache_stats st;
};

static uint64_t	fc_hash(const struct fetch_cache *, const char *, size_t,
		    const char *, size_t);
static struct fc_entry **fc_slot(struct fetch_cache *, uint64_t, const char *,
		    size_t, const char *, size_t);
static void	fc_drop(struct fetch_cache *, struct fc_entry **);
static void	fc_view(struct fc_entry *, struct fetch_cache_view *);

/* see fetch_cache.h */
enum mef_err
fetch_cache_new(size_t max_entries, struct fetch_cache **pfc)
{
	struct fetch_cache	*fc;
	size_t			 n = FC_BUCKETS_MIN;

	if (pfc == NULL)
		return MEF_E_INVAL;
	fc = calloc(1, sizeof(*fc));
	if (fc == NULL)
		return MEF_E_NOMEM;
	TAILQ_INIT(&fc->lru);
	fc->max_entries = max_entries;
	if (max_entries > 0) {
		while (n < max_entries && n < SIZE_MAX / 4)
			n <<= 1;
		fc->nbuckets = n;
		fc->buckets = calloc(n, sizeof(*fc->buckets));
		if (fc->buckets == NULL) {
			free(fc);
			return MEF_E_NOMEM;
		}
		if (rand_bytes(&fc->seed, sizeof(fc->seed)) != MEF_OK)
			fc->seed = (uint64_t)(uintptr_t)fc;
	}
	*pfc = fc;
	return MEF_OK;
}

/* see fetch_cache.h */
void
fetch_cache_free(struct fetch_cache **pfc)
{
	if (pfc == NULL || *pfc == NULL)
		return;
	fetch_cache_flush(*pfc);
	free((*pfc)->buckets);
	free(*pfc);
	*pfc = NULL;
}

/* see fetch_cache.h */
int
fetch_cache_enabled(const struct fetch_cache *fc)
{
	return fc != NULL && fc->max_entries > 0;
}

/* see fetch_cache.h */
void
fetch_cache_sync(struct fetch_cache *fc, uint64_t generation)
{
	if (fc->have_generation && fc->generation == generation)
		return;
	if (fc->nentries > 0)
		fc->st.flushes++;
	fetch_cache_flush(fc);
	fc->generation = generation;
	fc->have_generation = 1;
}

/* see fetch_cache.h */
void
fetch_cache_flush(struct fetch_cache *fc)
{
	struct fc_entry	*e;

	while ((e = TAILQ_FIRST(&fc->lru)) != NULL)
		fc_drop(fc, fc_slot(fc, e->hash, e->strs, e->keyid_len,
		    e->strs + e->keyid_len + 1, e->tid_len));
}

/* see fetch_cache.h */
int
fetch_cache_get(struct fetch_cache *fc, const char *keyid,
    const char *target_id, int64_t now, struct fetch_cache_view *pv)
{
	struct fc_entry	**slot, *e;
	size_t		  klen, tlen;
	uint64_t	  h;

	if (fc->max_entries == 0)
		return 0;
	klen = strlen(keyid);
	tlen = strlen(target_id);
	h = fc_hash(fc, keyid, klen, target_id, tlen);
	slot = fc_slot(fc, h, keyid, klen, target_id, tlen);
	e = *slot;
	if (e == NULL) {
		fc->st.misses++;
		return 0;
	}
	if (e->expires <= now) {
		/* Expired: the store says so too; do not keep asking here. */
		fc_drop(fc, slot);
		fc->st.misses++;
		return 0;
	}
	TAILQ_REMOVE(&fc->lru, e, lru);
	TAILQ_INSERT_HEAD(&fc->lru, e, lru);
	fc->st.hits++;
	fc_view(e, pv);
	return 1;
}

/* see fetch_cache.h */
void
fetch_cache_put(struct fetch_cache *fc, const char *keyid,
    const char *target_id, struct store_fetch *sf, struct fetch_cache_view *pv)
{
	struct fc_entry	**slot, *e;
	size_t		  klen, tlen, elen;
	uint64_t	  h;

	pv->ke = sf->ke;
	pv->enrolee_id = sf->enrolee_id;
	pv->expires = sf->expires;
	pv->is_allowed = sf->is_allowed;
	pv->nsuids = sf->nsuids;
	pv->suids = sf->suids;
	pv->derived = NULL;
	pv->derived_label = 0;
	pv->entry = NULL;
	if (fc->max_entries == 0 || sf->ke == NULL ||
	    sf->nsuids > STORE_SUIDS_MAX)
		return;
	klen = strnlen(keyid, MEF_KEYID_MAX);
	tlen = strnlen(target_id, MEF_ID_MAX + 1);
	elen = strnlen(sf->enrolee_id, sizeof(sf->enrolee_id));
	if (klen == MEF_KEYID_MAX || tlen > MEF_ID_MAX ||
	    elen == sizeof(sf->enrolee_id))
		return;
	h = fc_hash(fc, keyid, klen, target_id, tlen);
	slot = fc_slot(fc, h, keyid, klen, target_id, tlen);
	if (*slot != NULL)
		fc_drop(fc, slot);	/* a fresher answer replaces it */
	if (fc->nentries >= fc->max_entries) {
		e = TAILQ_LAST(&fc->lru, fc_lru);
		fc_drop(fc, fc_slot(fc, e->hash, e->strs, e->keyid_len,
		    e->strs + e->keyid_len + 1, e->tid_len));
		fc->st.evictions++;
	}
	e = malloc(sizeof(*e) + klen + tlen + elen + 3);
	if (e == NULL)
		return;
	slot = &fc->buckets[h & (fc->nbuckets - 1)];
	e->hnext = *slot;
	e->hash = h;
	e->ke = sf->ke;
	sf->ke = NULL;
	e->derived = NULL;
	e->derived_label = 0;
	e->expires = sf->expires;
	e->is_allowed = sf->is_allowed;
	e->nsuids = sf->nsuids;
	memcpy(e->suids, sf->suids, sizeof(e->suids));
	e->keyid_len = klen;
	e->tid_len = tlen;
	memcpy(e->strs, keyid, klen + 1);
	memcpy(e->strs + klen + 1, target_id, tlen + 1);
	memcpy(e->strs + klen + tlen + 2, sf->enrolee_id, elen + 1);
	*slot = e;
	TAILQ_INSERT_HEAD(&fc->lru, e, lru);
	fc->nentries++;
	fc_view(e, pv);
}

/* see fetch_cache.h */
void
fetch_cache_keep_derived(struct fetch_cache *fc, struct fetch_cache_view *v,
    int label, struct mef_secret **pkey)
{
	struct fc_entry	*e = v->entry;

	if (e == NULL || *pkey == NULL)
		return;
	mef_secret_free(&e->derived);
	e->derived = *pkey;
	e->derived_label = label;
	*pkey = NULL;
	v->derived = e->derived;
	v->derived_label = label;
}

/* see fetch_cache.h */
void
fetch_cache_stats(const struct fetch_cache *fc, struct fetch_cache_stats *ps)
{
	*ps = fc->st;
	ps->entries = fc->nentries;
}

static uint64_t
fc_hash(const struct fetch_cache *fc, const char *k, size_t klen,
    const char *t, size_t tlen)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ fc->seed;
	size_t		i;

	for (i = 0; i < klen; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;	/* no UTF-8 string has 0xff */
	for (i = 0; i < tlen; i++)
		h = (h ^ (unsigned char)t[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/*
 * The link that points to the entry for (k, t), or to the NULL that ends its
 * bucket's chain when there is none.
 */
static struct fc_entry **
fc_slot(struct fetch_cache *fc, uint64_t h, const char *k, size_t klen,
    const char *t, size_t tlen)
{
	struct fc_entry	**pp = &fc->buckets[h & (fc->nbuckets - 1)];
	struct fc_entry	 *e;

	for (; (e = *pp) != NULL; pp = &e->hnext)
		if (e->hash == h && e->keyid_len == klen &&
		    e->tid_len == tlen && memcmp(e->strs, k, klen) == 0 &&
		    memcmp(e->strs + klen + 1, t, tlen) == 0)
			break;
	return pp;
}

/* Unlinks *slot, wipes its Ke and frees it. */
static void
fc_drop(struct fetch_cache *fc, struct fc_entry **slot)
{
	struct fc_entry	*e = *slot;

	*slot = e->hnext;
	TAILQ_REMOVE(&fc->lru, e, lru);
	mef_secret_free(&e->ke);
	mef_secret_free(&e->derived);
	free(e);
	fc->nentries--;
}

static void
fc_view(struct fc_entry *e, struct fetch_cache_view *pv)
{
	pv->ke = e->ke;
	pv->enrolee_id = e->strs + e->keyid_len + e->tid_len + 2;
	pv->expires = e->expires;
	pv->is_allowed = e->is_allowed;
	pv->nsuids = e->nsuids;
	pv->suids = e->suids;
	pv->derived = e->derived;
	pv->derived_label = e->derived_label;
	pv->entry = e;
}
