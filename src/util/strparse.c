/*
 * strparse.c -- bounded parsing of numbers and addresses.
 *
 * Overflow is checked before each multiply, so no input can wrap a value past its bound.
 */
#include <string.h>

#include "util/strparse.h"

/* see strparse.h */
enum mef_err
parse_u64(const char *s, size_t len, uint64_t min, uint64_t max,
    uint64_t *pvalue)
{
	uint64_t	v = 0;
	size_t		i;

	if (s == NULL || len == 0 || len > 20)
		return MEF_E_INVAL;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return MEF_E_INVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return MEF_E_INVAL;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return MEF_E_INVAL;
	*pvalue = v;
	return MEF_OK;
}

/* see strparse.h */
enum mef_err
parse_hostport(const char *s, char *host, size_t hostsz, uint16_t *pport)
{
	const char	*colon, *hstart, *hend;
	uint64_t	 port;

	if (s == NULL || *s == '\0')
		return MEF_E_INVAL;
	if (s[0] == '[') {
		hstart = s + 1;
		hend = strchr(hstart, ']');
		if (hend == NULL || hend[1] != ':')
			return MEF_E_INVAL;
		colon = hend + 1;
	} else {
		hstart = s;
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return MEF_E_INVAL;
		hend = colon;
	}
	if (hend == hstart || (size_t)(hend - hstart) >= hostsz)
		return MEF_E_INVAL;
	if (parse_u64(colon + 1, strlen(colon + 1), 1, 65535, &port) != MEF_OK)
		return MEF_E_INVAL;
	memcpy(host, hstart, (size_t)(hend - hstart));
	host[hend - hstart] = '\0';
	*pport = (uint16_t)port;
	return MEF_OK;
}

/* see strparse.h */
int
is_dns_name(const char *s, size_t len)
{
	size_t	i, label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}
