/*
 * ref_psk_server.c -- the bootstrap reference of make bench: a bare OpenSSL
 * TLS 1.2 PSK server that handshakes, exports 48 bytes and closes.
 *
 * The model is mefd's: W event loops (threads), each with its own listening
 * socket bound with SO_REUSEPORT and an epoll set over non-blocking sockets,
 * so the kernel spreads connections as it does for mefd's workers. Per
 * connection it runs SSL_do_handshake() until done, then
 * SSL_export_keying_material() with mefd's label and length, then sends
 * close_notify and closes: everything a bootstrap costs on the TLS side and
 * nothing else (no store, no commit, no HTTP). Every identity gets the one key
 * of -k. SIGTERM or SIGINT stops it and prints the counts on stderr.
 * Not part of make test; OpenSSL is used directly on purpose.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define REF_CIPHERS	"PSK-AES128-CBC-SHA256"
#define REF_LABEL	"EXPORTER-oneM2M-Bootstrap"	/* as mefd */
#define REF_EXPORT_LEN	48
#define REF_PSK_MAX	64
#define REF_WORKERS_MAX	64
#define REF_EVENTS	256
#define REF_WAIT_MS	200

/* One connection; the listening socket has ssl NULL. */
struct ref_conn {
	int	 fd;
	SSL	*ssl;
};

struct ref_worker {
	pthread_t	 thread;
	int		 ep;
	struct ref_conn	 lconn;		/* the listening socket */
};

static SSL_CTX		*ctx;
static unsigned char	 psk_key[REF_PSK_MAX];
static size_t		 psk_len;
static const char	*host, *port;
static atomic_int	 stopping;
static atomic_ulong	 n_ok, n_failed;

static void
usage(void)
{
	fprintf(stderr, "usage: ref_psk_server -a HOST:PORT -k PSK_HEX "
	    "[-w WORKERS] [-s CIPHERS]\n");
	exit(2);
}

static unsigned int
psk_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk_len)
{
	(void)ssl;
	(void)identity;
	if (psk_len > max_psk_len)
		return 0;
	memcpy(psk, psk_key, psk_len);
	return (unsigned int)psk_len;
}

static int
parse_hex(const char *s, unsigned char *out, size_t max, size_t *plen)
{
	size_t		n = strlen(s), i;
	unsigned int	v;

	if (n == 0 || n % 2 != 0 || n / 2 > max ||
	    strspn(s, "0123456789abcdefABCDEF") != n)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	*plen = n / 2;
	return 0;
}

/* TLS 1.2 only, one cipher, no session reuse: each op is a full handshake. */
static SSL_CTX *
ctx_new(const char *ciphers)
{
	SSL_CTX	*c;

	c = SSL_CTX_new(TLS_server_method());
	if (c == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_psk_server_callback(c, psk_cb);
	if (SSL_CTX_set_cipher_list(c, ciphers) != 1) {
		SSL_CTX_free(c);
		return NULL;
	}
	return c;
}

/* A non-blocking listening socket of its own (SO_REUSEPORT); -1 on error. */
static int
listen_socket(void)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) == 0 && setsockopt(fd, SOL_SOCKET,
		    SO_REUSEPORT, &one, sizeof(one)) == 0 &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static void
conn_close(struct ref_conn *c)
{
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
}

/* Drives c's handshake; when done, exports, sends close_notify and closes. */
static void
conn_step(struct ref_worker *w, struct ref_conn *c)
{
	struct epoll_event	 ev;
	unsigned char		 x[REF_EXPORT_LEN];
	int			 r, e;

	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		if (SSL_export_keying_material(c->ssl, x, sizeof(x), REF_LABEL,
		    strlen(REF_LABEL), NULL, 0, 0) == 1)
			atomic_fetch_add(&n_ok, 1);
		else
			atomic_fetch_add(&n_failed, 1);
		OPENSSL_cleanse(x, sizeof(x));
		SSL_shutdown(c->ssl);
		conn_close(c);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
		atomic_fetch_add(&n_failed, 1);
		ERR_clear_error();
		conn_close(c);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		atomic_fetch_add(&n_failed, 1);
		conn_close(c);
	}
}

/* Accepts every pending connection and starts its handshake. */
static void
accept_all(struct ref_worker *w)
{
	struct epoll_event	 ev;
	struct ref_conn		*c;
	int			 fd, one = 1;

	while ((fd = accept4(w->lconn.fd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (c == NULL || (c->ssl = SSL_new(ctx)) == NULL ||
		    SSL_set_fd(c->ssl, fd) != 1) {
			if (c != NULL)
				SSL_free(c->ssl);
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		SSL_set_accept_state(c->ssl);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_close(c);
			continue;
		}
		/* The ClientHello is often there already. */
		conn_step(w, c);
	}
}

static void *
worker_main(void *arg)
{
	struct ref_worker	*w = arg;
	struct epoll_event	 evs[REF_EVENTS];
	int			 n, i;

	while (!atomic_load(&stopping)) {
		n = epoll_wait(w->ep, evs, REF_EVENTS, REF_WAIT_MS);
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &w->lconn)
				accept_all(w);
			else
				conn_step(w, evs[i].data.ptr);
		}
	}
	return NULL;
}

/* Its listening socket and epoll set; 0, or -1 with the reason on stderr. */
static int
worker_init(struct ref_worker *w)
{
	struct epoll_event	ev;

	w->lconn.fd = listen_socket();
	w->ep = epoll_create1(0);
	if (w->lconn.fd == -1 || w->ep == -1) {
		fprintf(stderr, "ref_psk_server: cannot listen on %s:%s: %s\n",
		    host, port, strerror(errno));
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &w->lconn;
	return epoll_ctl(w->ep, EPOLL_CTL_ADD, w->lconn.fd, &ev);
}

int
main(int argc, char *argv[])
{
	struct ref_worker	 workers[REF_WORKERS_MAX];
	const char		*ciphers = REF_CIPHERS;
	char			*colon;
	sigset_t		 set;
	int			 ch, nworkers = 1, i, sig;

	while ((ch = getopt(argc, argv, "a:k:w:s:")) != -1) {
		if (ch == 'a' && (colon = strrchr(optarg, ':')) != NULL) {
			*colon = '\0';
			host = optarg;
			port = colon + 1;
		} else if (ch == 'k') {
			if (parse_hex(optarg, psk_key, sizeof(psk_key),
			    &psk_len) != 0)
				usage();
		} else if (ch == 'w')
			nworkers = (int)strtol(optarg, NULL, 10);
		else if (ch == 's')
			ciphers = optarg;
		else
			usage();
	}
	if (host == NULL || psk_len == 0 || nworkers < 1 ||
	    nworkers > REF_WORKERS_MAX)
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* The workers inherit this mask; only the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ctx = ctx_new(ciphers);
	if (ctx == NULL) {
		fprintf(stderr, "ref_psk_server: bad cipher list %s\n", ciphers);
		return 1;
	}
	for (i = 0; i < nworkers; i++)
		if (worker_init(&workers[i]) != 0)
			return 1;
	for (i = 0; i < nworkers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0)
			return 1;
	sigwait(&set, &sig);
	atomic_store(&stopping, 1);
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	fprintf(stderr, "ref_psk_server workers=%d handshakes=%lu failed=%lu\n",
	    nworkers, atomic_load(&n_ok), atomic_load(&n_failed));
	SSL_CTX_free(ctx);
	return 0;
}
