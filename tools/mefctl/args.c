/*
 * args.c -- mefctl's checks of option values: identifiers, keys, numbers,
 * names.
 *
 * Each check either yields a value the store will accept or prints one line
 * saying what is wrong with which option and fails, so a command with bad input
 * stops before it touches the store. Key text (from argv or a file) is handled
 * only in wiped buffers and secrets, and never appears in a message.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/ident.h"
#include "mefctl.h"
#include "util/hex.h"
#include "util/strparse.h"

#define ARGS_KEYFILE_MAX	1024	/* bytes of a key file */

static enum mef_err	key_from_text(const char *label, const char *what,
			    const char *text, size_t len,
			    struct mef_secret **pkey);
static enum mef_err	key_file_read(const char *path, const char *what,
			    struct mef_secret **pkey);
static enum mef_err	file_read_all(const char *path, size_t max,
			    char **ptext, size_t *plen);
static int		is_space(char c);

/* see mefctl.h */
enum mef_err
args_ident(const char *label, const char *value, char out[MEF_ID_MAX + 1])
{
	size_t		len = strlen(value), out_len;
	enum mef_err	rc;

	if (len > IDENT_MAX) {
		out_error("--%s: longer than %d bytes", label, MEF_ID_MAX);
		return MEF_E_TOOBIG;
	}
	rc = ident_nfkc(value, len, out, MEF_ID_MAX + 1, &out_len);
	if (rc == MEF_E_TOOBIG)
		out_error("--%s: longer than %d bytes%s", label, MEF_ID_MAX,
		    len > MEF_ID_MAX ? "" : " after NFKC normalisation");
	else if (rc != MEF_OK && len == 0)
		out_error("--%s: empty value", label);
	else if (rc != MEF_OK)
		out_error("--%s: not UTF-8 text, or contains a control "
		    "character", label);
	return rc;
}

/* see mefctl.h */
enum mef_err
args_key(const struct opts *o, enum opt_id hex_opt, enum opt_id file_opt,
    const char *what, struct mef_secret **pkey)
{
	const struct mef_secret	*text = o->secret[hex_opt];
	char			 label[32];

	if (text != NULL) {
		snprintf(label, sizeof(label), "--%s", opts_name(hex_opt));
		return key_from_text(label, what,
		    (const char *)mef_secret_bytes(text), mef_secret_len(text),
		    pkey);
	}
	return key_file_read(opts_get(o, file_opt), what, pkey);
}

