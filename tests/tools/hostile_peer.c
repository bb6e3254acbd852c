/*
 * hostile_peer.c -- test helper: a misbehaving TLS peer for the hostile-peer tests.
 *
 *     hostile_peer MODE --connect ADDR:PORT [--bind ADDR] [options]
 *
 * probe    --a-id ID --a-key HEX --b-id ID --b-key HEX [--n N]
 *          N failed handshakes of each kind, interleaved (A and B alternate, the
 *          order of each pair random), TLS 1.2 with the mandatory PSK suite. For each
 *          it records the server's records (type and length, an alert's octets) and
 *          how the server closed, and the latency from our second flight to the
 *          server's answer. Prints both shapes, both distributions (p10/p50/p90/p99)
 *          and the two-sample Kolmogorov-Smirnov statistic D. Exit 1 when a shape
 *          differs, or when D > --max-d AND the medians differ by more than
 *          --max-rel times the pooled interquartile range (both must hold, so a
 *          burst of load on a busy machine does not fail it alone).
 * slow     --conns N [--interval-ms I] [--max-ms M] [--psk-id ID --psk HEX]
 *          N connections that trickle one byte every I ms: a ClientHello (raw), or
 *          after a PSK handshake an endless request head. Prints how many the server
 *          closed and when; exit 1 unless all were closed within M ms.
 * garbage  --kind random|short-hello|big-record|stalled-record|
 *          post-handshake|bad-type
 *          [--psk-id ID --psk HEX] [--max-ms M]
 *          Sends one kind of broken TLS and waits for the server to close; exit 1
 *          if it did not within M ms.
 * try      --psk-id ID --psk HEX
 *          One handshake; prints "handshake=ok|failed" and the shape as probe does.
 *          Exit 0 when the handshake succeeded, 1 when it failed.
 * req      --psk-id ID --psk HEX [--max-ms M]   (request bytes on stdin)
 *          A PSK handshake, the bytes of stdin as they are (NUL, CR, LF included),
 *          then everything the server answers, to stdout, until it closes; stderr
 *          gets "end=eof|reset|timeout". Exit 1 when the handshake fails.
 * flood    --conns N [--hold-ms H] [--ready FILE] (--raw | --psk-id ID --psk HEX
 *          --request FILE)
 *          N connections held open at once: raw (no byte sent), or each sending the
 *          request of FILE and reading the answer head. Prints the count of each
 *          status, of 503s with Retry-After, and of connections the server closed;
 *          touches FILE when all are open, holds them H ms, then closes them.
 *
 * It exists for tests only and prints the keys it is given nowhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#define CAP_MAX		16384
#define SHAPE_MAX	512
#define CONNS_MAX	4096
#define PROBE_MAX	5000

struct opts {
	const char	*mode;
	char		 host[64];
	int		 port;
	const char	*bind_addr;
	const char	*a_id, *a_key, *b_id, *b_key;
	const char	*psk_id, *psk_hex;
	const char	*kind, *ready, *request;
	int		 n, conns, interval_ms, max_ms, hold_ms, raw;
	double		 max_d, max_rel;
};

static struct opts	o;

static void	die(const char *) __attribute__((noreturn));
static void	usage(void) __attribute__((noreturn));

/* The identity and key of the handshake being made (one at a time). */
static const char	*cur_id;
static unsigned char	 cur_key[64];
static size_t		 cur_key_len;

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
die(const char *what)
{
	fprintf(stderr, "hostile_peer: %s\n", what);
	exit(2);
}

static void
set_key(const char *id, const char *hex)
{
	size_t	i, n = strlen(hex);

	if (n % 2 != 0 || n / 2 > sizeof(cur_key))
		die("bad key");
	for (i = 0; i < n / 2; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &cur_key[i]) != 1)
			die("bad key");
	cur_key_len = n / 2;
	cur_id = id;
}

static unsigned int
psk_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_id,
    unsigned char *psk, unsigned int max_psk)
{
	(void)ssl;
	(void)hint;
	if (strlen(cur_id) + 1 > max_id || cur_key_len > max_psk)
		return 0;
	memcpy(identity, cur_id, strlen(cur_id) + 1);
	memcpy(psk, cur_key, cur_key_len);
	return (unsigned int)cur_key_len;
}

