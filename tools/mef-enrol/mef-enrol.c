/*
 * mef-enrol.c -- the Enrolee CLI: bootstrap with a MEF and show what it
 * provisioned.
 *
 *     mef-enrol --mef HOST:PORT --fqdn FQDN --kpm-id ID
 *               (--kpm HEX | --kpm-file F)
 *               [--target TID [--kind cse|ae|maf]] [--json] [--show-key]
 *               [--timeout MS] [-v]
 *
 * Prints KeId, EnroleeID, Lifetime and the Targets the MEF listed; with
 * --target it also derives that Target's key (Kpsa, or Km for a MAF) and prints
 * it only with --show-key. A Kpm given on the command line is wiped from argv
 * as soon as it is read. Exit status: 0 success, 1 runtime failure, 2 bad
 * usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/keyfile.h"
#include "mef/enrolee.h"
#include "util/hex.h"
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
	const char		*fqdn;
	const char		*kpm_id;
	const char		*kpm_file;
	const char		*target;
	struct mef_secret	*kpm;
	enum mef_target_kind	 kind;
	int			 have_kind;
	int			 json;
	int			 show_key;
	int			 verbose;
	unsigned		 timeout_ms;
};

static void		usage(void) __attribute__((noreturn));
static void		usage_error(const char *, ...)
			    __attribute__((format(printf, 1, 2), noreturn));
static void		parse_args(int, char **, struct opts *);
static void		parse_option(int, struct opts *);
static void		check_args(struct opts *);
static int		load_kpm(struct opts *);
static const char	*explain(enum mef_err);
static const char	*key_name(enum mef_target_kind);
static void		print_text(const struct opts *,
			    const struct mef_enrolment *, const char *);
static void		print_json(const struct opts *,
			    const struct mef_enrolment *, const char *);
static void		json_string(const char *);
static int		run(struct opts *);

int
main(int argc, char *argv[])
{
	struct opts	o;
	int		status;

	memset(&o, 0, sizeof(o));
	parse_args(argc, argv, &o);
	log_init("mef-enrol", o.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	status = load_kpm(&o);
	if (status == 0)
		status = run(&o);
	mef_secret_free(&o.kpm);
	return status;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mef-enrol --mef HOST:PORT --fqdn FQDN --kpm-id ID "
	    "(--kpm HEX | --kpm-file F)\n"
	    "                 [--target TID [--kind cse|ae|maf]] [--json] "
	    "[--show-key]\n"
	    "                 [--timeout MS] [-v]\n");
	exit(EXIT_USAGE);
}

static void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("mef-enrol: ", stderr);
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
		{ "fqdn", required_argument, NULL, 'f' },
		{ "kpm-id", required_argument, NULL, 'i' },
		{ "kpm", required_argument, NULL, 'k' },
		{ "kpm-file", required_argument, NULL, 'F' },
		{ "target", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ "show-key", no_argument, NULL, 's' },
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
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
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
	case 'f':
		o->fqdn = optarg;
		break;
	case 'i':
		o->kpm_id = optarg;
		break;
	case 'k':
		mef_secret_free(&o->kpm);
		if (mef_secret_from_hex(optarg, strlen(optarg), &o->kpm) !=
		    MEF_OK) {
			mef_wipe(optarg, strlen(optarg));
			usage_error("--kpm: expected an even number of hex "
			    "digits");
		}
		mef_wipe(optarg, strlen(optarg));
		break;
	case 'F':
		o->kpm_file = optarg;
		break;
	case 't':
		o->target = optarg;
		break;
	case 'K':
		o->have_kind = 1;
		if (strcmp(optarg, "cse") == 0)
			o->kind = MEF_TARGET_CSE;
		else if (strcmp(optarg, "ae") == 0)
			o->kind = MEF_TARGET_AE;
		else if (strcmp(optarg, "maf") == 0)
			o->kind = MEF_TARGET_MAF;
		else
			usage_error("--kind: expected cse, ae or maf");
		break;
	case 'j':
		o->json = 1;
		break;
	case 's':
		o->show_key = 1;
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
		printf("mef-enrol %s\n", MEF_VERSION);
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
	if (o->mef == NULL)
		usage_error("--mef is required");
	if (o->fqdn == NULL || !is_dns_name(o->fqdn, strlen(o->fqdn)))
		usage_error("--fqdn: a DNS name is required");
	if (o->kpm_id == NULL || o->kpm_id[0] == '\0' ||
	    strlen(o->kpm_id) > MEF_ID_MAX)
		usage_error("--kpm-id: an identity of 1..%d bytes is required",
		    MEF_ID_MAX);
	if ((o->kpm == NULL) == (o->kpm_file == NULL))
		usage_error("exactly one of --kpm and --kpm-file is required");
	if (o->target != NULL &&
	    (o->target[0] == '\0' || strlen(o->target) > MEF_ID_MAX))
		usage_error("--target: an identifier of 1..%d bytes is "
		    "required", MEF_ID_MAX);
	if (o->have_kind && o->target == NULL)
		usage_error("--kind needs --target");
	if (o->show_key && o->target == NULL)
		usage_error("--show-key needs --target");
}

/* Reads --kpm-file when given; returns an exit status (0: go on). */
static int
load_kpm(struct opts *o)
{
	enum mef_err	rc;

	if (o->kpm_file == NULL)
		return 0;
	rc = keyfile_read(o->kpm_file, KEYFILE_KEY_MAX, &o->kpm);
	if (rc == MEF_OK)
		return 0;
	if (rc == MEF_E_IO)
		fprintf(stderr, "mef-enrol: %s: %s\n", o->kpm_file,
		    strerror(errno));
	else
		fprintf(stderr, "mef-enrol: %s: not a key in hex\n",
		    o->kpm_file);
	return EXIT_RUNTIME;
}

