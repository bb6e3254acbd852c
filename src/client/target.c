/*
 * target.c -- libmef for Enrolment Targets: struct mef_target (mef/target.h).
 *
 * The Target's configuration (its ID and its MEFs by FQDN) in front of the
 * credential cache of target_cache.c, whose fetch function is mef_fetch()
 * towards the MEF that issued the KeId. MEFs are only ever added, never
 * changed or removed before mef_target_free(), so a pointer found under the
 * list mutex stays valid and unchanged for the whole fetch without any lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/target_cache.h"
#include "crypto/keyid.h"
#include "mef/fetch.h"
#include "mef/target.h"
#include "util/secret.h"
#include "util/strparse.h"

#define TARGET_TIMEOUT_DEFAULT_MS	10000
#define TARGET_PSK_MAX			512

struct target_mef {
	struct target_mef	*next;
	char			 fqdn[MEF_FQDN_MAX + 1];
	char			*host;
	unsigned short		 port;
	char			*psk_id;
	struct mef_secret	*psk;
	char			*cert_file;
	char			*key_file;
	char			*ca_file;
	enum mef_format		 accept;
	enum mef_fetch_tls	 tls_version;
};

struct mef_target {
	pthread_mutex_t		 mu;		/* guards mefs (the head) */
	struct target_mef	*mefs;
	struct target_cache	*cache;
	unsigned		 timeout_ms;
	char			 target_id[MEF_ID_MAX + 1];
};

static enum mef_err	check_cfg(const struct mef_target_cfg *);
static enum mef_err	check_mef(const struct mef_target_mef_cfg *);
static int		reserved_zero(void *const *, size_t);
static enum mef_err	mef_copy(const struct mef_target_mef_cfg *,
			    struct target_mef **);
static enum mef_err	dup_opt(const char *, char **);
static void		mef_free(struct target_mef *);
static struct target_mef	*find_mef(struct mef_target *, const char *);
static enum mef_err	resolve(struct mef_target *, const char *,
			    struct keyid *);
static enum mef_err	fetch_cb(void *, const char *,
			    struct target_cache_cred *);
static enum mef_err	take_answer(const struct mef_answer *,
			    struct target_cache_cred *);

/* see mef/target.h */
enum mef_err
mef_target_new(const struct mef_target_cfg *cfg, struct mef_target **pt)
{
	struct target_cache_cfg	 ccfg;
	struct mef_target	*t = NULL;
	enum mef_err		 rc;

	rc = pt != NULL ? check_cfg(cfg) : MEF_E_INVAL;
	if (rc != MEF_OK)
		goto out;
	rc = MEF_E_NOMEM;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto out;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t);
		t = NULL;
		goto out;
	}
	memcpy(t->target_id, cfg->target_id, strlen(cfg->target_id) + 1);
	t->timeout_ms = cfg->fetch_timeout_ms != 0 ? cfg->fetch_timeout_ms :
	    TARGET_TIMEOUT_DEFAULT_MS;
	memset(&ccfg, 0, sizeof(ccfg));
	ccfg.cache_max_s = cfg->cache_max_s;
	ccfg.negative_ttl_s = cfg->negative_ttl_s != 0 ? cfg->negative_ttl_s :
	    MEF_TARGET_NEGATIVE_TTL_DEFAULT;
	ccfg.error_ttl_s = cfg->error_ttl_s != 0 ? cfg->error_ttl_s :
	    MEF_TARGET_ERROR_TTL_DEFAULT;
	ccfg.max_entries = cfg->max_entries != 0 ? cfg->max_entries :
	    MEF_TARGET_ENTRIES_DEFAULT;
	ccfg.fetch = fetch_cb;
	ccfg.fetch_arg = t;
	rc = target_cache_new(&ccfg, &t->cache);
out:
	if (rc == MEF_OK)
		*pt = t;
	else
		mef_target_free(&t);
	return rc;
}

/* see mef/target.h */
enum mef_err
mef_target_add_mef(struct mef_target *t, const struct mef_target_mef_cfg *mef)
{
	struct target_mef	*m = NULL;
	enum mef_err		 rc;

	rc = t != NULL ? check_mef(mef) : MEF_E_INVAL;
	if (rc != MEF_OK)
		goto out;
	rc = mef_copy(mef, &m);
	if (rc != MEF_OK)
		goto out;
	pthread_mutex_lock(&t->mu);
	if (find_mef(t, m->fqdn) != NULL)
		rc = MEF_E_EXISTS;
	else {
		m->next = t->mefs;
		t->mefs = m;
		m = NULL;
	}
	pthread_mutex_unlock(&t->mu);
out:
	mef_free(m);
	return rc;
}

/* see mef/target.h */
enum mef_err
mef_target_get(struct mef_target *t, const char *keyid,
    unsigned char key[MEF_KEY_LEN], char *enrolee_id, size_t enrolee_id_size,
    uint64_t *plifetime_left_s)
{
	struct keyid	kid;

	if (t == NULL || keyid == NULL || key == NULL)
		return MEF_E_INVAL;
	if (resolve(t, keyid, &kid) != MEF_OK)
		return MEF_E_NOTFOUND;
	return target_cache_get(t->cache, kid.text, key, enrolee_id,
	    enrolee_id_size, plifetime_left_s);
}

