/*
 * cmd_audit.c -- mefctl audit verify, and the audit entry of each admin change.
 *
 * mefctl appends to the same log as mefd (audit/audit_log.h serialises the two
 * with flock(2)) after a change has succeeded, and fsyncs at once: admin
 * changes are rare and each must survive. The audit key is derived from the
 * KEK, so verifying needs the KEK file as changing the store does.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_log.h"
#include "audit/audit_verify.h"
#include "crypto/wrap.h"
#include "mefctl.h"
#include "util/hex.h"

static enum mef_err	audit_key(struct mefctl *ctl, struct mef_secret **pkey);
static void		entry_fill(const struct verb *v, const struct opts *o,
			    struct audit_entry *e);
static enum mef_err	verify_report(struct mefctl *ctl, const char *path,
			    const struct audit_verify *r);

/* see mefctl.h */
enum mef_err
mefctl_audit_change(struct mefctl *ctl, const struct verb *v,
    const struct opts *o)
{
	struct audit_log	*log = NULL;
	struct mef_secret	*key = NULL;
	struct audit_entry	 e;
	char			 err[PATH_MAX + 256];
	enum mef_err		 rc;

	if (ctl->cfg.audit_file[0] == '\0')
		return MEF_OK;
	entry_fill(v, o, &e);
	rc = audit_key(ctl, &key);
	if (rc == MEF_OK)
		rc = audit_log_open(ctl->cfg.audit_file, key, &log, err,
		    sizeof(err));
	mef_secret_free(&key);
	if (rc == MEF_OK)
		rc = audit_log_begin(log);
	if (rc == MEF_OK) {
		rc = audit_log_add(log, &e);
		if (audit_log_end(log) != MEF_OK && rc == MEF_OK)
			rc = MEF_E_IO;
	}
	if (rc == MEF_OK)
		rc = audit_log_sync(log);
	audit_log_close(&log);
	if (rc != MEF_OK)
		out_error("%s done, but its audit entry was not written to "
		    "%s: %s", ctl->cmd, ctl->cfg.audit_file, mef_strerror(rc));
	return rc;
}

/* see mefctl.h */
enum mef_err
cmd_audit_verify(struct mefctl *ctl, const struct opts *o)
{
	struct mef_secret	*key = NULL;
	struct mac		*m = NULL;
	struct audit_verify	 r;
	const char		*path = opts_get(o, OPT_FILE);
	enum mef_err		 rc;

	if (path == NULL)
		path = ctl->cfg.audit_file;
	if (path[0] == '\0') {
		out_error("no audit log: set [audit] file in %s or give "
		    "--file", ctl->config_path);
		return MEF_E_CONFIG;
	}
	rc = audit_key(ctl, &key);
	if (rc == MEF_OK)
		rc = mac_new(key, &m);
	mef_secret_free(&key);
	if (rc == MEF_OK)
		rc = audit_verify_file(path, m, opts_get(o, OPT_EXPECT_HEAD),
		    &r);
	mac_free(&m);
	if (rc == MEF_E_INVAL)
		return out_usage(ctl, "--expect-head: not SEQ:HEX (a seq and "
		    "64 hex digits)");
	if (rc != MEF_OK) {
		out_error("audit log %s", r.reason);
		return rc;
	}
	return verify_report(ctl, path, &r);
}

/* The audit key, derived from the KEK of the configuration. */
static enum mef_err
audit_key(struct mefctl *ctl, struct mef_secret **pkey)
{
	char		err[PATH_MAX + 256];
	enum mef_err	rc = MEF_OK;

	if (ctl->kek == NULL)
		rc = wrap_kek_load(ctl->cfg.kek_file, &ctl->kek, err,
		    sizeof(err));
	if (rc != MEF_OK) {
		out_error("kek_file %s", err);
		return rc;
	}
	rc = wrap_kek_derive(ctl->kek, AUDIT_KEY_LABEL, pkey);
	if (rc != MEF_OK)
		out_error("audit key: %s", mef_strerror(rc));
	return rc;
}

