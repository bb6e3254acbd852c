/*
 * tls_server.h -- the TLS side of mefd's listeners: contexts, accepted connections,
 * and what a completed handshake tells the daemon (PSK identity, certificate
 * fingerprint, exported keying material).
 *
 * Accepted sockets become libevent bufferevents over OpenSSL, so the daemon reads and
 * writes plaintext without ever touching SSL_*. Credentials are looked up through
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

struct bufferevent;
struct event_base;

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

/*
 * Wraps an accepted socket in a bufferevent that runs the server handshake. fd is
 * owned by the bufferevent from here on (closed when it is freed). NULL on failure
 * (fd closed).
 */
struct bufferevent	*tls_server_accept(struct tls_server *srv,
			    struct event_base *base, int fd, void *conn_arg);

/* The RFC 5705 exporter of the connection's session (no context). */
enum mef_err	tls_conn_export(struct bufferevent *bev, const char *label,
		    size_t label_len, unsigned char *out, size_t out_len);
/*
 * Sends the TLS close_notify alert (without waiting for the peer's), so a peer reading
 * to the end of the stream sees a clean close rather than a truncation.
 */
void		tls_conn_shutdown(struct bufferevent *bev);
/*
 * 1 when the completed handshake was authenticated by a PSK (a TLS 1.2 PSK
 * suite, or the TLS 1.3 external PSK was accepted), 0 otherwise. A TLS 1.3
 * ClientHello may name a PSK identity (the lookup callback runs) and still end
 * in a certificate handshake without it: a lookup alone proves nothing.
 */
int		tls_conn_psk_used(struct bufferevent *bev);
/* The PSK identity that authenticated the handshake, or NULL. Borrowed. */
const char	*tls_conn_psk_identity(struct bufferevent *bev);
/* "TLSv1.2 PSK-AES128-CBC-SHA256"-like description for logs, static storage. */
const char	*tls_conn_version(struct bufferevent *bev);
const char	*tls_conn_cipher(struct bufferevent *bev);
/*
 * Drains OpenSSL's error queue of this thread into one short description for a log
 * line (buf, bufsz); never includes key material.
 */
const char	*tls_last_error(struct bufferevent *bev, char *buf, size_t bufsz);

#endif /* MEF_TRANSPORT_TLS_SERVER_H */
