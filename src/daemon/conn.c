/*
 * conn.c -- the life of one mefd connection: handshake, requests, answers, close.
 *
 * OpenSSL runs on the non-blocking socket itself (tls_conn.h), watched by one
 * persistent read event; a write event is added only when an answer did not fit
 * in the kernel's buffer. An answer is formatted in one buffer and goes out in one
 * SSL_write: one record, one write(). With read ahead, one read() brings a whole
 * request; before waiting for the socket again, the connection drains what OpenSSL
 * already holds (a TLS 1.3 request sent right behind the client's Finished arrives
 * with it, and no socket event would announce it).
 *
 * A single deadline timer guards every phase: the handshake must finish within
 * handshake_timeout_ms, and each request must be complete within idle_timeout_ms of
 * the previous answer, so a slow or silent peer holds a slot for a bounded time.
 * Requests are processed one at a time; reading pauses (the read event is removed)
 * while a request waits for the commit thread or an answer is not fully sent, so a
 * peer that pipelines without reading cannot grow our buffers: what was read past
 * the paused request (at most one read) is kept in c->in.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "daemon/audit_hooks.h"
#include "daemon/conn.h"
#include "daemon/guard.h"
#include "transport/tls_conn.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sockaddr.h"

/* One read: a full TLS record's plaintext. */
#define READ_CHUNK	16384
/* Answers up to this size are formatted on the stack (wiped after sending). */
#define ANSWER_STACK	8192

static void	conn_process(struct conn *c, int readable);

static void
log_handshake_failure(struct conn *c)
{
	char	ebuf[128];

	tls_last_error(c->tls, ebuf, sizeof(ebuf));
	if (c->guard_refused)
		snprintf(ebuf, sizeof(ebuf), "back-off");
	audit_hooks_handshake(c);
	if (c->kind == CONN_BOOTSTRAP)
		log_info("bootstrap peer=%s kpm_id=%s outcome=handshake-failed "
		    "identity=%s reason=\"%s\" latency_us=%llu", c->peer,
		    c->kpm_id[0] != '\0' ? LOG_VAL(c->kpm_id) : "-",
		    c->enrolee != NULL ? "known" : "unknown", ebuf,
		    (unsigned long long)(clock_mono_us() - c->t_accept_us));
	else
		log_info("fetch peer=%s outcome=handshake-failed target=%s "
		    "reason=\"%s\"", c->peer,
		    c->target_known ? LOG_VAL(c->target.id) : "-", ebuf);
}

