/*
 * audit_verify.h -- checking an audit log: every mac, the chain, the head.
 *
 * Verification reads the file once, line by line, and stops at the first line
 * that is not what the chain requires, naming it and why: a changed line (its
 * mac), a removed line (a seq gap; the first line must be seq 1), reordered
 * lines (seq going back), a garbled or truncated line. A crash's partial line
 * followed by its audit-repair entry is a warning, not a failure. Lines cut
 * off at the end are found through the head file, and through an expected head
 * kept elsewhere (the limit: a log and head file both replaced by older
 * copies look intact unless the expected head is given). The size of the log
 * and its head are read together under a shared flock(2), and only that many
 * bytes are checked, so verifying a log mefd is writing is sound.
 */
#ifndef MEF_AUDIT_AUDIT_VERIFY_H
#define MEF_AUDIT_AUDIT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mac.h"
#include "mef/error.h"

struct audit_verify {
	int		ok;		/* 1: intact */
	uint64_t	entries;	/* lines that verified */
	uint64_t	first_seq, last_seq;
	unsigned char	head[MAC_LEN];	/* mac of the last good line */
	uint64_t	bad_line;	/* 1-based, when !ok */
	char		reason[160];
	uint64_t	repaired;	/* partial lines closed by a repair */
	uint64_t	warn_line;	/* the first of them */
	int		head_file;	/* 1: the head file was checked */
	uint64_t	head_seq;
};

/*
 * Verifies the log at path (and path.head) under m into *r. expect, when not
 * NULL, is "SEQ:HEX": the entry seq must be in the log with that mac.
 * MEF_E_IO when the log cannot be read, MEF_E_INVAL for a malformed expect;
 * otherwise MEF_OK, with r->ok saying whether the log is intact.
 */
enum mef_err	audit_verify_file(const char *path, struct mac *m,
		    const char *expect, struct audit_verify *r);

#endif /* MEF_AUDIT_AUDIT_VERIFY_H */
