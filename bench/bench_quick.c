/*
 * bench_quick.c -- a quick throughput and latency probe of mefd and mef-gate.
 *
 * One blocking thread per simulated client, each speaking TLS 1.2 PSK with
 * OpenSSL directly (or plain TCP with -P), so the numbers include no libmef
 * code on the client side. The modes are the table in bench_opts.c:
 * bootstrap (handshake + POST /enrolment + close per op), bootstrap-cert (the
 * same with the client certificate -C and key -K instead of a PSK:
 * ECDHE-ECDSA-AES128-SHA256, the certificate RSPF's mandatory suite, unless
 * -s says otherwise), fetch (one keep-alive connection per thread, GET
 * /fetchCredentials/<KeId> per op, with a PSK or with the client certificate
 * -C and key -K, the server checked against -A CA if given; -E FILE rotates
 * over the KeIds of FILE instead of the one of -e), idle (-c connections
 * opened by a few threads, one fetch on each, then all held open and idle for
 * -t seconds; the line is printed once they are all open, for a memory
 * probe), handshake (a bare TLS-PSK handshake per op, as a reference against
 * openssl s_server), get (connect + handshake + GET PATH + answer + close per
 * op) and get-ka (one keep-alive connection per thread, GET PATH per op). -i,
 * -k and -o repeat: each new connection takes the next credential of a
 * rotation shared by all threads, so consecutive handshakes use different
 * KeIds (to defeat a gate's key cache). Prints one line: mode, clients, seconds, ops, rate, p50
 * and p99 latency in µs, errors. Connections and response framing are in
 * bench_conn.c, KeId files in bench_keys.c. A bench, not a test: it sits
 * outside make test and links OpenSSL on purpose.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench_conn.h"
#include "bench_keys.h"
#include "bench_opts.h"

#define REQ_MAX		2048
#define IDLE_THREADS	4

/* One client thread's counters and latencies (µs). */
struct worker {
	pthread_t	 thread;
	SSL_CTX		*ctx;
	uint64_t	 ops;
	uint64_t	 errors;
	uint64_t	 reconnects;
	size_t		 next_key;	/* this thread's place in opt.keys */
	struct bench_conn *conns;	/* idle: the connections held */
	size_t		 nconns;
	uint32_t	*lat;
	size_t		 nlat;
	size_t		 caplat;
	char		 first_error[128];
};

static struct bench_opts opt;
static struct timespec	 deadline;
static atomic_uint	 next_cred;	/* the rotation over opt.creds */

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
past_deadline(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec > deadline.tv_sec || (ts.tv_sec == deadline.tv_sec &&
	    ts.tv_nsec >= deadline.tv_nsec);
}

static void
note_error(struct worker *w, const char *what)
{
	unsigned long	e = ERR_peek_last_error();
	char		ebuf[96] = "";

	w->errors++;
	if (e != 0)
		ERR_error_string_n(e, ebuf, sizeof(ebuf));
	ERR_clear_error();
	if (w->first_error[0] == '\0')
		snprintf(w->first_error, sizeof(w->first_error), "%s%s%s", what,
		    ebuf[0] != '\0' ? ": " : "", ebuf);
}

/* A new connection with the next credential of the rotation; 0 on success. */
static int
conn_open(struct worker *w, struct bench_conn *c)
{
	struct bench_cred	*cred;
	const char		*what;

	cred = &opt.creds[atomic_fetch_add(&next_cred, 1) % opt.ncreds];
	what = bench_conn_open(c, w->ctx, cred, opt.host, opt.port);
	if (what == NULL)
		return 0;
	note_error(w, what);
	return -1;
}

static void
record(struct worker *w, uint64_t t0)
{
	uint64_t	 dt = now_us() - t0;
	uint32_t	*p;
	size_t		 cap;

	w->ops++;
	if (w->nlat == w->caplat) {
		cap = w->caplat ? 2 * w->caplat : 4096;
		p = realloc(w->lat, cap * sizeof(*p));
		if (p == NULL)
			return;
		w->lat = p;
		w->caplat = cap;
	}
	w->lat[w->nlat++] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
}

/* The KeId of this thread's next fetch: -e, or the next of the -E file. */
static const char *
next_keyid(struct worker *w)
{
	if (opt.keys.n == 0)
		return opt.keyid;
	return opt.keys.ids[w->next_key++ % opt.keys.n];
}

