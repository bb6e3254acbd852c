/*
 * keyfile.c -- a hex key from a file, with no copy left behind.
 *
 * The buffer is sized for the longest key the caller accepts plus some
 * whitespace; a larger file is refused instead of read in part, so a wrong path
 * (a certificate, a log) fails clearly rather than as "bad hex" somewhere in
 * its middle.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "client/keyfile.h"

#define KEYFILE_SLACK	64	/* whitespace around the digits */
#define KEYFILE_BUF	(2 * KEYFILE_KEY_MAX + KEYFILE_SLACK)

static int	is_space(char);

/* see keyfile.h */
enum mef_err
keyfile_read(const char *path, size_t max_len, struct mef_secret **psecret)
{
	char		 buf[KEYFILE_BUF + 1];
	size_t		 len = 0, start, end;
	ssize_t		 n;
	int		 fd = -1;
	enum mef_err	 rc = MEF_OK;

	if (path == NULL || max_len == 0 || max_len > KEYFILE_KEY_MAX)
		return MEF_E_INVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return MEF_E_IO;
	do {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len < sizeof(buf)) || (n == -1 && errno == EINTR));
	if (n == -1) {
		rc = MEF_E_IO;
		goto out;
	}
	if (len > KEYFILE_BUF) {
		rc = MEF_E_TOOBIG;
		goto out;
	}
	for (start = 0; start < len && is_space(buf[start]); start++)
		continue;
	for (end = len; end > start && is_space(buf[end - 1]); end--)
		continue;
	if (end == start || end - start > 2 * max_len) {
		rc = MEF_E_INVAL;
		goto out;
	}
	rc = mef_secret_from_hex(buf + start, end - start, psecret);
out:
	mef_wipe(buf, sizeof(buf));
	if (fd != -1) {
		int saved = errno;	/* the caller reports the read error */

		close(fd);
		errno = saved;
	}
	return rc;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
