/*
 * mef/target_openssl.h -- MEF-provisioned TLS-PSK for an OpenSSL server.
 *
 * The only libmef header that includes OpenSSL's: a C CSE, AE or MAF that
 * already serves TLS with an SSL_CTX adds MEF support with one call,
 * mef_target_ssl_ctx_setup(). An Enrolee then connects with psk_identity =
 * KeId and psk = Kpsa (Km towards a MAF) (PROTOCOL.md 4):
 *
 * - TLS 1.2: a psk_server_callback looks the identity up with
 *   mef_target_get(). An identity without a credential (malformed KeId,
 *   unknown MEF, a KeId the MEF refuses: unknown, expired or revoked, a failed
 *   fetch) gets a random dummy key, so the handshake fails at the Finished
 *   check exactly as with a wrong key: no unknown_psk_identity alert tells a
 *   client which KeIds exist. The suite TS-0003 mandates is
 *   PSK-AES128-CBC-SHA256; the cipher list of ctx must allow it (OpenSSL's
 *   DEFAULT does).
 * - TLS 1.3: a psk_find_session_callback does the same for an external PSK,
 *   bound to TLS_AES_128_GCM_SHA256 (SHA-256), which ctx's TLS 1.3
 *   ciphersuites must keep (OpenSSL's default list does); with a dummy key
 *   the binder check fails as for a wrong key. PROTOCOL.md mandates TLS 1.2
 *   towards Targets; TLS 1.3 serves peers that agree on it. OpenSSL does not
 *   pick a suite to fit the PSK: a server with a certificate whose TLS 1.3
 *   list allows SHA-384 suites may choose one and drop the PSK (the
 *   connection then has no EnroleeID); list SHA-256 suites only, e.g.
 *   "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", to avoid that.
 *   The setup sets a session id context on ctx, without which OpenSSL
 *   refuses the PSK of a server that verifies client certificates.
 * Only an internal failure (no randomness, no room for the key, no session
 * object) or, under TLS 1.3, an identity too long for a KeId or holding a
 * NUL leaves OpenSSL without a key, which aborts the handshake.
 *
 * After the handshake, mef_target_ssl_enrolee_id() names the EnroleeID the
 * MEF bound to the KeId. The application must compare every request's
 * X-M2M-Origin with it and refuse others (403, X-M2M-RSC 4103).
 *
 * The callbacks call mef_target_get() and so block the thread running the
 * handshake for up to the fetch timeout when the key is not cached. Event-loop
 * servers should run SSL_accept() for PSK clients in a worker thread.
 *
 * The setup also turns session resumption off on ctx (no session cache, no
 * tickets): a resumed session would skip the lookup, could outlive the
 * credential's Lifetime, and would carry no EnroleeID.
 */
#ifndef MEF_TARGET_OPENSSL_H
#define MEF_TARGET_OPENSSL_H

#include <openssl/ssl.h>

#include "mef/error.h"
#include "mef/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Installs the PSK callbacks on ctx, which look keys up in t. t is borrowed:
 * it must outlive every handshake on ctx (free ctx and every SSL made from it
 * first). Calling it again on the same ctx replaces t. Replaces any PSK
 * server or find-session callback ctx had. A server whose SNI callback moves
 * connections to another SSL_CTX sets that one up too. Errors: MEF_E_INVAL (NULL
 * argument), MEF_E_CRYPTO (OpenSSL could not allocate its ex_data index or
 * store t; its error queue is cleared).
 */
enum mef_err	mef_target_ssl_ctx_setup(struct mef_target *t, SSL_CTX *ctx);

/*
 * The EnroleeID bound to ssl's PSK identity; NULL before SSL_accept() has
 * succeeded and for a connection not authenticated by that PSK (a TLS 1.3
 * client may name a KeId and still end in a certificate handshake without
 * it). Borrowed: valid until SSL_free(ssl).
 */
const char	*mef_target_ssl_enrolee_id(const SSL *ssl);

/* The KeId the client sent as its identity (same lifetime and NULL cases). */
const char	*mef_target_ssl_keyid(const SSL *ssl);

#ifdef __cplusplus
}
#endif
#endif /* MEF_TARGET_OPENSSL_H */
