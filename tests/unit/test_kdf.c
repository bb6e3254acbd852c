/*
 * test_kdf.c -- the key schedule against every vector of PROTOCOL.md section 6
 * (except MILENAGE and Ks_NAF, which belong to the GBA tests).
 *
 * The exporter X = 00 01 .. 2f and MEF-FQDN mef.example.com give RelativeKeId,
 * Ke and KeId; Ke gives Kpsa, Km and the usage key; the TLS 1.2 exporter vector
 * checks our reading of RFC 5705 through kdf_tls12_export().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/ident.h"
#include "crypto/kdf.h"
#include "crypto/keyid.h"
#include "util/b64.h"
#include "util/hex.h"
#include "util/secret.h"

#define VEC_FQDN	"mef.example.com"
#define VEC_REL		"000102030405060708090a0b0c0d0e0f"
#define VEC_KE \
	"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
#define VEC_KEYID	"000102030405060708090A0B0C0D0E0F@mef.example.com"
#define VEC_KPSA \
	"2ab047a395e5df82b25f33f898a32ce359b6bd439b02c22c584348fa70d298f2"
#define VEC_KPSA_B64	"KrBHo5Xl34KyXzP4mKMs41m2vUObAsIsWENI+nDSmPI="
#define VEC_KPSA_INCSE \
	"a9bae740abff3fec087b7d2fcc881e2d2d289bbfc0950d422a4261cc110b477a"
#define VEC_KM \
	"28a823bfe683d7acfed2e53dea75e63f39c5fc4bc3d6ffc2b2aa469237dcf4d8"
#define VEC_USAGE \
	"340221c1853281a4556b465004b405b692da25719cc51f211a7f9b400337abd7"
#define VEC_TLS12 \
	"6f1794c9f0f8ee4e7e33dd931f178f9eb7c7bfa7297289899b191e9d79c51adb" \
	"070e37f9df2dc7854e26efdca03d07e5"

/* "IN-CSE" in fullwidth forms: U+FF29 U+FF2E U+FF0D U+FF23 U+FF33 U+FF25. */
static const char fullwidth_in_cse[] =
    "\xef\xbc\xa9\xef\xbc\xae\xef\xbc\x8d\xef\xbc\xa3\xef\xbc\xb3\xef\xbc\xa5";

static void
vector_x(unsigned char x[KDF_EXPORTER_LEN])
{
	size_t	i;

	for (i = 0; i < KDF_EXPORTER_LEN; i++)
		x[i] = (unsigned char)i;
}

static struct mef_secret *
vector_ke(void)
{
	unsigned char		 x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	struct mef_secret	*ke = NULL;

	vector_x(x);
	assert_int_equal(kdf_split(x, sizeof(x), rel, &ke), MEF_OK);
	return ke;
}

static void
assert_secret_hex(const struct mef_secret *s, const char *hex)
{
	char	text[2 * KDF_KEY_LEN + 1];

	assert_non_null(s);
	assert_int_equal(mef_secret_len(s), strlen(hex) / 2);
	assert_int_equal(hex_encode(mef_secret_bytes(s), mef_secret_len(s), 0,
	    text, sizeof(text)), MEF_OK);
	assert_string_equal(text, hex);
}

static void
test_split(void **state)
{
	unsigned char		 x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	char			 text[2 * KDF_REL_KEYID_LEN + 1];
	struct mef_secret	*ke = NULL;

	(void)state;
	vector_x(x);
	assert_int_equal(kdf_split(x, sizeof(x), rel, &ke), MEF_OK);
	assert_int_equal(hex_encode(rel, sizeof(rel), 0, text, sizeof(text)),
	    MEF_OK);
	assert_string_equal(text, VEC_REL);
	assert_secret_hex(ke, VEC_KE);
	mef_secret_free(&ke);
	assert_null(ke);
}

static void
test_split_bad_length(void **state)
{
	unsigned char		 x[KDF_EXPORTER_LEN + 1];
	unsigned char		 rel[KDF_REL_KEYID_LEN];
	struct mef_secret	*ke = NULL;

	(void)state;
	memset(x, 0, sizeof(x));
	assert_int_equal(kdf_split(x, 47, rel, &ke), MEF_E_INVAL);
	assert_int_equal(kdf_split(x, 49, rel, &ke), MEF_E_INVAL);
	assert_int_equal(kdf_split(x, 0, rel, &ke), MEF_E_INVAL);
	assert_int_equal(kdf_split(NULL, 48, rel, &ke), MEF_E_INVAL);
	assert_null(ke);
}

static void
test_keyid(void **state)
{
	unsigned char	x[KDF_EXPORTER_LEN], rel[KDF_REL_KEYID_LEN];
	struct mef_secret *ke = NULL;
	char		text[KEYID_MAX];

	(void)state;
	vector_x(x);
	assert_int_equal(kdf_split(x, sizeof(x), rel, &ke), MEF_OK);
	assert_int_equal(keyid_format(rel, VEC_FQDN, text, sizeof(text)),
	    MEF_OK);
	assert_string_equal(text, VEC_KEYID);
	mef_secret_free(&ke);
}