static SSL_CTX *
client_ctx(void)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_cipher_list(ctx, "PSK-AES128-CBC-SHA256");
	SSL_CTX_set_psk_client_callback(ctx, psk_cb);
	return ctx;
}

/* A blocking TCP connection, from --bind when given; -1 on failure. */
static int
tcp_open(void)
{
	struct sockaddr_in	sa, la;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o.bind_addr != NULL) {
		memset(&la, 0, sizeof(la));
		la.sin_family = AF_INET;
		if (inet_pton(AF_INET, o.bind_addr, &la.sin_addr) != 1)
			die("bad --bind");
		if (bind(fd, (struct sockaddr *)&la, sizeof(la)) != 0) {
			close(fd);
			return -1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o.port);
	if (inet_pton(AF_INET, o.host, &sa.sin_addr) != 1)
		die("bad --connect");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	ssize_t			 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads what is there within ms: >0 bytes, 0 EOF, -1 reset/error, -2 timeout. */
static ssize_t
recv_wait(int fd, void *buf, size_t len, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		n;

	if (poll(&pfd, 1, ms) <= 0)
		return -2;
	n = recv(fd, buf, len, 0);
	return n < 0 ? -1 : n;
}

/* Drains the write BIO to the socket. 1 when something was sent. */
static int
flush_wbio(SSL *ssl, int fd)
{
	unsigned char	buf[CAP_MAX];
	BIO		*w = SSL_get_wbio(ssl);
	int		n, sent = 0;

	while ((n = BIO_read(w, buf, sizeof(buf))) > 0) {
		if (send_all(fd, buf, (size_t)n) != 0)
			return sent;
		sent = 1;
	}
	return sent;
}

/* The waiting for the server's close after its answer: "eof", "reset", "open". */
static const char *
close_kind(int fd, int ms)
{
	unsigned char	buf[512];
	ssize_t		n;

	for (;;) {
		n = recv_wait(fd, buf, sizeof(buf), ms);
		if (n == 0)
			return "eof";
		if (n == -1)
			return "reset";
		if (n == -2)
			return "open";
	}
}

/* The records of cap as "type:len" (an alert with its octets). */
static void
shape_of(const unsigned char *cap, size_t len, char *out, size_t outsz)
{
	size_t	off = 0, rl, used = 0;

	out[0] = '\0';
	while (off + 5 <= len && used + 32 < outsz) {
		rl = ((size_t)cap[off + 3] << 8) | cap[off + 4];
		if (cap[off] == 21 && rl == 2 && off + 7 <= len)
			used += (size_t)snprintf(out + used, outsz - used,
			    "%u:%zu[%02x%02x] ", cap[off], rl, cap[off + 5],
			    cap[off + 6]);
		else
			used += (size_t)snprintf(out + used, outsz - used,
			    "%u:%zu ", cap[off], rl);
		off += 5 + rl;
	}
	if (off != len && used + 16 < outsz)
		snprintf(out + used, outsz - used, "partial:%zu", len - off);
}

/*
 * One handshake expected to fail. *plat_us: from our second flight to the
 * server's answer to it. shape: the server's records and its close. 0 on a
 * failed handshake, 1 when it succeeded, -1 on a local error.
 */
static int
one_probe(SSL_CTX *ctx, uint64_t *plat_us, char *shape, size_t shapesz)
{
	unsigned char	cap[CAP_MAX], buf[CAP_MAX];
	size_t		caplen = 0;
	uint64_t	t2 = 0, tend = 0, tsend;
	int		fd, flights = 0, r, err, done = 0, ok = 0;
	ssize_t		n;
	const char	*ck;
	SSL		*ssl;
	char		sh[SHAPE_MAX];

	fd = tcp_open();
	if (fd < 0)
		return -1;
	ssl = SSL_new(ctx);
	SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_connect_state(ssl);
	while (!done) {
		r = SSL_do_handshake(ssl);
		/*
		 * The clock starts before the send: on loopback the server may run
		 * on this CPU as soon as the bytes are queued, before send() returns.
		 */
		tsend = now_us();
		if (flush_wbio(ssl, fd) && ++flights == 2)
			t2 = tsend;
		if (r == 1) {
			ok = 1;
			break;
		}
		err = SSL_get_error(ssl, r);
		if (err != SSL_ERROR_WANT_READ)
			break;		/* the server's alert was read */
		n = recv_wait(fd, buf, sizeof(buf), 5000);
		if (n <= 0) {
			tend = now_us();
			done = 1;
			break;
		}
		if (flights >= 2 && tend == 0)
			tend = now_us();

		if (caplen + (size_t)n <= sizeof(cap)) {
			memcpy(cap + caplen, buf, (size_t)n);
			caplen += (size_t)n;
		}
		BIO_write(SSL_get_rbio(ssl), buf, (int)n);
	}
	ERR_clear_error();
	ck = ok ? "handshake-ok" : close_kind(fd, 2000);
	shape_of(cap, caplen, sh, sizeof(sh));
	snprintf(shape, shapesz, "%s close=%s", sh, ck);
	*plat_us = tend > t2 ? tend - t2 : 0;
	SSL_free(ssl);
	close(fd);
	return ok;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
pct(const uint64_t *v, int n, int p)
{
	int	i = (int)((long)p * (n - 1) / 100);

	return v[i];
}

/* Two-sample Kolmogorov-Smirnov D of sorted a (n) and b (m). */
static double
ks_d(const uint64_t *a, int n, const uint64_t *b, int m)
{
	int	i = 0, j = 0;
	double	d = 0, f;
	uint64_t x;

	while (i < n && j < m) {
		x = a[i] < b[j] ? a[i] : b[j];
		while (i < n && a[i] == x)
			i++;
		while (j < m && b[j] == x)
			j++;
		f = (double)i / n - (double)j / m;
		if (f < 0)
			f = -f;
		if (f > d)
			d = f;
	}
	return d;
}

static void
print_dist(const char *name, const uint64_t *v, int n)
{
	printf("%s: n=%d p10=%llu p50=%llu p90=%llu p99=%llu us\n", name, n,
	    (unsigned long long)pct(v, n, 10), (unsigned long long)pct(v, n, 50),
	    (unsigned long long)pct(v, n, 90), (unsigned long long)pct(v, n, 99));
}

static int
mode_probe(void)
{
	static uint64_t	la[PROBE_MAX], lb[PROBE_MAX];
	char		shape_a[SHAPE_MAX + 32] = "", shape_b[SHAPE_MAX + 32] = "";
	char		sh[SHAPE_MAX + 32];
	SSL_CTX		*ctx = client_ctx();
	int		i, k, first, bad = 0, r;
	unsigned char	coin;
	double		d, dmed, iqr;

	if (o.a_id == NULL || o.b_id == NULL || o.n < 10 || o.n > PROBE_MAX)
		die("probe needs --a-id --a-key --b-id --b-key, --n 10..5000");
	for (i = 0; i < o.n; i++) {
		(void)RAND_bytes(&coin, 1);
		for (k = 0; k < 2; k++) {
			first = (coin & 1) ? k : 1 - k;	/* 0: A, 1: B */
			if (first == 0)
				set_key(o.a_id, o.a_key);
			else
				set_key(o.b_id, o.b_key);
			r = one_probe(ctx, first == 0 ? &la[i] : &lb[i], sh,
			    sizeof(sh));
			if (r != 0) {
				fprintf(stderr, "probe %d: %s\n", i, r > 0 ?
				    "handshake succeeded" : "cannot connect");
				bad = 1;
				continue;
			}
			if (first == 0 && shape_a[0] == '\0')
				snprintf(shape_a, sizeof(shape_a), "%s", sh);
			else if (first == 1 && shape_b[0] == '\0')
				snprintf(shape_b, sizeof(shape_b), "%s", sh);
			else if (strcmp(sh, first == 0 ? shape_a : shape_b)) {
				printf("shape changed (%c): %s\n", first ? 'B' : 'A',
				    sh);
				bad = 1;
			}
		}
	}
	qsort(la, (size_t)o.n, sizeof(la[0]), cmp_u64);
	qsort(lb, (size_t)o.n, sizeof(lb[0]), cmp_u64);
	printf("shape A: %s\nshape B: %s\n", shape_a, shape_b);
	if (strcmp(shape_a, shape_b) != 0) {
		printf("shapes differ\n");
		bad = 1;
	}
	print_dist("A", la, o.n);
	print_dist("B", lb, o.n);
	d = ks_d(la, o.n, lb, o.n);
	dmed = (double)pct(la, o.n, 50) - (double)pct(lb, o.n, 50);
	iqr = ((double)(pct(la, o.n, 75) - pct(la, o.n, 25)) +
	    (double)(pct(lb, o.n, 75) - pct(lb, o.n, 25))) / 2;
	if (iqr < 1)
		iqr = 1;
	printf("ks_d=%.3f median_diff_us=%.0f pooled_iqr_us=%.0f "
	    "median_diff_rel=%.3f (limits: d %.3f, rel %.3f)\n", d, dmed, iqr,
	    dmed / iqr, o.max_d, o.max_rel);
	if (dmed < 0)
		dmed = -dmed;
	if (d > o.max_d && dmed > o.max_rel * iqr) {
		printf("timing differs\n");
		bad = 1;
	}
	SSL_CTX_free(ctx);
	return bad;
}

static int
mode_try(void)
{
	SSL_CTX		*ctx = client_ctx();
	uint64_t	 lat;
	char		 sh[SHAPE_MAX + 32];
	int		 r;

	if (o.psk_id == NULL)
		die("try needs --psk-id --psk");
	set_key(o.psk_id, o.psk_hex);
	r = one_probe(ctx, &lat, sh, sizeof(sh));
	if (r < 0)
		die("cannot connect");
	printf("handshake=%s shape=%s\n", r == 1 ? "ok" : "failed", sh);
	SSL_CTX_free(ctx);
	return r == 1 ? 0 : 1;
}

/* A full PSK handshake on a blocking socket; NULL on failure. */
static SSL *
psk_connect(SSL_CTX *ctx, int fd)
{
	SSL	*ssl = SSL_new(ctx);

	set_key(o.psk_id, o.psk_hex);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		ERR_clear_error();
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* The bytes of a real ClientHello (record included), into buf. */
static size_t
client_hello(SSL_CTX *ctx, unsigned char *buf, size_t bufsz)
{
	SSL	*ssl = SSL_new(ctx);
	int	 n;

	set_key("probe", "00112233445566778899aabbccddeeff");
	SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_connect_state(ssl);
	(void)SSL_do_handshake(ssl);
	n = BIO_read(SSL_get_wbio(ssl), buf, (int)bufsz);
	SSL_free(ssl);
	ERR_clear_error();
	return n > 0 ? (size_t)n : 0;
}

struct slow_conn {
	int		 fd;
	SSL		*ssl;
	uint64_t	 closed_us;	/* 0: still open */
	size_t		 sent;
};

static int
mode_slow(void)
{
	static struct slow_conn	 sc[CONNS_MAX];
	static const char	 head[] = "GET /fetchCredentials/";
	unsigned char		 hello[CAP_MAX], b, buf[256];
	SSL_CTX			*ctx = client_ctx();
	size_t			 hlen = client_hello(ctx, hello, sizeof(hello));
	uint64_t		 t0, last = 0;
	int			 i, open_n, closed = 0, tls = o.psk_id != NULL;
	ssize_t			 n;

	if (o.conns < 1 || o.conns > CONNS_MAX || hlen < 10)
		die("slow needs --conns 1..4096");
	for (i = 0; i < o.conns; i++) {
		sc[i].fd = tcp_open();
		if (sc[i].fd < 0)
			die("cannot connect");
		if (tls && (sc[i].ssl = psk_connect(ctx, sc[i].fd)) == NULL)
			die("handshake failed");
	}
	t0 = now_us();
	printf("slow: %d connections open\n", o.conns);
	fflush(stdout);
	for (open_n = o.conns; open_n > 0 &&
	    now_us() - t0 < (uint64_t)o.max_ms * 1000;) {
		usleep((useconds_t)o.interval_ms * 1000);
		for (i = 0; i < o.conns; i++) {
			if (sc[i].closed_us != 0)
				continue;
			n = recv_wait(sc[i].fd, buf, sizeof(buf), 0);
			if (n == 0 || n == -1 || (n > 0 && tls)) {
				sc[i].closed_us = now_us();
				open_n--;
				continue;
			}
			/* One more byte: of the ClientHello, or of an endless head. */
			if (!tls)
				b = hello[sc[i].sent % (hlen - 1)];
			else
				b = (unsigned char)(sc[i].sent < sizeof(head) - 1 ?
				    head[sc[i].sent] : 'A');
			sc[i].sent++;
			if (tls)
				(void)SSL_write(sc[i].ssl, &b, 1);
			else
				(void)send(sc[i].fd, &b, 1, MSG_NOSIGNAL);
		}
	}
	for (i = 0; i < o.conns; i++) {
		if (sc[i].closed_us != 0) {
			closed++;
			if (sc[i].closed_us - t0 > last)
				last = sc[i].closed_us - t0;
		}
		if (sc[i].ssl != NULL)
			SSL_free(sc[i].ssl);
		close(sc[i].fd);
	}
	printf("slow: closed=%d/%d last_close_ms=%llu\n", closed, o.conns,
	    (unsigned long long)(last / 1000));
	SSL_CTX_free(ctx);
	return closed == o.conns ? 0 : 1;
}

static int
mode_garbage(void)
{
	unsigned char	 buf[CAP_MAX], rnd[4096];
	SSL_CTX		*ctx = client_ctx();
	SSL		*ssl = NULL;
	size_t		 hlen;
	uint64_t	 t0;
	const char	*ck;
	int		 fd;

	if (o.kind == NULL)
		die("garbage needs --kind");
	(void)RAND_bytes(rnd, sizeof(rnd));
	fd = tcp_open();
	if (fd < 0)
		die("cannot connect");
	if (strcmp(o.kind, "random") == 0) {
		(void)send_all(fd, rnd, sizeof(rnd));
	} else if (strcmp(o.kind, "short-hello") == 0) {
		/* Half a ClientHello, then our end closes: a truncated record. */
		hlen = client_hello(ctx, buf, sizeof(buf));
		(void)send_all(fd, buf, hlen / 2);
		(void)shutdown(fd, SHUT_WR);
	} else if (strcmp(o.kind, "big-record") == 0) {
		/* A handshake record announcing 65535 octets: past any TLS bound. */
		static const unsigned char hdr[] = { 22, 3, 1, 0xff, 0xff, 1 };

		(void)send_all(fd, hdr, sizeof(hdr));
	} else if (strcmp(o.kind, "stalled-record") == 0) {
		/* A handshake record of 16000 octets of which one ever comes. */
		static const unsigned char hdr[] = { 22, 3, 1, 0x3e, 0x80, 1 };

		(void)send_all(fd, hdr, sizeof(hdr));
	} else if (strcmp(o.kind, "post-handshake") == 0 ||
	    strcmp(o.kind, "bad-type") == 0) {
		if (o.psk_id == NULL || (ssl = psk_connect(ctx, fd)) == NULL)
			die("handshake failed");
		/* Behind OpenSSL's back: a record that cannot decrypt, or no type. */
		rnd[0] = strcmp(o.kind, "bad-type") == 0 ? 0x99 : 23;
		rnd[1] = 3;
		rnd[2] = 3;
		rnd[3] = 0;
		rnd[4] = 64;
		(void)send_all(fd, rnd, 69);
	} else
		die("unknown --kind");
	t0 = now_us();
	ck = close_kind(fd, o.max_ms);
	printf("garbage %s: server %s after %llu ms\n", o.kind,
	    strcmp(ck, "open") == 0 ? "kept the connection open" : "closed",
	    (unsigned long long)((now_us() - t0) / 1000));
	printf("close=%s\n", ck);
	if (ssl != NULL)
		SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	return strcmp(ck, "open") == 0 ? 1 : 0;
}

static int
mode_req(void)
{
	static unsigned char	 in[1 << 20];
	unsigned char		 buf[CAP_MAX];
	SSL_CTX			*ctx = client_ctx();
	SSL			*ssl;
	size_t			 len = 0;
	ssize_t			 r;
	uint64_t		 t0;
	int			 fd, n, err;
	const char		*end = "timeout";
	struct pollfd		 pfd;

	while (len < sizeof(in) && (r = read(0, in + len, sizeof(in) - len)) > 0)
		len += (size_t)r;
	if (o.psk_id == NULL)
		die("req needs --psk-id --psk");
	fd = tcp_open();
	if (fd < 0 || (ssl = psk_connect(ctx, fd)) == NULL) {
		fprintf(stderr, "hostile_peer: handshake failed\n");
		return 1;
	}
	if (len > 0 && SSL_write(ssl, in, (int)len) <= 0)
		end = "write-failed";
	t0 = now_us();
	for (;;) {
		if (SSL_pending(ssl) == 0) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (now_us() - t0 > (uint64_t)o.max_ms * 1000 ||
			    poll(&pfd, 1, 100) < 0)
				break;
			if (pfd.revents == 0)
				continue;
		}
		n = SSL_read(ssl, buf, sizeof(buf));
		if (n > 0) {
			fwrite(buf, 1, (size_t)n, stdout);
			continue;
		}
		err = SSL_get_error(ssl, n);
		if (err == SSL_ERROR_WANT_READ)
			continue;
		end = err == SSL_ERROR_ZERO_RETURN ||
		    (err == SSL_ERROR_SYSCALL && errno == 0) ||
		    err == SSL_ERROR_SSL ? "eof" : "reset";
		break;
	}
	fflush(stdout);
	fprintf(stderr, "end=%s\n", end);
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	return 0;
}

/* Reads one answer head on ssl; status and whether Retry-After was there. */
static int
read_head(SSL *ssl, int *pstatus, int *pretry)
{
	char	head[4096];
	int	n, len = 0;

	*pstatus = 0;
	*pretry = 0;
	while (len < (int)sizeof(head) - 1) {
		n = SSL_read(ssl, head + len, (int)sizeof(head) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		head[len] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	head[len] = '\0';
	if (sscanf(head, "HTTP/1.1 %d", pstatus) != 1)
		return -1;
	*pretry = strstr(head, "\r\nRetry-After: ") != NULL;
	return 0;
}

/* 1 when the server has closed fd (what it sent before is drained). */
static int
server_closed(int fd)
{
	unsigned char	buf[4096];
	ssize_t		n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0)
			return 1;
		return errno != EAGAIN && errno != EWOULDBLOCK;
	}
}

static int
mode_flood(void)
{
	static int	 fds[CONNS_MAX];
	static SSL	*ssls[CONNS_MAX];
	static unsigned char req[8192];
	int		 count[600], i, st, retry, retries = 0, closed = 0, none = 0;
	size_t		 rlen = 0;
	FILE		*fp;
	SSL_CTX		*ctx = client_ctx();

	if (o.conns < 1 || o.conns > CONNS_MAX)
		die("flood needs --conns 1..4096");
	if (!o.raw) {
		if (o.psk_id == NULL || o.request == NULL ||
		    (fp = fopen(o.request, "rb")) == NULL)
			die("flood needs --raw or --psk-id --psk --request");
		rlen = fread(req, 1, sizeof(req), fp);
		fclose(fp);
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < o.conns; i++) {
		fds[i] = tcp_open();
		if (fds[i] < 0)
			die("cannot connect");
		if (o.raw)
			continue;
		ssls[i] = psk_connect(ctx, fds[i]);
		if (ssls[i] == NULL) {
			none++;
			continue;
		}
		if (SSL_write(ssls[i], req, (int)rlen) <= 0 ||
		    read_head(ssls[i], &st, &retry) != 0) {
			none++;
			continue;
		}
		count[st >= 0 && st < 600 ? st : 0]++;
		if (st == 503 && retry)
			retries++;
	}
	if (o.ready != NULL && (fp = fopen(o.ready, "w")) != NULL)
		fclose(fp);
	usleep((useconds_t)o.hold_ms * 1000);
	for (i = 0; i < o.conns; i++) {
		if (server_closed(fds[i]))
			closed++;
		if (ssls[i] != NULL)
			SSL_free(ssls[i]);
		close(fds[i]);
	}
	printf("flood: conns=%d", o.conns);
	for (i = 1; i < 600; i++)
		if (count[i] != 0)
			printf(" status_%d=%d", i, count[i]);
	printf(" retry_after_503=%d no_answer=%d closed_by_server=%d\n",
	    retries, none, closed);
	SSL_CTX_free(ctx);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile_peer probe|slow|garbage|req|flood "
	    "--connect ADDR:PORT [options] (see the source)\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option	lo[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "bind", required_argument, NULL, 'B' },
		{ "a-id", required_argument, NULL, 1 },
		{ "a-key", required_argument, NULL, 2 },
		{ "b-id", required_argument, NULL, 3 },
		{ "b-key", required_argument, NULL, 4 },
		{ "n", required_argument, NULL, 'n' },
		{ "max-d", required_argument, NULL, 5 },
		{ "max-rel", required_argument, NULL, 6 },
		{ "conns", required_argument, NULL, 7 },
		{ "interval-ms", required_argument, NULL, 8 },
		{ "max-ms", required_argument, NULL, 9 },
		{ "psk-id", required_argument, NULL, 10 },
		{ "psk", required_argument, NULL, 11 },
		{ "kind", required_argument, NULL, 12 },
		{ "hold-ms", required_argument, NULL, 13 },
		{ "ready", required_argument, NULL, 14 },
		{ "raw", no_argument, NULL, 15 },
		{ "request", required_argument, NULL, 16 },
		{ NULL, 0, NULL, 0 }
	};
	char	*colon;
	int	 ch;

	if (argc < 2)
		usage();
	o.mode = argv[1];
	o.n = 300;
	o.max_d = 0.25;
	o.max_rel = 0.5;
	o.interval_ms = 200;
	o.max_ms = 10000;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'c':
			snprintf(o.host, sizeof(o.host), "%s", optarg);
			colon = strrchr(o.host, ':');
			if (colon == NULL)
				usage();
			*colon = '\0';
			o.port = atoi(colon + 1);
			break;
		case 'B': o.bind_addr = optarg; break;
		case 1: o.a_id = optarg; break;
		case 2: o.a_key = optarg; break;
		case 3: o.b_id = optarg; break;
		case 4: o.b_key = optarg; break;
		case 'n': o.n = atoi(optarg); break;
		case 5: o.max_d = atof(optarg); break;
		case 6: o.max_rel = atof(optarg); break;
		case 7: o.conns = atoi(optarg); break;
		case 8: o.interval_ms = atoi(optarg); break;
		case 9: o.max_ms = atoi(optarg); break;
		case 10: o.psk_id = optarg; break;
		case 11: o.psk_hex = optarg; break;
		case 12: o.kind = optarg; break;
		case 13: o.hold_ms = atoi(optarg); break;
		case 14: o.ready = optarg; break;
		case 15: o.raw = 1; break;
		case 16: o.request = optarg; break;
		default: usage();
		}
	}
	if (o.host[0] == '\0' || o.port <= 0)
		usage();
	if (o.psk_id != NULL && o.psk_hex == NULL)
		usage();
	if (strcmp(o.mode, "probe") == 0)
		return mode_probe();
	if (strcmp(o.mode, "slow") == 0)
		return mode_slow();
	if (strcmp(o.mode, "garbage") == 0)
		return mode_garbage();
	if (strcmp(o.mode, "req") == 0)
		return mode_req();
	if (strcmp(o.mode, "try") == 0)
		return mode_try();
	if (strcmp(o.mode, "flood") == 0)
		return mode_flood();
	usage();
	return 2;
}
