/*
 * store.c -- the store interface: URL dispatch, argument checks, NFKC.
 *
 * store_open() picks a backend by the scheme of the URL ("sqlite:<path>") from
 * backends[]. Every store_*() wrapper checks its arguments and NFKC-normalises
 * the identifiers (ident_nfkc) once here, so each backend receives bounded,
 * normalised text and no backend can forget to: "ＩＮ－ＣＳＥ" and "IN-CSE"
 * are one Target. A certificate identity (CN or SAN) is normalised the same
 * way, at add and at lookup, so both sides compare alike.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/ident.h"
#include "store/store_backends.h"
#include "util/clock.h"
#include "util/strparse.h"

#define ID_SIZE		(MEF_ID_MAX + 1)

static const struct store_ops *const backends[] = {
	&store_sqlite_ops,
};

static enum mef_err	id_norm(const char *in, char out[ID_SIZE]);
static enum mef_err	id_arg(const struct store *st, const char *in,
			    char out[ID_SIZE]);
static enum mef_err	enrolee_norm(const struct store_enrolee *e,
			    struct store_enrolee *n);
static enum mef_err	enrolee_tmpl_norm(const struct store_enrolee *tmpl,
			    const struct store_new_enrolee *row,
			    struct store_enrolee *t);
static enum mef_err	binding_norm(const struct store_enrolee *e,
			    const struct mef_secret *kpm,
			    struct store_enrolee *n);
static enum mef_err	pem_check(const char *pem, size_t len);
static enum mef_err	target_norm(const struct store_target *t,
			    const struct mef_secret *psk,
			    struct store_target *n);

/* see store.h */
enum mef_err
store_open(const char *url, struct wrap_kek *kek, struct store **pstore)
{
	const char	*colon;
	size_t		 i, len;

	if (url == NULL || kek == NULL || pstore == NULL)
		return MEF_E_INVAL;
	colon = strchr(url, ':');
	if (colon == NULL)
		return MEF_E_CONFIG;
	len = (size_t)(colon - url);
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strlen(backends[i]->scheme) == len &&
		    strncmp(backends[i]->scheme, url, len) == 0)
			return backends[i]->open(colon + 1, kek, pstore);
	return MEF_E_CONFIG;
}

/* see store.h */
void
store_close(struct store **pst)
{
	if (pst == NULL || *pst == NULL)
		return;
	(*pst)->ops->close(*pst);
	*pst = NULL;
}

/* see store.h */
enum mef_err
store_enrolee_add(struct store *st, const struct store_enrolee *e,
    const struct mef_secret *kpm, const unsigned long *suids, size_t nsuids)
{
	struct store_enrolee	*n = NULL;
	enum mef_err		 rc;

	if (st == NULL || e == NULL ||
	    nsuids > STORE_SUIDS_MAX || (nsuids > 0 && suids == NULL) ||
	    e->lifetime_s == 0 || e->lifetime_s > (uint64_t)INT64_MAX)
		return MEF_E_INVAL;
	n = malloc(sizeof(*n));
	if (n == NULL)
		return MEF_E_NOMEM;
	rc = enrolee_norm(e, n);
	if (rc == MEF_OK)
		rc = binding_norm(e, kpm, n);
	if (rc == MEF_OK)
		rc = st->ops->enrolee_add(st, n, kpm, suids, nsuids);
	free(n);
	return rc;
}

