/*
 * mef-enrol.c -- the Enrolee CLI: bootstrap with a MEF and show what it
 * provisioned.
 *
 *     mef-enrol --mef HOST:PORT --fqdn FQDN
 *               (--kpm-id ID (--kpm HEX | --kpm-file F) |
 *                --cert F --key F [--ca F])
 *               [--target TID [--kind cse|ae|maf]] [--json] [--show-key]
 *               [--connect HOST:PORT] [--timeout MS] [-v]
 *
 * The device bootstraps with its pre-provisioned KpmId and Kpm (TLS-PSK), or
 * with its certificate and key (PEM; mutual TLS 1.2 with ECDSA); the two are
 * exclusive. With --ca the MEF's certificate must chain to that file and name
 * --fqdn; without it the MEF is not verified, which only a test should do.
 * Prints KeId, EnroleeID, Lifetime and the Targets the MEF listed; with
 * --target it also derives that Target's key (Kpsa, or Km for a MAF) and prints
 * it only with --show-key. A Kpm given on the command line is wiped from argv
 * as soon as it is read. Exit status: 0 success, 1 runtime failure, 2 bad
 * usage.
 *
 * With --connect (and --target), the device then goes on as PROTOCOL.md section 4
 * says: it opens TLS-PSK to that Target with the KeId and the derived key (libmef's
 * mef_enrolment_connect()), sends what it reads on standard input, and copies the
 * Target's answer to standard output until the Target closes; the enrolment summary
 * then goes to standard error.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "mef/enrolee.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/strparse.h"

struct opts {
	struct cli_common	 c;	/* --mef, --timeout, -v */
	const char		*fqdn;
	const char		*kpm_id;
	const char		*kpm_file;
	const char		*cert_file;
	const char		*key_file;
	const char		*ca_file;
	const char		*target;
	const char		*connect;
	char			 connect_host[HOSTPORT_HOST_MAX];
	uint16_t		 connect_port;
	struct mef_secret	*kpm;
	enum mef_target_kind	 kind;
	int			 have_kind;
	int			 json;
	int			 show_key;
};

static enum mef_err	parse_kind(void *, const char *);
static void		check_args(struct opts *);
static void		check_rspf(const struct opts *);
static const char	*key_name(enum mef_target_kind);
static void		print_text(const struct opts *,
			    const struct mef_enrolment *, const char *);
static void		print_json(const struct opts *,
			    const struct mef_enrolment *, const char *);
static void		json_string(const char *);
static int		run(struct opts *);
static int		talk(const struct opts *, const struct mef_enrolment *);

#define F(field)	offsetof(struct opts, field)

/* Its own options; cli.c adds --mef before them, --timeout -v -V -h after. */
static const struct cli_opt options[] = {
	{ "fqdn", 0, CLI_STRING, F(fqdn), 0, NULL, NULL },
	{ "kpm-id", 0, CLI_STRING, F(kpm_id), 0, NULL, NULL },
	{ "kpm", 0, CLI_HEXKEY, F(kpm), 0, NULL, NULL },
	{ "kpm-file", 0, CLI_STRING, F(kpm_file), 0, NULL, NULL },
	{ "cert", 0, CLI_STRING, F(cert_file), 0, NULL, NULL },
	{ "key", 0, CLI_STRING, F(key_file), 0, NULL, NULL },
	{ "ca", 0, CLI_STRING, F(ca_file), 0, NULL, NULL },
	{ "target", 0, CLI_STRING, F(target), 0, NULL, NULL },
	{ "kind", 0, CLI_FUNC, 0, 0, parse_kind, "cse, ae or maf" },
	{ "json", 0, CLI_FLAG, F(json), 0, NULL, NULL },
	{ "show-key", 0, CLI_FLAG, F(show_key), 0, NULL, NULL },
	{ "connect", 0, CLI_STRING, F(connect), 0, NULL, NULL },
};

/* How a failed exchange with the MEF is explained (see cli_warn_mef()). */
static const struct cli_reason reasons[] = {
	{ MEF_E_INVAL, "cannot use --cert, --key or --ca (not a readable PEM "
	    "file, or the key does not match the certificate)" },
	{ MEF_E_IO, "cannot connect to the MEF" },
	{ MEF_E_AUTH, "TLS handshake refused (wrong or unknown KpmId/Kpm, a "
	    "certificate the MEF does not accept, or the MEF's certificate "
	    "fails --ca or --fqdn)" },
	{ MEF_E_TIMEOUT, "the MEF did not answer in time" },
	{ MEF_E_PROTO, "malformed or unexpected answer from the MEF (or its "
	    "KeId differs from ours)" },
	{ MEF_E_DENIED, "the MEF refused the enrolment" },
};

