/*
 * tls_peek.h -- reading the PSK identity out of a TLS 1.2 ClientKeyExchange before
 * OpenSSL does.
 *
 * OpenSSL asks for a PSK synchronously, in the middle of the handshake, so a server
 * that must fetch the key over the network (mef-gate) would stall its event loop.
 * Instead, the server looks at each plaintext handshake record as it arrives; when the
 * record carrying the ClientKeyExchange shows up, it reads the identity (RFC 4279: it
 * always comes first, for PSK, DHE_PSK, ECDHE_PSK and RSA_PSK), holds the record back
 * until the key is at hand, and only then lets OpenSSL read on. Pure parsing: no I/O,
 * no allocation, bounded by the input.
 */
#ifndef MEF_TRANSPORT_TLS_PEEK_H
#define MEF_TRANSPORT_TLS_PEEK_H

#include <stddef.h>

#include "mef/error.h"

#define TLS_RECORD_HEADER_LEN	5
#define TLS_RECORD_MAX		(16384 + 2048)	/* plaintext bound + expansion */
#define TLS_PEEK_IDENTITY_MAX	256		/* what OpenSSL accepts too */

struct tls_peek {
	size_t	record_len;	/* bytes of the whole record, header included */
	int	is_cke;		/* the record starts with a ClientKeyExchange */
	size_t	identity_len;
	char	identity[TLS_PEEK_IDENTITY_MAX + 1];	/* NUL-terminated */
};

/*
 * Looks at the record at the start of len bytes of data.
 * MEF_E_AGAIN: the record is not complete yet. MEF_E_PROTO: not a TLS record (bad
 * type, version or length) — hand the bytes to OpenSSL, which will fail the handshake.
 * MEF_OK: *pk describes the record; pk->is_cke with the identity when it is a
 * handshake record starting with a ClientKeyExchange whose identity is complete and
 * free of NUL bytes, else is_cke 0 (feed the record as is).
 */
enum mef_err	tls_peek_record(const unsigned char *data, size_t len,
		    struct tls_peek *pk);

#endif /* MEF_TRANSPORT_TLS_PEEK_H */
