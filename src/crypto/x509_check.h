/*
 * x509_check.h -- is this PEM text the certificates or CRLs it claims to be?
 *
 * For mefctl, before it stores a trust anchor: the checks parse, they do not
 * verify a chain or a signature (mefd does that at each handshake).
 */
#ifndef MEF_CRYPTO_X509_CHECK_H
#define MEF_CRYPTO_X509_CHECK_H

#include <stddef.h>

#include "mef/error.h"

/*
 * MEF_OK when pem[0..len-1] holds one or more PEM blocks, every one of them a
 * CA certificate ("CERTIFICATE", basicConstraints CA or a v1 self-signed root)
 * that parses whole; text between blocks is ignored. Otherwise MEF_E_INVAL (or
 * MEF_E_NOMEM) with one line in err saying which block is wrong and why.
 */
enum mef_err	x509_pem_certs_ok(const char *pem, size_t len, char *err,
		    size_t errsz);
/* The same for CRLs ("X509 CRL" blocks, at least one). */
enum mef_err	x509_pem_crls_ok(const char *pem, size_t len, char *err,
		    size_t errsz);

#endif /* MEF_CRYPTO_X509_CHECK_H */
