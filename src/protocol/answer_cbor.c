/*
 * answer_cbor.c -- the fetchCredentials answer in CBOR (RFC 8949).
 *
 * The encoder writes a definite-length map by hand in the order of the JSON
 * form, with every head in its shortest form, so one answer has one encoding;
 * Credential is a byte string of the 32 key bytes. The decoder uses libcbor,
 * accepts only definite-length items, refuses trailing bytes, and wipes
 * libcbor's copy of the Credential before the item is released.
 */
#include <string.h>

#include <cbor.h>

#include "protocol/answer_int.h"
#include "util/secret.h"

#define CBOR_UINT	0
#define CBOR_BYTES	2
#define CBOR_TEXT	3
#define CBOR_MAP	5
#define CBOR_FALSE	0xf4
#define CBOR_TRUE	0xf5

static void		emit_text(struct emit *, const char *, size_t);
static enum mef_err	decode_pair(struct answer *, unsigned *,
			    const struct cbor_pair *);
static int		definite_text(cbor_item_t *, const char **, size_t *);
static int		counts_fit(const unsigned char *, size_t);
static void		wipe_credential(cbor_item_t *);

/* see answer_int.h */
void
answer_cbor_ok(struct emit *e, const struct answer_ok *ok)
{
	emit_cbor_head(e, CBOR_MAP, 4);
	emit_text(e, "Status", 6);
	emit_byte(e, CBOR_TRUE);
	emit_text(e, "Credential", 10);
	emit_cbor_head(e, CBOR_BYTES, ok->key_len);
	emit_bytes(e, ok->key, ok->key_len);
	emit_text(e, "EnroleeID", 9);
	emit_text(e, ok->enrolee_id, ok->enrolee_len);
	emit_text(e, "Lifetime", 8);
	emit_cbor_head(e, CBOR_UINT, ok->lifetime_s);
}

/* see answer_int.h */
void
answer_cbor_error(struct emit *e, const char *s, size_t len)
{
	emit_cbor_head(e, CBOR_MAP, 2);
	emit_text(e, "Status", 6);
	emit_byte(e, CBOR_FALSE);
	emit_text(e, "ErrorString", 11);
	emit_text(e, s, len);
}

/* see answer_int.h */
enum mef_err
answer_cbor_decode(const unsigned char *body, size_t len, struct answer *ans)
{
	struct cbor_load_result	 res;
	cbor_item_t		*item = NULL;
	struct cbor_pair	*pairs;
	size_t			 i, n;
	unsigned		 seen = 0;
	enum mef_err		 rc = MEF_E_PROTO;

	/* Found by fuzzing: see counts_fit(). */
	if (!counts_fit(body, len))
		goto out;
	item = cbor_load(body, len, &res);
	if (item == NULL || res.error.code != CBOR_ERR_NONE || res.read != len)
		goto out;
	if (!cbor_isa_map(item) || !cbor_map_is_definite(item))
		goto out;
	n = cbor_map_size(item);
	pairs = cbor_map_handle(item);
	for (i = 0; i < n; i++) {
		rc = decode_pair(ans, &seen, &pairs[i]);
		if (rc != MEF_OK)
			goto out;
	}
	rc = answer_check(ans, seen);
out:
	if (item != NULL) {
		wipe_credential(item);
		cbor_decref(&item);
	}
	return rc;
}

/*
 * 0 when an array or map head declares more elements than bytes are left.
 * cbor_load() allocates (and clears) the element array of the declared size before
 * reading any element, so a 5-byte head could make it take gigabytes (fuzz_answer_cbor:
 * "\x9a\x75\x74\x74\x53" asked for 15 GB). Each element takes at least one byte, a
 * map pair two, so such a count is malformed anyway. The heads are walked in order
 * without recursion: string contents are skipped, everything else is a head.
 * Other malformations are left to cbor_load().
 */
