/*
 * mefctl.c -- the operator CLI: global options, the table of verbs, dispatch.
 *
 * A command is "mefctl [global options] NOUN VERB [options]"; each row of
 * verbs[] names the options a verb takes, which are required or repeatable, and
 * its synopsis, so the parser, the usage text and the checks come from one
 * place. Exit status: 0 success, 1 error (bad input, unknown object, store
 * failure), 2 usage.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mefctl.h"
#include "util/log.h"

#define B(o)	OPT_BIT(OPT_##o)

static const struct verb verbs[] = {
	{ "enrolee", "add", cmd_enrolee_add,
	    B(KPM_ID) | B(KPM) | B(KPM_FILE) | B(CERT_FP) | B(ANCHOR) |
	    B(CERT_IDENTITY) | B(ENROLEE_ID) | B(TARGET) | B(LIFETIME) |
	    B(SUID),
	    B(ENROLEE_ID) | B(TARGET), B(TARGET) | B(SUID), 0,
	    VERB_CONFIG | VERB_AUDIT,
	    "enrolee add --kpm-id ID (--kpm HEX | --kpm-file F) "
	    "--enrolee-id EID\n"
	    "                --target TID [--target TID ...] "
	    "[--lifetime SECONDS] [--suid N ...]\n"
	    "  mefctl enrolee add --cert-fingerprint SHA256HEX [--kpm-id ID] "
	    "--enrolee-id EID\n"
	    "                --target TID ... [--lifetime SECONDS] "
	    "[--suid N ...]\n"
	    "  mefctl enrolee add --anchor NAME --cert-identity ID "
	    "[--kpm-id ID] --enrolee-id EID\n"
	    "                --target TID ... [--lifetime SECONDS] "
	    "[--suid N ...]" },
	{ "enrolee", "list", cmd_enrolee_list, 0, 0, 0, 0, VERB_CONFIG,
	    "enrolee list" },
	{ "enrolee", "show", cmd_enrolee_show, B(KPM_ID), B(KPM_ID), 0, 0,
	    VERB_CONFIG, "enrolee show --kpm-id ID" },
	{ "enrolee", "revoke", cmd_enrolee_revoke, B(KPM_ID), B(KPM_ID), 0, 0,
	    VERB_CONFIG | VERB_AUDIT, "enrolee revoke --kpm-id ID" },
	{ "enrolee", "remove", cmd_enrolee_remove, B(KPM_ID), B(KPM_ID), 0, 0,
	    VERB_CONFIG | VERB_AUDIT, "enrolee remove --kpm-id ID" },
	{ "anchor", "add", cmd_anchor_add,
	    B(NAME) | B(CA) | B(CRL) | B(IDENTITY),
	    B(NAME) | B(CA) | B(IDENTITY), 0, 0, VERB_CONFIG | VERB_AUDIT,
	    "anchor add --name NAME --ca F [--crl F] --identity cn|san" },
	{ "anchor", "list", cmd_anchor_list, 0, 0, 0, 0, VERB_CONFIG,
	    "anchor list" },
	{ "anchor", "remove", cmd_anchor_remove, B(NAME), B(NAME), 0, 0,
	    VERB_CONFIG | VERB_AUDIT, "anchor remove --name NAME" },
	{ "target", "add", cmd_target_add,
	    B(ID) | B(KIND) | B(FQDN) | B(PSK_ID) | B(PSK) | B(PSK_FILE) |
	    B(CERT_FP), B(ID), 0, 0, VERB_CONFIG | VERB_AUDIT,
	    "target add --id TID [--kind cse|ae|maf] [--fqdn FQDN]\n"
	    "                (--psk-id PID (--psk HEX | --psk-file F) | "
	    "--cert-fingerprint SHA256HEX)" },
	{ "target", "list", cmd_target_list, 0, 0, 0, 0, VERB_CONFIG,
	    "target list" },
	{ "target", "remove", cmd_target_remove, B(ID), B(ID), 0, 0,
	    VERB_CONFIG | VERB_AUDIT, "target remove --id TID" },
	{ "keys", "list", cmd_keys_list, B(KPM_ID), 0, 0, 0, VERB_CONFIG,
	    "keys list [--kpm-id ID]" },
	{ "kek", "generate", cmd_kek_generate, 0, 0, 0, 1, 0,
	    "kek generate FILE" },
	{ "audit", "verify", cmd_audit_verify, B(FILE) | B(EXPECT_HEAD), 0, 0,
	    0, VERB_CONFIG,
	    "audit verify [--file LOG] [--expect-head SEQ:HEX]" },
	{ "config", "check", cmd_config_check, 0, 0, 0, 0, VERB_CONFIG,
	    "config check" },
	{ "config", "show", cmd_config_show, 0, 0, 0, 0, VERB_CONFIG,
	    "config show" },
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

static void		usage(FILE *fp);
static const struct verb *verb_find(struct mefctl *ctl, const char *noun,
			    const char *name);
static int		global_option(struct mefctl *ctl, int argc, char **argv,
			    int *pi);
static int		wants_help(int argc, char **argv);

int
main(int argc, char **argv)
{
	static struct mefctl	 ctl;
	static struct opts	 o;
	const struct verb	*v = NULL;
	char			 cmd[64], err[PATH_MAX + 256];
	enum mef_err		 rc = MEF_OK;
	int			 i, g;

	/* The store mefctl may create (and the KEK) are for this user only. */
	umask(077);
	log_init("mefctl", LOG_LVL_WARN);
	ctl.config_path = MEFCTL_DEFAULT_CONFIG;
	for (i = 1; i < argc; i++) {
		g = global_option(&ctl, argc, argv, &i);
		if (g < 0)
			return MEFCTL_EXIT_USAGE;
		if (g == 0)
			break;
	}
	if (i >= argc) {
		usage(stderr);
		return MEFCTL_EXIT_USAGE;
	}
	v = verb_find(&ctl, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
	if (v == NULL)
		return MEFCTL_EXIT_USAGE;
	snprintf(cmd, sizeof(cmd), "%s %s", v->noun, v->name);
	ctl.cmd = cmd;
	if (wants_help(argc - i - 2, argv + i + 2)) {
		printf("usage: mefctl [-c FILE] [--json] %s\n", v->synopsis);
		return MEFCTL_EXIT_OK;
	}
	rc = opts_parse(&ctl, v, argc - i - 2, argv + i + 2, &o);
	if (rc == MEF_OK && (v->flags & VERB_CONFIG)) {
		rc = config_load(ctl.config_path, &ctl.cfg, err, sizeof(err));
		if (rc != MEF_OK)
			out_error("%s", err);
	}
	if (rc == MEF_OK)
		rc = v->fn(&ctl, &o);
	if (rc == MEF_OK && (v->flags & VERB_AUDIT))
		rc = mefctl_audit_change(&ctl, v, &o);
	opts_free(&o);
	store_close(&ctl.st);
	wrap_kek_free(&ctl.kek);
	if (rc == MEF_OK)
		return MEFCTL_EXIT_OK;
	return ctl.is_usage ? MEFCTL_EXIT_USAGE : MEFCTL_EXIT_ERROR;
}

