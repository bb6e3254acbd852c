/*
 * worker.c -- one mefd event loop: its listeners, its store connection and what
 * shutdown waits for.
 *
 * The loop itself (thread, SO_REUSEPORT listeners, overload margin, drain with a grace
 * period) is transport/evloop.h. What is mefd's: a bootstrap whose commit is in flight
 * is not idle and counts as pending work, so a row the store committed is always
 * answered before the worker ends.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "daemon/fetch_cache.h"

static int
conn_idle_cb(struct evloop_conn *ec)
{
	return conn_is_idle(EVLOOP_CONN(ec, struct conn, link));
}

static void
conn_close_cb(struct evloop_conn *ec)
{
	conn_free(EVLOOP_CONN(ec, struct conn, link));
}

static const struct evloop_ops worker_ops = {
	.is_idle = conn_idle_cb,
	.close = conn_close_cb,
};

static void
boot_accept_cb(struct evloop *loop, void *arg, int fd,
    const struct sockaddr *sa, int salen, int overloaded)
{
	conn_accept(arg, CONN_BOOTSTRAP, 0, fd, sa, salen, overloaded);
}

static void
boot_cert_accept_cb(struct evloop *loop, void *arg, int fd,
    const struct sockaddr *sa, int salen, int overloaded)
{
	conn_accept(arg, CONN_BOOTSTRAP, 1, fd, sa, salen, overloaded);
}

static void
target_accept_cb(struct evloop *loop, void *arg, int fd,
    const struct sockaddr *sa, int salen, int overloaded)
{
	conn_accept(arg, CONN_TARGET, 0, fd, sa, salen, overloaded);
}

/* see daemon.h */
enum mef_err
worker_init(struct worker *w, struct mefd *d, unsigned idx, char *err,
    size_t errsz)
{
	struct evloop_listen	boot = { .addr = d->cfg.boot_listen,
				    .accept = boot_accept_cb, .arg = w,
				    .name = "bootstrap" };
	struct evloop_listen	target = { .addr = d->cfg.target_listen,
				    .accept = target_accept_cb, .arg = w,
				    .name = "fetch" };
	struct evloop_listen	boot_cert = { .addr = d->cfg.boot_listen_cert,
				    .accept = boot_cert_accept_cb, .arg = w,
				    .name = "bootstrap" };
	enum mef_err		rc;

	memset(w, 0, sizeof(*w));
	w->mefd = d;
	w->idx = idx;
	rc = evloop_init(&w->loop, &worker_ops, d->cfg.max_connections, err,
	    errsz);
	if (rc != MEF_OK)
		return rc;
	rc = store_open(d->cfg.db_url, d->kek, &w->store);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "%s: cannot open store: %s", d->cfg.db_url,
		    mef_strerror(rc));
		return rc;
	}
	rc = fetch_cache_new(d->cfg.fetch_cache_entries, &w->fetch_cache);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "fetch cache: %s", mef_strerror(rc));
		return rc;
	}
	rc = evloop_listen(&w->loop, &boot, err, errsz);
	if (rc == MEF_OK)
		rc = evloop_listen(&w->loop, &target, err, errsz);
	if (rc == MEF_OK && d->cfg.boot_listen_cert[0] != '\0')
		rc = evloop_listen(&w->loop, &boot_cert, err, errsz);
	return rc;
}

/* see daemon.h */
void
worker_free(struct worker *w)
{
	struct evloop_conn	*ec;
	struct conn		*c;

	while ((ec = TAILQ_FIRST(&w->loop.conns)) != NULL) {
		c = EVLOOP_CONN(ec, struct conn, link);
		c->ke_state = c->ke_state == KE_PENDING ? KE_FAILED : c->ke_state;
		c->dead = 0;
		conn_free(c);
	}
	fetch_cache_free(&w->fetch_cache);
	store_close(&w->store);
	evloop_free(&w->loop);
	memset(w, 0, sizeof(*w));
}
