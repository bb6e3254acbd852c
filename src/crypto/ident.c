/*
 * ident.c -- identifiers through Unicode NFKC (libunistring).
 *
 * The input is checked before normalising (valid UTF-8, no C0 or DEL) and the
 * output again after (bound, no control character), so nothing a peer sends can
 * smuggle a NUL or a line break into a label that feeds a key derivation or a
 * log line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "crypto/ident.h"

static int	has_control(const char *, size_t);
static int	is_ascii(const char *, size_t);

/* see ident.h */
enum mef_err
ident_nfkc(const char *in, size_t in_len, char *out, size_t outsz,
    size_t *pout_len)
{
	uint8_t		 norm[IDENT_MAX];
	uint8_t		*res = NULL;
	size_t		 res_len;
	enum mef_err	 rc;

	if (in == NULL || out == NULL || in_len == 0 || in_len > IDENT_MAX) {
		rc = MEF_E_INVAL;
		goto out;
	}
	if (u8_check((const uint8_t *)in, in_len) != NULL ||
	    has_control(in, in_len)) {
		rc = MEF_E_INVAL;
		goto out;
	}
	/*
	 * Printable ASCII is its own NFKC form (no ASCII character has a
	 * decomposition or composes with another), so the common case skips
	 * u8_normalize(), which costs thousands of instructions per call.
	 */
	if (is_ascii(in, in_len)) {
		if (in_len + 1 > outsz) {
			rc = MEF_E_TOOBIG;
			goto out;
		}
		memcpy(out, in, in_len);
		out[in_len] = '\0';
		*pout_len = in_len;
		rc = MEF_OK;
		goto out;
	}
	/*
	 * u8_normalize() writes into norm when the result fits and allocates
	 * otherwise; a result that needed an allocation is past IDENT_MAX.
	 */
	res_len = sizeof(norm);
	res = u8_normalize(UNINORM_NFKC, (const uint8_t *)in, in_len, norm,
	    &res_len);
	if (res == NULL) {
		rc = MEF_E_INVAL;
		goto out;
	}
	if (res != norm || res_len == 0) {
		rc = res != norm ? MEF_E_TOOBIG : MEF_E_INVAL;
		goto out;
	}
	if (has_control((const char *)norm, res_len)) {
		rc = MEF_E_INVAL;
		goto out;
	}
	if (res_len + 1 > outsz) {
		rc = MEF_E_TOOBIG;
		goto out;
	}
	memcpy(out, norm, res_len);
	out[res_len] = '\0';
	*pout_len = res_len;
	rc = MEF_OK;
out:
	if (res != NULL && res != norm)
		free(res);
	return rc;
}

/* 1 when s holds a C0 control character (including NUL) or DEL. */
static int
has_control(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/* 1 when every byte of s is ASCII. */
static int
is_ascii(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}
