/*
 * rsc.c -- the outcome table of PROTOCOL.md 3.4.
 *
 * One row per outcome, indexed by enum outcome, so the RSC, the HTTP status,
 * the CoAP code and the ErrorString of a case can never disagree between the
 * HTTP and the CoAP front ends. ErrorStrings are fixed text and never quote the
 * request.
 */
#include <stddef.h>

#include "protocol/rsc.h"

static const struct outcome_info outcomes[OUT_COUNT] = {
	[OUT_OK] = { 2000, 200, 205, "OK", NULL },
	[OUT_CREATED] = { 2001, 201, 201, "Created", NULL },
	[OUT_BAD_REQUEST] = { 4000, 400, 400, "Bad Request",
	    "malformed request" },
	[OUT_NO_ORIGIN] = { 4000, 400, 400, "Bad Request",
	    "originator missing" },
	[OUT_NO_PRIVILEGE] = { 4103, 403, 403, "Forbidden",
	    "originator has no privilege" },
	[OUT_NOT_FOUND] = { 4004, 404, 404, "Not Found",
	    "credential not found" },
	[OUT_NOT_ACCEPTABLE] = { 5207, 406, 406, "Not Acceptable",
	    "not acceptable" },
	[OUT_OVERLOADED] = { 5000, 503, 503, "Service Unavailable",
	    "overloaded" },
	[OUT_INTERNAL] = { 5000, 500, 500, "Internal Server Error",
	    "internal error" },
	[OUT_NOT_ALLOWED] = { 4005, 405, 405, "Method Not Allowed",
	    "method not allowed" },
	[OUT_TOO_LARGE] = { 4000, 413, 413, "Payload Too Large",
	    "request too large" },
};

/* see rsc.h */
const struct outcome_info *
outcome_get(enum outcome out)
{
	/* An out-of-range value is our bug; answer it as an internal error. */
	if ((unsigned)out >= OUT_COUNT)
		return &outcomes[OUT_INTERNAL];
	return &outcomes[out];
}
