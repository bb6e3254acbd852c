/*
 * digest.h -- SHA-256 for certificate fingerprints and secret comparison.
 */
#ifndef MEF_CRYPTO_DIGEST_H
#define MEF_CRYPTO_DIGEST_H

#include <stddef.h>

#include "mef/error.h"

#define DIGEST_SHA256_LEN	32

enum mef_err	digest_sha256(const void *in, size_t len,
		    unsigned char out[DIGEST_SHA256_LEN]);

#endif /* MEF_CRYPTO_DIGEST_H */