/* see mefctl.h */
enum mef_err
args_u64(const char *label, const char *value, uint64_t min, uint64_t max,
    uint64_t *pvalue)
{
	if (parse_u64(value, strlen(value), min, max, pvalue) != MEF_OK) {
		out_error("--%s: '%.32s' is not a whole number from %llu to "
		    "%llu", label, value, (unsigned long long)min,
		    (unsigned long long)max);
		return MEF_E_INVAL;
	}
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
args_fingerprint(const char *value, unsigned char fp[DIGEST_SHA256_LEN])
{
	char	hex[2 * DIGEST_SHA256_LEN];
	size_t	len = strlen(value), i, n = 0;
	int	ok = 1;

	/* 64 hex digits, or 32 pairs separated by colons (openssl's form). */
	if (len == 2 * DIGEST_SHA256_LEN) {
		memcpy(hex, value, len);
		n = len;
	} else if (len == 3 * DIGEST_SHA256_LEN - 1) {
		for (i = 0; i < len && ok; i++) {
			if (i % 3 == 2)
				ok = value[i] == ':';
			else
				hex[n++] = value[i];
		}
	} else
		ok = 0;
	if (!ok || hex_decode(hex, n, fp, DIGEST_SHA256_LEN) != MEF_OK) {
		out_error("--cert-fingerprint: not a SHA-256 fingerprint "
		    "(64 hex digits, colons allowed between pairs)");
		return MEF_E_INVAL;
	}
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
args_fqdn(const char *value, char out[MEF_FQDN_MAX + 1])
{
	size_t	len = strlen(value);

	if (len > MEF_FQDN_MAX || !is_dns_name(value, len)) {
		out_error("--fqdn: '%.64s' is not a DNS name", value);
		return MEF_E_INVAL;
	}
	memcpy(out, value, len + 1);
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
args_pem_file(const char *label, const char *path,
    enum mef_err (*check)(const char *pem, size_t len, char *err,
    size_t errsz), char **ptext, size_t *plen)
{
	char		*text = NULL, err[256];
	size_t		 len = 0;
	enum mef_err	 rc;

	rc = file_read_all(path, STORE_PEM_MAX, &text, &len);
	if (rc == MEF_E_TOOBIG)
		out_error("--%s %s: larger than %d bytes", label, path,
		    STORE_PEM_MAX);
	else if (rc == MEF_E_IO)
		out_error("--%s %s: %s", label, path, strerror(errno));
	else if (rc != MEF_OK)
		out_error("--%s %s: %s", label, path, mef_strerror(rc));
	if (rc != MEF_OK)
		goto out;
	if (memchr(text, '\0', len) != NULL) {
		out_error("--%s %s: not a PEM file (binary data)", label, path);
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = check(text, len, err, sizeof(err));
	if (rc != MEF_OK)
		out_error("--%s %s: %s", label, path, err);
out:
	if (rc == MEF_OK) {
		*ptext = text;
		*plen = len;
	} else
		free(text);
	return rc;
}

/*
 * Hex text (surrounding whitespace ignored) into a key of
 * ARGS_KEY_MIN..ARGS_KEY_MAX bytes. The message says what is wrong, never what
 * the text was.
 */
static enum mef_err
key_from_text(const char *label, const char *what, const char *text,
    size_t len, struct mef_secret **pkey)
{
	enum mef_err	rc;

	while (len > 0 && is_space(text[0])) {
		text++;
		len--;
	}
	while (len > 0 && is_space(text[len - 1]))
		len--;
	if (len % 2 != 0 || len == 0) {
		out_error("%s: not a hex string (an even number of hex "
		    "digits)", label);
		return MEF_E_INVAL;
	}
	rc = MEF_E_TOOBIG;
	if (len / 2 <= MEF_SECRET_MAX)
		rc = mef_secret_from_hex(text, len, pkey);
	if (rc == MEF_E_INVAL) {
		out_error("%s: not a hex string", label);
		return rc;
	}
	if (rc == MEF_OK && len / 2 >= ARGS_KEY_MIN && len / 2 <= ARGS_KEY_MAX)
		return MEF_OK;
	mef_secret_free(pkey);
	out_error("%s: %zu bytes; a %s is %d to %d bytes", label, len / 2, what,
	    ARGS_KEY_MIN, ARGS_KEY_MAX);
	return MEF_E_INVAL;
}

static enum mef_err
key_file_read(const char *path, const char *what, struct mef_secret **pkey)
{
	char		buf[ARGS_KEYFILE_MAX + 1];
	size_t		len = 0;
	ssize_t		n;
	enum mef_err	rc = MEF_OK;
	int		fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		out_error("%s: %s", path, strerror(errno));
		return MEF_E_IO;
	}
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf))
			break;
	}
	if (n == -1) {
		out_error("%s: %s", path, strerror(errno));
		rc = MEF_E_IO;
	} else if (len > ARGS_KEYFILE_MAX) {
		out_error("%s: too large for a key file", path);
		rc = MEF_E_INVAL;
	} else if (memchr(buf, '\0', len) != NULL) {
		out_error("%s: not a hex string", path);
		rc = MEF_E_INVAL;
	} else
		rc = key_from_text(path, what, buf, len, pkey);
	close(fd);
	mef_wipe(buf, sizeof(buf));
	return rc;
}

/*
 * The whole file, NUL-terminated, into a new buffer: MEF_E_TOOBIG past max
 * bytes, MEF_E_IO with errno set when it cannot be read.
 */
static enum mef_err
file_read_all(const char *path, size_t max, char **ptext, size_t *plen)
{
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n = 0;
	enum mef_err	 rc = MEF_OK;
	int		 fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return MEF_E_IO;
	/* One byte past max tells a file of max bytes from a larger one. */
	buf = malloc(max + 2);
	if (buf == NULL) {
		close(fd);
		return MEF_E_NOMEM;
	}
	while (len <= max) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	saved = errno;
	if (n == -1)
		rc = MEF_E_IO;
	else if (len > max)
		rc = MEF_E_TOOBIG;
	close(fd);
	errno = saved;
	if (rc != MEF_OK) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*ptext = buf;
	*plen = len;
	return MEF_OK;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
