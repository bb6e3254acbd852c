/*
 * tls_export.c -- test helper: one TLS handshake with libmef's client, then
 * print the RFC 5705 exporter of the session in hex.
 *
 *     tls_export --connect HOST:PORT
 *                (--psk-id ID --psk HEX | --cert F --key F [--ca F])
 *                [--sni NAME] [--label LABEL] [--length N] [--timeout MS] [-v]
 *
 * The interop drivers compare its output with what openssl s_server and gnutls
 * print for the same session. It exists for tests only: it prints key material
 * on purpose. Exit 0 on success, 1 on a connection or TLS failure (the reason
 * on stderr, as mef_strerror() words it), 2 on bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/kdf.h"
#include "transport/tls_client.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/strparse.h"

#define EXPORT_MAX	256

struct opts {
	char			 host[HOSTPORT_HOST_MAX];
	uint16_t		 port;
	struct tls_client_cfg	 cfg;
	struct mef_secret	*psk;
	const char		*label;
	size_t			 length;
	int			 verbose;
};

static void		usage(void) __attribute__((noreturn));
static void		parse_args(int, char **, struct opts *);
static void		parse_option(int, struct opts *);
static void		set_mode(struct opts *);
static enum mef_err	run(struct opts *);

int
main(int argc, char *argv[])
{
	struct opts	o;
	enum mef_err	rc;

	memset(&o, 0, sizeof(o));
	parse_args(argc, argv, &o);
	log_init("tls_export", o.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	rc = run(&o);
	mef_secret_free(&o.psk);
	if (rc != MEF_OK) {
		fprintf(stderr, "tls_export: %s\n", mef_strerror(rc));
		return 1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tls_export --connect HOST:PORT "
	    "(--psk-id ID --psk HEX | --cert F --key F [--ca F])\n"
	    "                  [--sni NAME] [--label LABEL] [--length N] "
	    "[--timeout MS] [-v]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option	 longopts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "psk-id", required_argument, NULL, 'i' },
		{ "psk", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "ca", required_argument, NULL, 'A' },
		{ "sni", required_argument, NULL, 's' },
		{ "label", required_argument, NULL, 'l' },
		{ "length", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch, have_connect = 0;

	o->label = KDF_EXPORTER_LABEL;
	o->length = KDF_EXPORTER_LEN;
	for (;;) {
		ch = getopt_long(argc, argv, "v", longopts, NULL);
		if (ch == -1)
			break;
		if (ch == 'c')
			have_connect = 1;
		parse_option(ch, o);
	}
	if (!have_connect || optind != argc)
		usage();
	set_mode(o);
}

/* One option from getopt_long(); any bad value is a usage error. */
static void
parse_option(int ch, struct opts *o)
{
	uint64_t	v;

	switch (ch) {
	case 'c':
		if (parse_hostport(optarg, o->host, sizeof(o->host),
		    &o->port) != MEF_OK)
			usage();
		break;
	case 'i':
		o->cfg.psk_id = optarg;
		break;
	case 'p':
		mef_secret_free(&o->psk);
		if (mef_secret_from_hex(optarg, strlen(optarg), &o->psk) !=
		    MEF_OK)
			usage();
		mef_wipe(optarg, strlen(optarg));
		break;
	case 'C':
		o->cfg.cert_file = optarg;
		break;
	case 'K':
		o->cfg.key_file = optarg;
		break;
	case 'A':
		o->cfg.ca_file = optarg;
		break;
	case 's':
		o->cfg.sni = optarg;
		break;
	case 'l':
		o->label = optarg;
		break;
	case 'n':
		if (parse_u64(optarg, strlen(optarg), 1, EXPORT_MAX, &v) !=
		    MEF_OK)
			usage();
		o->length = (size_t)v;
		break;
	case 't':
		if (parse_u64(optarg, strlen(optarg), 1, 600000, &v) != MEF_OK)
			usage();
		o->cfg.timeout_ms = (unsigned)v;
		break;
	case 'v':
		o->verbose = 1;
		break;
	default:
		usage();
	}
}

/* Exactly one way to authenticate: a PSK and its identity, or a certificate. */
static void
set_mode(struct opts *o)
{
	if (o->cfg.psk_id != NULL && o->psk != NULL &&
	    o->cfg.cert_file == NULL)
		o->cfg.mode = TLS_CLIENT_PSK;
	else if (o->cfg.cert_file != NULL && o->cfg.key_file != NULL &&
	    o->cfg.psk_id == NULL && o->psk == NULL)
		o->cfg.mode = TLS_CLIENT_CERT;
	else
		usage();
	o->cfg.host = o->host;
	o->cfg.port = o->port;
	o->cfg.psk = o->psk;
}

static enum mef_err
run(struct opts *o)
{
	struct tls_client	*tc = NULL;
	unsigned char		 x[EXPORT_MAX];
	char			 hex[2 * EXPORT_MAX + 1];
	enum mef_err		 rc;

	rc = tls_client_open(&o->cfg, &tc);
	if (rc != MEF_OK)
		goto out;
	if (o->verbose)
		fprintf(stderr, "tls_export: %s %s\n", tls_client_version(tc),
		    tls_client_cipher(tc));
	rc = tls_client_export(tc, o->label, strlen(o->label), x, o->length);
	if (rc != MEF_OK)
		goto out;
	rc = hex_encode(x, o->length, 0, hex, sizeof(hex));
	if (rc != MEF_OK)
		goto out;
	printf("%s\n", hex);
out:
	tls_client_close(&tc);
	mef_wipe(x, sizeof(x));
	mef_wipe(hex, sizeof(hex));
	return rc;
}
