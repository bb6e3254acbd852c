/*
 * lg_main.c -- bench_loadgen: the load client of the bench scripts.
 *
 * -c connections spread over -t threads, each thread one epoll loop over
 * non-blocking sockets and non-blocking OpenSSL (lg_loop.c), so a single
 * core drives hundreds of connections and the client is rarely the bound.
 * Modes (lg_opts.c): bootstrap and bootstrap-cert (per op: connect, TLS 1.2
 * handshake, export, POST /enrolment, whole answer, close; each connection
 * takes the next credential, -I gives thousands), fetch (keep-alive GET
 * /fetchCredentials/<KeId> over the KeIds of -e or -E), handshake and
 * ref-handshake (handshake and export only), get and get-ka (GET PATH per
 * connection or keep-alive; plain TCP with -P), idle (-c connections, one
 * fetch each, then held -d seconds or until SIGTERM; the line is printed once
 * they are all open, for a memory probe). Runs -d seconds after -w seconds of
 * warm-up, or until -n ops. Prints one line of key=value fields (rate, p50_us
 * .. max_us from a merged log-linear histogram, errors) that the scripts
 * parse; error details go to stderr. Not part of make test; OpenSSL is used
 * directly on purpose, so no libmef code runs on the client side.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lg_loop.h"

static volatile sig_atomic_t	stop;

static const char *const	fail_names[LG_F_COUNT] = {
	"connect", "tls", "io", "http", "status", "length", "timeout",
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Starts n threads over w, -c connections split among them; 0, or -1. */
static int
start_workers(struct lg_worker *w, size_t n, const struct lg_run *run)
{
	const struct lg_opts	*o = run->o;
	size_t			 i, nslots;

	for (i = 0; i < n; i++) {
		w[i].run = run;
		w[i].index = (int)i;
		w[i].ep = -1;
		nslots = (size_t)o->conns / n + (i < (size_t)o->conns % n);
		if (o->count > 0)
			w[i].quota = o->count / n + (i < o->count % n);
		/* Spread the threads over the rotations. */
		w[i].next_cred = i * o->ncreds / n;
		w[i].next_key = o->keys.n > 0 ? i * o->keys.n / n : 0;
		if (lg_loop_init(&w[i], nslots) != 0) {
			fprintf(stderr, "bench_loadgen: out of memory\n");
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&w[i].thread, NULL, lg_loop_main,
		    &w[i]) != 0) {
			fprintf(stderr, "bench_loadgen: pthread_create\n");
			stop = 1;
			while (i-- > 0)
				pthread_join(w[i].thread, NULL);
			return -1;
		}
	return 0;
}

static double
us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

/* Merges the threads' counts into all; the first error text in *perr. */
static void
merge(struct lg_stats *all, struct lg_worker *w, size_t n, const char **perr)
{
	size_t	i, f;

	*perr = NULL;
	for (i = 0; i < n; i++) {
		all->ops += w[i].st.ops;
		all->warm_ops += w[i].st.warm_ops;
		for (f = 0; f < LG_F_COUNT; f++)
			all->fail[f] += w[i].st.fail[f];
		all->non2xx += w[i].st.non2xx;
		all->reconnects += w[i].st.reconnects;
		all->body_bytes += w[i].st.body_bytes;
		if (w[i].st.t_last_ns > all->t_last_ns)
			all->t_last_ns = w[i].st.t_last_ns;
		lg_hist_merge(&all->hist, &w[i].st.hist);
		if (*perr == NULL && w[i].st.first_error[0] != '\0')
			*perr = w[i].st.first_error;
	}
}

