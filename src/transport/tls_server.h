/*
 * tls_server.h -- the TLS side of mefd's listeners: contexts, accepted connections,
 * and what a completed handshake tells the daemon (PSK identity, certificate
 * fingerprint, exported keying material).
 *
 * Accepted sockets become struct tls_conn (tls_conn.h), which the daemon drives from
 * its event loop without ever touching SSL_*. Credentials are looked up through
 * callbacks the daemon provides; they run on the connection's own event loop thread,
 * with the conn_arg given at accept time.
 *
 * Unknown PSK identities get a random dummy key instead of a refusal (PROTOCOL.md 2.1),
 * so the handshake fails the same way for an unknown identity as for a wrong
 * key, in TLS 1.2 (bad Finished) and in TLS 1.3 (bad binder: alert
 * illegal_parameter).
 * Session resumption is off: every connection proves its key, so a revocation takes
 * effect on the next handshake.
 */
#ifndef MEF_TRANSPORT_TLS_SERVER_H
#define MEF_TRANSPORT_TLS_SERVER_H

#include <stddef.h>

#include "mef/error.h"
#include "transport/tls_peer_cert.h"
#include "util/secret.h"

enum tls_server_role {
	TLS_ROLE_BOOTSTRAP,	/* TLS 1.2 PSK only: Enrolees */
	TLS_ROLE_BOOTSTRAP_CERT,/* TLS 1.2 ECDSA mutual certificates: Enrolees */
	TLS_ROLE_TARGET,	/* TLS 1.2/1.3, PSK and, with a certificate, mTLS */
};

/*
 * Looks up the PSK of identity. MEF_OK with *ppsk set, MEF_E_NOTFOUND for an unknown
 * identity (a dummy key is used then), anything else fails the handshake.
 */
typedef enum mef_err	(*tls_psk_lookup_fn)(void *conn_arg, const char *identity,
			    struct mef_secret **ppsk);
/*
 * Accepts (MEF_OK) or refuses a client certificate; pc answers questions about it
 * (tls_peer_cert.h) during the call only. May be called more than once per handshake.
 */
typedef enum mef_err	(*tls_cert_check_fn)(void *conn_arg,
			    const struct tls_peer_cert *pc);

struct tls_server_cfg {
	enum tls_server_role	 role;
	const char		*cert_file;	/* PEM; NULL: PSK only */
	const char		*key_file;
	const char		*client_ca_file;/* NULL: fingerprints only (target) */
	tls_psk_lookup_fn	 psk_lookup;
	tls_cert_check_fn	 cert_check;	/* NULL: no client certificates */
};

struct tls_server;

/* Builds the context; MEF_E_CONFIG with a message in err for bad files. */
enum mef_err	tls_server_new(const struct tls_server_cfg *cfg,
		    struct tls_server **psrv, char *err, size_t errsz);
void		tls_server_free(struct tls_server **psrv);

#endif /* MEF_TRANSPORT_TLS_SERVER_H */
