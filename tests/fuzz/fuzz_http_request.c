/*
 * fuzz_http_request.c -- the HTTP request parser of mefd, fed in two reads.
 *
 * The first byte picks where the rest is split, so requests cut at any point are
 * covered; complete requests are consumed one after another (pipelining), as conn.c
 * does. A feed that stops short without a complete request is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "http/http_request.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req_parser	p;
	const char		*s = (const char *)data + 1;
	size_t			 n, cut, off, end, used;

	if (size == 0)
		return 0;
	n = size - 1;
	cut = n * data[0] / 255;
	http_req_parser_init(&p, 1024, 256);
	for (off = 0; off < n; off += used) {
		end = off < cut ? cut : n;
		if (http_req_parser_feed(&p, s + off, end - off, &used) != MEF_OK)
			break;
		if (http_req_parser_done(&p))
			http_req_parser_next(&p);
		else if (off + used != end)
			abort();
	}
	http_req_parser_free(&p);
	return 0;
}
