/*
 * enrolee.c -- libmef for devices: bootstrap, enrolment exchange, Target keys.
 *
 * mef_enrol() computes Ke and KeId from its own end of the TLS session and only
 * then reads the MEF's answer; the KeId the MEF returns must equal the local
 * one, which proves both ends hold the same Ke without either sending it. The
 * answer's other fields (EnroleeID, Targets, Lifetime) come from the MEF as
 * they are. The two RSPFs differ only in the handshake (Kpm, or the device's
 * certificate over TLS 1.2 exactly) and in what X-M2M-Origin carries; the
 * exporter, KeId and exchange are the same code.
 */
#include <stdlib.h>
#include <string.h>

#include "client/http_client.h"
#include "crypto/kdf.h"
#include "crypto/keyid.h"
#include "mef/enrolee.h"
#include "protocol/enrol_msg.h"
#include "protocol/media.h"
#include "transport/tls_client.h"
#include "util/hex.h"
#include "util/secret.h"
#include "util/strparse.h"

#define ENROL_PATH	"/enrolment"
#define ENROL_BODY	"{}"
#define ENROL_STATUS	201
#define ENROL_RSC	2001

struct mef_enrolment {
	struct mef_secret	*ke;
	struct enrol_result	 res;	/* keyid: the locally computed one */
};

static enum mef_err	check_cfg(const struct mef_enrol_cfg *);
static enum mef_err	check_psk(const struct mef_enrol_cfg *);
static enum mef_err	check_cert(const struct mef_enrol_cfg *);
static enum mef_err	cert_origin(const char *, char *, size_t);
static enum mef_err	open_session(const struct mef_enrol_cfg *,
			    struct tls_client **);
static enum mef_err	bootstrap(const struct mef_enrol_cfg *,
			    struct tls_client *, struct mef_enrolment *);
static enum mef_err	exchange(const struct mef_enrol_cfg *, const char *,
			    struct tls_client *, unsigned char *,
			    struct http_resp *);
static enum mef_err	check_answer(const struct http_resp *, const char *);
static enum mef_err	take_result(struct mef_enrolment *,
			    const unsigned char *, size_t);

/* see mef/enrolee.h */
enum mef_err
mef_enrol(const struct mef_enrol_cfg *cfg, struct mef_enrolment **penrol)
{
	struct mef_enrolment	*en = NULL;
	struct tls_client	*tc = NULL;
	struct http_resp	 resp;
	unsigned char		*rbuf = NULL;
	const char		*origin;
	char			 cn[MEF_ID_MAX + 1];
	enum mef_err		 rc;

	rc = penrol != NULL ? check_cfg(cfg) : MEF_E_INVAL;
	if (rc != MEF_OK)
		goto out;
	en = calloc(1, sizeof(*en));
	rbuf = malloc(HTTP_RESP_MAX);
	if (en == NULL || rbuf == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	origin = cfg->kpm_id;
	if (cfg->cert_file != NULL) {
		rc = cert_origin(cfg->cert_file, cn, sizeof(cn));
		if (rc != MEF_OK)
			goto out;
		origin = cn;
	}
	rc = open_session(cfg, &tc);
	if (rc != MEF_OK)
		goto out;
	rc = bootstrap(cfg, tc, en);
	if (rc != MEF_OK)
		goto out;
	rc = exchange(cfg, origin, tc, rbuf, &resp);
	if (rc != MEF_OK)
		goto out;
	rc = take_result(en, rbuf + resp.head_len, resp.body_len);
out:
	tls_client_close(&tc);
	if (rbuf != NULL) {
		mef_wipe(rbuf, HTTP_RESP_MAX);
		free(rbuf);
	}
	if (rc == MEF_OK)
		*penrol = en;
	else
		mef_enrolment_free(&en);
	return rc;
}

/* see mef/enrolee.h */
const char *
mef_enrolment_keyid(const struct mef_enrolment *en)
{
	return en != NULL ? en->res.keyid : NULL;
}

/* see mef/enrolee.h */
const char *
mef_enrolment_enrolee_id(const struct mef_enrolment *en)
{
	return en != NULL ? en->res.enrolee_id : NULL;
}

/* see mef/enrolee.h */
uint64_t
mef_enrolment_lifetime(const struct mef_enrolment *en)
{
	return en != NULL ? en->res.lifetime_s : 0;
}

/* see mef/enrolee.h */
size_t
mef_enrolment_target_count(const struct mef_enrolment *en)
{
	return en != NULL ? en->res.ntargets : 0;
}

/* see mef/enrolee.h */
const char *
mef_enrolment_target(const struct mef_enrolment *en, size_t i)
{
	if (en == NULL || i >= en->res.ntargets)
		return NULL;
	return en->res.targets[i];
}

/* see mef/enrolee.h */
enum mef_err
mef_enrolment_derive(const struct mef_enrolment *en, enum mef_target_kind kind,
    const char *target_id, unsigned char out[MEF_KEY_LEN])
{
	struct mef_secret	*key = NULL;
	size_t			 len;
	enum mef_err		 rc;

	if (en == NULL || en->ke == NULL || target_id == NULL || out == NULL)
		return MEF_E_INVAL;
	len = strnlen(target_id, MEF_ID_MAX + 1);
	if (len == 0 || len > MEF_ID_MAX)
		return MEF_E_INVAL;
	switch (kind) {
	case MEF_TARGET_CSE:
	case MEF_TARGET_AE:
		rc = kdf_kpsa(en->ke, target_id, len, &key);
		break;
	case MEF_TARGET_MAF:
		rc = kdf_km(en->ke, target_id, len, &key);
		break;
	default:
		rc = MEF_E_INVAL;
		break;
	}
	if (rc == MEF_OK && mef_secret_len(key) != MEF_KEY_LEN)
		rc = MEF_E_CRYPTO;
	if (rc == MEF_OK)
		memcpy(out, mef_secret_bytes(key), MEF_KEY_LEN);
	mef_secret_free(&key);
	return rc;
}

/* see mef/enrolee.h */
void
mef_enrolment_free(struct mef_enrolment **penrol)
{
	struct mef_enrolment	*en;

	if (penrol == NULL || *penrol == NULL)
		return;
	en = *penrol;
	mef_secret_free(&en->ke);
	mef_wipe(en, sizeof(*en));
	free(en);
	*penrol = NULL;
}

/*
 * Exactly one RSPF: a field of the other one set, even alone, is an error, so
 * a half-converted caller is told rather than silently using the wrong one.
 */
static enum mef_err
check_cfg(const struct mef_enrol_cfg *cfg)
{
	size_t	len, i;
	int	is_psk, is_cert;

	if (cfg == NULL || cfg->version != MEF_ENROL_CFG_VERSION ||
	    cfg->host == NULL || cfg->host[0] == '\0' || cfg->port == 0 ||
	    cfg->fqdn == NULL)
		return MEF_E_INVAL;
	len = strnlen(cfg->fqdn, MEF_FQDN_MAX + 1);
	if (!is_dns_name(cfg->fqdn, len))
		return MEF_E_INVAL;
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i] != NULL)
			return MEF_E_INVAL;
	is_psk = cfg->kpm_id != NULL || cfg->kpm != NULL || cfg->kpm_len != 0;
	is_cert = cfg->cert_file != NULL || cfg->key_file != NULL ||
	    cfg->ca_file != NULL;
	if (is_psk == is_cert)
		return MEF_E_INVAL;
	return is_psk ? check_psk(cfg) : check_cert(cfg);
}

