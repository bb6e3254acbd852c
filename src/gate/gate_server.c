/*
 * gate_server.c -- assembling mef-gate: the libmef Target with one entry per MEF, the
 * TLS context, the fetch pool and the event-loop workers.
 *
 * Everything a bad configuration can break (key files, addresses, the TLS context)
 * is checked in gate_init() before any thread starts, so `mef-gate -n` checks what a
 * start would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "client/keyfile.h"
#include "gate/gate.h"
#include "protocol/media.h"
#include "transport/listener.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strparse.h"

#define DRAIN_GRACE_US	(5 * 1000000ull)
#define DRAIN_POLL_MS	50
#define OVERLOAD_MARGIN	64

static enum mef_err
add_mef(struct gate *g, const struct gate_mef *m, char *err, size_t errsz)
{
	struct mef_target_mef_cfg	 mc;
	struct mef_secret		*psk = NULL;
	char				 host[HOSTPORT_HOST_MAX];
	uint16_t			 port;
	enum mef_format			 fmt = MEF_FMT_JSON;
	enum mef_err			 rc;

	memset(&mc, 0, sizeof(mc));
	mc.version = MEF_TARGET_MEF_CFG_VERSION;
	mc.fqdn = m->fqdn;
	rc = parse_hostport(m->url, host, sizeof(host), &port);
	if (rc == MEF_OK && m->accept[0] != '\0')
		rc = media_from_name(m->accept, &fmt);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "[mef:%s]: bad url or accept", m->fqdn);
		return MEF_E_CONFIG;
	}
	mc.host = host;
	mc.port = port;
	mc.accept = fmt;
	if (m->psk_id[0] != '\0') {
		rc = keyfile_read(m->psk_file, KEYFILE_KEY_MAX, &psk);
		if (rc != MEF_OK) {
			snprintf(err, errsz, "[mef:%s]: psk_file %s: %s", m->fqdn,
			    m->psk_file, mef_strerror(rc));
			return MEF_E_CONFIG;
		}
		mc.psk_id = m->psk_id;
		mc.psk = mef_secret_bytes(psk);
		mc.psk_len = mef_secret_len(psk);
	} else {
		mc.cert_file = m->cert;
		mc.key_file = m->key;
	}
	if (m->ca[0] != '\0')
		mc.ca_file = m->ca;
	rc = mef_target_add_mef(g->target, &mc);
	mef_secret_free(&psk);
	if (rc != MEF_OK)
		snprintf(err, errsz, "[mef:%s]: %s", m->fqdn, mef_strerror(rc));
	return rc == MEF_OK ? MEF_OK : MEF_E_CONFIG;
}

static enum mef_err
init_target(struct gate *g, char *err, size_t errsz)
{
	struct mef_target_cfg	tc;
	enum mef_err		rc;
	size_t			i;

	memset(&tc, 0, sizeof(tc));
	tc.version = MEF_TARGET_CFG_VERSION;
	tc.target_id = g->cfg.target_id;
	tc.cache_max_s = g->cfg.cache_max_s;
	tc.negative_ttl_s = g->cfg.negative_ttl_s;
	tc.error_ttl_s = g->cfg.error_ttl_s;
	tc.max_entries = g->cfg.cache_entries;
	/* libmef has one fetch timeout per Target: the longest any MEF is given. */
	for (i = 0; i < g->cfg.nmefs; i++)
		if (g->cfg.mefs[i].timeout_ms > tc.fetch_timeout_ms)
			tc.fetch_timeout_ms = g->cfg.mefs[i].timeout_ms;
	rc = mef_target_new(&tc, &g->target);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "target_id %s: %s", g->cfg.target_id,
		    mef_strerror(rc));
		return MEF_E_CONFIG;
	}
	for (i = 0; i < g->cfg.nmefs; i++) {
		rc = add_mef(g, &g->cfg.mefs[i], err, errsz);
		if (rc != MEF_OK)
			return rc;
	}
	return MEF_OK;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct gate_worker	*w = arg;
	unsigned		 max = w->gate->cfg.max_connections;

	if (w->draining || w->nconns >= max + OVERLOAD_MARGIN) {
		evutil_closesocket(fd);
		return;
	}
	gate_conn_accept(w, fd, sa, w->nconns >= max);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gate_worker	*w = arg;
	struct gate_conn	*c, *next;
	struct timeval		 tv = { 0, DRAIN_POLL_MS * 1000 };
	int			 late;

	late = clock_mono_us() - w->drain_start_us > DRAIN_GRACE_US;
	for (c = TAILQ_FIRST(&w->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->dead && (late || gate_conn_is_idle(c)))
			gate_conn_free(c);
	}
	if (w->pending_fetches == 0 && (w->nconns == 0 || late)) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	event_add(w->drain_ev, &tv);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gate_worker	*w = arg;

	w->draining = 1;
	w->drain_start_us = clock_mono_us();
	if (w->listener != NULL)
		evconnlistener_free(w->listener);
	w->listener = NULL;
	drain_cb(-1, 0, w);
}

