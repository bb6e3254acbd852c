/*
 * tls_server.c -- OpenSSL server contexts and accepted connections for mefd.
 *
 * The connection's daemon context travels in the SSL's ex_data so the PSK and
 * certificate callbacks, which OpenSSL calls in the middle of a handshake, can reach the
 * store of the loop that owns the connection. A lookup miss answers with a random
 * dummy PSK: the client then fails on the Finished MAC exactly as with a wrong key.
 *
 * TLS 1.3 (Target listener only) takes the external PSK through the
 * find-session callback: a session holding the Target's key,
 * TLS_AES_128_GCM_SHA256, version 1.3. An unknown identity gets a session with
 * a dummy key, so the binder fails with the same alert as for a wrong key, and
 * no identity ever falls back to a certificate handshake. The listener offers
 * SHA-256 suites only in TLS 1.3, because OpenSSL does not steer its suite
 * choice towards the PSK's hash: with a certificate loaded it would pick a
 * SHA-384 suite the client prefers and drop the PSK. Since a PSK looked up in
 * the ClientHello may still go unused, the daemon asks tls_conn_psk_used()
 * after the handshake before it trusts the lookup.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "transport/tls_server.h"
#include "transport/tls_peer_cert_int.h"
#include "transport/tls_server_int.h"
#include "util/log.h"

#define DUMMY_PSK_LEN	32

/* Offered to Enrolees: the mandatory suite of TS-0003 10.2.2 first. */
static const char bootstrap_ciphers[] =
    "PSK-AES128-CBC-SHA256:PSK-AES128-GCM-SHA256:PSK-AES256-GCM-SHA384:"
    "PSK-AES128-CCM8:ECDHE-PSK-AES128-CBC-SHA256";
/* Offered to certificate Enrolees: the mandatory suite of TS-0003 first. */
static const char bootstrap_cert_ciphers[] =
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384";
/* Offered to Targets: the same PSK suites plus certificate suites. */
static const char target_ciphers[] =
    "PSK-AES128-CBC-SHA256:PSK-AES128-GCM-SHA256:PSK-AES256-GCM-SHA384:"
    "ECDHE-PSK-AES128-CBC-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";
/* TLS 1.3 on the Target listener: SHA-256 suites, the external PSK's hash. */
static const char target_tls13_suites[] =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";
static const unsigned char sid_ctx[] = "mefd";
/* TLS_AES_128_GCM_SHA256: the suite of a TLS 1.3 external PSK session. */
static const unsigned char tls13_aes128gcm[2] = { 0x13, 0x01 };

struct tls_server {
	SSL_CTX			*ctx;
	struct tls_server_cfg	 cfg;
};

static pthread_once_t	 ex_once = PTHREAD_ONCE_INIT;
static int		 ex_conn_arg = -1;

static void
ex_init(void)
{
	ex_conn_arg = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/*
 * The key of identity into psk (room for max_psk_len bytes): the Target's or,
 * for an unknown identity, a random dummy one. Returns its length, 0 on
 * failure.
 */
static unsigned int
psk_of(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk_len)
{
	struct tls_server	*srv;
	struct mef_secret	*key = NULL;
	unsigned int		 len = 0;
	enum mef_err		 rc;

	srv = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	rc = srv->cfg.psk_lookup(SSL_get_ex_data(ssl, ex_conn_arg),
	    identity != NULL ? identity : "", &key);
	if (rc == MEF_E_NOTFOUND) {
		/*
		 * Unknown identity: go on with a random key, so the peer sees the
		 * same failure (bad Finished, bad binder) as for a wrong key
		 * and learns nothing about which identities exist.
		 */
		if (max_psk_len < DUMMY_PSK_LEN ||
		    RAND_bytes(psk, DUMMY_PSK_LEN) != 1)
			return 0;
		return DUMMY_PSK_LEN;
	}
	if (rc != MEF_OK)
		return 0;
	if (mef_secret_len(key) <= max_psk_len) {
		len = (unsigned int)mef_secret_len(key);
		memcpy(psk, mef_secret_bytes(key), len);
	}
	mef_secret_free(&key);
	return len;
}

/* TLS 1.2: OpenSSL asks for the key of a PSK suite's identity. */
static unsigned int
psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk_len)
{
	return psk_of(ssl, identity, psk, max_psk_len);
}

