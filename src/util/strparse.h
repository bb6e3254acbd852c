/*
 * strparse.h -- bounded parsing of numbers and addresses from text.
 *
 * Used for config values, CLI arguments and protocol fields instead of atoi/strtol at
 * call sites: each function accepts the whole string or fails, never a prefix.
 */
#ifndef MEF_UTIL_STRPARSE_H
#define MEF_UTIL_STRPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"

/* Decimal digits only (no sign, no space, no leading '+'), value in [min, max]. */
enum mef_err	parse_u64(const char *s, size_t len, uint64_t min, uint64_t max,
		    uint64_t *pvalue);

#define HOSTPORT_HOST_MAX	256

/*
 * Splits "host:port", "[v6]:port" into host (without brackets) and port 1..65535.
 * host must hold HOSTPORT_HOST_MAX bytes.
 */
enum mef_err	parse_hostport(const char *s, char *host, size_t hostsz,
		    uint16_t *pport);

/* 1 when s is a plausible DNS name: 1..253 chars of [A-Za-z0-9.-], no empty label. */
int		is_dns_name(const char *s, size_t len);

#endif /* MEF_UTIL_STRPARSE_H */
