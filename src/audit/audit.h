/*
 * audit.h -- mefd's audit trail: events from any thread, one writer thread.
 *
 * Event loops call audit_emit(), which copies the entry, stamps its time and
 * queues it under a mutex; only an idle writer is signalled, so a busy event
 * loop makes no system call for it. The writer thread appends what is queued
 * as one batch (audit_log.h) and calls fsync(2) at most every fsync_ms, or
 * after every batch when fsync_ms is 0.
 *
 * Durability promised: an entry reaches the kernel within about a millisecond
 * of its event, so it survives a crash of mefd (a SIGKILL loses only the
 * entries still queued at that instant), and the disk within fsync_ms, so a
 * power loss loses at most the last fsync_ms of entries. audit_stop() writes
 * and syncs everything queued.
 */
#ifndef MEF_AUDIT_AUDIT_H
#define MEF_AUDIT_AUDIT_H

#include "audit/audit_line.h"
#include "util/secret.h"

struct audit;

/*
 * Opens path for appending under key (copied). Call before dropping
 * privileges: the writer keeps the open file. MEF_E_CONFIG with a message in
 * err when the file cannot be opened.
 */
enum mef_err	audit_open(const char *path, unsigned fsync_ms,
		    const struct mef_secret *key, struct audit **pa, char *err,
		    size_t errsz);
/* Starts the writer thread. */
enum mef_err	audit_run(struct audit *a);
/*
 * Queues a copy of e (a NULL a does nothing, so callers need not know whether
 * auditing is on). Thread-safe; never blocks on I/O. An entry that cannot be
 * queued (out of memory) is counted and reported by the writer.
 */
void		audit_emit(struct audit *a, const struct audit_entry *e);
/* Writes and syncs what is queued, stops the thread, frees *pa. */
void		audit_stop(struct audit **pa);

#endif /* MEF_AUDIT_AUDIT_H */
