/*
 * fuzz_http_fwd_req.c -- mef-gate's request framing, driven as gate_proxy.c drives it:
 * take the head (resume, unless it asks for an upgrade), pass the body on, then the
 * next pipelined request. The first
 * byte picks where the rest is split into two reads. A feed that stops short of its
 * input anywhere but at the end of a head or of a request is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "http/http_forward.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fwd_req	p;
	enum http_fwd_state	st;
	const char		*s = (const char *)data + 1;
	size_t			 n, cut, off, end, used;

	if (size == 0)
		return 0;
	n = size - 1;
	cut = n * data[0] / 255;
	http_fwd_req_init(&p, 1024);
	for (off = 0; off < n; off += used) {
		end = off < cut ? cut : n;
		if (http_fwd_req_feed(&p, s + off, end - off, &used) != MEF_OK)
			break;
		st = p.state;
		if (st != HTTP_FWD_HEAD_DONE && st != HTTP_FWD_DONE &&
		    used != end - off)
			abort();	/* stops short only at the end of a part */
		if (p.upgrade)
			break;		/* refused, as the gate does */
		if (st == HTTP_FWD_HEAD_DONE)
			http_fwd_req_resume(&p);
		if (p.state == HTTP_FWD_DONE)
			http_fwd_req_next(&p);
		if (p.state == HTTP_FWD_ERROR)
			break;
	}
	http_fwd_req_free(&p);
	return 0;
}