static enum mef_err
check_psk(const struct mef_enrol_cfg *cfg)
{
	size_t	len;

	if (cfg->kpm_id == NULL || cfg->kpm == NULL || cfg->kpm_len == 0 ||
	    cfg->kpm_len > TLS_CLIENT_PSK_MAX)
		return MEF_E_INVAL;
	len = strnlen(cfg->kpm_id, MEF_ID_MAX + 1);
	if (len == 0 || len > MEF_ID_MAX)
		return MEF_E_INVAL;
	return MEF_OK;
}

/* The files themselves are read later: the certificate first, for Origin. */
static enum mef_err
check_cert(const struct mef_enrol_cfg *cfg)
{
	if (cfg->cert_file == NULL || cfg->cert_file[0] == '\0' ||
	    cfg->key_file == NULL || cfg->key_file[0] == '\0' ||
	    (cfg->ca_file != NULL && cfg->ca_file[0] == '\0'))
		return MEF_E_INVAL;
	return MEF_OK;
}

/*
 * X-M2M-Origin of a certificate session: the subject CN, else the fingerprint.
 * The device knows no EnroleeID yet and the MEF goes by the certificate, so
 * this only names the device in the MEF's logs; cut or cleaned it could name
 * another one, hence the fingerprint instead.
 */
static enum mef_err
cert_origin(const char *cert_file, char *out, size_t outsz)
{
	unsigned char	fp[TLS_CLIENT_SHA256_LEN];
	enum mef_err	rc;

	rc = tls_client_cert_subject(cert_file, out, outsz, fp);
	if (rc == MEF_OK && out[0] == '\0')
		rc = hex_encode(fp, sizeof(fp), 1, out, outsz);
	return rc;
}

/*
 * TLS 1.2 to the MEF: with the Kpm as PSK (PROTOCOL.md 2.1), or mutual with
 * the device's certificate and the ECDSA suites (2.2). The copy of the Kpm is
 * wiped once the handshake is over.
 */
