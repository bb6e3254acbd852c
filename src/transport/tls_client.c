/*
 * tls_client.c -- blocking TLS client connections over a BIO pair.
 *
 * OpenSSL never touches the socket: it reads and writes one end of a BIO pair,
 * and tls_drive() moves ciphertext between the other end and the non-blocking
 * socket, waiting in poll(2) no longer than the connection's deadline. That
 * gives one timeout for connect, handshake and I/O alike, and lets every send
 * use MSG_NOSIGNAL, so a library call never raises SIGPIPE in the application.
 * Failures are logged at debug level with OpenSSL's reason, never with key
 * bytes. tls_client_cert_subject() reads a certificate file without a
 * connection, so that libmef learns its own name without OpenSSL types.
 *
 * A TLS 1.3 PSK connection offers the key as an external PSK session
 * (TLS_AES_128_GCM_SHA256) and SHA-256 suites only, so that a server cannot
 * pick a suite the PSK does not fit; and the handshake counts only if the
 * server accepted that PSK: a server answering with a certificate handshake
 * instead proved nothing, since the PSK mode verifies no certificate.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "transport/tcp_connect.h"
#include "transport/tls_client.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strparse.h"

#define TLS_CLIENT_TIMEOUT_MS	10000
#define TLS_CLIENT_CHUNK	4096	/* ciphertext moved per step */

/* TLS 1.3 with a PSK: the suites whose hash (SHA-256) the external PSK has. */
#define TLS_CLIENT_PSK13_SUITES						\
	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
/* TLS_AES_128_GCM_SHA256: the suite of the external PSK session. */
static const unsigned char	tls13_aes128gcm[2] = { 0x13, 0x01 };

struct tls_client {
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	BIO			*net;		/* our end of the BIO pair */
	uint64_t		 deadline_us;
	struct mef_secret	*psk;		/* until the handshake ends */
	char			 psk_id[TLS_CLIENT_PSK_ID_MAX + 1];
	int			 peer_eof;	/* the peer closed TCP */
	int			 sys_errno;	/* last socket error, 0: none */
	int			 handshake_done;
	int			 broken;	/* a call failed: no goodbye */
};

enum tls_op {
	OP_HANDSHAKE,
	OP_READ,
	OP_WRITE,
	OP_SHUTDOWN,
};

static enum mef_err	check_cfg(const struct tls_client_cfg *);
static unsigned int	psk_client_cb(SSL *, const char *, char *,
			    unsigned int, unsigned char *, unsigned int);
static int		psk_use_session_cb(SSL *, const EVP_MD *,
			    const unsigned char **, size_t *, SSL_SESSION **);
static enum mef_err	ctx_new(const struct tls_client_cfg *, SSL_CTX **);
static enum mef_err	ctx_versions(SSL_CTX *, const struct tls_client_cfg *);
static enum mef_err	ctx_setup_cert(SSL_CTX *,
			    const struct tls_client_cfg *);
static enum mef_err	ssl_new(struct tls_client *,
			    const struct tls_client_cfg *);
static void		subject_cn(X509 *, char *, size_t);
static enum mef_err	flush_out(struct tls_client *);
static enum mef_err	fill_in(struct tls_client *);
static enum mef_err	tls_failure(struct tls_client *, enum tls_op, int);
static enum mef_err	tls_drive(struct tls_client *, enum tls_op, void *,
			    size_t, size_t *);
static void		drain_errors(const char *);