static enum mef_err
worker_init(struct gate_worker *w, struct gate *g, unsigned idx, char *err,
    size_t errsz)
{
	int	fd;

	memset(w, 0, sizeof(*w));
	w->gate = g;
	w->idx = idx;
	TAILQ_INIT(&w->conns);
	w->base = event_base_new();
	if (w->base == NULL)
		return MEF_E_NOMEM;
	w->stop_ev = event_new(w->base, -1, 0, stop_cb, w);
	w->drain_ev = evtimer_new(w->base, drain_cb, w);
	if (w->stop_ev == NULL || w->drain_ev == NULL)
		return MEF_E_NOMEM;
	if (listener_open(g->cfg.listen, &fd, err, errsz) != MEF_OK)
		return MEF_E_CONFIG;
	w->listener = evconnlistener_new(w->base, accept_cb, w,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (w->listener == NULL) {
		evutil_closesocket(fd);
		snprintf(err, errsz, "%s: cannot listen", g->cfg.listen);
		return MEF_E_CONFIG;
	}
	return MEF_OK;
}

static void *
worker_main(void *arg)
{
	struct gate_worker	*w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static void
worker_free(struct gate_worker *w)
{
	struct gate_conn	*c;

	while ((c = TAILQ_FIRST(&w->conns)) != NULL) {
		c->dead = 0;
		c->fetching = 0;
		gate_conn_free(c);
	}
	if (w->listener != NULL)
		evconnlistener_free(w->listener);
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->drain_ev != NULL)
		event_free(w->drain_ev);
	if (w->base != NULL)
		event_base_free(w->base);
	memset(w, 0, sizeof(*w));
}

/* see gate.h */
enum mef_err
gate_init(struct gate *g, const struct gate_config *cfg, int check_only,
    char *err, size_t errsz)
{
	struct tls_server_cfg	tc;
	enum mef_err		rc;
	long			ncpu;
	unsigned		i;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	if (evthread_use_pthreads() != 0) {
		snprintf(err, errsz, "libevent: no thread support");
		return MEF_E_CONFIG;
	}
	rc = init_target(g, err, errsz);
	if (rc != MEF_OK)
		return rc;
	memset(&tc, 0, sizeof(tc));
	tc.role = TLS_ROLE_BOOTSTRAP;	/* TLS 1.2 PSK, the mandatory suite first */
	tc.psk_lookup = gate_conn_psk_lookup;
	rc = tls_server_new(&tc, &g->tls, err, errsz);
	if (rc != MEF_OK || check_only)
		return rc;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	g->nworkers = cfg->workers != 0 ? cfg->workers :
	    (ncpu > 0 ? (unsigned)ncpu : 1);
	g->workers = calloc(g->nworkers, sizeof(*g->workers));
	if (g->workers == NULL)
		return MEF_E_NOMEM;
	for (i = 0; i < g->nworkers; i++) {
		rc = worker_init(&g->workers[i], g, i, err, errsz);
		if (rc != MEF_OK)
			return rc;
	}
	return MEF_OK;
}

/* see gate.h */
enum mef_err
gate_start(struct gate *g, char *err, size_t errsz)
{
	unsigned	i;

	if (gate_pool_start(g->target, g->cfg.fetch_threads, &g->pool) !=
	    MEF_OK) {
		snprintf(err, errsz, "cannot start the fetch threads");
		return MEF_E_IO;
	}
	for (i = 0; i < g->nworkers; i++) {
		if (pthread_create(&g->workers[i].thread, NULL, worker_main,
		    &g->workers[i]) != 0) {
			snprintf(err, errsz, "cannot start worker %u", i);
			return MEF_E_IO;
		}
		g->workers[i].running = 1;
	}
	return MEF_OK;
}

/* see gate.h */
void
gate_stop(struct gate *g)
{
	unsigned	i;

	for (i = 0; i < g->nworkers; i++)
		if (g->workers[i].running)
			event_active(g->workers[i].stop_ev, EV_WRITE, 0);
	for (i = 0; i < g->nworkers; i++)
		if (g->workers[i].running) {
			pthread_join(g->workers[i].thread, NULL);
			g->workers[i].running = 0;
		}
	gate_pool_stop(&g->pool);
}

/* see gate.h */
void
gate_free(struct gate *g)
{
	unsigned	i;

	if (g->workers != NULL)
		for (i = 0; i < g->nworkers; i++)
			worker_free(&g->workers[i]);
	free(g->workers);
	tls_server_free(&g->tls);
	mef_target_free(&g->target);
	memset(g, 0, sizeof(*g));
}
