/*
 * target_openssl.c -- the OpenSSL PSK server callbacks of mef/target_openssl.h.
 *
 * This is the one file of the client layer that includes <openssl/ssl.h>,
 * because its public header hands an SSL_CTX to the application's server.
 * The struct mef_target lives in the SSL_CTX's ex_data, the binding of a
 * connection (KeId, EnroleeID) in the SSL's; both indexes are allocated once
 * per process. Every failure inside a callback means "no key for this
 * identity", never a guess: the handshake fails and the client learns nothing
 * more than with a wrong key. The binding is stored at lookup time, but a
 * TLS 1.3 handshake may still drop the PSK (a suite of another hash, then a
 * certificate handshake): the accessors answer only when the PSK was used.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "mef/limits.h"
#include "mef/target.h"
#include "mef/target_openssl.h"
#include "util/secret.h"

struct binding {
	char	keyid[MEF_KEYID_MAX];
	char	enrolee_id[MEF_ID_MAX + 1];
};

/* TLS_AES_128_GCM_SHA256: the suite of the TLS 1.3 external PSK session. */
static const unsigned char	tls13_aes128gcm[2] = { 0x13, 0x01 };

static pthread_once_t	index_once = PTHREAD_ONCE_INIT;
static int		ctx_index = -1;
static int		ssl_index = -1;

static void		alloc_indexes(void);
static int		binding_dup(CRYPTO_EX_DATA *, const CRYPTO_EX_DATA *,
			    void **, int, long, void *);
static void		binding_free(void *, void *, CRYPTO_EX_DATA *, int,
			    long, void *);
static const struct binding	*binding_of(const SSL *);
static int		psk_used(const SSL *);
static enum mef_err	lookup(SSL *, const char *, unsigned char *);
static unsigned int	psk_server_cb(SSL *, const char *, unsigned char *,
			    unsigned int);
static int		psk_find_session_cb(SSL *, const unsigned char *,
			    size_t, SSL_SESSION **);
static SSL_SESSION	*psk_session(SSL *, const unsigned char *);

/* see mef/target_openssl.h */
enum mef_err
mef_target_ssl_ctx_setup(struct mef_target *t, SSL_CTX *ctx)
{
	if (t == NULL || ctx == NULL)
		return MEF_E_INVAL;
	if (pthread_once(&index_once, alloc_indexes) != 0 || ctx_index < 0 ||
	    ssl_index < 0 || SSL_CTX_set_ex_data(ctx, ctx_index, t) != 1) {
		ERR_clear_error();
		return MEF_E_CRYPTO;
	}
	SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
	SSL_CTX_set_psk_find_session_callback(ctx, psk_find_session_cb);
	/* A resumed session would bypass the lookup and the Lifetime. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	/*
	 * OpenSSL takes a TLS 1.3 external PSK for a resumption, which it
	 * refuses (internal_error) without a session id context when the server
	 * verifies client certificates. Nothing is cached: this only names the
	 * sessions.
	 */
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"mef",
	    3) != 1) {
		ERR_clear_error();
		return MEF_E_CRYPTO;
	}
	return MEF_OK;
}

/* see mef/target_openssl.h */
const char *
mef_target_ssl_enrolee_id(const SSL *ssl)
{
	const struct binding	*b = binding_of(ssl);

	return b != NULL ? b->enrolee_id : NULL;
}

/* see mef/target_openssl.h */
const char *
mef_target_ssl_keyid(const SSL *ssl)
{
	const struct binding	*b = binding_of(ssl);

	return b != NULL ? b->keyid : NULL;
}

static void
alloc_indexes(void)
{
	ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	ssl_index = SSL_get_ex_new_index(0, NULL, NULL, binding_dup,
	    binding_free);
}

/* SSL_dup() copies ex_data pointers: give the copy its own binding. */
static int
binding_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **pfrom_d,
    int idx, long argl, void *argp)
{
	struct binding	*copy;

	if (*pfrom_d == NULL)
		return 1;
	copy = malloc(sizeof(*copy));
	if (copy == NULL) {
		*pfrom_d = NULL;
		return 0;
	}
	memcpy(copy, *pfrom_d, sizeof(*copy));
	*pfrom_d = copy;
	return 1;
}

static void
binding_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	free(ptr);
}

/*
 * 1 when ssl's completed handshake was authenticated by its PSK: a TLS 1.2 PSK
 * suite, or the TLS 1.3 external PSK accepted (resumption is off, so a reused
 * session is that PSK).
 */
