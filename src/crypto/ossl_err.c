/*
 * ossl_err.c -- OpenSSL's error queue as one log line (see ossl_err.h).
 */
#include <openssl/err.h>

#include "crypto/ossl_err.h"
#include "util/log.h"

/* see ossl_err.h */
enum mef_err
ossl_fail(const char *what)
{
	unsigned long	e, first = 0;
	char		text[256];

	while ((e = ERR_get_error()) != 0)
		if (first == 0)
			first = e;
	if (first != 0) {
		ERR_error_string_n(first, text, sizeof(text));
		log_warnx("%s: %s", what, text);
	} else
		log_warnx("%s failed", what);
	return MEF_E_CRYPTO;
}
