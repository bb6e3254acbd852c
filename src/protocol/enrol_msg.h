/*
 * enrol_msg.h -- the enrolment exchange of PROTOCOL.md 2.3.
 *
 * The request body is a JSON object (today "{}", reserved for V3 indications); the 201
 * answer carries KeId, EnroleeID, Targets and Lifetime. No key travels in either.
 */
#ifndef MEF_PROTOCOL_ENROL_MSG_H
#define MEF_PROTOCOL_ENROL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/limits.h"

#define ENROL_BODY_MAX	1024		/* request body bound */

struct enrol_result {
	char		keyid[MEF_KEYID_MAX];
	char		enrolee_id[MEF_ID_MAX + 1];
	size_t		ntargets;
	char		targets[MEF_TARGETS_MAX][MEF_ID_MAX + 1];
	uint64_t	lifetime_s;
};

/*
 * Checks a request body: empty, or one JSON object (members ignored for now) of at
 * most ENROL_BODY_MAX bytes. MEF_E_PROTO otherwise.
 */
enum mef_err	enrol_request_check(const unsigned char *body, size_t len);
/* Writes the JSON answer into out; MEF_E_TOOBIG when it does not fit. */
enum mef_err	enrol_result_encode(const struct enrol_result *res, char *out,
		    size_t outsz, size_t *pout_len);
/*
 * The same from its parts, so a caller holding them (mefd, from the Enrolee it looked
 * up) need not copy 64 Targets into a struct enrol_result first.
 */
enum mef_err	enrol_result_encode_from(const char *keyid,
		    const char *enrolee_id, const char (*targets)[MEF_ID_MAX + 1],
		    size_t ntargets, uint64_t lifetime_s, char *out, size_t outsz,
		    size_t *pout_len);
/* Parses a JSON answer strictly into *pres; MEF_E_PROTO when malformed. */
enum mef_err	enrol_result_decode(const unsigned char *body, size_t len,
		    struct enrol_result *pres);

#endif /* MEF_PROTOCOL_ENROL_MSG_H */