static int
psk_used(const SSL *ssl)
{
	const SSL_CIPHER	*cipher;

	if (!SSL_is_init_finished(ssl))
		return 0;
	if (SSL_version(ssl) >= TLS1_3_VERSION)
		return SSL_session_reused(ssl) == 1;
	cipher = SSL_get_current_cipher(ssl);
	return cipher != NULL &&
	    SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk;
}

static const struct binding *
binding_of(const SSL *ssl)
{
	if (ssl == NULL || pthread_once(&index_once, alloc_indexes) != 0 ||
	    ssl_index < 0 || !psk_used(ssl))
		return NULL;
	return SSL_get_ex_data(ssl, ssl_index);
}

/*
 * The key of identity into key (MEF_KEY_LEN bytes), and the binding stored
 * on ssl, replacing any earlier one (a renegotiation names its own identity).
 */
static enum mef_err
lookup(SSL *ssl, const char *identity, unsigned char *key)
{
	struct mef_target	*t;
	struct binding		*b = NULL, *old;
	size_t			 len;
	enum mef_err		 rc = MEF_E_INVAL;

	t = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index);
	len = strnlen(identity, MEF_KEYID_MAX);
	if (t == NULL || len >= MEF_KEYID_MAX)
		goto out;
	rc = MEF_E_NOMEM;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		goto out;
	memcpy(b->keyid, identity, len + 1);
	rc = mef_target_get(t, identity, key, b->enrolee_id,
	    sizeof(b->enrolee_id), NULL);
	if (rc != MEF_OK)
		goto out;
	old = SSL_get_ex_data(ssl, ssl_index);
	if (SSL_set_ex_data(ssl, ssl_index, b) != 1) {
		ERR_clear_error();
		rc = MEF_E_CRYPTO;
		goto out;
	}
	free(old);
	b = NULL;
out:
	free(b);
	if (rc != MEF_OK)
		mef_wipe(key, MEF_KEY_LEN);
	return rc;
}

/*
 * A random key for an identity with no credential: the handshake then fails on the
 * Finished (or binder) check exactly as with a wrong key, so a client cannot tell
 * an unknown or revoked KeId from a wrong key. 1 on success.
 */
static int
dummy_key(unsigned char *key)
{
	return RAND_bytes(key, MEF_KEY_LEN) == 1;
}

/* TLS 1.2: the PSK of identity, or a dummy key (the handshake fails). */
static unsigned int
psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk_len)
{
	unsigned char	key[MEF_KEY_LEN];
	unsigned int	n = 0;

	if (identity == NULL || max_psk_len < MEF_KEY_LEN)
		goto out;
	if (lookup(ssl, identity, key) != MEF_OK && !dummy_key(key))
		goto out;
	memcpy(psk, key, MEF_KEY_LEN);
	n = MEF_KEY_LEN;
out:
	mef_wipe(key, sizeof(key));
	return n;
}

/*
 * TLS 1.3: a session holding the external PSK of identity, or of a dummy key for
 * an identity without credential (the binder check then fails as for a wrong key).
 * Returning 0 on an internal failure aborts the handshake instead of letting it
 * fall back to a certificate, so a refused KeId never ends in a connection
 * without binding.
 */
static int
psk_find_session_cb(SSL *ssl, const unsigned char *identity,
    size_t identity_len, SSL_SESSION **psess)
{
	char		id[MEF_KEYID_MAX];
	unsigned char	key[MEF_KEY_LEN];
	SSL_SESSION	*sess = NULL;

	*psess = NULL;
	if (identity_len == 0 || identity_len >= sizeof(id) ||
	    memchr(identity, '\0', identity_len) != NULL)
		goto out;
	memcpy(id, identity, identity_len);
	id[identity_len] = '\0';
	if (lookup(ssl, id, key) != MEF_OK && !dummy_key(key))
		goto out;
	sess = psk_session(ssl, key);
out:
	mef_wipe(key, sizeof(key));
	*psess = sess;		/* OpenSSL takes ownership */
	return sess != NULL;
}

/* A TLS 1.3 session for an external PSK key (OpenSSL copies the key). */
static SSL_SESSION *
psk_session(SSL *ssl, const unsigned char *key)
{
	const SSL_CIPHER	*cipher;
	SSL_SESSION		*sess;

	cipher = SSL_CIPHER_find(ssl, tls13_aes128gcm);
	sess = SSL_SESSION_new();
	if (cipher == NULL || sess == NULL ||
	    SSL_SESSION_set1_master_key(sess, key, MEF_KEY_LEN) != 1 ||
	    SSL_SESSION_set_cipher(sess, cipher) != 1 ||
	    SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION) != 1) {
		SSL_SESSION_free(sess);
		ERR_clear_error();
		return NULL;
	}
	return sess;
}
