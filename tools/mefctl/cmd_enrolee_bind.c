/*
 * cmd_enrolee_bind.c -- how an Enrolee authenticates, for mefctl enrolee.
 *
 * enrolee add takes exactly one binding: a Kpm (TLS-PSK), the SHA-256
 * fingerprint of the device certificate, or a trust anchor plus the identity
 * its certificates carry (TS-0003 8.3.2.2). A certificate Enrolee needs no
 * --kpm-id: its handle is then derived from the binding, so one certificate
 * always gets the same name. show and list print the binding, never key bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mefctl.h"
#include "util/hex.h"

#define FP_HEX_SIZE	(2 * DIGEST_SHA256_LEN + 1)

static enum mef_err	bind_mode(struct mefctl *ctl, const struct opts *o,
			    enum store_binding *pbinding);
static enum mef_err	bind_anchor(const struct opts *o,
			    struct store_enrolee *e);
static enum mef_err	bind_handle(const struct opts *o,
			    struct store_enrolee *e);

/* see mefctl.h */
enum mef_err
cmd_enrolee_bind_opts(struct mefctl *ctl, const struct opts *o,
    struct store_enrolee *e, struct mef_secret **pkpm)
{
	enum mef_err	rc;

	rc = bind_mode(ctl, o, &e->binding);
	if (rc != MEF_OK)
		return rc;
	switch (e->binding) {
	case STORE_BIND_KPM:
		rc = args_ident("kpm-id", opts_get(o, OPT_KPM_ID), e->kpm_id);
		if (rc == MEF_OK)
			rc = args_key(o, OPT_KPM, OPT_KPM_FILE, "Kpm", pkpm);
		return rc;
	case STORE_BIND_FINGERPRINT:
		rc = args_fingerprint(opts_get(o, OPT_CERT_FP), e->fingerprint);
		break;
	case STORE_BIND_ANCHOR:
		rc = bind_anchor(o, e);
		break;
	}
	if (rc == MEF_OK)
		rc = bind_handle(o, e);
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_bind_unused(struct mefctl *ctl, const struct store_enrolee *e)
{
	struct store_enrolee	*other;
	enum mef_err		 rc;

	other = calloc(1, sizeof(*other));
	if (other == NULL)
		return MEF_E_NOMEM;
	rc = store_enrolee_get(ctl->st, e->kpm_id, other, NULL);
	if (rc == MEF_OK)
		out_error("enrolee '%s' already exists", e->kpm_id);
	if (rc == MEF_E_NOTFOUND && e->binding == STORE_BIND_FINGERPRINT) {
		rc = store_enrolee_by_fingerprint(ctl->st, e->fingerprint,
		    other);
		if (rc == MEF_OK)
			out_error("that certificate fingerprint is already "
			    "bound to enrolee '%s'", other->kpm_id);
	}
	if (rc == MEF_E_NOTFOUND && e->binding == STORE_BIND_ANCHOR) {
		rc = store_enrolee_by_anchor(ctl->st, e->anchor,
		    e->cert_identity, other);
		if (rc == MEF_OK)
			out_error("identity '%s' under anchor '%s' is already "
			    "bound to enrolee '%s'", e->cert_identity,
			    e->anchor, other->kpm_id);
	}
	free(other);
	if (rc == MEF_OK)
		return MEF_E_EXISTS;
	if (rc != MEF_E_NOTFOUND)
		return out_store_error(rc, "enrolee");
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_bind_json(json_t *obj, const struct store_enrolee *e)
{
	char	fp[FP_HEX_SIZE];
	int	bad;

	bad = json_object_set_new(obj, "binding",
	    json_string(store_binding_name(e->binding)));
	if (e->binding == STORE_BIND_FINGERPRINT &&
	    hex_encode(e->fingerprint, sizeof(e->fingerprint), 0, fp,
	    sizeof(fp)) == MEF_OK)
		bad |= json_object_set_new(obj, "cert_fingerprint",
		    json_string(fp));
	else
		bad |= json_object_set_new(obj, "cert_fingerprint",
		    json_null());
	bad |= json_object_set_new(obj, "anchor",
	    e->binding == STORE_BIND_ANCHOR ? json_string(e->anchor) :
	    json_null());
	bad |= json_object_set_new(obj, "cert_identity",
	    e->binding == STORE_BIND_ANCHOR ? json_string(e->cert_identity) :
	    json_null());
	return bad == 0 ? MEF_OK : MEF_E_NOMEM;
}

/* see mefctl.h */
const char *
cmd_enrolee_bind_text(const struct store_enrolee *e, char *buf, size_t bufsz)
{
	char	fp[FP_HEX_SIZE];

	if (e->binding == STORE_BIND_FINGERPRINT &&
	    hex_encode(e->fingerprint, sizeof(e->fingerprint), 0, fp,
	    sizeof(fp)) == MEF_OK)
		snprintf(buf, bufsz, "sha256:%s", fp);
	else if (e->binding == STORE_BIND_ANCHOR)
		snprintf(buf, bufsz, "anchor:%s/%s", e->anchor,
		    e->cert_identity);
	else
		snprintf(buf, bufsz, "%s", store_binding_name(e->binding));
	return buf;
}

/* Which binding the options ask for; exactly one, whole. */
static enum mef_err
bind_mode(struct mefctl *ctl, const struct opts *o,
    enum store_binding *pbinding)
{
	int	is_kpm, is_fp, is_anchor;

	is_kpm = opts_has(o, OPT_KPM) || opts_has(o, OPT_KPM_FILE);
	is_fp = opts_has(o, OPT_CERT_FP);
	is_anchor = opts_has(o, OPT_ANCHOR) || opts_has(o, OPT_CERT_IDENTITY);
	if (is_kpm + is_fp + is_anchor != 1)
		return out_usage(ctl, "give one of --kpm, --kpm-file, "
		    "--cert-fingerprint, or --anchor with --cert-identity");
	if (opts_has(o, OPT_KPM) && opts_has(o, OPT_KPM_FILE))
		return out_usage(ctl, "give one of --kpm and --kpm-file");
	if (is_kpm && !opts_has(o, OPT_KPM_ID))
		return out_usage(ctl, "--kpm-id is required");
	if (is_anchor && !opts_has(o, OPT_ANCHOR))
		return out_usage(ctl, "--cert-identity needs --anchor");
	if (is_anchor && !opts_has(o, OPT_CERT_IDENTITY))
		return out_usage(ctl, "--anchor needs --cert-identity");
	*pbinding = is_kpm ? STORE_BIND_KPM : is_fp ? STORE_BIND_FINGERPRINT :
	    STORE_BIND_ANCHOR;
	return MEF_OK;
}

static enum mef_err
bind_anchor(const struct opts *o, struct store_enrolee *e)
{
	enum mef_err	rc;

	rc = args_ident("anchor", opts_get(o, OPT_ANCHOR), e->anchor);
	if (rc == MEF_OK)
		rc = args_ident("cert-identity", opts_get(o, OPT_CERT_IDENTITY),
		    e->cert_identity);
	return rc;
}

/* --kpm-id, or the handle the binding gives: "sha256:<hex>", "<a>/<id>". */
static enum mef_err
bind_handle(const struct opts *o, struct store_enrolee *e)
{
	char	fp[FP_HEX_SIZE];
	int	n;

	if (opts_has(o, OPT_KPM_ID))
		return args_ident("kpm-id", opts_get(o, OPT_KPM_ID), e->kpm_id);
	if (e->binding == STORE_BIND_FINGERPRINT) {
		if (hex_encode(e->fingerprint, sizeof(e->fingerprint), 0, fp,
		    sizeof(fp)) != MEF_OK)
			return MEF_E_INVAL;
		n = snprintf(e->kpm_id, sizeof(e->kpm_id), "sha256:%s", fp);
	} else
		n = snprintf(e->kpm_id, sizeof(e->kpm_id), "%s/%s", e->anchor,
		    e->cert_identity);
	if (n < 0 || (size_t)n >= sizeof(e->kpm_id)) {
		out_error("the handle '<anchor>/<identity>' would be longer "
		    "than %d bytes: name it with --kpm-id", MEF_ID_MAX);
		return MEF_E_TOOBIG;
	}
	return MEF_OK;
}
