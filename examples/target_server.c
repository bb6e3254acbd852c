/*
 * target_server.c -- a minimal Enrolment Target: TLS-PSK with MEF-provisioned
 * keys, one connection at a time.
 *
 * It uses nothing but libmef's public headers and OpenSSL: the whole MEF
 * support is mef_target_new(), mef_target_add_mef() and one call to
 * mef_target_ssl_ctx_setup(). An Enrolee connects with psk_identity = KeId
 * and psk = Kpsa (Km if this Target is registered as a MAF); the server reads
 * one HTTP request and answers 200 naming the EnroleeID when X-M2M-Origin is
 * that EnroleeID, 403 with X-M2M-RSC 4103 otherwise. See README.md.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <mef/mef.h>
#include <mef/target_openssl.h>

#define REQ_MAX		8192
#define PSK_MAX		512
#define IO_TIMEOUT_S	10
#define HDR_VALUE_MAX	256
#define PSK_CIPHERS	"PSK-AES128-CBC-SHA256:PSK-AES128-GCM-SHA256"
#define TLS13_SUITES	"TLS_AES_128_GCM_SHA256"

struct opts {
	const char	*listen;
	const char	*target_id;
	const char	*mef_fqdn;
	const char	*mef;
	const char	*psk_id;
	const char	*psk_file;
	unsigned long	 count;		/* 0: forever */
	unsigned long	 cache_max_s;
};

static void		usage(void);
static int		parse_args(int, char **, struct opts *);
static int		parse_ulong(const char *, unsigned long,
			    unsigned long *);
static int		split_hostport(const char *, char *, size_t,
			    unsigned short *);
static int		read_psk(const char *, unsigned char *, size_t *);
static int		hexval(char);
static struct mef_target	*make_target(const struct opts *);
static SSL_CTX		*make_ctx(struct mef_target *);
static int		listen_on(const char *);
static void		serve(SSL_CTX *, int);
static void		handle(SSL *);
static int		read_head(SSL *, char *, size_t);
static int		header(const char *, const char *, char *, size_t);
static void		respond(SSL *, int, const char *, const char *,
			    const char *);

static volatile sig_atomic_t	stopping;

/* SIGTERM and SIGINT end the accept loop, so the cache (keys wiped) is freed. */
static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct mef_target	*t = NULL;
	struct opts		 o;
	SSL_CTX			*ctx = NULL;
	unsigned long		 n;
	int			 lfd = -1, fd, rc = 1;

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: accept() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (parse_args(argc, argv, &o) != 0)
		usage();
	t = make_target(&o);
	if (t == NULL)
		goto out;
	ctx = make_ctx(t);
	if (ctx == NULL)
		goto out;
	lfd = listen_on(o.listen);
	if (lfd < 0)
		goto out;
	for (n = 0; !stopping && (o.count == 0 || n < o.count); n++) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;	/* the loop test sees a stop */
			perror("accept");
			goto out;
		}
		serve(ctx, fd);
	}
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);	/* before t: the callbacks borrow it */
	mef_target_free(&t);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: target_server --listen [HOST:]PORT "
	    "--target-id TID --mef-fqdn FQDN --mef HOST:PORT\n"
	    "                     --psk-id ID --psk-file FILE [--count N] "
	    "[--cache-max S]\n");
	exit(2);
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option	longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "target-id", required_argument, NULL, 't' },
		{ "mef-fqdn", required_argument, NULL, 'f' },
		{ "mef", required_argument, NULL, 'm' },
		{ "psk-id", required_argument, NULL, 'i' },
		{ "psk-file", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "cache-max", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int				ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': o->listen = optarg; break;
		case 't': o->target_id = optarg; break;
		case 'f': o->mef_fqdn = optarg; break;
		case 'm': o->mef = optarg; break;
		case 'i': o->psk_id = optarg; break;
		case 'k': o->psk_file = optarg; break;
		case 'n':
			if (parse_ulong(optarg, 1000000, &o->count) != 0)
				return -1;
			break;
		case 'c':
			if (parse_ulong(optarg, 86400, &o->cache_max_s) != 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || o->listen == NULL || o->target_id == NULL ||
	    o->mef_fqdn == NULL || o->mef == NULL || o->psk_id == NULL ||
	    o->psk_file == NULL)
		return -1;
	return 0;
}

