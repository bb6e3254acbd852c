/*
 * fuzz_answer_cbor.c -- libmef's strict decoder of the fetchCredentials answer in CBOR.
 */
#include <stdint.h>

#include "protocol/answer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer	ans;

	(void)answer_decode(MEF_FMT_CBOR, data, size, &ans);
	answer_clear(&ans);
	return 0;
}
