/*
 * fetch.c -- libmef for Enrolment Targets: one credential fetch (PROTOCOL.md
 * 3).
 *
 * The answer is decoded in the format its Content-Type names, whatever we asked
 * for, and kept together with its raw body, RSC, HTTP status and request id.
 * Its Status must agree with the HTTP status (true only with 2xx); an answer
 * where they disagree is malformed and its credential is dropped. The body
 * holds the key in encoded form, so every copy of it is wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/http_client.h"
#include "crypto/keyid.h"
#include "mef/fetch.h"
#include "protocol/answer.h"
#include "protocol/fetch_path.h"
#include "protocol/media.h"
#include "transport/tls_client.h"
#include "util/secret.h"
#include "util/strparse.h"

#define FETCH_RVI	"3"
#define FETCH_TARGET_MAX \
	(sizeof(FETCH_PATH_PREFIX) + KEYID_MAX + 1 + 20)

struct mef_answer {
	struct answer	 ans;
	int		 http_status;
	int		 rsc;
	char		 ri[HTTP_RESP_RI_MAX + 1];
	unsigned char	*body;
	size_t		 body_len;
};

static enum mef_err	check_cfg(const struct mef_fetch_cfg *);
static enum mef_err	build_target(const char *, const char *, struct keyid *,
			    char *, size_t);
static enum mef_err	request(const struct mef_fetch_cfg *, const char *,
			    const char *, struct buf *, char *, size_t);
static enum mef_err	connect_mef(const struct mef_fetch_cfg *, const char *,
			    struct tls_client **);
static enum mef_err	take_answer(const struct mef_fetch_cfg *, const char *,
			    const unsigned char *, const struct http_resp *,
			    struct mef_answer **);
static enum mef_err	decode_answer(const struct mef_fetch_cfg *,
			    const char *, const struct http_resp *,
			    struct mef_answer *);

/* see mef/fetch.h */
enum mef_err
mef_fetch(const struct mef_fetch_cfg *cfg, const char *keyid, const char *suid,
    struct mef_answer **pans)
{
	struct mef_answer	*ans = NULL;
	struct tls_client	*tc = NULL;
	struct http_resp	 resp;
	struct keyid		 kid;
	struct buf		 b;
	unsigned char		*rbuf = NULL;
	char			 target[FETCH_TARGET_MAX];
	char			 ri[HTTP_CLIENT_RI_LEN + 1];
	const char		*fqdn;
	enum mef_err		 rc;

