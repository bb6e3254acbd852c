/*
 * lg_opts.c -- bench_loadgen's command line.
 *
 * Modes are rows of modes[]; lg_opts_parse() refuses every combination a
 * mode cannot use, so a run never meets a half-given credential. Credentials
 * come from -i/-k/-o (a few) or from -I FILE (one "IDENTITY PSK_HEX [ORIGIN]"
 * a line, as many as a bootstrap storm needs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lg_opts.h"

static const struct lg_mode	modes[] = {
	{ "bootstrap",		LG_BOOTSTRAP,	0, 201, LG_AUTH_PSK },
	{ "bootstrap-cert",	LG_BOOTSTRAP,	0, 201, LG_AUTH_CERT },
	{ "fetch",		LG_FETCH,	1, 200, LG_AUTH_EITHER },
	{ "idle",		LG_IDLE,	1, 200, LG_AUTH_EITHER },
	{ "handshake",		LG_HANDSHAKE,	0, 0, LG_AUTH_PSK },
	{ "ref-handshake",	LG_HANDSHAKE,	0, 0, LG_AUTH_PSK },
	{ "get",		LG_GET,		0, 200, LG_AUTH_EITHER },
	{ "get-ka",		LG_GET,		1, 200, LG_AUTH_EITHER },
};

#define PSK_CIPHERS	"PSK-AES128-CBC-SHA256"
#define CERT_CIPHERS	"ECDHE-ECDSA-AES128-SHA256"
#define TLS13_SUITES	"TLS_AES_128_GCM_SHA256"

/* The credentials of the command line, before they are counted. */
struct arg_creds {
	struct lg_cred	c[LG_CREDS_ARGS_MAX];
	size_t		ni, nk, no;
};

static void	usage(void) __attribute__((noreturn));
static int	parse_hex(const char *s, unsigned char *out, size_t max,
		    size_t *plen);
static double	parse_num(const char *s, double min, double max);
static void	parse_addr(struct lg_opts *o, char *arg);
static void	parse_mode(struct lg_opts *o, const char *name);
static void	load_cred_file(struct lg_opts *o, const char *path);
static void	check_creds(struct lg_opts *o, struct arg_creds *a);
static void	check_limits(struct lg_opts *o);