/* see store.h */
enum mef_err
store_enrolee_add_batch(struct store *st, const struct store_enrolee *tmpl,
    const struct store_new_enrolee *es, size_t n, const unsigned long *suids,
    size_t nsuids)
{
	struct store_enrolee	*t = NULL;
	struct store_new_enrolee *rows = NULL;
	char			(*ids)[2][ID_SIZE] = NULL;
	enum mef_err		 rc = MEF_OK;
	size_t			 i;

	if (st == NULL || tmpl == NULL || (n > 0 && es == NULL) ||
	    tmpl->binding != STORE_BIND_KPM || nsuids > STORE_SUIDS_MAX ||
	    (nsuids > 0 && suids == NULL) || tmpl->lifetime_s == 0 ||
	    tmpl->lifetime_s > (uint64_t)INT64_MAX)
		return MEF_E_INVAL;
	if (n == 0)
		return MEF_OK;
	t = malloc(sizeof(*t));
	rows = calloc(n, sizeof(*rows));
	ids = calloc(n, sizeof(*ids));
	if (t == NULL || rows == NULL || ids == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	/* The template's own IDs are ignored: row 0's stand in for them. */
	rc = enrolee_tmpl_norm(tmpl, &es[0], t);
	for (i = 0; i < n && rc == MEF_OK; i++) {
		rows[i].kpm = es[i].kpm;
		rc = es[i].kpm != NULL ? id_norm(es[i].kpm_id, ids[i][0]) :
		    MEF_E_INVAL;
		if (rc == MEF_OK)
			rc = id_norm(es[i].enrolee_id, ids[i][1]);
		rows[i].kpm_id = ids[i][0];
		rows[i].enrolee_id = ids[i][1];
	}
	if (rc == MEF_OK)
		rc = st->ops->enrolee_add_batch(st, t, rows, n, suids, nsuids);
out:
	free(t);
	free(rows);
	free(ids);
	return rc;
}

/* see store.h */
enum mef_err
store_enrolee_get(struct store *st, const char *kpm_id,
    struct store_enrolee *pe, struct mef_secret **pkpm)
{
	char		id[ID_SIZE];
	enum mef_err	rc;

	rc = pe != NULL ? id_arg(st, kpm_id, id) : MEF_E_INVAL;
	if (rc == MEF_OK)
		rc = st->ops->enrolee_get(st, id, pe, pkpm);
	return rc;
}

/* see store.h */
enum mef_err
store_enrolee_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_enrolee *e), void *arg)
{
	if (st == NULL || cb == NULL)
		return MEF_E_INVAL;
	return st->ops->enrolee_list(st, cb, arg);
}

/* see store.h */
enum mef_err
store_enrolee_revoke(struct store *st, const char *kpm_id, int64_t now)
{
	char		id[ID_SIZE];
	enum mef_err	rc;

	rc = id_arg(st, kpm_id, id);
	if (rc == MEF_OK)
		rc = st->ops->enrolee_revoke(st, id, now);
	return rc;
}

/* see store.h */
enum mef_err
store_enrolee_remove(struct store *st, const char *kpm_id)
{
	char		id[ID_SIZE];
	enum mef_err	rc;

	rc = id_arg(st, kpm_id, id);
	if (rc == MEF_OK)
		rc = st->ops->enrolee_remove(st, id);
	return rc;
}

/* see store.h */
enum mef_err
store_target_add(struct store *st, const struct store_target *t,
    const struct mef_secret *psk)
{
	struct store_target	n;
	enum mef_err		rc;

	if (st == NULL || t == NULL)
		return MEF_E_INVAL;
	rc = target_norm(t, psk, &n);
	if (rc == MEF_OK)
		rc = st->ops->target_add(st, &n, psk);
	return rc;
}

/* see store.h */
enum mef_err
store_target_get(struct store *st, const char *id, struct store_target *pt)
{
	char		nid[ID_SIZE];
	enum mef_err	rc;

	rc = pt != NULL ? id_arg(st, id, nid) : MEF_E_INVAL;
	if (rc == MEF_OK)
		rc = st->ops->target_get(st, nid, pt);
	return rc;
}

/* see store.h */
enum mef_err
store_target_by_psk_id(struct store *st, const char *psk_id,
    struct store_target *pt, struct mef_secret **ppsk)
{
	char		nid[ID_SIZE];
	enum mef_err	rc;

	rc = pt != NULL && ppsk != NULL ? id_arg(st, psk_id, nid) :
	    MEF_E_INVAL;
	if (rc == MEF_OK)
		rc = st->ops->target_by_psk_id(st, nid, pt, ppsk);
	return rc;
}

