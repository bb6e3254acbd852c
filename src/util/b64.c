/*
 * b64.c -- strict base64 codec.
 *
 * The decoder accepts only canonical input (padding present, unused bits zero) so that
 * each key has exactly one encoding.
 */
#include "util/b64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
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
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
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
	unsigned long	v;
	int		d[4], k;

	if (in_len % 4 != 0)
		return MEF_E_INVAL;
	if (in_len > 0 && in[in_len - 1] == '=')
		pad = (in_len > 1 && in[in_len - 2] == '=') ? 2 : 1;
	if (in_len / 4 * 3 - pad > outsz)
		return MEF_E_INVAL;
	for (i = 0; i < in_len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == in_len && k >= 4 - (int)pad)
				d[k] = 0;
			else if ((d[k] = b64_value((unsigned char)in[i + k])) < 0)
				return MEF_E_INVAL;
		}
		v = (unsigned long)d[0] << 18 | (unsigned long)d[1] << 12 |
		    (unsigned long)d[2] << 6 | (unsigned long)d[3];
		out[o++] = (unsigned char)(v >> 16);
		if (i + 4 < in_len || pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (i + 4 < in_len || pad < 1)
			out[o++] = (unsigned char)v;
		/* Canonical form: the bits under the padding must be zero. */
		if (i + 4 == in_len && ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0)))
			return MEF_E_INVAL;
	}
	*pout_len = o;
	return MEF_OK;
}
