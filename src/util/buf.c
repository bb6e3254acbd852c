/*
 * buf.c -- bounded growable buffer.
 *
 * Capacity doubles up to the maximum, so appends are amortised O(1) and never exceed the
 * bound the owner chose.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* see buf.h */
void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static enum mef_err
buf_reserve(struct buf *b, size_t extra)
{
	size_t	 need, cap;
	char	*p;

	if (extra > b->max || b->len > b->max - extra)
		return MEF_E_TOOBIG;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return MEF_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (p == NULL)
		return MEF_E_NOMEM;
	b->data = p;
	b->cap = cap;
	return MEF_OK;
}

/* see buf.h */
enum mef_err
buf_append(struct buf *b, const void *p, size_t len)
{
	enum mef_err	rc;

	rc = buf_reserve(b, len);
	if (rc != MEF_OK)
		return rc;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return MEF_OK;
}

/* see buf.h */
enum mef_err
buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* see buf.h */
enum mef_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list		ap;
	int		n;
	enum mef_err	rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MEF_E_INVAL;
	rc = buf_reserve(b, (size_t)n);
	if (rc != MEF_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return MEF_OK;
}

/* see buf.h */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* see buf.h */
void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
