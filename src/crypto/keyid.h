/*
 * keyid.h -- the Enrolment Key Identifier: UPPERHEX(RelativeKeId) "@" MEF-FQDN.
 *
 * TS-0003 clause 10.3.4. Formatting always writes upper-case hex and a lower-case FQDN
 * (DNS names are case-insensitive); parsing accepts either case and returns that
 * canonical form, which is what the store keys on.
 */
#ifndef MEF_CRYPTO_KEYID_H
#define MEF_CRYPTO_KEYID_H

#include <stddef.h>

#include "crypto/kdf.h"
#include "mef/error.h"

#define KEYID_FQDN_MAX	253
/* 32 hex digits, '@', FQDN, NUL */
#define KEYID_MAX	(2 * KDF_REL_KEYID_LEN + 1 + KEYID_FQDN_MAX + 1)

struct keyid {
	unsigned char	rel[KDF_REL_KEYID_LEN];
	char		fqdn[KEYID_FQDN_MAX + 1];	/* as received; compared
							   case-insensitively */
	char		text[KEYID_MAX];		/* canonical: upper hex */
};

/* Builds the canonical KeId text of rel and fqdn into out (outsz >= KEYID_MAX). */
enum mef_err	keyid_format(const unsigned char rel[KDF_REL_KEYID_LEN],
		    const char *fqdn, char *out, size_t outsz);
/*
 * Parses len bytes of s: exactly 32 hex digits, one '@', a DNS name (is_dns_name()).
 * Nothing else (no '%', no second '@', no NUL). MEF_E_INVAL otherwise.
 */
enum mef_err	keyid_parse(const char *s, size_t len, struct keyid *pkeyid);

#endif /* MEF_CRYPTO_KEYID_H */
