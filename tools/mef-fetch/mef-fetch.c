/*
 * mef-fetch.c -- the Enrolment Target CLI: fetch one Enrolee credential from a
 * MEF.
 *
 *     mef-fetch --mef HOST:PORT --origin TID
 *               (--psk-id PID (--psk HEX | --psk-file F) |
 *                --cert F --key F [--ca F])
 *               [--fqdn FQDN] [--accept json|xml|cbor] [--timeout MS] [-v]
 *               KEYID [SUID]
 *
 * Writes the MEF's answer body to stdout exactly as received (binary for CBOR),
 * also when the MEF says no, so scripts see its ErrorString. The body holds the
 * credential when Status is true. Exit status: 0 only when Status is true, 1
 * when the MEF said false or anything failed, 2 on bad usage. A PSK given on
 * the command line is wiped from argv as soon as it is read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/keyfile.h"
#include "crypto/keyid.h"
#include "mef/fetch.h"
#include "protocol/fetch_path.h"
#include "protocol/media.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/strparse.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define TIMEOUT_MAX_MS	600000

struct opts {
	char			 host[HOSTPORT_HOST_MAX];
	uint16_t		 port;
	const char		*mef;
	const char		*origin;
	const char		*psk_id;
	const char		*psk_file;
	struct mef_secret	*psk;
	const char		*cert_file;
	const char		*key_file;
	const char		*ca_file;
	const char		*fqdn;
	enum mef_format		 accept;
	unsigned		 timeout_ms;
	int			 verbose;
	const char		*keyid;
	const char		*suid;
};

static void		usage(void) __attribute__((noreturn));
static void		usage_error(const char *, ...)
			    __attribute__((format(printf, 1, 2), noreturn));
static void		parse_args(int, char **, struct opts *);
static void		parse_option(int, struct opts *);
static void		check_args(struct opts *);
static int		load_files(struct opts *);
static const char	*explain(enum mef_err);
static int		print_answer(const struct opts *,
			    const struct mef_answer *);
static int		run(struct opts *);

int
main(int argc, char *argv[])
{
	struct opts	o;
	int		status;

	memset(&o, 0, sizeof(o));
	o.accept = MEF_FMT_JSON;
	parse_args(argc, argv, &o);
	log_init("mef-fetch", o.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	status = load_files(&o);
	if (status == 0)
		status = run(&o);
	mef_secret_free(&o.psk);
	return status;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mef-fetch --mef HOST:PORT --origin TID\n"
	    "                 (--psk-id PID (--psk HEX | --psk-file F) | "
	    "--cert F --key F [--ca F])\n"
	    "                 [--fqdn FQDN] [--accept json|xml|cbor] "
	    "[--timeout MS] [-v]\n"
	    "                 KEYID [SUID]\n");
	exit(EXIT_USAGE);
}

static void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("mef-fetch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option	longopts[] = {
		{ "mef", required_argument, NULL, 'm' },
		{ "origin", required_argument, NULL, 'o' },
		{ "psk-id", required_argument, NULL, 'i' },
		{ "psk", required_argument, NULL, 'p' },
		{ "psk-file", required_argument, NULL, 'P' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "fqdn", required_argument, NULL, 'f' },
		{ "accept", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	for (;;) {
		ch = getopt_long(argc, argv, "vVh", longopts, NULL);
		if (ch == -1)
			break;
		parse_option(ch, o);
	}
	if (argc - optind < 1 || argc - optind > 2)
		usage_error("expected KEYID and an optional SUID");
	o->keyid = argv[optind];
	o->suid = argc - optind == 2 ? argv[optind + 1] : NULL;
	check_args(o);
}

static void
parse_option(int ch, struct opts *o)
{
	uint64_t	v;

	switch (ch) {
	case 'm':
		if (parse_hostport(optarg, o->host, sizeof(o->host),
		    &o->port) != MEF_OK)
			usage_error("--mef: expected HOST:PORT, got '%s'",
			    optarg);
		o->mef = optarg;
		break;
	case 'o':
		o->origin = optarg;
		break;
	case 'i':
		o->psk_id = optarg;
		break;
	case 'p':
		mef_secret_free(&o->psk);
		if (mef_secret_from_hex(optarg, strlen(optarg), &o->psk) !=
		    MEF_OK) {
			mef_wipe(optarg, strlen(optarg));
			usage_error("--psk: expected an even number of hex "
			    "digits");
		}
		mef_wipe(optarg, strlen(optarg));
		break;
	case 'P':
		o->psk_file = optarg;
		break;
	case 'c':
		o->cert_file = optarg;
		break;
	case 'k':
		o->key_file = optarg;
		break;
	case 'a':
		o->ca_file = optarg;
		break;
	case 'f':
		o->fqdn = optarg;
		break;
	case 'A':
		if (media_from_name(optarg, &o->accept) != MEF_OK)
			usage_error("--accept: expected json, xml or cbor");
		break;
	case 'T':
		if (parse_u64(optarg, strlen(optarg), 1, TIMEOUT_MAX_MS,
		    &v) != MEF_OK)
			usage_error("--timeout: expected 1..%u milliseconds",
			    TIMEOUT_MAX_MS);
		o->timeout_ms = (unsigned)v;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case 'V':
		printf("mef-fetch %s\n", MEF_VERSION);
		exit(0);
	case 'h':
		usage();
	default:
		usage();	/* getopt_long() said what was wrong */
	}
}

