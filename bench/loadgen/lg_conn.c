/*
 * lg_conn.c -- bench_loadgen's non-blocking connections: TCP, TLS through
 * OpenSSL (PSK or client certificate), or plain, each step mapped to enum
 * lg_io from SSL_get_error() or errno.
 *
 * Each SSL carries its struct lg_cred as app data, which the PSK callback
 * reads, so one shared SSL_CTX serves connections with different
 * identities. No session is ever resumed: each connection is a full
 * handshake, as a device's first contact is.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lg_conn.h"

#define EXPORT_LABEL	"EXPORTER-oneM2M-Bootstrap"	/* as mefd */
#define EXPORT_LEN	48

static unsigned int	psk_cb(SSL *ssl, const char *hint, char *identity,
			    unsigned int max_identity_len, unsigned char *psk,
			    unsigned int max_psk_len);
static int		load_cert(SSL_CTX *ctx, struct lg_opts *o);
static enum lg_io	ssl_result(struct lg_conn *c, int r);

/* see lg_conn.h */
int
lg_conn_resolve(const char *host, const char *port, struct lg_addr *pa)
{
	struct addrinfo	hints, *res;
	int		rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "bench_loadgen: %s:%s: %s\n", host, port,
		    gai_strerror(rc));
		return -1;
	}
	if (res->ai_addrlen > sizeof(pa->sa)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(&pa->sa, res->ai_addr, res->ai_addrlen);
	pa->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* see lg_conn.h */
SSL_CTX *
lg_conn_ctx(struct lg_opts *o)
{
	SSL_CTX	*ctx;
	int	 version = o->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
	int	 ok;

	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
		goto fail;
	if (SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, version) != 1)
		goto fail;
	ok = o->tls13 ? SSL_CTX_set_ciphersuites(ctx, o->cipher) :
	    SSL_CTX_set_cipher_list(ctx, o->cipher);
	if (ok != 1) {
		fprintf(stderr, "bench_loadgen: no usable cipher in %s\n",
		    o->cipher);
		goto fail;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Whole socket reads rather than a header then a record. */
	SSL_CTX_set_read_ahead(ctx, 1);
	/* A close without close_notify reads as EOF, as many servers do it. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Many idle connections: no buffers kept between records. */
	if (o->m->kind == LG_IDLE)
		SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (o->cert) {
		if (load_cert(ctx, o) != 0)
			goto fail;
	} else {
		SSL_CTX_set_psk_client_callback(ctx, psk_cb);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	}
	return ctx;
fail:
	fprintf(stderr, "bench_loadgen: cannot set up TLS\n");
	ERR_print_errors_fp(stderr);
	SSL_CTX_free(ctx);
	return NULL;
}

/* see lg_conn.h */
enum lg_io
lg_conn_connect(struct lg_conn *c, const struct lg_addr *a)
{
	int	one = 1;

	c->ssl = NULL;
	c->fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return LG_IO_ERR;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&a->sa, a->len) == 0)
		return LG_IO_OK;
	if (errno == EINPROGRESS)
		return LG_IO_WANT_WRITE;
	return LG_IO_ERR;
}

/* see lg_conn.h */
enum lg_io
lg_conn_connected(struct lg_conn *c)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		errno = err;
		return LG_IO_ERR;
	}
	return LG_IO_OK;
}

/* see lg_conn.h */
enum lg_io
lg_conn_tls(struct lg_conn *c, SSL_CTX *ctx, struct lg_cred *cred)
{
	c->cred = cred;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_app_data(c->ssl, cred) != 1)
		return LG_IO_ERR;
	SSL_set_connect_state(c->ssl);
	return LG_IO_OK;
}

/* see lg_conn.h */
enum lg_io
lg_conn_handshake(struct lg_conn *c)
{
	errno = 0;
	return ssl_result(c, SSL_do_handshake(c->ssl));
}

/* see lg_conn.h */
enum lg_io
lg_conn_export(struct lg_conn *c)
{
	unsigned char	out[EXPORT_LEN];
	int		r;

	r = SSL_export_keying_material(c->ssl, out, sizeof(out), EXPORT_LABEL,
	    sizeof(EXPORT_LABEL) - 1, NULL, 0, 0);
	OPENSSL_cleanse(out, sizeof(out));
	return r == 1 ? LG_IO_OK : LG_IO_ERR;
}