/* "enrolee add" becomes event "enrolee-add"; identities from the options. */
static void
entry_fill(const struct verb *v, const struct opts *o, struct audit_entry *e)
{
	struct passwd	*pw = getpwuid(getuid());
	const char	*s;
	size_t		 i, n;

	memset(e, 0, sizeof(*e));
	snprintf(e->event, sizeof(e->event), "%s-%s", v->noun, v->name);
	snprintf(e->actor, sizeof(e->actor), "mefctl uid=%u%s%s%s",
	    (unsigned)getuid(), pw != NULL ? " (" : "",
	    pw != NULL ? pw->pw_name : "", pw != NULL ? ")" : "");
	s = opts_get(o, OPT_KPM_ID);
	snprintf(e->kpm_id, sizeof(e->kpm_id), "%s", s != NULL ? s : "");
	s = opts_get(o, OPT_ENROLEE_ID);
	snprintf(e->enrolee_id, sizeof(e->enrolee_id), "%s",
	    s != NULL ? s : "");
	s = opts_get(o, OPT_ID);
	if (s != NULL)
		snprintf(e->target_id, sizeof(e->target_id), "%s", s);
	for (i = 0; i < o->n[OPT_TARGET]; i++) {
		n = strlen(e->target_id);
		snprintf(e->target_id + n, sizeof(e->target_id) - n, "%s%s",
		    i > 0 ? "," : "", o->val[OPT_TARGET][i]);
	}
	/* What else names the object: an anchor, a certificate binding. */
	s = opts_get(o, OPT_NAME);
	if (s == NULL)
		s = opts_get(o, OPT_ANCHOR);
	if (s == NULL)
		s = opts_get(o, OPT_CERT_FP);
	if (s != NULL)
		snprintf(e->object, sizeof(e->object), "%s", s);
	snprintf(e->outcome, sizeof(e->outcome), "done");
}

static enum mef_err
verify_report(struct mefctl *ctl, const char *path,
    const struct audit_verify *r)
{
	char	hex[2 * MAC_LEN + 1], head[2 * MAC_LEN + 24];

	hex_encode(r->head, MAC_LEN, 0, hex, sizeof(hex));
	snprintf(head, sizeof(head), "%llu:%s",
	    (unsigned long long)r->last_seq, hex);
	if (ctl->json) {
		out_json(json_pack("{s:s, s:b, s:I, s:I, s:I, s:s?, s:I, "
		    "s:I, s:b, s:I, s:s?}", "file", path, "ok", r->ok,
		    "entries", (json_int_t)r->entries,
		    "first_seq", (json_int_t)r->first_seq,
		    "last_seq", (json_int_t)r->last_seq,
		    "head", r->entries > 0 ? head : NULL,
		    "repaired", (json_int_t)r->repaired,
		    "repaired_line", (json_int_t)r->warn_line,
		    "head_file", r->head_file,
		    "bad_line", (json_int_t)r->bad_line,
		    "reason", r->ok ? NULL : r->reason));
		return r->ok ? MEF_OK : MEF_E_AUTH;
	}
	if (r->repaired > 0)
		fprintf(stderr, "mefctl: warning: %s: line %llu: partial line "
		    "of an interrupted write, chain resumed by audit-repair "
		    "(%llu such)\n", path, (unsigned long long)r->warn_line,
		    (unsigned long long)r->repaired);
	if (!r->ok) {
		if (r->bad_line > 0)
			out_error("audit log %s: line %llu: %s", path,
			    (unsigned long long)r->bad_line, r->reason);
		else
			out_error("audit log %s: %s", path, r->reason);
		return MEF_E_AUTH;
	}
	printf("%s: intact, %llu entries, seq %llu..%llu, head %s\n", path,
	    (unsigned long long)r->entries,
	    (unsigned long long)r->first_seq,
	    (unsigned long long)r->last_seq, r->entries > 0 ? head : "-");
	return MEF_OK;
}
