/*
 * secret.h -- the one type that holds key bytes.
 *
 * Every key (Kpm, Ke, Kpsa, Km, a Target PSK, the KEK) lives in a struct mef_secret,
 * whose free function wipes the bytes before releasing them. Generic buffers and
 * strings never hold keys (STYLE.md section 6).
 */
#ifndef MEF_UTIL_SECRET_H
#define MEF_UTIL_SECRET_H

#include <stddef.h>

#include "mef/error.h"

#define MEF_SECRET_MAX	4096	/* larger secrets are refused, never truncated */

struct mef_secret;

/* Copies len bytes of bytes into a new secret. len 1..MEF_SECRET_MAX. */
enum mef_err	 mef_secret_new(const void *bytes, size_t len,
		    struct mef_secret **psecret);
/* A new secret of len zero bytes, to be filled through mef_secret_data(). */
enum mef_err	 mef_secret_alloc(size_t len, struct mef_secret **psecret);
/* A copy of s. */
enum mef_err	 mef_secret_dup(const struct mef_secret *s,
		    struct mef_secret **psecret);
/* Parses exactly 2*n hex digits (either case) into a secret of n bytes. */
enum mef_err	 mef_secret_from_hex(const char *hex, size_t hex_len,
		    struct mef_secret **psecret);
/* Borrowed views, valid until the secret is freed. */
const unsigned char	*mef_secret_bytes(const struct mef_secret *s);
unsigned char		*mef_secret_data(struct mef_secret *s);
size_t			 mef_secret_len(const struct mef_secret *s);
/* Constant-time equality of two secrets (lengths are not secret). */
int		 mef_secret_equal(const struct mef_secret *a,
		    const struct mef_secret *b);
/* Wipes and frees *psecret; accepts NULL and sets *psecret to NULL. */
void		 mef_secret_free(struct mef_secret **psecret);

/* Wipes len bytes at p in a way the compiler cannot elide. */
void		 mef_wipe(void *p, size_t len);

#endif /* MEF_UTIL_SECRET_H */
