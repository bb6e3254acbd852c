/*
 * text.h -- the text fields of our messages (EnroleeID, ErrorString, TargetID).
 *
 * One rule for every format, so a value that round-trips in JSON also does in
 * XML and CBOR: strict UTF-8 (no overlong form, no surrogate, nothing past
 * U+10FFFF), no C0 control, no DEL and no U+FFFE/U+FFFF, which XML 1.0 cannot
 * carry.
 */
#ifndef MEF_PROTOCOL_TEXT_H
#define MEF_PROTOCOL_TEXT_H

#include <stddef.h>

#include "mef/error.h"

/* 1 when the len bytes at s follow the rule above. */
int		text_valid(const char *s, size_t len);
/*
 * Copies a valid text of len bytes (min_len..max_len) into dst with a NUL;
 * dstsz must exceed max_len. MEF_E_PROTO otherwise, dst untouched.
 */
enum mef_err	text_copy(char *dst, size_t dstsz, const char *s, size_t len,
		    size_t min_len, size_t max_len);

#endif /* MEF_PROTOCOL_TEXT_H */