/* see mefctl.h */
enum mef_err
mefctl_open_store(struct mefctl *ctl)
{
	char		err[PATH_MAX + 256];
	enum mef_err	rc;

	if (ctl->st != NULL)
		return MEF_OK;
	rc = wrap_kek_load(ctl->cfg.kek_file, &ctl->kek, err, sizeof(err));
	if (rc != MEF_OK) {
		out_error("kek_file %s", err);
		return rc;
	}
	rc = store_open(ctl->cfg.db_url, ctl->kek, &ctl->st);
	if (rc != MEF_OK)
		out_error("cannot open the store %s: %s", ctl->cfg.db_url,
		    mef_strerror(rc));
	return rc;
}

/* see mefctl.h */
enum mef_err
mefctl_open_for(struct mefctl *ctl, const struct opts *o, enum opt_id opt,
    char id[MEF_ID_MAX + 1])
{
	enum mef_err	rc;

	rc = args_ident(opts_name(opt), opts_get(o, opt), id);
	if (rc == MEF_OK)
		rc = mefctl_open_store(ctl);
	return rc;
}

/* see mefctl.h */
enum mef_err
mefctl_on_id(struct mefctl *ctl, const struct opts *o, enum opt_id opt,
    const char *what, enum mef_err (*op)(struct store *st, const char *id),
    char id[MEF_ID_MAX + 1])
{
	enum mef_err	rc;

	rc = mefctl_open_for(ctl, o, opt, id);
	if (rc == MEF_OK)
		rc = out_object_error(op(ctl->st, id), what, id);
	return rc;
}