/* see store.h */
enum mef_err
store_target_by_fingerprint(struct store *st,
    const unsigned char fp[DIGEST_SHA256_LEN], struct store_target *pt)
{
	if (st == NULL || fp == NULL || pt == NULL)
		return MEF_E_INVAL;
	return st->ops->target_by_fingerprint(st, fp, pt);
}

/* see store.h */
enum mef_err
store_target_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_target *t), void *arg)
{
	if (st == NULL || cb == NULL)
		return MEF_E_INVAL;
	return st->ops->target_list(st, cb, arg);
}

/* see store.h */
enum mef_err
store_target_remove(struct store *st, const char *id)
{
	char		nid[ID_SIZE];
	enum mef_err	rc;

	rc = id_arg(st, id, nid);
	if (rc == MEF_OK)
		rc = st->ops->target_remove(st, nid);
	return rc;
}

/* see store.h */
enum mef_err
store_key_put_batch(struct store *st, const struct store_new_key *keys,
    size_t nkeys, unsigned keep_per_enrolee)
{
	struct store_new_key	*n = NULL;
	char			(*ids)[ID_SIZE] = NULL;
	enum mef_err		 rc = MEF_OK;
	size_t			 i;

	if (st == NULL || (nkeys > 0 && keys == NULL) || keep_per_enrolee == 0)
		return MEF_E_INVAL;
	if (nkeys == 0)
		return MEF_OK;
	n = calloc(nkeys, sizeof(*n));
	ids = calloc(nkeys, sizeof(*ids));
	if (n == NULL || ids == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	for (i = 0; i < nkeys && rc == MEF_OK; i++) {
		n[i] = keys[i];
		if (keys[i].keyid == NULL || keys[i].ke == NULL ||
		    strnlen(keys[i].keyid, MEF_KEYID_MAX) == MEF_KEYID_MAX ||
		    keys[i].keyid[0] == '\0')
			rc = MEF_E_INVAL;
		else
			rc = id_norm(keys[i].kpm_id, ids[i]);
		n[i].kpm_id = ids[i];
	}
	if (rc == MEF_OK)
		rc = st->ops->key_put_batch(st, n, nkeys, keep_per_enrolee);
out:
	free(n);
	free(ids);
	return rc;
}

/* see store.h */
enum mef_err
store_key_list(struct store *st, const char *kpm_id,
    enum mef_err (*cb)(void *arg, const struct store_key *k), void *arg)
{
	char		id[ID_SIZE];
	enum mef_err	rc = MEF_OK;

	if (st == NULL || cb == NULL)
		return MEF_E_INVAL;
	if (kpm_id != NULL)
		rc = id_norm(kpm_id, id);
	if (rc == MEF_OK)
		rc = st->ops->key_list(st, kpm_id != NULL ? id : NULL, cb, arg);
	return rc;
}

/* see store.h */
enum mef_err
store_fetch_lookup(struct store *st, const char *keyid, const char *target_id,
    int64_t now, struct store_fetch *pf)
{
	char		tid[ID_SIZE];
	enum mef_err	rc;

	if (st == NULL || keyid == NULL || pf == NULL || *keyid == '\0' ||
	    strnlen(keyid, MEF_KEYID_MAX) == MEF_KEYID_MAX)
		return MEF_E_INVAL;
	rc = id_norm(target_id, tid);
	if (rc == MEF_OK)
		rc = st->ops->fetch_lookup(st, keyid, tid, now, pf);
	return rc;
}

/* see store.h */
void
store_fetch_clear(struct store_fetch *pf)
{
	if (pf == NULL)
		return;
	mef_secret_free(&pf->ke);
	memset(pf, 0, sizeof(*pf));
}

/* see store.h */
enum mef_err
store_generation(struct store *st, uint64_t *pgen)
{
	if (st == NULL || pgen == NULL)
		return MEF_E_INVAL;
	return st->ops->generation(st, pgen);
}

/* see store.h */
enum mef_err
store_enrolee_by_fingerprint(struct store *st,
    const unsigned char fp[DIGEST_SHA256_LEN], struct store_enrolee *pe)
{
	if (st == NULL || fp == NULL || pe == NULL)
		return MEF_E_INVAL;
	return st->ops->enrolee_by_fingerprint(st, fp, pe);
}

/* see store.h */
enum mef_err
store_enrolee_by_anchor(struct store *st, const char *anchor,
    const char *identity, struct store_enrolee *pe)
{
	char		name[ID_SIZE], ident[ID_SIZE];
	enum mef_err	rc;

	rc = pe != NULL ? id_arg(st, anchor, name) : MEF_E_INVAL;
	if (rc == MEF_OK)
		rc = id_norm(identity, ident);
	if (rc == MEF_OK)
		rc = st->ops->enrolee_by_anchor(st, name, ident, pe);
	return rc;
}

/* see store.h */
enum mef_err
store_anchor_add(struct store *st, const struct store_anchor *a)
{
	struct store_anchor	n;
	enum mef_err		rc;

	if (st == NULL || a == NULL || store_identity_name(a->identity) ==
	    NULL)
		return MEF_E_INVAL;
	n = *a;
	rc = id_norm(a->name, n.name);
	if (rc == MEF_OK)
		rc = pem_check(a->ca_pem, a->ca_pem_len);
	if (rc == MEF_OK && a->crl_pem != NULL)
		rc = pem_check(a->crl_pem, a->crl_pem_len);
	if (rc != MEF_OK)
		return rc;
	if (n.crl_pem == NULL)
		n.crl_pem_len = 0;
	if (n.created <= 0)
		n.created = clock_wall_s();
	return st->ops->anchor_add(st, &n);
}

/* see store.h */
enum mef_err
store_anchor_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_anchor *a), void *arg)
{
	if (st == NULL || cb == NULL)
		return MEF_E_INVAL;
	return st->ops->anchor_list(st, cb, arg);
}

