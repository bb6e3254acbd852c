/*
 * ct.c -- constant-time comparison.
 *
 * Accumulates the XOR of every byte pair through a volatile so the loop is neither
 * shortened nor turned into an early-exit memcmp by the compiler.
 */
#include "util/ct.h"

/* see ct.h */
int
ct_memeq(const void *a, const void *b, size_t len)
{
	const volatile unsigned char	*pa = a, *pb = b;
	volatile unsigned char		 acc = 0;
	size_t				 i;

	for (i = 0; i < len; i++)
		acc |= pa[i] ^ pb[i];
	return (1 & ((acc - 1) >> 8));
}
