/*
 * answer.h -- the fetchCredentials answer in JSON, XML or CBOR (PROTOCOL.md 3.4).
 *
 * Encoders write into the caller's buffer and allocate nothing, because the encoded
 * Credential is key material: the caller keeps it in memory it wipes. Decoders (used by
 * libmef on the Target side) are strict: the four fields of a success or the two of a
 * failure, the right types, nothing else; unknown members are refused. Decoders wipe
 * every intermediate copy of the Credential before returning.
 */
#ifndef MEF_PROTOCOL_ANSWER_H
#define MEF_PROTOCOL_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"
#include "util/secret.h"

#define ANSWER_MAX	2048	/* an encoded answer always fits here */

struct answer {
	int			 status;		/* 1 true, 0 false */
	struct mef_secret	*credential;		/* owned; status 1 */
	char			 enrolee_id[MEF_ID_MAX + 1];	/* status 1 */
	uint64_t		 lifetime_s;		/* status 1 */
	char			 error[MEF_ERRSTR_MAX + 1];	/* status 0 */
};

/* A success answer. enrolee_id is UTF-8; escaped as each format needs. */
enum mef_err	answer_encode_ok(enum mef_format fmt,
		    const struct mef_secret *credential, const char *enrolee_id,
		    uint64_t lifetime_s, unsigned char *out, size_t outsz,
		    size_t *pout_len);
/* A failure answer with ErrorString error_string. */
enum mef_err	answer_encode_error(enum mef_format fmt, const char *error_string,
		    unsigned char *out, size_t outsz, size_t *pout_len);
/*
 * Parses len bytes of body in fmt into *pans (zeroed first). MEF_E_PROTO when the body
 * is not a well-formed answer. On success with status 1, pans->credential is set.
 */
enum mef_err	answer_decode(enum mef_format fmt, const unsigned char *body,
		    size_t len, struct answer *pans);
/* Frees the credential and zeroes *ans. */
void		answer_clear(struct answer *ans);

#endif /* MEF_PROTOCOL_ANSWER_H */