/* see store.h */
enum mef_err
store_anchor_remove(struct store *st, const char *name)
{
	char		n[ID_SIZE];
	enum mef_err	rc;

	rc = id_arg(st, name, n);
	if (rc == MEF_OK)
		rc = st->ops->anchor_remove(st, n);
	return rc;
}

/* NFKC of a NUL-terminated identifier into an ID_SIZE buffer. */
static enum mef_err
id_norm(const char *in, char out[ID_SIZE])
{
	size_t	len;

	if (in == NULL)
		return MEF_E_INVAL;
	return ident_nfkc(in, strlen(in), out, ID_SIZE, &len);
}

/* The store given, and in normalised into out: the start of most wrappers. */
static enum mef_err
id_arg(const struct store *st, const char *in, char out[ID_SIZE])
{
	if (st == NULL)
		return MEF_E_INVAL;
	return id_norm(in, out);
}

/* Normalised copy of e; refuses a Target named twice (after normalisation). */
static enum mef_err
enrolee_norm(const struct store_enrolee *e, struct store_enrolee *n)
{
	enum mef_err	rc;
	size_t		i, j;

	if (e->ntargets > MEF_TARGETS_MAX)
		return MEF_E_INVAL;
	memset(n, 0, sizeof(*n));
	rc = id_norm(e->kpm_id, n->kpm_id);
	if (rc == MEF_OK)
		rc = id_norm(e->enrolee_id, n->enrolee_id);
	for (i = 0; i < e->ntargets && rc == MEF_OK; i++) {
		rc = id_norm(e->targets[i], n->targets[i]);
		for (j = 0; j < i && rc == MEF_OK; j++)
			if (strcmp(n->targets[i], n->targets[j]) == 0)
				rc = MEF_E_INVAL;
	}
	n->ntargets = e->ntargets;
	n->lifetime_s = e->lifetime_s;
	n->created = e->created > 0 ? e->created : clock_wall_s();
	return rc;
}

