/*
 * audit_line.c -- formatting and parsing audit log lines (see audit_line.h).
 *
 * The writer formats by hand, so the key order and the bytes the mac covers
 * are fixed; the reader checks the mac suffix by hand and leaves the rest to
 * jansson, bounded by AUDIT_LINE_MAX. Peers choose the identity strings, so
 * the escaper accepts only well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) and replaces every other byte.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit/audit_line.h"
#include "util/hex.h"

#define MAC_KEY		",\"mac\":\""

struct lbuf {
	char	*p;
	size_t	 len, cap;
	int	 full;
};

static size_t	utf8_len(const unsigned char *s);
static void	put(struct lbuf *b, const char *s, size_t n);
static void	put_str(struct lbuf *b, const char *key, const char *val);
static enum mef_err	get_hex(json_t *obj, const char *key,
			    unsigned char out[MAC_LEN]);

/* see audit_line.h */
enum mef_err
audit_json_string(const char *s, char *out, size_t outsz, size_t *plen)
{
	static const char	 xd[] = "0123456789abcdef";
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 o = 0, n;
	char			 esc[6];

	if (outsz < 3)
		return MEF_E_TOOBIG;
	out[o++] = '"';
	while (*u != '\0') {
		n = *u >= 0x80 ? utf8_len(u) : 0;
		if (n > 0) {			/* well-formed: as is */
			if (o + n + 2 > outsz)
				return MEF_E_TOOBIG;
			memcpy(out + o, u, n);
			o += n;
			u += n;
			continue;
		}
		if (*u == '"' || *u == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*u;
			n = 2;
		} else if (*u < 0x20 || *u == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = xd[*u >> 4];
			esc[5] = xd[*u & 0xf];
			n = 6;
		} else if (*u < 0x80) {
			esc[0] = (char)*u;
			n = 1;
		} else {
			memcpy(esc, "\\ufffd", 6);	/* one byte replaced */
			n = 6;
		}
		u++;
		if (o + n + 2 > outsz)
			return MEF_E_TOOBIG;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o++] = '"';
	out[o] = '\0';
	*plen = o;
	return MEF_OK;
}

/* see audit_line.h */
enum mef_err
audit_line_format(const struct audit_entry *e, uint64_t seq,
    const unsigned char prev[MAC_LEN], struct mac *m, char *out, size_t outsz,
    size_t *plen, unsigned char mac_out[MAC_LEN])
{
	struct lbuf	b = { out, 0, outsz, 0 };
	char		num[48], hex[2 * MAC_LEN + 1];
	struct tm	tm;
	time_t		t = (time_t)(e->time_ms / 1000);
	size_t		n;

	n = (size_t)snprintf(num, sizeof(num), "{\"seq\":%llu",
	    (unsigned long long)seq);
	put(&b, num, n);
	if (gmtime_r(&t, &tm) == NULL)
		return MEF_E_INVAL;
	n = strftime(num, sizeof(num), ",\"time\":\"%Y-%m-%dT%H:%M:%S", &tm);
	put(&b, num, n);
	n = (size_t)snprintf(num, sizeof(num), ".%03dZ\"",
	    (int)(e->time_ms % 1000));
	put(&b, num, n);
	put_str(&b, "event", e->event);
	put_str(&b, "actor", e->actor);
	put_str(&b, "peer", e->peer);
	put_str(&b, "kpm_id", e->kpm_id);
	put_str(&b, "ke_id", e->ke_id);
	put_str(&b, "enrolee_id", e->enrolee_id);
	put_str(&b, "target_id", e->target_id);
	put_str(&b, "object", e->object);
	put_str(&b, "outcome", e->outcome);
	if (e->rsc != 0)
		n = (size_t)snprintf(num, sizeof(num), ",\"rsc\":%d", e->rsc);
	else
		n = (size_t)snprintf(num, sizeof(num), ",\"rsc\":null");
	put(&b, num, n);
	hex_encode(prev, MAC_LEN, 0, hex, sizeof(hex));
	put(&b, ",\"prev\":\"", 9);
	put(&b, hex, 2 * MAC_LEN);
	put(&b, "\"", 1);
	/* The body must leave room for the mac suffix and the newline. */
	if (b.full || b.len + AUDIT_MAC_SUFFIX_LEN + 1 > outsz ||
	    b.len + AUDIT_MAC_SUFFIX_LEN > AUDIT_LINE_MAX)
		return MEF_E_TOOBIG;
	if (mac_compute(m, out, b.len, NULL, 0, mac_out) != MEF_OK)
		return MEF_E_CRYPTO;
	hex_encode(mac_out, MAC_LEN, 0, hex, sizeof(hex));
	put(&b, MAC_KEY, sizeof(MAC_KEY) - 1);
	put(&b, hex, 2 * MAC_LEN);
	put(&b, "\"}\n", 3);
	*plen = b.len;
	return MEF_OK;
}

