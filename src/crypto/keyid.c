/*
 * keyid.c -- format and parse the Enrolment Key Identifier (TS-0003 10.3.4).
 *
 * The canonical text is UPPERHEX(RelativeKeId) "@" lower-case FQDN: DNS names
 * are case-insensitive, so a Target that echoes the identity in another case
 * still finds the same row. The parser is a grammar, not a search: 32 hex
 * digits, '@', a DNS name, and the length must match exactly, so no '%', second
 * '@' or NUL can slip through.
 */
#include <string.h>

#include "crypto/keyid.h"
#include "util/hex.h"
#include "util/strparse.h"

#define KEYID_HEX_LEN	(2 * KDF_REL_KEYID_LEN)

static void	lower_copy(char *, const char *, size_t);

/* see keyid.h */
enum mef_err
keyid_format(const unsigned char rel[KDF_REL_KEYID_LEN], const char *fqdn,
    char *out, size_t outsz)
{
	size_t		fqdn_len;
	enum mef_err	rc;

	if (rel == NULL || fqdn == NULL || out == NULL) {
		rc = MEF_E_INVAL;
		goto out;
	}
	fqdn_len = strnlen(fqdn, KEYID_FQDN_MAX + 1);
	if (fqdn_len > KEYID_FQDN_MAX || !is_dns_name(fqdn, fqdn_len) ||
	    outsz < KEYID_HEX_LEN + 1 + fqdn_len + 1) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = hex_encode(rel, KDF_REL_KEYID_LEN, 1, out, outsz);
	if (rc != MEF_OK)
		goto out;
	out[KEYID_HEX_LEN] = '@';
	lower_copy(out + KEYID_HEX_LEN + 1, fqdn, fqdn_len);
	out[KEYID_HEX_LEN + 1 + fqdn_len] = '\0';
out:
	return rc;
}

/* see keyid.h */
enum mef_err
keyid_parse(const char *s, size_t len, struct keyid *pkeyid)
{
	struct keyid	kid;
	const char	*fqdn;
	size_t		 fqdn_len;
	enum mef_err	 rc;

	memset(&kid, 0, sizeof(kid));
	if (s == NULL || pkeyid == NULL || len < KEYID_HEX_LEN + 2 ||
	    len > KEYID_HEX_LEN + 1 + KEYID_FQDN_MAX ||
	    s[KEYID_HEX_LEN] != '@') {
		rc = MEF_E_INVAL;
		goto out;
	}
	fqdn = s + KEYID_HEX_LEN + 1;
	fqdn_len = len - KEYID_HEX_LEN - 1;
	/* is_dns_name() admits only [A-Za-z0-9.-], so no '@', '%' or NUL. */
	if (!is_dns_name(fqdn, fqdn_len)) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = hex_decode(s, KEYID_HEX_LEN, kid.rel, sizeof(kid.rel));
	if (rc != MEF_OK) {
		rc = MEF_E_INVAL;
		goto out;
	}
	memcpy(kid.fqdn, fqdn, fqdn_len);
	kid.fqdn[fqdn_len] = '\0';
	rc = keyid_format(kid.rel, kid.fqdn, kid.text, sizeof(kid.text));
	if (rc != MEF_OK)
		goto out;
	*pkeyid = kid;
out:
	return rc;
}

/* Copies len bytes of ASCII from src to dst, folding A-Z to a-z. */
static void
lower_copy(char *dst, const char *src, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		char c = src[i];

		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
}
