/*
 * lg_loop.c -- the event loop of one bench_loadgen thread.
 *
 * Level-triggered epoll over non-blocking sockets; each slot registers the
 * one event its state waits for and changes it only when that changes, so a
 * keep-alive fetch costs one write and one read (OpenSSL reads ahead, and the
 * loop stops at the answer's last byte) plus a share of one epoll_wait per
 * request. connect() does not wait for EPOLLOUT: the ClientHello is written at
 * once and retried if it was too early. A failed slot waits a millisecond
 * before it reconnects, so a server that refuses does not turn the loop into
 * a spin. Latency: per keep-alive request, from the write of the
 * request to the last byte of the answer; per connection op (bootstrap,
 * handshake, get), from connect() to the last byte (or the export).
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "lg_http.h"
#include "lg_loop.h"

#define REQ_MAX		768
#define EVENTS		256
#define TICK_MS		100
#define BACKOFF_NS	1000000u
#define IDLE_INFLIGHT	64	/* idle: connections being opened at once */

enum {
	ST_UNUSED,
	ST_HANDSHAKE,
	ST_WRITING,
	ST_READING,
	ST_HELD,	/* idle: open after its answer */
	ST_BACKOFF,	/* failed; reconnects at retry_ns */
	ST_FAILED,	/* idle: failed, not retried */
};

struct lg_slot {
	struct lg_conn	 c;
	unsigned	 state;
	uint32_t	 events;	/* registered with epoll; 0: none */
	uint64_t	 t_op_ns;	/* start of the timed op */
	uint64_t	 retry_ns;
	int		 unconfirmed;	/* connect() under way when we wrote */
	size_t		 req_len;
	size_t		 req_off;	/* plain TCP only */
	struct lg_http	 http;
	char		 req[REQ_MAX];
};

static void	slot_open(struct lg_worker *w, struct lg_slot *s);
static void	step(struct lg_worker *w, struct lg_slot *s);

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether the thread is to start more ops. */
static int
running(const struct lg_worker *w, uint64_t now)
{
	const struct lg_run	*r = w->run;

	if (*r->stop)
		return 0;
	if (r->t_end_ns != 0 && now >= r->t_end_ns)
		return 0;
	return w->quota == 0 || w->st.ops < w->quota;
}

/* Registers interest in ev (EPOLLIN or EPOLLOUT) for s, if it changed. */
static int
want(struct lg_worker *w, struct lg_slot *s, uint32_t ev)
{
	struct epoll_event	e;
	int			op;

	if (s->events == ev)
		return 0;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = s;
	op = s->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (epoll_ctl(w->ep, op, s->c.fd, &e) != 0)
		return -1;
	s->events = ev;
	return 0;
}

static void
slot_close(struct lg_slot *s, int orderly)
{
	/* close() drops the fd from the epoll set. */
	lg_conn_close(&s->c, orderly);
	s->events = 0;
}

/* The slot failed: counted, closed, and retried unless idle. */
static void
slot_fail(struct lg_worker *w, struct lg_slot *s, enum lg_fail f,
    const char *what)
{
	char	ossl[96];
	int	err = errno;

	/* A write before the connect completed fails as the connect did. */
	if (s->unconfirmed && (err == ECONNREFUSED || err == ETIMEDOUT ||
	    err == EHOSTUNREACH || err == ENETUNREACH || (s->c.fd != -1 &&
	    lg_conn_connected(&s->c) != LG_IO_OK))) {
		f = LG_F_CONNECT;
		what = strerror(err != 0 ? err : errno);
	}
	s->unconfirmed = 0;
	w->st.fail[f]++;
	lg_conn_error(ossl, sizeof(ossl));
	if (w->st.first_error[0] == '\0')
		snprintf(w->st.first_error, sizeof(w->st.first_error),
		    "%s%s%s", what, ossl[0] != '\0' ? ": " : "", ossl);
	slot_close(s, 0);
	if (w->run->o->m->kind == LG_IDLE) {
		s->state = ST_FAILED;
		w->nsettled++;
		return;
	}
	s->state = ST_BACKOFF;
	s->retry_ns = now_ns() + BACKOFF_NS;
	w->nbackoff++;
}

/* Waits for what the step asked; the slot fails if it cannot. */
static void
wait_io(struct lg_worker *w, struct lg_slot *s, enum lg_io io)
{
	if (want(w, s, io == LG_IO_WANT_READ ? EPOLLIN : EPOLLOUT) != 0)
		slot_fail(w, s, LG_F_IO, "epoll_ctl");
}

