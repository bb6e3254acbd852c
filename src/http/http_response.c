/*
 * http_response.c -- HTTP/1.1 answer heads with oneM2M headers.
 *
 * The head is formatted into a stack buffer: every field in it is either ours or a
 * request value the parser already bounded and cleared of control characters, so the
 * echoed X-M2M-RI cannot split the answer.
 */
#include <string.h>

#include "http/http_response.h"

#define HEAD_MAX	HTTP_RESPONSE_HEAD_MAX

/* A bounded appender over the head buffer; err sticks once it overflows. */
struct head {
	char	*p;
	size_t	 len;
	int	 err;
};

static void
put_bytes(struct head *h, const char *s, size_t n)
{
	if (h->err || n >= HEAD_MAX - h->len) {
		h->err = 1;
		return;
	}
	memcpy(h->p + h->len, s, n);
	h->len += n;
}

static void
put_str(struct head *h, const char *s)
{
	put_bytes(h, s, strlen(s));
}

static void
put_uint(struct head *h, unsigned long long v)
{
	char	tmp[24];
	size_t	i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	put_bytes(h, tmp + i, sizeof(tmp) - i);
}

/* A string literal, without its NUL. */
#define PUT_LIT(h, lit)	put_bytes((h), (lit), sizeof(lit) - 1)

/* put_str(h, name), the value, CRLF: one header line. */
static void
put_field(struct head *h, const char *name, const char *value)
{
	put_str(h, name);
	put_str(h, value);
	PUT_LIT(h, "\r\n");
}

/*
 * see http_response.h. By hand rather than with snprintf(): this runs for every
 * answer, and the formatted version cost several thousand instructions per fetch.
 */
enum mef_err
http_response_head(const struct http_response *r, size_t len, char *head,
    size_t *phead_len)
{
	struct head	h = { .p = head, .len = 0, .err = 0 };

	if (r->status < 100 || r->status > 999 || r->rsc < 0)
		return MEF_E_INVAL;
	PUT_LIT(&h, "HTTP/1.1 ");
	put_uint(&h, (unsigned)r->status);
	PUT_LIT(&h, " ");
	put_str(&h, r->reason);
	PUT_LIT(&h, "\r\nX-M2M-RSC: ");
	put_uint(&h, (unsigned)r->rsc);
	PUT_LIT(&h, "\r\n");
	if (r->ri != NULL)
		put_field(&h, "X-M2M-RI: ", r->ri);
	if (r->content_type != NULL)
		put_field(&h, "Content-Type: ", r->content_type);
	PUT_LIT(&h, "Content-Length: ");
	put_uint(&h, len);
	PUT_LIT(&h, "\r\n");
	if (r->close)
		PUT_LIT(&h, "Connection: close\r\n");
	if (r->retry_after) {
		PUT_LIT(&h, "Retry-After: ");
		put_uint(&h, r->retry_after);
		PUT_LIT(&h, "\r\n");
	}
	PUT_LIT(&h, "\r\n");
	if (h.err)
		return MEF_E_TOOBIG;
	*phead_len = h.len;
	return MEF_OK;
}