/* see audit_line.h */
enum mef_err
audit_line_parse(const char *line, size_t len, struct audit_parsed *p,
    char *why, size_t whysz)
{
	json_t		*obj = NULL, *v;
	json_error_t	 jerr;
	const char	*s;
	enum mef_err	 rc = MEF_E_PROTO;
	json_int_t	 seq;

	memset(p, 0, sizeof(*p));
	if (len > AUDIT_LINE_MAX) {
		snprintf(why, whysz, "line longer than %d bytes",
		    AUDIT_LINE_MAX);
		return MEF_E_PROTO;
	}
	if (len < AUDIT_MAC_SUFFIX_LEN + 2 || line[0] != '{' ||
	    memcmp(line + len - AUDIT_MAC_SUFFIX_LEN, MAC_KEY,
	    sizeof(MAC_KEY) - 1) != 0 || line[len - 2] != '"' ||
	    line[len - 1] != '}') {
		snprintf(why, whysz, "not an audit line (no final mac)");
		return MEF_E_PROTO;
	}
	p->body_len = len - AUDIT_MAC_SUFFIX_LEN;
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL || !json_is_object(obj)) {
		snprintf(why, whysz, "not a JSON object");
		goto out;
	}
	v = json_object_get(obj, "seq");
	seq = json_is_integer(v) ? json_integer_value(v) : 0;
	if (seq < 1) {
		snprintf(why, whysz, "no positive seq");
		goto out;
	}
	p->seq = (uint64_t)seq;
	s = json_string_value(json_object_get(obj, "event"));
	if (s == NULL || strlen(s) >= sizeof(p->event)) {
		snprintf(why, whysz, "no event");
		goto out;
	}
	memcpy(p->event, s, strlen(s) + 1);
	s = json_string_value(json_object_get(obj, "time"));
	if (s == NULL || strlen(s) != 24 || s[10] != 'T' || s[23] != 'Z') {
		snprintf(why, whysz, "no UTC time");
		goto out;
	}
	if (get_hex(obj, "prev", p->prev) != MEF_OK ||
	    get_hex(obj, "mac", p->mac) != MEF_OK) {
		snprintf(why, whysz, "prev or mac not 64 hex digits");
		goto out;
	}
	rc = MEF_OK;
out:
	json_decref(obj);
	return rc;
}

/*
 * Bytes in the well-formed UTF-8 sequence at s (2 to 4), or 0 when s does not
 * start one (RFC 3629 table: no overlong forms, no surrogates, <= U+10FFFF).
 */
static size_t
utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static void
put(struct lbuf *b, const char *s, size_t n)
{
	if (b->full || b->len + n > b->cap) {
		b->full = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* ,"key":"escaped" or ,"key":null for an empty value. */
static void
put_str(struct lbuf *b, const char *key, const char *val)
{
	size_t	n;

	put(b, ",\"", 2);
	put(b, key, strlen(key));
	put(b, "\":", 2);
	if (val[0] == '\0') {
		put(b, "null", 4);
		return;
	}
	if (b->full || audit_json_string(val, b->p + b->len, b->cap - b->len,
	    &n) != MEF_OK) {
		b->full = 1;
		return;
	}
	b->len += n;
}

static enum mef_err
get_hex(json_t *obj, const char *key, unsigned char out[MAC_LEN])
{
	const char	*s = json_string_value(json_object_get(obj, key));
	size_t		 i;

	if (s == NULL || strlen(s) != 2 * MAC_LEN)
		return MEF_E_PROTO;
	for (i = 0; i < 2 * MAC_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return MEF_E_PROTO;
	return hex_decode(s, 2 * MAC_LEN, out, MAC_LEN);
}
