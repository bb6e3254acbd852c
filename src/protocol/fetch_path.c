/*
 * fetch_path.c -- parse /fetchCredentials/<KeId>[/<SUID>].
 *
 * The path is read as a grammar, never searched or decoded in bulk: the KeId
 * segment may carry "%40" for its '@' and nothing else percent-encoded, and the
 * SUID segment is plain decimal. Because every accepted character is spelled
 * out, a query, a fragment, a dot segment, CR/LF, a NUL or an encoded slash can
 * never reach the store lookup.
 */
#include <string.h>

#include "protocol/fetch_path.h"
#include "util/strparse.h"

#define FETCH_PREFIX_LEN	(sizeof(FETCH_PATH_PREFIX) - 1)
#define FETCH_SUID_DIGITS	4	/* digits of FETCH_SUID_MAX */

static enum mef_err	decode_keyid(const char *, size_t, struct keyid *);
static enum mef_err	parse_suid(const char *, size_t, unsigned long *);

/* see fetch_path.h */
int
fetch_path_matches(const char *path, size_t len)
{
	size_t	base = FETCH_PREFIX_LEN - 1;	/* without the final '/' */

	/*
	 * "/fetchCredentials" itself, or followed by a query or fragment, is
	 * this resource asked for wrongly (400), not another resource (404).
	 */
	if (path == NULL || len < base || memcmp(path, FETCH_PATH_PREFIX,
	    base) != 0)
		return 0;
	return len == base || path[base] == '/' || path[base] == '?' ||
	    path[base] == '#';
}

/* see fetch_path.h */
enum mef_err
fetch_path_parse(const char *path, size_t len, struct fetch_path *pfp)
{
	struct fetch_path	 fp;
	const char		*seg, *slash;
	size_t			 seg_len;
	enum mef_err		 rc;

	memset(&fp, 0, sizeof(fp));
	if (path == NULL || pfp == NULL || len <= FETCH_PREFIX_LEN ||
	    memcmp(path, FETCH_PATH_PREFIX, FETCH_PREFIX_LEN) != 0) {
		rc = MEF_E_INVAL;
		goto out;
	}
	seg = path + FETCH_PREFIX_LEN;
	seg_len = len - FETCH_PREFIX_LEN;
	slash = memchr(seg, '/', seg_len);
	if (slash != NULL)
		seg_len = (size_t)(slash - seg);
	rc = decode_keyid(seg, seg_len, &fp.keyid);
	if (rc != MEF_OK)
		goto out;
	if (slash != NULL) {
		/* All after the slash is the SUID; a further '/' fails it. */
		rc = parse_suid(slash + 1, len - (size_t)(slash + 1 - path),
		    &fp.suid);
		if (rc != MEF_OK)
			goto out;
		fp.has_suid = 1;
	}
	*pfp = fp;
out:
	return rc;
}

/* Undoes the one escape we accept ("%40" for '@') and parses the KeId. */
static enum mef_err
decode_keyid(const char *s, size_t len, struct keyid *pkeyid)
{
	char	text[KEYID_MAX];
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (n + 1 >= sizeof(text))
			return MEF_E_INVAL;
		if (s[i] != '%') {
			text[n++] = s[i];
			continue;
		}
		if (len - i < 3 || s[i + 1] != '4' || s[i + 2] != '0')
			return MEF_E_INVAL;
		text[n++] = '@';
		i += 2;
	}
	/* keyid_parse() refuses a second '@', a '%', a NUL, any other byte. */
	return keyid_parse(text, n, pkeyid) == MEF_OK ? MEF_OK : MEF_E_INVAL;
}

/* Decimal 0..FETCH_SUID_MAX, no sign, space or leading zero (but "0"). */
static enum mef_err
parse_suid(const char *s, size_t len, unsigned long *psuid)
{
	uint64_t	v;

	if (len == 0 || len > FETCH_SUID_DIGITS || (len > 1 && s[0] == '0'))
		return MEF_E_INVAL;
	if (parse_u64(s, len, 0, FETCH_SUID_MAX, &v) != MEF_OK)
		return MEF_E_INVAL;
	*psuid = (unsigned long)v;
	return MEF_OK;
}
