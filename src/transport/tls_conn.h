/*
 * tls_conn.h -- one accepted TLS connection of mefd, OpenSSL driven directly on the
 * non-blocking socket.
 *
 * The caller owns the event loop side: it waits for the socket to become readable
 * (always, while it wants input) and writable (only after a call answered
 * TLS_IO_WANT_WRITE, i.e. the kernel buffer is full), then calls again. Read ahead is
 * on, so one read() usually brings a whole request; a record OpenSSL already holds is
 * not announced by the socket again, so after each read the caller asks
 * tls_conn_has_pending() before it waits. Buffers are released while empty, so an idle
 * connection costs little memory. Writes are partial and may be retried from a moved
 * buffer holding the same unsent bytes.
 */
#ifndef MEF_TRANSPORT_TLS_CONN_H
#define MEF_TRANSPORT_TLS_CONN_H

#include <stddef.h>

#include "mef/error.h"
#include "transport/tls_server.h"

enum tls_io {
	TLS_IO_OK,		/* done; for read and write, *pn bytes moved */
	TLS_IO_WANT_READ,	/* call again once the socket is readable */
	TLS_IO_WANT_WRITE,	/* call again once the socket is writable */
	TLS_IO_EOF,		/* the peer closed (close_notify or TCP close) */
	TLS_IO_ERROR,		/* broken: tls_last_error() says why */
};

struct tls_conn;

/*
 * A server connection in accept state over the accepted socket fd, which it owns from
 * here on (closed by tls_conn_free(), or at once on failure: NULL). conn_arg is handed
 * to the listener's PSK and certificate callbacks.
 */
struct tls_conn	*tls_conn_new(struct tls_server *srv, int fd, void *conn_arg);
/* Frees the session and closes the socket; accepts NULL. */
void		 tls_conn_free(struct tls_conn **ptc);

/* Advances the handshake: TLS_IO_OK once it is complete. */
enum tls_io	 tls_conn_handshake(struct tls_conn *tc);
/* Decrypts up to len bytes of plaintext into buf. */
enum tls_io	 tls_conn_read(struct tls_conn *tc, void *buf, size_t len,
		    size_t *pn);
/* 1 when OpenSSL holds input (decrypted or not) that no socket event announces. */
int		 tls_conn_has_pending(const struct tls_conn *tc);
/* Encrypts and sends up to len bytes (one record each 16 KiB); *pn sent. */
enum tls_io	 tls_conn_write(struct tls_conn *tc, const void *buf, size_t len,
		    size_t *pn);

/* The RFC 5705 exporter of the connection's session (no context). */
enum mef_err	 tls_conn_export(struct tls_conn *tc, const char *label,
		    size_t label_len, unsigned char *out, size_t out_len);
/*
 * Sends the TLS close_notify alert (without waiting for the peer's), so a peer reading
 * to the end of the stream sees a clean close rather than a truncation.
 */
void		 tls_conn_shutdown(struct tls_conn *tc);
/*
 * 1 when the completed handshake was authenticated by a PSK (a TLS 1.2 PSK
 * suite, or the TLS 1.3 external PSK was accepted), 0 otherwise. A TLS 1.3
 * ClientHello may name a PSK identity (the lookup callback runs) and still end
 * in a certificate handshake without it: a lookup alone proves nothing.
 */
int		 tls_conn_psk_used(struct tls_conn *tc);
/* The PSK identity that authenticated the handshake, or NULL. Borrowed. */
const char	*tls_conn_psk_identity(struct tls_conn *tc);
/* "TLSv1.2", "PSK-AES128-CBC-SHA256": for logs, static storage. */
const char	*tls_conn_version(struct tls_conn *tc);
const char	*tls_conn_cipher(struct tls_conn *tc);
/*
 * One short description of why the connection failed (the first OpenSSL error its
 * last failing call left, else this thread's queue, which is drained) for a log line
 * (buf, bufsz); never includes key material. tc may be NULL.
 */
const char	*tls_last_error(struct tls_conn *tc, char *buf, size_t bufsz);

#endif /* MEF_TRANSPORT_TLS_CONN_H */