/* see tls_client.h */
enum mef_err
tls_client_open(const struct tls_client_cfg *cfg, struct tls_client **ptc)
{
	struct tls_client	*tc = NULL;
	unsigned		 timeout_ms;
	size_t			 n;
	enum mef_err		 rc;

	rc = check_cfg(cfg);
	if (rc != MEF_OK)
		goto out;
	tc = calloc(1, sizeof(*tc));
	if (tc == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	tc->fd = -1;
	timeout_ms = cfg->timeout_ms;
	if (timeout_ms == 0)
		timeout_ms = TLS_CLIENT_TIMEOUT_MS;
	tc->deadline_us = clock_mono_us() + (uint64_t)timeout_ms * 1000u;
	if (cfg->mode == TLS_CLIENT_PSK) {
		memcpy(tc->psk_id, cfg->psk_id, strlen(cfg->psk_id) + 1);
		rc = mef_secret_dup(cfg->psk, &tc->psk);
		if (rc != MEF_OK)
			goto out;
	}
	rc = ctx_new(cfg, &tc->ctx);
	if (rc != MEF_OK)
		goto out;
	rc = ssl_new(tc, cfg);
	if (rc != MEF_OK)
		goto out;
	rc = tcp_connect(cfg->host, cfg->port, tc->deadline_us, &tc->fd);
	if (rc != MEF_OK)
		goto out;
	rc = tls_drive(tc, OP_HANDSHAKE, NULL, 0, &n);
	if (rc != MEF_OK)
		goto out;
	if (cfg->mode == TLS_CLIENT_PSK &&
	    SSL_version(tc->ssl) >= TLS1_3_VERSION &&
	    SSL_session_reused(tc->ssl) != 1) {
		log_debug("tls_client: %s:%u did not accept the PSK", cfg->host,
		    (unsigned)cfg->port);
		tc->broken = 1;
		rc = MEF_E_AUTH;
		goto out;
	}
	tc->handshake_done = 1;
	/* The PSK served its purpose: no resumption, so do not keep it. */
	mef_secret_free(&tc->psk);
	log_debug("tls_client: %s:%u connected, %s %s", cfg->host,
	    (unsigned)cfg->port, SSL_get_version(tc->ssl),
	    SSL_get_cipher_name(tc->ssl));
out:
	if (rc == MEF_OK)
		*ptc = tc;
	else
		tls_client_close(&tc);
	return rc;
}

/* see tls_client.h */
enum mef_err
tls_client_cert_subject(const char *cert_file, char *cn, size_t cnsz,
    unsigned char sha256[TLS_CLIENT_SHA256_LEN])
{
	BIO		*bio = NULL;
	X509		*x = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 md_len = 0;
	enum mef_err	 rc = MEF_E_INVAL;

	if (cert_file == NULL || cn == NULL || cnsz == 0 || sha256 == NULL)
		return MEF_E_INVAL;
	ERR_clear_error();
	bio = BIO_new_file(cert_file, "r");
	if (bio != NULL)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (x == NULL) {
		log_debug("tls_client: no certificate in %s", cert_file);
		goto out;
	}
	rc = MEF_E_CRYPTO;
	if (X509_digest(x, EVP_sha256(), md, &md_len) != 1 ||
	    md_len != TLS_CLIENT_SHA256_LEN)
		goto out;
	memcpy(sha256, md, TLS_CLIENT_SHA256_LEN);
	subject_cn(x, cn, cnsz);
	rc = MEF_OK;
out:
	drain_errors("certificate");
	X509_free(x);
	BIO_free(bio);
	return rc;
}

/* see tls_client.h */
enum mef_err
tls_client_export(struct tls_client *tc, const char *label, size_t label_len,
    unsigned char *out, size_t out_len)
{
	int	r;

	if (tc == NULL || tc->ssl == NULL || !tc->handshake_done ||
	    label == NULL || out == NULL || out_len == 0)
		return MEF_E_INVAL;
	ERR_clear_error();
	r = SSL_export_keying_material(tc->ssl, out, out_len, label, label_len,
	    NULL, 0, 0);
	if (r != 1) {
		drain_errors("export");
		mef_wipe(out, out_len);
		return MEF_E_CRYPTO;
	}
	return MEF_OK;
}

/* see tls_client.h */
enum mef_err
tls_client_write(struct tls_client *tc, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	size_t			 n;
	enum mef_err		 rc = MEF_OK;

	if (tc == NULL || tc->ssl == NULL || (buf == NULL && len > 0))
		return MEF_E_INVAL;
	while (len > 0) {
		/* SSL_write_ex() takes non-const data it never writes. */
		rc = tls_drive(tc, OP_WRITE, (void *)(uintptr_t)p, len, &n);
		if (rc != MEF_OK)
			break;
		p += n;
		len -= n;
	}
	return rc;
}

/* see tls_client.h */
enum mef_err
tls_client_read(struct tls_client *tc, void *buf, size_t bufsz, size_t *pn)
{
	size_t		n = 0;
	enum mef_err	rc;

	if (tc == NULL || tc->ssl == NULL || buf == NULL || bufsz == 0)
		return MEF_E_INVAL;
	rc = tls_drive(tc, OP_READ, buf, bufsz, &n);
	if (rc == MEF_OK)
		*pn = n;
	return rc;
}

/* see tls_client.h */
void
tls_client_set_timeout(struct tls_client *tc, unsigned timeout_ms)
{
	tc->deadline_us = clock_mono_us() + (uint64_t)(timeout_ms != 0 ?
	    timeout_ms : TLS_CLIENT_TIMEOUT_MS) * 1000;
}

/* see tls_client.h */
const char *
tls_client_version(const struct tls_client *tc)
{
	if (tc == NULL || tc->ssl == NULL)
		return "none";
	return SSL_get_version(tc->ssl);
}

/* see tls_client.h */
const char *
tls_client_cipher(const struct tls_client *tc)
{
	const char	*name;

	if (tc == NULL || tc->ssl == NULL)
		return "none";
	name = SSL_get_cipher_name(tc->ssl);
	return name != NULL ? name : "none";
}

/* see tls_client.h */
void
tls_client_close(struct tls_client **ptc)
{
	struct tls_client	*tc;
	size_t			 n;

	if (ptc == NULL || *ptc == NULL)
		return;
	tc = *ptc;
	if (tc->ssl != NULL && tc->handshake_done && !tc->broken &&
	    !tc->peer_eof && tc->sys_errno == 0)
		(void)tls_drive(tc, OP_SHUTDOWN, NULL, 0, &n);
	SSL_free(tc->ssl);		/* frees our half of the pair too */
	BIO_free(tc->net);
	SSL_CTX_free(tc->ctx);
	if (tc->fd != -1)
		close(tc->fd);
	mef_secret_free(&tc->psk);
	mef_wipe(tc, sizeof(*tc));
	free(tc);
	*ptc = NULL;
	ERR_clear_error();
}

static enum mef_err
check_cfg(const struct tls_client_cfg *cfg)
{
	size_t	len;

	if (cfg == NULL || cfg->host == NULL || cfg->host[0] == '\0' ||
	    cfg->port == 0)
		return MEF_E_INVAL;
	if (cfg->sni != NULL && !tcp_is_address(cfg->sni) &&
	    !is_dns_name(cfg->sni, strlen(cfg->sni)))
		return MEF_E_INVAL;
	switch (cfg->mode) {
	case TLS_CLIENT_PSK:
		if (cfg->psk_id == NULL || cfg->psk == NULL)
			return MEF_E_INVAL;
		len = strlen(cfg->psk_id);
		if (len == 0 || len > TLS_CLIENT_PSK_ID_MAX ||
		    len >= PSK_MAX_IDENTITY_LEN)
			return MEF_E_INVAL;
		len = mef_secret_len(cfg->psk);
		if (len == 0 || len > TLS_CLIENT_PSK_MAX ||
		    len > PSK_MAX_PSK_LEN)
			return MEF_E_INVAL;
		break;
	case TLS_CLIENT_CERT:
		if (cfg->cert_file == NULL || cfg->key_file == NULL)
			return MEF_E_INVAL;
		break;
	default:
		return MEF_E_INVAL;
	}
	if (cfg->tls_version != 0 && cfg->tls_version != TLS_CLIENT_TLS12 &&
	    cfg->tls_version != TLS_CLIENT_TLS13)
		return MEF_E_INVAL;
	if (cfg->tls12_only && cfg->tls_version == TLS_CLIENT_TLS13)
		return MEF_E_INVAL;
	return MEF_OK;
}

/*
 * OpenSSL asks for the identity and key here. The key is copied into OpenSSL's
 * own buffer, which it wipes after computing the premaster secret.
 */
static unsigned int
psk_client_cb(SSL *ssl, const char *hint, char *identity,
    unsigned int max_identity_len, unsigned char *psk, unsigned int max_psk_len)
{
	struct tls_client	*tc;
	size_t			 id_len, key_len;

	tc = SSL_get_app_data(ssl);
	if (tc == NULL || tc->psk == NULL)
		return 0;
	id_len = strlen(tc->psk_id);
	key_len = mef_secret_len(tc->psk);
	if (id_len >= max_identity_len || key_len > max_psk_len)
		return 0;	/* refuse rather than truncate */
	memcpy(identity, tc->psk_id, id_len + 1);
	memcpy(psk, mef_secret_bytes(tc->psk), key_len);
	return (unsigned int)key_len;
}

/*
 * TLS 1.3: the PSK as an external PSK session. md is the hash of the suite a
 * HelloRetryRequest fixed (else NULL); a PSK of another hash is not offered.
 * The key is copied into the session, which OpenSSL cleanses when freed.
 */
static int
psk_use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
    size_t *idlen, SSL_SESSION **psess)
{
	struct tls_client	*tc = SSL_get_app_data(ssl);
	const SSL_CIPHER	*cipher;
	SSL_SESSION		*sess;

	*psess = NULL;
	*id = NULL;
	*idlen = 0;
	if (tc == NULL || tc->psk == NULL)
		return 0;
	if (md != NULL && EVP_MD_get_type(md) != NID_sha256)
		return 1;
	cipher = SSL_CIPHER_find(ssl, tls13_aes128gcm);
	sess = SSL_SESSION_new();
	if (cipher == NULL || sess == NULL ||
	    SSL_SESSION_set1_master_key(sess, mef_secret_bytes(tc->psk),
	    mef_secret_len(tc->psk)) != 1 ||
	    SSL_SESSION_set_cipher(sess, cipher) != 1 ||
	    SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION) != 1) {
		SSL_SESSION_free(sess);
		return 0;
	}
	*psess = sess;		/* OpenSSL takes ownership */
	*id = (const unsigned char *)tc->psk_id;
	*idlen = strlen(tc->psk_id);
	return 1;
}