static int
format_request(char *req, size_t reqsz, const struct bench_conn *c,
    unsigned long seq, const char *keyid)
{
	unsigned long	self = (unsigned long)pthread_self();
	const char	*origin = c->cred->origin;
	int		 n;

	if (opt.m->mode == MODE_BOOTSTRAP)
		n = snprintf(req, reqsz, "POST /enrolment HTTP/1.1\r\n"
		    "Host: %s\r\nX-M2M-Origin: %s\r\nX-M2M-RI: b-%lx-%lu\r\n"
		    "Content-Type: application/json\r\nContent-Length: 2\r\n"
		    "Connection: close\r\n\r\n{}", opt.host, origin, self, seq);
	else if (keyid != NULL)
		n = snprintf(req, reqsz, "GET /fetchCredentials/%s HTTP/1.1\r\n"
		    "Host: %s\r\nX-M2M-Origin: %s\r\nX-M2M-RI: f-%lx-%lu\r\n"
		    "Accept: application/json\r\n\r\n", keyid, opt.host,
		    origin, self, seq);
	else
		n = snprintf(req, reqsz, "GET %s HTTP/1.1\r\nHost: %s\r\n"
		    "X-M2M-Origin: %s\r\nX-M2M-RI: g-%lx-%lu\r\n"
		    "Accept: application/json\r\n%s\r\n", opt.path, opt.host,
		    origin, self, seq, opt.m->keep_alive ? "" :
		    "Connection: close\r\n");
	return n > 0 && (size_t)n < reqsz ? n : -1;
}

/* One request and its answer on c; the status, or -1 (noted) on failure. */
static int
exchange(struct worker *w, struct bench_conn *c, unsigned long seq)
{
	char	req[REQ_MAX];
	int	n, status;

	n = format_request(req, sizeof(req), c, seq,
	    opt.m->mode == MODE_FETCH || opt.m->mode == MODE_IDLE ?
	    next_keyid(w) : NULL);
	if (n < 0 || bench_conn_write(c, req, (size_t)n) != 0) {
		note_error(w, "write");
		return -1;
	}
	status = bench_conn_read_response(c);
	if (status < 0)
		note_error(w, "read");
	else if (status != opt.m->expect)
		note_error(w, "unexpected status");
	return status;
}

/* A new connection per op: a bare handshake, or one request and its answer. */
static void
run_per_connection(struct worker *w)
{
	struct bench_conn	*c;
	unsigned long	 seq = 0;
	uint64_t	 t0;
	int		 status;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	c->fd = -1;
	while (!past_deadline()) {
		t0 = now_us();
		if (conn_open(w, c) != 0) {
			usleep(1000);
			continue;
		}
		status = opt.m->expect != 0 ? exchange(w, c, seq++) : 0;
		bench_conn_close(c, 1);
		if (status == opt.m->expect)
			record(w, t0);
	}
	free(c);
}

/* One keep-alive connection per thread, one request per op. */
static void
run_keep_alive(struct worker *w)
{
	struct bench_conn	*c;
	unsigned long	 seq = 0;
	uint64_t	 t0;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	c->fd = -1;
	while (!past_deadline()) {
		if (c->fd == -1) {
			if (seq > 0)
				w->reconnects++;
			if (conn_open(w, c) != 0) {
				usleep(1000);
				continue;
			}
		}
		t0 = now_us();
		if (exchange(w, c, seq++) == opt.m->expect)
			record(w, t0);
		else
			bench_conn_close(c, 0);
	}
	bench_conn_close(c, 1);
	free(c);
}

/*
 * Opens w->nconns connections with one fetch on each and leaves them open;
 * main() holds them idle and closes them. A connection that fails is closed
 * and counted.
 */