static void
test_kpsa(void **state)
{
	struct mef_secret	*ke = vector_ke(), *k = NULL;
	char			 b64[B64_ENCODED_LEN(KDF_KEY_LEN) + 1];

	(void)state;
	assert_int_equal(kdf_kpsa(ke, "/in-cse-1", 9, &k), MEF_OK);
	assert_secret_hex(k, VEC_KPSA);
	assert_int_equal(b64_encode(mef_secret_bytes(k), mef_secret_len(k), b64,
	    sizeof(b64)), MEF_OK);
	assert_string_equal(b64, VEC_KPSA_B64);
	mef_secret_free(&k);
	mef_secret_free(&ke);
}

static void
test_kpsa_in_cse(void **state)
{
	struct mef_secret	*ke = vector_ke(), *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(kdf_kpsa(ke, "IN-CSE", 6, &a), MEF_OK);
	assert_secret_hex(a, VEC_KPSA_INCSE);
	assert_int_equal(kdf_kpsa(ke, fullwidth_in_cse,
	    strlen(fullwidth_in_cse), &b), MEF_OK);
	assert_secret_hex(b, VEC_KPSA_INCSE);
	assert_true(mef_secret_equal(a, b));
	mef_secret_free(&a);
	mef_secret_free(&b);
	mef_secret_free(&ke);
}

static void
test_km(void **state)
{
	struct mef_secret	*ke = vector_ke(), *k = NULL;

	(void)state;
	assert_int_equal(kdf_km(ke, "maf.example.com", 15, &k), MEF_OK);
	assert_secret_hex(k, VEC_KM);
	mef_secret_free(&k);
	mef_secret_free(&ke);
}

static void
test_usage(void **state)
{
	struct mef_secret	*ke = vector_ke(), *k = NULL, *k2 = NULL;

	(void)state;
	assert_int_equal(kdf_usage(ke, 22, "in-cse-1.sp.example.com", 23, &k),
	    MEF_OK);
	assert_secret_hex(k, VEC_USAGE);
	/* Another SUID gives another key. */
	assert_int_equal(kdf_usage(ke, 21, "in-cse-1.sp.example.com", 23, &k2),
	    MEF_OK);
	assert_false(mef_secret_equal(k, k2));
	mef_secret_free(&k);
	mef_secret_free(&k2);
	mef_secret_free(&ke);
}

/* The three labels are distinct: Kpsa and Km of the same identifier differ. */
static void
test_labels_separate(void **state)
{
	struct mef_secret	*ke = vector_ke(), *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(kdf_kpsa(ke, "maf.example.com", 15, &a), MEF_OK);
	assert_int_equal(kdf_km(ke, "maf.example.com", 15, &b), MEF_OK);
	assert_false(mef_secret_equal(a, b));
	mef_secret_free(&a);
	mef_secret_free(&b);
	mef_secret_free(&ke);
}

static void
test_bad_identifiers(void **state)
{
	struct mef_secret	*ke = vector_ke(), *k = NULL;

	(void)state;
	assert_int_equal(kdf_kpsa(ke, "", 0, &k), MEF_E_INVAL);
	assert_int_equal(kdf_kpsa(ke, NULL, 3, &k), MEF_E_INVAL);
	assert_int_equal(kdf_kpsa(NULL, "abc", 3, &k), MEF_E_INVAL);
	assert_int_equal(kdf_kpsa(ke, "\xff\xfe", 2, &k), MEF_E_INVAL);
	assert_int_equal(kdf_kpsa(ke, "\xc0\xaf", 2, &k), MEF_E_INVAL);
	assert_int_equal(kdf_kpsa(ke, "a\0b", 3, &k), MEF_E_INVAL);
	assert_int_equal(kdf_km(ke, "a\nb", 3, &k), MEF_E_INVAL);
	assert_int_equal(kdf_usage(ke, 22, "a\x7f", 2, &k), MEF_E_INVAL);
	assert_null(k);
	mef_secret_free(&ke);
}

