/*
 * tls_peek.c -- the PSK identity of a ClientKeyExchange, read from the raw record.
 *
 * Only the first handshake message of a record is examined: a client sends its
 * ClientKeyExchange at the start of a new flight, hence of a new record. A message split
 * across records simply is not recognised; the server then goes on without the key and
 * the handshake fails cleanly, which is the safe direction.
 */
#include <string.h>

#include "transport/tls_peek.h"

#define CT_HANDSHAKE		22
#define HS_CLIENT_KEY_EXCHANGE	16

/* see tls_peek.h */
enum mef_err
tls_peek_record(const unsigned char *data, size_t len, struct tls_peek *pk)
{
	size_t	frag_len, msg_len, id_len;
	const unsigned char *frag;

	memset(pk, 0, sizeof(*pk));
	if (len < TLS_RECORD_HEADER_LEN)
		return MEF_E_AGAIN;
	/* Content types 20..23, major version 3. */
	if (data[0] < 20 || data[0] > 23 || data[1] != 3)
		return MEF_E_PROTO;
	frag_len = (size_t)data[3] << 8 | data[4];
	if (frag_len == 0 || frag_len > TLS_RECORD_MAX)
		return MEF_E_PROTO;
	if (len < TLS_RECORD_HEADER_LEN + frag_len)
		return MEF_E_AGAIN;
	pk->record_len = TLS_RECORD_HEADER_LEN + frag_len;
	frag = data + TLS_RECORD_HEADER_LEN;
	if (data[0] != CT_HANDSHAKE || frag_len < 4 + 2 ||
	    frag[0] != HS_CLIENT_KEY_EXCHANGE)
		return MEF_OK;
	msg_len = (size_t)frag[1] << 16 | (size_t)frag[2] << 8 | frag[3];
	id_len = (size_t)frag[4] << 8 | frag[5];
	/* The identity must lie inside both the message and this record. */
	if (msg_len < 2 + id_len || 4 + 2 + id_len > frag_len ||
	    id_len > TLS_PEEK_IDENTITY_MAX ||
	    memchr(frag + 6, '\0', id_len) != NULL)
		return MEF_OK;
	memcpy(pk->identity, frag + 6, id_len);
	pk->identity[id_len] = '\0';
	pk->identity_len = id_len;
	pk->is_cke = 1;
	return MEF_OK;
}
