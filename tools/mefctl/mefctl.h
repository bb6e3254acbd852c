/*
 * mefctl.h -- internals of the operator CLI, shared by its files (not an
 * interface).
 *
 * mefctl.c holds main() and the table of verbs; opts.c the table of options and
 * the parser; args.c the checks that turn option text into identifiers, keys
 * and numbers; out.c errors, times and JSON; one cmd_<noun>.c per noun. Every
 * check runs before the store is opened, so bad input changes nothing, not even
 * by creating the file.
 */
#ifndef MEF_TOOLS_MEFCTL_H
#define MEF_TOOLS_MEFCTL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "daemon/config.h"
#include "mef/error.h"
#include "mef/limits.h"
#include "store/store.h"
#include "util/secret.h"

#define MEFCTL_DEFAULT_CONFIG	"/etc/mef/mefd.conf"
#define MEFCTL_EXIT_OK		0
#define MEFCTL_EXIT_ERROR	1
#define MEFCTL_EXIT_USAGE	2

#define ARGS_KEY_MIN		16	/* bytes of a Kpm or Target PSK */
#define ARGS_KEY_MAX		64
#define ARGS_LIFETIME_MAX	315360000	/* ten years, as the config */

enum opt_id {
	OPT_KPM_ID = 0,
	OPT_KPM,
	OPT_KPM_FILE,
	OPT_ENROLEE_ID,
	OPT_TARGET,
	OPT_LIFETIME,
	OPT_SUID,
	OPT_ID,
	OPT_KIND,
	OPT_FQDN,
	OPT_PSK_ID,
	OPT_PSK,
	OPT_PSK_FILE,
	OPT_CERT_FP,
	OPT_ANCHOR,
	OPT_CERT_IDENTITY,
	OPT_NAME,
	OPT_CA,
	OPT_CRL,
	OPT_IDENTITY,
	OPT_FILE,
	OPT_EXPECT_HEAD,
	OPT_COUNT
};

#define OPT_BIT(o)	(1U << (o))
#define OPT_VALUES_MAX	MEF_TARGETS_MAX	/* values of one repeatable option */
#define OPT_POS_MAX	2

/* Parsed verb options. Secret values (hex keys) live only in secret[]. */
struct opts {
	const char		*val[OPT_COUNT][OPT_VALUES_MAX];
	size_t			 n[OPT_COUNT];
	struct mef_secret	*secret[OPT_COUNT];	/* hex text, wiped */
	const char		*pos[OPT_POS_MAX];
	size_t			 npos;
};

struct mefctl {
	const char		*config_path;
	int			 json;
	int			 is_usage;	/* a usage error: exit 2 */
	const char		*cmd;		/* "enrolee add" */
	struct mef_config	 cfg;
	struct wrap_kek		*kek;
	struct store		*st;
};

#define VERB_CONFIG	0x01	/* reads the config file */
#define VERB_AUDIT	0x02	/* a change: written to the audit log */

struct verb {
	const char	*noun;
	const char	*name;
	enum mef_err	(*fn)(struct mefctl *ctl, const struct opts *o);
	unsigned	 allowed;	/* OPT_BITs */
	unsigned	 required;
	unsigned	 repeat;
	size_t		 npos;		/* positional arguments */
	unsigned	 flags;
	const char	*synopsis;
};

/* mefctl.c */
enum mef_err	mefctl_open_store(struct mefctl *ctl);
/* Checks the identifier option opt into id, then opens the store. */
enum mef_err	mefctl_open_for(struct mefctl *ctl, const struct opts *o,
		    enum opt_id opt, char id[MEF_ID_MAX + 1]);
/*
 * mefctl_open_for(), then op on the what named id in the store; says which
 * when there is none (out_object_error()).
 */
enum mef_err	mefctl_on_id(struct mefctl *ctl, const struct opts *o,
		    enum opt_id opt, const char *what,
		    enum mef_err (*op)(struct store *st, const char *id),
		    char id[MEF_ID_MAX + 1]);

/*
 * cmd_audit.c: after v succeeded, its audit entry ("<noun>-<verb>", the
 * identities among o) when [audit] file is set; says so when it cannot.
 */
enum mef_err	mefctl_audit_change(struct mefctl *ctl, const struct verb *v,
		    const struct opts *o);

/* opts.c */
/*
 * Parses argv[0..argc-1] (what follows the noun and verb) against v. --json and
 * -c/--config are also accepted here and set in ctl. Secret option values are
 * copied into o->secret and wiped from argv at once. Usage errors print and set
 * is_usage.
 */
enum mef_err	opts_parse(struct mefctl *ctl, const struct verb *v, int argc,
		    char **argv, struct opts *o);
/* The first value of opt, or NULL. */
const char	*opts_get(const struct opts *o, enum opt_id opt);
int		 opts_has(const struct opts *o, enum opt_id opt);
const char	*opts_name(enum opt_id opt);
void		 opts_free(struct opts *o);

