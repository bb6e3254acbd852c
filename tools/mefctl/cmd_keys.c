/*
 * cmd_keys.c -- mefctl keys list: the Enrolment Keys, by KeId and expiry.
 *
 * Lists identifiers and times only: the store hands out struct store_key, which
 * has no field for key bytes, so this command cannot print a key even by
 * mistake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mefctl.h"
#include "util/clock.h"

static const char	*key_state(const struct store_key *k, int64_t now);

/* see mefctl.h */
enum mef_err
cmd_keys_list(struct mefctl *ctl, const struct opts *o)
{
	struct store_enrolee	*e = NULL;
	struct list_ctx		 lc;
	char			 id[MEF_ID_MAX + 1];
	const char		*kpm_id = NULL;
	enum mef_err		 rc;

	if (opts_has(o, OPT_KPM_ID)) {
		kpm_id = id;
		rc = mefctl_open_for(ctl, o, OPT_KPM_ID, id);
		/* An unknown Enrolee is an error, not an empty list. */
		if (rc == MEF_OK)
			rc = cmd_enrolee_find(ctl, id, &e);
		free(e);
	} else
		rc = mefctl_open_store(ctl);
	if (rc == MEF_OK)
		rc = out_list_begin(ctl, &lc, "%-50s %-24s %-20s %-20s %s\n",
		    "KEYID", "KPM-ID", "CREATED", "EXPIRES", "STATE");
	if (rc != MEF_OK)
		return rc;
	rc = store_key_list(ctl->st, kpm_id, cmd_keys_list_cb, &lc);
	return out_list_end(&lc, rc, "keys");
}

/* see mefctl.h */
enum mef_err
cmd_keys_list_cb(void *arg, const struct store_key *k)
{
	struct list_ctx	*lc = arg;
	json_t		*obj;
	char		 created[OUT_TIME_MAX], expires[OUT_TIME_MAX];

	if (lc->arr != NULL) {
		obj = json_pack("{s:s, s:s, s:I, s:I, s:s}", "keyid",
		    k->keyid, "kpm_id", k->kpm_id, "created",
		    (json_int_t)k->created, "expires", (json_int_t)k->expires,
		    "state", key_state(k, lc->now));
		return json_array_append_new(lc->arr, obj) == 0 ? MEF_OK :
		    MEF_E_NOMEM;
	}
	printf("%-50s %-24s %-20s %-20s %s\n", k->keyid, k->kpm_id,
	    out_time(k->created, created, sizeof(created)),
	    out_time(k->expires, expires, sizeof(expires)),
	    key_state(k, lc->now));
	return MEF_OK;
}

static const char *
key_state(const struct store_key *k, int64_t now)
{
	if (k->is_revoked)
		return "revoked";
	return k->expires <= now ? "expired" : "active";
}