/* A session that broke after its handshake (a record that does not decrypt...). */
static void
log_session_error(struct conn *c)
{
	char	ebuf[128];

	tls_last_error(c->tls, ebuf, sizeof(ebuf));
	log_info("%s peer=%s outcome=tls-error reason=\"%s\"",
	    c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch", c->peer, ebuf);
}

/*
 * A Target's handshake completed: it is authenticated by the PSK if the
 * handshake used one, else by its certificate. A TLS 1.3 PSK identity that was
 * looked up but not used (a wrong suite, a certificate handshake instead)
 * authenticates nothing. Returns 0 (logged) for a client with neither; the
 * caller closes it.
 */
static int
target_authenticated(struct conn *c)
{
	c->target_known = tls_conn_psk_used(c->tls) ? c->target_psk :
	    c->target_cert;
	if (c->target_known)
		return 1;
	log_info("fetch peer=%s outcome=handshake-failed target=- "
	    "reason=\"no client authentication\"", c->peer);
	audit_hooks_handshake(c);
	return 0;
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	log_info("%s peer=%s outcome=timeout phase=%s",
	    c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch", c->peer,
	    c->handshake_done ? "request" : "handshake");
	conn_free(c);
}

/* Reading on (the read event added) or paused. */
static void
conn_reading(struct conn *c, int on)
{
	if (on == c->reading)
		return;
	if (on)
		event_add(c->read_ev, NULL);
	else
		event_del(c->read_ev);
	c->reading = on;
}

/* 1 when the next request may be read and processed. */
static int
conn_runnable(const struct conn *c)
{
	return c->handshake_done && !c->closing && !c->waiting && c->out == NULL;
}

static void
conn_handshake(struct conn *c)
{
	switch (tls_conn_handshake(c->tls)) {
	case TLS_IO_OK:
		break;
	case TLS_IO_WANT_READ:
		return;
	case TLS_IO_WANT_WRITE:
		event_add(c->write_ev, NULL);
		return;
	default:
		log_handshake_failure(c);
		if (c->kind == CONN_BOOTSTRAP)
			guard_failed(c);
		conn_free(c);
		return;
	}
	c->handshake_done = 1;
	evloop_arm_ms(c->deadline_ev, c->worker->mefd->cfg.idle_timeout_ms);
	if (c->kind == CONN_BOOTSTRAP && !c->overloaded) {
		if (!enrol_handshake_done(c))
			return;
	} else if (c->kind == CONN_BOOTSTRAP || !target_authenticated(c)) {
		conn_free(c);
		return;
	}
	/* A request may have come with the Finished (read ahead). */
	conn_process(c, 0);
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	if (!c->handshake_done)
		conn_handshake(c);
	else
		conn_process(c, 1);
}

/*
 * Sends what is left of the answer. Returns 0 when the connection broke (the
 * caller frees it).
 */
static int
conn_flush(struct conn *c)
{
	size_t		 len = mef_secret_len(c->out), n;
	enum tls_io	 io = TLS_IO_OK;

	while (c->out_off < len) {
		io = tls_conn_write(c->tls, mef_secret_bytes(c->out) + c->out_off,
		    len - c->out_off, &n);
		if (io != TLS_IO_OK)
			break;
		c->out_off += n;
	}
	if (c->out_off == len) {
		mef_secret_free(&c->out);
		c->out_off = 0;
		return 1;
	}
	if (io == TLS_IO_WANT_WRITE) {
		event_add(c->write_ev, NULL);
		return 1;
	}
	if (io == TLS_IO_ERROR)
		log_session_error(c);
	return 0;
}

static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	int		 readable = c->read_wants_write;

	if (!c->handshake_done) {
		conn_handshake(c);
		return;
	}
	if (c->out != NULL && !conn_flush(c)) {
		conn_free(c);
		return;
	}
	c->read_wants_write = 0;
	/* Output drained (or a read could write): resume the pipeline. */
	conn_process(c, readable);
}

static void
commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	c->worker->loop.npending--;
	if (c->dead) {
		c->ke_state = c->commit.result == MEF_OK ? KE_STORED : KE_FAILED;
		enrol_commit_done(c);
		c->dead = 0;
		conn_free(c);
		return;
	}
	c->ke_state = c->commit.result == MEF_OK ? KE_STORED : KE_FAILED;
	enrol_commit_done(c);
	if (c->waiting) {
		c->waiting = 0;
		enrol_handle(c);
		http_req_parser_next(&c->parser);
		conn_process(c, 0);
	}
}

/* see conn.h */
void
conn_accept(struct worker *w, enum conn_kind kind, int cert, int fd,
    const struct sockaddr *sa, int salen, int overloaded)
{
	struct mefd	*d = w->mefd;
	struct conn	*c;
	int		 one = 1;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		return;
	}
	/* Answers are one record each: send them now, not after a delayed ACK. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->worker = w;
	c->kind = kind;
	c->overloaded = overloaded;
	c->cert = cert;
	c->t_accept_us = clock_mono_us();
	sockaddr_format(sa, c->peer, sizeof(c->peer));
	backoff_addr_key(sa, c->addr_key, sizeof(c->addr_key));
	http_req_parser_init(&c->parser, d->cfg.header_max, d->cfg.body_max);
	/* From here on fd belongs to c->tls (closed with it, or now on failure). */
	c->tls = tls_conn_new(kind == CONN_TARGET ? d->target_tls :
	    cert ? d->boot_cert_tls : d->boot_tls, fd, c);
	if (c->tls == NULL)
		goto fail;
	c->deadline_ev = evtimer_new(w->loop.base, deadline_cb, c);
	c->commit_ev = event_new(w->loop.base, -1, 0, commit_cb, c);
	c->read_ev = event_new(w->loop.base, fd, EV_READ | EV_PERSIST, read_cb,
	    c);
	c->write_ev = event_new(w->loop.base, fd, EV_WRITE, write_cb, c);
	if (c->deadline_ev == NULL || c->commit_ev == NULL ||
	    c->read_ev == NULL || c->write_ev == NULL)
		goto fail;
	conn_reading(c, 1);
	evloop_arm_ms(c->deadline_ev, d->cfg.handshake_timeout_ms);
	evloop_conn_add(&w->loop, &c->link);
	return;
