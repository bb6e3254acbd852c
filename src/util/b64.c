/*
 * b64.c -- strict base64 codec.
 *
 * The decoder accepts only canonical input (padding present, unused bits zero) so that
 * each key has exactly one encoding. Keys go through here (the Credential of every
 * fetch answer), so both directions map characters with arithmetic on masks instead
 * of a table indexed by key bits or branches on key characters; only the padding,
 * whose place follows from the length, is branched on (tests/tools/ctgrind.c).
 */
#include "util/b64.h"

/* -1 (all ones) when lo <= c <= hi, else 0; c, lo and hi within 0..255. */
#define IN_RANGE(c, lo, hi)	((((lo) - 1 - (c)) & ((c) - ((hi) + 1))) >> 8)

/* The value of character c, or -1 when c is not in the alphabet. */
static int
b64_value(int c)
{
	int	v = -1;

	v += IN_RANGE(c, 'A', 'Z') & (c - 'A' + 1);
	v += IN_RANGE(c, 'a', 'z') & (c - 'a' + 27);
	v += IN_RANGE(c, '0', '9') & (c - '0' + 53);
	v += IN_RANGE(c, '+', '+') & 63;
	v += IN_RANGE(c, '/', '/') & 64;
	return v;
}

/* The character of sextet x (0..63): each range adds its offset from the previous. */
static char
b64_char(int x)
{
	int	c = x + 'A';

	c += ((25 - x) >> 8) & ('a' - 26 - 'A');
	c += ((51 - x) >> 8) & ('0' - 52 - ('a' - 26));
	c += ((61 - x) >> 8) & ('+' - 62 - ('0' - 52));
	c += ((62 - x) >> 8) & ('/' - 63 - ('+' - 62));
	return (char)c;
}

/* see b64.h */
enum mef_err
b64_encode(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	size_t		i, o = 0;
	unsigned long	v;

	if (outsz < B64_ENCODED_LEN(len) + 1)
		return MEF_E_INVAL;
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64_char((int)(v >> 18) & 63);
		out[o++] = b64_char((int)(v >> 12) & 63);
		out[o++] = b64_char((int)(v >> 6) & 63);
		out[o++] = b64_char((int)v & 63);
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = b64_char((int)(v >> 18) & 63);
		out[o++] = b64_char((int)(v >> 12) & 63);
		out[o++] = i + 1 < len ? b64_char((int)(v >> 6) & 63) : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return MEF_OK;
}

/* see b64.h */
enum mef_err
b64_decode(const char *in, size_t in_len, unsigned char *out, size_t outsz,
    size_t *pout_len)
{
	size_t		i, o = 0, pad = 0;
	unsigned long	v, low;
	int		d, k, bad = 0;

	if (in_len % 4 != 0)
		return MEF_E_INVAL;
	if (in_len > 0 && in[in_len - 1] == '=')
		pad = (in_len > 1 && in[in_len - 2] == '=') ? 2 : 1;
	if (in_len / 4 * 3 - pad > outsz)
		return MEF_E_INVAL;
	/*
	 * A bad character or non-zero bits under the padding set bad's sign bit; the
	 * verdict comes at the end, so no branch depends on a key character.
	 */
	for (i = 0; i < in_len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			d = 0;
			if (i + 4 != in_len || k < 4 - (int)pad)
				d = b64_value((unsigned char)in[i + k]);
			bad |= d;
			v = v << 6 | (unsigned long)(d & 63);
		}
		out[o++] = (unsigned char)(v >> 16);
		if (i + 4 < in_len || pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (i + 4 < in_len || pad < 1)
			out[o++] = (unsigned char)v;
		/* Canonical form: the bits under the padding must be zero. */
		low = 0;
		if (i + 4 == in_len)
			low = v & (pad == 2 ? 0xffff : pad == 1 ? 0xff : 0);
		bad |= -(int)(((low + 0xffff) >> 16) & 1);	/* low != 0 */
	}
	*pout_len = o;		/* meaningful only with MEF_OK */
	return (enum mef_err)(((unsigned)bad >> 31) * MEF_E_INVAL);
}
