/*
 * fuzz_http_resp.c -- the client's (libmef, mef-enrol, mef-fetch) HTTP response parser,
 * with the connection still open and then closed. A complete response must lie within
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "client/http_resp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp	r;
	int			eof;

	for (eof = 0; eof <= 1; eof++)
		if (http_resp_parse(data, size, eof, &r) == MEF_OK &&
		    r.complete && (r.head_len > size ||
		    r.body_len > size - r.head_len))
			abort();
	return 0;
}
