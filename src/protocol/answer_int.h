/*
 * answer_int.h -- what the three answer codecs share (internal to
 * src/protocol/).
 *
 * answer.c validates the inputs once and dispatches to answer_json.c,
 * answer_xml.c and answer_cbor.c; decoders report each member they meet through
 * answer_take_*(), which enforce types, bounds and "no member twice", and
 * answer_check() decides at the end whether the members make a success or a
 * failure answer.
 */
#ifndef MEF_PROTOCOL_ANSWER_INT_H
#define MEF_PROTOCOL_ANSWER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/answer.h"
#include "protocol/emit.h"

#define ANSWER_DECODE_MAX	(8 * ANSWER_MAX)	/* parsed body bound */
#define ANSWER_LIFETIME_MAX	((uint64_t)INT64_MAX)	/* fits every format */

/* Members, as bits of a "seen" set. */
#define ANS_STATUS	0x01u
#define ANS_CREDENTIAL	0x02u
#define ANS_ENROLEE	0x04u
#define ANS_LIFETIME	0x08u
#define ANS_ERROR	0x10u

/* What a success answer carries, already validated. */
struct answer_ok {
	const unsigned char	*key;
	size_t			 key_len;
	const char		*enrolee_id;
	size_t			 enrolee_len;
	uint64_t		 lifetime_s;
};

void		answer_json_ok(struct emit *e, const struct answer_ok *ok);
void		answer_json_error(struct emit *e, const char *s, size_t len);
enum mef_err	answer_json_decode(const unsigned char *body, size_t len,
		    struct answer *ans);

void		answer_xml_ok(struct emit *e, const struct answer_ok *ok);
void		answer_xml_error(struct emit *e, const char *s, size_t len);
enum mef_err	answer_xml_decode(const unsigned char *body, size_t len,
		    struct answer *ans);

void		answer_cbor_ok(struct emit *e, const struct answer_ok *ok);
void		answer_cbor_error(struct emit *e, const char *s, size_t len);
enum mef_err	answer_cbor_decode(const unsigned char *body, size_t len,
		    struct answer *ans);

/* The member bit of a name (exact, case-sensitive), 0 when unknown. */
unsigned	answer_member(const char *name, size_t len);
/* Each returns MEF_E_PROTO on a repeated member or a bad value. */
enum mef_err	answer_take_status(struct answer *ans, unsigned *pseen, int v);
enum mef_err	answer_take_credential(struct answer *ans, unsigned *pseen,
		    const unsigned char *key, size_t len);
enum mef_err	answer_take_credential_b64(struct answer *ans, unsigned *pseen,
		    const char *b64, size_t len);
enum mef_err	answer_take_enrolee(struct answer *ans, unsigned *pseen,
		    const char *s, size_t len);
enum mef_err	answer_take_lifetime(struct answer *ans, unsigned *pseen,
		    uint64_t v);
enum mef_err	answer_take_error(struct answer *ans, unsigned *pseen,
		    const char *s, size_t len);
/* MEF_OK when seen is exactly the set of a success or of a failure answer. */
enum mef_err	answer_check(const struct answer *ans, unsigned seen);

#endif /* MEF_PROTOCOL_ANSWER_INT_H */
