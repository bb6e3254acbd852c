/*
 * mac.h -- HMAC-SHA-256 under one long-lived key, computed many times.
 *
 * A struct mac keeps the keyed OpenSSL context, so each tag costs one re-init
 * and no fetch: the audit log (audit/) tags every line with it. A struct mac is
 * used by one thread at a time.
 */
#ifndef MEF_CRYPTO_MAC_H
#define MEF_CRYPTO_MAC_H

#include <stddef.h>

#include "mef/error.h"
#include "util/secret.h"

#define MAC_LEN		32

struct mac;

/* A context keyed with key (copied into OpenSSL's state; key stays yours). */
enum mef_err	mac_new(const struct mef_secret *key, struct mac **pmac);
/*
 * HMAC-SHA-256 over the concatenation of a (alen bytes) and b (blen, may be
 * 0 with b NULL) into out. MEF_E_CRYPTO when OpenSSL fails.
 */
enum mef_err	mac_compute(struct mac *m, const void *a, size_t alen,
		    const void *b, size_t blen, unsigned char out[MAC_LEN]);
/* Wipes the keyed state and frees *pmac; accepts NULL. */
void		mac_free(struct mac **pmac);

#endif /* MEF_CRYPTO_MAC_H */