/* The request of the mode into s->req; 0, or -1 if it does not fit. */
static int
format_request(struct lg_worker *w, struct lg_slot *s)
{
	const struct lg_opts	*o = w->run->o;
	const char		*origin = s->c.cred->origin;
	const char		*keyid;
	unsigned long		 seq = w->seq++;
	int			 n;

	if (o->m->kind == LG_BOOTSTRAP)
		n = snprintf(s->req, sizeof(s->req), "POST /enrolment "
		    "HTTP/1.1\r\nHost: %s\r\nX-M2M-Origin: %s\r\n"
		    "X-M2M-RI: b-%d-%lu\r\nContent-Type: application/json\r\n"
		    "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
		    o->host, origin, w->index, seq);
	else if (o->m->kind == LG_GET)
		n = snprintf(s->req, sizeof(s->req), "GET %s HTTP/1.1\r\n"
		    "Host: %s\r\nX-M2M-Origin: %s\r\nX-M2M-RI: g-%d-%lu\r\n"
		    "Accept: %s\r\n%s\r\n", o->path, o->host, origin,
		    w->index, seq, o->accept,
		    o->m->keep_alive ? "" : "Connection: close\r\n");
	else {
		keyid = o->keys.n > 0 ? o->keys.v[w->next_key++ % o->keys.n] :
		    o->keyid;
		n = snprintf(s->req, sizeof(s->req), "GET /fetchCredentials/%s "
		    "HTTP/1.1\r\nHost: %s\r\nX-M2M-Origin: %s\r\n"
		    "X-M2M-RI: f-%d-%lu\r\nAccept: %s\r\n\r\n", keyid, o->host,
		    origin, w->index, seq, o->accept);
	}
	if (n < 0 || (size_t)n >= sizeof(s->req))
		return -1;
	s->req_len = (size_t)n;
	s->req_off = 0;
	return 0;
}

static void
start_request(struct lg_worker *w, struct lg_slot *s)
{
	const struct lg_mode	*m = w->run->o->m;

	if (format_request(w, s) != 0) {
		slot_fail(w, s, LG_F_IO, "request too long");
		return;
	}
	if (m->keep_alive && m->kind != LG_IDLE)
		s->t_op_ns = now_ns();
	lg_http_begin(&s->http);
	s->state = ST_WRITING;
	step(w, s);
}

/* One op ended well at now: counted if inside the window. */
static void
op_done(struct lg_worker *w, struct lg_slot *s, uint64_t now)
{
	if (now < w->run->t_begin_ns) {
		w->st.warm_ops++;
		return;
	}
	if ((w->run->t_end_ns != 0 && now > w->run->t_end_ns) ||
	    (w->quota != 0 && w->st.ops >= w->quota))
		return;
	w->st.ops++;
	w->st.body_bytes += s->http.body;
	w->st.t_last_ns = now;
	lg_hist_record(&w->st.hist, now - s->t_op_ns);
}

/*
 * After an op: the next request, a new connection, or nothing. reusable: the
 * connection may carry another request; peer_closed: the server closed it.
 */
static void
next_op(struct lg_worker *w, struct lg_slot *s, int reusable, int peer_closed)
{
	const struct lg_mode	*m = w->run->o->m;
	uint64_t		 now = now_ns();

	if (m->kind == LG_IDLE && reusable) {
		s->state = ST_HELD;
		w->nsettled++;
		return;
	}
	if (m->keep_alive && reusable && running(w, now)) {
		start_request(w, s);
		return;
	}
	slot_close(s, !peer_closed);
	if (m->kind == LG_IDLE) {
		s->state = ST_FAILED;
		w->nsettled++;
		return;
	}
	s->state = ST_UNUSED;
	if (!running(w, now))
		return;
	if (m->keep_alive)
		w->st.reconnects++;
	slot_open(w, s);
}

/* The answer is complete; closed: the peer ended the connection. */
static void
answer_done(struct lg_worker *w, struct lg_slot *s, int closed)
{
	const struct lg_opts	*o = w->run->o;
	char			 what[64];
	int			 reusable = !closed && !s->http.close;

	if (s->http.status != o->m->expect) {
		if (s->http.status < 200 || s->http.status > 299)
			w->st.non2xx++;
		w->st.fail[LG_F_STATUS]++;
		if (w->st.first_error[0] == '\0')
			snprintf(w->st.first_error, sizeof(w->st.first_error),
			    "status %d", s->http.status);
	} else if (o->body_len >= 0 &&
	    s->http.body != (uint64_t)o->body_len) {
		snprintf(what, sizeof(what), "body of %llu bytes",
		    (unsigned long long)s->http.body);
		w->st.fail[LG_F_LENGTH]++;
		if (w->st.first_error[0] == '\0')
			snprintf(w->st.first_error, sizeof(w->st.first_error),
			    "%s", what);
	} else
		op_done(w, s, now_ns());
	next_op(w, s, reusable, closed);
}

