/*
 * answer.c -- the fetchCredentials answer: checks, dispatch and shared decoding
 * rules.
 *
 * Inputs are validated here once, before any format writes a byte, so the three
 * encoders cannot disagree about what is acceptable. The decoders share the
 * member rules below, which is what makes them equally strict.
 */
#include <string.h>

#include "protocol/answer_int.h"
#include "protocol/text.h"
#include "util/b64.h"

struct answer_name {
	const char	*name;
	unsigned	 bit;
};

static const struct answer_name answer_names[] = {
	{ "Status", ANS_STATUS },
	{ "Credential", ANS_CREDENTIAL },
	{ "EnroleeID", ANS_ENROLEE },
	{ "Lifetime", ANS_LIFETIME },
	{ "ErrorString", ANS_ERROR },
};

static int	take(unsigned *, unsigned);

/* see answer.h */
enum mef_err
answer_encode_ok(enum mef_format fmt, const struct mef_secret *credential,
    const char *enrolee_id, uint64_t lifetime_s, unsigned char *out,
    size_t outsz, size_t *pout_len)
{
	struct answer_ok	ok;
	struct emit		e;

	if (credential == NULL || mef_secret_len(credential) != MEF_KEY_LEN ||
	    enrolee_id == NULL || out == NULL || pout_len == NULL ||
	    lifetime_s > ANSWER_LIFETIME_MAX)
		return MEF_E_INVAL;
	ok.enrolee_len = strnlen(enrolee_id, MEF_ID_MAX + 1);
	if (ok.enrolee_len == 0 || ok.enrolee_len > MEF_ID_MAX ||
	    !text_valid(enrolee_id, ok.enrolee_len))
		return MEF_E_INVAL;
	ok.key = mef_secret_bytes(credential);
	ok.key_len = mef_secret_len(credential);
	ok.enrolee_id = enrolee_id;
	ok.lifetime_s = lifetime_s;
	emit_init(&e, out, outsz);
	switch (fmt) {
	case MEF_FMT_JSON:
		answer_json_ok(&e, &ok);
		break;
	case MEF_FMT_XML:
		answer_xml_ok(&e, &ok);
		break;
	case MEF_FMT_CBOR:
		answer_cbor_ok(&e, &ok);
		break;
	default:
		return MEF_E_INVAL;
	}
	return emit_finish(&e, 0, pout_len);
}

/* see answer.h */
enum mef_err
answer_encode_error(enum mef_format fmt, const char *error_string,
    unsigned char *out, size_t outsz, size_t *pout_len)
{
	struct emit	e;
	size_t		len;

	if (error_string == NULL || out == NULL || pout_len == NULL)
		return MEF_E_INVAL;
	len = strnlen(error_string, MEF_ERRSTR_MAX + 1);
	if (len > MEF_ERRSTR_MAX || !text_valid(error_string, len))
		return MEF_E_INVAL;
	emit_init(&e, out, outsz);
	switch (fmt) {
	case MEF_FMT_JSON:
		answer_json_error(&e, error_string, len);
		break;
	case MEF_FMT_XML:
		answer_xml_error(&e, error_string, len);
		break;
	case MEF_FMT_CBOR:
		answer_cbor_error(&e, error_string, len);
		break;
	default:
		return MEF_E_INVAL;
	}
	return emit_finish(&e, 0, pout_len);
}

/* see answer.h */
enum mef_err
answer_decode(enum mef_format fmt, const unsigned char *body, size_t len,
    struct answer *pans)
{
	enum mef_err	rc;

	if (pans == NULL)
		return MEF_E_INVAL;
	memset(pans, 0, sizeof(*pans));
	if (body == NULL || len == 0 || len > ANSWER_DECODE_MAX)
		return MEF_E_PROTO;
	switch (fmt) {
	case MEF_FMT_JSON:
		rc = answer_json_decode(body, len, pans);
		break;
	case MEF_FMT_XML:
		rc = answer_xml_decode(body, len, pans);
		break;
	case MEF_FMT_CBOR:
		rc = answer_cbor_decode(body, len, pans);
		break;
	default:
		rc = MEF_E_INVAL;
		break;
	}
	if (rc != MEF_OK)
		answer_clear(pans);
	return rc;
}

