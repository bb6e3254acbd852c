/*
 * rsc.h -- outcomes of a MEF request and their oneM2M, HTTP and CoAP codes.
 *
 * PROTOCOL.md section 3.4 as a table: each outcome has one RSC, one HTTP status, one
 * CoAP code and one fixed ErrorString. The ErrorString never carries request data, so
 * an answer tells the peer nothing it did not already send.
 */
#ifndef MEF_PROTOCOL_RSC_H
#define MEF_PROTOCOL_RSC_H

enum outcome {
	OUT_OK = 0,		/* 2000 / 200 / 2.05 */
	OUT_CREATED,		/* 2001 / 201 / 2.01 */
	OUT_BAD_REQUEST,	/* 4000 / 400 / 4.00 malformed path, KeId or SUID */
	OUT_NO_ORIGIN,		/* 4000 / 400 / 4.00 X-M2M-Origin missing */
	OUT_NO_PRIVILEGE,	/* 4103 / 403 / 4.03 */
	OUT_NOT_FOUND,		/* 4004 / 404 / 4.04 */
	OUT_NOT_ACCEPTABLE,	/* 5207 / 406 / 4.06 */
	OUT_OVERLOADED,		/* 5000 / 503 / 5.03 with Retry-After */
	OUT_INTERNAL,		/* 5000 / 500 / 5.00 */
	OUT_NOT_ALLOWED,	/* 4005 / 405 / 4.05 wrong method on a known path */
	OUT_TOO_LARGE,		/* 4000 / 413 / 4.13 header or body past the bound */
	OUT_COUNT
};

struct outcome_info {
	int		 rsc;		/* X-M2M-RSC */
	int		 http_status;
	int		 coap_code;	/* class * 100 + detail, e.g. 404 for 4.04 */
	const char	*reason;	/* HTTP reason phrase */
	const char	*error_string;	/* ErrorString of the body; NULL on success */
};

/* The row of out; never NULL. */
const struct outcome_info	*outcome_get(enum outcome out);

#endif /* MEF_PROTOCOL_RSC_H */