/* see mef/target.h */
enum mef_err
mef_target_peek(struct mef_target *t, const char *keyid,
    unsigned char key[MEF_KEY_LEN], char *enrolee_id, size_t enrolee_id_size,
    uint64_t *plifetime_left_s)
{
	struct keyid	kid;

	if (t == NULL || keyid == NULL)
		return MEF_E_INVAL;
	if (resolve(t, keyid, &kid) != MEF_OK)
		return MEF_E_NOTFOUND;
	return target_cache_peek(t->cache, kid.text, key, enrolee_id,
	    enrolee_id_size, plifetime_left_s);
}

/* see mef/target.h */
enum mef_err
mef_target_forget(struct mef_target *t, const char *keyid)
{
	struct keyid	kid;

	if (t == NULL || keyid == NULL)
		return MEF_E_INVAL;
	if (keyid_parse(keyid, strnlen(keyid, MEF_KEYID_MAX), &kid) != MEF_OK)
		return MEF_E_NOTFOUND;
	return target_cache_forget(t->cache, kid.text);
}

/* see mef/target.h */
void
mef_target_free(struct mef_target **pt)
{
	struct mef_target	*t;
	struct target_mef	*m;

	if (pt == NULL || *pt == NULL)
		return;
	t = *pt;
	target_cache_free(&t->cache);
	while ((m = t->mefs) != NULL) {
		t->mefs = m->next;
		mef_free(m);
	}
	pthread_mutex_destroy(&t->mu);
	free(t);
	*pt = NULL;
}

static enum mef_err
check_cfg(const struct mef_target_cfg *cfg)
{
	size_t	len;

	if (cfg == NULL || cfg->version != MEF_TARGET_CFG_VERSION ||
	    cfg->target_id == NULL)
		return MEF_E_INVAL;
	len = strnlen(cfg->target_id, MEF_ID_MAX + 1);
	if (len == 0 || len > MEF_ID_MAX)
		return MEF_E_INVAL;
	if (cfg->negative_ttl_s > MEF_TARGET_TTL_MAX ||
	    cfg->error_ttl_s > MEF_TARGET_TTL_MAX ||
	    cfg->max_entries > MEF_TARGET_ENTRIES_MAX)
		return MEF_E_INVAL;
	if (!reserved_zero(cfg->reserved,
	    sizeof(cfg->reserved) / sizeof(cfg->reserved[0])))
		return MEF_E_INVAL;
	return MEF_OK;
}

static enum mef_err
check_mef(const struct mef_target_mef_cfg *mef)
{
	int	psk, cert;

	if (mef == NULL || mef->version != MEF_TARGET_MEF_CFG_VERSION ||
	    mef->fqdn == NULL || mef->host == NULL || mef->host[0] == '\0' ||
	    mef->port == 0)
		return MEF_E_INVAL;
	if (!is_dns_name(mef->fqdn, strnlen(mef->fqdn, MEF_FQDN_MAX + 1)))
		return MEF_E_INVAL;
	psk = mef->psk_id != NULL || mef->psk != NULL || mef->psk_len != 0;
	cert = mef->cert_file != NULL || mef->key_file != NULL;
	if (psk == cert)
		return MEF_E_INVAL;	/* exactly one way to authenticate */
	if (psk && (mef->psk_id == NULL || mef->psk_id[0] == '\0' ||
	    mef->psk == NULL || mef->psk_len == 0 ||
	    mef->psk_len > TARGET_PSK_MAX))
		return MEF_E_INVAL;
	if (cert && (mef->cert_file == NULL || mef->key_file == NULL))
		return MEF_E_INVAL;
	if (mef->accept != MEF_FMT_JSON && mef->accept != MEF_FMT_XML &&
	    mef->accept != MEF_FMT_CBOR)
		return MEF_E_INVAL;
	if (mef->tls_version != MEF_FETCH_TLS_DEFAULT &&
	    mef->tls_version != MEF_FETCH_TLS12 &&
	    mef->tls_version != MEF_FETCH_TLS13)
		return MEF_E_INVAL;
	if (!reserved_zero(mef->reserved,
	    sizeof(mef->reserved) / sizeof(mef->reserved[0])))
		return MEF_E_INVAL;
	return MEF_OK;
}

static int
reserved_zero(void *const *reserved, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (reserved[i] != NULL)
			return 0;
	return 1;
}

/* A private copy of a checked MEF configuration. */
static enum mef_err
mef_copy(const struct mef_target_mef_cfg *mef, struct target_mef **pm)
{
	struct target_mef	*m;
	enum mef_err		 rc = MEF_E_NOMEM;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		goto out;
	memcpy(m->fqdn, mef->fqdn, strlen(mef->fqdn) + 1);
	m->port = mef->port;
	m->accept = mef->accept;
	m->tls_version = mef->tls_version;
	rc = dup_opt(mef->host, &m->host);
	if (rc == MEF_OK)
		rc = dup_opt(mef->psk_id, &m->psk_id);
	if (rc == MEF_OK && mef->psk != NULL)
		rc = mef_secret_new(mef->psk, mef->psk_len, &m->psk);
	if (rc == MEF_OK)
		rc = dup_opt(mef->cert_file, &m->cert_file);
	if (rc == MEF_OK)
		rc = dup_opt(mef->key_file, &m->key_file);
	if (rc == MEF_OK)
		rc = dup_opt(mef->ca_file, &m->ca_file);
out:
	if (rc == MEF_OK)
		*pm = m;
	else
		mef_free(m);
	return rc;
}

