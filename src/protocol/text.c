/*
 * text.c -- validation of the text fields of our messages.
 *
 * A hand-written UTF-8 decoder rather than a library call, because the rule
 * also excludes what XML 1.0 cannot carry; decoders and encoders share it so
 * that what one side writes the other side reads.
 */
#include <stdint.h>
#include <string.h>

#include "protocol/text.h"

static int	scalar_valid(uint32_t, uint32_t);

/* see text.h */
int
text_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp, min;

	while (i < len) {
		if (p[i] < 0x80) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (!scalar_valid(cp, min))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* see text.h */
enum mef_err
text_copy(char *dst, size_t dstsz, const char *s, size_t len, size_t min_len,
    size_t max_len)
{
	if (s == NULL || len < min_len || len > max_len || len >= dstsz ||
	    !text_valid(s, len))
		return MEF_E_PROTO;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return MEF_OK;
}

/* A decoded scalar: shortest form, no surrogate, in range, not U+FFFE/FFFF. */
static int
scalar_valid(uint32_t cp, uint32_t min)
{
	if (cp < min || cp > 0x10ffff)
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return cp != 0xfffe && cp != 0xffff;
}