/* The normalised template of a batch, with row's IDs in place of its own. */
static enum mef_err
enrolee_tmpl_norm(const struct store_enrolee *tmpl,
    const struct store_new_enrolee *row, struct store_enrolee *t)
{
	struct store_enrolee	*e;
	enum mef_err		 rc;

	e = malloc(sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	*e = *tmpl;
	rc = row->kpm_id != NULL && row->enrolee_id != NULL &&
	    strnlen(row->kpm_id, ID_SIZE) < ID_SIZE &&
	    strnlen(row->enrolee_id, ID_SIZE) < ID_SIZE ? MEF_OK : MEF_E_INVAL;
	if (rc == MEF_OK) {
		memcpy(e->kpm_id, row->kpm_id, strlen(row->kpm_id) + 1);
		memcpy(e->enrolee_id, row->enrolee_id,
		    strlen(row->enrolee_id) + 1);
		memset(e->fingerprint, 0, sizeof(e->fingerprint));
		e->anchor[0] = e->cert_identity[0] = '\0';
		rc = enrolee_norm(e, t);
	}
	if (rc == MEF_OK)
		rc = binding_norm(e, row->kpm, t);
	free(e);
	return rc;
}

/*
 * The binding of e into n: a Kpm exactly for a KPM Enrolee; a certificate
 * Enrolee has its fingerprint, or its anchor and identity (normalised), and
 * nothing of the other kind, so a stray field cannot widen what it accepts.
 */
static enum mef_err
binding_norm(const struct store_enrolee *e, const struct mef_secret *kpm,
    struct store_enrolee *n)
{
	static const unsigned char	zero[DIGEST_SHA256_LEN];
	enum mef_err			rc = MEF_OK;
	int				has_fp, has_anchor;

	has_fp = memcmp(e->fingerprint, zero, sizeof(zero)) != 0;
	has_anchor = e->anchor[0] != '\0' || e->cert_identity[0] != '\0';
	n->binding = e->binding;
	switch (e->binding) {
	case STORE_BIND_KPM:
		if (kpm == NULL || has_fp || has_anchor)
			rc = MEF_E_INVAL;
		break;
	case STORE_BIND_FINGERPRINT:
		if (kpm != NULL || !has_fp || has_anchor)
			rc = MEF_E_INVAL;
		memcpy(n->fingerprint, e->fingerprint, sizeof(n->fingerprint));
		break;
	case STORE_BIND_ANCHOR:
		rc = kpm != NULL || has_fp ? MEF_E_INVAL :
		    id_norm(e->anchor, n->anchor);
		if (rc == MEF_OK)
			rc = id_norm(e->cert_identity, n->cert_identity);
		break;
	default:
		rc = MEF_E_INVAL;
		break;
	}
	return rc;
}

/* PEM text for an anchor: present, bounded, no NUL (it is stored as text). */
static enum mef_err
pem_check(const char *pem, size_t len)
{
	if (pem == NULL || len == 0)
		return MEF_E_INVAL;
	if (len > STORE_PEM_MAX)
		return MEF_E_TOOBIG;
	return memchr(pem, '\0', len) == NULL ? MEF_OK : MEF_E_INVAL;
}

/* Normalised copy of t: authenticated by a PSK, a fingerprint, or both. */
static enum mef_err
target_norm(const struct store_target *t, const struct mef_secret *psk,
    struct store_target *n)
{
	enum mef_target_kind	kind;
	size_t			fqdn_len;
	enum mef_err		rc;

	fqdn_len = strnlen(t->fqdn, sizeof(t->fqdn));
	/* An unknown kind has the name "unknown", which parses as no kind. */
	if (store_kind_parse(store_kind_name(t->kind), &kind) != MEF_OK ||
	    (psk != NULL) != (t->psk_id[0] != '\0') ||
	    (psk == NULL && !t->has_fingerprint) ||
	    fqdn_len == sizeof(t->fqdn) ||
	    (fqdn_len > 0 && !is_dns_name(t->fqdn, fqdn_len)))
		return MEF_E_INVAL;
	*n = *t;
	rc = id_norm(t->id, n->id);
	if (rc == MEF_OK && psk != NULL)
		rc = id_norm(t->psk_id, n->psk_id);
	return rc;
}
