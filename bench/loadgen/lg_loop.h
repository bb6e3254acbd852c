/*
 * lg_loop.h -- one thread of bench_loadgen: an epoll loop over its share of
 * the connections, each driven by a small state machine (connect, handshake,
 * write the request, read the answer, then again or close).
 *
 * A thread owns its connections, counters and histogram and shares nothing
 * writable with the others but the stop flag, so the loops take no lock;
 * main() merges the counters once the threads have ended.
 */
#ifndef MEF_BENCH_LG_LOOP_H
#define MEF_BENCH_LG_LOOP_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "lg_conn.h"
#include "lg_hist.h"
#include "lg_opts.h"

#define LG_RBUF		16384
#define LG_ERR_TEXT	160

/* What all threads read; set before they start. */
struct lg_run {
	struct lg_opts		*o;
	SSL_CTX			*ctx;		/* NULL: plain */
	struct lg_addr		 addr;
	uint64_t		 t_begin_ns;	/* after the warm-up */
	uint64_t		 t_end_ns;	/* window closes */
	volatile sig_atomic_t	*stop;		/* set by SIGINT, SIGTERM */
};

/* What failed, counted apart. */
enum lg_fail {
	LG_F_CONNECT,		/* TCP connect */
	LG_F_TLS,		/* handshake or export */
	LG_F_IO,		/* read or write, or closed mid-answer */
	LG_F_HTTP,		/* malformed answer */
	LG_F_STATUS,		/* not the status the mode expects */
	LG_F_LENGTH,		/* body not the length of -b */
	LG_F_TIMEOUT,		/* no answer within -T */
	LG_F_COUNT,
};

struct lg_stats {
	uint64_t	ops;		/* measured, complete, correct */
	uint64_t	warm_ops;	/* complete before the window */
	uint64_t	fail[LG_F_COUNT];
	uint64_t	non2xx;		/* of fail[LG_F_STATUS] */
	uint64_t	reconnects;	/* keep-alive connections reopened */
	uint64_t	body_bytes;	/* of the measured ops */
	uint64_t	t_last_ns;	/* end of the last measured op */
	struct lg_hist	hist;
	char		first_error[LG_ERR_TEXT];
};

struct lg_slot;

struct lg_worker {
	pthread_t		 thread;
	int			 index;
	const struct lg_run	*run;
	int			 ep;
	struct lg_slot		*slots;
	size_t			 nslots;
	uint64_t		 quota;		/* -n share; 0: none */
	size_t			 next_cred;
	size_t			 next_key;
	unsigned long		 seq;
	size_t			 nopened;	/* idle: slots started */
	size_t			 nsettled;	/* idle: held or failed */
	size_t			 nbackoff;
	struct lg_stats		 st;
	char			 rbuf[LG_RBUF];
};

/*
 * Sets up w for nslots connections (0, or -1 out of memory); w->run, index
 * and quota are set by the caller.
 */
int	lg_loop_init(struct lg_worker *w, size_t nslots);
/* The thread: runs until the window ends, the quota is met, or stop. */
void	*lg_loop_main(void *arg);
/* Closes every connection w still holds (idle) and frees w's slots. */
void	lg_loop_free(struct lg_worker *w);

#endif /* MEF_BENCH_LG_LOOP_H */
