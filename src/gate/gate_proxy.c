/*
 * gate_proxy.c -- an established association: check each request, forward it to the
 * upstream CSE, pass the answer back.
 *
 * One request at a time per association: its head is checked (X-M2M-Origin must be
 * the EnroleeID the MEF bound to the KeId) and rebuilt with the trust headers, its body
 * streams through as received, and the next request is read only once the upstream
 * has answered this one in full. Spoofed trust headers never reach the upstream:
 * http_forward.c drops every X-MEF-* header from the client. A refused request is
 * answered by the gate itself in the oneM2M form and the association is closed, since
 * its body (not read) would otherwise be taken for the next request.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "crypto/ident.h"
#include "gate/gate.h"
#include "util/log.h"


static int	drain_upstream(struct gate_conn *c, struct bufferevent *bev);


/* Answers the current request locally, logs it, and ends the association. */
static void
local_answer(struct gate_conn *c, int status, const char *reason, int rsc)
{
	char	msg[256];
	int	n;

	log_info("request peer=%s keyid=%s enrolee=%s origin=%s outcome=%d "
	    "status=%d", c->peer, LOG_VAL(c->keyid), LOG_VAL(c->enrolee_id),
	    c->req.has_origin ? LOG_VAL(c->req.origin) : "-", rsc, status);
	n = snprintf(msg, sizeof(msg), "HTTP/1.1 %d %s\r\nX-M2M-RSC: %d\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n", status, reason, rsc);
	if (n > 0)
		(void)gate_conn_send(c, msg, (size_t)n);
	c->closing = 1;
}

static int
origin_ok(const struct gate_conn *c)
{
	char	norm[IDENT_MAX + 1];
	size_t	len;

	if (!c->req.has_origin || ident_nfkc(c->req.origin, strlen(c->req.origin),
	    norm, sizeof(norm), &len) != MEF_OK)
		return 0;
	return strcmp(norm, c->enrolee_id) == 0;
}

static void
up_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct gate_conn	*c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		c->up_connected = 1;
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	/* Whatever is buffered belongs to the current answer. */
	if (!drain_upstream(c, bev))
		return;
	if (c->awaiting && http_fwd_resp_eof(&c->resp) == MEF_OK) {
		c->awaiting = 0;
		c->closing = 1;
	} else if (c->awaiting && !c->answered) {
		log_warnx("request peer=%s keyid=%s outcome=upstream-failed",
		    c->peer, LOG_VAL(c->keyid));
		local_answer(c, 502, "Bad Gateway", 5103);
	} else if (c->awaiting) {
		c->closing = 1;		/* cut mid-answer: nothing else to do */
	}
	gate_proxy_close(c);
	if (c->closing)
		gate_conn_end(c);
}

/*
 * Passes what the upstream sent on to the Enrolee, up to the end of the answer.
 * Returns 0 when the connection was freed on the way.
 */
static int
drain_upstream(struct gate_conn *c, struct bufferevent *bev)
{
	struct evbuffer		*in = bufferevent_get_input(bev);
	size_t			 len, used;
	enum mef_err		 rc;

	while (c->awaiting && (len = evbuffer_get_length(in)) > 0) {
		rc = http_fwd_resp_feed(&c->resp, (const char *)evbuffer_pullup(in,
		    (ev_ssize_t)len), len, &used);
		if (rc != MEF_OK) {
			log_warnx("request peer=%s keyid=%s "
			    "outcome=bad-upstream-answer", c->peer,
			    LOG_VAL(c->keyid));
			if (!c->answered)
				local_answer(c, 502, "Bad Gateway", 5103);
			else
				c->closing = 1;
			evbuffer_drain(in, len);
			return 1;
		}
		if (used > 0 && gate_conn_send(c, evbuffer_pullup(in,
		    (ev_ssize_t)used), used) != MEF_OK)
			c->closing = 1;
		evbuffer_drain(in, used);
		c->answered = 1;
		gate_conn_touch(c);
		if (c->resp.done) {
			c->awaiting = 0;
			if (!c->resp.keep_alive || !c->req.keep_alive)
				gate_proxy_close(c);
			/* An answer before the whole request: nothing can follow. */
			if (!c->req.keep_alive || !c->resp.keep_alive ||
			    c->req.state != HTTP_FWD_DONE)
				c->closing = 1;
			else
				http_fwd_req_next(&c->req);
			if (c->closing)
				return gate_conn_end(c);
			gate_proxy_input(c);
			gate_conn_flow(c);
			return 1;
		}
	}
	if (c->down != NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->down)) > GATE_QUEUE_HIGH)
		bufferevent_disable(bev, EV_READ);	/* write_cb resumes */
	return 1;
}

