/*
 * hex.c -- strict hexadecimal codec.
 *
 * The decoder maps digits without a lookup table indexed by the digit, so decoding a key
 * does not touch memory at key-dependent addresses.
 */
#include "util/hex.h"

static int
digit_value(unsigned char c)
{
	int	v = -1;

	/* Branch-free selection: each range contributes only when c falls into it. */
	v += ((('0' - 1 - (int)c) & ((int)c - ('9' + 1))) >> 8) & ((int)c - '0' + 1);
	v += ((('a' - 1 - (int)c) & ((int)c - ('f' + 1))) >> 8) & ((int)c - 'a' + 11);
	v += ((('A' - 1 - (int)c) & ((int)c - ('F' + 1))) >> 8) & ((int)c - 'A' + 11);
	return v;
}

/* see hex.h */
enum mef_err
hex_encode(const unsigned char *in, size_t len, int upper, char *out,
    size_t outsz)
{
	const char	*digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t		 i;

	if (outsz < 2 * len + 1)
		return MEF_E_INVAL;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return MEF_OK;
}

/* see hex.h */
enum mef_err
hex_decode(const char *hex, size_t hex_len, unsigned char *out, size_t out_len)
{
	size_t	i;
	int	hi, lo, bad = 0;

	if (hex_len != 2 * out_len)
		return MEF_E_INVAL;
	for (i = 0; i < out_len; i++) {
		hi = digit_value((unsigned char)hex[2 * i]);
		lo = digit_value((unsigned char)hex[2 * i + 1]);
		bad |= (hi | lo) < 0;
		out[i] = (unsigned char)(((hi & 0x0f) << 4) | (lo & 0x0f));
	}
	return bad ? MEF_E_INVAL : MEF_OK;
}
