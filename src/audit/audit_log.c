/*
 * audit_log.c -- the audit log file: locked appends, tail recovery, the head.
 *
 * A batch is formatted into one buffer and written with one write(2) where it
 * fits, so concurrent readers see whole lines and a batch costs one lock, one
 * fstat, one write and one pwrite of the head, whatever its size. fsync is
 * the caller's choice (audit_log_sync), since its cost is what a writer must
 * keep off the hot path.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit_log.h"
#include "util/ct.h"
#include "util/hex.h"
#include "util/log.h"

#define BATCH_BUF	(64 * 1024 + AUDIT_LINE_MAX + 1)
#define HEAD_LEN	(20 + 1 + 2 * MAC_LEN + 1 + 2 * MAC_LEN + 1)
#define HEAD_TAG_PREFIX	"head:"

struct audit_log {
	int		 fd, head_fd;
	struct mac	*mac;
	uint64_t	 seq;		/* of the last entry in the chain */
	unsigned char	 last[MAC_LEN];	/* its mac */
	off_t		 end;		/* file size after our last write */
	int		 locked;
	char		*buf;
	size_t		 len;
	char		 path[PATH_MAX];
};

static enum mef_err	resync(struct audit_log *log, off_t size);
static enum mef_err	write_all(int fd, const char *p, size_t n);
static enum mef_err	flush(struct audit_log *log);
static void		head_text(struct mac *m, uint64_t seq,
			    const unsigned char mac[MAC_LEN],
			    char out[HEAD_LEN + 1]);

/* see audit_log.h */
enum mef_err
audit_log_open(const char *path, const struct mef_secret *key,
    struct audit_log **plog, char *err, size_t errsz)
{
	struct audit_log	*log;
	char			 head[PATH_MAX + sizeof(AUDIT_HEAD_SUFFIX)];
	enum mef_err		 rc = MEF_OK;

	log = calloc(1, sizeof(*log));
	if (log == NULL)
		return MEF_E_NOMEM;
	log->fd = log->head_fd = -1;
	log->end = -1;		/* unknown: read the tail first */
	snprintf(log->path, sizeof(log->path), "%s", path);
	snprintf(head, sizeof(head), "%s%s", path, AUDIT_HEAD_SUFFIX);
	log->buf = malloc(BATCH_BUF);
	if (log->buf == NULL) {
		rc = MEF_E_NOMEM;
		goto out;
	}
	rc = mac_new(key, &log->mac);
	if (rc != MEF_OK)
		goto out;
	log->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log->fd != -1)
		log->head_fd = open(head, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (log->fd == -1 || log->head_fd == -1) {
		snprintf(err, errsz, "audit file %s: %s", log->fd == -1 ?
		    path : head, strerror(errno));
		rc = MEF_E_CONFIG;
	}
out:
	if (rc == MEF_OK)
		*plog = log;
	else
		audit_log_close(&log);
	return rc;
}

/* see audit_log.h */
enum mef_err
audit_log_begin(struct audit_log *log)
{
	struct stat	sb;
	enum mef_err	rc = MEF_OK;

	if (flock(log->fd, LOCK_EX) == -1) {
		log_warn("audit %s: lock", log->path);
		return MEF_E_IO;
	}
	log->locked = 1;
	log->len = 0;
	if (fstat(log->fd, &sb) == -1) {
		log_warn("audit %s: fstat", log->path);
		rc = MEF_E_IO;
	} else if (sb.st_size != log->end) {
		rc = resync(log, sb.st_size);
	}
	if (rc != MEF_OK) {
		flock(log->fd, LOCK_UN);
		log->locked = 0;
	}
	return rc;
}

