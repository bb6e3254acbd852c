/*
 * evloop.c -- an event-loop thread: listeners, connection tracking, drain at stop.
 *
 * Shutdown is cooperative: the stop event runs on the loop's own thread, so the
 * listeners, the connection list and the counters are only ever touched there and
 * need no lock. A connection with work in flight off the loop is waited for even past
 * the grace period, so work another thread finished is always answered or released.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "transport/evloop.h"
#include "transport/listener.h"
#include "util/clock.h"
#include "util/log.h"

#define EVLOOP_REFUSED_LOG_US	1000000

/*
 * One line per second at most, with the count since the last one: a flood must not
 * turn into a flood of log lines (and a full disk).
 */
static void
log_refused(struct evloop *loop, const char *name)
{
	uint64_t	now = clock_mono_us();

	loop->nrefused++;
	if (name == NULL || (loop->refused_log_us != 0 &&
	    now - loop->refused_log_us < EVLOOP_REFUSED_LOG_US))
		return;
	log_warnx("%s: %u connection(s) refused: %u connections on this loop",
	    name, loop->nrefused, loop->nconns);
	loop->nrefused = 0;
	loop->refused_log_us = now;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct evloop_lsn	*lsn = arg;
	struct evloop		*loop = lsn->loop;

	if (loop->draining ||
	    loop->nconns >= loop->max_conns + EVLOOP_OVERLOAD_MARGIN) {
		evutil_closesocket(fd);
		log_refused(loop, lsn->spec.name);
		return;
	}
	lsn->spec.accept(loop, lsn->spec.arg, fd, sa, salen,
	    loop->nconns >= loop->max_conns);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evloop		*loop = arg;
	struct evloop_conn	*ec, *next;
	struct timeval		 tv = { 0, EVLOOP_DRAIN_POLL_MS * 1000 };
	int			 late;

	late = clock_mono_us() - loop->drain_start_us > EVLOOP_DRAIN_GRACE_US;
	for (ec = TAILQ_FIRST(&loop->conns); ec != NULL; ec = next) {
		next = TAILQ_NEXT(ec, entry);
		if (late || loop->ops->is_idle(ec))
			loop->ops->close(ec);
	}
	if (loop->npending == 0 && (loop->nconns == 0 || late)) {
		event_base_loopexit(loop->base, NULL);
		return;
	}
	event_add(loop->drain_ev, &tv);
}

static void
close_listeners(struct evloop *loop)
{
	size_t	i;

	for (i = 0; i < loop->nlsn; i++) {
		if (loop->lsn[i].l != NULL)
			evconnlistener_free(loop->lsn[i].l);
		loop->lsn[i].l = NULL;
	}
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evloop	*loop = arg;

	loop->draining = 1;
	loop->drain_start_us = clock_mono_us();
	close_listeners(loop);
	drain_cb(-1, 0, loop);
}

static void *
evloop_main(void *arg)
{
	struct evloop	*loop = arg;

	event_base_dispatch(loop->base);
	return NULL;
}

/* see evloop.h */
enum mef_err
evloop_init(struct evloop *loop, const struct evloop_ops *ops,
    unsigned max_conns, char *err, size_t errsz)
{
	memset(loop, 0, sizeof(*loop));
	loop->ops = ops;
	loop->max_conns = max_conns;
	TAILQ_INIT(&loop->conns);
	loop->base = event_base_new();
	if (loop->base == NULL) {
		snprintf(err, errsz, "event_base_new failed");
		return MEF_E_NOMEM;
	}
	loop->stop_ev = event_new(loop->base, -1, 0, stop_cb, loop);
	loop->drain_ev = evtimer_new(loop->base, drain_cb, loop);
	if (loop->stop_ev == NULL || loop->drain_ev == NULL)
		return MEF_E_NOMEM;
	return MEF_OK;
}

/* see evloop.h */
enum mef_err
evloop_listen(struct evloop *loop, const struct evloop_listen *spec,
    char *err, size_t errsz)
{
	struct evloop_lsn	*lsn;
	int			 fd;

	if (loop->nlsn == EVLOOP_LISTEN_MAX) {
		snprintf(err, errsz, "%s: too many listeners", spec->addr);
		return MEF_E_CONFIG;
	}
	if (listener_open(spec->addr, &fd, err, errsz) != MEF_OK)
		return MEF_E_CONFIG;
	lsn = &loop->lsn[loop->nlsn];
	lsn->loop = loop;
	lsn->spec = *spec;
	lsn->spec.addr = NULL;
	lsn->l = evconnlistener_new(loop->base, accept_cb, lsn,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (lsn->l == NULL) {
		snprintf(err, errsz, "%s: cannot listen", spec->addr);
		evutil_closesocket(fd);
		return MEF_E_CONFIG;
	}
	loop->nlsn++;
	return MEF_OK;
}

/* see evloop.h */
enum mef_err
evloop_start(struct evloop *loop)
{
	if (pthread_create(&loop->thread, NULL, evloop_main, loop) != 0)
		return MEF_E_IO;
	loop->running = 1;
	return MEF_OK;
}

/* see evloop.h */
void
evloop_request_stop(struct evloop *loop)
{
	if (loop->running)
		event_active(loop->stop_ev, EV_WRITE, 0);
}

/* see evloop.h */
void
evloop_join(struct evloop *loop)
{
	if (loop->running)
		pthread_join(loop->thread, NULL);
	loop->running = 0;
}

/* see evloop.h */
void
evloop_free(struct evloop *loop)
{
	close_listeners(loop);
	if (loop->stop_ev != NULL)
		event_free(loop->stop_ev);
	if (loop->drain_ev != NULL)
		event_free(loop->drain_ev);
	if (loop->base != NULL)
		event_base_free(loop->base);
	memset(loop, 0, sizeof(*loop));
}

/* see evloop.h */
void
evloop_conn_add(struct evloop *loop, struct evloop_conn *ec)
{
	TAILQ_INSERT_TAIL(&loop->conns, ec, entry);
	loop->nconns++;
}

/* see evloop.h */
void
evloop_conn_remove(struct evloop *loop, struct evloop_conn *ec)
{
	TAILQ_REMOVE(&loop->conns, ec, entry);
	loop->nconns--;
}

/* see evloop.h */
void
evloop_arm_ms(struct event *ev, unsigned ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_add(ev, &tv);
}
