/*
 * mef/limits.h -- the bounds every MEF component agrees on.
 *
 * Identifiers longer than these are refused, never truncated.
 */
#ifndef MEF_LIMITS_H
#define MEF_LIMITS_H

#define MEF_ID_MAX		255	/* KpmId, EnroleeID, TargetID, PSK identity (bytes) */
#define MEF_FQDN_MAX		253	/* a DNS name */
#define MEF_TARGETS_MAX		64	/* Targets one Enrolee may be provisioned for */
#define MEF_KEY_LEN		32	/* Ke, Kpsa, Km, usage key */
#define MEF_KEYID_MAX		(32 + 1 + MEF_FQDN_MAX + 1)	/* with NUL */
#define MEF_ERRSTR_MAX		255	/* ErrorString of a failed fetch */

#endif /* MEF_LIMITS_H */