/* see audit_log.h */
enum mef_err
audit_log_add(struct audit_log *log, const struct audit_entry *e)
{
	struct audit_entry	 stamped;
	const struct audit_entry *ep = e;
	unsigned char		 mac[MAC_LEN];
	size_t			 n;
	enum mef_err		 rc;

	if (!log->locked)
		return MEF_E_INVAL;
	if (e->time_ms == 0) {
		stamped = *e;
		stamped.time_ms = audit_now_ms();
		ep = &stamped;
	}
	if (log->len + AUDIT_LINE_MAX + 1 > BATCH_BUF) {
		rc = flush(log);
		if (rc != MEF_OK)
			return rc;
	}
	rc = audit_line_format(ep, log->seq + 1, log->last, log->mac,
	    log->buf + log->len, BATCH_BUF - log->len, &n, mac);
	if (rc != MEF_OK)
		return rc;
	log->len += n;
	log->seq++;
	memcpy(log->last, mac, MAC_LEN);
	return MEF_OK;
}

/* see audit_log.h */
enum mef_err
audit_log_end(struct audit_log *log)
{
	char		head[HEAD_LEN + 1];
	enum mef_err	rc;

	if (!log->locked)
		return MEF_E_INVAL;
	rc = flush(log);
	if (rc == MEF_OK && log->seq > 0) {
		head_text(log->mac, log->seq, log->last, head);
		if (pwrite(log->head_fd, head, HEAD_LEN, 0) != HEAD_LEN) {
			log_warn("audit %s: head", log->path);
			rc = MEF_E_IO;
		}
	}
	flock(log->fd, LOCK_UN);
	log->locked = 0;
	return rc;
}

/* see audit_log.h */
enum mef_err
audit_log_sync(struct audit_log *log)
{
	if (fsync(log->fd) == -1 || fsync(log->head_fd) == -1) {
		log_warn("audit %s: fsync", log->path);
		return MEF_E_IO;
	}
	return MEF_OK;
}

/* see audit_log.h */
uint64_t
audit_log_seq(const struct audit_log *log)
{
	return log->seq;
}

/* see audit_log.h */
void
audit_log_close(struct audit_log **plog)
{
	struct audit_log	*log;

	if (plog == NULL || *plog == NULL)
		return;
	log = *plog;
	if (log->fd != -1)
		close(log->fd);
	if (log->head_fd != -1)
		close(log->head_fd);
	mac_free(&log->mac);
	free(log->buf);
	free(log);
	*plog = NULL;
}

/* see audit_log.h */
enum mef_err
audit_head_read(const char *path, struct mac *m, uint64_t *pseq,
    unsigned char mac[MAC_LEN], char *why, size_t whysz)
{
	char			 name[PATH_MAX + sizeof(AUDIT_HEAD_SUFFIX)];
	char			 text[HEAD_LEN + 2], want[HEAD_LEN + 1];
	unsigned long long	 seq;
	ssize_t			 n;
	int			 fd;

	snprintf(name, sizeof(name), "%s%s", path, AUDIT_HEAD_SUFFIX);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return MEF_E_NOTFOUND;
	if (fd == -1) {
		snprintf(why, whysz, "%s: %s", name, strerror(errno));
		return MEF_E_IO;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n == 0)
		return MEF_E_NOTFOUND;	/* created, nothing written yet */
	/* sscanf() reads a string: end it at what read() returned (memcheck). */
	if (n > 0 && (size_t)n < sizeof(text))
		text[n] = '\0';
	if (n != HEAD_LEN || text[20] != ' ' || text[21 + 2 * MAC_LEN] != ' ' ||
	    text[HEAD_LEN - 1] != '\n' || sscanf(text, "%20llu", &seq) != 1 ||
	    hex_decode(text + 21, 2 * MAC_LEN, mac, MAC_LEN) != MEF_OK) {
		snprintf(why, whysz, "head file malformed");
		return MEF_E_PROTO;
	}
	head_text(m, (uint64_t)seq, mac, want);
	if (!ct_memeq(want, text, HEAD_LEN)) {
		snprintf(why, whysz, "head file tag does not verify");
		return MEF_E_PROTO;
	}
	*pseq = (uint64_t)seq;
	return MEF_OK;
}

/* see audit_log.h */
int64_t
audit_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Finds seq and mac of the last complete line of a file of size bytes that
 * another writer (or a crash) left. A partial last line is closed with a
 * newline and an audit-repair entry is queued after it. A last line that does
 * not parse leaves the chain where this writer knew it: verify reports it.
 */
