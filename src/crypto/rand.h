/*
 * rand.h -- cryptographic randomness (OpenSSL's DRBG).
 */
#ifndef MEF_CRYPTO_RAND_H
#define MEF_CRYPTO_RAND_H

#include <stddef.h>

#include "mef/error.h"

/* Fills len bytes at out; MEF_E_CRYPTO when the DRBG fails. */
enum mef_err	rand_bytes(void *out, size_t len);

#endif /* MEF_CRYPTO_RAND_H */