static void
up_read_cb(struct bufferevent *bev, void *arg)
{
	(void)drain_upstream(arg, bev);
}

/* The upstream took what was queued for it: read from the Enrolee again. */
static void
up_write_cb(struct bufferevent *bev, void *arg)
{
	gate_conn_flow(arg);
}

static enum mef_err
upstream_open(struct gate_conn *c)
{
	struct gate_worker	*w = c->worker;
	struct sockaddr_storage	 ss;
	int			 sslen = sizeof(ss), one = 1;

	if (c->up != NULL)
		return MEF_OK;
	if (evutil_parse_sockaddr_port(w->gate->cfg.upstream_addr,
	    (struct sockaddr *)&ss, &sslen) != 0)
		return MEF_E_CONFIG;
	c->up = bufferevent_socket_new(w->loop.base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->up == NULL)
		return MEF_E_NOMEM;
	bufferevent_setcb(c->up, up_read_cb, up_write_cb, up_event_cb, c);
	bufferevent_setwatermark(c->up, EV_WRITE, GATE_QUEUE_HIGH / 2, 0);
	bufferevent_enable(c->up, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->up, (struct sockaddr *)&ss, sslen) !=
	    0) {
		bufferevent_free(c->up);
		c->up = NULL;
		return MEF_E_IO;
	}
	(void)setsockopt(bufferevent_getfd(c->up), IPPROTO_TCP, TCP_NODELAY,
	    &one, sizeof(one));
	c->up_connected = 0;
	return MEF_OK;
}

/* The head is complete: check it, then send it upstream with the trust headers. */
static int
forward_head(struct gate_conn *c)
{
	struct evbuffer	*out;

	if (c->req.upgrade) {
		local_answer(c, 501, "Not Implemented", 5001);
		return 0;
	}
	if (!origin_ok(c)) {
		local_answer(c, 403, "Forbidden", 4103);
		return 0;
	}
	if (upstream_open(c) != MEF_OK) {
		local_answer(c, 502, "Bad Gateway", 5103);
		return 0;
	}
	out = bufferevent_get_output(c->up);
	if (evbuffer_add(out, c->req.head.data, c->req.head.len) != 0 ||
	    evbuffer_add_printf(out, GATE_HDR_KEYID ": %s\r\n"
	    GATE_HDR_ENROLEE ": %s\r\n\r\n", c->keyid, c->enrolee_id) < 0) {
		local_answer(c, 500, "Internal Server Error", 5000);
		return 0;
	}
	http_fwd_resp_init(&c->resp, c->req.is_head_method);
	c->answered = 0;
	c->awaiting = 1;
	c->requests++;
	http_fwd_req_resume(&c->req);
	return 1;
}

/* see gate.h */
void
gate_proxy_input(struct gate_conn *c)
{
	size_t		len, used;
	enum mef_err	rc;
	int		in_body;

	/*
	 * The request streams upstream while its answer may already be coming back
	 * (Expect: 100-continue); the next request waits for that answer to end.
	 */
	gate_conn_touch(c);
	while (!c->closing && c->req.state != HTTP_FWD_DONE) {
		/*
		 * Only body bytes pass through raw. Bytes of a head (however it is
		 * split across records) are rebuilt by the parser and go out with
		 * forward_head(), after the checks: never forward them as they come.
		 */
		in_body = c->req.state == HTTP_FWD_BODY;
		len = evbuffer_get_length(c->plain);
		rc = http_fwd_req_feed(&c->req, (const char *)evbuffer_pullup(
		    c->plain, (ev_ssize_t)len), len, &used);
		if (rc != MEF_OK) {
			if (c->awaiting)
				gate_proxy_close(c);	/* half a request sent */
			c->awaiting = 0;
			local_answer(c, c->req.error == OUT_TOO_LARGE ? 431 : 400,
			    c->req.error == OUT_TOO_LARGE ? "Request Header "
			    "Fields Too Large" : "Bad Request", 4000);
			return;
		}
		if (c->req.state == HTTP_FWD_HEAD_DONE) {
			evbuffer_drain(c->plain, used);
			if (!forward_head(c))
				return;
			continue;
		}
		if (used > 0 && in_body && c->up != NULL)
			evbuffer_remove_buffer(c->plain,
			    bufferevent_get_output(c->up), used);
		else
			evbuffer_drain(c->plain, used);
		if (used == 0)
			return;		/* needs more bytes */
	}
}

/* see gate.h */
void
gate_proxy_close(struct gate_conn *c)
{
	if (c->up != NULL) {
		bufferevent_free(c->up);
		c->up = NULL;
	}
	c->up_connected = 0;
}
