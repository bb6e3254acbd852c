/*
 * kdf.c -- the oneM2M key schedule (TS-0003 10.3, PROTOCOL.md section 1).
 *
 * Every derived key is HMAC-SHA-256(Ke, label || fields) with the label in
 * ASCII and no separator or length field between the parts, so the MAC is fed
 * part by part and no concatenated copy exists. The HMAC is written straight
 * into the new secret; no key byte passes through a stack buffer. The EVP_MAC
 * is fetched once per process.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/ident.h"
#include "crypto/kdf.h"
#include "crypto/ossl_err.h"
#include "util/log.h"

#define KDF_LABEL_MAX	256	/* exporter labels are short ASCII strings */
#define KDF_DECIMAL_MAX	24	/* an unsigned long in decimal, with NUL */

struct kdf_part {
	const void	*p;
	size_t		 len;
};

static pthread_once_t	 kdf_once = PTHREAD_ONCE_INIT;
static EVP_MAC		*kdf_hmac;
/* OSSL_PARAM takes the digest name as non-const. */
static char		 kdf_digest[] = "SHA256";

static void		 kdf_fetch(void);
static enum mef_err	 hmac_parts(const struct mef_secret *,
			    const struct kdf_part *, size_t,
			    struct mef_secret **);
static enum mef_err	 derive_ident(const struct mef_secret *, const char *,
			    size_t, const char *, size_t, const char *, size_t,
			    struct mef_secret **);
static size_t		 decimal(unsigned long, char *, size_t);

/* see kdf.h */
enum mef_err
kdf_split(const unsigned char *x, size_t x_len,
    unsigned char rel[KDF_REL_KEYID_LEN], struct mef_secret **pke)
{
	struct mef_secret	*ke = NULL;
	enum mef_err		 rc;

	if (x == NULL || rel == NULL || pke == NULL ||
	    x_len != KDF_EXPORTER_LEN) {
		rc = MEF_E_INVAL;
		goto out;
	}
	/* Network order: the first 16 octets are the most significant. */
	rc = mef_secret_new(x + KDF_REL_KEYID_LEN, KDF_KEY_LEN, &ke);
	if (rc != MEF_OK)
		goto out;
	memcpy(rel, x, KDF_REL_KEYID_LEN);
	*pke = ke;
out:
	return rc;
}

/* see kdf.h */
enum mef_err
kdf_kpsa(const struct mef_secret *ke, const char *target_id,
    size_t target_id_len, struct mef_secret **pkpsa)
{
	return derive_ident(ke, KDF_LABEL_KPSA, sizeof(KDF_LABEL_KPSA) - 1,
	    NULL, 0, target_id, target_id_len, pkpsa);
}

/* see kdf.h */
enum mef_err
kdf_km(const struct mef_secret *ke, const char *maf_id, size_t maf_id_len,
    struct mef_secret **pkm)
{
	return derive_ident(ke, KDF_LABEL_KM, sizeof(KDF_LABEL_KM) - 1,
	    NULL, 0, maf_id, maf_id_len, pkm);
}

/* see kdf.h */
enum mef_err
kdf_usage(const struct mef_secret *ke, unsigned long suid,
    const char *target_name, size_t target_name_len, struct mef_secret **pkey)
{
	char	suid_text[KDF_DECIMAL_MAX];
	size_t	suid_len;

	/* Profile decision: the SUID enters as its decimal value in ASCII. */
	suid_len = decimal(suid, suid_text, sizeof(suid_text));
	return derive_ident(ke, KDF_LABEL_USAGE, sizeof(KDF_LABEL_USAGE) - 1,
	    suid_text, suid_len, target_name, target_name_len, pkey);
}

