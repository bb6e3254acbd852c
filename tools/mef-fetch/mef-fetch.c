/*
 * mef-fetch.c -- the Enrolment Target CLI: fetch one Enrolee credential from a
 * MEF.
 *
 *     mef-fetch --mef HOST:PORT --origin TID
 *               (--psk-id PID (--psk HEX | --psk-file F) |
 *                --cert F --key F [--ca F])
 *               [--fqdn FQDN] [--accept json|xml|cbor] [--tls13]
 *               [--timeout MS] [-v]
 *               KEYID [SUID]
 *
 * Writes the MEF's answer body to stdout exactly as received (binary for CBOR),
 * also when the MEF says no, so scripts see its ErrorString. The body holds the
 * credential when Status is true. Exit status: 0 only when Status is true, 1
 * when the MEF said false or anything failed, 2 on bad usage. A PSK given on
 * the command line is wiped from argv as soon as it is read. --tls13 connects
 * with TLS 1.3 only (a PSK then as a TLS 1.3 external PSK); by default a PSK
 * uses TLS 1.2 and a certificate TLS 1.2 or 1.3.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "crypto/keyid.h"
#include "mef/fetch.h"
#include "protocol/fetch_path.h"
#include "protocol/media.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/strparse.h"

struct opts {
	struct cli_common	 c;	/* --mef, --timeout, -v */
	const char		*origin;
	const char		*psk_id;
	const char		*psk_file;
	struct mef_secret	*psk;
	const char		*cert_file;
	const char		*key_file;
	const char		*ca_file;
	const char		*fqdn;
	enum mef_format		 accept;
	int			 tls13;
	const char		*keyid;
	const char		*suid;
};

static enum mef_err	parse_accept(void *, const char *);
static void		check_args(struct opts *);
static int		load_files(struct opts *);
static int		print_answer(const struct opts *,
			    const struct mef_answer *);
static int		run(struct opts *);

#define F(field)	offsetof(struct opts, field)

/* Its own options; cli.c adds --mef before them, --timeout -v -V -h after. */
static const struct cli_opt options[] = {
	{ "origin", 0, CLI_STRING, F(origin), 0, NULL, NULL },
	{ "psk-id", 0, CLI_STRING, F(psk_id), 0, NULL, NULL },
	{ "psk", 0, CLI_HEXKEY, F(psk), 0, NULL, NULL },
	{ "psk-file", 0, CLI_STRING, F(psk_file), 0, NULL, NULL },
	{ "cert", 0, CLI_STRING, F(cert_file), 0, NULL, NULL },
	{ "key", 0, CLI_STRING, F(key_file), 0, NULL, NULL },
	{ "ca", 0, CLI_STRING, F(ca_file), 0, NULL, NULL },
	{ "fqdn", 0, CLI_STRING, F(fqdn), 0, NULL, NULL },
	{ "accept", 0, CLI_FUNC, 0, 0, parse_accept, "json, xml or cbor" },
	{ "tls13", 0, CLI_FLAG, F(tls13), 0, NULL, NULL },
};

/* How a failed exchange with the MEF is explained (see cli_warn_mef()). */
static const struct cli_reason reasons[] = {
	{ MEF_E_IO, "cannot connect to the MEF, or the connection failed" },
	{ MEF_E_AUTH, "TLS handshake refused (check the Target's PSK or "
	    "certificate)" },
	{ MEF_E_TIMEOUT, "the MEF did not answer in time" },
	{ MEF_E_PROTO, "malformed answer from the MEF" },
};

static const struct cli cli = {
	"mef-fetch",
	"usage: mef-fetch --mef HOST:PORT --origin TID\n"
	"                 (--psk-id PID (--psk HEX | --psk-file F) | "
	"--cert F --key F [--ca F])\n"
	"                 [--fqdn FQDN] [--accept json|xml|cbor] [--tls13] "
	"[--timeout MS] [-v]\n"
	"                 KEYID [SUID]\n",
	options, sizeof(options) / sizeof(options[0]),
	reasons, sizeof(reasons) / sizeof(reasons[0])
};

