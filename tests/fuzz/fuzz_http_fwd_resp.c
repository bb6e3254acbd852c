/*
 * fuzz_http_fwd_resp.c -- mef-gate's framing of upstream responses. Bit 0 of the first
 * byte says whether the request was HEAD; the rest is one response after another, and
 * the upstream closes after the last. A feed that stops short of its input before the
 * response is done is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "http/http_forward.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fwd_resp	p;
	size_t			off, used;

	for (off = 1; off < size; off += used) {
		http_fwd_resp_init(&p, data[0] & 1);
		if (http_fwd_resp_feed(&p, (const char *)data + off, size - off,
		    &used) != MEF_OK)
			break;
		if (!p.done) {
			if (used != size - off)
				abort();
			(void)http_fwd_resp_eof(&p);
			break;
		}
	}
	return 0;
}