/*
 * One global option at argv[*pi]: 1 when consumed (*pi moved past its value), 0
 * when argv[*pi] is not an option (the noun), -1 after a usage error. --help
 * and --version exit here.
 */
static int
global_option(struct mefctl *ctl, int argc, char **argv, int *pi)
{
	const char	*a = argv[*pi];

	if (strcmp(a, "--json") == 0) {
		ctl->json = 1;
		return 1;
	}
	if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
		if (*pi + 1 >= argc) {
			out_error("%s needs a file", a);
			return -1;
		}
		ctl->config_path = argv[++*pi];
		return 1;
	}
	if (strncmp(a, "--config=", 9) == 0) {
		ctl->config_path = a + 9;
		return 1;
	}
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		usage(stdout);
		exit(MEFCTL_EXIT_OK);
	}
	if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
		printf("mefctl %s\n", MEF_VERSION);
		exit(MEFCTL_EXIT_OK);
	}
	if (a[0] == '-') {
		out_error("unknown option %s (see mefctl --help)", a);
		return -1;
	}
	return 0;
}

static const struct verb *
verb_find(struct mefctl *ctl, const char *noun, const char *name)
{
	size_t	i;
	int	noun_known = 0;

	for (i = 0; i < NVERBS; i++) {
		if (strcmp(verbs[i].noun, noun) != 0)
			continue;
		noun_known = 1;
		if (name != NULL && strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	}
	ctl->is_usage = 1;
	if (!noun_known)
		out_error("unknown command '%s' (see mefctl --help)", noun);
	else if (name == NULL)
		out_error("'%s' needs a verb (see mefctl --help)", noun);
	else
		out_error("unknown command '%s %s' (see mefctl --help)", noun,
		    name);
	return NULL;
}

static int
wants_help(int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

static void
usage(FILE *fp)
{
	size_t	i;

	fprintf(fp, "usage: mefctl [-c FILE] [--json] COMMAND [OPTIONS]\n\n"
	    "  -c, --config FILE  the mefd configuration (default %s)\n"
	    "  --json             machine-readable output (one JSON document)\n"
	    "  -h, --help         this text; after a command, its synopsis\n"
	    "  -V, --version      the version\n\ncommands:\n",
	    MEFCTL_DEFAULT_CONFIG);
	for (i = 0; i < NVERBS; i++)
		fprintf(fp, "  mefctl %s\n", verbs[i].synopsis);
	fprintf(fp, "\nKpm and PSK: 16 to 64 bytes in hex (files: hex, "
	    "surrounding whitespace ignored).\nA certificate Enrolee is bound "
	    "by its certificate's SHA-256 fingerprint (colons\nallowed), or by "
	    "a trust anchor (a device CA in PEM, with optional PEM CRLs) and\n"
	    "the identity in its certificate (subject CN or a SAN, per anchor);"
	    " its --kpm-id\nhandle defaults to sha256:<hex> or "
	    "<anchor>/<identity>.\nKey bytes are never printed. "
	    "Exit status: 0 success, 1 error, 2 usage.\n");
}