static void
test_ident_nfkc(void **state)
{
	char	out[IDENT_MAX + 1], big[IDENT_MAX + 2];
	size_t	len = 0;

	(void)state;
	assert_int_equal(ident_nfkc(fullwidth_in_cse, strlen(fullwidth_in_cse),
	    out, sizeof(out), &len), MEF_OK);
	assert_int_equal(len, 6);
	assert_string_equal(out, "IN-CSE");
	/* U+FB01 LATIN SMALL LIGATURE FI -> "fi"; U+2460 CIRCLED ONE -> "1". */
	assert_int_equal(ident_nfkc("\xef\xac\x81\xe2\x91\xa0", 6, out,
	    sizeof(out), &len), MEF_OK);
	assert_string_equal(out, "fi1");
	/* Output too small. */
	assert_int_equal(ident_nfkc("abcdef", 6, out, 6, &len), MEF_E_TOOBIG);
	assert_int_equal(ident_nfkc("abcdef", 6, out, 7, &len), MEF_OK);
	/* Bounds. */
	memset(big, 'a', sizeof(big));
	assert_int_equal(ident_nfkc(big, IDENT_MAX, out, sizeof(out), &len),
	    MEF_OK);
	assert_int_equal(len, IDENT_MAX);
	assert_int_equal(ident_nfkc(big, IDENT_MAX + 1, out, sizeof(out), &len),
	    MEF_E_INVAL);
	/* A lone surrogate (ED A0 80) is not UTF-8. */
	assert_int_equal(ident_nfkc("\xed\xa0\x80", 3, out, sizeof(out), &len),
	    MEF_E_INVAL);
	assert_int_equal(ident_nfkc("a\tb", 3, out, sizeof(out), &len),
	    MEF_E_INVAL);
}

/* Input that NFKC expands past IDENT_MAX is refused, not truncated. */
static void
test_ident_expansion(void **state)
{
	char	in[IDENT_MAX], out[4 * IDENT_MAX];
	size_t	i, len;

	(void)state;
	/* U+FDFA expands to 18 code points under NFKC. */
	for (i = 0; i + 3 <= sizeof(in); i += 3)
		memcpy(in + i, "\xef\xb7\xba", 3);
	assert_int_equal(ident_nfkc(in, i, out, sizeof(out), &len),
	    MEF_E_TOOBIG);
}

static void
test_tls12_export(void **state)
{
	unsigned char	master[48], cr[32], sr[32], out[48];
	char		text[2 * sizeof(out) + 1];
	size_t		i;

	(void)state;
	memset(master, 0xab, sizeof(master));
	for (i = 0; i < 32; i++) {
		cr[i] = (unsigned char)i;
		sr[i] = (unsigned char)(0x20 + i);
	}
	assert_int_equal(kdf_tls12_export(master, sizeof(master), cr, sr,
	    KDF_EXPORTER_LABEL, KDF_EXPORTER_LABEL_LEN, out, sizeof(out)),
	    MEF_OK);
	assert_int_equal(hex_encode(out, sizeof(out), 0, text, sizeof(text)),
	    MEF_OK);
	assert_string_equal(text, VEC_TLS12);
	assert_int_equal(kdf_tls12_export(master, sizeof(master), cr, sr,
	    KDF_EXPORTER_LABEL, 0, out, sizeof(out)), MEF_E_INVAL);
	assert_int_equal(kdf_tls12_export(master, 0, cr, sr,
	    KDF_EXPORTER_LABEL, KDF_EXPORTER_LABEL_LEN, out, sizeof(out)),
	    MEF_E_INVAL);
}

/* The chain from the exporter vector: X -> Ke -> Kpsa, as mefd runs it. */
static void
test_chain_from_tls12(void **state)
{
	unsigned char		 master[48], cr[32], sr[32], x[48];
	unsigned char		 rel[KDF_REL_KEYID_LEN];
	struct mef_secret	*ke = NULL, *k1 = NULL, *k2 = NULL;
	size_t			 i;

	(void)state;
	memset(master, 0xab, sizeof(master));
	for (i = 0; i < 32; i++) {
		cr[i] = (unsigned char)i;
		sr[i] = (unsigned char)(0x20 + i);
	}
	assert_int_equal(kdf_tls12_export(master, sizeof(master), cr, sr,
	    KDF_EXPORTER_LABEL, KDF_EXPORTER_LABEL_LEN, x, sizeof(x)), MEF_OK);
	assert_int_equal(kdf_split(x, sizeof(x), rel, &ke), MEF_OK);
	assert_memory_equal(mef_secret_bytes(ke), x + 16, 32);
	assert_int_equal(kdf_kpsa(ke, "/in-cse-1", 9, &k1), MEF_OK);
	assert_int_equal(kdf_kpsa(ke, "/in-cse-1", 9, &k2), MEF_OK);
	assert_true(mef_secret_equal(k1, k2));
	mef_secret_free(&k1);
	mef_secret_free(&k2);
	mef_secret_free(&ke);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_bad_length),
		cmocka_unit_test(test_keyid),
		cmocka_unit_test(test_kpsa),
		cmocka_unit_test(test_kpsa_in_cse),
		cmocka_unit_test(test_km),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_labels_separate),
		cmocka_unit_test(test_bad_identifiers),
		cmocka_unit_test(test_ident_nfkc),
		cmocka_unit_test(test_ident_expansion),
		cmocka_unit_test(test_tls12_export),
		cmocka_unit_test(test_chain_from_tls12),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