static int
counts_fit(const unsigned char *p, size_t len)
{
	size_t		i = 0, left;
	uint64_t	arg;
	unsigned	major, info, nb, k;

	while (i < len) {
		major = p[i] >> 5;
		info = p[i] & 0x1f;
		i++;
		if (info >= 28 && info <= 30)
			return 1;	/* reserved: cbor_load fails */
		nb = info < 24 || info == 31 ? 0 : 1u << (info - 24);
		if (nb > len - i)
			return 1;	/* truncated: cbor_load fails */
		for (arg = info < 24 ? info : 0, k = 0; k < nb; k++)
			arg = arg << 8 | p[i + k];
		i += nb;
		left = len - i;
		if (info == 31 || major == 7)
			continue;	/* indefinite start or break; simple, float */
		if ((major == 2 || major == 3) && arg > left)
			return 1;	/* cbor_load reports the short string */
		if (major == 2 || major == 3)
			i += (size_t)arg;
		else if ((major == 4 && arg > left) ||
		    (major == 5 && arg > left / 2))
			return 0;
	}
	return 1;
}

/* One key/value pair; keys are definite text strings naming a known member. */
static enum mef_err
decode_pair(struct answer *ans, unsigned *pseen, const struct cbor_pair *pair)
{
	const char	*key, *s;
	size_t		 key_len, len;
	unsigned	 member;

	if (!definite_text(pair->key, &key, &key_len))
		return MEF_E_PROTO;
	member = answer_member(key, key_len);
	switch (member) {
	case ANS_STATUS:
		/*
		 * Found by fuzzing: cbor_is_bool() asserts (aborts) on a float
		 * (0xf9..0xfb), so only a simple value of width 0 may reach it.
		 */
		if (!cbor_isa_float_ctrl(pair->value) ||
		    cbor_float_get_width(pair->value) != CBOR_FLOAT_0 ||
		    !cbor_is_bool(pair->value))
			return MEF_E_PROTO;
		return answer_take_status(ans, pseen,
		    cbor_get_bool(pair->value));
	case ANS_CREDENTIAL:
		if (!cbor_isa_bytestring(pair->value) ||
		    !cbor_bytestring_is_definite(pair->value))
			return MEF_E_PROTO;
		return answer_take_credential(ans, pseen,
		    cbor_bytestring_handle(pair->value),
		    cbor_bytestring_length(pair->value));
	case ANS_LIFETIME:
		if (!cbor_isa_uint(pair->value))
			return MEF_E_PROTO;
		return answer_take_lifetime(ans, pseen,
		    cbor_get_int(pair->value));
	case ANS_ENROLEE:
	case ANS_ERROR:
		if (!definite_text(pair->value, &s, &len))
			return MEF_E_PROTO;
		return member == ANS_ENROLEE ?
		    answer_take_enrolee(ans, pseen, s, len) :
		    answer_take_error(ans, pseen, s, len);
	default:
		return MEF_E_PROTO;
	}
}

/* 1 with the bytes of a definite-length text string, 0 for anything else. */
static int
definite_text(cbor_item_t *item, const char **ps, size_t *plen)
{
	if (!cbor_isa_string(item) || !cbor_string_is_definite(item))
		return 0;
	*plen = cbor_string_length(item);
	*ps = (const char *)cbor_string_handle(item);
	if (*ps == NULL)
		*ps = "";	/* an empty string has no storage */
	return 1;
}

/* Zeroes, in place, every definite byte string under a "Credential" key. */
static void
wipe_credential(cbor_item_t *item)
{
	struct cbor_pair	*pairs;
	const char		*key;
	size_t			 i, n, key_len;

	if (!cbor_isa_map(item) || !cbor_map_is_definite(item))
		return;
	n = cbor_map_size(item);
	pairs = cbor_map_handle(item);
	for (i = 0; i < n; i++) {
		if (!definite_text(pairs[i].key, &key, &key_len) ||
		    answer_member(key, key_len) != ANS_CREDENTIAL)
			continue;
		if (cbor_isa_bytestring(pairs[i].value) &&
		    cbor_bytestring_is_definite(pairs[i].value))
			mef_wipe(cbor_bytestring_handle(pairs[i].value),
			    cbor_bytestring_length(pairs[i].value));
	}
}

/* A definite text string: head, then the bytes. */
static void
emit_text(struct emit *e, const char *s, size_t len)
{
	emit_cbor_head(e, CBOR_TEXT, len);
	emit_bytes(e, s, len);
}
