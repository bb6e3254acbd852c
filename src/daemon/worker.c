/*
 * worker.c -- one mefd event loop: its thread, listeners, store and shutdown.
 *
 * Shutdown is cooperative: the main thread activates stop_ev; the loop closes its
 * listeners, closes idle connections, and polls until every connection has finished
 * (a bootstrap whose commit is in flight is always waited for, so a row the store
 * committed is always answered) or the grace period ends.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "transport/listener.h"
#include "util/clock.h"
#include "util/log.h"

#define DRAIN_GRACE_US	(5 * 1000000ull)
#define DRAIN_POLL_MS	50
#define OVERLOAD_MARGIN	64

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg, enum conn_kind kind, int cert)
{
	struct worker	*w = arg;
	unsigned	 max = w->mefd->cfg.max_connections;

	/*
	 * Past the bound, a few more connections are served a 503 with Retry-After
	 * so well-behaved clients back off; past that margin they are closed at once.
	 */
	if (w->draining || w->nconns >= max + OVERLOAD_MARGIN) {
		log_warnx("%s: connection refused: %u connections on this loop",
		    kind == CONN_BOOTSTRAP ? "bootstrap" : "fetch", w->nconns);
		evutil_closesocket(fd);
		return;
	}
	conn_accept(w, kind, cert, fd, sa, salen, w->nconns >= max);
}

static void
boot_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	accept_cb(l, fd, sa, salen, arg, CONN_BOOTSTRAP, 0);
}

static void
boot_cert_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	accept_cb(l, fd, sa, salen, arg, CONN_BOOTSTRAP, 1);
}

static void
target_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	accept_cb(l, fd, sa, salen, arg, CONN_TARGET, 0);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	struct conn	*c, *next;
	struct timeval	 tv = { 0, DRAIN_POLL_MS * 1000 };
	int		 late;

	late = clock_mono_us() - w->drain_start_us > DRAIN_GRACE_US;
	for (c = TAILQ_FIRST(&w->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->dead && (late || conn_is_idle(c)))
			conn_free(c);
	}
	if (w->pending_commits == 0 && (w->nconns == 0 || late)) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	event_add(w->drain_ev, &tv);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;

	w->draining = 1;
	w->drain_start_us = clock_mono_us();
	if (w->boot_listener != NULL)
		evconnlistener_free(w->boot_listener);
	if (w->boot_cert_listener != NULL)
		evconnlistener_free(w->boot_cert_listener);
	if (w->target_listener != NULL)
		evconnlistener_free(w->target_listener);
	w->boot_listener = NULL;
	w->boot_cert_listener = NULL;
	w->target_listener = NULL;
	drain_cb(-1, 0, w);
}

static struct evconnlistener *
listen_on(struct worker *w, const char *addr, evconnlistener_cb cb, char *err,
    size_t errsz)
{
	struct evconnlistener	*l;
	int			 fd;

	if (listener_open(addr, &fd, err, errsz) != MEF_OK)
		return NULL;
	l = evconnlistener_new(w->base, cb, w, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (l == NULL) {
		snprintf(err, errsz, "%s: cannot listen", addr);
		evutil_closesocket(fd);
	}
	return l;
}

/* see daemon.h */
enum mef_err
worker_init(struct worker *w, struct mefd *d, unsigned idx, char *err,
    size_t errsz)
{
	enum mef_err	rc;

	memset(w, 0, sizeof(*w));
	w->mefd = d;
	w->idx = idx;
	TAILQ_INIT(&w->conns);
	w->base = event_base_new();
	if (w->base == NULL) {
		snprintf(err, errsz, "event_base_new failed");
		return MEF_E_NOMEM;
	}
	w->stop_ev = event_new(w->base, -1, 0, stop_cb, w);
	w->drain_ev = evtimer_new(w->base, drain_cb, w);
	if (w->stop_ev == NULL || w->drain_ev == NULL)
		return MEF_E_NOMEM;
	rc = store_open(d->cfg.db_url, d->kek, &w->store);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "%s: cannot open store: %s", d->cfg.db_url,
		    mef_strerror(rc));
		return rc;
	}
	w->boot_listener = listen_on(w, d->cfg.boot_listen, boot_accept_cb, err,
	    errsz);
	if (w->boot_listener == NULL)
		return MEF_E_CONFIG;
	w->target_listener = listen_on(w, d->cfg.target_listen, target_accept_cb,
	    err, errsz);
	if (w->target_listener == NULL)
		return MEF_E_CONFIG;
	if (d->cfg.boot_listen_cert[0] != '\0') {
		w->boot_cert_listener = listen_on(w, d->cfg.boot_listen_cert,
		    boot_cert_accept_cb, err, errsz);
		if (w->boot_cert_listener == NULL)
			return MEF_E_CONFIG;
	}
	return MEF_OK;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

/* see daemon.h */
enum mef_err
worker_start(struct worker *w)
{
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		return MEF_E_IO;
	w->running = 1;
	return MEF_OK;
}

/* see daemon.h */
void
worker_request_stop(struct worker *w)
{
	if (w->running)
		event_active(w->stop_ev, EV_WRITE, 0);
}

/* see daemon.h */
void
worker_join(struct worker *w)
{
	if (w->running)
		pthread_join(w->thread, NULL);
	w->running = 0;
}

/* see daemon.h */
void
worker_free(struct worker *w)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&w->conns)) != NULL) {
		c->ke_state = c->ke_state == KE_PENDING ? KE_FAILED : c->ke_state;
		c->dead = 0;
		conn_free(c);
	}
	if (w->boot_listener != NULL)
		evconnlistener_free(w->boot_listener);
	if (w->boot_cert_listener != NULL)
		evconnlistener_free(w->boot_cert_listener);
	if (w->target_listener != NULL)
		evconnlistener_free(w->target_listener);
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->drain_ev != NULL)
		event_free(w->drain_ev);
	store_close(&w->store);
	if (w->base != NULL)
		event_base_free(w->base);
	memset(w, 0, sizeof(*w));
}
