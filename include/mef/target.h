/*
 * mef/target.h -- libmef for Enrolment Targets: Enrolee keys by KeId, cached.
 *
 * A struct mef_target is what a CSE, AE or MAF keeps to accept Enrolees that
 * bootstrapped with a MEF (PROTOCOL.md 4): it knows the Target's own ID (its
 * X-M2M-Origin towards the MEF) and one or more MEFs, each by the FQDN that
 * ends the KeIds it issues. mef_target_get() turns the KeId an Enrolee sends as
 * its TLS psk_identity into the key (Kpsa, or Km for a MAF) and the EnroleeID
 * bound to it, fetching from the right MEF (mef_fetch(), PROTOCOL.md 3) only
 * when no answer is cached.
 *
 * Caching rules:
 * - A credential is reused until its Lifetime runs out or the operator's cap
 *   (cache_max_s) does, whichever comes first, and never after. Both count on
 *   the monotonic clock from the moment the fetch started, a little before the
 *   MEF answered, so the cached copy always expires no later than the MEF said.
 * - Revocation: revoking an Enrolee at the MEF takes effect for new handshakes
 *   once the cached Lifetime (or the cap) of its credential ends; until then a
 *   Target that cached the key still accepts it. Operators who need revocation
 *   to bite sooner set cache_max_s (e.g. 60: at most a minute late), at the
 *   price of one fetch per KeId per cap period. mef_target_forget() drops one
 *   KeId at once. Connections already established are not affected by either:
 *   closing them is the application's decision.
 * - Failures are cached too, briefly, so that a flood of handshakes with one
 *   bad KeId, or a MEF that is down, does not become a flood of fetches: a
 *   refusal by the MEF (Status false) for negative_ttl_s, a MEF that cannot be
 *   reached or refuses the Target itself for error_ttl_s.
 * - Concurrent callers asking for the same KeId cause one fetch; the others
 *   wait for it and share its answer. Different KeIds fetch in parallel: no
 *   lock is held while a fetch runs.
 * - Memory is bounded by max_entries: when full, an expired entry is evicted
 *   first, else the least recently used one. Every cached key is wiped when it
 *   is evicted, expires, is forgotten, or the target is freed.
 *
 * Thread safety: every function may be called from any thread at the same time
 * except mef_target_free(), which the caller runs alone, after every other
 * call on that target has returned. mef_target_get() blocks for at most the
 * fetch timeout (plus the wait for a fetch already running for that KeId).
 */
#ifndef MEF_TARGET_H
#define MEF_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/fetch.h"
#include "mef/format.h"
#include "mef/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEF_TARGET_CFG_VERSION		1
#define MEF_TARGET_MEF_CFG_VERSION	1

#define MEF_TARGET_NEGATIVE_TTL_DEFAULT	5	/* seconds */
#define MEF_TARGET_ERROR_TTL_DEFAULT	1	/* seconds */
#define MEF_TARGET_TTL_MAX		300	/* failures: cached briefly */
#define MEF_TARGET_ENTRIES_DEFAULT	1024
#define MEF_TARGET_ENTRIES_MAX		(1u << 20)

struct mef_target_cfg {
	unsigned		 version;	/* MEF_TARGET_CFG_VERSION */
	const char		*target_id;	/* X-M2M-Origin; copied */
	/* Longest reuse of a credential, seconds; 0: only its Lifetime. */
	uint64_t		 cache_max_s;
	/* Status false cached for, seconds; 0: the default (5). */
	unsigned		 negative_ttl_s;
	/* MEF unreachable, refusing us, or garbled; 0: the default (1). */
	unsigned		 error_ttl_s;
	size_t			 max_entries;	/* 0: 1024 */
	unsigned		 fetch_timeout_ms; /* one fetch; 0: 10000 */
	void			*reserved[4];	/* zero */
};

/*
 * One MEF: the FQDN its KeIds end with, where to reach it, and the Target's
 * credential there: either psk_id + psk, or cert_file + key_file (PEM); ca_file
 * (optional) verifies the MEF's certificate in either mode.
 */
struct mef_target_mef_cfg {
	unsigned		 version;	/* MEF_TARGET_MEF_CFG_VERSION */
	const char		*fqdn;		/* matched case-insensitively */
	const char		*host;		/* name or address literal */
	unsigned short		 port;
	const char		*psk_id;
	const unsigned char	*psk;
	size_t			 psk_len;	/* 1..512 */
	const char		*cert_file;
	const char		*key_file;
	const char		*ca_file;
	enum mef_format		 accept;	/* answer format to ask for */
	enum mef_fetch_tls	 tls_version;	/* as in mef/fetch.h */
	void			*reserved[4];	/* zero */
};

