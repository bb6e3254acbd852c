/*
 * fuzz_keyd_msg.c -- what mefd's KEK process reads from the network process: the
 * message decoder, then the whole request handler under a fixed KEK. A message the
 * decoder accepts must re-encode to the same bytes, and every reply must itself be
 * a valid message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/keyd.h"
#include "daemon/keyd_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t	resp[KEYD_MSG_MAX], again[KEYD_MSG_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wrap_kek	*kek;
	static const uint8_t	 key[WRAP_KEK_LEN] = { 0x4b };
	struct keyd_msg		 m, r;
	size_t			 len;

	if (kek == NULL && wrap_kek_from_bytes(key, sizeof(key), &kek) != MEF_OK)
		abort();
	if (keyd_msg_decode(data, size, &m) == MEF_OK &&
	    (keyd_msg_encode(&m, again, sizeof(again), &len) != MEF_OK ||
	    len != size || memcmp(again, data, size) != 0))
		abort();
	len = keyd_handle(kek, data, size, resp);
	if (keyd_msg_decode(resp, len, &r) != MEF_OK || r.type < KEYD_OK)
		abort();
	return 0;
}
