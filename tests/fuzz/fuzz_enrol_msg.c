/*
 * fuzz_enrol_msg.c -- the enrolment exchange bodies: the request check (mefd) and the
 * strict decoder of the 201 answer (libmef). A decoded answer must encode and decode
 * again.
 */
#include <stdint.h>
#include <stdlib.h>

#include "protocol/enrol_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enrol_result	res, res2;
	static char			out[128 * 1024];	/* as enrol.c */
	size_t				len;

	(void)enrol_request_check(data, size);
	if (enrol_result_decode(data, size, &res) == MEF_OK &&
	    (enrol_result_encode(&res, out, sizeof(out), &len) != MEF_OK ||
	    enrol_result_decode((const unsigned char *)out, len, &res2) !=
	    MEF_OK))
		abort();
	return 0;
}
