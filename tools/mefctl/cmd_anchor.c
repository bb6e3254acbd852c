/*
 * cmd_anchor.c -- mefctl anchor add | list | remove.
 *
 * A trust anchor is a device CA for certificate Enrolees bound by anchor and
 * identity. add reads the CA file (and the CRL file, if any) and checks that
 * they parse as PEM CA certificates and PEM CRLs before anything is written:
 * mefd should never meet an anchor it cannot load. An anchor holds no secret;
 * list still prints only its name, settings and sizes, not the PEM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/x509_check.h"
#include "mefctl.h"
#include "util/clock.h"

static json_t		*anchor_json(const struct store_anchor *a);
static enum mef_err	anchor_list_cb(void *arg, const struct store_anchor *a);

/* see mefctl.h */
enum mef_err
cmd_anchor_add(struct mefctl *ctl, const struct opts *o)
{
	struct store_anchor	a;
	char			*ca = NULL, *crl = NULL;
	enum mef_err		 rc;

	memset(&a, 0, sizeof(a));
	rc = args_ident("name", opts_get(o, OPT_NAME), a.name);
	if (rc == MEF_OK && store_identity_parse(opts_get(o, OPT_IDENTITY),
	    &a.identity) != MEF_OK) {
		out_error("--identity: '%.32s' is not cn or san",
		    opts_get(o, OPT_IDENTITY));
		rc = MEF_E_INVAL;
	}
	if (rc == MEF_OK)
		rc = args_pem_file("ca", opts_get(o, OPT_CA), x509_pem_certs_ok,
		    &ca, &a.ca_pem_len);
	if (rc == MEF_OK && opts_has(o, OPT_CRL))
		rc = args_pem_file("crl", opts_get(o, OPT_CRL),
		    x509_pem_crls_ok, &crl, &a.crl_pem_len);
	if (rc == MEF_OK)
		rc = mefctl_open_store(ctl);
	if (rc != MEF_OK)
		goto out;
	a.ca_pem = ca;
	a.crl_pem = crl;
	a.created = clock_wall_s();
	rc = store_anchor_add(ctl->st, &a);
	if (rc == MEF_E_EXISTS)
		out_error("anchor '%s' already exists", a.name);
	else if (rc != MEF_OK)
		out_store_error(rc, "anchor");
	if (rc == MEF_OK)
		rc = out_result(ctl, anchor_json(&a), "anchor %s added: "
		    "identity %s, CA %zu bytes, %s\n", a.name,
		    store_identity_name(a.identity), a.ca_pem_len,
		    crl != NULL ? "with CRL" : "no CRL");
out:
	free(ca);
	free(crl);
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_anchor_list(struct mefctl *ctl, const struct opts *o)
{
	struct list_ctx	lc;
	enum mef_err	rc;

	(void)o;
	rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = out_list_begin(ctl, &lc, "%-24s %-8s %10s %10s %s\n",
		    "NAME", "IDENTITY", "CA-BYTES", "CRL-BYTES", "CREATED");
	if (rc != MEF_OK)
		return rc;
	rc = store_anchor_list(ctl->st, anchor_list_cb, &lc);
	return out_list_end(&lc, rc, "anchor list");
}

/* see mefctl.h */
enum mef_err
cmd_anchor_remove(struct mefctl *ctl, const struct opts *o)
{
	char		name[MEF_ID_MAX + 1];
	enum mef_err	rc;

	rc = mefctl_open_for(ctl, o, OPT_NAME, name);
	if (rc != MEF_OK)
		return rc;
	rc = store_anchor_remove(ctl->st, name);
	if (rc == MEF_E_EXISTS)
		out_error("anchor '%s' is still used by enrolees: remove them "
		    "first", name);
	else
		out_object_error(rc, "anchor", name);
	if (rc != MEF_OK)
		return rc;
	return out_result(ctl, json_pack("{s:s, s:b}", "name", name,
	    "removed", 1), "anchor %s removed\n", name);
}

static json_t *
anchor_json(const struct store_anchor *a)
{
	return json_pack("{s:s, s:s, s:I, s:o, s:I}", "name", a->name,
	    "identity", store_identity_name(a->identity), "ca_bytes",
	    (json_int_t)a->ca_pem_len, "crl_bytes", a->crl_pem != NULL ?
	    json_integer((json_int_t)a->crl_pem_len) : json_null(),
	    "created", (json_int_t)a->created);
}

static enum mef_err
anchor_list_cb(void *arg, const struct store_anchor *a)
{
	struct list_ctx	*lc = arg;
	char		 created[OUT_TIME_MAX], crl[24];

	if (lc->arr != NULL)
		return json_array_append_new(lc->arr, anchor_json(a)) == 0 ?
		    MEF_OK : MEF_E_NOMEM;
	if (a->crl_pem != NULL)
		snprintf(crl, sizeof(crl), "%zu", a->crl_pem_len);
	else
		snprintf(crl, sizeof(crl), "-");
	printf("%-24s %-8s %10zu %10s %s\n", a->name,
	    store_identity_name(a->identity), a->ca_pem_len, crl,
	    out_time(a->created, created, sizeof(created)));
	return MEF_OK;
}
