/*
 * sandbox.h -- what each mefd process may still do once it has started: core dumps
 * off, root given up, a seccomp allow-list.
 *
 * Every mefd process holds keys (the KEK, or unwrapped Kpm, Ke and PSKs), so every
 * one is made non-dumpable with no core file. The children then drop to the
 * configured user and install a seccomp filter listing the system calls their code
 * (ours, libevent, OpenSSL, SQLite, glibc's threads) makes after init; any other
 * kills the process, or in `sandbox = trap` mode is reported by number on stderr
 * first (to find a missing entry).
 */
#ifndef MEF_DAEMON_SANDBOX_H
#define MEF_DAEMON_SANDBOX_H

#include <sys/types.h>

#include "mef/error.h"

enum sandbox_role {
	SANDBOX_KEYD,		/* the KEK process: its channels, nothing else */
	SANDBOX_NET,		/* the network process: workers, commit thread */
};

enum sandbox_mode {
	SANDBOX_OFF,		/* no filter (valgrind, debugging) */
	SANDBOX_KILL,		/* the default: a refused call kills the process */
	SANDBOX_TRAP,		/* a refused call is logged, then the process exits */
};

/* The user to drop to, resolved while /etc/passwd can still be read. */
struct sandbox_user {
	int	 set;		/* 0: stay who we are */
	uid_t	 uid;
	gid_t	 gid;
	char	 name[64];
};

/* Core dumps off and the dumpable flag cleared for this process. */
void		sandbox_nodump(void);
/* "yes" | "no" | "trap" to a mode (yes for anything else). */
enum sandbox_mode	sandbox_mode_parse(const char *s);
/*
 * Resolves user (and group, or the user's primary group) into *pu. MEF_E_CONFIG
 * with a message in err when either is unknown. An empty user leaves pu->set 0.
 */
enum mef_err	sandbox_user_lookup(const char *user, const char *group,
		    struct sandbox_user *pu, char *err, size_t errsz);
/*
 * Becomes pu (groups, gid, uid; checked afterwards) when running as root; when not
 * root, logs once that the drop is skipped. who names the process in the log.
 */
enum mef_err	sandbox_drop(const struct sandbox_user *pu, const char *who);
/* Sets no_new_privs and installs the role's filter (nothing when mode is off). */
enum mef_err	sandbox_install(enum sandbox_role role, enum sandbox_mode mode);

#endif /* MEF_DAEMON_SANDBOX_H */
