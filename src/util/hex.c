/*
 * hex.c -- strict hexadecimal codec.
 *
 * Both directions map digits with arithmetic on masks, never a lookup table indexed by
 * a key nibble or a branch on a key digit, so encoding or decoding a key neither
 * touches memory at key-dependent addresses nor takes key-dependent branches
 * (tests/tools/ctgrind.c checks this under memcheck).
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

/* The digit of nibble n (0..15): n + '0', plus the gap to the letters when n > 9. */
static char
nibble_digit(int n, int letter_gap)
{
	return (char)(n + '0' + (((9 - n) >> 8) & letter_gap));
}

/* see hex.h */
enum mef_err
hex_encode(const unsigned char *in, size_t len, int upper, char *out,
    size_t outsz)
{
	int	gap = (upper ? 'A' : 'a') - '0' - 10;
	size_t	i;

	if (outsz < 2 * len + 1)
		return MEF_E_INVAL;
	for (i = 0; i < len; i++) {
		out[2 * i] = nibble_digit(in[i] >> 4, gap);
		out[2 * i + 1] = nibble_digit(in[i] & 0x0f, gap);
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
	/* Arithmetic, not a branch: the caller alone decides on the verdict. */
	return (enum mef_err)(bad * MEF_E_INVAL);
}
