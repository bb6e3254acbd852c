/*
 * audit_hooks.c -- mefd's audit entries (see audit_hooks.h).
 *
 * The outcome names a reader greps for: granted (2xxx), refused (4xxx), failed
 * (5xxx) or handshake-failed, next to the exact RSC. The audit key is derived
 * from the KEK once, here, through wrap_kek_derive(): the one call a separate
 * KEK process must answer for auditing.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_log.h"
#include "daemon/audit_hooks.h"
#include "daemon/conn.h"

static void	entry_init(struct audit_entry *e, const char *event,
		    const char *peer);
static void	set_outcome(struct audit_entry *e, enum outcome out);

/* see audit_hooks.h */
enum mef_err
audit_hooks_open(struct mefd *d, char *err, size_t errsz)
{
	struct mef_secret	*key = NULL;
	enum mef_err		 rc;

	if (d->cfg.audit_file[0] == '\0')
		return MEF_OK;
	rc = wrap_kek_derive(d->kek, AUDIT_KEY_LABEL, &key);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "audit key: %s", mef_strerror(rc));
		return rc;
	}
	rc = audit_open(d->cfg.audit_file, d->cfg.audit_fsync_ms, key,
	    &d->audit, err, errsz);
	mef_secret_free(&key);
	return rc;
}

/* see audit_hooks.h */
void
audit_hooks_daemon(struct mefd *d, const char *event)
{
	struct audit_entry	e;

	if (d->audit == NULL)
		return;
	entry_init(&e, event, "");
	snprintf(e.object, sizeof(e.object), "fqdn=%s version=%s",
	    d->cfg.fqdn, MEF_VERSION);
	snprintf(e.outcome, sizeof(e.outcome), "done");
	audit_emit(d->audit, &e);
}

/* see audit_hooks.h */
void
audit_hooks_handshake(const struct conn *c)
{
	struct audit_entry	e;

	if (c->worker->mefd->audit == NULL)
		return;
	entry_init(&e, c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch",
	    c->peer);
	if (c->kind == CONN_BOOTSTRAP)
		snprintf(e.kpm_id, sizeof(e.kpm_id), "%s", c->kpm_id);
	else if (c->target_known)
		snprintf(e.target_id, sizeof(e.target_id), "%s", c->target.id);
	snprintf(e.outcome, sizeof(e.outcome), "handshake-failed");
	audit_emit(c->worker->mefd->audit, &e);
}

/* see audit_hooks.h */
void
audit_hooks_bootstrap(const struct conn *c, enum outcome out)
{
	struct audit_entry	e;

	if (c->worker->mefd->audit == NULL)
		return;
	entry_init(&e, "bootstrap", c->peer);
	snprintf(e.kpm_id, sizeof(e.kpm_id), "%s", c->kpm_id);
	snprintf(e.ke_id, sizeof(e.ke_id), "%s", c->keyid);
	if (c->enrolee != NULL)
		snprintf(e.enrolee_id, sizeof(e.enrolee_id), "%s",
		    c->enrolee->enrolee_id);
	set_outcome(&e, out);
	audit_emit(c->worker->mefd->audit, &e);
}

/* see audit_hooks.h */
void
audit_hooks_fetch(const struct conn *c, const char *keyid, enum outcome out)
{
	const struct http_request	*req = &c->parser.req;
	struct audit_entry		 e;

	if (c->worker->mefd->audit == NULL)
		return;
	entry_init(&e, "fetch", c->peer);
	snprintf(e.ke_id, sizeof(e.ke_id), "%s", keyid);
	if (c->target_known)
		snprintf(e.target_id, sizeof(e.target_id), "%s", c->target.id);
	/* The Origin a Target claimed: kept (escaped) for a refusal. */
	if (req->has_origin)
		snprintf(e.object, sizeof(e.object), "%s", req->origin);
	set_outcome(&e, out);
	audit_emit(c->worker->mefd->audit, &e);
}

static void
entry_init(struct audit_entry *e, const char *event, const char *peer)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->event, sizeof(e->event), "%s", event);
	snprintf(e->actor, sizeof(e->actor), "mefd");
	snprintf(e->peer, sizeof(e->peer), "%s", peer);
}

static void
set_outcome(struct audit_entry *e, enum outcome out)
{
	int	rsc = outcome_get(out)->rsc;

	e->rsc = rsc;
	snprintf(e->outcome, sizeof(e->outcome), "%s", rsc < 3000 ?
	    "granted" : rsc < 5000 ? "refused" : "failed");
}