/*
 * TLS 1.3: a session holding the external PSK of the client's first identity,
 * the Target's key or a dummy one. An identity that is no C string (a NUL
 * inside, or longer than OpenSSL's bound) is looked up as nothing and gets a
 * dummy key too. Returning 0 (an internal failure) aborts the handshake instead
 * of letting it go on without the PSK.
 */
static int
psk_find_session_cb(SSL *ssl, const unsigned char *identity,
    size_t identity_len, SSL_SESSION **psess)
{
	char			 id[PSK_MAX_IDENTITY_LEN + 1];
	unsigned char		 key[PSK_MAX_PSK_LEN];
	const SSL_CIPHER	*cipher;
	SSL_SESSION		*sess = NULL;
	unsigned int		 len;

	*psess = NULL;
	id[0] = '\0';
	if (identity_len > 0 && identity_len <= PSK_MAX_IDENTITY_LEN &&
	    memchr(identity, '\0', identity_len) == NULL) {
		memcpy(id, identity, identity_len);
		id[identity_len] = '\0';
	}
	len = psk_of(ssl, id, key, sizeof(key));
	cipher = SSL_CIPHER_find(ssl, tls13_aes128gcm);
	if (len > 0 && cipher != NULL && (sess = SSL_SESSION_new()) != NULL &&
	    (SSL_SESSION_set1_master_key(sess, key, len) != 1 ||
	    SSL_SESSION_set_cipher(sess, cipher) != 1 ||
	    SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION) != 1)) {
		SSL_SESSION_free(sess);
		sess = NULL;
	}
	OPENSSL_cleanse(key, sizeof(key));
	if (sess == NULL) {
		ERR_clear_error();
		return 0;
	}
	*psess = sess;		/* OpenSSL takes ownership */
	return 1;
}

static int
verify_cb(int preverify_ok, X509_STORE_CTX *xctx)
{
	struct tls_server	*srv;
	struct tls_peer_cert	 pc;
	SSL			*ssl;

	if (X509_STORE_CTX_get_error_depth(xctx) != 0)
		return 1;	/* the decision is taken on the leaf */
	ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	srv = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	/* A Target's configured trust anchor: the chain must verify as well. */
	if (srv->cfg.role == TLS_ROLE_TARGET &&
	    srv->cfg.client_ca_file != NULL && !preverify_ok)
		return 0;
	pc.leaf = X509_STORE_CTX_get_current_cert(xctx);
	pc.chain = X509_STORE_CTX_get0_untrusted(xctx);
	if (pc.leaf == NULL || srv->cfg.cert_check == NULL)
		return 0;
	/*
	 * The daemon verifies by itself (pinned fingerprint, or its own anchors from
	 * the database), so OpenSSL's opinion of the chain does not matter here.
	 */
	if (srv->cfg.cert_check(SSL_get_ex_data(ssl, ex_conn_arg), &pc) != MEF_OK)
		return 0;
	X509_STORE_CTX_set_error(xctx, X509_V_OK);
	return 1;
}

/* 1 when the context's certificate has an ECDSA P-256 key (TS-0003 10.2). */
static int
is_p256(SSL_CTX *ctx)
{
	X509		*cert = SSL_CTX_get0_certificate(ctx);
	EVP_PKEY	*pk = cert != NULL ? X509_get0_pubkey(cert) : NULL;
	char		 group[32];
	size_t		 len = 0;
	int		 ok;

	ok = pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), &len) == 1 &&
	    strcmp(group, "prime256v1") == 0;
	ERR_clear_error();
	return ok;
}

static enum mef_err
ctx_fail(char *err, size_t errsz, const char *what, const char *file)
{
	char	ebuf[256];

	ERR_error_string_n(ERR_get_error(), ebuf, sizeof(ebuf));
	ERR_clear_error();
	snprintf(err, errsz, "%s %s: %s", what, file != NULL ? file : "", ebuf);
	return MEF_E_CONFIG;
}