/* see lg_conn.h */
enum lg_io
lg_conn_write(struct lg_conn *c, const char *p, size_t len, size_t *pn)
{
	ssize_t	n;
	size_t	done = 0;

	*pn = 0;
	if (c->ssl != NULL) {
		/*
		 * Without partial writes, a write that wanted the socket is
		 * repeated with the same bytes, and succeeds whole.
		 */
		if (SSL_write_ex(c->ssl, p, len, &done) == 1) {
			*pn = done;
			return LG_IO_OK;
		}
		return ssl_result(c, 0);
	}
	while (done < len) {
		n = send(c->fd, p + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*pn = done;
			return errno == EAGAIN ? LG_IO_WANT_WRITE : LG_IO_ERR;
		}
		done += (size_t)n;
	}
	*pn = done;
	return LG_IO_OK;
}

/* see lg_conn.h */
enum lg_io
lg_conn_read(struct lg_conn *c, char *buf, size_t cap, size_t *pn)
{
	ssize_t	n;

	*pn = 0;
	if (c->ssl != NULL) {
		if (SSL_read_ex(c->ssl, buf, cap, pn) == 1)
			return LG_IO_OK;
		return ssl_result(c, 0);
	}
	do
		n = read(c->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		*pn = (size_t)n;
		return LG_IO_OK;
	}
	if (n == 0)
		return LG_IO_EOF;
	return errno == EAGAIN ? LG_IO_WANT_READ : LG_IO_ERR;
}

/* see lg_conn.h */
void
lg_conn_close(struct lg_conn *c, int orderly)
{
	if (c->ssl != NULL) {
		if (orderly && SSL_is_init_finished(c->ssl))
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	ERR_clear_error();
}

/* see lg_conn.h */
void
lg_conn_error(char *buf, size_t bufsz)
{
	unsigned long	e = ERR_peek_last_error();

	buf[0] = '\0';
	if (e != 0)
		ERR_error_string_n(e, buf, bufsz);
	ERR_clear_error();
}

static enum lg_io
ssl_result(struct lg_conn *c, int r)
{
	if (r == 1)
		return LG_IO_OK;
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return LG_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return LG_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return LG_IO_EOF;
	default:
		return LG_IO_ERR;
	}
}

static unsigned int
psk_cb(SSL *ssl, const char *hint, char *identity,
    unsigned int max_identity_len, unsigned char *psk,
    unsigned int max_psk_len)
{
	const struct lg_cred	*cred = SSL_get_app_data(ssl);
	size_t			 idlen;

	(void)hint;
	if (cred == NULL || cred->identity == NULL)
		return 0;
	idlen = strlen(cred->identity);
	if (idlen >= max_identity_len || cred->psk_len > max_psk_len)
		return 0;
	memcpy(identity, cred->identity, idlen + 1);
	memcpy(psk, cred->psk, cred->psk_len);
	return (unsigned int)cred->psk_len;
}

/* The certificate and key of -C, -K, the CA of -A, the default origin. */
static int
load_cert(SSL_CTX *ctx, struct lg_opts *o)
{
	X509	*x;
	int	 n;

	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key_file,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "bench_loadgen: cannot load %s and %s, or "
		    "they do not match\n", o->cert_file, o->key_file);
		return -1;
	}
	if (o->ca_file == NULL)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	else if (SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
		fprintf(stderr, "bench_loadgen: cannot load CA %s\n",
		    o->ca_file);
		return -1;
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* As libmef does: the certificate's CN as X-M2M-Origin by default. */
	if (o->creds[0].origin != NULL)
		return 0;
	o->creds[0].origin = "bench";
	x = SSL_CTX_get0_certificate(ctx);
	if (x == NULL)
		return 0;
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, o->cn, (int)sizeof(o->cn));
	if (n > 0 && (size_t)n < sizeof(o->cn))
		o->creds[0].origin = o->cn;
	return 0;
}
