/*
 * answer_json.c -- the fetchCredentials answer in JSON.
 *
 * The encoder writes the exact bytes of PROTOCOL.md 3.4 by hand (members in
 * that order, no whitespace), so the Credential only ever exists in the
 * caller's buffer. The decoder uses jansson with duplicate keys refused and no
 * trailing data allowed, and wipes jansson's copy of the Credential string
 * before the tree is freed. The lexer's own token buffer is freed by jansson
 * without a wipe; that residue is the price of not replacing jansson's
 * process-wide allocator.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "protocol/answer_int.h"
#include "util/secret.h"

static enum mef_err	decode_member(struct answer *, unsigned *,
			    const char *, json_t *);
static void		wipe_credential(json_t *);

/* see answer_int.h */
void
answer_json_ok(struct emit *e, const struct answer_ok *ok)
{
	emit_str(e, "{\"Status\":true,\"Credential\":\"");
	emit_b64(e, ok->key, ok->key_len);
	emit_str(e, "\",\"EnroleeID\":");
	emit_json_string(e, ok->enrolee_id, ok->enrolee_len);
	emit_str(e, ",\"Lifetime\":");
	emit_u64(e, ok->lifetime_s);
	emit_byte(e, '}');
}

/* see answer_int.h */
void
answer_json_error(struct emit *e, const char *s, size_t len)
{
	emit_str(e, "{\"Status\":false,\"ErrorString\":");
	emit_json_string(e, s, len);
	emit_byte(e, '}');
}

/* see answer_int.h */
enum mef_err
answer_json_decode(const unsigned char *body, size_t len, struct answer *ans)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	const char	*key;
	unsigned	 seen = 0;
	enum mef_err	 rc = MEF_E_PROTO;

	/* No JSON_DECODE_ANY: the top level must be an object (or an array). */
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (root == NULL || !json_is_object(root))
		goto out;
	json_object_foreach(root, key, v) {
		rc = decode_member(ans, &seen, key, v);
		if (rc != MEF_OK)
			goto out;
	}
	rc = answer_check(ans, seen);
out:
	wipe_credential(root);
	json_decref(root);
	return rc;
}

/* One member of the top-level object; unknown or mistyped ones are refused. */
static enum mef_err
decode_member(struct answer *ans, unsigned *pseen, const char *key, json_t *v)
{
	json_int_t	n;

	switch (answer_member(key, strlen(key))) {
	case ANS_STATUS:
		if (!json_is_boolean(v))
			return MEF_E_PROTO;
		return answer_take_status(ans, pseen, json_is_true(v));
	case ANS_CREDENTIAL:
		if (!json_is_string(v))
			return MEF_E_PROTO;
		return answer_take_credential_b64(ans, pseen,
		    json_string_value(v), json_string_length(v));
	case ANS_ENROLEE:
		if (!json_is_string(v))
			return MEF_E_PROTO;
		return answer_take_enrolee(ans, pseen, json_string_value(v),
		    json_string_length(v));
	case ANS_LIFETIME:
		if (!json_is_integer(v))
			return MEF_E_PROTO;
		n = json_integer_value(v);
		if (n < 0)
			return MEF_E_PROTO;
		return answer_take_lifetime(ans, pseen, (uint64_t)n);
	case ANS_ERROR:
		if (!json_is_string(v))
			return MEF_E_PROTO;
		return answer_take_error(ans, pseen, json_string_value(v),
		    json_string_length(v));
	default:
		return MEF_E_PROTO;
	}
}

/* Zeroes the bytes of a top-level "Credential" string in place. */
static void
wipe_credential(json_t *root)
{
	json_t	*v;

	if (root == NULL || !json_is_object(root))
		return;
	v = json_object_get(root, "Credential");
	if (v == NULL || !json_is_string(v))
		return;
	/* jansson owns a writable copy; its const is an API promise we undo. */
	mef_wipe((char *)(uintptr_t)json_string_value(v),
	    json_string_length(v));
}
