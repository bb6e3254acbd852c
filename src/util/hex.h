/*
 * hex.h -- hexadecimal encoding of identifiers and (into caller buffers) keys.
 *
 * Decoding is strict: exactly two digits per byte, no spaces, no prefix.
 */
#ifndef MEF_UTIL_HEX_H
#define MEF_UTIL_HEX_H

#include <stddef.h>

#include "mef/error.h"

/*
 * Writes 2*len digits and a NUL into out (outsz >= 2*len+1), upper case when upper is
 * non-zero. MEF_E_INVAL when out is too small.
 */
enum mef_err	hex_encode(const unsigned char *in, size_t len, int upper,
		    char *out, size_t outsz);
/* Decodes exactly hex_len digits (either case) into out_len = hex_len/2 bytes. */
enum mef_err	hex_decode(const char *hex, size_t hex_len, unsigned char *out,
		    size_t out_len);

#endif /* MEF_UTIL_HEX_H */
