/*
 * cmd_enrolee.c -- mefctl enrolee add | list | show | revoke | remove.
 *
 * add checks every value (identifiers, binding, lifetime, SUIDs) and that
 * every Target is registered before it writes; the store then adds the Enrolee
 * and its links in one transaction. The binding (Kpm or certificate) is
 * cmd_enrolee_bind.c's. Nothing here prints the Kpm: show reads the Enrolee
 * without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mefctl.h"
#include "protocol/fetch_path.h"
#include "util/clock.h"

static enum mef_err	enrolee_from_opts(struct mefctl *ctl,
			    const struct opts *o, struct store_enrolee *e,
			    unsigned long *suids, size_t *pnsuids);
static enum mef_err	enrolee_suids(const struct opts *o,
			    unsigned long *suids, size_t *pnsuids);
static enum mef_err	enrolee_targets_known(struct mefctl *ctl,
			    const struct store_enrolee *e);
static json_t		*enrolee_json(const struct store_enrolee *e,
			    int with_targets);
static enum mef_err	enrolee_list_cb(void *arg,
			    const struct store_enrolee *e);
static void		enrolee_print(const struct store_enrolee *e);
static enum mef_err	revoke_now(struct store *st, const char *kpm_id);

/* see mefctl.h */
enum mef_err
cmd_enrolee_add(struct mefctl *ctl, const struct opts *o)
{
	struct store_enrolee	*e = NULL;
	struct mef_secret	*kpm = NULL;
	unsigned long		 suids[STORE_SUIDS_MAX];
	char			 bind[CMD_BIND_TEXT_MAX];
	size_t			 nsuids = 0;
	enum mef_err		 rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	rc = cmd_enrolee_bind_opts(ctl, o, e, &kpm);
	if (rc == MEF_OK)
		rc = enrolee_from_opts(ctl, o, e, suids, &nsuids);
	if (rc == MEF_OK)
		rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = enrolee_targets_known(ctl, e);
	if (rc == MEF_OK)
		rc = cmd_enrolee_bind_unused(ctl, e);
	if (rc != MEF_OK)
		goto out;
	rc = store_enrolee_add(ctl->st, e, kpm, suids, nsuids);
	if (rc == MEF_E_EXISTS)
		out_error("enrolee '%s' or its certificate binding already "
		    "exists", e->kpm_id);
	else if (rc == MEF_E_NOTFOUND && e->binding == STORE_BIND_ANCHOR)
		out_error("unknown anchor '%s' (add it with mefctl anchor add)",
		    e->anchor);
	else if (rc != MEF_OK)
		out_store_error(rc, "enrolee");
	if (rc == MEF_OK)
		rc = out_result(ctl, enrolee_json(e, 1), "enrolee %s added: "
		    "EnroleeID %s, %s, %zu target(s), lifetime %llu s\n",
		    e->kpm_id, e->enrolee_id,
		    cmd_enrolee_bind_text(e, bind, sizeof(bind)), e->ntargets,
		    (unsigned long long)e->lifetime_s);
out:
	mef_secret_free(&kpm);
	free(e);
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_list(struct mefctl *ctl, const struct opts *o)
{
	struct list_ctx	lc;
	enum mef_err	rc;

	rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = out_list_begin(ctl, &lc,
		    "%-24s %-24s %10s %-8s %-20s %s\n", "KPM-ID", "ENROLEE-ID", "LIFETIME", "STATE", "CREATED",
		    "BINDING");
	if (rc != MEF_OK)
		return rc;
	rc = store_enrolee_list(ctl->st, enrolee_list_cb, &lc);
	return out_list_end(&lc, rc, "enrolee list");
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_show(struct mefctl *ctl, const struct opts *o)
{
	struct store_enrolee	*e = NULL;
	struct list_ctx		 lc;
	json_t			*obj = NULL;
	char			 id[MEF_ID_MAX + 1];
	enum mef_err		 rc;

	rc = mefctl_open_for(ctl, o, OPT_KPM_ID, id);
	if (rc == MEF_OK)
		rc = cmd_enrolee_find(ctl, id, &e);
	if (rc != MEF_OK)
		return rc;
	/* The keys follow the Enrolee: in its JSON object or under its text. */
	if (ctl->json) {
		obj = enrolee_json(e, 1);
		if (obj == NULL) {
			rc = MEF_E_NOMEM;
			goto out;
		}
	} else
		enrolee_print(e);
	rc = out_list_begin(ctl, &lc, "keys:\n");
	if (rc != MEF_OK)
		goto out;
	rc = store_key_list(ctl->st, id, cmd_keys_list_cb, &lc);
	if (rc != MEF_OK) {
		rc = out_list_end(&lc, rc, "keys");
		goto out;
	}
	if (ctl->json) {
		json_object_set_new(obj, "keys", lc.arr);
		rc = out_json(obj);
		obj = NULL;
	}
out:
	json_decref(obj);
	free(e);
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_revoke(struct mefctl *ctl, const struct opts *o)
{
	char		id[MEF_ID_MAX + 1];
	enum mef_err	rc;

	rc = mefctl_on_id(ctl, o, OPT_KPM_ID, "enrolee", revoke_now, id);
	if (rc != MEF_OK)
		return rc;
	return out_result(ctl, json_pack("{s:s, s:s}", "kpm_id", id, "state",
	    "revoked"), "enrolee %s revoked: all its Enrolment Keys are "
	    "invalid\n", id);
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_remove(struct mefctl *ctl, const struct opts *o)
{
	char		id[MEF_ID_MAX + 1];
	enum mef_err	rc;

	rc = mefctl_on_id(ctl, o, OPT_KPM_ID, "enrolee", store_enrolee_remove,
	    id);
	if (rc != MEF_OK)
		return rc;
	return out_result(ctl, json_pack("{s:s, s:b}", "kpm_id", id,
	    "removed", 1), "enrolee %s removed, with its links and Enrolment "
	    "Keys\n", id);
}

/* see mefctl.h */
enum mef_err
cmd_enrolee_find(struct mefctl *ctl, const char *id, struct store_enrolee **pe)
{
	struct store_enrolee	*e;
	enum mef_err		 rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	rc = out_object_error(store_enrolee_get(ctl->st, id, e, NULL),
	    "enrolee", id);
	if (rc == MEF_OK)
		*pe = e;
	else
		free(e);
	return rc;
}

/* Every value of enrolee add but the binding and handle, checked. */
static enum mef_err
enrolee_from_opts(struct mefctl *ctl, const struct opts *o,
    struct store_enrolee *e, unsigned long *suids, size_t *pnsuids)
{
	enum mef_err	rc;
	size_t		i, j;

	rc = args_ident("enrolee-id", opts_get(o, OPT_ENROLEE_ID),
	    e->enrolee_id);
	for (i = 0; i < o->n[OPT_TARGET] && rc == MEF_OK; i++) {
		rc = args_ident("target", o->val[OPT_TARGET][i], e->targets[i]);
		for (j = 0; j < i && rc == MEF_OK; j++) {
			if (strcmp(e->targets[i], e->targets[j]) == 0) {
				out_error("--target '%s' given twice",
				    e->targets[i]);
				rc = MEF_E_INVAL;
			}
		}
	}
	e->ntargets = o->n[OPT_TARGET];
	e->lifetime_s = ctl->cfg.default_lifetime_s;
	if (rc == MEF_OK && opts_has(o, OPT_LIFETIME))
		rc = args_u64("lifetime", opts_get(o, OPT_LIFETIME), 1,
		    ARGS_LIFETIME_MAX, &e->lifetime_s);
	if (rc == MEF_OK)
		rc = enrolee_suids(o, suids, pnsuids);
	return rc;
}

static enum mef_err
enrolee_suids(const struct opts *o, unsigned long *suids, size_t *pnsuids)
{
	uint64_t	v;
	enum mef_err	rc = MEF_OK;
	size_t		i, j, n = o->n[OPT_SUID];

	if (n > STORE_SUIDS_MAX) {
		out_error("--suid: at most %d SUIDs", STORE_SUIDS_MAX);
		return MEF_E_INVAL;
	}
	for (i = 0; i < n && rc == MEF_OK; i++) {
		rc = args_u64("suid", o->val[OPT_SUID][i], 0, FETCH_SUID_MAX,
		    &v);
		suids[i] = (unsigned long)v;
		for (j = 0; j < i && rc == MEF_OK; j++) {
			if (suids[j] == suids[i]) {
				out_error("--suid %lu given twice", suids[i]);
				rc = MEF_E_INVAL;
			}
		}
	}
	*pnsuids = n;
	return rc;
}

/* A clear message for an unknown Target before the store is asked to add. */
static enum mef_err
enrolee_targets_known(struct mefctl *ctl, const struct store_enrolee *e)
{
	struct store_target	t;
	enum mef_err		rc = MEF_OK;
	size_t			i;

	for (i = 0; i < e->ntargets && rc == MEF_OK; i++) {
		rc = store_target_get(ctl->st, e->targets[i], &t);
		if (rc == MEF_E_NOTFOUND)
			out_error("unknown target '%s' (register it with "
			    "mefctl target add)", e->targets[i]);
		else if (rc != MEF_OK)
			out_store_error(rc, "target");
	}
	return rc;
}

static json_t *
enrolee_json(const struct store_enrolee *e, int with_targets)
{
	json_t	*obj, *arr;
	size_t	 i;

	obj = json_pack("{s:s, s:s, s:I, s:s, s:I}", "kpm_id", e->kpm_id,
	    "enrolee_id", e->enrolee_id, "lifetime_s",
	    (json_int_t)e->lifetime_s, "state",
	    e->is_revoked ? "revoked" : "active", "created",
	    (json_int_t)e->created);
	if (obj == NULL)
		return NULL;
	if (e->is_revoked)
		json_object_set_new(obj, "revoked_at",
		    json_integer(e->revoked_at));
	if (cmd_enrolee_bind_json(obj, e) != MEF_OK) {
		json_decref(obj);
		return NULL;
	}
	if (!with_targets)
		return obj;
	arr = json_array();
	for (i = 0; arr != NULL && i < e->ntargets; i++)
		json_array_append_new(arr, json_string(e->targets[i]));
	if (arr == NULL || json_object_set_new(obj, "targets", arr) != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static enum mef_err
enrolee_list_cb(void *arg, const struct store_enrolee *e)
{
	struct list_ctx	*lc = arg;
	char		 created[OUT_TIME_MAX], bind[CMD_BIND_TEXT_MAX];

	if (lc->arr != NULL)
		return json_array_append_new(lc->arr, enrolee_json(e, 0)) == 0 ?
		    MEF_OK : MEF_E_NOMEM;
	printf("%-24s %-24s %10llu %-8s %-20s %s\n", e->kpm_id, e->enrolee_id,
	    (unsigned long long)e->lifetime_s,
	    e->is_revoked ? "revoked" : "active",
	    out_time(e->created, created, sizeof(created)),
	    cmd_enrolee_bind_text(e, bind, sizeof(bind)));
	return MEF_OK;
}

static void
enrolee_print(const struct store_enrolee *e)
{
	char	t[OUT_TIME_MAX], bind[CMD_BIND_TEXT_MAX];
	size_t	i;

	printf("kpm-id:      %s\n", e->kpm_id);
	printf("binding:     %s\n", cmd_enrolee_bind_text(e, bind,
	    sizeof(bind)));
	printf("enrolee-id:  %s\n", e->enrolee_id);
	printf("lifetime:    %llu s\n", (unsigned long long)e->lifetime_s);
	printf("state:       %s", e->is_revoked ? "revoked" : "active");
	if (e->is_revoked)
		printf(" (since %s)", out_time(e->revoked_at, t, sizeof(t)));
	printf("\ncreated:     %s\ntargets:    ",
	    out_time(e->created, t, sizeof(t)));
	for (i = 0; i < e->ntargets; i++)
		printf(" %s", e->targets[i]);
	printf("\n");
}

/* Revocation takes effect now: Enrolment Keys made before it are invalid. */
static enum mef_err
revoke_now(struct store *st, const char *kpm_id)
{
	return store_enrolee_revoke(st, kpm_id, clock_wall_s());
}