static void
run_idle(struct worker *w)
{
	struct bench_conn	*c;
	size_t			 i;
	uint64_t		 t0;

	w->conns = calloc(w->nconns, sizeof(*w->conns));
	if (w->conns == NULL) {
		w->nconns = 0;
		return;
	}
	for (i = 0; i < w->nconns; i++) {
		c = &w->conns[i];
		c->fd = -1;
		if (conn_open(w, c) != 0)
			continue;
		t0 = now_us();
		if (exchange(w, c, i) == opt.m->expect)
			record(w, t0);
		else
			bench_conn_close(c, 0);
	}
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	if (opt.m->mode == MODE_IDLE)
		run_idle(w);
	else if (opt.m->keep_alive)
		run_keep_alive(w);
	else
		run_per_connection(w);
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
percentile(const uint32_t *v, size_t n, double q)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* The TLS context of the options; NULL with -P, and on error. */
static SSL_CTX *
make_ctx(void)
{
	SSL_CTX	*ctx;

	if (opt.plain)
		return NULL;
	if (opt.cert)
		ctx = bench_conn_ctx_cert(opt.cipher, opt.cert_file,
		    opt.key_file, opt.ca_file);
	else
		ctx = bench_conn_ctx(opt.cipher);
	if (ctx == NULL)
		fprintf(stderr, "bench_quick: cannot set up TLS (cipher %s)\n",
		    opt.cipher);
	/* As libmef does: the certificate's CN as X-M2M-Origin by default. */
	if (ctx != NULL && opt.cert && opt.creds[0].origin == NULL)
		opt.creds[0].origin = bench_conn_cert_cn(ctx, opt.cn,
		    sizeof(opt.cn)) == 0 ? opt.cn : "bench";
	return ctx;
}

/* Runs n threads over w until they end; 0, or -1. */
static int
run_workers(struct worker *w, size_t n, SSL_CTX *ctx)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		w[i].ctx = ctx;
		/* Spread the threads over the KeId rotation. */
		w[i].next_key = opt.keys.n > 0 ? i * opt.keys.n / n : 0;
		if (opt.m->mode == MODE_IDLE)
			w[i].nconns = (size_t)opt.clients / n +
			    (i < (size_t)opt.clients % n);
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "bench_quick: pthread_create failed\n");
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	return 0;
}

/* Prints the line of the run over n threads; returns the ops, or 0. */
static uint64_t
report(struct worker *w, size_t n, uint64_t elapsed)
{
	uint32_t	*all;
	uint64_t	 ops = 0, errors = 0, reconnects = 0;
	size_t		 nall = 0, i;
	const char	*first_error = NULL;

	for (i = 0; i < n; i++) {
		ops += w[i].ops;
		errors += w[i].errors;
		reconnects += w[i].reconnects;
		nall += w[i].nlat;
		if (first_error == NULL && w[i].first_error[0] != '\0')
			first_error = w[i].first_error;
	}
	all = malloc((nall ? nall : 1) * sizeof(*all));
	if (all == NULL)
		return 0;
	nall = 0;
	for (i = 0; i < n; i++) {
		if (w[i].nlat > 0)
			memcpy(all + nall, w[i].lat, w[i].nlat * sizeof(*all));
		nall += w[i].nlat;
	}
	qsort(all, nall, sizeof(*all), cmp_u32);
	printf("%s clients=%d seconds=%d ops=%llu rate=%.1f/s p50_us=%u "
	    "p99_us=%u errors=%llu\n", opt.m->name, opt.clients, opt.seconds,
	    (unsigned long long)ops, (double)ops * 1e6 / (double)elapsed,
	    percentile(all, nall, 0.50), percentile(all, nall, 0.99),
	    (unsigned long long)errors);
	fflush(stdout);
	if (errors > 0 || reconnects > 0)
		fprintf(stderr, "bench_quick: %s: %llu errors, %llu reconnects; "
		    "first: %s\n", opt.m->name, (unsigned long long)errors,
		    (unsigned long long)reconnects,
		    first_error != NULL ? first_error : "-");
	free(all);
	return ops;
}

/* idle: the line is out; holds the connections -t seconds, then closes. */
static void
hold_idle(struct worker *w, size_t n)
{
	size_t	i, j;

	sleep((unsigned)opt.seconds);
	for (i = 0; i < n; i++) {
		for (j = 0; j < w[i].nconns; j++)
			bench_conn_close(&w[i].conns[j], 1);
		free(w[i].conns);
	}
}

int
main(int argc, char *argv[])
{
	struct worker	*w;
	SSL_CTX		*ctx;
	uint64_t	 t0, ops = 0;
	size_t		 n, i;

	bench_opts_parse(argc, argv, &opt);
	/* A peer that closed first must not kill us on the close_notify write. */
	signal(SIGPIPE, SIG_IGN);
	ctx = make_ctx();
	if (ctx == NULL && !opt.plain)
		return 1;
	n = (size_t)opt.clients;
	if (opt.m->mode == MODE_IDLE && n > IDLE_THREADS)
		n = IDLE_THREADS;
	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt.seconds;
	t0 = now_us();
	if (run_workers(w, n, ctx) == 0)
		ops = report(w, n, now_us() - t0);
	if (opt.m->mode == MODE_IDLE)
		hold_idle(w, n);
	for (i = 0; i < n; i++)
		free(w[i].lat);
	free(w);
	SSL_CTX_free(ctx);
	bench_keys_free(&opt.keys);
	return ops > 0 ? 0 : 1;
}