	buf_init(&b, HTTP_CLIENT_REQ_MAX);
	rc = pans != NULL ? check_cfg(cfg) : MEF_E_INVAL;
	if (rc != MEF_OK)
		goto out;
	rc = build_target(keyid, suid, &kid, target, sizeof(target));
	if (rc != MEF_OK)
		goto out;
	fqdn = cfg->fqdn != NULL ? cfg->fqdn : kid.fqdn;
	rc = request(cfg, fqdn, target, &b, ri, sizeof(ri));
	if (rc != MEF_OK)
		goto out;
	rbuf = malloc(HTTP_RESP_MAX);
	if (rbuf == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	rc = connect_mef(cfg, fqdn, &tc);
	if (rc != MEF_OK)
		goto out;
	rc = http_client_exchange(tc, b.data, b.len, rbuf, HTTP_RESP_MAX,
	    &resp);
	if (rc != MEF_OK)
		goto out;
	rc = take_answer(cfg, ri, rbuf, &resp, &ans);
out:
	tls_client_close(&tc);
	buf_free(&b);
	if (rbuf != NULL) {
		mef_wipe(rbuf, HTTP_RESP_MAX);
		free(rbuf);
	}
	/* The MEF answered: the caller gets the answer even when it says no. */
	if (ans != NULL)
		*pans = ans;
	return rc;
}

/* see mef/fetch.h */
int
mef_answer_status(const struct mef_answer *ans)
{
	return ans != NULL && ans->ans.status == 1;
}

/* see mef/fetch.h */
int
mef_answer_rsc(const struct mef_answer *ans)
{
	return ans != NULL ? ans->rsc : -1;
}

/* see mef/fetch.h */
int
mef_answer_http_status(const struct mef_answer *ans)
{
	return ans != NULL ? ans->http_status : 0;
}

/* see mef/fetch.h */
const unsigned char *
mef_answer_credential(const struct mef_answer *ans, size_t *plen)
{
	if (plen != NULL)
		*plen = 0;
	if (!mef_answer_status(ans) || ans->ans.credential == NULL)
		return NULL;
	if (plen != NULL)
		*plen = mef_secret_len(ans->ans.credential);
	return mef_secret_bytes(ans->ans.credential);
}

/* see mef/fetch.h */
const char *
mef_answer_enrolee_id(const struct mef_answer *ans)
{
	return mef_answer_status(ans) ? ans->ans.enrolee_id : NULL;
}

/* see mef/fetch.h */
uint64_t
mef_answer_lifetime(const struct mef_answer *ans)
{
	return mef_answer_status(ans) ? ans->ans.lifetime_s : 0;
}

/* see mef/fetch.h */
const char *
mef_answer_error(const struct mef_answer *ans)
{
	if (ans == NULL || mef_answer_status(ans))
		return NULL;
	return ans->ans.error;
}

/* see mef/fetch.h */
const char *
mef_answer_request_id(const struct mef_answer *ans)
{
	return ans != NULL ? ans->ri : NULL;
}

/* see mef/fetch.h */
const unsigned char *
mef_answer_body(const struct mef_answer *ans, size_t *plen)
{
	if (plen != NULL)
		*plen = ans != NULL ? ans->body_len : 0;
	return ans != NULL ? ans->body : NULL;
}

/* see mef/fetch.h */
void
mef_answer_free(struct mef_answer **pans)
{
	struct mef_answer	*ans;

	if (pans == NULL || *pans == NULL)
		return;
	ans = *pans;
	answer_clear(&ans->ans);
	if (ans->body != NULL) {
		mef_wipe(ans->body, ans->body_len);
		free(ans->body);
	}
	mef_wipe(ans, sizeof(*ans));
	free(ans);
	*pans = NULL;
}

static enum mef_err
check_cfg(const struct mef_fetch_cfg *cfg)
{
	size_t	len, i;
	int	psk, cert;

	if (cfg == NULL || cfg->version != MEF_FETCH_CFG_VERSION ||
	    cfg->host == NULL || cfg->host[0] == '\0' || cfg->port == 0 ||
	    cfg->origin == NULL)
		return MEF_E_INVAL;
	len = strnlen(cfg->origin, MEF_ID_MAX + 1);
	if (len == 0 || len > MEF_ID_MAX)
		return MEF_E_INVAL;
	if (cfg->fqdn != NULL &&
	    !is_dns_name(cfg->fqdn, strnlen(cfg->fqdn, MEF_FQDN_MAX + 1)))
		return MEF_E_INVAL;
	psk = cfg->psk_id != NULL || cfg->psk != NULL || cfg->psk_len != 0;
	cert = cfg->cert_file != NULL || cfg->key_file != NULL ||
	    cfg->ca_file != NULL;
	if (psk == cert)
		return MEF_E_INVAL;	/* exactly one way to authenticate */
	if (psk && (cfg->psk_id == NULL || cfg->psk == NULL ||
	    cfg->psk_len == 0 || cfg->psk_len > TLS_CLIENT_PSK_MAX))
		return MEF_E_INVAL;
	if (cert && (cfg->cert_file == NULL || cfg->key_file == NULL))
		return MEF_E_INVAL;
	if (cfg->accept != MEF_FMT_JSON && cfg->accept != MEF_FMT_XML &&
	    cfg->accept != MEF_FMT_CBOR)
		return MEF_E_INVAL;
	if (cfg->tls_version != MEF_FETCH_TLS_DEFAULT &&
	    cfg->tls_version != MEF_FETCH_TLS12 &&
	    cfg->tls_version != MEF_FETCH_TLS13)
		return MEF_E_INVAL;
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i] != NULL)
			return MEF_E_INVAL;
	return MEF_OK;
}

/* /fetchCredentials/<KeId>[/<SUID>], with KeId in its canonical form. */
static enum mef_err
build_target(const char *keyid, const char *suid, struct keyid *pkid,
    char *out, size_t outsz)
{
	uint64_t	v = 0;
	int		n;

	if (keyid == NULL ||
	    keyid_parse(keyid, strlen(keyid), pkid) != MEF_OK)
		return MEF_E_INVAL;
	if (suid != NULL && parse_u64(suid, strlen(suid), 0, FETCH_SUID_MAX,
	    &v) != MEF_OK)
		return MEF_E_INVAL;
	if (suid != NULL)
		n = snprintf(out, outsz, "%s%s/%llu", FETCH_PATH_PREFIX,
		    pkid->text, (unsigned long long)v);
	else
		n = snprintf(out, outsz, "%s%s", FETCH_PATH_PREFIX, pkid->text);
	if (n < 0 || (size_t)n >= outsz)
		return MEF_E_INVAL;
	return MEF_OK;
}

