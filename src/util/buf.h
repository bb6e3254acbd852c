/*
 * buf.h -- a growable byte buffer with a maximum fixed at init.
 *
 * For messages and text, never for keys (those live in struct mef_secret). Going past
 * the maximum is an error (MEF_E_TOOBIG), never a silent truncation. The contents are
 * always NUL-terminated so text can be read in place.
 */
#ifndef MEF_UTIL_BUF_H
#define MEF_UTIL_BUF_H

#include <stddef.h>

#include "mef/error.h"

struct buf {
	char	*data;		/* NUL-terminated; NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* bound on len */
};

void		buf_init(struct buf *b, size_t max);
enum mef_err	buf_append(struct buf *b, const void *p, size_t len);
enum mef_err	buf_append_str(struct buf *b, const char *s);
enum mef_err	buf_printf(struct buf *b, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its allocation. */
void		buf_reset(struct buf *b);
/* Releases the allocation; the buffer can be reused after buf_init(). */
void		buf_free(struct buf *b);

#endif /* MEF_UTIL_BUF_H */
