/*
 * wrap.c -- AES-256-GCM wrapping of key columns under the key-encryption key.
 *
 * The version byte is authenticated along with the caller's AAD (version ||
 * aad), so a blob cannot be replayed under another format version, and the AAD
 * names the row and column, so a blob cannot be moved to another row. A fresh
 * random 96-bit nonce per seal is safe for the number of keys a MEF wraps under
 * one KEK (far below 2^32).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/mac.h"
#include "crypto/ossl_err.h"
#include "crypto/rand.h"
#include "crypto/wrap.h"
#include "util/hex.h"
#include "util/log.h"

#define WRAP_VERSION		0x01
#define WRAP_NONCE_LEN		12
#define WRAP_TAG_LEN		16
#define WRAP_KEK_HEX_LEN	(2 * WRAP_KEK_LEN)

_Static_assert(MAC_LEN == WRAP_DERIVED_LEN, "derived keys are HMAC outputs");

/* The KEK held in this process. */
struct wrap_local {
	struct wrap_kek		 base;		/* first: the generic part */
	struct mef_secret	*key;
	EVP_CIPHER		*cipher;	/* fetched once per KEK */
};

static enum mef_err	local_seal(struct wrap_kek *, const char *,
			    const struct mef_secret *, unsigned char *, size_t,
			    size_t *);
static enum mef_err	local_open(struct wrap_kek *, const char *,
			    const unsigned char *, size_t, struct mef_secret **);
static enum mef_err	local_derive(struct wrap_kek *, const char *,
			    struct mef_secret **);
static void		local_free(struct wrap_kek *);

static const struct wrap_kek_ops local_ops = {
	.seal = local_seal,
	.open = local_open,
	.derive = local_derive,
	.free = local_free,
};

static enum mef_err	gcm_run(const struct wrap_local *kek, int enc,
			    const unsigned char *nonce, const char *aad,
			    const unsigned char *in, size_t len,
			    unsigned char *out, unsigned char *tag);
static enum mef_err	kek_read_text(int fd, const char *path, char *text,
			    size_t textsz, char *err, size_t errsz);
static enum mef_err	kek_write_file(int fd, const char *text, size_t len);
static void		fsync_parent(const char *path);

/* see wrap.h */
enum mef_err
wrap_kek_from_bytes(const unsigned char *kek, size_t len,
    struct wrap_kek **pkek)
{
	struct wrap_local	*k = NULL;
	struct wrap_kek		*base = NULL;
	enum mef_err		 rc;

	if (kek == NULL || len != WRAP_KEK_LEN || pkek == NULL)
		return MEF_E_INVAL;
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	k->base.ops = &local_ops;
	base = &k->base;
	rc = mef_secret_new(kek, len, &k->key);
	if (rc != MEF_OK)
		goto out;
	k->cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (k->cipher == NULL)
		rc = ossl_fail("fetch AES-256-GCM");
out:
	if (rc == MEF_OK)
		*pkek = base;
	else if (base != NULL)
		wrap_kek_free(&base);
	return rc;
}

/* see wrap.h */
enum mef_err
wrap_kek_load(const char *path, struct wrap_kek **pkek, char *err, size_t errsz)
{
	struct mef_secret	*raw = NULL;
	struct stat		 sb;
	char			 text[WRAP_KEK_HEX_LEN + 8];
	enum mef_err		 rc;
	int			 fd = -1;

	if (path == NULL || pkek == NULL)
		return MEF_E_INVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		rc = MEF_E_CONFIG;
		goto out;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		rc = MEF_E_CONFIG;
		goto out;
	}
	/* A KEK others can read is a KEK others have: refuse, do not warn. */
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errsz, "%s: mode %04o gives access to group or "
		    "others (chmod 600)", path, (unsigned)(sb.st_mode & 07777));
		rc = MEF_E_CONFIG;
		goto out;
	}
	rc = kek_read_text(fd, path, text, sizeof(text), err, errsz);
	if (rc != MEF_OK)
		goto out;
	rc = mef_secret_from_hex(text, WRAP_KEK_HEX_LEN, &raw);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "%s: not 64 hex digits", path);
		rc = MEF_E_CONFIG;
		goto out;
	}
	rc = wrap_kek_from_bytes(mef_secret_bytes(raw), mef_secret_len(raw),
	    pkek);
	if (rc != MEF_OK)
		snprintf(err, errsz, "%s: %s", path, mef_strerror(rc));
out:
	mef_wipe(text, sizeof(text));
	mef_secret_free(&raw);
	if (fd != -1)
		close(fd);
	return rc;
}

