/*
 * fuzz_answer_xml.c -- libmef's strict decoder of the fetchCredentials answer in XML.
 */
#include <stdint.h>

#include "protocol/answer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer	ans;

	(void)answer_decode(MEF_FMT_XML, data, size, &ans);
	answer_clear(&ans);
	return 0;
}
