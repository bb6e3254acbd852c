/*
 * audit_verify.c -- reading an audit log back and checking it (audit_verify.h).
 *
 * One pass with a fixed buffer: a line longer than AUDIT_LINE_MAX is a finding,
 * not a reason to allocate. Reasons name what a reader can act on ("line(s)
 * removed before this line"), so the checks run in the order that makes them
 * true: a line's own mac first (was it changed?), then its seq (is one
 * missing, or out of place?), then the link to the line before.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_log.h"
#include "audit/audit_verify.h"
#include "util/ct.h"
#include "util/hex.h"

#define RD_BUF	(2 * (AUDIT_LINE_MAX + 1))

struct reader {
	int	fd;
	off_t	left;		/* bytes of the file still to read */
	size_t	start, end;
	char	buf[RD_BUF];
};

struct vstate {
	struct audit_verify	*r;
	struct mac		*m;
	uint64_t		 lineno, expect_seq;
	int			 has_head, has_expect;
	uint64_t		 head_seq, exp_seq;
	unsigned char		 head_mac[MAC_LEN], exp_mac[MAC_LEN];
	uint64_t		 garbled;	/* a line awaiting its repair */
	char			 why[64];
};

static int	next_line(struct reader *rd, const char **pline, size_t *plen,
		    int *pnl);
static int	check_line(struct vstate *vs, const char *line, size_t len);
static void	fail(struct vstate *vs, uint64_t line, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static enum mef_err	parse_expect(const char *expect, uint64_t *pseq,
			    unsigned char mac[MAC_LEN]);
static void	check_end(struct vstate *vs);
static enum mef_err	snapshot(const char *path, struct mac *m,
			    struct reader *rd, struct vstate *vs);

/* see audit_verify.h */
enum mef_err
audit_verify_file(const char *path, struct mac *m, const char *expect,
    struct audit_verify *r)
{
	static struct reader	 rd;	/* verify runs once per mefctl */
	struct vstate		 vs;
	const char		*line;
	size_t			 len;
	enum mef_err		 rc;
	int			 nl, got;

	memset(r, 0, sizeof(*r));
	memset(&vs, 0, sizeof(vs));
	vs.r = r;
	vs.m = m;
	vs.expect_seq = 1;
	if (expect != NULL) {
		if (parse_expect(expect, &vs.exp_seq, vs.exp_mac) != MEF_OK)
			return MEF_E_INVAL;
		vs.has_expect = 1;
	}
	memset(&rd, 0, sizeof(rd));
	rd.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rd.fd == -1) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", path,
		    strerror(errno));
		return MEF_E_IO;
	}
	rc = snapshot(path, m, &rd, &vs);
	if (rc != MEF_OK) {
		close(rd.fd);
		return rc;
	}
	if (r->reason[0] != '\0') {
		close(rd.fd);
		return MEF_OK;		/* a bad head file: r->ok stays 0 */
	}
	r->ok = 1;
	for (;;) {
		got = next_line(&rd, &line, &len, &nl);
		if (got <= 0)
			break;
		vs.lineno++;
		if (!nl) {
			fail(&vs, vs.lineno, len > AUDIT_LINE_MAX ?
			    "line longer than %d bytes" :
			    "truncated line (no newline at the end)",
			    AUDIT_LINE_MAX);
			break;
		}
		if (!check_line(&vs, line, len))
			break;
	}
	close(rd.fd);
	if (got < 0) {
		snprintf(r->reason, sizeof(r->reason), "%s: read: %s", path,
		    strerror(errno));
		return MEF_E_IO;
	}
	if (r->ok)
		check_end(&vs);
	return MEF_OK;
}

/*
 * The log's size and head file as of one instant, under a shared flock(2), so a
 * batch being appended meanwhile is neither half read nor ahead of the head:
 * verify then reads only that many bytes, without holding the lock, since
 * appends never touch what is before them.
 */
static enum mef_err
snapshot(const char *path, struct mac *m, struct reader *rd,
    struct vstate *vs)
{
	struct audit_verify	*r = vs->r;
	struct stat		 sb;
	enum mef_err		 rc;

	if (flock(rd->fd, LOCK_SH) == -1 || fstat(rd->fd, &sb) == -1) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", path,
		    strerror(errno));
		return MEF_E_IO;
	}
	rd->left = sb.st_size;
	rc = audit_head_read(path, m, &vs->head_seq, vs->head_mac, r->reason,
	    sizeof(r->reason));
	flock(rd->fd, LOCK_UN);
	if (rc == MEF_E_PROTO)
		return MEF_OK;		/* reason set: the head is bad */
	if (rc != MEF_OK && rc != MEF_E_NOTFOUND)
		return rc;
	r->reason[0] = '\0';
	vs->has_head = rc == MEF_OK;
	r->head_file = vs->has_head;
	r->head_seq = vs->head_seq;
	return MEF_OK;
}

/* 1 and the line when there is one (*pnl: it ended in a newline), 0 at EOF. */
static int
next_line(struct reader *rd, const char **pline, size_t *plen, int *pnl)
{
	const char	*nl;
	ssize_t		 n;
	size_t		 want;

	for (;;) {
		nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
		if (nl != NULL) {
			*pline = rd->buf + rd->start;
			*plen = (size_t)(nl - *pline);
			*pnl = 1;
			rd->start = (size_t)(nl - rd->buf) + 1;
			return 1;
		}
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->start = 0;
		want = sizeof(rd->buf) - rd->end;
		if ((off_t)want > rd->left)
			want = (size_t)rd->left;
		n = want == 0 ? 0 : read(rd->fd, rd->buf + rd->end, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			if (rd->end == 0)
				return 0;
			*pline = rd->buf;
			*plen = rd->end;	/* unterminated or too long */
			*pnl = 0;
			rd->start = rd->end;
			return 1;
		}
		rd->end += (size_t)n;
		rd->left -= n;
	}
}

