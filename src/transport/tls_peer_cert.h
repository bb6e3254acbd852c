/*
 * tls_peer_cert.h -- what a server may ask of a client certificate while deciding
 * whether to accept it: its fingerprint, whether it is within its validity period,
 * and whether it chains to a given trust anchor (with CRLs) and which identity (subject
 * CN or a SAN) it carries.
 *
 * The daemon decides; transport only answers questions, so OpenSSL stays here. A
 * struct tls_peer_cert exists only during the verify callback (borrowed, never kept).
 */
#ifndef MEF_TRANSPORT_TLS_PEER_CERT_H
#define MEF_TRANSPORT_TLS_PEER_CERT_H

#include <stddef.h>

#include "mef/error.h"

#define TLS_FINGERPRINT_LEN	32
#define TLS_IDENTITY_MAX	255

struct tls_peer_cert;

enum tls_identity_kind {
	TLS_IDENTITY_CN = 0,	/* the last CN of the subject */
	TLS_IDENTITY_SAN,	/* the first DNS, URI or e-mail SAN */
};

/* The SHA-256 of the certificate's DER encoding. */
enum mef_err	tls_peer_cert_fingerprint(const struct tls_peer_cert *pc,
		    unsigned char fp[TLS_FINGERPRINT_LEN]);
/* MEF_OK when the certificate's key is ECDSA on P-256, MEF_E_AUTH otherwise. */
enum mef_err	tls_peer_cert_is_p256(const struct tls_peer_cert *pc);
/* MEF_OK when now is within notBefore..notAfter, MEF_E_AUTH otherwise. */
enum mef_err	tls_peer_cert_in_validity(const struct tls_peer_cert *pc);
/*
 * Verifies the certificate (with the chain the client sent) against the anchor's
 * certificates ca_pem (PEM, ca_len bytes) and, when crl_pem is not NULL, its CRLs
 * (checked for the whole chain), at the current time, for TLS client use. On MEF_OK
 * writes the identity of kind into identity (identity_size bytes, NUL-terminated).
 * MEF_E_AUTH when it does not verify or has no such identity, MEF_E_CONFIG when the
 * PEM cannot be read.
 */
enum mef_err	tls_peer_cert_verify(const struct tls_peer_cert *pc,
		    const char *ca_pem, size_t ca_len, const char *crl_pem,
		    size_t crl_len, enum tls_identity_kind kind, char *identity,
		    size_t identity_size);

#endif /* MEF_TRANSPORT_TLS_PEER_CERT_H */