/* The whole of s as a decimal number no greater than max. */
static int
parse_ulong(const char *s, unsigned long max, unsigned long *pv)
{
	unsigned long	v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*pv = v;
	return 0;
}

/* "HOST:PORT" or "PORT" (host 127.0.0.1) into host and port. */
static int
split_hostport(const char *s, char *host, size_t hostsz, unsigned short *pport)
{
	const char	*colon = strrchr(s, ':');
	unsigned long	 port;
	size_t		 hlen;

	if (colon == NULL) {
		colon = s - 1;
		snprintf(host, hostsz, "127.0.0.1");
	} else {
		hlen = (size_t)(colon - s);
		if (hlen == 0 || hlen >= hostsz)
			return -1;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	if (parse_ulong(colon + 1, 65535, &port) != 0 || port == 0)
		return -1;
	*pport = (unsigned short)port;
	return 0;
}

/*
 * The PSK file holds the key as hex text. It is read with read(2) into a
 * buffer wiped afterwards, so no stdio buffer keeps a copy.
 */
static int
read_psk(const char *path, unsigned char *psk, size_t *plen)
{
	char	text[2 * PSK_MAX + 64];
	ssize_t	n;
	size_t	i, len = 0;
	int	fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		goto out;
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' '))
		n--;
	if (n == 0 || n % 2 != 0 || (size_t)n / 2 > PSK_MAX)
		goto out;
	for (i = 0; i < (size_t)n; i += 2) {
		int	hi = hexval(text[i]), lo = hexval(text[i + 1]);

		if (hi < 0 || lo < 0)
			goto out;
		psk[len++] = (unsigned char)(hi << 4 | lo);
	}
	*plen = len;
	rc = 0;
out:
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct mef_target *
make_target(const struct opts *o)
{
	struct mef_target_cfg		 cfg;
	struct mef_target_mef_cfg	 mcfg;
	struct mef_target		*t = NULL;
	unsigned char			 psk[PSK_MAX];
	char				 host[256];
	size_t				 psk_len = 0;
	enum mef_err			 rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_TARGET_CFG_VERSION;
	cfg.target_id = o->target_id;
	cfg.cache_max_s = o->cache_max_s;
	memset(&mcfg, 0, sizeof(mcfg));
	mcfg.version = MEF_TARGET_MEF_CFG_VERSION;
	mcfg.fqdn = o->mef_fqdn;
	mcfg.host = host;
	mcfg.psk_id = o->psk_id;
	mcfg.psk = psk;
	mcfg.accept = MEF_FMT_JSON;
	if (split_hostport(o->mef, host, sizeof(host), &mcfg.port) != 0) {
		fprintf(stderr, "--mef: HOST:PORT expected\n");
		goto out;
	}
	if (read_psk(o->psk_file, psk, &psk_len) != 0) {
		fprintf(stderr, "%s: cannot read a hex PSK\n", o->psk_file);
		goto out;
	}
	mcfg.psk_len = psk_len;
	rc = mef_target_new(&cfg, &t);
	if (rc == MEF_OK)
		rc = mef_target_add_mef(t, &mcfg);	/* copies the PSK */
	if (rc != MEF_OK) {
		fprintf(stderr, "target setup: %s\n", mef_strerror(rc));
		mef_target_free(&t);
	}
out:
	OPENSSL_cleanse(psk, sizeof(psk));
	return t;
}

/* TLS 1.2 PSK with the mandatory suite (and GCM), TLS 1.3 external PSK. */
static SSL_CTX *
make_ctx(struct mef_target *t)
{
	SSL_CTX	*ctx;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, PSK_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) != 1 ||
	    mef_target_ssl_ctx_setup(t, ctx) != MEF_OK) {
		ERR_print_errors_fp(stderr);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
listen_on(const char *spec)
{
	struct sockaddr_in	sin;
	char			host[64];
	unsigned short		port;
	int			fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (split_hostport(spec, host, sizeof(host), &port) != 0 ||
	    inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "--listen: [IPv4:]PORT expected\n");
		return -1;
	}
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 16) != 0) {
		perror("listen");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	printf("listening on %s:%u\n", host, port);
	fflush(stdout);
	return fd;
}

