/*
 * ident.h -- identifiers as they enter the key schedule: UTF-8 after Unicode NFKC.
 *
 * TS-0003 requires NFKC so that "ＩＮ－ＣＳＥ" and "IN-CSE" name the same Target and
 * give the same key. libunistring does the normalisation.
 */
#ifndef MEF_CRYPTO_IDENT_H
#define MEF_CRYPTO_IDENT_H

#include <stddef.h>

#include "mef/error.h"

#define IDENT_MAX	1024	/* bytes, before and after normalisation */

/*
 * Writes NFKC(in) into out (outsz bytes, NUL-terminated) and its length into *pout_len.
 * MEF_E_INVAL when in is empty, longer than IDENT_MAX, not valid UTF-8 or contains a
 * control character (C0, DEL); MEF_E_TOOBIG when the result does not fit.
 */
enum mef_err	ident_nfkc(const char *in, size_t in_len, char *out, size_t outsz,
		    size_t *pout_len);

#endif /* MEF_CRYPTO_IDENT_H */
