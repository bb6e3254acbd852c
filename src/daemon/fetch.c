/*
 * fetch.c -- GET /fetchCredentials/<KeId>[/<SUID>]: the interface of the change
 * request (PROTOCOL.md section 3).
 *
 * Checks run in an order that tells a peer nothing it may not know: the request shape
 * and the originator are checked before the store is read, so a Target claiming
 * another Target's ID learns nothing about KeIds; only an authenticated Target that
 * names itself learns whether a KeId exists. The answer body holds the key, so it is
 * built in a struct mef_secret and handed to the connection without a copy. The
 * store is read through the worker's fetch cache (fetch_cache.h), synced with the
 * store's change generation before every lookup.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto/ident.h"
#include "crypto/kdf.h"
#include "daemon/audit_hooks.h"
#include "daemon/conn.h"
#include "daemon/fetch_cache.h"
#include "protocol/answer.h"
#include "protocol/fetch_path.h"
#include "protocol/media.h"
#include "util/clock.h"
#include "util/log.h"

struct fetch_ctx {
	struct fetch_path	fp;
	enum mef_format		fmt;
	int64_t			lifetime_s;
	uint64_t		t_start_us;
	const char		*cache;		/* "hit", "miss" or "-" (off) */
};

/* see conn.h */
enum mef_err
fetch_psk_lookup(void *conn_arg, const char *identity, struct mef_secret **ppsk)
{
	struct conn	*c = conn_arg;
	enum mef_err	 rc;

	rc = store_target_by_psk_id(c->worker->store, identity, &c->target, ppsk);
	if (rc == MEF_E_INVAL)
		rc = MEF_E_NOTFOUND;
	/* A candidate only: a TLS 1.3 handshake may go on without the PSK. */
	c->target_psk = rc == MEF_OK;
	c->target_known = c->target_psk;
	if (rc != MEF_OK && rc != MEF_E_NOTFOUND)
		log_warnx("fetch peer=%s psk_id lookup: %s", c->peer,
		    mef_strerror(rc));
	return rc;
}

/* see conn.h */
enum mef_err
fetch_cert_check(void *conn_arg, const struct tls_peer_cert *pc)
{
	struct conn	*c = conn_arg;
	unsigned char	 fp[TLS_FINGERPRINT_LEN];
	enum mef_err	 rc;

	if (c->target_cert)
		return MEF_OK;	/* asked again for the same certificate */
	rc = tls_peer_cert_fingerprint(pc, fp);
	if (rc == MEF_OK)
		rc = store_target_by_fingerprint(c->worker->store, fp, &c->target);
	c->target_cert = rc == MEF_OK;
	c->target_known = c->target_cert;
	return rc;
}

/* The originator must be the Target the TLS session authenticated. */
static int
origin_is_target(const struct conn *c)
{
	const struct http_request	*req = &c->parser.req;
	char				 norm[IDENT_MAX + 1];
	size_t				 len;

	if (ident_nfkc(req->origin, strlen(req->origin), norm, sizeof(norm),
	    &len) != MEF_OK)
		return 0;
	return strcmp(norm, c->target.id) == 0;
}

static int
suid_allowed(const struct fetch_cache_view *v, unsigned long suid)
{
	size_t	i;

	for (i = 0; i < v->nsuids; i++)
		if (v->suids[i] == suid)
			return 1;
	return 0;
}

/* How a key kept in the fetch cache was derived: by the Target's kind alone. */
#define DERIVED_KPSA	1
#define DERIVED_KM	2

/*
 * The key of the answer into *pkey (borrowed from the cache, or made into
 * *pown). A key that depends only on the Ke and the Target (Kpsa, Km) is kept
 * in the cache entry, so the next fetch of this KeId by this Target reuses it;
 * a SUID's usage key also depends on the SUID and is derived every time.
 */
static enum mef_err
derive(struct conn *c, const struct fetch_ctx *fc, struct fetch_cache_view *v,
    const struct mef_secret **pkey, struct mef_secret **pown)
{
	const struct store_target	*t = &c->target;
	const char			*name;
	int				 label;
	enum mef_err			 rc;

	if (fc->fp.has_suid) {
		name = t->fqdn[0] != '\0' ? t->fqdn : t->id;
		rc = kdf_usage(v->ke, fc->fp.suid, name, strlen(name), pown);
		*pkey = *pown;
		return rc;
	}
	label = t->kind == MEF_TARGET_MAF ? DERIVED_KM : DERIVED_KPSA;
	if (v->derived != NULL && v->derived_label == label) {
		*pkey = v->derived;
		return MEF_OK;
	}
	if (label == DERIVED_KM)
		rc = kdf_km(v->ke, t->id, strlen(t->id), pown);
	else
		rc = kdf_kpsa(v->ke, t->id, strlen(t->id), pown);
	if (rc != MEF_OK)
		return rc;
	/* The cache entry is keyed by t->id: the key is a function of it. */
	fetch_cache_keep_derived(c->worker->fetch_cache, v, label, pown);
	*pkey = *pown != NULL ? *pown : v->derived;
	return MEF_OK;
}

/*
 * What the store says about the KeId for this Target, through the worker's
 * cache. The cache is synced with the store's generation first, so a
 * revocation or removal committed by any process before this fetch began is
 * never answered from the cache. sf holds the store's answer on a miss that
 * the cache did not keep; *pv points into the cache or into sf.
 */
static enum mef_err
fetch_lookup(struct conn *c, struct fetch_ctx *fc, int64_t now,
    struct store_fetch *sf, struct fetch_cache_view *pv)
{
	const char	*keyid = fc->fp.keyid.text;
	struct worker	*w = c->worker;
	uint64_t	 gen;
	enum mef_err	 rc;

