/*
 * bench_conn.h -- one client connection of bench_quick: TCP, then TLS 1.2 PSK
 * or TLS 1.2 with a client certificate through OpenSSL, or nothing (plain), and
 * whole HTTP/1.1 responses read from it.
 *
 * Blocking; a connection belongs to one thread, the SSL_CTX is shared by all.
 * The PSK callback takes the key from the credential given to
 * bench_conn_open(), so each connection may present another identity; a
 * certificate context presents its one certificate on every connection.
 */
#ifndef MEF_BENCH_BENCH_CONN_H
#define MEF_BENCH_BENCH_CONN_H

#include <stddef.h>

#include <openssl/ssl.h>

#define BENCH_PSK_MAX	64
#define BENCH_RESP_MAX	16384

/* What one connection presents: PSK identity and key, and its X-M2M-Origin. */
struct bench_cred {
	const char	*identity;
	const char	*origin;
	unsigned char	 psk[BENCH_PSK_MAX];
	size_t		 psk_len;
};

/* A connection and its read buffer. */
struct bench_conn {
	int			 fd;		/* -1: closed */
	SSL			*ssl;		/* NULL: plain TCP */
	struct bench_cred	*cred;
	char			 buf[BENCH_RESP_MAX];
	size_t			 len;
};

/* A TLS 1.2-only PSK client context for ciphers; NULL on error. */
SSL_CTX		*bench_conn_ctx(const char *ciphers);
/*
 * A TLS 1.2-only client context for ciphers presenting the certificate
 * chain cert_file with key_file (PEM). The server's chain is verified against
 * ca_file (PEM) when it is not NULL, and not at all otherwise. NULL on error,
 * with the reason on stderr.
 */
SSL_CTX		*bench_conn_ctx_cert(const char *ciphers,
		    const char *cert_file, const char *key_file,
		    const char *ca_file);
/*
 * The subject CN of ctx's certificate into cn (cnsz bytes); 0, or -1 when
 * it has none that fits.
 */
int		 bench_conn_cert_cn(SSL_CTX *ctx, char *cn, size_t cnsz);
/*
 * Connects c to host:port and, unless ctx is NULL (plain TCP), runs the TLS
 * handshake presenting cred, borrowed until bench_conn_close(). Returns NULL on
 * success, else what failed ("connect" or "handshake", the OpenSSL error left
 * queued), and c is closed.
 */
const char	*bench_conn_open(struct bench_conn *c, SSL_CTX *ctx,
		    struct bench_cred *cred, const char *host, const char *port);
/* Closes c, with a close_notify first if orderly; c may be closed already. */
void		 bench_conn_close(struct bench_conn *c, int orderly);
/* Writes all of data; 0, or -1 on error. */
int		 bench_conn_write(struct bench_conn *c, const char *data,
		    size_t len);
/*
 * Reads one whole response: the head, then Content-Length bytes (or up to EOF
 * when there is no length). Returns the status code, or -1. Leftover bytes of
 * a next response stay in c->buf.
 */
int		 bench_conn_read_response(struct bench_conn *c);

#endif /* MEF_BENCH_BENCH_CONN_H */