/* tls_version: TLS 1.2 or 1.3 exactly, or (0) what the mode allows. */
static enum mef_err
ctx_versions(SSL_CTX *ctx, const struct tls_client_cfg *cfg)
{
	int	min = TLS1_2_VERSION, max = TLS1_3_VERSION;

	/* PSK: TLS 1.2 unless asked; the 1.3 exporter gives other octets. */
	if (cfg->tls_version == TLS_CLIENT_TLS12 || cfg->tls12_only ||
	    (cfg->mode == TLS_CLIENT_PSK && cfg->tls_version == 0))
		max = TLS1_2_VERSION;
	if (cfg->tls_version == TLS_CLIENT_TLS13)
		min = TLS1_3_VERSION;
	if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, max) != 1)
		return MEF_E_CRYPTO;
	return MEF_OK;
}

static enum mef_err
ctx_new(const struct tls_client_cfg *cfg, SSL_CTX **pctx)
{
	SSL_CTX		*ctx;
	enum mef_err	 rc = MEF_OK;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		rc = MEF_E_CRYPTO;
		goto out;
	}
	/* A fetch answer carries a key: wipe record buffers on release. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CLEANSE_PLAINTEXT);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	rc = ctx_versions(ctx, cfg);
	if (rc != MEF_OK)
		goto out;
	if (cfg->mode == TLS_CLIENT_PSK) {
		if (SSL_CTX_set_cipher_list(ctx, TLS_CLIENT_PSK_CIPHERS) != 1 ||
		    SSL_CTX_set_ciphersuites(ctx,
		    TLS_CLIENT_PSK13_SUITES) != 1) {
			rc = MEF_E_CRYPTO;
			goto out;
		}
		SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
		SSL_CTX_set_psk_use_session_callback(ctx, psk_use_session_cb);
	} else
		rc = ctx_setup_cert(ctx, cfg);
out:
	if (rc != MEF_OK) {
		drain_errors("setup");
		SSL_CTX_free(ctx);
	} else
		*pctx = ctx;
	return rc;
}

/*
 * The versions and suites, the client certificate and key, and the trust
 * anchor if any.
 */