/* Prints the line of the run; returns the ops. */
static uint64_t
report(const struct lg_opts *o, struct lg_worker *w, size_t n,
    uint64_t t_begin, uint64_t t_end)
{
	struct lg_stats	*all;
	const char	*first;
	uint64_t	 errors = 0, ops;
	double		 secs;
	size_t		 f;

	all = calloc(1, sizeof(*all));
	if (all == NULL)
		return 0;
	merge(all, w, n, &first);
	for (f = 0; f < LG_F_COUNT; f++)
		errors += all->fail[f];
	/* Count met: up to the last op; idle: the time it took to open. */
	if ((o->count > 0 && all->ops >= o->count) || o->m->kind == LG_IDLE)
		t_end = all->t_last_ns > t_begin ? all->t_last_ns : t_end;
	secs = t_end > t_begin ? (double)(t_end - t_begin) / 1e9 : 1e-9;
	printf("%s clients=%d threads=%d seconds=%.2f ops=%llu rate=%.1f/s "
	    "p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f "
	    "mean_us=%.0f errors=%llu non2xx=%llu body_bytes=%.0f\n",
	    o->m->name, o->conns, o->threads, secs,
	    (unsigned long long)all->ops, (double)all->ops / secs,
	    us(lg_hist_quantile(&all->hist, 0.50)),
	    us(lg_hist_quantile(&all->hist, 0.90)),
	    us(lg_hist_quantile(&all->hist, 0.99)),
	    us(lg_hist_quantile(&all->hist, 0.999)), us(all->hist.max_ns),
	    all->hist.n ? us(all->hist.sum_ns / all->hist.n) : 0.0,
	    (unsigned long long)errors, (unsigned long long)all->non2xx,
	    all->ops ? (double)all->body_bytes / (double)all->ops : 0.0);
	fflush(stdout);
	if (errors > 0 || all->reconnects > 0) {
		fprintf(stderr, "bench_loadgen: %s: %llu errors (", o->m->name,
		    (unsigned long long)errors);
		for (f = 0; f < LG_F_COUNT; f++)
			fprintf(stderr, "%s%s=%llu", f ? " " : "",
			    fail_names[f],
			    (unsigned long long)all->fail[f]);
		fprintf(stderr, "), %llu reconnects; first: %s\n",
		    (unsigned long long)all->reconnects,
		    first != NULL ? first : "-");
	}
	ops = all->ops;
	free(all);
	return ops;
}

/* idle: the line is out; holds the connections -d seconds or until stop. */
static void
hold(const struct lg_opts *o)
{
	struct timespec	tick = { 0, 50000000 };
	uint64_t	end = now_ns() + (uint64_t)(o->seconds * 1e9);

	while (!stop && now_ns() < end)
		nanosleep(&tick, NULL);
}

int
main(int argc, char *argv[])
{
	static struct lg_opts	 o;
	static struct lg_run	 run;
	struct lg_worker	*w;
	struct sigaction	 sa;
	uint64_t		 t0, ops = 0;
	size_t			 n, i;

	lg_opts_parse(argc, argv, &o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A peer that closed first must not kill us on the close_notify. */
	signal(SIGPIPE, SIG_IGN);
	run.o = &o;
	run.stop = &stop;
	if (lg_conn_resolve(o.host, o.port, &run.addr) != 0)
		return 1;
	if (!o.plain) {
		run.ctx = lg_conn_ctx(&o);
		if (run.ctx == NULL)
			return 1;
	}
	n = (size_t)o.threads;
	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return 1;
	t0 = now_ns();
	run.t_begin_ns = t0 + (uint64_t)(o.warmup_s * 1e9);
	/* -n ends at the count or after -d seconds, whichever comes first. */
	if (o.m->kind != LG_IDLE)
		run.t_end_ns = run.t_begin_ns + (uint64_t)(o.seconds * 1e9);
	if (start_workers(w, n, &run) == 0) {
		for (i = 0; i < n; i++)
			pthread_join(w[i].thread, NULL);
		t0 = now_ns();
		ops = report(&o, w, n, run.t_begin_ns, run.t_end_ns != 0 &&
		    run.t_end_ns < t0 ? run.t_end_ns : t0);
		if (o.m->kind == LG_IDLE)
			hold(&o);
	}
	for (i = 0; i < n; i++)
		lg_loop_free(&w[i]);
	free(w);
	SSL_CTX_free(run.ctx);
	lg_opts_free(&o);
	return ops > 0 ? 0 : 1;
}
