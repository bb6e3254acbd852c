/*
 * test_sandbox.c -- the seccomp filters hold: in a forked child, a call the role's
 * allow-list lacks kills the process (SIGSYS), a call it has works, and trap mode
 * names the refused call on stderr before ending the process.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD	1
#endif
#endif

enum probe { PROBE_SOCKET, PROBE_EXECVE, PROBE_WRITE, PROBE_FORK };

/* Runs the probe in a child under role's filter; returns the wait status. */
static int
run(enum sandbox_role role, enum sandbox_mode mode, enum probe probe,
    int errfd)
{
	char *const	argv[] = { (char *)"/bin/true", NULL };
	pid_t		pid;
	int		status = 0, fd;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (errfd != -1)
			dup2(errfd, STDERR_FILENO);
		if (sandbox_install(role, mode) != MEF_OK)
			_exit(10);
		switch (probe) {
		case PROBE_SOCKET:
			fd = socket(AF_INET, SOCK_STREAM, 0);
			_exit(fd == -1 ? 11 : 0);
		case PROBE_EXECVE:
			execv(argv[0], argv);
			_exit(12);
		case PROBE_FORK:
			/* A process, not a thread: clone without CLONE_THREAD. */
			_exit(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) == -1 ?
			    13 : 0);
		case PROBE_WRITE:
			_exit(write(STDERR_FILENO, "", 0) == 0 ? 0 : 14);
		}
		_exit(15);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int
killed_by_sigsys(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

static void
test_kill(void **state)
{
	int	st;

	(void)state;
	st = run(SANDBOX_KEYD, SANDBOX_KILL, PROBE_WRITE, -1);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(killed_by_sigsys(run(SANDBOX_KEYD, SANDBOX_KILL,
	    PROBE_SOCKET, -1)));
	assert_true(killed_by_sigsys(run(SANDBOX_KEYD, SANDBOX_KILL,
	    PROBE_EXECVE, -1)));
	assert_true(killed_by_sigsys(run(SANDBOX_NET, SANDBOX_KILL,
	    PROBE_SOCKET, -1)));
	assert_true(killed_by_sigsys(run(SANDBOX_NET, SANDBOX_KILL,
	    PROBE_EXECVE, -1)));
#ifndef ASAN_BUILD
	/* Sanitizer builds let clone through for the leak checker. */
	assert_true(killed_by_sigsys(run(SANDBOX_NET, SANDBOX_KILL,
	    PROBE_FORK, -1)));
#endif
	st = run(SANDBOX_NET, SANDBOX_OFF, PROBE_SOCKET, -1);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_trap(void **state)
{
	char	buf[256], want[80];
	ssize_t	n;
	int	p[2], st;

	(void)state;
	assert_int_equal(pipe(p), 0);
	st = run(SANDBOX_KEYD, SANDBOX_TRAP, PROBE_SOCKET, p[1]);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGSYS);
	snprintf(want, sizeof(want), "seccomp: system call %d is not allowed",
	    (int)SYS_socket);
	assert_non_null(strstr(buf, want));
}

static void
test_mode_parse(void **state)
{
	(void)state;
	assert_int_equal(sandbox_mode_parse("yes"), SANDBOX_KILL);
	assert_int_equal(sandbox_mode_parse("no"), SANDBOX_OFF);
	assert_int_equal(sandbox_mode_parse("trap"), SANDBOX_TRAP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_trap),
		cmocka_unit_test(test_mode_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
