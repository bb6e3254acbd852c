/*
 * tls_stream.h -- a server-side TLS connection driven over memory BIOs.
 *
 * The caller owns the socket and moves bytes: what arrives from the peer is fed in,
 * what TLS wants to send is flushed out. This lets a server look at the handshake
 * records before OpenSSL reads them (tls_peek.h) and hold them back while a key is
 * fetched, without blocking its event loop. Plaintext in and out goes through libevent
 * buffers. Callbacks of the listener's context (PSK lookup, certificate check) run
 * inside tls_stream_handshake() with the conn_arg given here.
 */
#ifndef MEF_TRANSPORT_TLS_STREAM_H
#define MEF_TRANSPORT_TLS_STREAM_H

#include <stddef.h>

#include "mef/error.h"
#include "transport/tls_server.h"

struct evbuffer;
struct tls_stream;

enum mef_err	tls_stream_new(struct tls_server *srv, void *conn_arg,
		    struct tls_stream **pts);
/* Wipes the session and frees *pts; accepts NULL. */
void		tls_stream_free(struct tls_stream **pts);

/* Hands len bytes received from the peer to TLS (copied). */
enum mef_err	tls_stream_feed(struct tls_stream *ts, const void *data, size_t len);
/*
 * Advances the handshake with what was fed: MEF_OK once it is complete, MEF_E_AGAIN
 * while it needs more input, MEF_E_AUTH when it failed (alert queued for flushing).
 */
enum mef_err	tls_stream_handshake(struct tls_stream *ts);
/*
 * Decrypts everything available into out. MEF_OK (possibly nothing new), MEF_E_IO
 * when the peer sent close_notify, MEF_E_PROTO on a bad record.
 */
enum mef_err	tls_stream_read(struct tls_stream *ts, struct evbuffer *out);
/* Encrypts len bytes of plaintext (then flush). */
enum mef_err	tls_stream_write(struct tls_stream *ts, const void *data,
		    size_t len);
/* Moves the bytes TLS has to send into out (the socket's output). */
enum mef_err	tls_stream_flush(struct tls_stream *ts, struct evbuffer *out);
/* Queues close_notify (then flush). */
void		tls_stream_close_notify(struct tls_stream *ts);

/* The PSK identity the client used, or NULL. */
const char	*tls_stream_psk_identity(const struct tls_stream *ts);
const char	*tls_stream_version(const struct tls_stream *ts);
const char	*tls_stream_cipher(const struct tls_stream *ts);
/* A short reason for the last failure, for a log line. */
const char	*tls_stream_error(struct tls_stream *ts, char *buf, size_t bufsz);

#endif /* MEF_TRANSPORT_TLS_STREAM_H */
