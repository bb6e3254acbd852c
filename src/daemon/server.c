/*
 * server.c -- assembling mefd: KEK, store schema, TLS contexts, workers, commit thread.
 *
 * The same code runs in mefd's network process (with the remote KEK of keyd.h,
 * between binding as root and the uid drop) and in `mefd -n` (with the KEK loaded
 * here).
 *
 * Everything that can fail on a bad configuration happens in mefd_init(), before any
 * thread starts, so `mefd -n` exercises the same checks as a real start. The store is
 * opened once here so its schema is created or migrated before the workers open their
 * own connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/thread.h>

#include "daemon/audit_hooks.h"
#include "daemon/daemon.h"
#include "daemon/conn.h"
#include "util/log.h"

/* Entries per back-off table: 8192 x 40 octets, twice. */
#define MEFD_BACKOFF_SLOTS	8192

static enum mef_err
init_tls(struct mefd *d, char *err, size_t errsz)
{
	struct tls_server_cfg	 boot, target;
	enum mef_err		 rc;

	memset(&boot, 0, sizeof(boot));
	boot.role = TLS_ROLE_BOOTSTRAP;
	boot.psk_lookup = enrol_psk_lookup;
	rc = tls_server_new(&boot, &d->boot_tls, err, errsz);
	if (rc != MEF_OK)
		return rc;
	memset(&target, 0, sizeof(target));
	target.role = TLS_ROLE_TARGET;
	target.psk_lookup = fetch_psk_lookup;
	if (d->cfg.target_cert[0] != '\0') {
		target.cert_file = d->cfg.target_cert;
		target.key_file = d->cfg.target_key;
		target.cert_check = fetch_cert_check;
	}
	if (d->cfg.target_client_ca[0] != '\0')
		target.client_ca_file = d->cfg.target_client_ca;
	rc = tls_server_new(&target, &d->target_tls, err, errsz);
	if (rc != MEF_OK || d->cfg.boot_listen_cert[0] == '\0')
		return rc;
	memset(&boot, 0, sizeof(boot));
	boot.role = TLS_ROLE_BOOTSTRAP_CERT;
	boot.cert_file = d->cfg.boot_cert;
	boot.key_file = d->cfg.boot_key;
	boot.cert_check = enrol_cert_check;
	return tls_server_new(&boot, &d->boot_cert_tls, err, errsz);
}

/*
 * The failure tables of the bootstrap listener: a fixed size, whatever the number
 * of identities and addresses that fail.
 */
static enum mef_err
init_backoff(struct mefd *d, char *err, size_t errsz)
{
	struct backoff_cfg	bc;
	enum mef_err		rc;

	memset(&bc, 0, sizeof(bc));
	bc.after[BACKOFF_IDENTITY] = d->cfg.backoff_after;
	bc.after[BACKOFF_ADDRESS] = d->cfg.backoff_address_after;
	bc.base_ms = d->cfg.backoff_base_ms;
	bc.max_ms = d->cfg.backoff_max_ms;
	bc.window_s = d->cfg.backoff_window_s;
	bc.slots = MEFD_BACKOFF_SLOTS;
	rc = backoff_new(&bc, &d->backoff);
	if (rc != MEF_OK)
		snprintf(err, errsz, "back-off tables: %s", mef_strerror(rc));
	return rc;
}

