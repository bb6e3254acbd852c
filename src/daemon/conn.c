/*
 * conn.c -- the life of one mefd connection: handshake, requests, answers, close.
 *
 * A single deadline timer guards every phase: the handshake must finish within
 * handshake_timeout_ms, and each request must be complete within idle_timeout_ms of
 * the previous answer, so a slow or silent peer holds a slot for a bounded time.
 * Requests are processed one at a time; while an answer is still queued past
 * OUTPUT_HIGH bytes, reading pauses, so a peer that pipelines without reading cannot
 * grow our buffers.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "daemon/audit_hooks.h"
#include "daemon/conn.h"
#include "daemon/guard.h"
#include "transport/tls_server.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sockaddr.h"

#define OUTPUT_HIGH	(64 * 1024)

static void	conn_process(struct conn *c);

static void
log_handshake_failure(struct conn *c)
{
	char	ebuf[128];

	tls_last_error(c->bev, ebuf, sizeof(ebuf));
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

	tls_last_error(c->bev, ebuf, sizeof(ebuf));
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
	c->target_known = tls_conn_psk_used(c->bev) ? c->target_psk :
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

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		c->handshake_done = 1;
		evloop_arm_ms(c->deadline_ev,
		    c->worker->mefd->cfg.idle_timeout_ms);
		if (c->kind == CONN_BOOTSTRAP && !c->overloaded)
			enrol_handshake_done(c);
		else if (c->kind == CONN_BOOTSTRAP || !target_authenticated(c))
			conn_free(c);
		return;
	}
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF | BEV_EVENT_TIMEOUT)) {
		if (!c->handshake_done) {
			log_handshake_failure(c);
			if (c->kind == CONN_BOOTSTRAP)
				guard_failed(c);
		} else if (what & BEV_EVENT_ERROR)
			log_session_error(c);
		conn_free(c);
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	conn_process(arg);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if (c->closing) {
		tls_conn_shutdown(c->bev);
		conn_free(c);
		return;
	}
	/* Output drained: resume a paused pipeline. */
	conn_process(c);
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
		conn_process(c);
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
	c->deadline_ev = evtimer_new(w->loop.base, deadline_cb, c);
	c->commit_ev = event_new(w->loop.base, -1, 0, commit_cb, c);
	if (c->deadline_ev == NULL || c->commit_ev == NULL) {
		evutil_closesocket(fd);
		goto fail;
	}
	c->bev = tls_server_accept(kind == CONN_TARGET ? d->target_tls :
	    cert ? d->boot_cert_tls : d->boot_tls, w->loop.base, fd, c);
	if (c->bev == NULL)
		goto fail;
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evloop_arm_ms(c->deadline_ev, d->cfg.handshake_timeout_ms);
	evloop_conn_add(&w->loop, &c->link);
	return;
fail:
	if (c->deadline_ev != NULL)
		event_free(c->deadline_ev);
	if (c->commit_ev != NULL)
		event_free(c->commit_ev);
	http_req_parser_free(&c->parser);
	free(c);
}

/* see conn.h */
void
conn_free(struct conn *c)
{
	if (c->dead)
		return;
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
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
	return c->ke_state != KE_PENDING && !c->waiting &&
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

/* see conn.h */
void
conn_respond(struct conn *c, enum outcome out, const char *content_type,
    const void *body, size_t len)
{
	struct http_response	r;

	respond_head(c, out, content_type, &r);
	if (http_response_write(bufferevent_get_output(c->bev), &r, body, len) !=
	    MEF_OK)
		c->closing = 1;
	evloop_arm_ms(c->deadline_ev, c->worker->mefd->cfg.idle_timeout_ms);
}

/* see conn.h */
void
conn_respond_secret(struct conn *c, enum outcome out, const char *content_type,
    struct mef_secret **pbody, size_t len)
{
	struct http_response	r;

	respond_head(c, out, content_type, &r);
	if (http_response_write_secret(bufferevent_get_output(c->bev), &r, pbody,
	    len) != MEF_OK)
		c->closing = 1;
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

static void
conn_process(struct conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	size_t		 avail, used;
	char		*data;
	enum mef_err	 rc;

	while (!c->closing && !c->waiting && c->handshake_done) {
		if (evbuffer_get_length(out) > OUTPUT_HIGH)
			return;		/* write_cb resumes */
		avail = evbuffer_get_contiguous_space(in);
		if (avail == 0)
			return;
		data = (char *)evbuffer_pullup(in, (ev_ssize_t)avail);
		rc = http_req_parser_feed(&c->parser, data, avail, &used);
		evbuffer_drain(in, used);
		if (rc != MEF_OK) {
			conn_respond(c, c->parser.error, NULL, NULL, 0);
			log_info("%s peer=%s outcome=%d reason=bad-request",
			    c->kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch",
			    c->peer, outcome_get(c->parser.error)->rsc);
			return;
		}
		if (http_req_parser_done(&c->parser))
			dispatch(c);
	}
}
