/*
 * test_wrap.c -- key wrapping under the KEK, the KEK file, SHA-256 and
 * randomness.
 *
 * A wrapped column must round-trip, and every way a stolen or edited database
 * could present a blob (any byte flipped, cut short, moved to another row,
 * opened under another KEK) must fail. The KEK file is refused unless it is
 * exactly 64 hex digits and private to its owner.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/digest.h"
#include "crypto/rand.h"
#include "crypto/wrap.h"
#include "util/hex.h"

struct fixture {
	char			 dir[64];
	char			 path[128];
	struct wrap_kek		*kek;
	struct mef_secret	*ke;
};

#define KEK_LO		"000102030405060708090a0b0c0d0e0f"
#define KEK_HEX		KEK_LO "101112131415161718191a1b1c1d1e1f"

static const unsigned char kek_bytes[WRAP_KEK_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static int
setup(void **state)
{
	struct fixture	*f;
	unsigned char	 ke[32];

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_wrap.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/kek", f->dir);
	assert_int_equal(wrap_kek_from_bytes(kek_bytes, sizeof(kek_bytes),
	    &f->kek), MEF_OK);
	memset(ke, 0xa5, sizeof(ke));
	assert_int_equal(mef_secret_new(ke, sizeof(ke), &f->ke), MEF_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->path);
	rmdir(f->dir);
	wrap_kek_free(&f->kek);
	mef_secret_free(&f->ke);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int	fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct mef_secret	*out = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX], blob2[WRAP_BLOB_MAX];
	size_t			 len = 0, len2 = 0;

	assert_int_equal(wrap_seal(f->kek, "ke:A@b", f->ke, blob, sizeof(blob),
	    &len), MEF_OK);
	assert_int_equal(len, WRAP_OVERHEAD + 32);
	assert_int_equal(blob[0], 0x01);
	/* The key bytes do not appear in the blob. */
	assert_null(memmem(blob, len, mef_secret_bytes(f->ke), 8));
	assert_int_equal(wrap_open(f->kek, "ke:A@b", blob, len, &out), MEF_OK);
	assert_true(mef_secret_equal(out, f->ke));
	mef_secret_free(&out);
	/* A fresh nonce each time: the same key never gives the same blob. */
	assert_int_equal(wrap_seal(f->kek, "ke:A@b", f->ke, blob2,
	    sizeof(blob2), &len2), MEF_OK);
	assert_int_equal(len, len2);
	assert_memory_not_equal(blob, blob2, len);
}

static void
test_tamper(void **state)
{
	struct fixture		*f = *state;
	struct mef_secret	*out = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX];
	size_t			 len = 0, i;

	assert_int_equal(wrap_seal(f->kek, "kpm:dev-1", f->ke, blob,
	    sizeof(blob), &len), MEF_OK);
	for (i = 0; i < len; i++) {
		blob[i] ^= 0x01;
		assert_int_equal(wrap_open(f->kek, "kpm:dev-1", blob, len,
		    &out), MEF_E_CRYPTO);
		assert_null(out);
		blob[i] ^= 0x01;
	}
	for (i = 0; i < len; i++)
		assert_int_equal(wrap_open(f->kek, "kpm:dev-1", blob, i, &out),
		    MEF_E_CRYPTO);
	assert_int_equal(wrap_open(f->kek, "kpm:dev-1", blob, len, &out),
	    MEF_OK);
	mef_secret_free(&out);
}

static void
test_aad_mismatch(void **state)
{
	struct fixture		*f = *state;
	struct mef_secret	*out = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX];
	size_t			 len = 0;

	assert_int_equal(wrap_seal(f->kek, "kpm:dev-1", f->ke, blob,
	    sizeof(blob), &len), MEF_OK);
	assert_int_equal(wrap_open(f->kek, "kpm:dev-2", blob, len, &out),
	    MEF_E_CRYPTO);
	assert_int_equal(wrap_open(f->kek, "psk:dev-1", blob, len, &out),
	    MEF_E_CRYPTO);
	assert_int_equal(wrap_open(f->kek, "", blob, len, &out), MEF_E_CRYPTO);
	assert_null(out);
}

static void
test_wrong_kek(void **state)
{
	struct fixture		*f = *state;
	struct wrap_kek		*other = NULL;
	struct mef_secret	*out = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX], k2[WRAP_KEK_LEN];
	size_t			 len = 0;

	memcpy(k2, kek_bytes, sizeof(k2));
	k2[31] ^= 0x80;
	assert_int_equal(wrap_kek_from_bytes(k2, sizeof(k2), &other), MEF_OK);
	assert_int_equal(wrap_seal(f->kek, "ke:x", f->ke, blob, sizeof(blob),
	    &len), MEF_OK);
	assert_int_equal(wrap_open(other, "ke:x", blob, len, &out),
	    MEF_E_CRYPTO);
	assert_null(out);
	wrap_kek_free(&other);
	assert_null(other);
	wrap_kek_free(&other);
	assert_int_equal(wrap_kek_from_bytes(k2, 16, &other), MEF_E_INVAL);
}