/* see daemon.h */
enum mef_err
mefd_init(struct mefd *d, const struct mef_config *cfg, struct wrap_kek *kek,
    int check_only, char *err, size_t errsz)
{
	struct store	*st = NULL;
	enum mef_err	 rc;
	long		 ncpu;
	unsigned	 i;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->kek = kek;
	if (evthread_use_pthreads() != 0) {
		snprintf(err, errsz, "libevent: no thread support");
		return MEF_E_CONFIG;
	}
	if (d->kek == NULL) {
		rc = wrap_kek_load(cfg->kek_file, &d->kek, err, errsz);
		if (rc != MEF_OK)
			return rc;
	}
	rc = store_open(cfg->db_url, d->kek, &st);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "%s: cannot open store: %s", cfg->db_url,
		    mef_strerror(rc));
		return rc;
	}
	store_close(&st);
	rc = init_tls(d, err, errsz);
	if (rc != MEF_OK)
		return rc;
	if (check_only)
		return MEF_OK;
	rc = audit_hooks_open(d, err, errsz);
	if (rc != MEF_OK)
		return rc;
	rc = init_backoff(d, err, errsz);
	if (rc != MEF_OK)
		return rc;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	d->nworkers = cfg->workers != 0 ? cfg->workers :
	    (ncpu > 0 ? (unsigned)ncpu : 1);
	d->workers = calloc(d->nworkers, sizeof(*d->workers));
	if (d->workers == NULL)
		return MEF_E_NOMEM;
	for (i = 0; i < d->nworkers; i++) {
		rc = worker_init(&d->workers[i], d, i, err, errsz);
		if (rc != MEF_OK)
			return rc;
	}
	/*
	 * The commit thread's connection too is opened here, so that every store
	 * file is open before the network process gives up root (SQLite keeps its
	 * database, WAL and shared-memory files open for the connection's life).
	 */
	rc = store_open(cfg->db_url, d->kek, &d->commit_store);
	if (rc != MEF_OK)
		snprintf(err, errsz, "%s: cannot open store: %s", cfg->db_url,
		    mef_strerror(rc));
	return rc;
}

/* see daemon.h */
enum mef_err
mefd_start(struct mefd *d, char *err, size_t errsz)
{
	struct commit_cfg	cc;
	enum mef_err		rc;
	unsigned		i;

	memset(&cc, 0, sizeof(cc));
	cc.db_url = d->cfg.db_url;
	cc.kek = d->kek;
	cc.store = d->commit_store;
	d->commit_store = NULL;		/* the commit thread's now */
	cc.batch_max = d->cfg.commit_batch_max;
	cc.delay_us = d->cfg.commit_delay_us;
	cc.keep_per_enrolee = d->cfg.keys_per_enrolee;
	if (audit_run(d->audit) != MEF_OK) {
		snprintf(err, errsz, "audit thread: cannot start");
		return MEF_E_IO;
	}
	audit_hooks_daemon(d, "mefd-start");
	rc = commit_start(&cc, &d->commit);
	if (rc != MEF_OK) {
		snprintf(err, errsz, "commit thread: %s", mef_strerror(rc));
		return rc;
	}
	for (i = 0; i < d->nworkers; i++) {
		rc = evloop_start(&d->workers[i].loop);
		if (rc != MEF_OK) {
			snprintf(err, errsz, "worker thread: %s", mef_strerror(rc));
			return rc;
		}
	}
	return MEF_OK;
}

/* see daemon.h */
void
mefd_stop(struct mefd *d)
{
	unsigned	i;

	for (i = 0; i < d->nworkers; i++)
		evloop_request_stop(&d->workers[i].loop);
	for (i = 0; i < d->nworkers; i++)
		evloop_join(&d->workers[i].loop);
	commit_stop(&d->commit);
	audit_hooks_daemon(d, "mefd-stop");
	audit_stop(&d->audit);
}

/* see daemon.h */
void
mefd_free(struct mefd *d)
{
	unsigned	i;

	if (d->workers != NULL)
		for (i = 0; i < d->nworkers; i++)
			worker_free(&d->workers[i]);
	free(d->workers);
	backoff_free(&d->backoff);
	tls_server_free(&d->boot_tls);
	tls_server_free(&d->boot_cert_tls);
	tls_server_free(&d->target_tls);
	audit_stop(&d->audit);		/* when never started */
	store_close(&d->commit_store);
	wrap_kek_free(&d->kek);
	memset(d, 0, sizeof(*d));
}
