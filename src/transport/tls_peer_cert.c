/*
 * tls_peer_cert.c -- questions about a client certificate, answered with OpenSSL.
 *
 * Anchor verification builds a fresh X509_STORE from the anchor's PEM for each call:
 * anchors live in the database and change while mefd runs, and a store built per
 * handshake is always current. Certificate bootstraps are rare next to fetches; if
 * this shows in a profile, cache the stores by anchor and database version.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "transport/tls_peer_cert_int.h"

/* see tls_peer_cert.h */
enum mef_err
tls_peer_cert_fingerprint(const struct tls_peer_cert *pc,
    unsigned char fp[TLS_FINGERPRINT_LEN])
{
	unsigned int	len = 0;

	if (X509_digest(pc->leaf, EVP_sha256(), fp, &len) != 1 ||
	    len != TLS_FINGERPRINT_LEN) {
		ERR_clear_error();
		return MEF_E_CRYPTO;
	}
	return MEF_OK;
}

/* see tls_peer_cert.h */
enum mef_err
tls_peer_cert_is_p256(const struct tls_peer_cert *pc)
{
	EVP_PKEY	*pk = X509_get0_pubkey(pc->leaf);
	char		 group[32];
	size_t		 len = 0;
	int		 ok;

	ok = pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), &len) == 1 &&
	    strcmp(group, "prime256v1") == 0;
	ERR_clear_error();
	return ok ? MEF_OK : MEF_E_AUTH;
}

/* see tls_peer_cert.h */
enum mef_err
tls_peer_cert_in_validity(const struct tls_peer_cert *pc)
{
	if (X509_cmp_current_time(X509_get0_notBefore(pc->leaf)) >= 0 ||
	    X509_cmp_current_time(X509_get0_notAfter(pc->leaf)) <= 0)
		return MEF_E_AUTH;
	return MEF_OK;
}

/* Adds every certificate (crls 0) or CRL (crls 1) of a PEM text to st. */
static enum mef_err
load_pem(X509_STORE *st, const char *pem, size_t len, int crls)
{
	BIO			*bio;
	STACK_OF(X509_INFO)	*infos;
	X509_INFO		*xi;
	int			 i, n = 0;

	bio = BIO_new_mem_buf(pem, (int)len);
	infos = bio != NULL ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) :
	    NULL;
	BIO_free(bio);
	if (infos == NULL) {
		ERR_clear_error();
		return MEF_E_CONFIG;
	}
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (!crls && xi->x509 != NULL && X509_STORE_add_cert(st,
		    xi->x509) == 1)
			n++;
		if (crls && xi->crl != NULL && X509_STORE_add_crl(st,
		    xi->crl) == 1)
			n++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	return n > 0 ? MEF_OK : MEF_E_CONFIG;
}

static enum mef_err
identity_of(X509 *cert, enum tls_identity_kind kind, char *out, size_t outsz)
{
	GENERAL_NAMES		*sans;
	const GENERAL_NAME	*gn;
	const ASN1_STRING	*s = NULL;
	X509_NAME		*subj;
	int			 i, idx = -1, next;

	if (kind == TLS_IDENTITY_CN) {
		subj = X509_get_subject_name(cert);
		while ((next = X509_NAME_get_index_by_NID(subj, NID_commonName,
		    idx)) >= 0)
			idx = next;
		if (idx >= 0)
			s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj,
			    idx));
	} else {
		sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
		for (i = 0; sans != NULL && s == NULL &&
		    i < sk_GENERAL_NAME_num(sans); i++) {
			gn = sk_GENERAL_NAME_value(sans, i);
			if (gn->type == GEN_DNS || gn->type == GEN_URI ||
			    gn->type == GEN_EMAIL)
				s = gn->d.ia5;
		}
		/* Copied (and checked below) before the names are freed. */
		if (s != NULL && (size_t)ASN1_STRING_length(s) < outsz &&
		    memchr(ASN1_STRING_get0_data(s), '\0',
		    (size_t)ASN1_STRING_length(s)) == NULL) {
			memcpy(out, ASN1_STRING_get0_data(s),
			    (size_t)ASN1_STRING_length(s));
			out[ASN1_STRING_length(s)] = '\0';
		} else {
			s = NULL;	/* too long or a NUL inside: refused */
		}
		GENERAL_NAMES_free(sans);
		return s != NULL && out[0] != '\0' ? MEF_OK : MEF_E_AUTH;
	}
	/* An identity with a NUL inside or too long is refused, never cut. */
	if (s == NULL || (size_t)ASN1_STRING_length(s) >= outsz ||
	    memchr(ASN1_STRING_get0_data(s), '\0',
	    (size_t)ASN1_STRING_length(s)) != NULL)
		return MEF_E_AUTH;
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	out[ASN1_STRING_length(s)] = '\0';
	return out[0] != '\0' ? MEF_OK : MEF_E_AUTH;
}

/* see tls_peer_cert.h */
enum mef_err
tls_peer_cert_verify(const struct tls_peer_cert *pc, const char *ca_pem,
    size_t ca_len, const char *crl_pem, size_t crl_len,
    enum tls_identity_kind kind, char *identity, size_t identity_size)
{
	X509_STORE	*st;
	X509_STORE_CTX	*xctx = NULL;
	enum mef_err	 rc;

	st = X509_STORE_new();
	if (st == NULL)
		return MEF_E_NOMEM;
	rc = load_pem(st, ca_pem, ca_len, 0);
	if (rc == MEF_OK && crl_pem != NULL) {
		rc = load_pem(st, crl_pem, crl_len, 1);
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK |
		    X509_V_FLAG_CRL_CHECK_ALL);
	}
	if (rc != MEF_OK)
		goto out;
	rc = MEF_E_AUTH;
	xctx = X509_STORE_CTX_new();
	if (xctx == NULL || X509_STORE_CTX_init(xctx, st, pc->leaf,
	    pc->chain) != 1)
		goto out;
	X509_STORE_CTX_set_purpose(xctx, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(xctx) == 1)
		rc = identity_of(pc->leaf, kind, identity, identity_size);
out:
	X509_STORE_CTX_free(xctx);
	X509_STORE_free(st);
	ERR_clear_error();
	return rc;
}
