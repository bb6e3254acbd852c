/*
 * digest.c -- SHA-256 through EVP.
 *
 * The EVP_MD is fetched once per process (pthread_once) rather than on every
 * call, because an implicit fetch takes a lock and a provider lookup each time.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/digest.h"
#include "util/log.h"

static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD		*sha256_md;

static void	sha256_fetch(void);

/* see digest.h */
enum mef_err
digest_sha256(const void *in, size_t len, unsigned char out[DIGEST_SHA256_LEN])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	md_len = 0;
	unsigned long	e;
	enum mef_err	rc = MEF_OK;
	int		ok;

	if ((in == NULL && len > 0) || out == NULL)
		return MEF_E_INVAL;
	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL) {
		rc = MEF_E_CRYPTO;
		goto out;
	}
	ok = EVP_Digest(in, len, md, &md_len, sha256_md, NULL);
	if (ok != 1 || md_len != DIGEST_SHA256_LEN) {
		e = ERR_get_error();
		ERR_clear_error();
		log_warnx("SHA-256 failed: openssl error %lx", e);
		rc = MEF_E_CRYPTO;
		goto out;
	}
	memcpy(out, md, DIGEST_SHA256_LEN);
out:
	/* The input may be a secret being compared through its digest. */
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

static void
sha256_fetch(void)
{
	unsigned long	e;

	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (sha256_md == NULL) {
		e = ERR_get_error();
		ERR_clear_error();
		log_warnx("cannot fetch SHA256: openssl error %lx", e);
	}
}
