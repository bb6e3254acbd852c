/*
 * bench_conn.c -- bench_quick's client connections: TCP (TCP_NODELAY), TLS 1.2
 * (PSK, or a client certificate) through OpenSSL or plain, and HTTP/1.1
 * responses framed by Content-Length.
 *
 * Each SSL carries its struct bench_cred as app data, which the PSK callback
 * reads, so one shared SSL_CTX serves connections with different identities.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "bench_conn.h"

static SSL_CTX	*ctx_tls12(const char *);

static unsigned int
psk_client_cb(SSL *ssl, const char *hint, char *identity,
    unsigned int max_identity_len, unsigned char *psk, unsigned int max_psk_len)
{
	const struct bench_cred	*cr = SSL_get_app_data(ssl);
	size_t			 idlen;

	if (cr == NULL)
		return 0;
	idlen = strlen(cr->identity);
	if (idlen + 1 > max_identity_len || cr->psk_len > max_psk_len)
		return 0;
	memcpy(identity, cr->identity, idlen + 1);
	memcpy(psk, cr->psk, cr->psk_len);
	return (unsigned int)cr->psk_len;
}

/* TLS 1.2 exactly, ciphers, no session reuse: every op is a full handshake. */
static SSL_CTX *
ctx_tls12(const char *ciphers)
{
	SSL_CTX	*ctx;

	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* see bench_conn.h */
SSL_CTX *
bench_conn_ctx(const char *ciphers)
{
	SSL_CTX	*ctx;

	ctx = ctx_tls12(ciphers);
	if (ctx != NULL)
		SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
	return ctx;
}

/* see bench_conn.h */
SSL_CTX *
bench_conn_ctx_cert(const char *ciphers, const char *cert_file,
    const char *key_file, const char *ca_file)
{
	SSL_CTX	*ctx;

	ctx = ctx_tls12(ciphers);
	if (ctx == NULL)
		return NULL;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "bench_quick: cannot load %s and %s, or they do "
		    "not match\n", cert_file, key_file);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (ca_file == NULL) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return ctx;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
		fprintf(stderr, "bench_quick: cannot load CA %s\n", ca_file);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

/* see bench_conn.h */
int
bench_conn_cert_cn(SSL_CTX *ctx, char *cn, size_t cnsz)
{
	X509	*x = SSL_CTX_get0_certificate(ctx);
	int	 n;

	if (x == NULL || cnsz > INT_MAX)
		return -1;
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, cn, (int)cnsz);
	return n > 0 && (size_t)n < cnsz ? 0 : -1;
}

static int
tcp_connect(const char *host, const char *port)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd != -1)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* see bench_conn.h */
const char *
bench_conn_open(struct bench_conn *c, SSL_CTX *ctx, struct bench_cred *cred,
    const char *host, const char *port)
{
	c->len = 0;
	c->buf[0] = '\0';
	c->ssl = NULL;
	c->cred = cred;
	c->fd = tcp_connect(host, port);
	if (c->fd == -1)
		return "connect";
	if (ctx == NULL)
		return NULL;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_app_data(c->ssl, cred) != 1 || SSL_connect(c->ssl) != 1) {
		bench_conn_close(c, 0);
		return "handshake";
	}
	return NULL;
}

/* see bench_conn.h */
void
bench_conn_close(struct bench_conn *c, int orderly)
{
	if (c->ssl != NULL) {
		if (orderly)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	c->len = 0;
	c->buf[0] = '\0';
}

/* see bench_conn.h */
int
bench_conn_write(struct bench_conn *c, const char *data, size_t len)
{
	size_t	written;
	ssize_t	n;

	if (c->ssl != NULL)
		return SSL_write_ex(c->ssl, data, len, &written) == 1 &&
		    written == len ? 0 : -1;
	while (len > 0) {
		n = write(c->fd, data, len);
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads more bytes into c->buf; 0 on data, -1 on EOF or error. */
static int
conn_fill(struct bench_conn *c)
{
	size_t	room = sizeof(c->buf) - 1 - c->len, n;
	ssize_t	r;

	if (c->len >= sizeof(c->buf) - 1)
		return -1;
	if (c->ssl != NULL) {
		if (SSL_read_ex(c->ssl, c->buf + c->len, room, &n) != 1)
			return -1;
	} else {
		r = read(c->fd, c->buf + c->len, room);
		if (r <= 0)
			return -1;
		n = (size_t)r;
	}
	c->len += n;
	c->buf[c->len] = '\0';
	return 0;
}

/* Content-Length of the head in buf, or -1 when there is none. */
static long
content_length(const char *head, size_t head_len)
{
	const char	*p = head, *end = head + head_len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if ((size_t)(nl - p) > 15 &&
		    strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
		p = nl + 1;
	}
	return -1;
}

/* see bench_conn.h */
int
bench_conn_read_response(struct bench_conn *c)
{
	char	*eoh;
	size_t	 head_len, total;
	long	 clen;
	int	 status;

	while ((eoh = strstr(c->buf, "\r\n\r\n")) == NULL)
		if (conn_fill(c) != 0)
			return -1;
	head_len = (size_t)(eoh - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	clen = content_length(c->buf, head_len);
	if (clen < 0) {
		while (conn_fill(c) == 0)
			;
		c->len = 0;
		return status;
	}
	total = head_len + (size_t)clen;
	if (total >= sizeof(c->buf))
		return -1;
	while (c->len < total)
		if (conn_fill(c) != 0)
			return -1;
	memmove(c->buf, c->buf + total, c->len - total);
	c->len -= total;
	c->buf[c->len] = '\0';
	return status;
}