static enum mef_err
ctx_setup_cert(SSL_CTX *ctx, const struct tls_client_cfg *cfg)
{
	/* The bootstrap exports keys: the 1.3 exporter gives other octets. */
	if (cfg->tls12_only &&
	    SSL_CTX_set_cipher_list(ctx, TLS_CLIENT_CERT_BOOT_CIPHERS) != 1)
		return MEF_E_CRYPTO;
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
		log_debug("tls_client: cannot load certificate %s",
		    cfg->cert_file);
		return MEF_E_INVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		log_debug("tls_client: cannot load key %s or it does not "
		    "match the certificate", cfg->key_file);
		return MEF_E_INVAL;
	}
	if (cfg->ca_file == NULL) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return MEF_OK;
	}
	if (SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) != 1) {
		log_debug("tls_client: cannot load CA file %s", cfg->ca_file);
		return MEF_E_INVAL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return MEF_OK;
}

/* The SSL object, its BIO pair, SNI and, when verifying, the expected name. */
static enum mef_err
ssl_new(struct tls_client *tc, const struct tls_client_cfg *cfg)
{
	BIO		*inner = NULL;
	enum mef_err	 rc = MEF_E_CRYPTO;

	ERR_clear_error();
	tc->ssl = SSL_new(tc->ctx);
	if (tc->ssl == NULL)
		goto out;
	if (BIO_new_bio_pair(&inner, 0, &tc->net, 0) != 1)
		goto out;
	SSL_set_bio(tc->ssl, inner, inner);	/* takes our reference */
	SSL_set_app_data(tc->ssl, tc);
	SSL_set_connect_state(tc->ssl);
	if (cfg->sni != NULL && !tcp_is_address(cfg->sni)) {
		if (SSL_set_tlsext_host_name(tc->ssl, cfg->sni) != 1)
			goto out;
		if (cfg->mode == TLS_CLIENT_CERT && cfg->ca_file != NULL &&
		    SSL_set1_host(tc->ssl, cfg->sni) != 1)
			goto out;
	}
	rc = MEF_OK;
out:
	if (rc != MEF_OK)
		drain_errors("setup");
	return rc;
}

