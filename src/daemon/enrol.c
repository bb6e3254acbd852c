/*
 * enrol.c -- the bootstrap side of mefd: Kpm lookup, Ke derivation, the enrolment
 * exchange (PROTOCOL.md 2.1, 2.3).
 *
 * The order matters for durability: the handshake completes, Ke and KeId are derived
 * from the exporter, the row goes to the commit thread, and only when it is committed
 * may anything be sent on the session. A revoked Enrolee is treated like an unknown
 * one (dummy PSK), so its handshakes fail without telling the peer why.
 */
#include <stdlib.h>
#include <string.h>


#include "crypto/kdf.h"
#include "crypto/keyid.h"
#include "daemon/audit_hooks.h"
#include "daemon/conn.h"
#include "daemon/guard.h"
#include "protocol/enrol_msg.h"
#include "transport/tls_conn.h"
#include "util/clock.h"
#include "util/log.h"

#define ENROL_PATH		"/enrolment"
#define ENROL_ANSWER_MAX	(128 * 1024)	/* 64 escaped Targets fit */
/* On the stack: a few Targets fit, so the usual answer allocates nothing. */
#define ENROL_ANSWER_SMALL	2048

/* see conn.h */
enum mef_err
enrol_psk_lookup(void *conn_arg, const char *identity, struct mef_secret **ppsk)
{
	struct conn		*c = conn_arg;
	struct store_enrolee	*e;
	struct mef_secret	*kpm = NULL;
	enum mef_err		 rc;

	snprintf(c->kpm_id, sizeof(c->kpm_id), "%s", identity);
	/* Not cleared: store_enrolee_get() writes all that is read of it. */
	e = malloc(sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	rc = store_enrolee_get(c->worker->store, identity, e, &kpm);
	/* Known or not, cost the same (enrol_decoy.c). */
	enrol_decoy_balance(c->worker, identity, rc);
	if (rc == MEF_OK && e->is_revoked) {
		mef_secret_free(&kpm);
		rc = MEF_E_NOTFOUND;
	}
	if (rc == MEF_E_INVAL)
		rc = MEF_E_NOTFOUND;	/* an impossible identity is just unknown */
	/*
	 * Back-off is decided after the lookup, so a blocked attempt costs what
	 * any other does, and answered with the dummy key like an unknown
	 * identity: the peer sees a wrong key, whatever key it tried.
	 */
	if (rc == MEF_OK && guard_refuse(c, identity)) {
		mef_secret_free(&kpm);
		rc = MEF_E_NOTFOUND;
	} else if (rc == MEF_E_NOTFOUND)
		(void)guard_refuse(c, identity);
	if (rc != MEF_OK) {
		if (rc != MEF_E_NOTFOUND)
			log_warnx("bootstrap peer=%s kpm_id=%s store lookup: %s",
			    c->peer, LOG_VAL(c->kpm_id), mef_strerror(rc));
		free(e);
		return rc;
	}
	free(c->enrolee);
	c->enrolee = e;
	*ppsk = kpm;
	return MEF_OK;
}

/* see conn.h */
int
enrol_handshake_done(struct conn *c)
{
	struct mefd	*d = c->worker->mefd;
	unsigned char	 x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	enum mef_err	 rc;
	int64_t		 now = clock_wall_s();

	if (c->enrolee == NULL) {
		/* The dummy PSK cannot complete a handshake; refuse anyway. */
		conn_free(c);
		return 0;
	}
	guard_succeeded(c);
	rc = tls_conn_export(c->tls, KDF_EXPORTER_LABEL, KDF_EXPORTER_LABEL_LEN,
	    x, sizeof(x));
	if (rc == MEF_OK)
		rc = kdf_split(x, sizeof(x), rel, &c->ke);
	if (rc == MEF_OK)
		rc = keyid_format(rel, d->cfg.fqdn, c->keyid, sizeof(c->keyid));
	mef_wipe(x, sizeof(x));
	if (rc != MEF_OK) {
		log_warnx("bootstrap peer=%s kpm_id=%s key derivation: %s",
		    c->peer, LOG_VAL(c->kpm_id), mef_strerror(rc));
		conn_free(c);
		return 0;
	}
	c->commit.key.keyid = c->keyid;
	c->commit.key.kpm_id = c->enrolee->kpm_id;
	c->commit.key.ke = c->ke;
	c->commit.key.created = now;
	c->commit.key.expires = now + (int64_t)c->enrolee->lifetime_s;
	c->commit.done_ev = c->commit_ev;
	c->ke_state = KE_PENDING;
	c->worker->loop.npending++;
	commit_submit(d->commit, &c->commit);
	return 1;
}

/* see conn.h */
void
enrol_commit_done(struct conn *c)
{
	/* Ke is no longer needed in this process once stored (or lost). */
	mef_secret_free(&c->ke);
	c->commit.key.ke = NULL;
	if (c->ke_state == KE_STORED)
		log_info("bootstrap peer=%s kpm_id=%s enrolee=%s keyid=%s "
		    "outcome=stored tls=%s cipher=%s latency_us=%llu", c->peer,
		    LOG_VAL(c->kpm_id), LOG_VAL(c->enrolee->enrolee_id),
		    LOG_VAL(c->keyid),
		    c->tls != NULL ? tls_conn_version(c->tls) : "-",
		    c->tls != NULL ? tls_conn_cipher(c->tls) : "-",
		    (unsigned long long)(clock_mono_us() - c->t_accept_us));
	else
		log_warnx("bootstrap peer=%s kpm_id=%s keyid=%s outcome=%s",
		    c->peer, LOG_VAL(c->kpm_id), LOG_VAL(c->keyid),
		    c->commit.result == MEF_E_NOTFOUND ? "enrolee-removed" :
		    "store-failed");
}

static enum outcome
check_request(struct conn *c)
{
	const struct http_request	*req = &c->parser.req;

	if (req->path_len != strlen(ENROL_PATH) ||
	    memcmp(req->path, ENROL_PATH, req->path_len) != 0)
		return OUT_NOT_FOUND;
	if (req->method != HTTP_REQ_POST)
		return OUT_NOT_ALLOWED;
	if (!req->has_origin)
		return OUT_NO_ORIGIN;
	/*
	 * A PSK session authenticated a KpmId: the request may not claim another. A
	 * certificate session authenticated the certificate itself, and the device
	 * may not know its handle in the store: its Origin is not compared.
	 */
	if (!c->cert && strcmp(req->origin, c->kpm_id) != 0)
		return OUT_NO_PRIVILEGE;
	if (enrol_request_check((const unsigned char *)req->body.data,
	    req->body.len) != MEF_OK)
		return OUT_BAD_REQUEST;
	if (c->ke_state != KE_STORED)
		return OUT_INTERNAL;
	return OUT_CREATED;
}

/*
 * Encodes the 201 answer into small (ENROL_ANSWER_SMALL bytes), or, when the
 * Enrolee's Targets make it longer, into *pbig (ENROL_ANSWER_MAX, the caller
 * frees it). NULL when it cannot be encoded.
 */
static const char *
answer_encode(const struct conn *c, char *small, char **pbig, size_t *plen)
{
	const struct store_enrolee *e = c->enrolee;
	int64_t			 left = c->commit.key.expires - clock_wall_s();
	uint64_t		 life = left > 0 ? (uint64_t)left : 0;
	enum mef_err		 rc;

	rc = enrol_result_encode_from(c->keyid, e->enrolee_id,
	    (const char (*)[MEF_ID_MAX + 1])e->targets, e->ntargets, life,
	    small, ENROL_ANSWER_SMALL, plen);
	if (rc == MEF_OK)
		return small;
	if (rc != MEF_E_TOOBIG || (*pbig = malloc(ENROL_ANSWER_MAX)) == NULL)
		return NULL;
	rc = enrol_result_encode_from(c->keyid, e->enrolee_id,
	    (const char (*)[MEF_ID_MAX + 1])e->targets, e->ntargets, life,
	    *pbig, ENROL_ANSWER_MAX, plen);
	return rc == MEF_OK ? *pbig : NULL;
}

/* see conn.h */
void
enrol_handle(struct conn *c)
{
	enum outcome	 out;
	char		 small[ENROL_ANSWER_SMALL], *big = NULL;
	const char	*body = NULL;
	size_t		 len = 0;

	out = check_request(c);
	if (out == OUT_CREATED &&
	    (body = answer_encode(c, small, &big, &len)) == NULL)
		out = OUT_INTERNAL;
	if (out == OUT_CREATED)
		conn_respond(c, out, "application/json", body, len);
	else
		conn_respond(c, out, NULL, NULL, 0);
	audit_hooks_bootstrap(c, out);
	if (out != OUT_CREATED)
		log_info("enrolment peer=%s kpm_id=%s keyid=%s outcome=%d",
		    c->peer, LOG_VAL(c->kpm_id), LOG_VAL(c->keyid),
		    outcome_get(out)->rsc);
	free(big);
}
