/*
 * store.h -- the credential store: one interface, one backend per database.
 *
 * Callers use the store_*() functions below, which dispatch through the backend's
 * const struct store_ops. A store handle is used by one thread at a time; each mefd
 * event loop opens its own. Keys cross this interface only as struct mef_secret: the
 * backend wraps them (AES-256-GCM under the KEK, crypto/wrap.h) before they reach the
 * database and unwraps them on the way out, so no key is ever stored in clear.
 *
 * Identifiers (KpmId, EnroleeID, TargetID, PSK identity, anchor name, certificate
 * identity) are stored NFKC-normalised.
 * All times are wall-clock seconds since the epoch. A list callback must not call back
 * into the same store handle: its statement is still running.
 */
#ifndef MEF_STORE_STORE_H
#define MEF_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/digest.h"
#include "crypto/wrap.h"
#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"
#include "util/secret.h"

#define STORE_SUIDS_MAX		8	/* SUIDs allowed per Enrolee-Target link */

/*
 * An Enrolee is named by kpm_id, its handle in the store and in mefctl. A
 * pre-provisioned-key Enrolee has a Kpm; a certificate Enrolee (TS-0003 8.3.2.2) has
 * none and is bound instead to a certificate fingerprint, or to a trust anchor plus an
 * identity taken from its certificate; its handle is then chosen by mefctl
 * ("sha256:<hex>" or "<anchor>/<identity>") unless the operator names it.
 */
enum store_binding {
	STORE_BIND_KPM = 0,		/* TLS-PSK with Kpm */
	STORE_BIND_FINGERPRINT,		/* certificate pinned by SHA-256 */
	STORE_BIND_ANCHOR,		/* certificate under a trust anchor */
};

struct store_enrolee {
	char		kpm_id[MEF_ID_MAX + 1];
	enum store_binding binding;
	unsigned char	fingerprint[DIGEST_SHA256_LEN];	/* FINGERPRINT */
	char		anchor[MEF_ID_MAX + 1];		/* ANCHOR: its name */
	char		cert_identity[MEF_ID_MAX + 1];	/* ANCHOR: CN or SAN */
	char		enrolee_id[MEF_ID_MAX + 1];
	uint64_t	lifetime_s;		/* lifetime of each Ke */
	int		is_revoked;
	int64_t		created;
	int64_t		revoked_at;		/* 0 unless revoked */
	size_t		ntargets;		/* filled by store_enrolee_get() */
	char		targets[MEF_TARGETS_MAX][MEF_ID_MAX + 1];
};

struct store_target {
	char			id[MEF_ID_MAX + 1];
	enum mef_target_kind	kind;
	char			fqdn[MEF_FQDN_MAX + 1];	/* "" when none */
	char			psk_id[MEF_ID_MAX + 1];	/* "" when none */
	int			has_fingerprint;
	unsigned char		fingerprint[DIGEST_SHA256_LEN];
};

/* One Enrolment Key as listed; never carries key bytes. */
struct store_key {
	char		keyid[MEF_KEYID_MAX];
	char		kpm_id[MEF_ID_MAX + 1];
	int64_t		created;
	int64_t		expires;
	int		is_revoked;
};

/* How an anchor names its devices: subject CN, or a SAN (DNS, URI or e-mail). */
enum store_identity {
	STORE_IDENTITY_CN = 0,
	STORE_IDENTITY_SAN,
};

#define STORE_PEM_MAX	(1024 * 1024)	/* bytes of an anchor's CA or CRL PEM */

/* A trust anchor for certificate Enrolees (a device CA), with its CRL if any. */
struct store_anchor {
	char			 name[MEF_ID_MAX + 1];
	enum store_identity	 identity;
	const char		*ca_pem;	/* borrowed: PEM, one or more certs */
	size_t			 ca_pem_len;
	const char		*crl_pem;	/* borrowed: PEM CRLs, or NULL */
	size_t			 crl_pem_len;
	int64_t			 created;
};

/* Everything a fetch needs, read in one call. */
struct store_fetch {
	struct mef_secret	*ke;			/* owned by the caller */
	char			 enrolee_id[MEF_ID_MAX + 1];
	int64_t			 expires;
	int			 is_allowed;	/* target linked to the Enrolee */
	size_t			 nsuids;	/* SUIDs allowed for that link */
	unsigned long		 suids[STORE_SUIDS_MAX];
	struct store_target	 target;	/* the requesting Target */
};

