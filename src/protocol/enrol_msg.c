/*
 * enrol_msg.c -- the messages of the enrolment exchange (PROTOCOL.md 2.3).
 *
 * Same approach as the fetch answer: the 201 body is written by hand in a fixed
 * member order, and read back with jansson, strictly (every member once,
 * nothing unknown, no trailing data). No key travels in these messages, only
 * identifiers.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "crypto/keyid.h"
#include "protocol/emit.h"
#include "protocol/enrol_msg.h"
#include "protocol/text.h"

#define ENROL_RESULT_MAX	(64 * 1024)	/* bound on a 201 body */

#define ER_KEYID	0x01u
#define ER_ENROLEE	0x02u
#define ER_TARGETS	0x04u
#define ER_LIFETIME	0x08u
#define ER_ALL		(ER_KEYID | ER_ENROLEE | ER_TARGETS | ER_LIFETIME)

static int		id_valid(const char *, size_t *);
static enum mef_err	decode_member(struct enrol_result *, unsigned *,
			    const char *, json_t *);
static enum mef_err	decode_targets(struct enrol_result *, json_t *);

/* see enrol_msg.h */
enum mef_err
enrol_request_check(const unsigned char *body, size_t len)
{
	json_t		*root;
	json_error_t	 jerr;
	enum mef_err	 rc;

	if (len == 0)
		return MEF_OK;
	if (body == NULL || len > ENROL_BODY_MAX)
		return MEF_E_PROTO;
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	rc = root != NULL && json_is_object(root) ? MEF_OK : MEF_E_PROTO;
	json_decref(root);
	return rc;
}

/* see enrol_msg.h */
enum mef_err
enrol_result_encode(const struct enrol_result *res, char *out, size_t outsz,
    size_t *pout_len)
{
	if (res == NULL)
		return MEF_E_INVAL;
	return enrol_result_encode_from(res->keyid, res->enrolee_id,
	    (const char (*)[MEF_ID_MAX + 1])res->targets, res->ntargets,
	    res->lifetime_s, out, outsz, pout_len);
}

/* see enrol_msg.h */
enum mef_err
enrol_result_encode_from(const char *keyid, const char *enrolee_id,
    const char (*targets)[MEF_ID_MAX + 1], size_t ntargets,
    uint64_t lifetime_s, char *out, size_t outsz, size_t *pout_len)
{
	struct keyid	kid;
	struct emit	e;
	size_t		i, len, eid_len, kid_len;

	if (keyid == NULL || enrolee_id == NULL ||
	    (targets == NULL && ntargets > 0) || out == NULL ||
	    pout_len == NULL || ntargets > MEF_TARGETS_MAX ||
	    lifetime_s > (uint64_t)INT64_MAX)
		return MEF_E_INVAL;
	kid_len = strnlen(keyid, MEF_KEYID_MAX);
	if (keyid_parse(keyid, kid_len, &kid) != MEF_OK ||
	    !id_valid(enrolee_id, &eid_len))
		return MEF_E_INVAL;
	for (i = 0; i < ntargets; i++) {
		if (!id_valid(targets[i], &len))
			return MEF_E_INVAL;
	}
	emit_init(&e, (unsigned char *)out, outsz);
	emit_str(&e, "{\"KeId\":");
	emit_json_string(&e, keyid, kid_len);
	emit_str(&e, ",\"EnroleeID\":");
	emit_json_string(&e, enrolee_id, eid_len);
	emit_str(&e, ",\"Targets\":[");
	for (i = 0; i < ntargets; i++) {
		if (i > 0)
			emit_byte(&e, ',');
		emit_json_string(&e, targets[i], strlen(targets[i]));
	}
	emit_str(&e, "],\"Lifetime\":");
	emit_u64(&e, lifetime_s);
	emit_byte(&e, '}');
	return emit_finish(&e, 1, pout_len);
}

/* see enrol_msg.h */
enum mef_err
enrol_result_decode(const unsigned char *body, size_t len,
    struct enrol_result *pres)
{
	struct enrol_result	 res;
	json_t			*root = NULL, *v;
	json_error_t		 jerr;
	const char		*key;
	unsigned		 seen = 0;
	enum mef_err		 rc = MEF_E_PROTO;

	memset(&res, 0, sizeof(res));
	if (body == NULL || pres == NULL || len == 0 || len > ENROL_RESULT_MAX)
		goto out;
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (root == NULL || !json_is_object(root))
		goto out;
	json_object_foreach(root, key, v) {
		rc = decode_member(&res, &seen, key, v);
		if (rc != MEF_OK)
			goto out;
	}
	rc = seen == ER_ALL ? MEF_OK : MEF_E_PROTO;
	if (rc == MEF_OK)
		*pres = res;
out:
	json_decref(root);
	return rc;
}

/* One member of the 201 body; duplicates were refused by the parser. */
static enum mef_err
decode_member(struct enrol_result *res, unsigned *pseen, const char *key,
    json_t *v)
{
	struct keyid	kid;
	const char	*s;
	size_t		 len;

	if (strcmp(key, "KeId") == 0 && json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
		if (keyid_parse(s, len, &kid) != MEF_OK ||
		    len >= sizeof(res->keyid))
			return MEF_E_PROTO;
		memcpy(res->keyid, s, len);
		res->keyid[len] = '\0';
		*pseen |= ER_KEYID;
	} else if (strcmp(key, "EnroleeID") == 0 && json_is_string(v)) {
		if (text_copy(res->enrolee_id, sizeof(res->enrolee_id),
		    json_string_value(v), json_string_length(v), 1,
		    MEF_ID_MAX) != MEF_OK)
			return MEF_E_PROTO;
		*pseen |= ER_ENROLEE;
	} else if (strcmp(key, "Targets") == 0 && json_is_array(v)) {
		if (decode_targets(res, v) != MEF_OK)
			return MEF_E_PROTO;
		*pseen |= ER_TARGETS;
	} else if (strcmp(key, "Lifetime") == 0 && json_is_integer(v) &&
	    json_integer_value(v) >= 0) {
		res->lifetime_s = (uint64_t)json_integer_value(v);
		*pseen |= ER_LIFETIME;
	} else
		return MEF_E_PROTO;
	return MEF_OK;
}

/* An array of at most MEF_TARGETS_MAX identifier strings. */
static enum mef_err
decode_targets(struct enrol_result *res, json_t *arr)
{
	json_t	*v;
	size_t	 i;

	if (json_array_size(arr) > MEF_TARGETS_MAX)
		return MEF_E_PROTO;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || text_copy(res->targets[i],
		    sizeof(res->targets[i]), json_string_value(v),
		    json_string_length(v), 1, MEF_ID_MAX) != MEF_OK)
			return MEF_E_PROTO;
	}
	res->ntargets = json_array_size(arr);
	return MEF_OK;
}

/* 1 and the length when s is a NUL-terminated 1..MEF_ID_MAX byte identifier. */
static int
id_valid(const char *s, size_t *plen)
{
	size_t	len;

	len = strnlen(s, MEF_ID_MAX + 1);
	if (len == 0 || len > MEF_ID_MAX || !text_valid(s, len))
		return 0;
	*plen = len;
	return 1;
}