/* see wrap.h */
enum mef_err
wrap_kek_generate(const char *path)
{
	unsigned char	raw[WRAP_KEK_LEN];
	char		text[WRAP_KEK_HEX_LEN + 2];
	enum mef_err	rc;
	int		fd = -1, created = 0;

	if (path == NULL || *path == '\0')
		return MEF_E_INVAL;
	rc = rand_bytes(raw, sizeof(raw));
	if (rc != MEF_OK)
		goto out;
	rc = hex_encode(raw, sizeof(raw), 0, text, sizeof(text));
	if (rc != MEF_OK)
		goto out;
	text[WRAP_KEK_HEX_LEN] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		rc = errno == EEXIST ? MEF_E_EXISTS : MEF_E_IO;
		goto out;
	}
	created = 1;
	/* Exactly 0600 whatever the umask allowed. */
	if (fchmod(fd, 0600) == -1) {
		rc = MEF_E_IO;
		goto out;
	}
	rc = kek_write_file(fd, text, WRAP_KEK_HEX_LEN + 1);
	if (rc != MEF_OK)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		rc = MEF_E_IO;
		goto out;
	}
	fd = -1;
	fsync_parent(path);
out:
	mef_wipe(raw, sizeof(raw));
	mef_wipe(text, sizeof(text));
	if (fd != -1)
		close(fd);
	if (rc != MEF_OK && created)
		unlink(path);
	return rc;
}

/* see wrap.h */
void
wrap_kek_free(struct wrap_kek **pkek)
{
	if (pkek == NULL || *pkek == NULL)
		return;
	(*pkek)->ops->free(*pkek);
	*pkek = NULL;
}

/* see wrap.h */
enum mef_err
wrap_seal(struct wrap_kek *kek, const char *aad,
    const struct mef_secret *plain, unsigned char *out, size_t outsz,
    size_t *pout_len)
{
	if (kek == NULL || aad == NULL || plain == NULL || out == NULL ||
	    pout_len == NULL)
		return MEF_E_INVAL;
	return kek->ops->seal(kek, aad, plain, out, outsz, pout_len);
}

/* see wrap.h */
enum mef_err
wrap_open(struct wrap_kek *kek, const char *aad,
    const unsigned char *blob, size_t blob_len, struct mef_secret **pplain)
{
	if (kek == NULL || aad == NULL || blob == NULL || pplain == NULL)
		return MEF_E_INVAL;
	return kek->ops->open(kek, aad, blob, blob_len, pplain);
}

/* see wrap.h */
enum mef_err
wrap_kek_derive(struct wrap_kek *kek, const char *label,
    struct mef_secret **pkey)
{
	if (kek == NULL || label == NULL || pkey == NULL ||
	    strlen(label) > WRAP_LABEL_MAX)
		return MEF_E_INVAL;
	return kek->ops->derive(kek, label, pkey);
}

/* HMAC-SHA-256(KEK, "mef-kek-derive:" || label): never a wrapping key. */
static enum mef_err
local_derive(struct wrap_kek *base, const char *label,
    struct mef_secret **pkey)
{
	static const char	 prefix[] = "mef-kek-derive:";
	struct wrap_local	*k = (struct wrap_local *)base;
	struct mac		*m = NULL;
	struct mef_secret	*key = NULL;
	enum mef_err		 rc;

	rc = mac_new(k->key, &m);
	if (rc == MEF_OK)
		rc = mef_secret_alloc(MAC_LEN, &key);
	if (rc == MEF_OK)
		rc = mac_compute(m, prefix, sizeof(prefix) - 1, label,
		    strlen(label), mef_secret_data(key));
	mac_free(&m);
	if (rc == MEF_OK)
		*pkey = key;
	else
		mef_secret_free(&key);
	return rc;
}

static void
local_free(struct wrap_kek *base)
{
	struct wrap_local	*k = (struct wrap_local *)base;

	mef_secret_free(&k->key);
	EVP_CIPHER_free(k->cipher);
	free(k);
}

static enum mef_err
local_seal(struct wrap_kek *base, const char *aad,
    const struct mef_secret *plain, unsigned char *out, size_t outsz,
    size_t *pout_len)
{
	struct wrap_local	*kek = (struct wrap_local *)base;
	unsigned char		*nonce, *ct;
	size_t			 len;
	enum mef_err		 rc;

	len = mef_secret_len(plain);
	if (outsz < WRAP_OVERHEAD + len)
		return MEF_E_INVAL;
	nonce = out + 1;
	ct = nonce + WRAP_NONCE_LEN;
	out[0] = WRAP_VERSION;
	rc = rand_bytes(nonce, WRAP_NONCE_LEN);
	if (rc == MEF_OK)
		rc = gcm_run(kek, 1, nonce, aad, mef_secret_bytes(plain), len,
		    ct, ct + len);
	if (rc == MEF_OK)
		*pout_len = WRAP_OVERHEAD + len;
	else
		mef_wipe(out, outsz);
	return rc;
}