fail:
	tls_conn_free(&c->tls);
	if (c->deadline_ev != NULL)
		event_free(c->deadline_ev);
	if (c->commit_ev != NULL)
		event_free(c->commit_ev);
	if (c->read_ev != NULL)
		event_free(c->read_ev);
	if (c->write_ev != NULL)
		event_free(c->write_ev);
	http_req_parser_free(&c->parser);
	free(c);
}

/* see conn.h */
void
conn_free(struct conn *c)
{
	if (c->dead)
		return;
	if (c->tls != NULL) {
		event_free(c->read_ev);
		event_free(c->write_ev);
		c->read_ev = c->write_ev = NULL;
		tls_conn_free(&c->tls);
	}
	mef_secret_free(&c->out);
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
	event_del(c->deadline_ev);
	if (c->ke_state == KE_PENDING) {
		/* The commit thread still holds c->commit: free on its return. */
		c->dead = 1;
		return;
	}
	evloop_conn_remove(&c->worker->loop, &c->link);
	event_free(c->deadline_ev);
	event_free(c->commit_ev);
	http_req_parser_free(&c->parser);
	mef_secret_free(&c->ke);
	free(c->enrolee);
	free(c);
}

/* see conn.h */
int
conn_is_idle(const struct conn *c)
{
	return c->ke_state != KE_PENDING && !c->waiting && c->out == NULL &&
	    !http_req_parser_started(&c->parser);
}

static void
respond_head(struct conn *c, enum outcome out, const char *content_type,
    struct http_response *r)
{
	const struct outcome_info	*oi = outcome_get(out);
	const struct http_request	*req = &c->parser.req;

	memset(r, 0, sizeof(*r));
	r->status = oi->http_status;
	r->reason = oi->reason;
	r->rsc = oi->rsc;
	r->ri = req->has_ri ? req->ri : NULL;
	r->content_type = content_type;
	r->retry_after = out == OUT_OVERLOADED ? 1 : 0;
	/* After a framing error the stream position is unknown: close. */
	r->close = !req->keep_alive || c->parser.error != OUT_OK ||
	    c->worker->loop.draining || c->closing;
	if (r->close)
		c->closing = 1;
}

/*
 * Sends head and body as one record (one SSL_write, one write()); what the
 * kernel does not take now is kept in c->out (wiped) and sent on POLLOUT. A
 * failure marks the connection broken; conn_process() frees it. A secret
 * answer's copy on the stack is wiped.
 */
static void
conn_send(struct conn *c, const struct http_response *r, const void *body,
    size_t len, int secret)
{
	unsigned char		 stack[ANSWER_STACK];
	struct mef_secret	*heap = NULL;
	unsigned char		*buf = stack;
	char			 head[HTTP_RESPONSE_HEAD_MAX];
	size_t			 head_len, total, off = 0, n;
	enum tls_io		 io = TLS_IO_OK;

	if (http_response_head(r, len, head, &head_len) != MEF_OK)
		goto broken;
	total = head_len + len;
	if (total > sizeof(stack)) {
		if (mef_secret_alloc(total, &heap) != MEF_OK)
			goto broken;
		buf = mef_secret_data(heap);
	}
	memcpy(buf, head, head_len);
	if (len > 0)
		memcpy(buf + head_len, body, len);
	while (off < total) {
		io = tls_conn_write(c->tls, buf + off, total - off, &n);
		if (io != TLS_IO_OK)
			break;
		off += n;
	}
	if (off < total && io == TLS_IO_WANT_WRITE &&
	    mef_secret_alloc(total - off, &c->out) == MEF_OK) {
		memcpy(mef_secret_data(c->out), buf + off, total - off);
		c->out_off = 0;
		event_add(c->write_ev, NULL);
	} else if (off < total) {
		if (io == TLS_IO_ERROR)
			log_session_error(c);
		c->broken = c->closing = 1;
	}
	if (heap != NULL)
		mef_secret_free(&heap);
	else if (secret)
		mef_wipe(stack, total);
	return;
broken:
	c->broken = c->closing = 1;
}

/* see conn.h */
void
conn_respond(struct conn *c, enum outcome out, const char *content_type,
    const void *body, size_t len)
{
	struct http_response	r;

	respond_head(c, out, content_type, &r);
	conn_send(c, &r, body, len, 0);
	evloop_arm_ms(c->deadline_ev, c->worker->mefd->cfg.idle_timeout_ms);
}

