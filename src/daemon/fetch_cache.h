/*
 * fetch_cache.h -- a bounded cache of fetch lookups, one per worker.
 *
 * Holds what store_fetch_lookup() answered for a (KeId, TargetID) pair: the
 * unwrapped Ke in a struct mef_secret, the EnroleeID, the expiry and the link's
 * permission and SUIDs, and, once derived, the Target's key (Kpsa or Km), so a
 * hit costs no store read, no unwrap and no key derivation. Correctness rests on the store's change generation
 * (store_generation()): the caller syncs the cache with it before every
 * lookup, and a generation other than the one the entries were read under
 * flushes them all. The expiry is checked on every hit. Only answers the store
 * gave (a row found) are kept; a KeId the store does not know is asked again.
 * Least recently used entries are evicted first; every eviction and flush wipes
 * the Ke. Not thread-safe: one cache per worker.
 */
#ifndef MEF_DAEMON_FETCH_CACHE_H
#define MEF_DAEMON_FETCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "store/store.h"

struct fetch_cache;

struct fc_entry;

/* What a fetch reads from the store; borrowed, see fetch_cache_get(). */
struct fetch_cache_view {
	const struct mef_secret	*ke;
	const char		*enrolee_id;
	int64_t			 expires;
	int			 is_allowed;
	size_t			 nsuids;
	const unsigned long	*suids;
	/* A key derived from ke for the entry's Target, or NULL; see below. */
	const struct mef_secret	*derived;
	int			 derived_label;
	struct fc_entry		*entry;		/* NULL: not in the cache */
};

/* Counters, for tests and logs. */
struct fetch_cache_stats {
	uint64_t	hits;
	uint64_t	misses;
	uint64_t	evictions;
	uint64_t	flushes;	/* generation changes that emptied it */
	size_t		entries;
};

/*
 * Makes a cache of at most max_entries entries (0: a cache that keeps nothing,
 * so every lookup misses). MEF_E_NOMEM.
 */
enum mef_err	fetch_cache_new(size_t max_entries, struct fetch_cache **pfc);
/* Wipes and frees every entry and the cache; sets *pfc to NULL; accepts NULL. */
void		fetch_cache_free(struct fetch_cache **pfc);
/* 1 when the cache keeps entries (max_entries > 0). */
int		fetch_cache_enabled(const struct fetch_cache *fc);
/*
 * Tells the cache the store's current generation: when it differs from the
 * one the entries were read under, they are all wiped and dropped.
 */
void		fetch_cache_sync(struct fetch_cache *fc, uint64_t generation);
/* Wipes and drops every entry. */
void		fetch_cache_flush(struct fetch_cache *fc);
/*
 * Looks (keyid, target_id) up, both compared exactly. On a hit whose Ke has
 * not expired at now, fills *pv with pointers into the entry, valid until the
 * next call on this cache, and returns 1. An expired entry is dropped. 0 on a
 * miss.
 */
int		fetch_cache_get(struct fetch_cache *fc, const char *keyid,
		    const char *target_id, int64_t now,
		    struct fetch_cache_view *pv);
/*
 * Keeps the store's answer sf for (keyid, target_id), evicting the least
 * recently used entry when full, and fills *pv as fetch_cache_get() does. The
 * Ke moves into the cache (sf->ke becomes NULL) when the entry is kept; when it
 * is not (cache disabled, strings too long, no memory), sf is left whole and
 * *pv points into sf, valid while sf is. Never fails.
 */
void		fetch_cache_put(struct fetch_cache *fc, const char *keyid,
		    const char *target_id, struct store_fetch *sf,
		    struct fetch_cache_view *pv);
/*
 * Keeps *pkey, a key derived from the Ke of the entry v came from, with the
 * caller's label saying how it was derived (a function of the entry's Target
 * alone: the caller must not keep a key that depends on anything else, such as
 * a SUID). Later views of the entry carry it in derived and derived_label, so
 * a hit needs no key derivation. Takes ownership of *pkey and sets it to NULL
 * when v is a cache entry (the key is then borrowed like the rest of the view,
 * and wiped with the entry); otherwise leaves *pkey alone.
 */
void		fetch_cache_keep_derived(struct fetch_cache *fc,
		    struct fetch_cache_view *v, int label,
		    struct mef_secret **pkey);
/* Fills *ps. */
void		fetch_cache_stats(const struct fetch_cache *fc,
		    struct fetch_cache_stats *ps);

#endif /* MEF_DAEMON_FETCH_CACHE_H */
