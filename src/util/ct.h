/*
 * ct.h -- constant-time comparison.
 *
 * For MACs, proofs and keys: the time taken depends only on the length, never on where
 * the first difference is.
 */
#ifndef MEF_UTIL_CT_H
#define MEF_UTIL_CT_H

#include <stddef.h>

/* 1 when the len bytes at a and b are equal, 0 otherwise, in constant time. */
int	ct_memeq(const void *a, const void *b, size_t len);

#endif /* MEF_UTIL_CT_H */
