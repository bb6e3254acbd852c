/*
 * tls_conn.c -- OpenSSL on an accepted non-blocking socket, one call per step.
 *
 * Each call maps SSL_get_error() to a want state or an end. OpenSSL's error queue is
 * per thread and must be empty for the next SSL_get_error() to be right, so a failing
 * call keeps its first error in the connection (for the log line) and drains the
 * queue. A TCP close without close_notify is an end of stream, not an error: clients
 * that close after their last answer are the common case.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "transport/tls_conn.h"
#include "transport/tls_server_int.h"

struct tls_conn {
	SSL		*ssl;
	int		 fd;
	unsigned long	 err;	/* first OpenSSL error of the last failure */
};

/* see tls_conn.h */
struct tls_conn *
tls_conn_new(struct tls_server *srv, int fd, void *conn_arg)
{
	struct tls_conn	*tc;

	tc = calloc(1, sizeof(*tc));
	if (tc == NULL) {
		close(fd);
		return NULL;
	}
	tc->fd = fd;
	tc->ssl = tls_server_new_ssl(srv, conn_arg);
	if (tc->ssl == NULL || SSL_set_fd(tc->ssl, fd) != 1) {
		ERR_clear_error();
		tls_conn_free(&tc);
		return NULL;
	}
	SSL_set_mode(tc->ssl, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_set_read_ahead(tc->ssl, 1);
	return tc;
}

/* see tls_conn.h */
void
tls_conn_free(struct tls_conn **ptc)
{
	if (ptc == NULL || *ptc == NULL)
		return;
	SSL_free((*ptc)->ssl);
	close((*ptc)->fd);
	free(*ptc);
	*ptc = NULL;
}

/* The state after a call that returned ret <= 0. */
static enum tls_io
io_state(struct tls_conn *tc, int ret)
{
	int	e = SSL_get_error(tc->ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return TLS_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_IO_EOF;
	default:
		break;
	}
	tc->err = ERR_get_error();
	ERR_clear_error();
	/* No OpenSSL error and no errno: the peer closed the socket. */
	if (e == SSL_ERROR_SYSCALL && tc->err == 0 && errno == 0)
		return TLS_IO_EOF;
	return TLS_IO_ERROR;
}

/* see tls_conn.h */
enum tls_io
tls_conn_handshake(struct tls_conn *tc)
{
	int	ret;

	errno = 0;
	ret = SSL_do_handshake(tc->ssl);
	return ret == 1 ? TLS_IO_OK : io_state(tc, ret);
}

/* see tls_conn.h */
enum tls_io
tls_conn_read(struct tls_conn *tc, void *buf, size_t len, size_t *pn)
{
	int	ret;

	*pn = 0;
	errno = 0;
	ret = SSL_read(tc->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (ret > 0) {
		*pn = (size_t)ret;
		return TLS_IO_OK;
	}
	return io_state(tc, ret);
}

/* see tls_conn.h */
int
tls_conn_has_pending(const struct tls_conn *tc)
{
	return SSL_has_pending(tc->ssl);
}

/* see tls_conn.h */
enum tls_io
tls_conn_write(struct tls_conn *tc, const void *buf, size_t len, size_t *pn)
{
	int	ret;

	*pn = 0;
	errno = 0;
	ret = SSL_write(tc->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (ret > 0) {
		*pn = (size_t)ret;
		return TLS_IO_OK;
	}
	return io_state(tc, ret);
}

/* see tls_conn.h */
enum mef_err
tls_conn_export(struct tls_conn *tc, const char *label, size_t label_len,
    unsigned char *out, size_t out_len)
{
	if (SSL_export_keying_material(tc->ssl, out, out_len, label, label_len,
	    NULL, 0, 0) != 1) {
		ERR_clear_error();
		return MEF_E_CRYPTO;
	}
	return MEF_OK;
}

/* see tls_conn.h */
void
tls_conn_shutdown(struct tls_conn *tc)
{
	if (SSL_is_init_finished(tc->ssl))
		(void)SSL_shutdown(tc->ssl);
	ERR_clear_error();
}

/* see tls_conn.h */
int
tls_conn_psk_used(struct tls_conn *tc)
{
	const SSL_CIPHER	*cipher;

	if (!SSL_is_init_finished(tc->ssl))
		return 0;
	/*
	 * TLS 1.3: without tickets or a session cache, a resumed session can
	 * only be the external PSK, whose binder verified. TLS 1.2: a PSK
	 * suite, whose Finished proved the key.
	 */
	if (SSL_version(tc->ssl) >= TLS1_3_VERSION)
		return SSL_session_reused(tc->ssl) == 1;
	cipher = SSL_get_current_cipher(tc->ssl);
	return cipher != NULL &&
	    SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk;
}

/* see tls_conn.h */
const char *
tls_conn_psk_identity(struct tls_conn *tc)
{
	return tls_conn_psk_used(tc) ? SSL_get_psk_identity(tc->ssl) : NULL;
}

/* see tls_conn.h */
const char *
tls_conn_version(struct tls_conn *tc)
{
	return SSL_get_version(tc->ssl);
}

/* see tls_conn.h */
const char *
tls_conn_cipher(struct tls_conn *tc)
{
	return SSL_get_cipher_name(tc->ssl);
}

/* see tls_conn.h */
const char *
tls_last_error(struct tls_conn *tc, char *buf, size_t bufsz)
{
	unsigned long	e = 0, next;

	if (tc != NULL)
		e = tc->err;
	while ((next = ERR_get_error()) != 0)
		if (e == 0)
			e = next;
	if (e == 0) {
		snprintf(buf, bufsz, "connection closed");
		return buf;
	}
	snprintf(buf, bufsz, "%s", ERR_reason_error_string(e) != NULL ?
	    ERR_reason_error_string(e) : "TLS error");
	return buf;
}
