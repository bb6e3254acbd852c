/*
 * bench_opts.c -- bench_quick's command line.
 *
 * Modes are rows of modes[] (what each sends, expects and authenticates
 * with); bench_opts_parse() refuses every combination a mode cannot use, so
 * a run never meets a half-given credential.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_opts.h"

static const struct mode_desc	modes[] = {
	{ "bootstrap",		MODE_BOOTSTRAP,	0, 201, AUTH_PSK },
	{ "bootstrap-cert",	MODE_BOOTSTRAP,	0, 201, AUTH_CERT },
	{ "fetch",		MODE_FETCH,	1, 200, AUTH_EITHER },
	{ "idle",		MODE_IDLE,	1, 200, AUTH_EITHER },
	{ "handshake",		MODE_HANDSHAKE,	0, 0, AUTH_PSK },
	{ "ref-handshake",	MODE_HANDSHAKE,	0, 0, AUTH_PSK },
	{ "get",		MODE_GET,	0, 200, AUTH_PSK },
	{ "get-ka",		MODE_GET,	1, 200, AUTH_PSK },
};

#define PSK_CIPHERS	"PSK-AES128-CBC-SHA256"
#define CERT_CIPHERS	"ECDHE-ECDSA-AES128-SHA256"

static void	usage(void) __attribute__((noreturn));
static int	parse_hex(const char *s, unsigned char *out, size_t max,
		    size_t *plen);
static void	parse_addr(struct bench_opts *o, char *arg);
static void	parse_mode(struct bench_opts *o, const char *name);
static void	check_creds(struct bench_opts *o, size_t ni, size_t nk,
		    size_t no);
static void	check_limits(struct bench_opts *o);

/* see bench_opts.h */
void
bench_opts_parse(int argc, char *argv[], struct bench_opts *o)
{
	size_t	ni = 0, nk = 0, no = 0;
	int	ch;

	if (argc < 2)
		usage();
	parse_mode(o, argv[1]);
	o->clients = 1;
	o->seconds = 5;
	o->path = "/";
	optind = 2;
	while ((ch = getopt(argc, argv, "a:c:t:i:k:o:e:E:u:s:C:K:A:P")) !=
	    -1) {
		if (ch == 'a')
			parse_addr(o, optarg);
		else if (ch == 'c')
			o->clients = (int)strtol(optarg, NULL, 10);
		else if (ch == 't')
			o->seconds = (int)strtol(optarg, NULL, 10);
		else if (ch == 'i' && ni < BENCH_CREDS_MAX)
			o->creds[ni++].identity = optarg;
		else if (ch == 'k' && nk < BENCH_CREDS_MAX && parse_hex(optarg,
		    o->creds[nk].psk, BENCH_PSK_MAX, &o->creds[nk].psk_len) == 0)
			nk++;
		else if (ch == 'o' && no < BENCH_CREDS_MAX)
			o->creds[no++].origin = optarg;
		else if (ch == 'e')
			o->keyid = optarg;
		else if (ch == 'E' && o->keys.n == 0) {
			if (bench_keys_load(optarg, &o->keys) != 0)
				exit(1);
		} else if (ch == 'u')
			o->path = optarg;
		else if (ch == 's')
			o->cipher = optarg;
		else if (ch == 'C')
			o->cert_file = optarg;
		else if (ch == 'K')
			o->key_file = optarg;
		else if (ch == 'A')
			o->ca_file = optarg;
		else if (ch == 'P')
			o->plain = 1;
		else
			usage();
	}
	check_limits(o);
	o->cert = o->cert_file != NULL;
	if (o->cert != (o->key_file != NULL) ||
	    (o->m->auth == AUTH_PSK && o->cert) ||
	    (o->m->auth == AUTH_CERT && !o->cert) ||
	    (o->ca_file != NULL && !o->cert))
		usage();
	if (o->cipher == NULL)
		o->cipher = o->cert ? CERT_CIPHERS : PSK_CIPHERS;
	check_creds(o, ni, nk, no);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_quick MODE -a HOST:PORT -i PSK_ID -k PSK_HEX "
	    "[-o ORIGIN]\n"
	    "                   [-c CLIENTS] [-t SECONDS] [-e KEYID] [-u PATH] "
	    "[-s CIPHERS]\n"
	    "       bench_quick bootstrap-cert -a HOST:PORT -C CERT -K KEY "
	    "[-o ORIGIN] ...\n"
	    "       bench_quick fetch|idle -a HOST:PORT -C CERT -K KEY [-A CA] "
	    "-o ORIGIN -e KEYID|-E FILE ...\n"
	    "       bench_quick get|get-ka -P -a HOST:PORT [-o ORIGIN] ...\n"
	    "  MODE: bootstrap, bootstrap-cert, fetch, idle, handshake, "
	    "ref-handshake, get, get-ka\n"
	    "  -i, -k, -o repeat (up to %d, as many -k and -o as -i); "
	    "ORIGIN defaults to the identity\n"
	    "  bootstrap-cert: PEM certificate and key; ORIGIN defaults to "
	    "its CN\n"
	    "  fetch, idle: -e KEYID or -E FILE (KeIds, one a line) is "
	    "required; -A verifies\n"
	    "  the server against CA; idle: -c connections (up to %d), held "
	    "-t seconds\n"
	    "  get, get-ka: PATH defaults to /\n"
	    "  -P: plain TCP, no TLS (get and get-ka only)\n", BENCH_CREDS_MAX,
	    BENCH_IDLE_CONNS_MAX);
	exit(2);
}