static enum mef_err
ctx_configure(struct tls_server *srv, char *err, size_t errsz)
{
	const struct tls_server_cfg	*cfg = &srv->cfg;
	SSL_CTX				*ctx = srv->ctx;
	int				 boot = cfg->role != TLS_ROLE_TARGET;
	const char			*ciphers;

	SSL_CTX_set_app_data(ctx, srv);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, boot ? TLS1_2_VERSION : TLS1_3_VERSION);
	/* No resumption: every connection proves its key (revocation is immediate). */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Read ahead and write modes are per connection (tls_conn.c). */
	ciphers = cfg->role == TLS_ROLE_BOOTSTRAP ? bootstrap_ciphers :
	    cfg->role == TLS_ROLE_BOOTSTRAP_CERT ? bootstrap_cert_ciphers :
	    target_ciphers;
	if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1)
		return ctx_fail(err, errsz, "cipher list", NULL);
	if (!boot && SSL_CTX_set_ciphersuites(ctx, target_tls13_suites) != 1)
		return ctx_fail(err, errsz, "TLS 1.3 suites", NULL);
	/*
	 * OpenSSL treats a TLS 1.3 external PSK as a resumed session, and
	 * refuses to resume without a session id context when it verifies
	 * client certificates (internal_error alert). Sessions are never
	 * cached; this only names them.
	 */
	if (SSL_CTX_set_session_id_context(ctx, sid_ctx,
	    sizeof(sid_ctx) - 1) != 1)
		return ctx_fail(err, errsz, "session id context", NULL);
	if (cfg->psk_lookup != NULL) {
		SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
		if (!boot)
			SSL_CTX_set_psk_find_session_callback(ctx,
			    psk_find_session_cb);
	}
	if (cfg->cert_file != NULL) {
		if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1)
			return ctx_fail(err, errsz, "certificate", cfg->cert_file);
		if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file,
		    SSL_FILETYPE_PEM) != 1)
			return ctx_fail(err, errsz, "private key", cfg->key_file);
		if (SSL_CTX_check_private_key(ctx) != 1)
			return ctx_fail(err, errsz, "key does not match",
			    cfg->cert_file);
		if (cfg->role == TLS_ROLE_BOOTSTRAP_CERT && !is_p256(ctx)) {
			snprintf(err, errsz, "%s: the certificate RSPF needs an "
			    "ECDSA P-256 certificate", cfg->cert_file);
			return MEF_E_CONFIG;
		}
	}
	if (cfg->client_ca_file != NULL &&
	    SSL_CTX_load_verify_locations(ctx, cfg->client_ca_file, NULL) != 1)
		return ctx_fail(err, errsz, "client CA", cfg->client_ca_file);
	if (cfg->cert_check != NULL && cfg->cert_file != NULL)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE |
		    (cfg->role == TLS_ROLE_BOOTSTRAP_CERT ?
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), verify_cb);
	return MEF_OK;
}

/* see tls_server.h */
enum mef_err
tls_server_new(const struct tls_server_cfg *cfg, struct tls_server **psrv,
    char *err, size_t errsz)
{
	struct tls_server	*srv;
	enum mef_err		 rc;

	pthread_once(&ex_once, ex_init);
	if (ex_conn_arg < 0)
		return MEF_E_CRYPTO;
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return MEF_E_NOMEM;
	srv->cfg = *cfg;
	srv->ctx = SSL_CTX_new(TLS_server_method());
	if (srv->ctx == NULL) {
		rc = ctx_fail(err, errsz, "SSL_CTX_new", NULL);
		goto out;
	}
	rc = ctx_configure(srv, err, errsz);
out:
	if (rc == MEF_OK)
		*psrv = srv;
	else
		tls_server_free(&srv);
	return rc;
}

/* see tls_server.h */
void
tls_server_free(struct tls_server **psrv)
{
	if (psrv == NULL || *psrv == NULL)
		return;
	SSL_CTX_free((*psrv)->ctx);
	free(*psrv);
	*psrv = NULL;
}

/* see tls_server_int.h */
SSL *
tls_server_new_ssl(struct tls_server *srv, void *conn_arg)
{
	SSL	*ssl;

	ssl = SSL_new(srv->ctx);
	if (ssl == NULL) {
		ERR_clear_error();
		return NULL;
	}
	SSL_set_ex_data(ssl, ex_conn_arg, conn_arg);
	SSL_set_accept_state(ssl);
	return ssl;
}
