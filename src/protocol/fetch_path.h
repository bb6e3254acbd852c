/*
 * fetch_path.h -- the target of a credential fetch: /fetchCredentials/<KeId>[/<SUID>].
 *
 * The only percent-encoding accepted is "%40" for the '@' of the KeId (PROTOCOL.md 3.2);
 * any other '%', a query, a fragment, a trailing '/', dot segments or a malformed KeId
 * or SUID make the path invalid. No decoding happens in place: the input is const.
 */
#ifndef MEF_PROTOCOL_FETCH_PATH_H
#define MEF_PROTOCOL_FETCH_PATH_H

#include <stddef.h>

#include "crypto/keyid.h"
#include "mef/error.h"

#define FETCH_PATH_PREFIX	"/fetchCredentials/"
#define FETCH_SUID_MAX		9999	/* SUIDs of TS-0004 are small integers */

struct fetch_path {
	struct keyid	keyid;
	int		has_suid;
	unsigned long	suid;		/* valid when has_suid */
};

/*
 * 1 when the path names the fetch resource (starts with FETCH_PATH_PREFIX), so a
 * router can tell "not this resource" (404) from "this resource, malformed" (400).
 */
int		fetch_path_matches(const char *path, size_t len);
/* Parses a fetch path of len bytes. MEF_E_INVAL for any malformed part. */
enum mef_err	fetch_path_parse(const char *path, size_t len,
		    struct fetch_path *pfp);

#endif /* MEF_PROTOCOL_FETCH_PATH_H */