static void
test_bad_args(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 blob[WRAP_BLOB_MAX];
	size_t		 len = 0;

	assert_int_equal(wrap_seal(f->kek, "x", f->ke, blob, WRAP_OVERHEAD + 31,
	    &len), MEF_E_INVAL);
	assert_int_equal(wrap_seal(f->kek, NULL, f->ke, blob, sizeof(blob),
	    &len), MEF_E_INVAL);
	assert_int_equal(wrap_seal(NULL, "x", f->ke, blob, sizeof(blob), &len),
	    MEF_E_INVAL);
	assert_int_equal(len, 0);
}

static void
test_kek_generate_load(void **state)
{
	struct fixture		*f = *state;
	struct wrap_kek		*a = NULL, *b = NULL;
	struct mef_secret	*out = NULL;
	struct stat		 sb;
	unsigned char		 blob[WRAP_BLOB_MAX], raw[WRAP_KEK_LEN];
	char			 text[80], err[256];
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd;

	assert_int_equal(wrap_kek_generate(f->path), MEF_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, text, sizeof(text));
	close(fd);
	assert_int_equal(n, 65);
	assert_int_equal(text[64], '\n');
	assert_int_equal(hex_decode(text, 64, raw, sizeof(raw)), MEF_OK);
	/* Never overwritten: that would orphan every wrapped key. */
	assert_int_equal(wrap_kek_generate(f->path), MEF_E_EXISTS);
	assert_int_equal(wrap_kek_load(f->path, &a, err, sizeof(err)), MEF_OK);
	assert_int_equal(wrap_kek_load(f->path, &b, err, sizeof(err)), MEF_OK);
	assert_int_equal(wrap_seal(a, "ke:x", f->ke, blob, sizeof(blob), &len),
	    MEF_OK);
	assert_int_equal(wrap_open(b, "ke:x", blob, len, &out), MEF_OK);
	mef_secret_free(&out);
	assert_int_equal(wrap_open(f->kek, "ke:x", blob, len, &out),
	    MEF_E_CRYPTO);
	wrap_kek_free(&a);
	wrap_kek_free(&b);
	assert_int_equal(wrap_kek_generate(""), MEF_E_INVAL);
	assert_int_equal(wrap_kek_generate("/nonexistent-dir/kek"), MEF_E_IO);
}

static void
test_kek_bad_content(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		KEK_LO "101112131415161718191a1b1c1d1e",		/* 62 */
		KEK_LO "101112131415161718191a1b1c1d1e1",		/* 63 */
		KEK_HEX "0",						/* 65 */
		KEK_LO "101112131415161718191a1b1c1d1e1g",	/* not hex */
		KEK_HEX "\n\n",
		KEK_HEX " ",
		" " KEK_HEX,
		"0x" KEK_HEX,
		KEK_HEX KEK_HEX,
	};

	struct fixture	*f = *state;
	struct wrap_kek	*k = NULL;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f->path, bad[i], 0600);
		err[0] = '\0';
		assert_int_equal(wrap_kek_load(f->path, &k, err, sizeof(err)),
		    MEF_E_CONFIG);
		assert_null(k);
		assert_non_null(strstr(err, f->path));
		assert_non_null(strstr(err, "64 hex digits"));
	}
	/* Either case, with or without the final newline. */
	write_file(f->path, "000102030405060708090A0B0C0D0E0F"
	    "101112131415161718191a1b1c1d1e1f", 0600);
	assert_int_equal(wrap_kek_load(f->path, &k, err, sizeof(err)), MEF_OK);
	wrap_kek_free(&k);
}

static void
test_kek_bad_mode(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0602, 0610 };
	struct fixture	*f = *state;
	struct wrap_kek	*k = NULL;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_file(f->path, KEK_HEX "\n", modes[i]);
		assert_int_equal(wrap_kek_load(f->path, &k, err, sizeof(err)),
		    MEF_E_CONFIG);
		assert_null(k);
		assert_non_null(strstr(err, "mode"));
	}
	write_file(f->path, KEK_HEX "\n", 0400);
	assert_int_equal(wrap_kek_load(f->path, &k, err, sizeof(err)), MEF_OK);
	wrap_kek_free(&k);
	unlink(f->path);
	assert_int_equal(wrap_kek_load(f->path, &k, err, sizeof(err)),
	    MEF_E_CONFIG);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(wrap_kek_load(f->dir, &k, err, sizeof(err)),
	    MEF_E_CONFIG);
	assert_non_null(strstr(err, "not a regular file"));
}

static void
test_sha256(void **state)
{
	static const unsigned char abc[DIGEST_SHA256_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const unsigned char empty[4] = { 0xe3, 0xb0, 0xc4, 0x42 };
	unsigned char	md[DIGEST_SHA256_LEN];

	(void)state;
	assert_int_equal(digest_sha256("abc", 3, md), MEF_OK);
	assert_memory_equal(md, abc, sizeof(abc));
	assert_int_equal(digest_sha256("", 0, md), MEF_OK);
	assert_memory_equal(md, empty, sizeof(empty));
	assert_int_equal(digest_sha256(NULL, 1, md), MEF_E_INVAL);
}

static void
test_rand(void **state)
{
	unsigned char	a[32], b[32];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(rand_bytes(a, sizeof(a)), MEF_OK);
	assert_int_equal(rand_bytes(b, sizeof(b)), MEF_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(rand_bytes(a, 0), MEF_OK);
	assert_int_equal(rand_bytes(NULL, 1), MEF_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aad_mismatch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_kek, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kek_generate_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kek_bad_content, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kek_bad_mode, setup,
		    teardown),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_rand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
