/*
 * lg_conn.h -- one non-blocking client connection of bench_loadgen: TCP
 * (TCP_NODELAY), then TLS 1.2 or 1.3 through OpenSSL with a PSK or a client
 * certificate, or nothing (plain).
 *
 * Every step returns at once: LG_IO_OK when it is done, LG_IO_WANT_READ or
 * LG_IO_WANT_WRITE when the socket must become readable or writable first
 * (the caller waits in its epoll loop and calls the same step again), and
 * LG_IO_EOF or LG_IO_ERR when the connection is over. The SSL_CTX is shared by
 * all threads; the PSK callback takes the key from the credential the
 * connection was given, so each connection may present another identity.
 */
#ifndef MEF_BENCH_LG_CONN_H
#define MEF_BENCH_LG_CONN_H

#include <sys/socket.h>

#include <stddef.h>

#include <openssl/ssl.h>

#include "lg_opts.h"

enum lg_io {
	LG_IO_OK,
	LG_IO_WANT_READ,
	LG_IO_WANT_WRITE,
	LG_IO_EOF,
	LG_IO_ERR,
};

struct lg_conn {
	int		 fd;		/* -1: closed */
	SSL		*ssl;		/* NULL: plain TCP, or before TLS */
	struct lg_cred	*cred;
};

/* The server's address, resolved once. */
struct lg_addr {
	struct sockaddr_storage	sa;
	socklen_t		len;
};

/* Resolves host:port to its first address; 0, or -1 (reason on stderr). */
int		 lg_conn_resolve(const char *host, const char *port,
		    struct lg_addr *pa);
/*
 * The client context of o (version, ciphers, PSK callback or certificate
 * and key, verification against -A); NULL with the reason on stderr. With a
 * certificate and no origin given, sets creds[0].origin to its CN.
 */
SSL_CTX		*lg_conn_ctx(struct lg_opts *o);
/*
 * Starts a TCP connection to a: OK when it connected at once, WANT_WRITE
 * while it is under way (then lg_conn_connected()), ERR.
 */
enum lg_io	 lg_conn_connect(struct lg_conn *c, const struct lg_addr *a);
/* After WANT_WRITE of lg_conn_connect(): OK, or ERR if it failed. */
enum lg_io	 lg_conn_connected(struct lg_conn *c);
/* Attaches a client SSL with cred (borrowed until close); OK or ERR. */
enum lg_io	 lg_conn_tls(struct lg_conn *c, SSL_CTX *ctx,
		    struct lg_cred *cred);
/* One step of the handshake. */
enum lg_io	 lg_conn_handshake(struct lg_conn *c);
/* The bootstrap exporter (as a device derives its keys); OK or ERR. */
enum lg_io	 lg_conn_export(struct lg_conn *c);
/* Writes from p, len bytes; *pn says how many went. OK once all did. */
enum lg_io	 lg_conn_write(struct lg_conn *c, const char *p, size_t len,
		    size_t *pn);
/* Reads up to cap bytes into buf; OK with *pn > 0, WANT_*, EOF, ERR. */
enum lg_io	 lg_conn_read(struct lg_conn *c, char *buf, size_t cap,
		    size_t *pn);
/*
 * Closes c, with one close_notify first if orderly (not waited for);
 * c may be closed already.
 */
void		 lg_conn_close(struct lg_conn *c, int orderly);
/* The last OpenSSL error as text into buf (empty if none); clears the queue. */
void		 lg_conn_error(char *buf, size_t bufsz);

#endif /* MEF_BENCH_LG_CONN_H */