/*
 * The last (most specific) CN of x's subject into cn, or "": a CN that does not
 * fit or holds a control character is left out, never cut, since the caller
 * puts it in a header.
 */
static void
subject_cn(X509 *x, char *cn, size_t cnsz)
{
	const X509_NAME	*name;
	unsigned char	*utf8 = NULL;
	size_t		 i, len;
	int		 at, last = -1, n;

	cn[0] = '\0';
	name = X509_get_subject_name(x);
	for (;;) {
		at = X509_NAME_get_index_by_NID(name, NID_commonName, last);
		if (at < 0)
			break;
		last = at;
	}
	if (last < 0)
		return;
	n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	if (n <= 0 || (size_t)n >= cnsz)
		goto out;
	len = (size_t)n;
	for (i = 0; i < len; i++)
		if (utf8[i] < 0x20 || utf8[i] == 0x7f)
			goto out;
	memcpy(cn, utf8, len);
	cn[len] = '\0';
out:
	OPENSSL_free(utf8);
}

/* Sends every ciphertext byte OpenSSL has queued. */
static enum mef_err
flush_out(struct tls_client *tc)
{
	unsigned char	 buf[TLS_CLIENT_CHUNK];
	size_t		 off;
	ssize_t		 w;
	int		 n;
	enum mef_err	 rc;

	while (BIO_ctrl_pending(tc->net) > 0) {
		n = BIO_read(tc->net, buf, sizeof(buf));
		if (n <= 0)
			return MEF_E_CRYPTO;
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			w = send(tc->fd, buf + off, (size_t)n - off,
			    MSG_NOSIGNAL);
			if (w >= 0)
				continue;
			w = 0;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				tc->sys_errno = errno;
				log_debug("tls_client: send: %s",
				    strerror(errno));
				return MEF_E_IO;
			}
			rc = tcp_wait(tc->fd, POLLOUT, tc->deadline_us);
			if (rc != MEF_OK)
				return rc;
		}
	}
	return MEF_OK;
}

