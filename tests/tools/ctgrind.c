/*
 * ctgrind.c -- constant-time check of the code that handles key bytes (STYLE.md 10).
 *
 * Run under memcheck (ctest valgrind/ctgrind): the key bytes are marked undefined with
 * VALGRIND_MAKE_MEM_UNDEFINED, so memcheck reports every branch taken on them and
 * every memory address computed from them. A verdict that is meant to be public
 * (equal or not, valid or not) is marked defined again before it is tested. Without
 * valgrind the client requests do nothing and the program only checks the results.
 * Exit 0 when every result is right; memcheck's error exit code reports a finding.
 * Left out: mef_secret_from_hex() branches on hex_decode()'s verdict (valid or not),
 * which is public by design, and the HMACs run inside OpenSSL.
 */
#include <stdio.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_UNDEFINED
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n)	((void)(p), (void)(n))
#define VALGRIND_MAKE_MEM_DEFINED(p, n)		((void)(p), (void)(n))
#endif

#include "crypto/kdf.h"
#include "util/b64.h"
#include "util/ct.h"
#include "util/hex.h"
#include "util/secret.h"

#define SECRET(p, n)	VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n)	VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int	failures;

static void
expect(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		failures++;
	} else
		printf("PASS: %s\n", what);
}

/* Comparisons: the time depends on the length only. */
static void
check_compare(void)
{
	unsigned char		 a[32], b[32];
	struct mef_secret	*sa = NULL, *sb = NULL;
	int			 eq;

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	b[31] ^= 1;
	SECRET(a, sizeof(a));
	SECRET(b, sizeof(b));
	eq = ct_memeq(a, b, sizeof(a));
	PUBLIC(&eq, sizeof(eq));
	expect(eq == 0, "ct_memeq: differing keys");
	eq = ct_memeq(a, a, sizeof(a));
	PUBLIC(&eq, sizeof(eq));
	expect(eq == 1, "ct_memeq: equal keys");

	if (mef_secret_new(a, sizeof(a), &sa) != MEF_OK ||
	    mef_secret_new(b, sizeof(b), &sb) != MEF_OK) {
		expect(0, "mef_secret_new");
		goto out;
	}
	eq = mef_secret_equal(sa, sb);
	PUBLIC(&eq, sizeof(eq));
	expect(eq == 0, "mef_secret_equal: differing secrets");
	eq = mef_secret_equal(sa, sa);
	PUBLIC(&eq, sizeof(eq));
	expect(eq == 1, "mef_secret_equal: equal secrets");
out:
	mef_secret_free(&sa);
	mef_secret_free(&sb);
}

/* Codecs a key passes through: hex (config, CLI, --show-key) and base64 (answers). */
static void
check_codecs(void)
{
	unsigned char		 key[32], dec[32];
	char			 hex[65], b64[B64_ENCODED_LEN(32) + 1];
	size_t			 n, i;
	enum mef_err		 rc;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 29 + 7);
	SECRET(key, sizeof(key));
	rc = hex_encode(key, sizeof(key), 1, hex, sizeof(hex));
	expect(rc == MEF_OK, "hex_encode of a secret key");
	rc = hex_decode(hex, 64, dec, sizeof(dec));
	PUBLIC(&rc, sizeof(rc));
	expect(rc == MEF_OK, "hex_decode of a secret key");

	rc = b64_encode(key, sizeof(key), b64, sizeof(b64));
	expect(rc == MEF_OK, "b64_encode of a secret key");
	/*
	 * The decoder finds the padding by looking at the last two characters; where
	 * it sits follows from the length, so they are public here. The second-to-last
	 * one carries key bits, but b64_value(), which maps it, is checked on all the
	 * others.
	 */
	PUBLIC(b64 + B64_ENCODED_LEN(32) - 2, 2);
	rc = b64_decode(b64, B64_ENCODED_LEN(32), dec, sizeof(dec), &n);
	PUBLIC(&rc, sizeof(rc));
	expect(rc == MEF_OK && n == sizeof(dec), "b64_decode of a secret key");

	/* Declassify only to compare with what went in. */
	PUBLIC(key, sizeof(key));
	PUBLIC(dec, sizeof(dec));
	expect(memcmp(dec, key, sizeof(key)) == 0, "codecs round trip");
}

/* The exporter split: RelativeKeId is public, Ke is not. */
static void
check_split(void)
{
	unsigned char		 x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	struct mef_secret	*ke = NULL;
	enum mef_err		 rc;

	memset(x, 0xa5, sizeof(x));
	SECRET(x, sizeof(x));
	rc = kdf_split(x, sizeof(x), rel, &ke);
	expect(rc == MEF_OK && ke != NULL, "kdf_split of a secret exporter output");
	mef_secret_free(&ke);
}

int
main(void)
{
	check_compare();
	check_codecs();
	check_split();
	printf("%d failed\n", failures);
	return failures == 0 ? 0 : 1;
}
