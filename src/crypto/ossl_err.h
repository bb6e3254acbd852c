/*
 * ossl_err.h -- turning OpenSSL's error queue into one log line and MEF_E_CRYPTO.
 *
 * The crypto layer's one place for it: the queue is drained completely (so an old
 * entry never shows up in a later, unrelated failure) and only its first entry, the
 * cause, is logged with what the caller was doing. Never key bytes: OpenSSL's error
 * strings name functions and reasons only.
 */
#ifndef MEF_CRYPTO_OSSL_ERR_H
#define MEF_CRYPTO_OSSL_ERR_H

#include "mef/error.h"

/* Logs "<what>: <first queued error>" (or "<what> failed"), empties the queue. */
enum mef_err	ossl_fail(const char *what);

#endif /* MEF_CRYPTO_OSSL_ERR_H */