/* Receives what the socket has (waiting for some) into OpenSSL's side. */
static enum mef_err
fill_in(struct tls_client *tc)
{
	unsigned char	 buf[TLS_CLIENT_CHUNK];
	size_t		 room;
	ssize_t		 r;
	enum mef_err	 rc;

	room = BIO_ctrl_get_write_guarantee(tc->net);
	if (room == 0)
		return MEF_E_CRYPTO;	/* wants more yet holds a full pair */
	if (room > sizeof(buf))
		room = sizeof(buf);
	for (;;) {
		r = recv(tc->fd, buf, room, 0);
		if (r > 0)
			break;
		if (r == 0) {
			tc->peer_eof = 1;
			(void)BIO_shutdown_wr(tc->net);	/* OpenSSL reads EOF */
			return MEF_OK;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			tc->sys_errno = errno;
			log_debug("tls_client: recv: %s", strerror(errno));
			return MEF_E_IO;
		}
		rc = tcp_wait(tc->fd, POLLIN, tc->deadline_us);
		if (rc != MEF_OK)
			return rc;
	}
	if (BIO_write(tc->net, buf, (int)r) != (int)r)
		return MEF_E_CRYPTO;
	return MEF_OK;
}

/*
 * Maps a failed SSL call. A received alert is a refusal (MEF_E_AUTH): in TLS
 * 1.3 the server judges our certificate after our handshake ended, so its alert
 * can arrive on the first read. Anything failing during the handshake is a
 * refusal too, except a socket error. A close without close_notify after the
 * handshake is an end of stream; the caller's framing detects truncation.
 */
static enum mef_err
tls_failure(struct tls_client *tc, enum tls_op op, int err)
{
	unsigned long	e;
	char		msg[256];
	int		alert = 0;

	for (;;) {
		e = ERR_get_error();
		if (e == 0)
			break;
		if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e) >= SSL_AD_REASON_OFFSET)
			alert = 1;
		ERR_error_string_n(e, msg, sizeof(msg));
		log_debug("tls_client: %s", msg);
	}
	if (alert)
		return MEF_E_AUTH;
	if (tc->sys_errno != 0)
		return MEF_E_IO;
	if (op == OP_HANDSHAKE)
		return MEF_E_AUTH;
	if (tc->peer_eof)
		return op == OP_READ ? MEF_OK : MEF_E_IO;
	return err == SSL_ERROR_SYSCALL ? MEF_E_IO : MEF_E_PROTO;
}

/* Runs one SSL call to completion, moving ciphertext until it needs no more. */
static enum mef_err
tls_drive(struct tls_client *tc, enum tls_op op, void *buf, size_t len,
    size_t *pn)
{
	size_t		n;
	int		r, err;
	enum mef_err	rc;

	for (;;) {
		n = 0;
		ERR_clear_error();
		switch (op) {
		case OP_HANDSHAKE:
			r = SSL_do_handshake(tc->ssl);
			break;
		case OP_READ:
			r = SSL_read_ex(tc->ssl, buf, len, &n);
			break;
		case OP_WRITE:
			r = SSL_write_ex(tc->ssl, buf, len, &n);
			break;
		default:
			/* 0: ours went out; we do not wait for theirs. */
			r = SSL_shutdown(tc->ssl) >= 0 ? 1 : -1;
			break;
		}
		err = r > 0 ? SSL_ERROR_NONE : SSL_get_error(tc->ssl, r);
		/* Flush even on failure, so that our alert reaches the peer. */
		rc = flush_out(tc);
		if (err == SSL_ERROR_ZERO_RETURN) {
			n = 0;
			err = SSL_ERROR_NONE;
		}
		if (err == SSL_ERROR_NONE || op == OP_SHUTDOWN) {
			if (rc == MEF_OK)
				*pn = n;
			else
				tc->broken = 1;
			return rc;
		}
		if (err == SSL_ERROR_WANT_READ && rc == MEF_OK && !tc->peer_eof)
			rc = fill_in(tc);
		if (rc == MEF_OK && (err == SSL_ERROR_WANT_READ ||
		    err == SSL_ERROR_WANT_WRITE) && !tc->peer_eof)
			continue;
		if (rc == MEF_OK || (rc == MEF_E_IO && op == OP_HANDSHAKE))
			rc = tls_failure(tc, op, err);
		if (rc == MEF_OK)
			*pn = 0;	/* end of stream */
		else
			tc->broken = 1;
		return rc;
	}
}

/* Logs and clears OpenSSL's error queue after a local failure. */
static void
drain_errors(const char *what)
{
	unsigned long	e;
	char		msg[256];

	for (;;) {
		e = ERR_get_error();
		if (e == 0)
			break;
		ERR_error_string_n(e, msg, sizeof(msg));
		log_debug("tls_client: %s: %s", what, msg);
	}
}
