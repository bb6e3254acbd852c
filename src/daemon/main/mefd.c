/*
 * mefd.c -- the MEF daemon's entry point: options, configuration, signals.
 *
 * `mefd -n` checks everything in this one process (with the KEK loaded locally);
 * a real start hands over to proc.c, which forks the KEK process and the network
 * process and supervises them. SIGTERM/SIGINT are blocked before any fork or
 * thread, so every process inherits the mask and takes them only with sigwait().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/proc.h"
#include "daemon/sandbox.h"
#include "util/log.h"
#include "util/signals.h"

static void
usage(void)
{
	fprintf(stderr, "usage: mefd -c FILE [-n] [-v] [-d]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct mefd	 d;
	static struct mef_config cfg;
	struct sandbox_user	 user;
	const char		*conf = NULL;
	char			 err[1024];
	sigset_t		 set;
	int			 ch, check = 0, verbose = 0, level;

	while ((ch = getopt(argc, argv, "c:dnv")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			break;		/* always in the foreground */
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (conf == NULL || optind != argc)
		usage();
	/* Files mefd creates (the database, its WAL) are for its own user only. */
	umask(077);
	log_init("mefd", LOG_LVL_INFO);
	if (config_load(conf, &cfg, err, sizeof(err)) != MEF_OK) {
		fprintf(stderr, "mefd: %s\n", err);
		return 1;
	}
	level = log_level_parse(cfg.log_level);
	if (verbose)
		level = LOG_LVL_DEBUG;
	log_set_level(level >= 0 ? (enum log_level)level : LOG_LVL_INFO);

	signals_block(&set);

	if (!check)
		return proc_run(&cfg);
	if (sandbox_user_lookup(cfg.user, cfg.group, &user, err,
	    sizeof(err)) == MEF_OK &&
	    mefd_init(&d, &cfg, NULL, 1, err, sizeof(err)) == MEF_OK) {
		mefd_free(&d);
		printf("mefd: configuration OK\n");
		return 0;
	}
	fprintf(stderr, "mefd: %s\n", err);
	mefd_free(&d);
	return 1;
}
