/*
 * b64.h -- base64 (RFC 4648, standard alphabet, padded) into caller buffers.
 *
 * Used for the Credential field: the caller owns the buffer and wipes it, so no encoded
 * key is left in memory this module allocated.
 */
#ifndef MEF_UTIL_B64_H
#define MEF_UTIL_B64_H

#include <stddef.h>

#include "mef/error.h"

/* Encoded size for len bytes, without the NUL. */
#define B64_ENCODED_LEN(len)	((((len) + 2) / 3) * 4)

/* Writes the encoding of in and a NUL into out; MEF_E_INVAL when outsz is too small. */
enum mef_err	b64_encode(const unsigned char *in, size_t len, char *out,
		    size_t outsz);
/*
 * Decodes exactly in_len characters (padded, no whitespace) into out; *pout_len gets the
 * decoded size. MEF_E_INVAL on any bad character, bad padding or a too small out; out
 * and *pout_len may then have been written and mean nothing. No branch depends on a
 * character other than the padding (key material passes through here).
 */
enum mef_err	b64_decode(const char *in, size_t in_len, unsigned char *out,
		    size_t outsz, size_t *pout_len);

#endif /* MEF_UTIL_B64_H */