/* see answer.h */
void
answer_clear(struct answer *ans)
{
	if (ans == NULL)
		return;
	mef_secret_free(&ans->credential);
	mef_wipe(ans, sizeof(*ans));
}

/* see answer_int.h */
unsigned
answer_member(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(answer_names) / sizeof(answer_names[0]); i++) {
		if (strlen(answer_names[i].name) == len &&
		    memcmp(answer_names[i].name, name, len) == 0)
			return answer_names[i].bit;
	}
	return 0;
}

/* see answer_int.h */
enum mef_err
answer_take_status(struct answer *ans, unsigned *pseen, int v)
{
	if (!take(pseen, ANS_STATUS))
		return MEF_E_PROTO;
	ans->status = v ? 1 : 0;
	return MEF_OK;
}

/* see answer_int.h */
enum mef_err
answer_take_credential(struct answer *ans, unsigned *pseen,
    const unsigned char *key, size_t len)
{
	if (!take(pseen, ANS_CREDENTIAL) || len != MEF_KEY_LEN)
		return MEF_E_PROTO;
	return mef_secret_new(key, len, &ans->credential);
}

/* see answer_int.h */
enum mef_err
answer_take_credential_b64(struct answer *ans, unsigned *pseen,
    const char *b64, size_t len)
{
	struct mef_secret	*key = NULL;
	size_t			 key_len = 0;
	enum mef_err		 rc;

	/* Decode straight into the secret: no stack copy of the key. */
	if (!take(pseen, ANS_CREDENTIAL) ||
	    len != B64_ENCODED_LEN(MEF_KEY_LEN)) {
		rc = MEF_E_PROTO;
		goto out;
	}
	rc = mef_secret_alloc(MEF_KEY_LEN, &key);
	if (rc != MEF_OK)
		goto out;
	rc = b64_decode(b64, len, mef_secret_data(key), MEF_KEY_LEN, &key_len);
	if (rc != MEF_OK || key_len != MEF_KEY_LEN) {
		rc = MEF_E_PROTO;
		goto out;
	}
out:
	if (rc == MEF_OK)
		ans->credential = key;
	else
		mef_secret_free(&key);
	return rc;
}

/* see answer_int.h */
enum mef_err
answer_take_enrolee(struct answer *ans, unsigned *pseen, const char *s,
    size_t len)
{
	if (!take(pseen, ANS_ENROLEE))
		return MEF_E_PROTO;
	return text_copy(ans->enrolee_id, sizeof(ans->enrolee_id), s, len, 1,
	    MEF_ID_MAX);
}

/* see answer_int.h */
enum mef_err
answer_take_lifetime(struct answer *ans, unsigned *pseen, uint64_t v)
{
	if (!take(pseen, ANS_LIFETIME) || v > ANSWER_LIFETIME_MAX)
		return MEF_E_PROTO;
	ans->lifetime_s = v;
	return MEF_OK;
}

/* see answer_int.h */
enum mef_err
answer_take_error(struct answer *ans, unsigned *pseen, const char *s,
    size_t len)
{
	if (!take(pseen, ANS_ERROR))
		return MEF_E_PROTO;
	return text_copy(ans->error, sizeof(ans->error), s, len, 0,
	    MEF_ERRSTR_MAX);
}

/* see answer_int.h */
enum mef_err
answer_check(const struct answer *ans, unsigned seen)
{
	unsigned	want;

	if ((seen & ANS_STATUS) == 0)
		return MEF_E_PROTO;
	want = ans->status ?
	    ANS_STATUS | ANS_CREDENTIAL | ANS_ENROLEE | ANS_LIFETIME :
	    ANS_STATUS | ANS_ERROR;
	return seen == want ? MEF_OK : MEF_E_PROTO;
}

/* Marks bit as seen; 0 when it already was (a repeated member). */
static int
take(unsigned *pseen, unsigned bit)
{
	if (*pseen & bit)
		return 0;
	*pseen |= bit;
	return 1;
}
