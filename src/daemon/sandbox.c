/*
 * sandbox.c -- core dumps off, the uid drop, and the seccomp allow-lists of mefd's
 * two children.
 *
 * The lists are tables of names (resolved by libseccomp for this architecture; a
 * name the architecture lacks is skipped). They cover what runs after init: no
 * open of a new file except SQLite's temporary files, no socket creation, no exec,
 * no fork (clone only with CLONE_THREAD; clone3 answers ENOSYS so glibc falls back
 * to clone, whose flags a filter can see), ioctl only FIONREAD (libevent). The
 * sanitizer runtimes (ASan's leak check stops the world with ptrace from a clone)
 * need more: builds with -fsanitize=address get those calls added, release builds
 * never do.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/sandbox.h"
#include "util/log.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER	1
#endif
#endif

/* Both children: memory, threads' futexes, time, randomness, exit. */
static const char *const common_calls[] = {
	"read", "write", "readv", "writev", "close", "brk", "mmap", "munmap",
	"mremap", "madvise", "mprotect", "futex", "getrandom", "clock_gettime",
	"clock_getres", "gettimeofday", "getpid", "gettid", "rt_sigreturn",
	"rt_sigprocmask", "restart_syscall", "exit", "exit_group",
	"recvfrom", "recvmsg", "sendto", "sendmsg", "poll", "ppoll",
	"newfstatat", "fstat", "lseek", "clock_nanosleep", "nanosleep",
	NULL,
};

/* The network process: event loops, sockets already bound, SQLite. */
static const char *const net_calls[] = {
	"epoll_wait", "epoll_pwait", "epoll_ctl", "eventfd2", "accept",
	"accept4", "getsockname", "getpeername", "setsockopt", "getsockopt",
	"shutdown", "fcntl", "pread64", "pwrite64", "fsync", "fdatasync",
	"ftruncate", "openat", "unlink", "access", "faccessat", "faccessat2",
	"stat", "lstat", "statx", "fchown", "geteuid", "getuid", "sched_yield",
	"set_robust_list", "rseq", "rt_sigtimedwait", "tgkill",
	"sched_getaffinity", "fallocate", "rt_sigaction",
	"flock",			/* the audit log, shared with mefctl */
	NULL,
};

#ifdef SANDBOX_SANITIZER
/* Sanitizer runtimes only (never in a release build). */
static const char *const sanitizer_calls[] = {
	"clone", "ptrace", "prctl", "wait4", "waitid", "getdents", "getdents64",
	"open",
	"openat", "readlink", "readlinkat", "sigaltstack", "rt_sigaction",
	"sched_yield", "kill", "tgkill", "pipe2", "getppid", "set_robust_list",
	"rseq", "sched_getaffinity", "process_vm_readv", "fcntl", "unlink",
	"getrlimit", "prlimit64", "setrlimit", "uname", "dup", "dup2", "dup3",
	"mincore", "msync",
	NULL,
};
#endif

/* see sandbox.h */
void
sandbox_nodump(void)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		log_warn("setrlimit RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_DUMPABLE");
}

/* see sandbox.h */
enum sandbox_mode
sandbox_mode_parse(const char *s)
{
	if (strcmp(s, "no") == 0)
		return SANDBOX_OFF;
	if (strcmp(s, "trap") == 0)
		return SANDBOX_TRAP;
	return SANDBOX_KILL;
}

/* see sandbox.h */
enum mef_err
sandbox_user_lookup(const char *user, const char *group,
    struct sandbox_user *pu, char *err, size_t errsz)
{
	struct passwd	*pw;
	struct group	*gr;

	memset(pu, 0, sizeof(*pu));
	if (user == NULL || *user == '\0')
		return MEF_OK;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errsz, "[process] user %s: no such user", user);
		return MEF_E_CONFIG;
	}
	pu->uid = pw->pw_uid;
	pu->gid = pw->pw_gid;
	if (group != NULL && *group != '\0') {
		gr = getgrnam(group);
		if (gr == NULL) {
			snprintf(err, errsz, "[process] group %s: no such group",
			    group);
			return MEF_E_CONFIG;
		}
		pu->gid = gr->gr_gid;
	}
	snprintf(pu->name, sizeof(pu->name), "%s", user);
	pu->set = 1;
	return MEF_OK;
}