int
main(int argc, char *argv[])
{
	struct opts	o;
	int		i, status;

	memset(&o, 0, sizeof(o));
	o.accept = MEF_FMT_JSON;
	i = cli_parse(&cli, argc, argv, &o.c, &o);
	if (argc - i < 1 || argc - i > 2)
		cli_usage_error(&cli, "expected KEYID and an optional SUID");
	o.keyid = argv[i];
	o.suid = argc - i == 2 ? argv[i + 1] : NULL;
	check_args(&o);
	log_init(cli.prog, o.c.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	status = load_files(&o);
	if (status == 0)
		status = run(&o);
	mef_secret_free(&o.psk);
	return status;
}

static enum mef_err
parse_accept(void *opts, const char *arg)
{
	struct opts	*o = opts;

	return media_from_name(arg, &o->accept);
}

static void
check_args(struct opts *o)
{
	struct keyid	kid;
	uint64_t	suid;
	int		psk, cert;

	if (keyid_parse(o->keyid, strlen(o->keyid), &kid) != MEF_OK)
		cli_usage_error(&cli, "KEYID: expected 32 hex digits, '@' and "
		    "the MEF-FQDN");
	if (o->suid != NULL && parse_u64(o->suid, strlen(o->suid), 0,
	    FETCH_SUID_MAX, &suid) != MEF_OK)
		cli_usage_error(&cli, "SUID: expected a number up to %d",
		    FETCH_SUID_MAX);
	if (o->c.mef == NULL)
		cli_usage_error(&cli, "--mef is required");
	if (!cli_is_ident(o->origin))
		cli_usage_error(&cli, "--origin: a Target ID of 1..%d bytes is "
		    "required", MEF_ID_MAX);
	psk = o->psk_id != NULL || o->psk != NULL || o->psk_file != NULL;
	cert = o->cert_file != NULL || o->key_file != NULL;
	if (psk == cert)
		cli_usage_error(&cli, "authenticate with either --psk-id and a "
		    "PSK or --cert and --key");
	if (psk && !cli_is_ident(o->psk_id))
		cli_usage_error(&cli, "--psk-id: an identity of 1..%d bytes is "
		    "required", MEF_ID_MAX);
	if (psk && (o->psk == NULL) == (o->psk_file == NULL))
		cli_usage_error(&cli, "exactly one of --psk and --psk-file is "
		    "required");
	if (cert && (o->cert_file == NULL || o->key_file == NULL))
		cli_usage_error(&cli, "--cert and --key go together");
	if (o->ca_file != NULL && !cert)
		cli_usage_error(&cli, "--ca needs --cert and --key");
	if (o->fqdn != NULL && !is_dns_name(o->fqdn, strlen(o->fqdn)))
		cli_usage_error(&cli, "--fqdn: expected a DNS name");
}

/* Reads the PSK file and checks the PEM files can be read; an exit status. */
static int
load_files(struct opts *o)
{
	const char	*files[3];
	size_t		 i;

	files[0] = o->cert_file;
	files[1] = o->key_file;
	files[2] = o->ca_file;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i] != NULL && access(files[i], R_OK) != 0) {
			cli_warnx(&cli, "%s: %s", files[i], strerror(errno));
			return CLI_EXIT_RUNTIME;
		}
	}
	if (o->psk_file == NULL)
		return 0;
	return cli_read_key(&cli, o->psk_file, &o->psk);
}

static int
run(struct opts *o)
{
	struct mef_fetch_cfg	 cfg;
	struct mef_answer	*ans = NULL;
	enum mef_err		 rc;
	int			 status = CLI_EXIT_RUNTIME;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_FETCH_CFG_VERSION;
	cfg.host = o->c.mef_host;
	cfg.port = o->c.mef_port;
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
	cfg.tls_version = o->tls13 ? MEF_FETCH_TLS13 : MEF_FETCH_TLS_DEFAULT;
	cfg.accept = o->accept;
	cfg.timeout_ms = o->c.timeout_ms;
	rc = mef_fetch(&cfg, o->keyid, o->suid, &ans);
	if (ans != NULL && print_answer(o, ans) != 0)
		goto out;
	if (rc == MEF_E_DENIED)
		cli_warnx(&cli, "the MEF refused: %s (X-M2M-RSC %d)",
		    mef_answer_error(ans), mef_answer_rsc(ans));
	else if (rc == MEF_E_INVAL)
		cli_warnx(&cli, "cannot use the credentials given (-v says "
		    "why)");
	else if (rc != MEF_OK)
		cli_warn_mef(&cli, &o->c, rc);
	else
		status = 0;
out:
	mef_answer_free(&ans);
	return status;
}

/* The body to stdout as received; -v adds the response's codes on stderr. */
static int
print_answer(const struct opts *o, const struct mef_answer *ans)
{
	const unsigned char	*body;
	size_t			 len;

	if (o->c.verbose)
		cli_warnx(&cli, "HTTP %d, X-M2M-RSC %d, X-M2M-RI %s",
		    mef_answer_http_status(ans), mef_answer_rsc(ans),
		    mef_answer_request_id(ans));
	body = mef_answer_body(ans, &len);
	if (len > 0 && fwrite(body, 1, len, stdout) != len) {
		cli_warnx(&cli, "stdout: %s", strerror(errno));
		return -1;
	}
	return cli_flush(&cli) == 0 ? 0 : -1;
}
