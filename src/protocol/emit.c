/*
 * emit.c -- the bounded writer of the hand-written encoders.
 *
 * Encoders write the Credential through this writer straight into the caller's
 * buffer, so no copy of a key is left in memory the protocol layer owns.
 */
#include <string.h>

#include "protocol/emit.h"
#include "util/b64.h"
#include "util/secret.h"

/* see emit.h */
void
emit_init(struct emit *e, unsigned char *out, size_t size)
{
	e->out = out;
	e->size = out == NULL ? 0 : size;
	e->len = 0;
	e->overflow = 0;
}

/* see emit.h */
void
emit_bytes(struct emit *e, const void *p, size_t len)
{
	if (e->overflow || len > e->size - e->len) {
		e->overflow = 1;
		return;
	}
	if (len > 0)
		memcpy(e->out + e->len, p, len);
	e->len += len;
}

/* see emit.h */
void
emit_byte(struct emit *e, unsigned char c)
{
	emit_bytes(e, &c, 1);
}

/* see emit.h */
void
emit_str(struct emit *e, const char *s)
{
	emit_bytes(e, s, strlen(s));
}

/* see emit.h */
void
emit_u64(struct emit *e, uint64_t v)
{
	char	tmp[20];
	size_t	n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	emit_bytes(e, tmp + sizeof(tmp) - n, n);
}

/* see emit.h */
void
emit_b64(struct emit *e, const unsigned char *p, size_t len)
{
	size_t	n = B64_ENCODED_LEN(len);

	/* b64_encode() also writes a NUL, which the next write overwrites. */
	if (e->overflow || e->size - e->len < n + 1 ||
	    b64_encode(p, len, (char *)e->out + e->len, e->size - e->len) !=
	    MEF_OK) {
		e->overflow = 1;
		return;
	}
	e->len += n;
}

/* see emit.h */
void
emit_json_string(struct emit *e, const char *s, size_t len)
{
	static const char	hexdig[] = "0123456789abcdef";
	char			esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t			i;

	emit_byte(e, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			emit_byte(e, '\\');
			emit_byte(e, c);
		} else if (c < 0x20) {
			esc[4] = hexdig[c >> 4];
			esc[5] = hexdig[c & 0x0f];
			emit_bytes(e, esc, sizeof(esc));
		} else
			emit_byte(e, c);
	}
	emit_byte(e, '"');
}

/* see emit.h */
void
emit_xml_text(struct emit *e, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '&')
			emit_str(e, "&amp;");
		else if (s[i] == '<')
			emit_str(e, "&lt;");
		else if (s[i] == '>')
			emit_str(e, "&gt;");
		else
			emit_byte(e, (unsigned char)s[i]);
	}
}

/* see emit.h */
void
emit_cbor_head(struct emit *e, unsigned major, uint64_t arg)
{
	unsigned char	head[9];
	size_t		n, i;

	major <<= 5;
	if (arg < 24) {
		emit_byte(e, (unsigned char)(major | arg));
		return;
	}
	if (arg <= 0xff)
		n = 1;
	else if (arg <= 0xffff)
		n = 2;
	else if (arg <= 0xffffffffUL)
		n = 4;
	else
		n = 8;
	/* Additional information 24..27 says 1, 2, 4 or 8 bytes follow. */
	head[0] = (unsigned char)(major | (n == 1 ? 24 : n == 2 ? 25 :
	    n == 4 ? 26 : 27));
	for (i = 0; i < n; i++)
		head[1 + i] = (unsigned char)(arg >> (8 * (n - 1 - i)));
	emit_bytes(e, head, 1 + n);
}

/* see emit.h */
enum mef_err
emit_finish(struct emit *e, int nul, size_t *plen)
{
	if (!e->overflow && nul) {
		if (e->len < e->size)
			e->out[e->len] = '\0';
		else
			e->overflow = 1;
	}
	if (e->overflow) {
		mef_wipe(e->out, e->size);
		return MEF_E_TOOBIG;
	}
	*plen = e->len;
	return MEF_OK;
}
