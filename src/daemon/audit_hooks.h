/*
 * audit_hooks.h -- what mefd writes to the audit log, one call per event.
 *
 * The handlers call these with the connection at hand; each builds an entry of
 * identities and outcome (never key bytes) and queues it (audit/audit.h). With
 * no [audit] file configured d->audit is NULL and the calls return at once.
 */
#ifndef MEF_DAEMON_AUDIT_HOOKS_H
#define MEF_DAEMON_AUDIT_HOOKS_H

#include "protocol/rsc.h"

struct conn;
struct mefd;

/*
 * Opens the configured audit file under the audit key derived from the KEK
 * (wrap_kek_derive(), label AUDIT_KEY_LABEL). Nothing when not configured.
 */
enum mef_err	audit_hooks_open(struct mefd *d, char *err, size_t errsz);
/* "mefd-start" or "mefd-stop", with the version. */
void		audit_hooks_daemon(struct mefd *d, const char *event);
/* A TLS handshake that failed on either listener. */
void		audit_hooks_handshake(const struct conn *c);
/* An enrolment request answered (201 or an error). */
void		audit_hooks_bootstrap(const struct conn *c, enum outcome out);
/* A fetch answered; keyid as parsed ("" when the path did not parse). */
void		audit_hooks_fetch(const struct conn *c, const char *keyid,
		    enum outcome out);

#endif /* MEF_DAEMON_AUDIT_HOOKS_H */
