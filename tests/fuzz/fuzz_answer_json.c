/*
 * fuzz_answer_json.c -- libmef's strict decoder of the fetchCredentials answer in JSON.
 */
#include <stdint.h>

#include "protocol/answer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer	ans;

	(void)answer_decode(MEF_FMT_JSON, data, size, &ans);
	answer_clear(&ans);
	return 0;
}
