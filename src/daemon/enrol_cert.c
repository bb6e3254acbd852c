/*
 * enrol_cert.c -- the certificate RSPF (TS-0003 8.3.2.2): which Enrolee a client
 * certificate belongs to.
 *
 * Only ECDSA P-256 certificates are considered. Two bindings, tried in this order: a certificate pinned by its SHA-256 fingerprint
 * (then only its validity period is checked: the pin replaces the chain), or a
 * certificate that verifies under one of the trust anchors in the store (with their
 * CRLs) and whose identity (subject CN or SAN, as the anchor says) names an Enrolee
 * bound to that anchor. A revoked Enrolee is refused like an unknown certificate. The
 * decision is cached on the connection: OpenSSL may ask more than once per handshake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conn.h"
#include "transport/tls_peer_cert.h"
#include "util/hex.h"
#include "util/log.h"

#define ANCHOR_MATCH_MAX	8

/*
 * The anchors under which the certificate verifies, each with the identity it takes
 * from the certificate (several anchors may hold the same CA, one by CN and one by
 * SAN). Collected first, looked up after: a listing callback must not call into the
 * store it is listing.
 */
struct anchor_search {
	const struct tls_peer_cert	*pc;
	size_t				 n;
	struct {
		char	anchor[MEF_ID_MAX + 1];
		char	identity[MEF_ID_MAX + 1];
	}				 match[ANCHOR_MATCH_MAX];
};

static enum mef_err
try_anchor(void *arg, const struct store_anchor *a)
{
	struct anchor_search	*as = arg;

	if (as->n == ANCHOR_MATCH_MAX)
		return MEF_OK;
	if (tls_peer_cert_verify(as->pc, a->ca_pem, a->ca_pem_len, a->crl_pem,
	    a->crl_pem_len, a->identity == STORE_IDENTITY_SAN ? TLS_IDENTITY_SAN :
	    TLS_IDENTITY_CN, as->match[as->n].identity,
	    sizeof(as->match[as->n].identity)) != MEF_OK)
		return MEF_OK;		/* not this one: go on */
	snprintf(as->match[as->n].anchor, sizeof(as->match[as->n].anchor), "%s",
	    a->name);
	as->n++;
	return MEF_OK;
}

static enum mef_err
find_enrolee(struct conn *c, const struct tls_peer_cert *pc,
    struct store_enrolee *e)
{
	struct anchor_search	*as;
	unsigned char		 fp[TLS_FINGERPRINT_LEN];
	enum mef_err		 rc;
	size_t			 i;

	/* TS-0003 10.2: ECDSA certificates on P-256, nothing else. */
	rc = tls_peer_cert_is_p256(pc);
	if (rc == MEF_OK)
		rc = tls_peer_cert_fingerprint(pc, fp);
	if (rc != MEF_OK)
		return rc;
	rc = store_enrolee_by_fingerprint(c->worker->store, fp, e);
	if (rc == MEF_OK)
		return tls_peer_cert_in_validity(pc);
	if (rc != MEF_E_NOTFOUND)
		return rc;
	as = calloc(1, sizeof(*as));
	if (as == NULL)
		return MEF_E_NOMEM;
	as->pc = pc;
	rc = store_anchor_list(c->worker->store, try_anchor, as);
	for (i = 0; rc == MEF_OK && i < as->n; i++) {
		rc = store_enrolee_by_anchor(c->worker->store, as->match[i].anchor,
		    as->match[i].identity, e);
		if (rc == MEF_E_NOTFOUND || rc == MEF_E_INVAL)
			rc = MEF_OK;	/* no Enrolee under this one: next */
		else
			break;
	}
	if (rc == MEF_OK && i == as->n)
		rc = MEF_E_NOTFOUND;
	free(as);
	return rc;
}

/* A refused certificate is logged by its fingerprint ("cert-sha256:<hex>"). */
static void
unknown_name(const struct tls_peer_cert *pc, char *out, size_t outsz)
{
	unsigned char	fp[TLS_FINGERPRINT_LEN];
	char		hex[2 * TLS_FINGERPRINT_LEN + 1];

	if (tls_peer_cert_fingerprint(pc, fp) != MEF_OK ||
	    hex_encode(fp, sizeof(fp), 0, hex, sizeof(hex)) != MEF_OK)
		snprintf(out, outsz, "(certificate)");
	else
		snprintf(out, outsz, "cert-sha256:%s", hex);
}

/* see conn.h */
enum mef_err
enrol_cert_check(void *conn_arg, const struct tls_peer_cert *pc)
{
	struct conn		*c = conn_arg;
	struct store_enrolee	*e;
	enum mef_err		 rc;

	if (c->enrolee != NULL)
		return MEF_OK;
	if (c->kpm_id[0] != '\0')
		return MEF_E_AUTH;	/* refused already */
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	rc = find_enrolee(c, pc, e);
	if (rc == MEF_OK && e->is_revoked)
		rc = MEF_E_AUTH;
	if (rc == MEF_OK)
		snprintf(c->kpm_id, sizeof(c->kpm_id), "%s", e->kpm_id);
	else
		unknown_name(pc, c->kpm_id, sizeof(c->kpm_id));
	if (rc != MEF_OK) {
		if (rc != MEF_E_NOTFOUND && rc != MEF_E_AUTH)
			log_warnx("bootstrap peer=%s certificate lookup: %s",
			    c->peer, mef_strerror(rc));
		free(e);
		return MEF_E_AUTH;
	}
	c->enrolee = e;
	return MEF_OK;
}
