/*
 * connect.c -- an enrolled device's connection to its Enrolment Target.
 *
 * PROTOCOL.md section 4: TLS 1.2 PSK with psk_identity = KeId and psk = the key the
 * MEF will hand that Target (Kpsa, Km for a MAF). The key is derived for the call and
 * wiped as soon as the handshake has used it. Each read and write gets the configured
 * timeout afresh, so a long-lived association is not cut by one global deadline.
 */
#include <stdlib.h>
#include <string.h>

#include "mef/enrolee.h"
#include "transport/tls_client.h"
#include "util/secret.h"

#define CONNECT_TIMEOUT_MS	10000

struct mef_conn {
	struct tls_client	*tc;
	unsigned		 timeout_ms;
};

static enum mef_err
check_cfg(const struct mef_connect_cfg *cfg)
{
	size_t	i;

	if (cfg == NULL || cfg->version != MEF_CONNECT_CFG_VERSION ||
	    cfg->host == NULL || cfg->port == 0 || cfg->target_id == NULL)
		return MEF_E_INVAL;
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i] != NULL)
			return MEF_E_INVAL;
	return MEF_OK;
}

/* see mef/enrolee.h */
enum mef_err
mef_enrolment_connect(const struct mef_enrolment *en,
    const struct mef_connect_cfg *cfg, struct mef_conn **pconn)
{
	struct tls_client_cfg	 tc;
	struct mef_conn		*conn = NULL;
	struct mef_secret	*psk = NULL;
	unsigned char		 key[MEF_KEY_LEN];
	enum mef_err		 rc;

	if (en == NULL || pconn == NULL)
		return MEF_E_INVAL;
	rc = check_cfg(cfg);
	if (rc != MEF_OK)
		return rc;
	rc = mef_enrolment_derive(en, cfg->kind, cfg->target_id, key);
	if (rc == MEF_OK)
		rc = mef_secret_new(key, sizeof(key), &psk);
	if (rc != MEF_OK)
		goto out;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	conn->timeout_ms = cfg->timeout_ms != 0 ? cfg->timeout_ms :
	    CONNECT_TIMEOUT_MS;
	memset(&tc, 0, sizeof(tc));
	tc.host = cfg->host;
	tc.port = cfg->port;
	tc.sni = cfg->sni;
	tc.timeout_ms = conn->timeout_ms;
	tc.mode = TLS_CLIENT_PSK;
	tc.psk_id = mef_enrolment_keyid(en);
	tc.psk = psk;
	rc = tls_client_open(&tc, &conn->tc);
out:
	mef_wipe(key, sizeof(key));
	mef_secret_free(&psk);
	if (rc == MEF_OK) {
		*pconn = conn;
	} else {
		free(conn);
	}
	return rc;
}

/* see mef/enrolee.h */
enum mef_err
mef_conn_write(struct mef_conn *conn, const void *buf, size_t len)
{
	if (conn == NULL || (buf == NULL && len > 0))
		return MEF_E_INVAL;
	tls_client_set_timeout(conn->tc, conn->timeout_ms);
	return tls_client_write(conn->tc, buf, len);
}

/* see mef/enrolee.h */
enum mef_err
mef_conn_read(struct mef_conn *conn, void *buf, size_t bufsz, size_t *pn)
{
	if (conn == NULL || buf == NULL || bufsz == 0 || pn == NULL)
		return MEF_E_INVAL;
	tls_client_set_timeout(conn->tc, conn->timeout_ms);
	return tls_client_read(conn->tc, buf, bufsz, pn);
}

/* see mef/enrolee.h */
void
mef_conn_close(struct mef_conn **pconn)
{
	if (pconn == NULL || *pconn == NULL)
		return;
	tls_client_close(&(*pconn)->tc);
	free(*pconn);
	*pconn = NULL;
}