static void
step_read(struct lg_worker *w, struct lg_slot *s)
{
	enum lg_http_rc	rc;
	enum lg_io	io;
	size_t		n, used;

	for (;;) {
		io = lg_conn_read(&s->c, w->rbuf, sizeof(w->rbuf), &n);
		if (io == LG_IO_WANT_READ || io == LG_IO_WANT_WRITE) {
			wait_io(w, s, io);
			return;
		}
		if (io == LG_IO_EOF) {
			if (lg_http_eof(&s->http) == LG_HTTP_DONE)
				answer_done(w, s, 1);
			else
				slot_fail(w, s, LG_F_IO, s->http.err);
			return;
		}
		if (io != LG_IO_OK) {
			slot_fail(w, s, LG_F_IO, "read");
			return;
		}
		rc = lg_http_feed(&s->http, w->rbuf, n, &used);
		if (rc == LG_HTTP_ERROR) {
			slot_fail(w, s, LG_F_HTTP, s->http.err);
			return;
		}
		if (rc == LG_HTTP_DONE) {
			/* We never pipeline: nothing may follow the answer. */
			if (used != n)
				slot_fail(w, s, LG_F_HTTP,
				    "bytes after the answer");
			else
				answer_done(w, s, 0);
			return;
		}
	}
}

static void
step_write(struct lg_worker *w, struct lg_slot *s)
{
	enum lg_io	io;
	size_t		n;

	io = lg_conn_write(&s->c, s->req + s->req_off, s->req_len - s->req_off,
	    &n);
	/* TLS writes whole or retries whole; plain TCP may write a part. */
	if (s->c.ssl == NULL)
		s->req_off += n;
	if (io == LG_IO_OK) {
		s->unconfirmed = 0;
		s->state = ST_READING;
		/* The answer is not there yet: wait rather than try a read. */
		wait_io(w, s, LG_IO_WANT_READ);
		return;
	}
	if (io == LG_IO_WANT_READ || io == LG_IO_WANT_WRITE)
		wait_io(w, s, io);
	else
		slot_fail(w, s, LG_F_IO, "write");
}

static void
step_handshake(struct lg_worker *w, struct lg_slot *s)
{
	const struct lg_mode	*m = w->run->o->m;
	enum lg_io		 io;

	io = lg_conn_handshake(&s->c);
	if (io == LG_IO_WANT_READ || io == LG_IO_WANT_WRITE) {
		wait_io(w, s, io);
		return;
	}
	if (io != LG_IO_OK) {
		slot_fail(w, s, LG_F_TLS, "handshake");
		return;
	}
	s->unconfirmed = 0;
	if ((m->kind == LG_BOOTSTRAP || m->kind == LG_HANDSHAKE) &&
	    lg_conn_export(&s->c) != LG_IO_OK) {
		slot_fail(w, s, LG_F_TLS, "export");
		return;
	}
	if (m->kind == LG_HANDSHAKE) {
		op_done(w, s, now_ns());
		next_op(w, s, 1, 0);
		return;
	}
	start_request(w, s);
}

/* TCP is up: TLS, or the request straight away. */
static void
connected(struct lg_worker *w, struct lg_slot *s)
{
	const struct lg_run	*r = w->run;
	const struct lg_opts	*o = r->o;
	struct lg_cred		*cred;

	cred = &o->creds[w->next_cred++ % o->ncreds];
	if (r->ctx == NULL) {
		s->c.cred = cred;
		start_request(w, s);
		return;
	}
	if (lg_conn_tls(&s->c, r->ctx, cred) != LG_IO_OK) {
		slot_fail(w, s, LG_F_TLS, "SSL_new");
		return;
	}
	s->state = ST_HANDSHAKE;
	step_handshake(w, s);
}

static void
slot_open(struct lg_worker *w, struct lg_slot *s)
{
	enum lg_io	io;

	s->t_op_ns = now_ns();
	io = lg_conn_connect(&s->c, &w->run->addr);
	if (io == LG_IO_OK) {
		connected(w, s);
		return;
	}
	if (io == LG_IO_WANT_WRITE) {
		/*
		 * On loopback the connection is up by now or nearly: write
		 * the ClientHello (or request) at once rather than wait a
		 * round of epoll; a write that comes too early wants the
		 * socket writable and is retried then.
		 */
		s->unconfirmed = 1;
		connected(w, s);
		return;
	}
	slot_fail(w, s, LG_F_CONNECT, strerror(errno));
}

