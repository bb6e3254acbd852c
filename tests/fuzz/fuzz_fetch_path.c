/*
 * fuzz_fetch_path.c -- the fetch path (/fetchCredentials/<KeId>[/<SUID>]) and the KeId
 * on its own (also the PSK identity the gate reads). A KeId that parses must parse
 * again, to the same text, from its canonical form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keyid.h"
#include "protocol/fetch_path.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fetch_path	fp;
	struct keyid		k, k2;

	(void)fetch_path_matches((const char *)data, size);
	(void)fetch_path_parse((const char *)data, size, &fp);
	if (keyid_parse((const char *)data, size, &k) == MEF_OK &&
	    (keyid_parse(k.text, strlen(k.text), &k2) != MEF_OK ||
	    strcmp(k.text, k2.text) != 0))
		abort();
	return 0;
}
