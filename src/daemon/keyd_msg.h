/*
 * keyd_msg.h -- the messages between mefd's network process and its KEK process.
 *
 * One message is one SOCK_SEQPACKET record: a fixed 16-byte header (type, request id,
 * AAD length, data length; each a big-endian uint32) then the AAD and the data. The
 * decoder checks every length against the bounds of the message's type before anything
 * else looks at it, and refuses an AAD holding a NUL, so a compromised network process
 * can send the KEK process nothing larger or stranger than a well-formed request.
 * Replies carry no detail: OK with the result, or one of two error types.
 */
#ifndef MEF_DAEMON_KEYD_MSG_H
#define MEF_DAEMON_KEYD_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/wrap.h"
#include "mef/error.h"

#define KEYD_HDR_LEN	16
#define KEYD_AAD_MAX	1024		/* above the store's longest AAD */
#define KEYD_MSG_MAX	(KEYD_HDR_LEN + KEYD_AAD_MAX + WRAP_BLOB_MAX)

enum keyd_type {
	KEYD_HELLO = 1,		/* no AAD, no data: "are you there" */
	KEYD_SEAL = 2,		/* AAD, data = the key to wrap */
	KEYD_OPEN = 3,		/* AAD, data = the wrapped blob */
	KEYD_DERIVE = 4,	/* AAD = a known label, no data */
	KEYD_OK = 0x81,		/* no AAD, data = the result (empty for HELLO) */
	KEYD_ERR_CRYPTO = 0x82,	/* the blob does not verify under this AAD */
	KEYD_ERR = 0x83,	/* anything else: malformed request, no memory */
};

/* A decoded message; aad and data point into the buffer given to the decoder. */
struct keyd_msg {
	uint32_t	 type;		/* enum keyd_type */
	uint32_t	 id;		/* echoed by the reply */
	const uint8_t	*aad;
	size_t		 aad_len;
	const uint8_t	*data;
	size_t		 data_len;
};

/*
 * Decodes the len bytes of buf (borrowed: m points into it). MEF_E_PROTO when the
 * header is short, the lengths do not add up to len exactly, a length is out of the
 * bounds of the type, the type is unknown, or the AAD holds a NUL.
 */
enum mef_err	keyd_msg_decode(const uint8_t *buf, size_t len,
		    struct keyd_msg *m);
/*
 * Encodes m into out (outsz bytes); *plen gets the message length. Refuses
 * (MEF_E_INVAL) whatever keyd_msg_decode() would refuse, so a sender cannot build
 * a message its peer rejects.
 */
enum mef_err	keyd_msg_encode(const struct keyd_msg *m, uint8_t *out,
		    size_t outsz, size_t *plen);

#endif /* MEF_DAEMON_KEYD_MSG_H */
