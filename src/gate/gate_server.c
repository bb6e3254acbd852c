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

#include <event2/thread.h>

#include "client/keyfile.h"
#include "gate/gate.h"
#include "protocol/media.h"
#include "util/log.h"
#include "util/strparse.h"

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
	mc.tls_version = strcmp(m->tls, "1.3") == 0 ? MEF_FETCH_TLS13 :
	    strcmp(m->tls, "1.2") == 0 ? MEF_FETCH_TLS12 : MEF_FETCH_TLS_DEFAULT;
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

static int
conn_idle_cb(struct evloop_conn *ec)
{
	return gate_conn_is_idle(EVLOOP_CONN(ec, struct gate_conn, link));
}

static void
conn_close_cb(struct evloop_conn *ec)
{
	gate_conn_free(EVLOOP_CONN(ec, struct gate_conn, link));
}

static const struct evloop_ops worker_ops = {
	.is_idle = conn_idle_cb,
	.close = conn_close_cb,
};

static void
accept_cb(struct evloop *loop, void *arg, int fd, const struct sockaddr *sa,
    int salen, int overloaded)
{
	gate_conn_accept(arg, fd, sa, overloaded);
}

static enum mef_err
worker_init(struct gate_worker *w, struct gate *g, unsigned idx, char *err,
    size_t errsz)
{
	struct evloop_listen	ls = { .addr = g->cfg.listen,
				    .accept = accept_cb, .arg = w };
	enum mef_err		rc;

	memset(w, 0, sizeof(*w));
	w->gate = g;
	w->idx = idx;
	rc = evloop_init(&w->loop, &worker_ops, g->cfg.max_connections, err,
	    errsz);
	if (rc != MEF_OK)
		return rc;
	return evloop_listen(&w->loop, &ls, err, errsz);
}

static void
worker_free(struct gate_worker *w)
{
	struct evloop_conn	*ec;
	struct gate_conn	*c;

	while ((ec = TAILQ_FIRST(&w->loop.conns)) != NULL) {
		c = EVLOOP_CONN(ec, struct gate_conn, link);
		c->dead = 0;
		c->fetching = 0;
		gate_conn_free(c);
	}
	evloop_free(&w->loop);
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
		if (evloop_start(&g->workers[i].loop) != MEF_OK) {
			snprintf(err, errsz, "cannot start worker %u", i);
			return MEF_E_IO;
		}
	}
	return MEF_OK;
}

/* see gate.h */
void
gate_stop(struct gate *g)
{
	unsigned	i;

	for (i = 0; i < g->nworkers; i++)
		evloop_request_stop(&g->workers[i].loop);
	for (i = 0; i < g->nworkers; i++)
		evloop_join(&g->workers[i].loop);
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
