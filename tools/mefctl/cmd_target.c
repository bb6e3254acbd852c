/*
 * cmd_target.c -- mefctl target add | list | remove.
 *
 * A Target authenticates to the MEF either with a PSK (identity and key) or
 * with a certificate, named by its SHA-256 fingerprint; add takes exactly one
 * of the two. A clash (same ID, PSK identity or fingerprint) is reported by
 * name before writing.
 */
#include <stdio.h>
#include <string.h>

#include "mefctl.h"
#include "util/hex.h"

static enum mef_err	target_from_opts(struct mefctl *ctl,
			    const struct opts *o, struct store_target *t,
			    struct mef_secret **ppsk);
static enum mef_err	target_clash(struct mefctl *ctl,
			    const struct store_target *t);
static json_t		*target_json(const struct store_target *t);
static enum mef_err	target_list_cb(void *arg,
			    const struct store_target *t);

/* see mefctl.h */
enum mef_err
cmd_target_add(struct mefctl *ctl, const struct opts *o)
{
	struct store_target	 t;
	struct mef_secret	*psk = NULL;
	enum mef_err		 rc;

	rc = target_from_opts(ctl, o, &t, &psk);
	if (rc == MEF_OK)
		rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = target_clash(ctl, &t);
	if (rc != MEF_OK)
		goto out;
	rc = store_target_add(ctl->st, &t, psk);
	if (rc == MEF_E_EXISTS)
		out_error("target '%s', its PSK identity or its fingerprint is "
		    "already registered", t.id);
	else if (rc != MEF_OK)
		out_store_error(rc, "target");
	if (rc == MEF_OK)
		rc = out_result(ctl, target_json(&t), "target %s added (%s, "
		    "%s)\n", t.id, store_kind_name(t.kind),
		    psk != NULL ? "PSK" : "certificate");
out:
	mef_secret_free(&psk);
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_target_list(struct mefctl *ctl, const struct opts *o)
{
	struct list_ctx	lc;
	enum mef_err	rc;

	rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = out_list_begin(ctl, &lc, "%-24s %-4s %-28s %s\n", "ID",
		    "KIND", "FQDN", "AUTH");
	if (rc != MEF_OK)
		return rc;
	rc = store_target_list(ctl->st, target_list_cb, &lc);
	return out_list_end(&lc, rc, "target list");
}

/* see mefctl.h */
enum mef_err
cmd_target_remove(struct mefctl *ctl, const struct opts *o)
{
	char		id[MEF_ID_MAX + 1];
	enum mef_err	rc;

	rc = mefctl_on_id(ctl, o, OPT_ID, "target", store_target_remove, id);
	if (rc != MEF_OK)
		return rc;
	return out_result(ctl, json_pack("{s:s, s:b}", "id", id, "removed",
	    1), "target %s removed, with its links to enrolees\n", id);
}

static enum mef_err
target_from_opts(struct mefctl *ctl, const struct opts *o,
    struct store_target *t, struct mef_secret **ppsk)
{
	int		by_psk = opts_has(o, OPT_PSK_ID);
	int		by_cert = opts_has(o, OPT_CERT_FP);
	int		nkeys = opts_has(o, OPT_PSK) +
			    opts_has(o, OPT_PSK_FILE);
	enum mef_err	rc;

	if (by_psk == by_cert)
		return out_usage(ctl, "give --psk-id (with --psk or "
		    "--psk-file) or --cert-fingerprint");
	if (by_psk && nkeys == 0)
		return out_usage(ctl, "--psk-id needs --psk or --psk-file");
	if (nkeys > 1)
		return out_usage(ctl, "give only one of --psk and --psk-file");
	if (by_cert && nkeys != 0)
		return out_usage(ctl, "--psk and --psk-file go with --psk-id");
	memset(t, 0, sizeof(*t));
	t->kind = MEF_TARGET_CSE;
	rc = args_ident("id", opts_get(o, OPT_ID), t->id);
	if (rc == MEF_OK && opts_has(o, OPT_KIND) &&
	    store_kind_parse(opts_get(o, OPT_KIND), &t->kind) != MEF_OK) {
		out_error("--kind: '%.16s' is not one of cse, ae, maf",
		    opts_get(o, OPT_KIND));
		rc = MEF_E_INVAL;
	}
	if (rc == MEF_OK && opts_has(o, OPT_FQDN))
		rc = args_fqdn(opts_get(o, OPT_FQDN), t->fqdn);
	if (rc == MEF_OK && by_psk)
		rc = args_ident("psk-id", opts_get(o, OPT_PSK_ID), t->psk_id);
	if (rc == MEF_OK && by_psk)
		rc = args_key(o, OPT_PSK, OPT_PSK_FILE, "PSK", ppsk);
	if (rc == MEF_OK && by_cert) {
		rc = args_fingerprint(opts_get(o, OPT_CERT_FP), t->fingerprint);
		t->has_fingerprint = 1;
	}
	return rc;
}

/* Names the registered Target a new one would clash with. */
static enum mef_err
target_clash(struct mefctl *ctl, const struct store_target *t)
{
	struct store_target	 other;
	struct mef_secret	*psk = NULL;
	enum mef_err		 rc;

	rc = store_target_get(ctl->st, t->id, &other);
	if (rc == MEF_OK) {
		out_error("target '%s' already exists", t->id);
		return MEF_E_EXISTS;
	}
	if (rc == MEF_E_NOTFOUND && t->psk_id[0] != '\0') {
		rc = store_target_by_psk_id(ctl->st, t->psk_id, &other, &psk);
		mef_secret_free(&psk);
		if (rc == MEF_OK) {
			out_error("PSK identity '%s' is already used by target "
			    "'%s'", t->psk_id, other.id);
			return MEF_E_EXISTS;
		}
	}
	if (rc == MEF_E_NOTFOUND && t->has_fingerprint) {
		rc = store_target_by_fingerprint(ctl->st, t->fingerprint,
		    &other);
		if (rc == MEF_OK) {
			out_error("that certificate fingerprint is already "
			    "registered for target '%s'", other.id);
			return MEF_E_EXISTS;
		}
	}
	if (rc != MEF_E_NOTFOUND)
		return out_store_error(rc, "target");
	return MEF_OK;
}

static json_t *
target_json(const struct store_target *t)
{
	json_t	*obj;
	char	 fp[2 * DIGEST_SHA256_LEN + 1];

	obj = json_pack("{s:s, s:s}", "id", t->id, "kind",
	    store_kind_name(t->kind));
	if (obj == NULL)
		return NULL;
	json_object_set_new(obj, "fqdn", t->fqdn[0] != '\0' ?
	    json_string(t->fqdn) : json_null());
	json_object_set_new(obj, "psk_id", t->psk_id[0] != '\0' ?
	    json_string(t->psk_id) : json_null());
	if (t->has_fingerprint && hex_encode(t->fingerprint,
	    sizeof(t->fingerprint), 0, fp, sizeof(fp)) == MEF_OK)
		json_object_set_new(obj, "cert_fingerprint", json_string(fp));
	else
		json_object_set_new(obj, "cert_fingerprint", json_null());
	return obj;
}

static enum mef_err
target_list_cb(void *arg, const struct store_target *t)
{
	struct list_ctx	*lc = arg;
	char		 fp[2 * DIGEST_SHA256_LEN + 1];

	if (lc->arr != NULL)
		return json_array_append_new(lc->arr, target_json(t)) == 0 ?
		    MEF_OK : MEF_E_NOMEM;
	printf("%-24s %-4s %-28s", t->id, store_kind_name(t->kind),
	    t->fqdn[0] != '\0' ? t->fqdn : "-");
	if (t->psk_id[0] != '\0')
		printf(" psk:%s", t->psk_id);
	if (t->has_fingerprint && hex_encode(t->fingerprint,
	    sizeof(t->fingerprint), 0, fp, sizeof(fp)) == MEF_OK)
		printf(" cert:%s", fp);
	printf("\n");
	return MEF_OK;
}
