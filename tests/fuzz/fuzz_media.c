/*
 * fuzz_media.c -- content negotiation: an Accept value, and the same bytes as a
 * Content-Type.
 */
#include <stdint.h>

#include "protocol/media.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mef_format	fmt;

	(void)media_from_accept((const char *)data, size, &fmt);
	(void)media_from_content_type((const char *)data, size, &fmt);
	return 0;
}