static int
run(struct opts *o)
{
	struct mef_enrol_cfg	 cfg;
	struct mef_enrolment	*en = NULL;
	unsigned char		 key[MEF_KEY_LEN];
	char			 hex[2 * MEF_KEY_LEN + 1];
	enum mef_err		 rc;
	int			 status = EXIT_RUNTIME;

	hex[0] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = MEF_ENROL_CFG_VERSION;
	cfg.host = o->host;
	cfg.port = o->port;
	cfg.fqdn = o->fqdn;
	cfg.kpm_id = o->kpm_id;
	cfg.kpm = mef_secret_bytes(o->kpm);
	cfg.kpm_len = mef_secret_len(o->kpm);
	cfg.timeout_ms = o->timeout_ms;
	rc = mef_enrol(&cfg, &en);
	if (rc != MEF_OK) {
		fprintf(stderr, "mef-enrol: %s: %s\n", o->mef, explain(rc));
		goto out;
	}
	if (o->target != NULL) {
		rc = mef_enrolment_derive(en, o->kind, o->target, key);
		if (rc == MEF_OK && o->show_key)
			rc = hex_encode(key, sizeof(key), 0, hex, sizeof(hex));
		if (rc != MEF_OK) {
			fprintf(stderr, "mef-enrol: cannot derive the key for "
			    "'%s': %s\n", o->target, mef_strerror(rc));
			goto out;
		}
	}
	if (o->json)
		print_json(o, en, hex);
	else
		print_text(o, en, hex);
	status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_RUNTIME;
	if (status != 0)
		fprintf(stderr, "mef-enrol: stdout: %s\n", strerror(errno));
out:
	mef_wipe(key, sizeof(key));
	mef_wipe(hex, sizeof(hex));
	mef_enrolment_free(&en);
	return status;
}

static const char *
explain(enum mef_err rc)
{
	switch (rc) {
	case MEF_E_IO:
		return "cannot connect to the MEF";
	case MEF_E_AUTH:
		return "TLS-PSK handshake refused (wrong or unknown KpmId/Kpm)";
	case MEF_E_TIMEOUT:
		return "the MEF did not answer in time";
	case MEF_E_PROTO:
		return "malformed or unexpected answer from the MEF "
		    "(or its KeId differs from ours)";
	case MEF_E_DENIED:
		return "the MEF refused the enrolment";
	default:
		return mef_strerror(rc);
	}
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
