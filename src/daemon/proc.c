/*
 * proc.c -- mefd's process tree: fork, supervise, shut down.
 *
 * The KEK process is forked first and keeps, besides stdin/out/err, only the
 * server ends of the channels (everything else is closed before it reads kek_file).
 * It must answer a HELLO before the network process is forked, so a bad kek_file
 * stops mefd before any socket is bound. Both children die with the parent
 * (PR_SET_PDEATHSIG): a kill -9 of mefd stops the whole tree at once, as it did
 * when mefd was one process. The KEK process ends by itself when the last channel
 * closes, that is once the network process has exited, so shutdown needs no
 * signal to it and a bootstrap in flight can still wrap its key.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/keyd.h"
#include "daemon/proc.h"
#include "daemon/sandbox.h"
#include "util/log.h"
#include "util/signals.h"

#define PROC_CHAN_MAX	64	/* keyd_serve()'s poll set */

struct proc {
	const struct mef_config	*cfg;
	struct sandbox_user	 user;
	enum sandbox_mode	 mode;
	pid_t			 parent;
	int			 srv[PROC_CHAN_MAX];	/* the KEK process's ends */
	int			 cli[PROC_CHAN_MAX];	/* the network's ends */
	size_t			 nchan;
};

/* Closes every descriptor above 2 except the n of keep. */
static void
close_except(const int *keep, size_t n)
{
	unsigned	lo = 3, k;
	size_t		i, j;
	int		sorted[PROC_CHAN_MAX], t;

	memcpy(sorted, keep, n * sizeof(*keep));
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		k = (unsigned)sorted[i];
		if (k > lo)
			(void)close_range(lo, k - 1, 0);
		lo = k + 1;
	}
	(void)close_range(lo, ~0U, 0);
}

/*
 * Makes sure descriptors 0, 1 and 2 are open (on /dev/null if they were not), so no
 * channel can land on them and receive what is meant for stderr.
 */
static int
stdio_guard(void)
{
	int	fd;

	for (;;) {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd == -1)
			return -1;
		if (fd > 2) {
			close(fd);
			return 0;
		}
		/* A descriptor below 3 was free: keep it, without CLOEXEC. */
		(void)fcntl(fd, F_SETFD, 0);
	}
}

/* Die with the parent, even if it is already gone. */
static void
die_with_parent(const struct proc *p)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
	    getppid() != p->parent)
		_exit(1);
}

/*
 * In a child just forked: die with the parent; take a name ps(1) and the tests can
 * tell apart (threads inherit it).
 */
static void
child_setup(const struct proc *p, const char *name)
{
	die_with_parent(p);
	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
}

/*
 * Gives up root and installs the filter. The kernel clears the parent-death signal
 * on a uid change, so it is set again in between.
 */
static enum mef_err
child_confine(const struct proc *p, enum sandbox_role role, const char *who)
{
	enum mef_err	rc;

	rc = sandbox_drop(&p->user, who);
	if (rc != MEF_OK)
		return rc;
	die_with_parent(p);
	return sandbox_install(role, p->mode);
}

/* Loads everything OpenSSL loads lazily, so the filter need not allow it. */
static enum mef_err
warm_up(struct wrap_kek *kek)
{
	struct mef_secret	*k = NULL, *back = NULL;
	unsigned char		 blob[WRAP_OVERHEAD + 16];
	size_t			 len;
	enum mef_err		 rc;

	rc = mef_secret_alloc(16, &k);
	if (rc == MEF_OK)
		rc = wrap_seal(kek, "warm-up", k, blob, sizeof(blob), &len);
	if (rc == MEF_OK)
		rc = wrap_open(kek, "warm-up", blob, len, &back);
	mef_secret_free(&k);
	mef_secret_free(&back);
	return rc;
}

static int
keyd_main(struct proc *p)
{
	struct wrap_kek	*kek = NULL;
	char		 err[1024];
	int		 rc = 1;

	log_init("mefd-kek", log_get_level());
	close_except(p->srv, p->nchan);
	if (wrap_kek_load(p->cfg->kek_file, &kek, err, sizeof(err)) != MEF_OK) {
		log_warnx("%s", err);
		return 1;
	}
	if (warm_up(kek) != MEF_OK ||
	    child_confine(p, SANDBOX_KEYD, "kek process") != MEF_OK)
		goto out;
	rc = keyd_serve(kek, p->srv, p->nchan);
out:
	wrap_kek_free(&kek);
	return rc;
}

