/*
 * tls_client.h -- blocking TLS client connections for libmef.
 *
 * One connection per call: resolve, connect (IPv4 or IPv6) and handshake, with
 * every step bounded by one deadline fixed at open. The socket stays
 * non-blocking and OpenSSL talks to a BIO pair that this module moves to and
 * from the socket with poll(2), so no step can block past the deadline and no
 * write can raise SIGPIPE in the caller's process. Two modes: PSK (TLS 1.2
 * by default, because the RFC 5705 exporter differs in TLS 1.3 and the
 * bootstrap depends on it; TLS 1.3 external PSK on request) and client
 * certificate (TLS 1.2 or 1.3, or TLS 1.2 exactly with the ECDSA suites of
 * the certificate bootstrap).
 */
#ifndef MEF_TRANSPORT_TLS_CLIENT_H
#define MEF_TRANSPORT_TLS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "util/secret.h"

#define TLS_CLIENT_PSK_ID_MAX	255	/* bytes of a PSK identity */
#define TLS_CLIENT_PSK_MAX	512	/* bytes of a PSK (OpenSSL's bound) */

/*
 * The PSK suites offered, in order: the suite TS-0003 mandates for TLS first,
 * then AES-GCM and ECDHE-PSK ones (PROTOCOL.md 2.1).
 */
#define TLS_CLIENT_PSK_CIPHERS						\
	"PSK-AES128-CBC-SHA256:PSK-AES128-GCM-SHA256:"			\
	"PSK-AES256-GCM-SHA384:ECDHE-PSK-AES128-CBC-SHA256"

/*
 * The suites of a certificate bootstrap (tls12_only), in order: the suite
 * TS-0003 mandates for TLS (TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256) first,
 * then AES-GCM (PROTOCOL.md 2.2).
 */
#define TLS_CLIENT_CERT_BOOT_CIPHERS					\
	"ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:"	\
	"ECDHE-ECDSA-AES256-GCM-SHA384"

#define TLS_CLIENT_CN_MAX	255	/* bytes of a subject CN we return */
#define TLS_CLIENT_SHA256_LEN	32	/* a certificate fingerprint */

/* tls_version: 0 is the mode's default, else the one version allowed. */
#define TLS_CLIENT_TLS12	12
#define TLS_CLIENT_TLS13	13

enum tls_client_mode {
	TLS_CLIENT_PSK = 0,	/* psk_id + psk; TLS 1.2 (or tls_version) */
	TLS_CLIENT_CERT,	/* cert_file + key_file; see tls12_only */
};

/*
 * sni: the server name, or NULL for none; an address literal is never sent as
 * SNI. ca_file: NULL, and the server is not verified; else its certificate must
 * chain to ca_file and, when sni is set, name sni. tls12_only, in
 * TLS_CLIENT_CERT mode: 0 allows TLS 1.2 or 1.3 with OpenSSL's default suites;
 * 1 allows TLS 1.2 alone and offers TLS_CLIENT_CERT_BOOT_CIPHERS only, as the
 * certificate bootstrap needs (its exporter must be the TLS 1.2 one).
 * tls_version: 0, the default: PSK mode is TLS 1.2, certificate mode TLS 1.2 or
 * 1.3; TLS_CLIENT_TLS12 or TLS_CLIENT_TLS13: that version only (TLS13 with
 * tls12_only is invalid). A TLS 1.3 PSK handshake fails (MEF_E_AUTH) unless the
 * server accepted the PSK.
 */
struct tls_client_cfg {
	const char		*host;		/* name or address literal */
	uint16_t		 port;
	const char		*sni;
	unsigned		 timeout_ms;	/* whole connection; 0: 10000 */
	enum tls_client_mode	 mode;
	/* TLS_CLIENT_PSK */
	const char		*psk_id;	/* copied */
	const struct mef_secret	*psk;		/* copied */
	/* TLS_CLIENT_CERT (PEM files, read at open) */
	const char		*cert_file;	/* certificate chain */
	const char		*key_file;
	const char		*ca_file;
	int			 tls12_only;
	int			 tls_version;	/* 0, TLS_CLIENT_TLS12/13 */
};

struct tls_client;

/*
 * Reads the first certificate of the PEM file cert_file (no connection). cn
 * (cnsz bytes, cnsz > 0) gets its subject CN as UTF-8 (the last CN when there
 * are several), or "" when it has none or none usable: one longer than cnsz - 1
 * bytes or holding a control character is not cut or cleaned but left out.
 * sha256 gets the SHA-256 fingerprint of the certificate (its DER). Errors:
 * MEF_E_INVAL (arguments, or no PEM certificate can be read from the file),
 * MEF_E_NOMEM, MEF_E_CRYPTO.
 */
enum mef_err	tls_client_cert_subject(const char *cert_file, char *cn,
		    size_t cnsz, unsigned char sha256[TLS_CLIENT_SHA256_LEN]);

/*
 * Connects and completes the handshake. On MEF_OK *ptc is a new connection
 * owned by the caller; its deadline is now + timeout_ms and applies to every
 * later read and write. Errors: MEF_E_INVAL (cfg, or a certificate, key or
 * CA file that cannot be loaded), MEF_E_NOMEM, MEF_E_IO (resolution, connect,
 * the peer closed or reset), MEF_E_AUTH (the handshake failed: alert, wrong
 * key, unknown identity, certificate refused), MEF_E_TIMEOUT, MEF_E_CRYPTO
 * (OpenSSL failed locally).
 */
enum mef_err	tls_client_open(const struct tls_client_cfg *cfg,
		    struct tls_client **ptc);

/*
 * RFC 5705 keying material of the session: label (label_len bytes), no context
 * (use_context = 0), out_len bytes into out. MEF_E_CRYPTO when OpenSSL refuses.
 */
enum mef_err	tls_client_export(struct tls_client *tc, const char *label,
		    size_t label_len, unsigned char *out, size_t out_len);

/*
 * Writes all len bytes. Errors: MEF_E_IO, MEF_E_TIMEOUT, MEF_E_AUTH (alert),
 * MEF_E_PROTO.
 */
enum mef_err	tls_client_write(struct tls_client *tc, const void *buf,
		    size_t len);

/*
 * Reads up to bufsz (> 0) bytes into buf; *pn gets at least 1, or 0 at the end
 * of the stream (close_notify, or a close without it: the caller's framing
 * decides whether that truncated anything). Errors as tls_client_write;
 * MEF_E_AUTH when the peer sent an alert (with TLS 1.3, a refused client
 * certificate shows up here).
 */
enum mef_err	tls_client_read(struct tls_client *tc, void *buf, size_t bufsz,
		    size_t *pn);

/* Moves the connection's deadline to now + timeout_ms (0: 10000). */
void		tls_client_set_timeout(struct tls_client *tc, unsigned timeout_ms);

/* The negotiated protocol ("TLSv1.2") and suite names; static storage. */
const char	*tls_client_version(const struct tls_client *tc);
const char	*tls_client_cipher(const struct tls_client *tc);

/*
 * Sends close_notify (best effort, within the deadline), closes and frees;
 * accepts NULL.
 */
void		tls_client_close(struct tls_client **ptc);

#endif /* MEF_TRANSPORT_TLS_CLIENT_H */