/* A copy of s, or NULL for NULL. */
static enum mef_err
dup_opt(const char *s, char **pcopy)
{
	*pcopy = NULL;
	if (s == NULL)
		return MEF_OK;
	*pcopy = strdup(s);
	return *pcopy != NULL ? MEF_OK : MEF_E_NOMEM;
}

static void
mef_free(struct target_mef *m)
{
	if (m == NULL)
		return;
	mef_secret_free(&m->psk);	/* wipes */
	free(m->host);
	free(m->psk_id);
	free(m->cert_file);
	free(m->key_file);
	free(m->ca_file);
	free(m);
}

/* The MEF for fqdn (DNS names compare case-insensitively); t->mu held. */
static struct target_mef *
find_mef(struct mef_target *t, const char *fqdn)
{
	struct target_mef	*m;

	for (m = t->mefs; m != NULL; m = m->next)
		if (strcasecmp(m->fqdn, fqdn) == 0)
			return m;
	return NULL;
}

/*
 * Parses keyid into *pkid and checks that a MEF is configured for its FQDN.
 * Neither failure is cached: refusing a KeId of a MEF we do not know costs
 * nothing.
 */
static enum mef_err
resolve(struct mef_target *t, const char *keyid, struct keyid *pkid)
{
	int	known;

	if (keyid_parse(keyid, strnlen(keyid, MEF_KEYID_MAX), pkid) != MEF_OK)
		return MEF_E_NOTFOUND;
	pthread_mutex_lock(&t->mu);
	known = find_mef(t, pkid->fqdn) != NULL;
	pthread_mutex_unlock(&t->mu);
	return known ? MEF_OK : MEF_E_NOTFOUND;
}

/*
 * The cache's fetch: one mef_fetch() to the MEF of keyid's FQDN. An
 * unreadable certificate or key file is our configuration's fault, not the
 * caller's argument, hence MEF_E_CONFIG.
 */
static enum mef_err
fetch_cb(void *arg, const char *keyid, struct target_cache_cred *pcred)
{
	struct mef_target	*t = arg;
	struct mef_fetch_cfg	 fcfg;
	struct mef_answer	*ans = NULL;
	const struct target_mef	*m;
	struct keyid		 kid;
	enum mef_err		 rc;

	rc = keyid_parse(keyid, strlen(keyid), &kid);
	if (rc != MEF_OK)
		return MEF_E_NOTFOUND;
	pthread_mutex_lock(&t->mu);
	m = find_mef(t, kid.fqdn);
	pthread_mutex_unlock(&t->mu);
	if (m == NULL)
		return MEF_E_NOTFOUND;
	memset(&fcfg, 0, sizeof(fcfg));
	fcfg.version = MEF_FETCH_CFG_VERSION;
	fcfg.host = m->host;
	fcfg.port = m->port;
	fcfg.fqdn = m->fqdn;
	fcfg.origin = t->target_id;
	fcfg.psk_id = m->psk_id;
	if (m->psk != NULL) {
		fcfg.psk = mef_secret_bytes(m->psk);	/* borrowed */
		fcfg.psk_len = mef_secret_len(m->psk);
	}
	fcfg.cert_file = m->cert_file;
	fcfg.key_file = m->key_file;
	fcfg.ca_file = m->ca_file;
	fcfg.accept = m->accept;
	fcfg.tls_version = m->tls_version;
	fcfg.timeout_ms = t->timeout_ms;
	rc = mef_fetch(&fcfg, kid.text, NULL, &ans);
	if (rc == MEF_OK)
		rc = take_answer(ans, pcred);
	else if (rc == MEF_E_INVAL)
		rc = MEF_E_CONFIG;
	mef_answer_free(&ans);	/* wipes the key and the body */
	return rc;
}

static enum mef_err
take_answer(const struct mef_answer *ans, struct target_cache_cred *pcred)
{
	const unsigned char	*cred;
	const char		*eid;
	size_t			 len, eid_len;

	cred = mef_answer_credential(ans, &len);
	eid = mef_answer_enrolee_id(ans);
	if (cred == NULL || len != MEF_KEY_LEN || eid == NULL)
		return MEF_E_PROTO;
	eid_len = strnlen(eid, MEF_ID_MAX + 1);
	if (eid_len == 0 || eid_len > MEF_ID_MAX)
		return MEF_E_PROTO;
	memcpy(pcred->enrolee_id, eid, eid_len + 1);
	pcred->lifetime_s = mef_answer_lifetime(ans);
	return mef_secret_new(cred, len, &pcred->key);
}
