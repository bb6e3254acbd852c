/*
 * mefd.c -- the MEF daemon's entry point: options, configuration, signals.
 *
 * The main thread only starts the others and waits for SIGTERM/SIGINT with sigwait():
 * those signals are blocked before any thread exists, so no worker is ever interrupted
 * by them and shutdown runs in one known place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/daemon.h"
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
	const char		*conf = NULL;
	char			 err[1024];
	sigset_t		 set;
	int			 ch, check = 0, verbose = 0, sig, level;

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

	if (check && mefd_init(&d, &cfg, 1, err, sizeof(err)) == MEF_OK) {
		mefd_free(&d);
		printf("mefd: configuration OK\n");
		return 0;
	}
	if (check) {
		fprintf(stderr, "mefd: %s\n", err);
		mefd_free(&d);
		return 1;
	}
	if (mefd_init(&d, &cfg, 0, err, sizeof(err)) != MEF_OK ||
	    mefd_start(&d, err, sizeof(err)) != MEF_OK) {
		log_warnx("%s", err);
		mefd_stop(&d);
		mefd_free(&d);
		return 1;
	}
	log_info("started fqdn=%s bootstrap=%s target=%s workers=%u version=%s",
	    cfg.fqdn, cfg.boot_listen, cfg.target_listen, d.nworkers,
	    MEF_VERSION);
	sig = signals_wait(&set);
	log_info("signal %d: shutting down", sig);
	mefd_stop(&d);
	mefd_free(&d);
	log_info("stopped");
	return 0;
}
