/*
 * target_cache.h -- the KeId credential cache behind struct mef_target.
 *
 * A bounded table from KeId to the answer of one fetch: a key with its
 * EnroleeID until an expiry on the monotonic clock, or a failure until a
 * shorter one. The fetch itself is a function the owner passes in (mef_target
 * passes one that calls mef_fetch(); the unit tests pass fakes), and so is the
 * clock, so every rule of mef/target.h can be tested without a network or
 * sleeps. One mutex guards the table and is never held across a fetch;
 * callers that want a KeId already being fetched wait on that entry's
 * condition variable (single-flight).
 */
#ifndef MEF_CLIENT_TARGET_CACHE_H
#define MEF_CLIENT_TARGET_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/limits.h"
#include "util/secret.h"

/* What a successful fetch hands over. */
struct target_cache_cred {
	struct mef_secret	*key;		/* MEF_KEY_LEN bytes; the cache
						   takes ownership */
	char			 enrolee_id[MEF_ID_MAX + 1];
	uint64_t		 lifetime_s;	/* as the MEF answered */
};

/*
 * Fetches keyid. On MEF_OK it fills *pcred (zeroed by the caller); on error it
 * leaves pcred->key NULL. Runs with no lock held, possibly in many threads at
 * once for different KeIds.
 */
typedef enum mef_err	(*target_cache_fetch_fn)(void *arg, const char *keyid,
			    struct target_cache_cred *pcred);
/* Monotonic microseconds. */
typedef uint64_t	(*target_cache_clock_fn)(void *arg);

struct target_cache_cfg {
	uint64_t		 cache_max_s;	 /* 0: only the Lifetime */
	uint64_t		 negative_ttl_s; /* MEF_E_DENIED kept for */
	uint64_t		 error_ttl_s;	 /* other failures kept for */
	size_t			 max_entries;	 /* >= 1 */
	target_cache_fetch_fn	 fetch;
	void			*fetch_arg;	 /* borrowed */
	target_cache_clock_fn	 clock;		 /* NULL: clock_mono_us() */
	void			*clock_arg;	 /* borrowed */
};

struct target_cache;

/* cfg is copied. Errors: MEF_E_INVAL (no fetch, max_entries 0), NOMEM. */
enum mef_err	target_cache_new(const struct target_cache_cfg *cfg,
		    struct target_cache **pc);

/*
 * The credential of keyid (the exact text is the cache key: pass it in
 * canonical form), fetched when nothing usable is cached. On MEF_OK, key gets
 * MEF_KEY_LEN bytes, enrolee_id (unless NULL) the EnroleeID and *pleft_s
 * (unless NULL) the whole seconds left. A failure of the fetch is returned as
 * the fetch returned it, now and for as long as it is cached; MEF_E_NOMEM is
 * never cached. MEF_E_TOOBIG: enrolee_id_size too small (nothing written).
 * MEF_E_INVAL: NULL argument or keyid empty or of MEF_KEYID_MAX bytes or more.
 */
enum mef_err	target_cache_get(struct target_cache *c, const char *keyid,
		    unsigned char key[MEF_KEY_LEN], char *enrolee_id,
		    size_t enrolee_id_size, uint64_t *pleft_s);

/*
 * What target_cache_get() would answer from the cache alone, never fetching
 * nor waiting: MEF_E_AGAIN when nothing usable is cached for keyid (or its
 * fetch is still running). key may be NULL to learn only the outcome.
 */
enum mef_err	target_cache_peek(struct target_cache *c, const char *keyid,
		    unsigned char key[MEF_KEY_LEN], char *enrolee_id,
		    size_t enrolee_id_size, uint64_t *pleft_s);

/*
 * Drops keyid's entry (a fetch in flight still serves its waiters but is not
 * cached). MEF_OK, or MEF_E_NOTFOUND when there was none.
 */
enum mef_err	target_cache_forget(struct target_cache *c, const char *keyid);

/* Entries held now, in flight included (for tests and statistics). */
size_t		target_cache_count(struct target_cache *c);

/* Wipes every key and frees *pc; accepts NULL. No call may be running. */
void		target_cache_free(struct target_cache **pc);

#endif /* MEF_CLIENT_TARGET_CACHE_H */