static enum mef_err
open_session(const struct mef_enrol_cfg *cfg, struct tls_client **ptc)
{
	struct tls_client_cfg	 tcfg;
	struct mef_secret	*kpm = NULL;
	enum mef_err		 rc = MEF_OK;

	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.host = cfg->host;
	tcfg.port = cfg->port;
	tcfg.sni = cfg->fqdn;
	tcfg.timeout_ms = cfg->timeout_ms;
	if (cfg->cert_file != NULL) {
		tcfg.mode = TLS_CLIENT_CERT;
		tcfg.cert_file = cfg->cert_file;
		tcfg.key_file = cfg->key_file;
		tcfg.ca_file = cfg->ca_file;
		tcfg.tls12_only = 1;
	} else {
		rc = mef_secret_new(cfg->kpm, cfg->kpm_len, &kpm);
		tcfg.mode = TLS_CLIENT_PSK;
		tcfg.psk_id = cfg->kpm_id;
		tcfg.psk = kpm;
	}
	if (rc == MEF_OK)
		rc = tls_client_open(&tcfg, ptc);
	mef_secret_free(&kpm);
	return rc;
}

/* Exporter, split and KeId, from our own end of the session. */
static enum mef_err
bootstrap(const struct mef_enrol_cfg *cfg, struct tls_client *tc,
    struct mef_enrolment *en)
{
	unsigned char	x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	enum mef_err	rc;

	rc = tls_client_export(tc, KDF_EXPORTER_LABEL, KDF_EXPORTER_LABEL_LEN,
	    x, sizeof(x));
	if (rc != MEF_OK)
		goto out;
	rc = kdf_split(x, sizeof(x), rel, &en->ke);
	if (rc != MEF_OK)
		goto out;
	rc = keyid_format(rel, cfg->fqdn, en->res.keyid, sizeof(en->res.keyid));
out:
	mef_wipe(x, sizeof(x));
	mef_wipe(rel, sizeof(rel));
	return rc;
}

/* POST /enrolment and read the answer (PROTOCOL.md 2.3). */
static enum mef_err
exchange(const struct mef_enrol_cfg *cfg, const char *origin,
    struct tls_client *tc, unsigned char *rbuf, struct http_resp *presp)
{
	struct http_header	hdrs[4];
	struct http_client_req	req;
	struct http_resp	resp;
	struct buf		b;
	char			ri[HTTP_CLIENT_RI_LEN + 1];
	enum mef_err		rc;

	buf_init(&b, HTTP_CLIENT_REQ_MAX);
	rc = http_client_request_id(ri, sizeof(ri));
	if (rc != MEF_OK)
		goto out;
	hdrs[0].name = "X-M2M-Origin";
	hdrs[0].value = origin;
	hdrs[1].name = "X-M2M-RI";
	hdrs[1].value = ri;
	hdrs[2].name = "Content-Type";
	hdrs[2].value = media_type(MEF_FMT_JSON);
	hdrs[3].name = "Accept";
	hdrs[3].value = media_type(MEF_FMT_JSON);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.target = ENROL_PATH;
	req.host = cfg->fqdn;
	req.headers = hdrs;
	req.nheaders = sizeof(hdrs) / sizeof(hdrs[0]);
	req.body = (const unsigned char *)ENROL_BODY;
	req.body_len = sizeof(ENROL_BODY) - 1;
	rc = http_client_format(&req, &b);
	if (rc != MEF_OK)
		goto out;
	rc = http_client_exchange(tc, b.data, b.len, rbuf, HTTP_RESP_MAX,
	    &resp);
	if (rc != MEF_OK)
		goto out;
	rc = check_answer(&resp, ri);
out:
	buf_free(&b);
	if (rc == MEF_OK)
		*presp = resp;
	return rc;
}

/*
 * 201 with RSC 2001 is the only success. An error status means the MEF refused
 * the enrolment (MEF_E_DENIED); anything else is not an answer we understand.
 */
static enum mef_err
check_answer(const struct http_resp *resp, const char *ri)
{
	enum mef_format	fmt;

	if (resp->ri[0] != '\0' && strcmp(resp->ri, ri) != 0)
		return MEF_E_PROTO;
	if (resp->status >= 400)
		return MEF_E_DENIED;
	if (resp->status != ENROL_STATUS || resp->rsc != ENROL_RSC)
		return MEF_E_PROTO;
	if (resp->content_type[0] != '\0' &&
	    (media_from_content_type(resp->content_type,
	    strlen(resp->content_type), &fmt) != MEF_OK || fmt != MEF_FMT_JSON))
		return MEF_E_PROTO;
	return MEF_OK;
}

/* Decodes the answer and checks its KeId against ours. */
static enum mef_err
take_result(struct mef_enrolment *en, const unsigned char *body, size_t len)
{
	struct enrol_result	*res = NULL;
	struct keyid		 theirs;
	enum mef_err		 rc;

	res = calloc(1, sizeof(*res));
	if (res == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	rc = enrol_result_decode(body, len, res);
	if (rc != MEF_OK)
		goto out;
	rc = keyid_parse(res->keyid, strlen(res->keyid), &theirs);
	if (rc != MEF_OK || strcmp(theirs.text, en->res.keyid) != 0) {
		/* Not our Ke: another derivation, or not our MEF. */
		rc = MEF_E_PROTO;
		goto out;
	}
	memcpy(res->keyid, en->res.keyid, sizeof(res->keyid));
	en->res = *res;
out:
	free(res);
	return rc;
}