	if (fetch_cache_enabled(w->fetch_cache)) {
		rc = store_generation(w->store, &gen);
		if (rc != MEF_OK) {
			/* Cannot tell what changed: trust nothing kept. */
			fetch_cache_flush(w->fetch_cache);
			return rc;
		}
		fetch_cache_sync(w->fetch_cache, gen);
		if (fetch_cache_get(w->fetch_cache, keyid, c->target.id, now,
		    pv)) {
			fc->cache = "hit";
			return MEF_OK;
		}
		fc->cache = "miss";
	}
	rc = store_fetch_lookup(w->store, keyid, c->target.id, now, sf);
	if (rc == MEF_OK)
		fetch_cache_put(w->fetch_cache, keyid, c->target.id, sf, pv);
	return rc;
}

/* Looks the KeId up and, when everything checks out, answers with the credential. */
static enum outcome
fetch_grant(struct conn *c, struct fetch_ctx *fc)
{
	struct store_fetch	 sf;
	struct fetch_cache_view	 v;
	const struct mef_secret	*key = NULL;
	struct mef_secret	*own = NULL, *body = NULL;
	enum outcome		 out = OUT_INTERNAL;
	enum mef_err		 rc;
	size_t			 len;
	int64_t			 now = clock_wall_s();

	sf.ke = NULL;		/* the rest is filled only by a store read */
	if (strcasecmp(fc->fp.keyid.fqdn, c->worker->mefd->cfg.fqdn) != 0)
		return OUT_NOT_FOUND;	/* another MEF's KeId */
	rc = fetch_lookup(c, fc, now, &sf, &v);
	if (rc == MEF_E_NOTFOUND) {
		out = OUT_NOT_FOUND;
		goto out;
	}
	if (rc != MEF_OK)
		goto out;
	if (!v.is_allowed || (fc->fp.has_suid && !suid_allowed(&v,
	    fc->fp.suid))) {
		out = OUT_NO_PRIVILEGE;
		goto out;
	}
	fc->lifetime_s = v.expires - now;
	if (derive(c, fc, &v, &key, &own) != MEF_OK ||
	    mef_secret_alloc(ANSWER_MAX, &body) != MEF_OK ||
	    answer_encode_ok(fc->fmt, key, v.enrolee_id,
	    (uint64_t)fc->lifetime_s, mef_secret_data(body), ANSWER_MAX,
	    &len) != MEF_OK)
		goto out;
	out = OUT_OK;
	conn_respond_secret(c, out, media_type(fc->fmt), &body, len);
out:
	mef_secret_free(&own);
	mef_secret_free(&body);
	mef_secret_free(&sf.ke);	/* the only secret of sf */
	return out;
}

static enum outcome
fetch_check(struct conn *c, struct fetch_ctx *fc)
{
	const struct http_request	*req = &c->parser.req;

	if (!fetch_path_matches(req->path, req->path_len))
		return OUT_NOT_FOUND;
	if (req->method != HTTP_REQ_GET)
		return OUT_NOT_ALLOWED;
	if (fetch_path_parse(req->path, req->path_len, &fc->fp) != MEF_OK)
		return OUT_BAD_REQUEST;
	if (!req->has_origin || req->origin[0] == '\0')
		return OUT_NO_ORIGIN;
	if (!origin_is_target(c))
		return OUT_NO_PRIVILEGE;
	return OUT_OK;
}

static void
answer_error(struct conn *c, enum outcome out, enum mef_format fmt)
{
	unsigned char	body[ANSWER_MAX];
	size_t		len;

	if (answer_encode_error(fmt, outcome_get(out)->error_string, body,
	    sizeof(body), &len) != MEF_OK) {
		conn_respond(c, out, NULL, NULL, 0);
		return;
	}
	conn_respond(c, out, media_type(fmt), body, len);
}

/* see conn.h */
void
fetch_handle(struct conn *c)
{
	const struct http_request	*req = &c->parser.req;
	struct fetch_ctx		 fc;
	enum outcome			 out;
	char				 suid[24] = "-";

	memset(&fc, 0, sizeof(fc));
	fc.t_start_us = clock_mono_us();
	fc.fmt = MEF_FMT_JSON;
	fc.cache = "-";
	out = fetch_check(c, &fc);
	if (out == OUT_OK && media_from_accept(req->has_accept ? req->accept :
	    NULL, strlen(req->accept), &fc.fmt) != MEF_OK) {
		fc.fmt = MEF_FMT_JSON;	/* the error itself in JSON */
		out = OUT_NOT_ACCEPTABLE;
	}
	if (out == OUT_OK)
		out = fetch_grant(c, &fc);
	if (out != OUT_OK)
		answer_error(c, out, fc.fmt);
	audit_hooks_fetch(c, fc.fp.keyid.text, out);
	if (fc.fp.has_suid)
		snprintf(suid, sizeof(suid), "%lu", fc.fp.suid);
	log_info("fetch peer=%s target=%s origin=%s keyid=%s suid=%s "
	    "format=%s outcome=%d lifetime=%lld cache=%s latency_us=%llu",
	    c->peer,
	    LOG_VAL(c->target.id), req->has_origin ? LOG_VAL(req->origin) : "-",
	    fc.fp.keyid.text[0] != '\0' ? LOG_VAL(fc.fp.keyid.text) : "-",
	    suid,
	    media_type(fc.fmt), outcome_get(out)->rsc,
	    (long long)(out == OUT_OK ? fc.lifetime_s : 0), fc.cache,
	    (unsigned long long)(clock_mono_us() - fc.t_start_us));
}