/* A new Ke row for store_key_put_batch(). */
struct store_new_key {
	const char		*keyid;		/* canonical KeId text */
	const char		*kpm_id;
	const struct mef_secret	*ke;
	int64_t			 created;
	int64_t			 expires;
	/*
	 * Set by a successful store_key_put_batch(): 1 when this row was stored, 0
	 * when its Enrolee no longer exists (removed since its handshake). NULL: not
	 * wanted.
	 */
	int			*pstored;
};

/* A new PSK Enrolee for store_enrolee_add_batch(): what differs per row. */
struct store_new_enrolee {
	const char		*kpm_id;
	const char		*enrolee_id;
	const struct mef_secret	*kpm;
};

struct store;

struct store_ops {
	const char	*scheme;	/* "sqlite" */
	enum mef_err	(*open)(const char *location, struct wrap_kek *kek,
			    struct store **pstore);
	void		(*close)(struct store *st);

	enum mef_err	(*enrolee_add)(struct store *st,
			    const struct store_enrolee *e,
			    const struct mef_secret *kpm,
			    const unsigned long *suids, size_t nsuids);
	enum mef_err	(*enrolee_add_batch)(struct store *st,
			    const struct store_enrolee *tmpl,
			    const struct store_new_enrolee *es, size_t n,
			    const unsigned long *suids, size_t nsuids);
	enum mef_err	(*enrolee_get)(struct store *st, const char *kpm_id,
			    struct store_enrolee *pe, struct mef_secret **pkpm);
	enum mef_err	(*enrolee_list)(struct store *st,
			    enum mef_err (*cb)(void *arg,
			    const struct store_enrolee *e), void *arg);
	enum mef_err	(*enrolee_revoke)(struct store *st, const char *kpm_id,
			    int64_t now);
	enum mef_err	(*enrolee_remove)(struct store *st, const char *kpm_id);

	enum mef_err	(*target_add)(struct store *st,
			    const struct store_target *t,
			    const struct mef_secret *psk);
	enum mef_err	(*target_get)(struct store *st, const char *id,
			    struct store_target *pt);
	enum mef_err	(*target_by_psk_id)(struct store *st, const char *psk_id,
			    struct store_target *pt, struct mef_secret **ppsk);
	enum mef_err	(*target_by_fingerprint)(struct store *st,
			    const unsigned char fp[DIGEST_SHA256_LEN],
			    struct store_target *pt);
	enum mef_err	(*target_list)(struct store *st,
			    enum mef_err (*cb)(void *arg,
			    const struct store_target *t), void *arg);
	enum mef_err	(*target_remove)(struct store *st, const char *id);

	enum mef_err	(*enrolee_by_fingerprint)(struct store *st,
			    const unsigned char fp[DIGEST_SHA256_LEN],
			    struct store_enrolee *pe);
	enum mef_err	(*enrolee_by_anchor)(struct store *st, const char *anchor,
			    const char *identity, struct store_enrolee *pe);
	enum mef_err	(*anchor_add)(struct store *st,
			    const struct store_anchor *a);
	enum mef_err	(*anchor_list)(struct store *st,
			    enum mef_err (*cb)(void *arg,
			    const struct store_anchor *a), void *arg);
	enum mef_err	(*anchor_remove)(struct store *st, const char *name);

	enum mef_err	(*key_put_batch)(struct store *st,
			    const struct store_new_key *keys, size_t nkeys,
			    unsigned keep_per_enrolee);
	enum mef_err	(*key_list)(struct store *st, const char *kpm_id,
			    enum mef_err (*cb)(void *arg,
			    const struct store_key *k), void *arg);
	enum mef_err	(*fetch_lookup)(struct store *st, const char *keyid,
			    const char *target_id, int64_t now,
			    struct store_fetch *pf);
	enum mef_err	(*generation)(struct store *st, uint64_t *pgen);
};

/* Every backend's struct starts with this. */
struct store {
	const struct store_ops	*ops;
};