/* One connection: handshake (the MEF lookup happens inside), one request. */
static void
serve(SSL_CTX *ctx, int fd)
{
	struct timeval	tv = { IO_TIMEOUT_S, 0 };
	SSL		*ssl;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ssl = SSL_new(ctx);
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		close(fd);
		return;
	}
	if (SSL_accept(ssl) == 1)
		handle(ssl);
	else
		fprintf(stderr, "handshake failed\n");
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
}

/* The binding check every MEF-aware Target must make (PROTOCOL.md 4). */
static void
handle(SSL *ssl)
{
	char		 req[REQ_MAX], origin[HDR_VALUE_MAX], ri[HDR_VALUE_MAX];
	char		 body[512];
	const char	*eid = mef_target_ssl_enrolee_id(ssl);
	const char	*keyid = mef_target_ssl_keyid(ssl);

	if (read_head(ssl, req, sizeof(req)) != 0) {
		respond(ssl, 400, "4000", NULL, "bad request\n");
		return;
	}
	if (header(req, "X-M2M-RI", ri, sizeof(ri)) != 0)
		ri[0] = '\0';
	if (eid == NULL ||
	    header(req, "X-M2M-Origin", origin, sizeof(origin)) != 0 ||
	    strcmp(origin, eid) != 0) {
		fprintf(stderr, "keyid=%s refused: X-M2M-Origin is not the "
		    "EnroleeID %s\n", keyid != NULL ? keyid : "-",
		    eid != NULL ? eid : "-");
		respond(ssl, 403, "4103", ri, "originator has no privilege\n");
		return;
	}
	fprintf(stderr, "keyid=%s enrolee=%s %s\n", keyid != NULL ? keyid : "-",
	    eid, SSL_get_version(ssl));
	snprintf(body, sizeof(body), "hello %s\n", eid);
	respond(ssl, 200, "2000", ri, body);
}

/* Reads until the end of the head; -1 if it does not fit or never ends. */
static int
read_head(SSL *ssl, char *buf, size_t bufsz)
{
	size_t	len = 0;
	int	n;

	while (len < bufsz - 1) {
		n = SSL_read(ssl, buf + len, (int)(bufsz - 1 - len));
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			return 0;
	}
	return -1;
}

/* The value of header name (case-insensitive) in head, trimmed. */
static int
header(const char *head, const char *name, char *out, size_t outsz)
{
	size_t		 nlen = strlen(name), vlen;
	const char	*line, *v, *eol;

	line = strstr(head, "\r\n");
	for (; line != NULL && line[2] != '\r'; line = eol) {
		line += 2;
		eol = strstr(line, "\r\n");
		if (eol == NULL)
			return -1;
		if (strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
			continue;
		for (v = line + nlen + 1; *v == ' ' || *v == '\t'; v++)
			;
		vlen = (size_t)(eol - v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (vlen >= outsz)
			return -1;
		memcpy(out, v, vlen);
		out[vlen] = '\0';
		return 0;
	}
	return -1;
}

static void
respond(SSL *ssl, int status, const char *rsc, const char *ri,
    const char *body)
{
	char	resp[1024];
	int	n;

	n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d %s\r\n"
	    "X-M2M-RSC: %s\r\n%s%s%s"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", status,
	    status == 200 ? "OK" : status == 403 ? "Forbidden" : "Bad Request",
	    rsc, ri != NULL && ri[0] != '\0' ? "X-M2M-RI: " : "",
	    ri != NULL ? ri : "", ri != NULL && ri[0] != '\0' ? "\r\n" : "",
	    strlen(body), body);
	if (n > 0 && (size_t)n < sizeof(resp))
		SSL_write(ssl, resp, n);
	SSL_shutdown(ssl);
}