/* args.c: each prints "mefctl: ..." on bad input. */
enum mef_err	args_ident(const char *label, const char *value,
		    char out[MEF_ID_MAX + 1]);
enum mef_err	args_key(const struct opts *o, enum opt_id hex_opt,
		    enum opt_id file_opt, const char *what,
		    struct mef_secret **pkey);
enum mef_err	args_u64(const char *label, const char *value, uint64_t min,
		    uint64_t max, uint64_t *pvalue);
enum mef_err	args_fingerprint(const char *value,
		    unsigned char fp[DIGEST_SHA256_LEN]);
enum mef_err	args_fqdn(const char *value, char out[MEF_FQDN_MAX + 1]);
/*
 * The file at path (option label), at most STORE_PEM_MAX bytes, into a new
 * NUL-terminated *ptext the caller frees; check (crypto/x509_check.h) must
 * accept it.
 */
enum mef_err	args_pem_file(const char *label, const char *path,
		    enum mef_err (*check)(const char *pem, size_t len,
		    char *err, size_t errsz), char **ptext, size_t *plen);

/* out.c */
void		out_error(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
enum mef_err	out_usage(struct mefctl *ctl, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Prints root as one JSON document on stdout and releases it. */
enum mef_err	out_json(json_t *root);
/* "2025-01-01T12:00:00Z" into buf (at least OUT_TIME_MAX bytes). */
#define OUT_TIME_MAX	32
const char	*out_time(int64_t t, char *buf, size_t bufsz);
/* A store error as a message about what (e.g. "enrolee 'dev1'"). */
enum mef_err	out_store_error(enum mef_err rc, const char *what);
/*
 * rc of a store call on the what named id: "no such what 'id'" when there is
 * none, otherwise as out_store_error(); nothing for MEF_OK. Returns rc.
 */
enum mef_err	out_object_error(enum mef_err rc, const char *what,
		    const char *id);
/*
 * What a command did: obj as the JSON document when ctl->json, else the line
 * fmt. Releases obj either way; a NULL obj is out of memory only for JSON.
 */
enum mef_err	out_result(struct mefctl *ctl, json_t *obj, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

/* What a list callback needs: JSON array to fill, or NULL to print rows. */
struct list_ctx {
	struct mefctl	*ctl;
	json_t		*arr;
	int64_t		 now;
};

/*
 * Starts a list: lc with an empty JSON array when ctl->json, else prints the
 * header row fmt. MEF_E_NOMEM when the array cannot be had.
 */
enum mef_err	out_list_begin(struct mefctl *ctl, struct list_ctx *lc,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Ends a list the store ran with rc: prints the JSON array, or on failure
 * releases it and says what failed. Returns rc.
 */
enum mef_err	out_list_end(struct list_ctx *lc, enum mef_err rc,
		    const char *what);

/* cmd_*.c */
enum mef_err	cmd_enrolee_add(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_enrolee_list(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_enrolee_show(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_enrolee_revoke(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_enrolee_remove(struct mefctl *ctl, const struct opts *o);
/* The Enrolee id (without its Kpm) into a new *pe; says when there is none. */
enum mef_err	cmd_enrolee_find(struct mefctl *ctl, const char *id,
		    struct store_enrolee **pe);
/*
 * The binding of enrolee add: exactly one of --kpm/--kpm-file (into *pkpm),
 * --cert-fingerprint, or --anchor with --cert-identity; sets e->binding, its
 * fields and e->kpm_id (--kpm-id, or the certificate handle "sha256:<hex>" or
 * "<anchor>/<identity>").
 */
enum mef_err	cmd_enrolee_bind_opts(struct mefctl *ctl, const struct opts *o,
		    struct store_enrolee *e, struct mef_secret **pkpm);
/* Clear messages for a handle, fingerprint or anchor identity already taken. */
enum mef_err	cmd_enrolee_bind_unused(struct mefctl *ctl,
		    const struct store_enrolee *e);
/* Adds "binding", "cert_fingerprint", "anchor", "cert_identity" to obj. */
enum mef_err	cmd_enrolee_bind_json(json_t *obj,
		    const struct store_enrolee *e);
/* "kpm", "sha256:<hex>" or "anchor:<name>/<identity>" into buf. */
const char	*cmd_enrolee_bind_text(const struct store_enrolee *e, char *buf,
		    size_t bufsz);
#define CMD_BIND_TEXT_MAX	(2 * MEF_ID_MAX + 16)
enum mef_err	cmd_anchor_add(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_anchor_list(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_anchor_remove(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_target_add(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_target_list(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_target_remove(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_keys_list(struct mefctl *ctl, const struct opts *o);
/* One Ke as a JSON object (lc->arr) or a text row; never key bytes. */
enum mef_err	cmd_keys_list_cb(void *arg, const struct store_key *k);
enum mef_err	cmd_kek_generate(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_audit_verify(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_config_check(struct mefctl *ctl, const struct opts *o);
enum mef_err	cmd_config_show(struct mefctl *ctl, const struct opts *o);

#endif /* MEF_TOOLS_MEFCTL_H */