struct mef_target;

/*
 * A new target with no MEF yet. cfg is copied; on MEF_OK *pt is owned by the
 * caller (mef_target_free()). Errors: MEF_E_INVAL (version, a target_id that
 * is empty or longer than MEF_ID_MAX, a TTL above MEF_TARGET_TTL_MAX,
 * max_entries above MEF_TARGET_ENTRIES_MAX, reserved not zero), MEF_E_NOMEM.
 */
enum mef_err	mef_target_new(const struct mef_target_cfg *cfg,
		    struct mef_target **pt);

/*
 * Adds a MEF. Everything in mef is copied (the PSK into memory that is wiped
 * when the target is freed), so the caller may wipe its own copy at once.
 * Certificate and key files are read at each fetch. Safe while other threads
 * call mef_target_get(). Errors: MEF_E_INVAL (version, fqdn not a DNS name,
 * no host or port, not exactly one of PSK and certificate, a PSK of bad
 * length, unknown accept, reserved not zero), MEF_E_EXISTS (a MEF with that
 * FQDN is already configured), MEF_E_NOMEM.
 */
enum mef_err	mef_target_add_mef(struct mef_target *t,
		    const struct mef_target_mef_cfg *mef);

/*
 * The credential for keyid, the psk_identity an Enrolee sent (any case of hex
 * and FQDN). On MEF_OK: key gets MEF_KEY_LEN bytes, which the caller wipes
 * after use; enrolee_id (unless NULL) gets the EnroleeID bound to keyid, NUL
 * terminated (MEF_ID_MAX + 1 bytes always suffice); *plifetime_left_s (unless
 * NULL) gets the whole seconds this cached answer stays usable (may be 0 for
 * an answer that is not cached at all). The application must refuse requests
 * whose X-M2M-Origin is not that EnroleeID. Nothing is written on error.
 * Errors:
 *   MEF_E_NOTFOUND  keyid is not a KeId, or no MEF is configured for its FQDN
 *                   (not cached: nothing was asked);
 *   MEF_E_DENIED    the MEF answered Status false (unknown, expired or revoked
 *                   KeId, or this Target is not allowed); cached for
 *                   negative_ttl_s;
 *   MEF_E_IO, MEF_E_TIMEOUT  the MEF could not be reached or did not answer;
 *   MEF_E_AUTH      the MEF refused the Target's own credential;
 *   MEF_E_PROTO     the MEF's answer was malformed;
 *   MEF_E_CONFIG    the Target's certificate or key file could not be used;
 *                   these five (and MEF_E_CRYPTO) are cached error_ttl_s;
 *   MEF_E_TOOBIG    enrolee_id_size is too small for the EnroleeID;
 *   MEF_E_INVAL     t, keyid or key is NULL; MEF_E_NOMEM (never cached).
 */
enum mef_err	mef_target_get(struct mef_target *t, const char *keyid,
		    unsigned char key[MEF_KEY_LEN], char *enrolee_id,
		    size_t enrolee_id_size, uint64_t *plifetime_left_s);

/*
 * mef_target_get() from the cache alone: never fetches, never waits, so an
 * event loop may call it in a handshake callback. Same outputs and errors as
 * mef_target_get() (a cached failure is returned as such), plus MEF_E_AGAIN:
 * nothing usable is cached for keyid, or its fetch is still running; the
 * caller runs mef_target_get() where blocking is fine (a worker thread) and
 * asks again. key may be NULL to learn only the outcome.
 */
enum mef_err	mef_target_peek(struct mef_target *t, const char *keyid,
		    unsigned char key[MEF_KEY_LEN], char *enrolee_id,
		    size_t enrolee_id_size, uint64_t *plifetime_left_s);

/*
 * Drops what is cached for keyid (a credential or a failure) and wipes the
 * key; a fetch for keyid that is running now completes for the callers already
 * waiting on it, but its answer is not cached. The next mef_target_get() for
 * keyid asks the MEF again. Errors: MEF_E_NOTFOUND (nothing cached, or keyid is
 * not a KeId), MEF_E_INVAL (NULL argument).
 */
enum mef_err	mef_target_forget(struct mef_target *t, const char *keyid);

/*
 * Wipes every cached key and the Target's PSKs, frees *pt and sets it to NULL;
 * accepts NULL. No other call on the target may be running or follow.
 */
void		mef_target_free(struct mef_target **pt);

#ifdef __cplusplus
}
#endif
#endif /* MEF_TARGET_H */