/* see kdf.h */
enum mef_err
kdf_tls12_export(const unsigned char *master, size_t master_len,
    const unsigned char client_random[32],
    const unsigned char server_random[32],
    const char *label, size_t label_len, unsigned char *out, size_t out_len)
{
	unsigned char	 seed[KDF_LABEL_MAX + 64];
	OSSL_PARAM	 params[4];
	EVP_KDF		*kdf = NULL;
	EVP_KDF_CTX	*kctx = NULL;
	enum mef_err	 rc;

	if (master == NULL || master_len == 0 || client_random == NULL ||
	    server_random == NULL || label == NULL || label_len == 0 ||
	    label_len > KDF_LABEL_MAX || out == NULL || out_len == 0) {
		rc = MEF_E_INVAL;
		goto out;
	}
	/* RFC 5705, no context: label || client_random || server_random. */
	memcpy(seed, label, label_len);
	memcpy(seed + label_len, client_random, 32);
	memcpy(seed + label_len + 32, server_random, 32);
	kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	if (kdf == NULL) {
		rc = ossl_fail("kdf: TLS1-PRF fetch");
		goto out;
	}
	kctx = EVP_KDF_CTX_new(kdf);
	if (kctx == NULL) {
		rc = ossl_fail("kdf: TLS1-PRF context");
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    kdf_digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
	    (void *)(uintptr_t)master, master_len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed,
	    label_len + 64);
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, out_len, params) != 1) {
		mef_wipe(out, out_len);
		rc = ossl_fail("kdf: TLS1-PRF derive");
		goto out;
	}
	rc = MEF_OK;
out:
	mef_wipe(seed, sizeof(seed));
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

/*
 * HMAC-SHA-256(ke, label || mid || NFKC(id)) into a new secret. mid is an
 * optional middle part (the SUID of the usage key).
 */
static enum mef_err
derive_ident(const struct mef_secret *ke, const char *label, size_t label_len,
    const char *mid, size_t mid_len, const char *id, size_t id_len,
    struct mef_secret **pkey)
{
	char		norm[IDENT_MAX + 1];
	size_t		norm_len;
	struct kdf_part	parts[3];
	enum mef_err	rc;

	if (ke == NULL || id == NULL || pkey == NULL) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = ident_nfkc(id, id_len, norm, sizeof(norm), &norm_len);
	if (rc != MEF_OK) {
		rc = MEF_E_INVAL;
		goto out;
	}
	parts[0].p = label;
	parts[0].len = label_len;
	parts[1].p = mid;
	parts[1].len = mid_len;
	parts[2].p = norm;
	parts[2].len = norm_len;
	rc = hmac_parts(ke, parts, 3, pkey);
out:
	return rc;
}

/* HMAC-SHA-256 under key over the concatenated parts, into a new secret. */
static enum mef_err
hmac_parts(const struct mef_secret *key, const struct kdf_part *parts,
    size_t nparts, struct mef_secret **pout)
{
	struct mef_secret	*mac = NULL;
	EVP_MAC_CTX		*ctx = NULL;
	OSSL_PARAM		 params[2];
	size_t			 i, mac_len = 0;
	enum mef_err		 rc;

	pthread_once(&kdf_once, kdf_fetch);
	if (kdf_hmac == NULL) {
		rc = ossl_fail("kdf: HMAC fetch");
		goto out;
	}
	rc = mef_secret_alloc(KDF_KEY_LEN, &mac);
	if (rc != MEF_OK)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    kdf_digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(kdf_hmac);
	if (ctx == NULL || EVP_MAC_init(ctx, mef_secret_bytes(key),
	    mef_secret_len(key), params) != 1) {
		rc = ossl_fail("kdf: HMAC init");
		goto out;
	}
	for (i = 0; i < nparts; i++) {
		if (parts[i].len > 0 &&
		    EVP_MAC_update(ctx, parts[i].p, parts[i].len) != 1) {
			rc = ossl_fail("kdf: HMAC update");
			goto out;
		}
	}
	if (EVP_MAC_final(ctx, mef_secret_data(mac), &mac_len,
	    KDF_KEY_LEN) != 1 || mac_len != KDF_KEY_LEN) {
		rc = ossl_fail("kdf: HMAC final");
		goto out;
	}
	rc = MEF_OK;
out:
	EVP_MAC_CTX_free(ctx);	/* wipes the keyed state */
	if (rc == MEF_OK)
		*pout = mac;
	else
		mef_secret_free(&mac);
	return rc;
}

static void
kdf_fetch(void)
{
	kdf_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}


/* Writes v in decimal and a NUL into out; returns the number of digits. */
static size_t
decimal(unsigned long v, char *out, size_t outsz)
{
	char	tmp[KDF_DECIMAL_MAX];
	size_t	n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < sizeof(tmp));
	for (i = 0; i < n && i + 1 < outsz; i++)
		out[i] = tmp[n - 1 - i];
	out[i] = '\0';
	return i;
}