/*
 * Opens the store named by url ("sqlite:/path/to/mef.db"), creating and migrating the
 * schema forward as needed. kek is borrowed for the life of the store.
 * MEF_E_CONFIG for an unknown scheme, MEF_E_STORE when the database cannot be opened
 * or its schema is newer than this program.
 */
enum mef_err	store_open(const char *url, struct wrap_kek *kek,
		    struct store **pstore);
/* Closes st and sets *pst to NULL; accepts NULL. */
void		store_close(struct store **pst);

/*
 * Adds an Enrolee with its Kpm (binding KPM; kpm NULL for a certificate binding, whose
 * fingerprint, or anchor and identity, must be unique: MEF_E_EXISTS; the anchor must
 * exist: MEF_E_NOTFOUND) and its Targets (e->targets[0..e->ntargets-1]; each must
 * be a registered Target: MEF_E_NOTFOUND otherwise). suids (nsuids may be 0) apply to
 * every link; with none, each link allows the default SUID of its Target's kind (21 for
 * a MAF, 22 otherwise). MEF_E_EXISTS when the KpmId is taken. Atomic.
 */
enum mef_err	store_enrolee_add(struct store *st, const struct store_enrolee *e,
		    const struct mef_secret *kpm, const unsigned long *suids,
		    size_t nsuids);
/*
 * Adds n Enrolees bound by Kpm in one transaction, for bulk provisioning (the
 * bench populator): row i takes its KpmId, EnroleeID and Kpm from es[i], and
 * its Targets, lifetime and creation time from tmpl, whose binding must be
 * STORE_BIND_KPM and whose kpm_id, enrolee_id and certificate fields are
 * ignored. suids as for store_enrolee_add(). All or nothing: MEF_E_EXISTS when
 * a KpmId is taken, MEF_E_NOTFOUND when a Target is unknown. Nothing is kept:
 * every argument is copied or only read.
 */
enum mef_err	store_enrolee_add_batch(struct store *st,
		    const struct store_enrolee *tmpl,
		    const struct store_new_enrolee *es, size_t n,
		    const unsigned long *suids, size_t nsuids);
/*
 * Reads an Enrolee and its Targets. pkpm may be NULL; otherwise it gets the unwrapped
 * Kpm. MEF_E_NOTFOUND when there is no such KpmId, and also when pkpm is non-NULL and
 * the Enrolee is a certificate Enrolee (it has no Kpm, so no PSK handshake can select
 * it). On failure *pe may be partly written; targets[] past ntargets is not cleared.
 */
enum mef_err	store_enrolee_get(struct store *st, const char *kpm_id,
		    struct store_enrolee *pe, struct mef_secret **pkpm);
/* Calls cb for each Enrolee (targets not filled), by KpmId; stops on cb's error. */
enum mef_err	store_enrolee_list(struct store *st,
		    enum mef_err (*cb)(void *arg, const struct store_enrolee *e),
		    void *arg);
/* Marks the Enrolee and all its Ke revoked. MEF_E_NOTFOUND when unknown. */
enum mef_err	store_enrolee_revoke(struct store *st, const char *kpm_id,
		    int64_t now);
/* Deletes the Enrolee, its links and its Ke. MEF_E_NOTFOUND when unknown. */
enum mef_err	store_enrolee_remove(struct store *st, const char *kpm_id);

/*
 * Adds a Target authenticated by PSK (t->psk_id set, psk non-NULL) or by certificate
 * fingerprint (t->has_fingerprint, psk NULL). MEF_E_EXISTS when the ID, PSK identity or
 * fingerprint is taken.
 */
enum mef_err	store_target_add(struct store *st, const struct store_target *t,
		    const struct mef_secret *psk);
enum mef_err	store_target_get(struct store *st, const char *id,
		    struct store_target *pt);
/* The Target owning a PSK identity, and its PSK. MEF_E_NOTFOUND when none. */
enum mef_err	store_target_by_psk_id(struct store *st, const char *psk_id,
		    struct store_target *pt, struct mef_secret **ppsk);
enum mef_err	store_target_by_fingerprint(struct store *st,
		    const unsigned char fp[DIGEST_SHA256_LEN], struct store_target *pt);
enum mef_err	store_target_list(struct store *st,
		    enum mef_err (*cb)(void *arg, const struct store_target *t),
		    void *arg);
