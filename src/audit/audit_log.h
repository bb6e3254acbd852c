/*
 * audit_log.h -- appending to the audit log file, from any number of processes.
 *
 * mefd and mefctl both append. Each batch is written under an exclusive
 * flock(2) on the log, with O_APPEND; under the lock the writer checks the
 * file size against where its own last write ended and, when another process
 * wrote since, reads the last line back to continue the chain from it. A last
 * line without its newline (a writer died mid-write) is closed with a newline
 * and followed by an "audit-repair" entry that chains to the last complete
 * line, so verify can tell a crash from an edit.
 *
 * Next to the log, <file>.head holds the seq and mac of the last entry written,
 * tagged with the audit key: a hash chain alone cannot show that its last lines
 * were cut off, the head can (unless an old head file is put back as well;
 * `mefctl audit verify --expect-head` checks against a head kept elsewhere).
 */
#ifndef MEF_AUDIT_AUDIT_LOG_H
#define MEF_AUDIT_AUDIT_LOG_H

#include <stdint.h>

#include "audit/audit_line.h"
#include "util/secret.h"

#define AUDIT_HEAD_SUFFIX	".head"
#define AUDIT_KEY_LABEL		"audit-v1"	/* wrap_kek_derive() label */

struct audit_log;

/*
 * Opens (creating, mode 0600) path and its head file for appending; the chain
 * is tagged under key (copied into a MAC context). MEF_E_CONFIG with a message
 * in err when the files cannot be opened.
 */
enum mef_err	audit_log_open(const char *path, const struct mef_secret *key,
		    struct audit_log **plog, char *err, size_t errsz);
/* Takes the lock and finds the chain's end (repairing a partial last line). */
enum mef_err	audit_log_begin(struct audit_log *log);
/* Appends e (copied) to the batch; stamps the time when e->time_ms is 0. */
enum mef_err	audit_log_add(struct audit_log *log,
		    const struct audit_entry *e);
/* Writes the batch, moves the head, releases the lock. */
enum mef_err	audit_log_end(struct audit_log *log);
/* fsync(2) of the log and its head. */
enum mef_err	audit_log_sync(struct audit_log *log);
/* The seq of the last entry this writer knows of. */
uint64_t	audit_log_seq(const struct audit_log *log);
void		audit_log_close(struct audit_log **plog);

/*
 * Reads the head file of the log at path: its seq and mac, checked against its
 * tag under m. MEF_E_NOTFOUND when there is none, MEF_E_PROTO (reason in why)
 * when it is malformed or its tag does not verify.
 */
enum mef_err	audit_head_read(const char *path, struct mac *m, uint64_t *pseq,
		    unsigned char mac[MAC_LEN], char *why, size_t whysz);
/* The current wall clock in milliseconds since the epoch. */
int64_t		audit_now_ms(void);

#endif /* MEF_AUDIT_AUDIT_LOG_H */