static enum mef_err
local_open(struct wrap_kek *base, const char *aad,
    const unsigned char *blob, size_t blob_len, struct mef_secret **pplain)
{
	struct wrap_local	*kek = (struct wrap_local *)base;
	struct mef_secret	*plain = NULL;
	unsigned char		 tag[WRAP_TAG_LEN];
	const unsigned char	*nonce, *ct;
	size_t			 len;
	enum mef_err		 rc;

	/* A malformed blob is one that does not verify. */
	if (blob_len <= WRAP_OVERHEAD || blob_len > WRAP_BLOB_MAX ||
	    blob[0] != WRAP_VERSION)
		return MEF_E_CRYPTO;
	nonce = blob + 1;
	ct = nonce + WRAP_NONCE_LEN;
	len = blob_len - WRAP_OVERHEAD;
	memcpy(tag, ct + len, WRAP_TAG_LEN);
	rc = mef_secret_alloc(len, &plain);
	if (rc == MEF_OK)
		rc = gcm_run(kek, 0, nonce, aad, ct, len,
		    mef_secret_data(plain), tag);
	if (rc == MEF_OK)
		*pplain = plain;
	else
		mef_secret_free(&plain);
	return rc;
}

/*
 * One AES-256-GCM pass under the KEK over len bytes of in into out, with the
 * AAD version || aad: sealing (enc 1) writes the WRAP_TAG_LEN bytes of tag,
 * opening (enc 0) checks them. Both directions share this code, so they
 * cannot drift apart in what they authenticate.
 */
static enum mef_err
gcm_run(const struct wrap_local *kek, int enc, const unsigned char *nonce,
    const char *aad, const unsigned char *in, size_t len, unsigned char *out,
    unsigned char *tag)
{
	EVP_CIPHER_CTX		*ctx;
	const unsigned char	 version = WRAP_VERSION;
	int			 n, ok;

	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return ossl_fail("EVP_CIPHER_CTX_new");
	ok = EVP_CipherInit_ex2(ctx, kek->cipher, mef_secret_bytes(kek->key),
	    nonce, enc, NULL);
	if (ok == 1)
		ok = EVP_CipherUpdate(ctx, NULL, &n, &version, 1);
	if (ok == 1)
		ok = EVP_CipherUpdate(ctx, NULL, &n,
		    (const unsigned char *)aad, (int)strlen(aad));
	if (ok == 1)
		ok = EVP_CipherUpdate(ctx, out, &n, in, (int)len);
	if (ok == 1 && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
		    WRAP_TAG_LEN, tag);
	if (ok == 1)
		ok = EVP_CipherFinal_ex(ctx, out + len, &n);
	if (ok == 1 && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
		    WRAP_TAG_LEN, tag);
	EVP_CIPHER_CTX_free(ctx);
	if (ok == 1)
		return MEF_OK;
	if (enc)
		return ossl_fail("AES-256-GCM seal");
	/* A wrong KEK or AAD, or a tampered blob: the caller says. */
	ERR_clear_error();
	return MEF_E_CRYPTO;
}


/* Reads the KEK file: 64 hex digits, maybe one final newline, nothing else. */
static enum mef_err
kek_read_text(int fd, const char *path, char *text, size_t textsz,
    char *err, size_t errsz)
{
	size_t	len = 0;
	ssize_t	n;

	for (;;) {
		n = read(fd, text + len, textsz - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return MEF_E_CONFIG;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == textsz)
			break;
	}
	if (len == WRAP_KEK_HEX_LEN + 1 && text[WRAP_KEK_HEX_LEN] == '\n')
		len--;
	if (len != WRAP_KEK_HEX_LEN) {
		snprintf(err, errsz, "%s: not 64 hex digits", path);
		return MEF_E_CONFIG;
	}
	return MEF_OK;
}

static enum mef_err
kek_write_file(int fd, const char *text, size_t len)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return MEF_E_IO;
		off += (size_t)n;
	}
	/* The only copy of the KEK: on disk before we say it exists. */
	if (fsync(fd) == -1)
		return MEF_E_IO;
	return MEF_OK;
}

/* Best effort: makes the new directory entry durable too. */
static void
fsync_parent(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	size_t		 len;
	int		 fd;

	slash = strrchr(path, '/');
	if (slash == NULL) {
		dir[0] = '.';
		len = 1;
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir))
			return;
		memcpy(dir, path, len);
	}
	dir[len] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return;
	(void)fsync(fd);
	close(fd);
}
