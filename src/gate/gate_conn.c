/*
 * gate_conn.c -- one Enrolee connection of mef-gate: accept, the TLS handshake with
 * the key fetched off the loop, then hand-over to the proxy.
 *
 * Incoming bytes are looked at record by record until the ClientKeyExchange arrives
 * (tls_peek.h). If the key for its KeId is cached, everything is fed to TLS at once;
 * otherwise the record and all that follows stay in the socket buffer while the pool
 * fetches, and the handshake resumes when the answer is back. The PSK callback itself
 * never blocks: it takes the key the fetch brought or what the cache holds, and an
 * identity with neither gets a dummy key, so the handshake fails like a wrong key.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "crypto/keyid.h"
#include "gate/gate.h"
#include "transport/tls_peek.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sockaddr.h"

static void	conn_input(struct gate_conn *c);

static void
flush_tls(struct gate_conn *c)
{
	if (tls_stream_flush(c->tls, bufferevent_get_output(c->down)) != MEF_OK)
		c->closing = 1;
}

/* see gate.h */
enum mef_err
gate_conn_send(struct gate_conn *c, const void *data, size_t len)
{
	enum mef_err	rc;

	rc = tls_stream_write(c->tls, data, len);
	if (rc == MEF_OK)
		flush_tls(c);
	return rc;
}

/* see gate.h */
void
gate_conn_touch(struct gate_conn *c)
{
	evloop_arm_ms(c->deadline_ev, c->worker->gate->cfg.idle_timeout_ms);
}

/* see gate.h */
void
gate_conn_flow(struct gate_conn *c)
{
	int	room;

	if (c->down == NULL || c->phase != GC_OPEN)
		return;
	room = evbuffer_get_length(c->plain) < GATE_PLAIN_HIGH &&
	    (c->up == NULL || evbuffer_get_length(bufferevent_get_output(c->up))
	    < GATE_QUEUE_HIGH);
	if (room)
		bufferevent_enable(c->down, EV_READ);
	else
		bufferevent_disable(c->down, EV_READ);
}

static uint64_t
since_accept(const struct gate_conn *c)
{
	return clock_mono_us() - c->t_accept_us;
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gate_conn	*c = arg;

	log_info("association peer=%s keyid=%s outcome=timeout phase=%s",
	    c->peer, c->keyid[0] != '\0' ? LOG_VAL(c->keyid) : "-",
	    c->phase == GC_OPEN ? "idle" : c->phase == GC_FETCHING ? "fetch" :
	    "handshake");
	gate_conn_free(c);
}

static const char *
fetch_failure(enum mef_err rc)
{
	switch (rc) {
	case MEF_E_NOTFOUND:
		return "no-mef-for-fqdn";
	case MEF_E_DENIED:
		return "refused-by-mef";
	case MEF_E_IO:
	case MEF_E_TIMEOUT:
		return "mef-unreachable";
	case MEF_E_AUTH:
		return "mef-refused-gate";
	default:
		return "fetch-failed";
	}
}

/*
 * Looks at whole records until the ClientKeyExchange. Returns 1 when input may be fed
 * to TLS (all of it from then on), 0 when it must wait (more bytes, or a fetch).
 */
static int
peek_records(struct gate_conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->down);
	struct tls_peek	 pk;
	struct keyid	 kid;
	unsigned char	 key[MEF_KEY_LEN];
	unsigned char	*data;
	size_t		 len;
	enum mef_err	 rc;

	while (!c->peeked) {
		len = evbuffer_get_length(in);
		if (len > TLS_RECORD_HEADER_LEN + TLS_RECORD_MAX)
			len = TLS_RECORD_HEADER_LEN + TLS_RECORD_MAX;
		data = evbuffer_pullup(in, (ev_ssize_t)len);
		rc = tls_peek_record(data, len, &pk);
		if (rc == MEF_E_AGAIN)
			return 0;
		if (rc != MEF_OK || !pk.is_cke) {
			/* Not ours to judge (or not the identity yet): feed it. */
			if (rc != MEF_OK)
				c->peeked = 1;
			else if (tls_stream_feed(c->tls, data, pk.record_len) ==
			    MEF_OK)
				evbuffer_drain(in, pk.record_len);
			continue;
		}
		/* Logs and the upstream get the canonical form of the KeId. */
		if (keyid_parse(pk.identity, pk.identity_len, &kid) == MEF_OK)
			snprintf(c->keyid, sizeof(c->keyid), "%s", kid.text);
		else
			snprintf(c->keyid, sizeof(c->keyid), "%s", pk.identity);
		/*
		 * Keep what the cache holds now: the PSK callback uses this copy,
		 * so an eviction in between cannot turn a good key into a dummy.
		 */
		rc = mef_target_peek(c->worker->gate->target, pk.identity, key,
		    c->fetch.enrolee_id, sizeof(c->fetch.enrolee_id), NULL);
		if (rc == MEF_OK) {
			snprintf(c->fetch.keyid, sizeof(c->fetch.keyid), "%s",
			    pk.identity);
			rc = mef_secret_new(key, sizeof(key), &c->fetch.key);
		}
		mef_wipe(key, sizeof(key));	/* on every path out */
		if (rc != MEF_E_AGAIN) {
			c->from_cache = 1;
			c->peeked = 1;
			c->fetch.result = rc;	/* a cached failure, for the log */
			break;
		}
		snprintf(c->fetch.keyid, sizeof(c->fetch.keyid), "%s",
		    pk.identity);
		c->fetch.done_ev = c->fetch_ev;
		c->phase = GC_FETCHING;
		c->fetching = 1;
		c->worker->loop.npending++;
		bufferevent_disable(c->down, EV_READ);
		gate_pool_submit(c->worker->gate->pool, &c->fetch);
		return 0;
	}
	return 1;
}

