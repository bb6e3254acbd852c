/*
 * opts.c -- the options of mefctl's verbs: one table, one parser.
 *
 * Every option takes a value, as "--name VALUE" or "--name=VALUE". A secret
 * option's value (a key in hex) is copied into a struct mef_secret and wiped
 * from argv as soon as it is read, so it does not linger in /proc/<pid>/cmdline
 * while mefctl runs.
 */
#include <string.h>

#include "mefctl.h"

static const struct {
	const char	*name;
	int		 is_secret;
} opt_defs[OPT_COUNT] = {
	[OPT_KPM_ID] = { "kpm-id", 0 },
	[OPT_KPM] = { "kpm", 1 },
	[OPT_KPM_FILE] = { "kpm-file", 0 },
	[OPT_ENROLEE_ID] = { "enrolee-id", 0 },
	[OPT_TARGET] = { "target", 0 },
	[OPT_LIFETIME] = { "lifetime", 0 },
	[OPT_SUID] = { "suid", 0 },
	[OPT_ID] = { "id", 0 },
	[OPT_KIND] = { "kind", 0 },
	[OPT_FQDN] = { "fqdn", 0 },
	[OPT_PSK_ID] = { "psk-id", 0 },
	[OPT_PSK] = { "psk", 1 },
	[OPT_PSK_FILE] = { "psk-file", 0 },
	[OPT_CERT_FP] = { "cert-fingerprint", 0 },
	[OPT_ANCHOR] = { "anchor", 0 },
	[OPT_CERT_IDENTITY] = { "cert-identity", 0 },
	[OPT_NAME] = { "name", 0 },
	[OPT_CA] = { "ca", 0 },
	[OPT_CRL] = { "crl", 0 },
	[OPT_IDENTITY] = { "identity", 0 },
	[OPT_FILE] = { "file", 0 },
	[OPT_EXPECT_HEAD] = { "expect-head", 0 },
};

static int		opt_lookup(const char *name, size_t len);
static enum mef_err	opt_store(struct mefctl *ctl, const struct verb *v,
			    struct opts *o, int id, char *value);
static enum mef_err	opts_finish(struct mefctl *ctl, const struct verb *v,
			    const struct opts *o);

/* see mefctl.h */
enum mef_err
opts_parse(struct mefctl *ctl, const struct verb *v, int argc, char **argv,
    struct opts *o)
{
	const char	*name, *eq;
	char		*value;
	enum mef_err	 rc = MEF_OK;
	size_t		 len;
	int		 i, id;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc && rc == MEF_OK; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			ctl->json = 1;
			continue;
		}
		if (strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc)
				return out_usage(ctl, "%s needs a file",
				    argv[i]);
			ctl->config_path = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			ctl->config_path = argv[i] + 9;
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (argv[i][0] == '-' && argv[i][1] != '\0')
				return out_usage(ctl, "unknown option %s",
				    argv[i]);
			if (o->npos == v->npos || o->npos == OPT_POS_MAX)
				return out_usage(ctl, "unexpected argument "
				    "'%s'", argv[i]);
			o->pos[o->npos++] = argv[i];
			continue;
		}
		name = argv[i] + 2;
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		id = opt_lookup(name, len);
		if (id < 0 || !(v->allowed & OPT_BIT(id)))
			return out_usage(ctl, "unknown option --%.*s", (int)len,
			    name);
		if (eq != NULL)
			value = argv[i] + 2 + len + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return out_usage(ctl, "--%s needs a value",
			    opt_defs[id].name);
		rc = opt_store(ctl, v, o, id, value);
	}
	if (rc == MEF_OK)
		rc = opts_finish(ctl, v, o);
	return rc;
}

/* see mefctl.h */
const char *
opts_get(const struct opts *o, enum opt_id opt)
{
	return o->n[opt] > 0 ? o->val[opt][0] : NULL;
}

/* see mefctl.h */
int
opts_has(const struct opts *o, enum opt_id opt)
{
	return o->n[opt] > 0;
}

/* see mefctl.h */
const char *
opts_name(enum opt_id opt)
{
	return opt_defs[opt].name;
}

/* see mefctl.h */
void
opts_free(struct opts *o)
{
	size_t	i;

	for (i = 0; i < OPT_COUNT; i++)
		mef_secret_free(&o->secret[i]);
}

static int
opt_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < OPT_COUNT; i++)
		if (strlen(opt_defs[i].name) == len &&
		    strncmp(opt_defs[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Records one value; a secret is copied and wiped from argv first of all. */
static enum mef_err
opt_store(struct mefctl *ctl, const struct verb *v, struct opts *o, int id,
    char *value)
{
	size_t		len = strlen(value);
	enum mef_err	rc = MEF_OK;

	if (opt_defs[id].is_secret) {
		if (o->n[id] == 0 && len > 0)
			rc = mef_secret_new(value, len, &o->secret[id]);
		mef_wipe(value, len);
		if (len == 0) {
			out_error("--%s: empty value", opt_defs[id].name);
			return MEF_E_INVAL;
		}
		if (rc != MEF_OK) {
			out_error("--%s: too long", opt_defs[id].name);
			return rc;
		}
	}
	if (o->n[id] > 0 && !(v->repeat & OPT_BIT(id)))
		return out_usage(ctl, "--%s given twice", opt_defs[id].name);
	if (o->n[id] == OPT_VALUES_MAX)
		return out_usage(ctl, "--%s given more than %d times",
		    opt_defs[id].name, OPT_VALUES_MAX);
	o->val[id][o->n[id]++] = opt_defs[id].is_secret ? NULL : value;
	return MEF_OK;
}

static enum mef_err
opts_finish(struct mefctl *ctl, const struct verb *v, const struct opts *o)
{
	size_t	i;

	for (i = 0; i < OPT_COUNT; i++)
		if ((v->required & OPT_BIT(i)) && o->n[i] == 0)
			return out_usage(ctl, "--%s is required",
			    opt_defs[i].name);
	if (o->npos < v->npos)
		return out_usage(ctl, "missing argument (usage: mefctl %s)",
		    v->synopsis);
	return MEF_OK;
}