static void
check_args(struct opts *o)
{
	struct keyid	kid;
	uint64_t	suid;
	int		psk, cert;

	if (keyid_parse(o->keyid, strlen(o->keyid), &kid) != MEF_OK)
		usage_error("KEYID: expected 32 hex digits, '@' and the "
		    "MEF-FQDN");
	if (o->suid != NULL && parse_u64(o->suid, strlen(o->suid), 0,
	    FETCH_SUID_MAX, &suid) != MEF_OK)
		usage_error("SUID: expected a number up to %d", FETCH_SUID_MAX);
	if (o->mef == NULL)
		usage_error("--mef is required");
	if (o->origin == NULL || o->origin[0] == '\0' ||
	    strlen(o->origin) > MEF_ID_MAX)
		usage_error("--origin: a Target ID of 1..%d bytes is required",
		    MEF_ID_MAX);
	psk = o->psk_id != NULL || o->psk != NULL || o->psk_file != NULL;
	cert = o->cert_file != NULL || o->key_file != NULL;
	if (psk == cert)
		usage_error("authenticate with either --psk-id and a PSK or "
		    "--cert and --key");
	if (psk && (o->psk_id == NULL || o->psk_id[0] == '\0' ||
	    strlen(o->psk_id) > MEF_ID_MAX))
		usage_error("--psk-id: an identity of 1..%d bytes is required",
		    MEF_ID_MAX);
	if (psk && (o->psk == NULL) == (o->psk_file == NULL))
		usage_error("exactly one of --psk and --psk-file is required");
	if (cert && (o->cert_file == NULL || o->key_file == NULL))
		usage_error("--cert and --key go together");
	if (o->ca_file != NULL && !cert)
		usage_error("--ca needs --cert and --key");
	if (o->fqdn != NULL && !is_dns_name(o->fqdn, strlen(o->fqdn)))
		usage_error("--fqdn: expected a DNS name");
}

/* Reads the PSK file and checks the PEM files can be read; an exit status. */
static int
load_files(struct opts *o)
{
	const char	*files[3];
	size_t		 i;
	enum mef_err	 rc;

	files[0] = o->cert_file;
	files[1] = o->key_file;
	files[2] = o->ca_file;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i] != NULL && access(files[i], R_OK) != 0) {
			fprintf(stderr, "mef-fetch: %s: %s\n", files[i],
			    strerror(errno));
			return EXIT_RUNTIME;
		}
	}
	if (o->psk_file == NULL)
		return 0;
	rc = keyfile_read(o->psk_file, KEYFILE_KEY_MAX, &o->psk);
	if (rc == MEF_OK)
		return 0;
	if (rc == MEF_E_IO)
		fprintf(stderr, "mef-fetch: %s: %s\n", o->psk_file,
		    strerror(errno));
	else
		fprintf(stderr, "mef-fetch: %s: not a key in hex\n",
		    o->psk_file);
	return EXIT_RUNTIME;
}

static int
run(struct opts *o)
{
	struct mef_fetch_cfg	 cfg;
	struct mef_answer	*ans = NULL;
	enum mef_err		 rc;
	int			 status = EXIT_RUNTIME;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_FETCH_CFG_VERSION;
	cfg.host = o->host;
	cfg.port = o->port;
	cfg.fqdn = o->fqdn;
	cfg.origin = o->origin;
	cfg.psk_id = o->psk_id;
	if (o->psk != NULL) {
		cfg.psk = mef_secret_bytes(o->psk);
		cfg.psk_len = mef_secret_len(o->psk);
	}
	cfg.cert_file = o->cert_file;
	cfg.key_file = o->key_file;
	cfg.ca_file = o->ca_file;
	cfg.accept = o->accept;
	cfg.timeout_ms = o->timeout_ms;
	rc = mef_fetch(&cfg, o->keyid, o->suid, &ans);
	if (ans != NULL && print_answer(o, ans) != 0)
		goto out;
	if (rc == MEF_E_DENIED)
		fprintf(stderr, "mef-fetch: the MEF refused: %s (X-M2M-RSC "
		    "%d)\n", mef_answer_error(ans), mef_answer_rsc(ans));
	else if (rc == MEF_E_INVAL)
		fprintf(stderr, "mef-fetch: cannot use the credentials given "
		    "(-v says why)\n");
	else if (rc != MEF_OK)
		fprintf(stderr, "mef-fetch: %s: %s\n", o->mef, explain(rc));
	else
		status = 0;
out:
	mef_answer_free(&ans);
	return status;
}

static const char *
explain(enum mef_err rc)
{
	switch (rc) {
	case MEF_E_IO:
		return "cannot connect to the MEF, or the connection failed";
	case MEF_E_AUTH:
		return "TLS handshake refused (check the Target's PSK or "
		    "certificate)";
	case MEF_E_TIMEOUT:
		return "the MEF did not answer in time";
	case MEF_E_PROTO:
		return "malformed answer from the MEF";
	default:
		return mef_strerror(rc);
	}
}

/* The body to stdout as received; -v adds the response's codes on stderr. */
static int
print_answer(const struct opts *o, const struct mef_answer *ans)
{
	const unsigned char	*body;
	size_t			 len;

	if (o->verbose)
		fprintf(stderr, "mef-fetch: HTTP %d, X-M2M-RSC %d, "
		    "X-M2M-RI %s\n", mef_answer_http_status(ans),
		    mef_answer_rsc(ans), mef_answer_request_id(ans));
	body = mef_answer_body(ans, &len);
	if (len > 0 && fwrite(body, 1, len, stdout) != len) {
		fprintf(stderr, "mef-fetch: stdout: %s\n", strerror(errno));
		return -1;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "mef-fetch: stdout: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}
