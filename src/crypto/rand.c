/*
 * rand.c -- cryptographic randomness from OpenSSL's DRBG.
 *
 * RAND_bytes() takes an int, so larger requests are served in chunks rather
 * than truncated by a cast.
 */
#include <limits.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "crypto/rand.h"
#include "util/log.h"

#define RAND_CHUNK	(1U << 20)

/* see rand.h */
enum mef_err
rand_bytes(void *out, size_t len)
{
	unsigned char	*p = out;
	size_t		 n;
	unsigned long	 e;
	int		 ok;

	if (out == NULL && len > 0)
		return MEF_E_INVAL;
	while (len > 0) {
		n = len < RAND_CHUNK ? len : RAND_CHUNK;
		ok = RAND_bytes(p, (int)n);
		if (ok != 1) {
			e = ERR_get_error();
			ERR_clear_error();
			log_warnx("RAND_bytes failed: openssl error %lx", e);
			return MEF_E_CRYPTO;
		}
		p += n;
		len -= n;
	}
	return MEF_OK;
}
