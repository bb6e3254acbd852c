/*
 * tls_peer_cert_int.h -- the inside of struct tls_peer_cert, for tls_server.c, which
 * builds one on the stack in its verify callback. Not for use outside src/transport.
 */
#ifndef MEF_TRANSPORT_TLS_PEER_CERT_INT_H
#define MEF_TRANSPORT_TLS_PEER_CERT_INT_H

#include <openssl/x509.h>

#include "transport/tls_peer_cert.h"

struct tls_peer_cert {
	X509		*leaf;		/* borrowed */
	STACK_OF(X509)	*chain;		/* borrowed: what the client sent */
};

#endif /* MEF_TRANSPORT_TLS_PEER_CERT_INT_H */