static void
handshake_done(struct gate_conn *c)
{
	c->phase = GC_OPEN;
	evloop_arm_ms(c->deadline_ev, c->worker->gate->cfg.idle_timeout_ms);
	log_info("association peer=%s keyid=%s enrolee=%s outcome=ok source=%s "
	    "tls=%s cipher=%s latency_us=%llu", c->peer, LOG_VAL(c->keyid),
	    LOG_VAL(c->enrolee_id), c->from_cache ? "cache" : "mef",
	    tls_stream_version(c->tls), tls_stream_cipher(c->tls),
	    (unsigned long long)since_accept(c));
	http_fwd_req_init(&c->req, c->worker->gate->cfg.header_max);
}

static void
handshake_input(struct gate_conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->down);
	char		 ebuf[128];
	enum mef_err	 rc;
	size_t		 len;

	/* Records before the ClientKeyExchange are fed as they come. */
	if (!peek_records(c) && c->phase == GC_FETCHING)
		return;
	len = c->peeked ? evbuffer_get_length(in) : 0;
	if (len > 0) {
		if (tls_stream_feed(c->tls, evbuffer_pullup(in, -1), len) !=
		    MEF_OK) {
			gate_conn_free(c);
			return;
		}
		evbuffer_drain(in, len);
	}
	rc = tls_stream_handshake(c->tls);
	flush_tls(c);
	if (rc == MEF_E_AGAIN)
		return;
	if (rc != MEF_OK) {
		log_info("association peer=%s keyid=%s outcome=handshake-failed "
		    "reason=\"%s\" latency_us=%llu", c->peer,
		    c->keyid[0] != '\0' ? LOG_VAL(c->keyid) : "-",
		    c->fetch.result != MEF_OK ? fetch_failure(c->fetch.result) :
		    tls_stream_error(c->tls, ebuf, sizeof(ebuf)),
		    (unsigned long long)since_accept(c));
		c->closing = 1;
		if (evbuffer_get_length(bufferevent_get_output(c->down)) == 0)
			gate_conn_free(c);
		return;
	}
	handshake_done(c);
	conn_input(c);
}

/* see gate.h */
enum mef_err
gate_conn_psk_lookup(void *conn_arg, const char *identity,
    struct mef_secret **ppsk)
{
	struct gate_conn	*c = conn_arg;
	unsigned char		 key[MEF_KEY_LEN];
	enum mef_err		 rc;

	if (c->fetch.key != NULL && strcasecmp(identity, c->fetch.keyid) == 0) {
		snprintf(c->enrolee_id, sizeof(c->enrolee_id), "%s",
		    c->fetch.enrolee_id);
		return mef_secret_dup(c->fetch.key, ppsk);
	}
	/* Never blocks: the cache or nothing (a dummy key then fails it). */
	rc = mef_target_peek(c->worker->gate->target, identity, key,
	    c->enrolee_id, sizeof(c->enrolee_id), NULL);
	if (rc == MEF_OK)
		rc = mef_secret_new(key, sizeof(key), ppsk);
	else
		rc = MEF_E_NOTFOUND;
	mef_wipe(key, sizeof(key));
	if (c->keyid[0] == '\0')
		snprintf(c->keyid, sizeof(c->keyid), "%s", identity);
	return rc;
}

static void
fetch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gate_conn	*c = arg;

	c->worker->loop.npending--;
	c->fetching = 0;
	if (c->dead) {
		c->dead = 0;
		gate_conn_free(c);
		return;
	}
	c->phase = GC_HANDSHAKE;
	c->peeked = 1;
	bufferevent_enable(c->down, EV_READ);
	handshake_input(c);
}