/* The slot's socket is ready: the step of its state. */
static void
step(struct lg_worker *w, struct lg_slot *s)
{
	switch (s->state) {
	case ST_HANDSHAKE:
		step_handshake(w, s);
		break;
	case ST_WRITING:
		step_write(w, s);
		break;
	case ST_READING:
		step_read(w, s);
		break;
	case ST_HELD:
		/* The server closed an idle connection (or sent something). */
		slot_close(s, 0);
		s->state = ST_FAILED;
		break;
	default:
		break;
	}
}

/* Timeouts and retries; at most every TICK_MS. */
static void
tick(struct lg_worker *w, uint64_t now)
{
	uint64_t	limit = (uint64_t)(w->run->o->timeout_s * 1e9);
	size_t		i;
	struct lg_slot	*s;
	int		go = running(w, now);

	for (i = 0; i < w->nslots; i++) {
		s = &w->slots[i];
		if (s->state == ST_BACKOFF && now >= s->retry_ns) {
			w->nbackoff--;
			s->state = ST_UNUSED;
			if (go)
				slot_open(w, s);
		} else if (s->state >= ST_HANDSHAKE &&
		    s->state <= ST_READING && now - s->t_op_ns > limit)
			slot_fail(w, s, LG_F_TIMEOUT, "timeout");
	}
}

/* idle: opens the next slots, IDLE_INFLIGHT at a time. */
static void
idle_fill(struct lg_worker *w)
{
	while (w->nopened < w->nslots &&
	    w->nopened - w->nsettled < IDLE_INFLIGHT && !*w->run->stop)
		slot_open(w, &w->slots[w->nopened++]);
}

static int
finished(struct lg_worker *w, uint64_t now)
{
	if (w->run->o->m->kind == LG_IDLE)
		return w->nsettled == w->nslots || *w->run->stop;
	return !running(w, now);
}

/* see lg_loop.h */
void *
lg_loop_main(void *arg)
{
	struct lg_worker	*w = arg;
	struct epoll_event	 ev[EVENTS];
	uint64_t		 now, last_tick, left;
	size_t			 i;
	int			 n, timeout;

	if (w->run->o->m->kind == LG_IDLE)
		idle_fill(w);
	else
		for (i = 0; i < w->nslots; i++)
			slot_open(w, &w->slots[i]);
	last_tick = now_ns();
	for (;;) {
		now = now_ns();
		if (finished(w, now))
			break;
		timeout = w->nbackoff > 0 ? 1 : TICK_MS;
		if (w->run->t_end_ns != 0) {
			left = (w->run->t_end_ns - now) / 1000000u + 1;
			if (left < (uint64_t)timeout)
				timeout = (int)left;
		}
		n = epoll_wait(w->ep, ev, EVENTS, timeout);
		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; n > 0 && i < (size_t)n; i++)
			step(w, ev[i].data.ptr);
		now = now_ns();
		if (w->nbackoff > 0 || now - last_tick >= TICK_MS * 1000000u) {
			tick(w, now);
			last_tick = now;
		}
		if (w->run->o->m->kind == LG_IDLE)
			idle_fill(w);
	}
	/* What is still in flight is not counted; idle keeps its slots. */
	if (w->run->o->m->kind != LG_IDLE)
		for (i = 0; i < w->nslots; i++)
			slot_close(&w->slots[i], 0);
	ERR_clear_error();
	return NULL;
}

/* see lg_loop.h */
int
lg_loop_init(struct lg_worker *w, size_t nslots)
{
	size_t	i;

	w->ep = epoll_create1(EPOLL_CLOEXEC);
	if (w->ep == -1)
		return -1;
	w->slots = calloc(nslots, sizeof(*w->slots));
	if (w->slots == NULL)
		return -1;
	for (i = 0; i < nslots; i++)
		w->slots[i].c.fd = -1;
	w->nslots = nslots;
	return 0;
}

/* see lg_loop.h */
void
lg_loop_free(struct lg_worker *w)
{
	size_t	i;

	for (i = 0; i < w->nslots; i++)
		slot_close(&w->slots[i], w->slots[i].state == ST_HELD);
	free(w->slots);
	w->slots = NULL;
	if (w->ep != -1)
		close(w->ep);
	w->ep = -1;
}
