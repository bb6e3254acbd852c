/*
 * secret.c -- key bytes that wipe themselves.
 *
 * The length sits in front of a flexible array so that one allocation holds both and one
 * wipe covers the key. explicit_bzero is used because a plain memset before free is
 * removed by the optimiser.
 */
#include <stdlib.h>
#include <string.h>

#include "util/ct.h"
#include "util/hex.h"
#include "util/secret.h"

struct mef_secret {
	size_t		 len;
	unsigned char	 bytes[];
};

/* see secret.h */
void
mef_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

/* see secret.h */
enum mef_err
mef_secret_alloc(size_t len, struct mef_secret **psecret)
{
	struct mef_secret	*s;

	if (len == 0 || len > MEF_SECRET_MAX)
		return MEF_E_INVAL;
	s = calloc(1, sizeof(*s) + len);
	if (s == NULL)
		return MEF_E_NOMEM;
	s->len = len;
	*psecret = s;
	return MEF_OK;
}

/* see secret.h */
enum mef_err
mef_secret_new(const void *bytes, size_t len, struct mef_secret **psecret)
{
	struct mef_secret	*s = NULL;
	enum mef_err		 rc;

	if (bytes == NULL)
		return MEF_E_INVAL;
	rc = mef_secret_alloc(len, &s);
	if (rc != MEF_OK)
		return rc;
	memcpy(s->bytes, bytes, len);
	*psecret = s;
	return MEF_OK;
}

/* see secret.h */
enum mef_err
mef_secret_dup(const struct mef_secret *src, struct mef_secret **psecret)
{
	if (src == NULL)
		return MEF_E_INVAL;
	return mef_secret_new(src->bytes, src->len, psecret);
}

/* see secret.h */
enum mef_err
mef_secret_from_hex(const char *hex, size_t hex_len, struct mef_secret **psecret)
{
	struct mef_secret	*s = NULL;
	enum mef_err		 rc;

	if (hex == NULL || hex_len == 0 || hex_len % 2 != 0)
		return MEF_E_INVAL;
	rc = mef_secret_alloc(hex_len / 2, &s);
	if (rc != MEF_OK)
		return rc;
	rc = hex_decode(hex, hex_len, s->bytes, s->len);
	if (rc != MEF_OK) {
		mef_secret_free(&s);
		return rc;
	}
	*psecret = s;
	return MEF_OK;
}

/* see secret.h */
const unsigned char *
mef_secret_bytes(const struct mef_secret *s)
{
	return s->bytes;
}

/* see secret.h */
unsigned char *
mef_secret_data(struct mef_secret *s)
{
	return s->bytes;
}

/* see secret.h */
size_t
mef_secret_len(const struct mef_secret *s)
{
	return s->len;
}

/* see secret.h */
int
mef_secret_equal(const struct mef_secret *a, const struct mef_secret *b)
{
	if (a == NULL || b == NULL || a->len != b->len)
		return 0;
	return ct_memeq(a->bytes, b->bytes, a->len);
}

/* see secret.h */
void
mef_secret_free(struct mef_secret **psecret)
{
	struct mef_secret	*s;

	if (psecret == NULL || *psecret == NULL)
		return;
	s = *psecret;
	mef_wipe(s, sizeof(*s) + s->len);
	free(s);
	*psecret = NULL;
}
