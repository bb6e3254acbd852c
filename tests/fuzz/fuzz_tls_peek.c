/*
 * fuzz_tls_peek.c -- mef-gate's look at TLS records for the PSK identity, record after
 * record as gate_conn.c walks them. A record must lie within the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "transport/tls_peek.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_peek	pk;
	size_t		off;

	for (off = 0; tls_peek_record(data + off, size - off, &pk) == MEF_OK;
	    off += pk.record_len)
		if (pk.record_len == 0 || pk.record_len > size - off ||
		    (pk.is_cke && pk.identity_len > TLS_PEEK_IDENTITY_MAX))
			abort();
	return 0;
}