static int
parse_hex(const char *s, unsigned char *out, size_t max, size_t *plen)
{
	size_t		n = strlen(s), i;
	unsigned int	v;

	if (n == 0 || n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    strchr("0123456789abcdefABCDEF", s[2 * i]) == NULL ||
		    strchr("0123456789abcdefABCDEF", s[2 * i + 1]) == NULL)
			return -1;
		out[i] = (unsigned char)v;
	}
	*plen = n / 2;
	return 0;
}

static void
parse_addr(struct bench_opts *o, char *arg)
{
	char	*colon = strrchr(arg, ':');

	if (colon == NULL || colon == arg || colon[1] == '\0')
		usage();
	*colon = '\0';
	o->host = arg;
	o->port = colon + 1;
}

static void
parse_mode(struct bench_opts *o, const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(name, modes[i].name) == 0) {
			o->m = &modes[i];
			return;
		}
	usage();
}

/* Checks the counts of -i, -k and -o and fills in the default origins. */
static void
check_creds(struct bench_opts *o, size_t ni, size_t nk, size_t no)
{
	size_t	i;

	if (o->cert) {
		/* One certificate; main() defaults the origin to its CN. */
		if (o->plain || ni != 0 || nk != 0 || no > 1)
			usage();
		o->ncreds = 1;
		return;
	}
	if (o->plain) {
		if (ni != 0 || nk != 0 || o->m->mode != MODE_GET)
			usage();
		o->ncreds = no > 0 ? no : 1;
	} else {
		if (ni == 0 || nk != ni || (no != 0 && no != ni))
			usage();
		o->ncreds = ni;
	}
	for (i = 0; i < o->ncreds; i++)
		if (o->creds[i].origin == NULL)
			o->creds[i].origin = o->creds[i].identity != NULL ?
			    o->creds[i].identity : "bench";
}

/* The address, counts and KeIds each mode needs. */
static void
check_limits(struct bench_opts *o)
{
	int	max = o->m->mode == MODE_IDLE ? BENCH_IDLE_CONNS_MAX : 1024;
	int	needs_key;

	needs_key = o->m->mode == MODE_FETCH || o->m->mode == MODE_IDLE;
	if (o->host == NULL || o->clients < 1 || o->clients > max ||
	    o->seconds < 1 || (needs_key && o->keyid == NULL &&
	    o->keys.n == 0) || (!needs_key && o->keys.n > 0))
		usage();
}