static enum mef_err
resync(struct audit_log *log, off_t size)
{
	struct audit_parsed	 p;
	struct audit_entry	 rep;
	char			*buf, why[64];
	size_t			 k, end, start, partial = 0;
	enum mef_err		 rc = MEF_OK;

	log->end = size;
	if (size == 0) {
		log->seq = 0;
		memset(log->last, 0, MAC_LEN);
		return MEF_OK;
	}
	k = (size_t)size < 2 * (AUDIT_LINE_MAX + 1) ? (size_t)size :
	    2 * (AUDIT_LINE_MAX + 1);
	buf = malloc(k);
	if (buf == NULL)
		return MEF_E_NOMEM;
	if (pread(log->fd, buf, k, size - (off_t)k) != (ssize_t)k) {
		log_warn("audit %s: read tail", log->path);
		rc = MEF_E_IO;
		goto out;
	}
	end = k;
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	partial = k - end;
	start = end > 0 ? end - 1 : 0;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (end == 0 && (size_t)size == k) {
		log->seq = 0;		/* nothing but a partial line */
		memset(log->last, 0, MAC_LEN);
	} else if (end > 0 && audit_line_parse(buf + start, end - 1 - start,
	    &p, why, sizeof(why)) == MEF_OK) {
		log->seq = p.seq;
		rc = mac_compute(log->mac, buf + start, p.body_len, NULL, 0,
		    log->last);
	} else {
		log_warnx("audit %s: last line unreadable (%s); chain "
		    "continues from seq %llu", log->path, end > 0 ? why :
		    "too long", (unsigned long long)log->seq);
	}
	if (rc != MEF_OK || partial == 0)
		goto out;
	log_warnx("audit %s: partial last line of %zu bytes (interrupted "
	    "write); repaired", log->path, partial);
	rc = write_all(log->fd, "\n", 1);
	if (rc != MEF_OK)
		goto out;
	log->end++;
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.event, sizeof(rep.event), "audit-repair");
	snprintf(rep.actor, sizeof(rep.actor), "audit");
	snprintf(rep.object, sizeof(rep.object), "partial line of %zu bytes",
	    partial);
	snprintf(rep.outcome, sizeof(rep.outcome), "repaired");
	rc = audit_log_add(log, &rep);
out:
	free(buf);
	return rc;
}

static enum mef_err
flush(struct audit_log *log)
{
	enum mef_err	rc;

	if (log->len == 0)
		return MEF_OK;
	rc = write_all(log->fd, log->buf, log->len);
	if (rc == MEF_OK)
		log->end += (off_t)log->len;
	else
		log->end = -1;		/* unknown: resync next time */
	log->len = 0;
	return rc;
}

static enum mef_err
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_warn("audit: write");
			return MEF_E_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return MEF_OK;
}

/* "<seq, 20 digits> <mac hex> <tag hex>\n", tag = HMAC("head:" seq mac). */
static void
head_text(struct mac *m, uint64_t seq, const unsigned char mac[MAC_LEN],
    char out[HEAD_LEN + 1])
{
	unsigned char	tag[MAC_LEN];

	snprintf(out, HEAD_LEN + 1, "%020llu ", (unsigned long long)seq);
	hex_encode(mac, MAC_LEN, 0, out + 21, 2 * MAC_LEN + 1);
	out[21 + 2 * MAC_LEN] = ' ';
	if (mac_compute(m, HEAD_TAG_PREFIX, sizeof(HEAD_TAG_PREFIX) - 1, out,
	    21 + 2 * MAC_LEN, tag) != MEF_OK)
		memset(tag, 0, sizeof(tag));	/* cannot verify: reported */
	hex_encode(tag, MAC_LEN, 0, out + 22 + 2 * MAC_LEN, 2 * MAC_LEN + 1);
	out[HEAD_LEN - 1] = '\n';
	out[HEAD_LEN] = '\0';
}