/* 1 when the line is acceptable so far, 0 after fail(). */
static int
check_line(struct vstate *vs, const char *line, size_t len)
{
	struct audit_verify	*r = vs->r;
	struct audit_parsed	 p;
	unsigned char		 mac[MAC_LEN];
	char			 why[64];

	if (audit_line_parse(line, len, &p, why, sizeof(why)) != MEF_OK) {
		if (vs->garbled != 0) {
			fail(vs, vs->garbled, "garbled line: %s", vs->why);
			return 0;
		}
		vs->garbled = vs->lineno;	/* a crash if a repair follows */
		snprintf(vs->why, sizeof(vs->why), "%s", why);
		return 1;
	}
	if (vs->garbled != 0) {
		if (strcmp(p.event, "audit-repair") != 0 ||
		    p.seq != vs->expect_seq ||
		    !ct_memeq(p.prev, r->head, MAC_LEN)) {
			fail(vs, vs->garbled, "garbled line: %s", vs->why);
			return 0;
		}
		if (r->repaired++ == 0)
			r->warn_line = vs->garbled;
		vs->garbled = 0;
	}
	if (mac_compute(vs->m, line, p.body_len, NULL, 0, mac) != MEF_OK ||
	    !ct_memeq(mac, p.mac, MAC_LEN)) {
		fail(vs, vs->lineno, "line changed: its mac does not verify");
		return 0;
	}
	if (p.seq != vs->expect_seq) {
		if (r->entries == 0 && vs->expect_seq == 1)
			fail(vs, vs->lineno, "first line(s) removed: the log "
			    "starts at seq %llu", (unsigned long long)p.seq);
		else if (p.seq > vs->expect_seq)
			fail(vs, vs->lineno, "seq %llu where %llu was due: "
			    "line(s) removed or moved before this line",
			    (unsigned long long)p.seq,
			    (unsigned long long)vs->expect_seq);
		else
			fail(vs, vs->lineno, "seq %llu where %llu was due: "
			    "lines reordered or repeated",
			    (unsigned long long)p.seq,
			    (unsigned long long)vs->expect_seq);
		return 0;
	}
	if (!ct_memeq(p.prev, r->head, MAC_LEN)) {
		fail(vs, vs->lineno, "chain broken: prev is not the mac of "
		    "the line before");
		return 0;
	}
	if (vs->has_head && p.seq == vs->head_seq &&
	    !ct_memeq(mac, vs->head_mac, MAC_LEN)) {
		fail(vs, vs->lineno, "seq %llu differs from the head file",
		    (unsigned long long)p.seq);
		return 0;
	}
	if (vs->has_expect && p.seq == vs->exp_seq &&
	    !ct_memeq(mac, vs->exp_mac, MAC_LEN)) {
		fail(vs, vs->lineno, "seq %llu differs from the expected head",
		    (unsigned long long)p.seq);
		return 0;
	}
	if (r->entries++ == 0)
		r->first_seq = p.seq;
	r->last_seq = p.seq;
	memcpy(r->head, mac, MAC_LEN);
	vs->expect_seq++;
	return 1;
}

/* After the last line: a garbled line left over, lines cut off at the end. */
static void
check_end(struct vstate *vs)
{
	struct audit_verify	*r = vs->r;

	if (vs->garbled != 0) {
		fail(vs, vs->garbled, "garbled line: %s", vs->why);
		return;
	}
	if (vs->has_head && vs->head_seq > r->last_seq) {
		fail(vs, vs->lineno + 1, "line(s) removed at the end: the head "
		    "file records seq %llu, the log ends at seq %llu",
		    (unsigned long long)vs->head_seq,
		    (unsigned long long)r->last_seq);
		return;
	}
	if (vs->has_expect && vs->exp_seq > r->last_seq)
		fail(vs, vs->lineno + 1, "line(s) removed at the end: seq %llu "
		    "expected, the log ends at seq %llu",
		    (unsigned long long)vs->exp_seq,
		    (unsigned long long)r->last_seq);
	else if (!vs->has_head && !vs->has_expect && r->entries > 0)
		fail(vs, 0, "head file (<log>%s) missing: the end of the "
		    "log cannot be checked", AUDIT_HEAD_SUFFIX);
}

static void
fail(struct vstate *vs, uint64_t line, const char *fmt, ...)
{
	va_list	ap;

	vs->r->ok = 0;
	vs->r->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(vs->r->reason, sizeof(vs->r->reason), fmt, ap);
	va_end(ap);
}

/* "SEQ:HEX" with a 64-digit lower- or upper-case mac. */
static enum mef_err
parse_expect(const char *expect, uint64_t *pseq, unsigned char mac[MAC_LEN])
{
	const char		*colon = strchr(expect, ':');
	unsigned long long	 seq = 0;
	const char		*s;

	if (colon == NULL || colon == expect || colon - expect > 19 ||
	    strlen(colon + 1) != 2 * MAC_LEN)
		return MEF_E_INVAL;
	for (s = expect; s < colon; s++) {
		if (*s < '0' || *s > '9')
			return MEF_E_INVAL;
		seq = seq * 10 + (unsigned long long)(*s - '0');
	}
	if (seq == 0)
		return MEF_E_INVAL;
	*pseq = seq;
	return hex_decode(colon + 1, 2 * MAC_LEN, mac, MAC_LEN);
}
