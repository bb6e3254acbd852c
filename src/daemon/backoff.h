/*
 * backoff.h -- bounded failure tables that slow down online guessing of Kpm.
 *
 * Two tables, one per scope: the PSK identity a peer presented (a KpmId, known or
 * not: both are counted alike, so the back-off itself reveals nothing about which
 * identities exist) and the peer's address (IPv4, or the /64 of an IPv6 address).
 * After `after` failures, each further failure blocks the key for a period that
 * doubles from base_ms up to max_ms; failures are forgotten window_s after the last
 * one (or after the end of the last block). A success clears the identity's entry,
 * never the address's: one good credential must not buy more guesses from one host.
 *
 * Keys are stored as 16 octets of a salted SHA-256, so an entry has a fixed size, no
 * identity text is kept, and a peer cannot aim collisions at one bucket. The tables
 * are fixed at creation (`slots` entries each); a new key in a full neighbourhood
 * evicts the least recently failing entry that is not blocked, else the least recent
 * one. All functions are thread-safe (one mutex) and take the time as a parameter
 * (milliseconds on a monotonic clock) so tests need no sleeps.
 */
#ifndef MEF_DAEMON_BACKOFF_H
#define MEF_DAEMON_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"

struct sockaddr;

enum backoff_scope {
	BACKOFF_IDENTITY = 0,
	BACKOFF_ADDRESS,
	BACKOFF_NSCOPES,
};

struct backoff_cfg {
	unsigned	after[BACKOFF_NSCOPES];	/* failures before a block; 0: off */
	unsigned	base_ms;		/* first block, >= 1 */
	unsigned	max_ms;			/* longest block, >= base_ms */
	unsigned	window_s;		/* forget after this quiet time */
	unsigned	slots;			/* entries per table (rounded up to 2^n) */
};

/* What backoff_fail() did with a failure. */
struct backoff_verdict {
	int		started;	/* this failure began a block */
	unsigned	failures;	/* failures counted so far */
	uint64_t	block_ms;	/* length of the block begun */
};

#define BACKOFF_ADDR_KEY_MAX	48	/* "ipv6-prefix/64" text and NUL */

struct backoff;

/* MEF_E_INVAL for an impossible cfg, MEF_E_NOMEM, MEF_E_CRYPTO (no salt). */
enum mef_err	backoff_new(const struct backoff_cfg *cfg, struct backoff **pb);
/* Accepts NULL; clears *pb. */
void		backoff_free(struct backoff **pb);

/*
 * 1 when key (len bytes, any octets) is blocked at now_ms, with the time left in
 * *premain_ms (may be NULL); 0 otherwise, also when the scope is off.
 */
int		backoff_blocked(struct backoff *b, enum backoff_scope scope,
		    const void *key, size_t len, uint64_t now_ms,
		    uint64_t *premain_ms);
/*
 * Counts one failure of key at now_ms; *pv (may be NULL) says whether it began a
 * block. A scope that is off counts nothing.
 */
void		backoff_fail(struct backoff *b, enum backoff_scope scope,
		    const void *key, size_t len, uint64_t now_ms,
		    struct backoff_verdict *pv);
/* Forgets key: its failures and any block. */
void		backoff_clear(struct backoff *b, enum backoff_scope scope,
		    const void *key, size_t len);
/* Entries in use in one table (for tests). */
size_t		backoff_count(struct backoff *b, enum backoff_scope scope);

/*
 * The address key of sa: an IPv4 address (also when IPv4-mapped in IPv6), or the
 * first 64 bits of an IPv6 address as "prefix::/64"; "-" for another family.
 */
void		backoff_addr_key(const struct sockaddr *sa, char *buf,
		    size_t bufsz);

#endif /* MEF_DAEMON_BACKOFF_H */