/* see lg_opts.h */
void
lg_opts_parse(int argc, char *argv[], struct lg_opts *o)
{
	static struct arg_creds	a;
	const char	*cred_file = NULL;
	int		 ch;

	if (argc < 2)
		usage();
	parse_mode(o, argv[1]);
	o->conns = 1;
	o->threads = 1;
	o->seconds = 5;
	o->timeout_s = 10;
	o->path = "/";
	o->accept = "application/json";
	o->body_len = -1;
	optind = 2;
	while ((ch = getopt(argc, argv,
	    "a:c:t:d:w:n:T:i:k:o:I:e:E:u:s:H:C:K:A:b:V:P")) != -1) {
		if (ch == 'a')
			parse_addr(o, optarg);
		else if (ch == 'c')
			o->conns = (int)parse_num(optarg, 1, LG_CONNS_MAX);
		else if (ch == 't')
			o->threads = (int)parse_num(optarg, 1, LG_THREADS_MAX);
		else if (ch == 'd')
			o->seconds = parse_num(optarg, 0.001, 1e6);
		else if (ch == 'w')
			o->warmup_s = parse_num(optarg, 0, 1e6);
		else if (ch == 'n')
			o->count = (uint64_t)parse_num(optarg, 1, 1e15);
		else if (ch == 'T')
			o->timeout_s = parse_num(optarg, 0.001, 1e6);
		else if (ch == 'i' && a.ni < LG_CREDS_ARGS_MAX)
			a.c[a.ni++].identity = optarg;
		else if (ch == 'k' && a.nk < LG_CREDS_ARGS_MAX &&
		    parse_hex(optarg, a.c[a.nk].psk, LG_PSK_MAX,
		    &a.c[a.nk].psk_len) == 0)
			a.nk++;
		else if (ch == 'o' && a.no < LG_CREDS_ARGS_MAX)
			a.c[a.no++].origin = optarg;
		else if (ch == 'I' && cred_file == NULL)
			cred_file = optarg;
		else if (ch == 'e')
			o->keyid = optarg;
		else if (ch == 'E' && o->keys.n == 0) {
			if (lg_lines_load(optarg, &o->keys) != 0)
				exit(1);
		} else if (ch == 'u')
			o->path = optarg;
		else if (ch == 's')
			o->cipher = optarg;
		else if (ch == 'H')
			o->accept = optarg;
		else if (ch == 'C')
			o->cert_file = optarg;
		else if (ch == 'K')
			o->key_file = optarg;
		else if (ch == 'A')
			o->ca_file = optarg;
		else if (ch == 'b')
			o->body_len = (long long)parse_num(optarg, 0, 1e12);
		else if (ch == 'V' && strcmp(optarg, "1.2") == 0)
			o->tls13 = 0;
		else if (ch == 'V' && strcmp(optarg, "1.3") == 0)
			o->tls13 = 1;
		else if (ch == 'P')
			o->plain = 1;
		else
			usage();
	}
	if (optind != argc)
		usage();
	check_limits(o);
	o->cert = o->cert_file != NULL;
	if (o->cert != (o->key_file != NULL) ||
	    (o->m->auth == LG_AUTH_PSK && o->cert) ||
	    (o->m->auth == LG_AUTH_CERT && !o->cert) ||
	    (o->ca_file != NULL && !o->cert) ||
	    (o->plain && (o->cert || o->tls13 || o->m->kind != LG_GET)) ||
	    (o->tls13 && o->m->kind == LG_BOOTSTRAP))
		usage();
	if (o->cipher == NULL)
		o->cipher = o->tls13 ? TLS13_SUITES : o->cert ? CERT_CIPHERS :
		    PSK_CIPHERS;
	if (cred_file != NULL) {
		if (a.ni != 0 || a.nk != 0 || a.no != 0 || o->cert || o->plain)
			usage();
		load_cred_file(o, cred_file);
	} else
		check_creds(o, &a);
	OPENSSL_cleanse(&a, sizeof(a));
}

/* see lg_opts.h */
void
lg_opts_free(struct lg_opts *o)
{
	if (o->creds != NULL)
		OPENSSL_cleanse(o->creds, o->ncreds * sizeof(*o->creds));
	free(o->creds);
	o->creds = NULL;
	lg_lines_free(&o->keys);
	if (o->cred_lines.text != NULL)
		OPENSSL_cleanse(o->cred_lines.text, strlen(o->cred_lines.text));
	lg_lines_free(&o->cred_lines);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_loadgen MODE -a HOST:PORT [-c CONNS] [-t THREADS] "
	    "[-d SECONDS | -n COUNT]\n"
	    "           [-w WARMUP_S] [-T TIMEOUT_S] [-V 1.2|1.3] [-s CIPHERS] "
	    "credentials ...\n"
	    "  MODE: bootstrap, bootstrap-cert, fetch, idle, handshake, "
	    "ref-handshake, get, get-ka\n"
	    "  credentials: -i PSK_ID -k PSK_HEX [-o ORIGIN] (repeat, up to "
	    "%d), or -I FILE\n"
	    "    (\"PSK_ID PSK_HEX [ORIGIN]\" a line), or -C CERT -K KEY "
	    "[-A CA] [-o ORIGIN],\n"
	    "    or -P (plain TCP, get and get-ka only); each new connection "
	    "takes the next\n"
	    "    credential; ORIGIN defaults to the identity, or to the "
	    "certificate's CN\n"
	    "  fetch, idle: -e KEYID or -E FILE (KeIds, one a line) is "
	    "required; -H ACCEPT\n"
	    "  get, get-ka: -u PATH (default /); -b BYTES: every answer's "
	    "body must be that long\n"
	    "  -c connections over -t threads (one epoll loop each); idle: "
	    "held -d seconds\n"
	    "  or until SIGTERM/SIGINT after the line is printed\n",
	    LG_CREDS_ARGS_MAX);
	exit(2);
}

