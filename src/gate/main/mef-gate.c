/*
 * mef-gate.c -- the gate's entry point: options, configuration, signals.
 *
 * As in mefd, SIGTERM and SIGINT are blocked before any thread exists and taken by
 * sigwait() in the main thread, which then stops the workers cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gate/gate.h"
#include "gate/gate_config.h"
#include "util/log.h"
#include "util/signals.h"

static void
usage(void)
{
	fprintf(stderr, "usage: mef-gate -c FILE [-n] [-v]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct gate		 g;
	static struct gate_config	 cfg;
	const char			*conf = NULL;
	char				 err[1024];
	sigset_t			 set;
	int				 ch, check = 0, verbose = 0, sig, level;

	while ((ch = getopt(argc, argv, "c:dnv")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (conf == NULL || optind != argc)
		usage();
	umask(077);
	log_init("mef-gate", LOG_LVL_INFO);
	if (gate_config_load(conf, &cfg, err, sizeof(err)) != MEF_OK) {
		fprintf(stderr, "mef-gate: %s\n", err);
		return 1;
	}
	level = verbose ? LOG_LVL_DEBUG : log_level_parse(cfg.log_level);
	log_set_level(level >= 0 ? (enum log_level)level : LOG_LVL_INFO);
	signals_block(&set);
	if (gate_init(&g, &cfg, check, err, sizeof(err)) != MEF_OK ||
	    (!check && gate_start(&g, err, sizeof(err)) != MEF_OK)) {
		fprintf(stderr, "mef-gate: %s\n", err);
		gate_stop(&g);
		gate_free(&g);
		return 1;
	}
	if (check) {
		gate_free(&g);
		printf("mef-gate: configuration OK\n");
		return 0;
	}
	log_info("started listen=%s upstream=%s target_id=%s mefs=%zu "
	    "workers=%u version=%s", cfg.listen, cfg.upstream, cfg.target_id,
	    cfg.nmefs, g.nworkers, MEF_VERSION);
	sig = signals_wait(&set);
	log_info("signal %d: shutting down", sig);
	gate_stop(&g);
	gate_free(&g);
	log_info("stopped");
	return 0;
}