static int
net_main(struct proc *p, struct wrap_kek *kek)
{
	static struct mefd	 d;
	const struct mef_config	*cfg = p->cfg;
	char			 err[1024];
	sigset_t		 set;
	int			 sig, rc = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (mefd_init(&d, cfg, kek, 0, err, sizeof(err)) != MEF_OK) {
		log_warnx("%s", err);
		goto out;
	}
	/* Bound and opened as root; nothing after this needs root. */
	if (child_confine(p, SANDBOX_NET, "network process") != MEF_OK)
		goto out;
	if (mefd_start(&d, err, sizeof(err)) != MEF_OK) {
		log_warnx("%s", err);
		mefd_stop(&d);
		goto out;
	}
	log_info("started fqdn=%s bootstrap=%s target=%s workers=%u "
	    "sandbox=%s version=%s", cfg->fqdn, cfg->boot_listen,
	    cfg->target_listen, d.nworkers, cfg->sandbox, MEF_VERSION);
	sig = signals_wait(&set);
	log_info("signal %d: shutting down", sig);
	mefd_stop(&d);
	rc = 0;
out:
	mefd_free(&d);
	if (rc == 0)
		log_info("stopped");
	return rc;
}

/* Describes a wait status for a log line. */
static void
status_text(int status, char *buf, size_t bufsz)
{
	if (WIFEXITED(status))
		snprintf(buf, bufsz, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		snprintf(buf, bufsz, "was killed by SIGSYS (a system call "
		    "outside its seccomp filter)");
	else if (WIFSIGNALED(status))
		snprintf(buf, bufsz, "was killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(buf, bufsz, "ended (status %#x)", (unsigned)status);
}

static int
make_channels(struct proc *p)
{
	long	ncpu;
	size_t	i;
	int	sv[2];

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	/* One per worker, the commit thread, the main thread. */
	p->nchan = (p->cfg->workers != 0 ? p->cfg->workers :
	    (ncpu > 0 ? (size_t)ncpu : 1)) + 2;
	if (p->nchan > PROC_CHAN_MAX)
		p->nchan = PROC_CHAN_MAX;
	for (i = 0; i < p->nchan; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
		    sv) == -1) {
			log_warn("socketpair");
			return -1;
		}
		p->srv[i] = sv[0];
		p->cli[i] = sv[1];
	}
	return 0;
}

static void
close_all(int *fds, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (fds[i] != -1) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/*
 * Waits for the children. Returns the exit status: the network process's, or 1
 * when a child died unasked.
 */
static int
supervise(pid_t keyd, pid_t net, const sigset_t *set)
{
	char	why[128];
	int	status, sig, failed = 0, net_rc = 1, stopping = 0;
	pid_t	pid;

	while (keyd != -1 || net != -1) {
		sig = signals_wait(set);
		if (sig == SIGTERM || sig == SIGINT) {
			if (net != -1 && !stopping)
				kill(net, SIGTERM);
			stopping = 1;
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			status_text(status, why, sizeof(why));
			if (pid == net) {
				net = -1;
				net_rc = WIFEXITED(status) ?
				    WEXITSTATUS(status) : 1;
				if (net_rc != 0 && !stopping)
					log_warnx("network process %s", why);
			} else if (pid == keyd) {
				keyd = -1;
				/*
				 * Status 0 means every channel was closed by
				 * its peer: the network process has ended
				 * (it may not have been reaped yet).
				 */
				if (WIFEXITED(status) &&
				    WEXITSTATUS(status) == 0)
					continue;
				failed = 1;
				log_warnx("kek process %s%s", why, net != -1 ?
				    ": shutting down" : "");
				if (net != -1)
					kill(net, SIGTERM);
				stopping = 1;
			}
		}
	}
	return failed ? 1 : net_rc;
}

/* see proc.h */
int
proc_run(const struct mef_config *cfg)
{
	struct proc	 p;
	struct wrap_kek	*kek = NULL;
	char		 err[1024];
	sigset_t	 set;
	pid_t		 keyd, net;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.mode = sandbox_mode_parse(cfg->sandbox);
	p.parent = getpid();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sandbox_nodump();
	if (sandbox_user_lookup(cfg->user, cfg->group, &p.user, err,
	    sizeof(err)) != MEF_OK) {
		log_warnx("%s", err);
		return 1;
	}
	if (stdio_guard() == -1 || make_channels(&p) == -1)
		return 1;
	keyd = fork();
	if (keyd == -1) {
		log_warn("fork");
		return 1;
	}
	if (keyd == 0) {
		child_setup(&p, "mefd-kek");
		close_all(p.cli, p.nchan);
		exit(keyd_main(&p));
	}
	close_all(p.srv, p.nchan);
	if (keyd_client_new(p.cli, p.nchan, &kek) != MEF_OK ||
	    keyd_client_hello(kek) != MEF_OK) {
		/* The KEK process said why (kek_file) before it exited. */
		wrap_kek_free(&kek);
		waitpid(keyd, NULL, 0);
		return 1;
	}
	net = fork();
	if (net == 0) {
		child_setup(&p, "mefd-net");
		exit(net_main(&p, kek));
	}
	if (net == -1)
		log_warn("fork");
	/* The parent keeps no channel: the KEK process sees only the network's. */
	wrap_kek_free(&kek);
	if (net == -1) {
		waitpid(keyd, NULL, 0);
		return 1;
	}
	return supervise(keyd, net, &set);
}