/* GET target with the oneM2M headers (PROTOCOL.md 3.2); the id goes to ri. */
static enum mef_err
request(const struct mef_fetch_cfg *cfg, const char *fqdn, const char *target,
    struct buf *b, char *ri, size_t risz)
{
	struct http_header	hdrs[4];
	struct http_client_req	req;
	enum mef_err		rc;

	rc = http_client_request_id(ri, risz);
	if (rc != MEF_OK)
		return rc;
	hdrs[0].name = "X-M2M-Origin";
	hdrs[0].value = cfg->origin;
	hdrs[1].name = "X-M2M-RI";
	hdrs[1].value = ri;
	hdrs[2].name = "X-M2M-RVI";
	hdrs[2].value = FETCH_RVI;
	hdrs[3].name = "Accept";
	hdrs[3].value = media_type(cfg->accept);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.target = target;
	req.host = fqdn;
	req.headers = hdrs;
	req.nheaders = sizeof(hdrs) / sizeof(hdrs[0]);
	return http_client_format(&req, b);
}

static enum mef_err
connect_mef(const struct mef_fetch_cfg *cfg, const char *fqdn,
    struct tls_client **ptc)
{
	struct tls_client_cfg	 tcfg;
	struct mef_secret	*psk = NULL;
	enum mef_err		 rc;

	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.host = cfg->host;
	tcfg.port = cfg->port;
	tcfg.sni = fqdn;
	tcfg.timeout_ms = cfg->timeout_ms;
	tcfg.tls_version = cfg->tls_version == MEF_FETCH_TLS12 ?
	    TLS_CLIENT_TLS12 : cfg->tls_version == MEF_FETCH_TLS13 ?
	    TLS_CLIENT_TLS13 : 0;
	if (cfg->psk_id != NULL) {
		rc = mef_secret_new(cfg->psk, cfg->psk_len, &psk);
		if (rc != MEF_OK)
			return rc;
		tcfg.mode = TLS_CLIENT_PSK;
		tcfg.psk_id = cfg->psk_id;
		tcfg.psk = psk;
	} else {
		tcfg.mode = TLS_CLIENT_CERT;
		tcfg.cert_file = cfg->cert_file;
		tcfg.key_file = cfg->key_file;
		tcfg.ca_file = cfg->ca_file;
	}
	rc = tls_client_open(&tcfg, ptc);
	mef_secret_free(&psk);
	return rc;
}

/*
 * Builds the answer of a complete response. *pans is set whenever there is one,
 * also when it is malformed (MEF_E_PROTO, with no credential) or says no
 * (MEF_E_DENIED).
 */
static enum mef_err
take_answer(const struct mef_fetch_cfg *cfg, const char *ri,
    const unsigned char *rbuf, const struct http_resp *resp,
    struct mef_answer **pans)
{
	struct mef_answer	*ans;
	enum mef_err		 rc;

	ans = calloc(1, sizeof(*ans));
	if (ans == NULL)
		return MEF_E_NOMEM;
	ans->http_status = resp->status;
	ans->rsc = resp->rsc;
	memcpy(ans->ri, resp->ri, sizeof(ans->ri));
	if (resp->body_len > 0) {
		ans->body = malloc(resp->body_len);
		if (ans->body == NULL) {
			free(ans);
			return MEF_E_NOMEM;
		}
		memcpy(ans->body, rbuf + resp->head_len, resp->body_len);
		ans->body_len = resp->body_len;
	}
	rc = decode_answer(cfg, ri, resp, ans);
	if (rc == MEF_E_PROTO)
		answer_clear(&ans->ans);	/* no key from a bad answer */
	*pans = ans;
	return rc;
}

static enum mef_err
decode_answer(const struct mef_fetch_cfg *cfg, const char *ri,
    const struct http_resp *resp, struct mef_answer *ans)
{
	enum mef_format	fmt = cfg->accept;
	int		ok_status;
	enum mef_err	rc;

	if (resp->ri[0] != '\0' && strcmp(resp->ri, ri) != 0)
		return MEF_E_PROTO;
	if (resp->content_type[0] != '\0' &&
	    media_from_content_type(resp->content_type,
	    strlen(resp->content_type), &fmt) != MEF_OK)
		return MEF_E_PROTO;
	rc = answer_decode(fmt, ans->body, ans->body_len, &ans->ans);
	if (rc != MEF_OK)
		return MEF_E_PROTO;
	ok_status = resp->status >= 200 && resp->status < 300;
	if (ans->ans.status != ok_status)
		return MEF_E_PROTO;
	if (ans->ans.status == 0)
		return MEF_E_DENIED;
	if (ans->ans.credential == NULL ||
	    mef_secret_len(ans->ans.credential) != MEF_KEY_LEN)
		return MEF_E_PROTO;
	return MEF_OK;
}