/* see conn.h */
void
conn_respond_secret(struct conn *c, enum outcome out, const char *content_type,
    struct mef_secret **pbody, size_t len)
{
	struct http_response	r;

	respond_head(c, out, content_type, &r);
	if (len > mef_secret_len(*pbody)) {
		c->broken = c->closing = 1;
	} else
		conn_send(c, &r, mef_secret_bytes(*pbody), len, 1);
	mef_secret_free(pbody);
	evloop_arm_ms(c->deadline_ev, c->worker->mefd->cfg.idle_timeout_ms);
}

static void
dispatch(struct conn *c)
{
	if (c->overloaded) {
		c->closing = 1;
		conn_respond(c, OUT_OVERLOADED, NULL, NULL, 0);
		log_info("%s peer=%s outcome=5000 reason=overloaded",
		    c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch", c->peer);
	} else if (c->kind == CONN_TARGET) {
		fetch_handle(c);
	} else if (c->ke_state == KE_PENDING) {
		c->waiting = 1;		/* answered by commit_cb */
		return;
	} else {
		enrol_handle(c);
	}
	http_req_parser_next(&c->parser);
}

/*
 * Parses data and dispatches each complete request, until it runs out or the
 * pipeline pauses. Returns the bytes consumed.
 */
static size_t
conn_feed(struct conn *c, const char *data, size_t len)
{
	size_t		off = 0, used;
	enum mef_err	rc;

	while (off < len && conn_runnable(c)) {
		rc = http_req_parser_feed(&c->parser, data + off, len - off,
		    &used);
		off += used;
		if (rc != MEF_OK) {
			conn_respond(c, c->parser.error, NULL, NULL, 0);
			log_info("%s peer=%s outcome=%d reason=bad-request",
			    c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch",
			    c->peer, outcome_get(c->parser.error)->rsc);
			c->closing = 1;
			break;
		}
		if (http_req_parser_done(&c->parser))
			dispatch(c);
		else if (used == 0)
			break;
	}
	return off;
}

/* Keeps data (read past a paused request) for later; 0 when out of memory. */
static int
conn_keep(struct conn *c, const char *data, size_t len)
{
	char	*p;

	if (len == 0 || c->closing)
		return 1;
	p = realloc(c->in, c->in_len + len);
	if (p == NULL)
		return 0;
	memcpy(p + c->in_len, data, len);
	c->in = p;
	c->in_len += len;
	return 1;
}

/* Feeds what was kept from an earlier read, as far as the pipeline allows. */
static void
conn_feed_kept(struct conn *c)
{
	size_t	used;

	used = conn_feed(c, c->in, c->in_len);
	if (used == c->in_len || c->closing) {
		free(c->in);
		c->in = NULL;
		c->in_len = 0;
	} else if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
}

/*
 * Reads and answers requests while the pipeline runs: one read when the socket
 * said it is readable, then as long as OpenSSL holds input. Then closes (after
 * the last answer is sent) or sets reading on or off. May free c.
 */
static void
conn_process(struct conn *c, int readable)
{
	char		buf[READ_CHUNK];
	size_t		n, used;
	enum tls_io	io;

	if (c->in_len > 0 && conn_runnable(c))
		conn_feed_kept(c);
	while (conn_runnable(c) && c->in_len == 0 &&
	    (readable || tls_conn_has_pending(c->tls))) {
		readable = 0;
		io = tls_conn_read(c->tls, buf, sizeof(buf), &n);
		if (io == TLS_IO_WANT_READ)
			break;
		if (io == TLS_IO_WANT_WRITE) {
			c->read_wants_write = 1;
			event_add(c->write_ev, NULL);
			break;
		}
		if (io != TLS_IO_OK) {
			if (io == TLS_IO_ERROR)
				log_session_error(c);
			conn_free(c);
			return;
		}
		used = conn_feed(c, buf, n);
		if (!conn_keep(c, buf + used, n - used))
			c->broken = c->closing = 1;
	}
	if (c->closing && c->out == NULL) {
		if (!c->broken)
			tls_conn_shutdown(c->tls);
		conn_free(c);
		return;
	}
	conn_reading(c, conn_runnable(c) && !c->read_wants_write);
}
