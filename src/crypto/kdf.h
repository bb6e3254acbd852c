/*
 * kdf.h -- the oneM2M key schedule of PROTOCOL.md section 1 (TS-0003 clause 10.3).
 *
 * From the 48 exporter octets X of a bootstrap session: RelativeKeId = X[0..15],
 * Ke = X[16..47]; from Ke: Kpsa, Km and the usage-constrained key, each an
 * HMAC-SHA-256 over a fixed ASCII label and the NFKC-normalised identifier.
 */
#ifndef MEF_CRYPTO_KDF_H
#define MEF_CRYPTO_KDF_H

#include <stddef.h>

#include "mef/error.h"
#include "util/secret.h"

#define KDF_EXPORTER_LABEL	"EXPORTER-oneM2M-Bootstrap"
#define KDF_EXPORTER_LABEL_LEN	25
#define KDF_EXPORTER_LEN	48
#define KDF_REL_KEYID_LEN	16
#define KDF_KEY_LEN		32	/* Ke, Kpsa, Km, usage key */

#define KDF_LABEL_KPSA \
	"oneM2M Enrolment Key to Provisioned Secure Connection Key derivation"
#define KDF_LABEL_KM \
	"oneM2M Enrolment Key to Master Credential derivation"
#define KDF_LABEL_USAGE \
	"oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation"

/*
 * Splits the exporter output x (KDF_EXPORTER_LEN bytes) into RelativeKeId (copied into
 * rel, KDF_REL_KEYID_LEN bytes) and a new secret Ke (KDF_KEY_LEN bytes).
 */
enum mef_err	kdf_split(const unsigned char *x, size_t x_len,
		    unsigned char rel[KDF_REL_KEYID_LEN], struct mef_secret **pke);

/*
 * Kpsa = HMAC-SHA-256(Ke, KDF_LABEL_KPSA || NFKC(target_id)). target_id is UTF-8 of
 * target_id_len bytes; MEF_E_INVAL when it is empty or not valid UTF-8.
 */
enum mef_err	kdf_kpsa(const struct mef_secret *ke, const char *target_id,
		    size_t target_id_len, struct mef_secret **pkpsa);
/* Km = HMAC-SHA-256(Ke, KDF_LABEL_KM || NFKC(maf_id)). */
enum mef_err	kdf_km(const struct mef_secret *ke, const char *maf_id,
		    size_t maf_id_len, struct mef_secret **pkm);
/*
 * Usage key = HMAC-SHA-256(Ke, KDF_LABEL_USAGE || decimal(suid) || NFKC(target_name)),
 * target_name being the Target's registered FQDN, or its TargetID when it has none.
 */
enum mef_err	kdf_usage(const struct mef_secret *ke, unsigned long suid,
		    const char *target_name, size_t target_name_len,
		    struct mef_secret **pkey);

/*
 * The TLS 1.2 exporter of RFC 5705 computed from its inputs with the P_SHA256 PRF:
 * PRF(master, label, client_random || server_random) with no context. Sessions use
 * SSL_export_keying_material(); this exists so the test vector of PROTOCOL.md section 6
 * checks our reading of the RFC independently of a live session.
 */
enum mef_err	kdf_tls12_export(const unsigned char *master, size_t master_len,
		    const unsigned char client_random[32],
		    const unsigned char server_random[32],
		    const char *label, size_t label_len,
		    unsigned char *out, size_t out_len);

#endif /* MEF_CRYPTO_KDF_H */
