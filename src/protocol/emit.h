/*
 * emit.h -- a bounded writer into a caller's buffer for the hand-written
 * encoders.
 *
 * Writes never go past the buffer: the first write that does not fit sets a
 * sticky overflow and all later writes are dropped, so an encoder writes its
 * whole message and checks once, in emit_finish(), which also wipes the buffer
 * on overflow because a partial answer may hold part of a key.
 */
#ifndef MEF_PROTOCOL_EMIT_H
#define MEF_PROTOCOL_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"

struct emit {
	unsigned char	*out;		/* borrowed from the caller */
	size_t		 size;
	size_t		 len;
	int		 overflow;
};

void		emit_init(struct emit *e, unsigned char *out, size_t size);
void		emit_bytes(struct emit *e, const void *p, size_t len);
void		emit_byte(struct emit *e, unsigned char c);
/* A NUL-terminated literal, without its NUL. */
void		emit_str(struct emit *e, const char *s);
/* v in decimal ASCII. */
void		emit_u64(struct emit *e, uint64_t v);
/* The padded base64 of len bytes at p, written straight into the buffer. */
void		emit_b64(struct emit *e, const unsigned char *p, size_t len);
/* A JSON string with its quotes; '"', '\\' and C0 controls escaped. */
void		emit_json_string(struct emit *e, const char *s, size_t len);
/* XML character data with '&', '<' and '>' escaped. */
void		emit_xml_text(struct emit *e, const char *s, size_t len);
/* A CBOR head: major type (0..7) and argument, in the shortest form. */
void		emit_cbor_head(struct emit *e, unsigned major, uint64_t arg);
/*
 * MEF_OK and *plen; with nul, a NUL is also written after the message (not
 * counted). MEF_E_TOOBIG after an overflow, with the whole buffer wiped.
 */
enum mef_err	emit_finish(struct emit *e, int nul, size_t *plen);

#endif /* MEF_PROTOCOL_EMIT_H */
