/*
 * mac.c -- HMAC-SHA-256 contexts keyed once (see mac.h).
 *
 * EVP_MAC_init() with a NULL key restarts the context under the key it already
 * holds, so a tag costs no key schedule and no provider fetch.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/mac.h"
#include "crypto/ossl_err.h"
#include "util/log.h"

struct mac {
	EVP_MAC		*alg;
	EVP_MAC_CTX	*ctx;
};


/* see mac.h */
enum mef_err
mac_new(const struct mef_secret *key, struct mac **pmac)
{
	struct mac	*m;
	OSSL_PARAM	 params[2];
	enum mef_err	 rc = MEF_OK;

	if (key == NULL || pmac == NULL)
		return MEF_E_INVAL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return MEF_E_NOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	m->alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (m->alg != NULL)
		m->ctx = EVP_MAC_CTX_new(m->alg);
	if (m->ctx == NULL || EVP_MAC_init(m->ctx, mef_secret_bytes(key),
	    mef_secret_len(key), params) != 1)
		rc = ossl_fail("HMAC init");
	if (rc == MEF_OK)
		*pmac = m;
	else
		mac_free(&m);
	return rc;
}

/* see mac.h */
enum mef_err
mac_compute(struct mac *m, const void *a, size_t alen, const void *b,
    size_t blen, unsigned char out[MAC_LEN])
{
	size_t	len = 0;

	if (EVP_MAC_init(m->ctx, NULL, 0, NULL) != 1 ||
	    (alen > 0 && EVP_MAC_update(m->ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_MAC_update(m->ctx, b, blen) != 1) ||
	    EVP_MAC_final(m->ctx, out, &len, MAC_LEN) != 1 || len != MAC_LEN)
		return ossl_fail("HMAC");
	return MEF_OK;
}

/* see mac.h */
void
mac_free(struct mac **pmac)
{
	if (pmac == NULL || *pmac == NULL)
		return;
	EVP_MAC_CTX_free((*pmac)->ctx);	/* wipes the keyed state */
	EVP_MAC_free((*pmac)->alg);
	free(*pmac);
	*pmac = NULL;
}

