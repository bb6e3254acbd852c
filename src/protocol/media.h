/*
 * media.h -- content negotiation between JSON, XML and CBOR.
 *
 * Accept is matched against the three types we serve (and the oneM2M
 * "application/vnd.onem2m-res+json|xml|cbor" variants); the acceptable type with the
 * highest q wins, ties going to the client's order, q=0 excludes a type, and the
 * wildcards (any type, any application type) mean JSON first.
 * A missing Accept means JSON.
 */
#ifndef MEF_PROTOCOL_MEDIA_H
#define MEF_PROTOCOL_MEDIA_H

#include <stddef.h>

#include "mef/error.h"
#include "mef/format.h"

/*
 * Picks the answer format for an Accept header value (accept NULL: absent).
 * MEF_E_INVAL when no type listed can be served (the caller answers 406).
 */
enum mef_err	media_from_accept(const char *accept, size_t len,
		    enum mef_format *pfmt);
/* Reads a Content-Type value (parameters ignored); MEF_E_INVAL when unknown. */
enum mef_err	media_from_content_type(const char *ct, size_t len,
		    enum mef_format *pfmt);
/* "application/json", "application/xml" or "application/cbor". */
const char	*media_type(enum mef_format fmt);
/* "json", "xml", "cbor" <-> format; MEF_E_INVAL on an unknown name. */
enum mef_err	media_from_name(const char *name, enum mef_format *pfmt);

#endif /* MEF_PROTOCOL_MEDIA_H */
