/*
 * x509_check.c -- PEM certificate and CRL files checked block by block.
 *
 * Each block is read with PEM_read_bio() and its label checked before its DER
 * is decoded, rather than with PEM_read_bio_X509(), which skips blocks of
 * other types in silence: a private key pasted into a CA file must be refused,
 * not stored in the database and printed by every anchor listing.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/x509_check.h"

/* What a file may hold, and how one block's DER is checked. */
struct pem_kind {
	const char	*label;		/* PEM block name */
	const char	*what;		/* for messages */
	const char	*(*check)(const unsigned char *der, long len);
};

static enum mef_err	pem_blocks_ok(const struct pem_kind *kind,
			    const char *pem, size_t len, char *err,
			    size_t errsz);
static const char	*cert_der_ok(const unsigned char *der, long len);
static const char	*crl_der_ok(const unsigned char *der, long len);

static const struct pem_kind	cert_kind = {
	"CERTIFICATE", "certificate", cert_der_ok
};
static const struct pem_kind	crl_kind = {
	"X509 CRL", "CRL", crl_der_ok
};

/* see x509_check.h */
enum mef_err
x509_pem_certs_ok(const char *pem, size_t len, char *err, size_t errsz)
{
	return pem_blocks_ok(&cert_kind, pem, len, err, errsz);
}

/* see x509_check.h */
enum mef_err
x509_pem_crls_ok(const char *pem, size_t len, char *err, size_t errsz)
{
	return pem_blocks_ok(&crl_kind, pem, len, err, errsz);
}

static enum mef_err
pem_blocks_ok(const struct pem_kind *kind, const char *pem, size_t len,
    char *err, size_t errsz)
{
	BIO		*bio = NULL;
	char		*name = NULL, *header = NULL;
	unsigned char	*data = NULL;
	const char	*why;
	unsigned long	 e;
	long		 dlen = 0;
	int		 n = 0, bad = 0;

	ERR_clear_error();
	if (pem == NULL || len == 0 || len > INT_MAX) {
		snprintf(err, errsz, "empty, or too large for a %s file",
		    kind->what);
		return MEF_E_INVAL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL) {
		snprintf(err, errsz, "out of memory");
		return MEF_E_NOMEM;
	}
	while (!bad && PEM_read_bio(bio, &name, &header, &data, &dlen) == 1) {
		n++;
		why = NULL;
		if (strcmp(name, kind->label) != 0)
			snprintf(err, errsz, "PEM block %d is \"%.40s\", not "
			    "\"%s\"", n, name, kind->label);
		else if (header[0] != '\0')
			snprintf(err, errsz, "PEM block %d has headers "
			    "(encrypted?)", n);
		else
			why = kind->check(data, dlen);
		bad = why != NULL || strcmp(name, kind->label) != 0 ||
		    header[0] != '\0';
		if (why != NULL)
			snprintf(err, errsz, "PEM block %d: %s", n, why);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		name = header = NULL;
		data = NULL;
	}
	/* The loop ends at the end of the text, or at a broken block. */
	e = ERR_peek_last_error();
	if (!bad && e != 0 && ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
		snprintf(err, errsz, "PEM block %d is not valid PEM (bad "
		    "base64, or no END line)", n + 1);
		bad = 1;
	} else if (!bad && n == 0) {
		snprintf(err, errsz, "no \"-----BEGIN %s-----\" block in it",
		    kind->label);
		bad = 1;
	}
	ERR_clear_error();
	BIO_free(bio);
	return bad ? MEF_E_INVAL : MEF_OK;
}

/* NULL when der is one whole CA certificate; otherwise why not. */
static const char *
cert_der_ok(const unsigned char *der, long len)
{
	const unsigned char	*p = der;
	X509			*x;
	const char		*why = NULL;

	x = d2i_X509(NULL, &p, len);
	if (x == NULL || p != der + len)
		why = "does not decode as an X.509 certificate";
	else if (X509_check_ca(x) == 0)
		why = "not a CA certificate (no basicConstraints CA:TRUE or "
		    "no keyCertSign): an anchor is the CA that issues the "
		    "device certificates";
	X509_free(x);
	return why;
}

/* NULL when der is one whole CRL; otherwise why not. */
static const char *
crl_der_ok(const unsigned char *der, long len)
{
	const unsigned char	*p = der;
	X509_CRL		*crl;
	const char		*why = NULL;

	crl = d2i_X509_CRL(NULL, &p, len);
	if (crl == NULL || p != der + len)
		why = "does not decode as an X.509 CRL";
	X509_CRL_free(crl);
	return why;
}