/* Deletes a Target and its links to Enrolees. MEF_E_NOTFOUND when unknown. */
enum mef_err	store_target_remove(struct store *st, const char *id);

/*
 * The certificate Enrolee pinned by fp, or bound to (anchor, identity), with its
 * Targets. MEF_E_NOTFOUND when none. A revoked Enrolee is returned with is_revoked
 * set (the caller refuses it).
 */
enum mef_err	store_enrolee_by_fingerprint(struct store *st,
		    const unsigned char fp[DIGEST_SHA256_LEN], struct store_enrolee *pe);
enum mef_err	store_enrolee_by_anchor(struct store *st, const char *anchor,
		    const char *identity, struct store_enrolee *pe);
/*
 * Adds a trust anchor (ca_pem must hold at least one certificate; crl_pem may be
 * NULL; each at most STORE_PEM_MAX bytes, without NUL; both copied). The caller
 * checks the PEM (crypto/x509_check.h); the store only keeps it. created 0 means
 * now. MEF_E_EXISTS when the name is taken. Anchors hold no secret.
 */
enum mef_err	store_anchor_add(struct store *st, const struct store_anchor *a);
/* Calls cb for each anchor, by name; the PEM pointers are valid during the call. */
enum mef_err	store_anchor_list(struct store *st,
		    enum mef_err (*cb)(void *arg, const struct store_anchor *a),
		    void *arg);
/*
 * Deletes an anchor. MEF_E_EXISTS while Enrolees are bound to it (remove them
 * first), MEF_E_NOTFOUND when unknown.
 */
enum mef_err	store_anchor_remove(struct store *st, const char *name);

/*
 * Stores nkeys new Ke rows in one transaction (group commit): when this returns MEF_OK
 * every row is durable. Then keeps at most keep_per_enrolee non-expired Ke per Enrolee
 * touched, dropping the oldest first.
 */
enum mef_err	store_key_put_batch(struct store *st,
		    const struct store_new_key *keys, size_t nkeys,
		    unsigned keep_per_enrolee);
/* Calls cb for each Ke (of kpm_id, or all when NULL), newest first. */
enum mef_err	store_key_list(struct store *st, const char *kpm_id,
		    enum mef_err (*cb)(void *arg, const struct store_key *k), void *arg);
/*
 * Reads what a fetch of keyid by target_id needs. MEF_E_NOTFOUND when the KeId is
 * unknown, expired (expires <= now) or revoked, or its Enrolee is revoked; otherwise
 * MEF_OK with pf->ke set, and pf->is_allowed telling whether target_id is linked to
 * the Enrolee (pf->target filled when it is a registered Target).
 */
enum mef_err	store_fetch_lookup(struct store *st, const char *keyid,
		    const char *target_id, int64_t now, struct store_fetch *pf);
/* Frees pf->ke and zeroes *pf. */
void		store_fetch_clear(struct store_fetch *pf);
/*
 * Reads the store's change generation into *pgen: a counter that every change
 * which can withdraw a fetch answer raises (an Enrolee revoked or removed, a Ke
 * revoked or deleted, pruning included, a Target changed or removed, a link
 * added, changed or removed), whichever process makes it. A new Ke does not
 * raise it. A cache of fetch_lookup answers is valid while the generation it
 * was filled under is current. Cheap when nothing was committed since the last
 * call on the same handle. MEF_E_STORE on a database error.
 */
enum mef_err	store_generation(struct store *st, uint64_t *pgen);

/* "cse", "ae", "maf" <-> kind. */
const char	*store_kind_name(enum mef_target_kind kind);
enum mef_err	store_kind_parse(const char *name, enum mef_target_kind *pkind);
/*
 * store_name.c: "kpm", "fingerprint", "anchor" <-> binding and "cn", "san" <->
 * identity; a name is NULL for a value out of range, parse gives MEF_E_INVAL
 * for an unknown name.
 */
const char	*store_binding_name(enum store_binding binding);
enum mef_err	store_binding_parse(const char *name,
		    enum store_binding *pbinding);
const char	*store_identity_name(enum store_identity identity);
enum mef_err	store_identity_parse(const char *name,
		    enum store_identity *pidentity);

#endif /* MEF_STORE_STORE_H */