static void
conn_input(struct gate_conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->down);
	enum mef_err	 rc;
	size_t		 len;

	if (c->phase != GC_OPEN) {
		if (c->phase == GC_HANDSHAKE)
			handshake_input(c);
		return;
	}
	len = evbuffer_get_length(in);
	if (len > 0) {
		rc = tls_stream_feed(c->tls, evbuffer_pullup(in, -1), len);
		evbuffer_drain(in, len);
		if (rc == MEF_OK)
			rc = tls_stream_read(c->tls, c->plain);
		flush_tls(c);
		if (rc != MEF_OK) {
			/* close_notify or a bad record: the association ends. */
			gate_conn_free(c);
			return;
		}
		gate_conn_touch(c);
	}
	gate_proxy_input(c);
	gate_conn_flow(c);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	conn_input(arg);
}

/* see gate.h */
int
gate_conn_end(struct gate_conn *c)
{
	struct evbuffer	*out;

	c->closing = 1;
	if (c->down == NULL) {
		gate_conn_free(c);
		return 0;
	}
	out = bufferevent_get_output(c->down);
	if (evbuffer_get_length(out) > 0)
		return 1;		/* write_cb comes back here */
	if (c->phase == GC_OPEN && !c->notified) {
		/* End the association properly: close_notify, then close. */
		c->notified = 1;
		tls_stream_close_notify(c->tls);
		flush_tls(c);
		if (evbuffer_get_length(out) > 0)
			return 1;
	}
	gate_conn_free(c);
	return 0;
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct gate_conn	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if (c->closing) {
		(void)gate_conn_end(c);
		return;
	}
	if (c->up != NULL)
		bufferevent_enable(c->up, EV_READ);	/* backpressure released */
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct gate_conn	*c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (c->phase != GC_OPEN)
			log_info("association peer=%s keyid=%s "
			    "outcome=closed-in-handshake", c->peer,
			    c->keyid[0] != '\0' ? LOG_VAL(c->keyid) : "-");
		gate_conn_free(c);
	}
}

/* see gate.h */
void
gate_conn_accept(struct gate_worker *w, int fd, const struct sockaddr *sa,
    int overloaded)
{
	struct gate		*g = w->gate;
	struct gate_conn	*c;
	int			 one = 1;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		return;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->worker = w;
	c->phase = GC_HANDSHAKE;
	c->t_accept_us = clock_mono_us();
	sockaddr_format(sa, c->peer, sizeof(c->peer));
	c->down = bufferevent_socket_new(w->loop.base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	c->plain = evbuffer_new();
	c->deadline_ev = evtimer_new(w->loop.base, deadline_cb, c);
	c->fetch_ev = event_new(w->loop.base, -1, 0, fetch_cb, c);
	if (c->down == NULL || c->plain == NULL || c->deadline_ev == NULL ||
	    c->fetch_ev == NULL || tls_stream_new(g->tls, c, &c->tls) != MEF_OK) {
		if (c->down == NULL)
			evutil_closesocket(fd);
		evloop_conn_add(&w->loop, &c->link);
		gate_conn_free(c);
		return;
	}
	evloop_conn_add(&w->loop, &c->link);
	if (overloaded) {
		/* Past the bound: no handshake, no fetch; close at once. */
		log_warnx("association peer=%s outcome=overloaded", c->peer);
		gate_conn_free(c);
		return;
	}
	bufferevent_setcb(c->down, read_cb, write_cb, event_cb, c);
	bufferevent_enable(c->down, EV_READ | EV_WRITE);
	evloop_arm_ms(c->deadline_ev, g->cfg.handshake_timeout_ms);
}

/* see gate.h */
void
gate_conn_free(struct gate_conn *c)
{
	if (c->dead)
		return;
	gate_proxy_close(c);
	if (c->down != NULL) {
		bufferevent_free(c->down);
		c->down = NULL;
	}
	if (c->deadline_ev != NULL)
		event_del(c->deadline_ev);
	if (c->fetching) {
		/* The pool still holds c->fetch: free when it returns. */
		c->dead = 1;
		return;
	}
	evloop_conn_remove(&c->worker->loop, &c->link);
	if (c->deadline_ev != NULL)
		event_free(c->deadline_ev);
	if (c->fetch_ev != NULL)
		event_free(c->fetch_ev);
	if (c->plain != NULL)
		evbuffer_free(c->plain);
	tls_stream_free(&c->tls);
	mef_secret_free(&c->fetch.key);
	http_fwd_req_free(&c->req);
	free(c);
}

/* see gate.h */
int
gate_conn_is_idle(const struct gate_conn *c)
{
	return !c->fetching && !c->awaiting && c->phase == GC_OPEN &&
	    evbuffer_get_length(c->plain) == 0;
}
