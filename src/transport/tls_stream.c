/*
 * tls_stream.c -- TLS over memory BIOs for event-driven servers.
 *
 * The read BIO reports "retry" rather than EOF when empty, so OpenSSL asks for more
 * input instead of failing; the write BIO is drained by tls_stream_flush() straight
 * into the socket's evbuffer with reserve/commit, without an intermediate copy.
 * SSL_OP_CLEANSE_PLAINTEXT is not needed here: plaintext only leaves through the
 * caller's buffers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "transport/tls_server_int.h"
#include "transport/tls_stream.h"

#define READ_CHUNK	16384

struct tls_stream {
	SSL		*ssl;
	BIO		*rbio;		/* owned by ssl */
	BIO		*wbio;		/* owned by ssl */
	unsigned long	 last_error;
};

/* see tls_stream.h */
enum mef_err
tls_stream_new(struct tls_server *srv, void *conn_arg, struct tls_stream **pts)
{
	struct tls_stream	*ts;

	ts = calloc(1, sizeof(*ts));
	if (ts == NULL)
		return MEF_E_NOMEM;
	ts->ssl = tls_server_new_ssl(srv, conn_arg);
	ts->rbio = BIO_new(BIO_s_mem());
	ts->wbio = BIO_new(BIO_s_mem());
	if (ts->ssl == NULL || ts->rbio == NULL || ts->wbio == NULL) {
		BIO_free(ts->rbio);
		BIO_free(ts->wbio);
		SSL_free(ts->ssl);
		free(ts);
		ERR_clear_error();
		return MEF_E_CRYPTO;
	}
	BIO_set_mem_eof_return(ts->rbio, -1);
	SSL_set_bio(ts->ssl, ts->rbio, ts->wbio);
	*pts = ts;
	return MEF_OK;
}

/* see tls_stream.h */
void
tls_stream_free(struct tls_stream **pts)
{
	if (pts == NULL || *pts == NULL)
		return;
	SSL_free((*pts)->ssl);		/* frees both BIOs, cleanses keys */
	free(*pts);
	*pts = NULL;
}

/* see tls_stream.h */
enum mef_err
tls_stream_feed(struct tls_stream *ts, const void *data, size_t len)
{
	if (len > INT32_MAX || BIO_write(ts->rbio, data, (int)len) != (int)len)
		return MEF_E_NOMEM;
	return MEF_OK;
}

static void
remember_error(struct tls_stream *ts)
{
	unsigned long	e;

	while ((e = ERR_get_error()) != 0)
		if (ts->last_error == 0)
			ts->last_error = e;
}

/* see tls_stream.h */
enum mef_err
tls_stream_handshake(struct tls_stream *ts)
{
	int	rc, err;

	rc = SSL_do_handshake(ts->ssl);
	if (rc == 1)
		return MEF_OK;
	err = SSL_get_error(ts->ssl, rc);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return MEF_E_AGAIN;
	remember_error(ts);
	return MEF_E_AUTH;
}

/* see tls_stream.h */
enum mef_err
tls_stream_read(struct tls_stream *ts, struct evbuffer *out)
{
	struct evbuffer_iovec	v;
	int			n, err;

	for (;;) {
		if (evbuffer_reserve_space(out, READ_CHUNK, &v, 1) < 1)
			return MEF_E_NOMEM;
		n = SSL_read(ts->ssl, v.iov_base, (int)(v.iov_len < INT32_MAX ?
		    v.iov_len : INT32_MAX));
		if (n <= 0) {
			v.iov_len = 0;
			evbuffer_commit_space(out, &v, 1);
			break;
		}
		v.iov_len = (size_t)n;
		evbuffer_commit_space(out, &v, 1);
	}
	err = SSL_get_error(ts->ssl, n);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return MEF_OK;
	if (err == SSL_ERROR_ZERO_RETURN)
		return MEF_E_IO;
	remember_error(ts);
	return MEF_E_PROTO;
}

/* see tls_stream.h */
enum mef_err
tls_stream_write(struct tls_stream *ts, const void *data, size_t len)
{
	size_t	written = 0;
	int	rc;

	if (len == 0)
		return MEF_OK;
	/* A memory BIO never refuses: one call writes everything. */
	rc = SSL_write_ex(ts->ssl, data, len, &written);
	if (rc != 1 || written != len) {
		remember_error(ts);
		return MEF_E_PROTO;
	}
	return MEF_OK;
}

/* see tls_stream.h */
enum mef_err
tls_stream_flush(struct tls_stream *ts, struct evbuffer *out)
{
	struct evbuffer_iovec	v;
	size_t			pending;
	int			n;

	while ((pending = BIO_ctrl_pending(ts->wbio)) > 0) {
		if (evbuffer_reserve_space(out, (ev_ssize_t)pending, &v, 1) < 1)
			return MEF_E_NOMEM;
		n = BIO_read(ts->wbio, v.iov_base, (int)(v.iov_len < pending ?
		    v.iov_len : pending));
		v.iov_len = n > 0 ? (size_t)n : 0;
		evbuffer_commit_space(out, &v, 1);
		if (n <= 0)
			break;
	}
	return MEF_OK;
}

/* see tls_stream.h */
void
tls_stream_close_notify(struct tls_stream *ts)
{
	if (SSL_is_init_finished(ts->ssl))
		(void)SSL_shutdown(ts->ssl);
	ERR_clear_error();
}

/* see tls_stream.h */
const char *
tls_stream_psk_identity(const struct tls_stream *ts)
{
	return SSL_get_psk_identity(ts->ssl);
}

/* see tls_stream.h */
const char *
tls_stream_version(const struct tls_stream *ts)
{
	return SSL_get_version(ts->ssl);
}

/* see tls_stream.h */
const char *
tls_stream_cipher(const struct tls_stream *ts)
{
	return SSL_get_cipher_name(ts->ssl);
}

/* see tls_stream.h */
const char *
tls_stream_error(struct tls_stream *ts, char *buf, size_t bufsz)
{
	const char	*reason;

	remember_error(ts);
	reason = ts->last_error != 0 ? ERR_reason_error_string(ts->last_error) :
	    NULL;
	snprintf(buf, bufsz, "%s", reason != NULL ? reason : "connection closed");
	return buf;
}