/* see sandbox.h */
enum mef_err
sandbox_drop(const struct sandbox_user *pu, const char *who)
{
	uid_t	r, e, s;

	if (!pu->set)
		return MEF_OK;
	if (geteuid() != 0) {
		log_info("%s: not running as root: staying uid %u (no drop to %s)",
		    who, (unsigned)geteuid(), pu->name);
		return MEF_OK;
	}
	if (setgroups(1, &pu->gid) == -1 ||
	    setresgid(pu->gid, pu->gid, pu->gid) == -1 ||
	    setresuid(pu->uid, pu->uid, pu->uid) == -1) {
		log_warn("%s: cannot become %s", who, pu->name);
		return MEF_E_IO;
	}
	/* Checked, not assumed: a half-done drop is worse than none. */
	if (getresuid(&r, &e, &s) == -1 || r != pu->uid || e != pu->uid ||
	    s != pu->uid || setuid(0) != -1) {
		log_warnx("%s: uid drop to %s did not hold", who, pu->name);
		return MEF_E_IO;
	}
	/* A uid change resets the flag to the system's default: clear it again. */
	sandbox_nodump();
	log_debug("%s: now uid %u gid %u", who, (unsigned)pu->uid,
	    (unsigned)pu->gid);
	return MEF_OK;
}

/* SIGSYS in trap mode: name the call, then end (async-signal-safe only). */
static void
trap_handler(int sig, siginfo_t *si, void *uc)
{
	char	msg[96], num[16];
	size_t	n = 0, k = 0;
	int	v = si->si_syscall;

	(void)sig;
	(void)uc;
	do
		num[k++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && k < sizeof(num));
	memcpy(msg, "mefd: seccomp: system call ", 27);
	n = 27;
	while (k > 0)
		msg[n++] = num[--k];
	memcpy(msg + n, " is not allowed\n", 16);
	n += 16;
	(void)write(STDERR_FILENO, msg, n);
	_exit(128 + SIGSYS);
}

static enum mef_err
add_list(scmp_filter_ctx ctx, const char *const *names)
{
	int	nr;

	for (; *names != NULL; names++) {
		nr = seccomp_syscall_resolve_name(*names);
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
			return MEF_E_IO;
	}
	return MEF_OK;
}

/* Threads yes, processes no; and libevent's one ioctl. */
static enum mef_err
add_net_rules(scmp_filter_ctx ctx)
{
	/* Spelled out: SCMP_A0() leaves a field to the compiler's care. */
	const struct scmp_arg_cmp	thread = { .arg = 0,
					    .op = SCMP_CMP_MASKED_EQ,
					    .datum_a = CLONE_THREAD,
					    .datum_b = CLONE_THREAD };
	const struct scmp_arg_cmp	fionread = { .arg = 1,
					    .op = SCMP_CMP_EQ,
					    .datum_a = FIONREAD, .datum_b = 0 };
	int				rc = 0;

#ifndef SANDBOX_SANITIZER
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    &thread);
#else
	(void)thread;
#endif
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
		    1, &fionread);
	return rc == 0 ? add_list(ctx, net_calls) : MEF_E_IO;
}

/* see sandbox.h */
enum mef_err
sandbox_install(enum sandbox_role role, enum sandbox_mode mode)
{
	struct sigaction	 sa;
	scmp_filter_ctx		 ctx;
	enum mef_err		 rc;

	if (mode == SANDBOX_OFF)
		return MEF_OK;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("prctl PR_SET_NO_NEW_PRIVS");
		return MEF_E_IO;
	}
	if (mode == SANDBOX_TRAP) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = trap_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
	}
	ctx = seccomp_init(mode == SANDBOX_TRAP ? SCMP_ACT_TRAP :
	    SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return MEF_E_NOMEM;
	rc = add_list(ctx, common_calls);
	if (rc == MEF_OK && role == SANDBOX_NET)
		rc = add_net_rules(ctx);
#ifdef SANDBOX_SANITIZER
	if (rc == MEF_OK)
		rc = add_list(ctx, sanitizer_calls);
#endif
	if (rc == MEF_OK && seccomp_load(ctx) != 0)
		rc = MEF_E_IO;
	seccomp_release(ctx);
	if (rc != MEF_OK)
		log_warnx("seccomp: cannot install the filter");
	return rc;
}