static double
parse_num(const char *s, double min, double max)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= min && v <= max))
		usage();
	return v;
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

static void
parse_addr(struct lg_opts *o, char *arg)
{
	char	*colon = strrchr(arg, ':');

	if (colon == NULL || colon == arg || colon[1] == '\0')
		usage();
	*colon = '\0';
	o->host = arg;
	o->port = colon + 1;
	/* [::1]:PORT */
	if (o->host[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		o->host++;
	}
}

static void
parse_mode(struct lg_opts *o, const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(name, modes[i].name) == 0) {
			o->m = &modes[i];
			return;
		}
	usage();
}

/* -I FILE: one credential a line, split in place. */
static void
load_cred_file(struct lg_opts *o, const char *path)
{
	struct lg_cred	*c;
	char		*f[4], *save, *p;
	size_t		 i, nf;

	if (lg_lines_load(path, &o->cred_lines) != 0)
		exit(1);
	o->creds = calloc(o->cred_lines.n, sizeof(*o->creds));
	if (o->creds == NULL) {
		fprintf(stderr, "bench_loadgen: out of memory\n");
		exit(1);
	}
	for (i = 0; i < o->cred_lines.n; i++) {
		c = &o->creds[i];
		nf = 0;
		for (p = strtok_r(o->cred_lines.v[i], " \t", &save);
		    p != NULL && nf < 4; p = strtok_r(NULL, " \t", &save))
			f[nf++] = p;
		if (nf < 2 || nf > 3 || parse_hex(f[1], c->psk, LG_PSK_MAX,
		    &c->psk_len) != 0) {
			fprintf(stderr, "bench_loadgen: %s:%zu: not \"PSK_ID "
			    "PSK_HEX [ORIGIN]\"\n", path, i + 1);
			exit(1);
		}
		c->identity = f[0];
		c->origin = nf == 3 ? f[2] : f[0];
	}
	o->ncreds = o->cred_lines.n;
}

/* Checks the counts of -i, -k and -o and fills in the default origins. */
static void
check_creds(struct lg_opts *o, struct arg_creds *a)
{
	size_t	i, n;

	if (o->cert || o->plain) {
		/* main() defaults a certificate's origin to its CN. */
		if (a->ni != 0 || a->nk != 0 || a->no > 1)
			usage();
		n = 1;
	} else {
		if (a->ni == 0 || a->nk != a->ni || (a->no != 0 &&
		    a->no != a->ni))
			usage();
		n = a->ni;
	}
	o->creds = calloc(n, sizeof(*o->creds));
	if (o->creds == NULL) {
		fprintf(stderr, "bench_loadgen: out of memory\n");
		exit(1);
	}
	memcpy(o->creds, a->c, n * sizeof(*o->creds));
	o->ncreds = n;
	for (i = 0; i < n; i++)
		if (o->creds[i].origin == NULL && !o->cert)
			o->creds[i].origin = o->creds[i].identity != NULL ?
			    o->creds[i].identity : "bench";
}

/* The address, counts and KeIds each mode needs. */
static void
check_limits(struct lg_opts *o)
{
	int	needs_key;

	needs_key = o->m->kind == LG_FETCH || o->m->kind == LG_IDLE;
	if (o->threads > o->conns)
		o->threads = o->conns;
	if (o->host == NULL ||
	    (needs_key && o->keyid == NULL && o->keys.n == 0) ||
	    (!needs_key && (o->keyid != NULL || o->keys.n > 0)) ||
	    (o->m->kind == LG_IDLE && o->count != 0))
		usage();
}