static const struct cli cli = {
	"mef-enrol",
	"usage: mef-enrol --mef HOST:PORT --fqdn FQDN\n"
	"                 (--kpm-id ID (--kpm HEX | --kpm-file F) |\n"
	"                  --cert F --key F [--ca F])\n"
	"                 [--target TID [--kind cse|ae|maf]] [--json] "
	"[--show-key]\n"
	"                 [--connect HOST:PORT] [--timeout MS] [-v]\n",
	options, sizeof(options) / sizeof(options[0]),
	reasons, sizeof(reasons) / sizeof(reasons[0])
};

int
main(int argc, char *argv[])
{
	struct opts	o;
	int		i, status = 0;

	memset(&o, 0, sizeof(o));
	i = cli_parse(&cli, argc, argv, &o.c, &o);
	if (i != argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[i]);
	check_args(&o);
	log_init(cli.prog, o.c.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if (o.kpm_file != NULL)
		status = cli_read_key(&cli, o.kpm_file, &o.kpm);
	if (status == 0)
		status = run(&o);
	mef_secret_free(&o.kpm);
	return status;
}

static enum mef_err
parse_kind(void *opts, const char *arg)
{
	struct opts	*o = opts;

	o->have_kind = 1;
	if (strcmp(arg, "cse") == 0)
		o->kind = MEF_TARGET_CSE;
	else if (strcmp(arg, "ae") == 0)
		o->kind = MEF_TARGET_AE;
	else if (strcmp(arg, "maf") == 0)
		o->kind = MEF_TARGET_MAF;
	else
		return MEF_E_INVAL;
	return MEF_OK;
}

static void
check_args(struct opts *o)
{
	if (o->c.mef == NULL)
		cli_usage_error(&cli, "--mef is required");
	if (o->fqdn == NULL || !is_dns_name(o->fqdn, strlen(o->fqdn)))
		cli_usage_error(&cli, "--fqdn: a DNS name is required");
	check_rspf(o);
	if (o->target != NULL && !cli_is_ident(o->target))
		cli_usage_error(&cli, "--target: an identifier of 1..%d bytes "
		    "is required", MEF_ID_MAX);
	if (o->have_kind && o->target == NULL)
		cli_usage_error(&cli, "--kind needs --target");
	if (o->show_key && o->target == NULL)
		cli_usage_error(&cli, "--show-key needs --target");
	if (o->connect != NULL && o->target == NULL)
		cli_usage_error(&cli, "--connect needs --target");
	if (o->connect != NULL && parse_hostport(o->connect, o->connect_host,
	    sizeof(o->connect_host), &o->connect_port) != MEF_OK)
		cli_usage_error(&cli, "--connect: expected HOST:PORT, got '%s'",
		    o->connect);
}

/* Either the KpmId and Kpm, or the certificate and key; never a mix. */
static void
check_rspf(const struct opts *o)
{
	int	is_psk, is_cert;

	is_psk = o->kpm_id != NULL || o->kpm != NULL || o->kpm_file != NULL;
	is_cert = o->cert_file != NULL || o->key_file != NULL ||
	    o->ca_file != NULL;
	if (is_psk && is_cert)
		cli_usage_error(&cli, "--kpm-id, --kpm and --kpm-file do not "
		    "go with --cert, --key and --ca");
	if (!is_psk && !is_cert)
		cli_usage_error(&cli, "--kpm-id with --kpm or --kpm-file, or "
		    "--cert with --key, is required");
	if (is_cert) {
		if (o->cert_file == NULL || o->cert_file[0] == '\0' ||
		    o->key_file == NULL || o->key_file[0] == '\0')
			cli_usage_error(&cli, "--cert and --key (files) are "
			    "required together%s", o->ca_file != NULL ?
			    "; --ca needs them" : "");
		if (o->ca_file != NULL && o->ca_file[0] == '\0')
			cli_usage_error(&cli, "--ca: a file is required");
		return;
	}
	if (!cli_is_ident(o->kpm_id))
		cli_usage_error(&cli, "--kpm-id: an identity of 1..%d bytes is "
		    "required", MEF_ID_MAX);
	if ((o->kpm == NULL) == (o->kpm_file == NULL))
		cli_usage_error(&cli, "exactly one of --kpm and --kpm-file is "
		    "required");
}

static int
run(struct opts *o)
{
	struct mef_enrol_cfg	 cfg;
	struct mef_enrolment	*en = NULL;
	unsigned char		 key[MEF_KEY_LEN];
	char			 hex[2 * MEF_KEY_LEN + 1];
	enum mef_err		 rc;
	int			 status = CLI_EXIT_RUNTIME;

	hex[0] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_ENROL_CFG_VERSION;
	cfg.host = o->c.mef_host;
	cfg.port = o->c.mef_port;
	cfg.fqdn = o->fqdn;
	if (o->cert_file != NULL) {
		cfg.cert_file = o->cert_file;
		cfg.key_file = o->key_file;
		cfg.ca_file = o->ca_file;
	} else {
		cfg.kpm_id = o->kpm_id;
		cfg.kpm = mef_secret_bytes(o->kpm);
		cfg.kpm_len = mef_secret_len(o->kpm);
	}
	cfg.timeout_ms = o->c.timeout_ms;
	rc = mef_enrol(&cfg, &en);
	if (rc != MEF_OK) {
		cli_warn_mef(&cli, &o->c, rc);
		goto out;
	}
	if (o->target != NULL) {
		rc = mef_enrolment_derive(en, o->kind, o->target, key);
		if (rc == MEF_OK && o->show_key)
			rc = hex_encode(key, sizeof(key), 0, hex, sizeof(hex));
		if (rc != MEF_OK) {
			cli_warnx(&cli, "cannot derive the key for '%s': %s",
			    o->target, mef_strerror(rc));
			goto out;
		}
	}
	if (o->connect != NULL) {
		fprintf(stderr, "mef-enrol: enrolled as %s (KeId %s); connecting "
		    "to %s\n", mef_enrolment_enrolee_id(en),
		    mef_enrolment_keyid(en), o->connect);
		status = talk(o, en);
		goto out;
	}
	if (o->json)
		print_json(o, en, hex);
	else
		print_text(o, en, hex);
	status = cli_flush(&cli);
out:
	mef_wipe(key, sizeof(key));
	mef_wipe(hex, sizeof(hex));
	mef_enrolment_free(&en);
	return status;
}

static const char *
key_name(enum mef_target_kind kind)
{
	return kind == MEF_TARGET_MAF ? "Km" : "Kpsa";
}

static void
print_text(const struct opts *o, const struct mef_enrolment *en,
    const char *hex)
{
	size_t	i, n;

	printf("KeId: %s\n", mef_enrolment_keyid(en));
	printf("EnroleeID: %s\n", mef_enrolment_enrolee_id(en));
	printf("Lifetime: %llu\n",
	    (unsigned long long)mef_enrolment_lifetime(en));
	n = mef_enrolment_target_count(en);
	printf("Targets:");
	for (i = 0; i < n; i++)
		printf(" %s", mef_enrolment_target(en, i));
	printf("\n");
	if (o->target == NULL)
		return;
	printf("Target: %s\n", o->target);
	if (o->show_key)
		printf("%s: %s\n", key_name(o->kind), hex);
}

static void
print_json(const struct opts *o, const struct mef_enrolment *en,
    const char *hex)
{
	size_t	i, n;

	printf("{\"KeId\":");
	json_string(mef_enrolment_keyid(en));
	printf(",\"EnroleeID\":");
	json_string(mef_enrolment_enrolee_id(en));
	printf(",\"Lifetime\":%llu,\"Targets\":[",
	    (unsigned long long)mef_enrolment_lifetime(en));
	n = mef_enrolment_target_count(en);
	for (i = 0; i < n; i++) {
		if (i > 0)
			putchar(',');
		json_string(mef_enrolment_target(en, i));
	}
	putchar(']');
	if (o->target != NULL) {
		printf(",\"Target\":");
		json_string(o->target);
		if (o->show_key)
			printf(",\"%s\":\"%s\"", key_name(o->kind), hex);
	}
	printf("}\n");
}

/* A JSON string: quotes, backslashes and controls escaped, UTF-8 as is. */
static void
json_string(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	putchar('"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* Standard input to the Target, the Target's answer to standard output. */
static int
talk(const struct opts *o, const struct mef_enrolment *en)
{
	struct mef_connect_cfg	 cfg;
	struct mef_conn		*conn = NULL;
	static char		 buf[65536];
	enum mef_err		 rc;
	ssize_t			 n;
	size_t			 got;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_CONNECT_CFG_VERSION;
	cfg.host = o->connect_host;
	cfg.port = o->connect_port;
	cfg.kind = o->kind;
	cfg.target_id = o->target;
	cfg.timeout_ms = o->c.timeout_ms;
	rc = mef_enrolment_connect(en, &cfg, &conn);
	if (rc != MEF_OK) {
		cli_warnx(&cli, "cannot connect to the Target at %s: %s",
		    o->connect, mef_strerror(rc));
		return CLI_EXIT_RUNTIME;
	}
	while (rc == MEF_OK && (n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		rc = mef_conn_write(conn, buf, (size_t)n);
	while (rc == MEF_OK) {
		rc = mef_conn_read(conn, buf, sizeof(buf), &got);
		if (rc != MEF_OK || got == 0)
			break;
		if (fwrite(buf, 1, got, stdout) != got)
			rc = MEF_E_IO;
	}
	mef_conn_close(&conn);
	if (rc != MEF_OK) {
		cli_warnx(&cli, "exchange with the Target at %s: %s", o->connect,
		    mef_strerror(rc));
		return CLI_EXIT_RUNTIME;
	}
	return cli_flush(&cli);
}
