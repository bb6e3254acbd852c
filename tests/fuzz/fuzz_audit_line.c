/*
 * fuzz_audit_line.c -- the audit line parser `mefctl audit verify` runs on every
 * line of a log an attacker may have edited, and the JSON string escaper mefd
 * runs on identities peers choose. Whatever the bytes, the escaper's output
 * must be one JSON string that decodes (valid UTF-8, no raw control bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit_line.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 in[1024], out[6 * sizeof(in) + 3];
	struct audit_parsed	 p;
	char			 why[64];
	json_t			*j;
	size_t			 n, len;

	if (audit_line_parse((const char *)data, size, &p, why,
	    sizeof(why)) == MEF_OK && (p.seq == 0 || p.body_len >= size))
		abort();
	n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;
	memcpy(in, data, n);
	in[n] = '\0';
	if (audit_json_string(in, out, sizeof(out), &len) != MEF_OK)
		abort();
	j = json_loadb(out, len, JSON_DECODE_ANY, NULL);
	if (j == NULL || !json_is_string(j))
		abort();
	json_decref(j);
	return 0;
}
