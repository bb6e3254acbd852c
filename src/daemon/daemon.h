/*
 * daemon.h -- mefd's process-wide state and its event-loop workers.
 *
 * One struct mefd per process holds the validated configuration, the KEK, the TLS
 * contexts and the commit thread; each struct worker is one event loop (evloop.h: a
 * thread with its own base and SO_REUSEPORT listeners) with its own store connection.
 * Connections belong to one worker for their whole life.
 */
#ifndef MEF_DAEMON_DAEMON_H
#define MEF_DAEMON_DAEMON_H

#include "audit/audit.h"
#include "crypto/wrap.h"
#include "daemon/backoff.h"
#include "daemon/commit.h"
#include "daemon/config.h"
#include "store/store.h"
#include "transport/evloop.h"
#include "transport/tls_server.h"

struct conn;
struct fetch_cache;

struct worker {
	struct mefd		*mefd;
	unsigned		 idx;
	struct evloop		 loop;		/* npending: commits in flight */
	struct store		*store;
	char			 decoy_id[MEF_ID_MAX + 1];	/* enrol_decoy.c */
	uint64_t		 decoy_try_us;
	char			 decoy_miss[40];		/* never an Enrolee */
	struct fetch_cache	*fetch_cache;	/* in front of store, for fetches */
};

struct mefd {
	struct mef_config	 cfg;
	struct wrap_kek		*kek;
	struct tls_server	*boot_tls;
	struct tls_server	*boot_cert_tls;		/* NULL: not configured */
	struct tls_server	*target_tls;
	struct commit		*commit;
	struct audit		*audit;		/* NULL: no [audit] file */
	struct backoff		*backoff;		/* bootstrap failures */
	struct store		*commit_store;	/* until mefd_start() */
	unsigned		 nworkers;
	struct worker		*workers;
};

/*
 * Prepares everything that can fail on a bad configuration: KEK, store schema, TLS
 * contexts, listening sockets and every store connection (not with check_only: a
 * check must not bind next to a running mefd, whose connections SO_REUSEPORT would
 * then share). kek: the KEK to use (taken over, even on failure), or NULL to load
 * cfg->kek_file here. MEF_E_CONFIG with a message in err.
 */
enum mef_err	mefd_init(struct mefd *d, const struct mef_config *cfg,
		    struct wrap_kek *kek, int check_only, char *err,
		    size_t errsz);
/* Starts the commit thread and the workers; returns once they run. */
enum mef_err	mefd_start(struct mefd *d, char *err, size_t errsz);
/* Stops accepting, finishes confirmed work, joins the threads. */
void		mefd_stop(struct mefd *d);
/* Frees what mefd_init() made. */
void		mefd_free(struct mefd *d);

/* worker.c */
enum mef_err	worker_init(struct worker *w, struct mefd *d, unsigned idx,
		    char *err, size_t errsz);
void		worker_free(struct worker *w);

#endif /* MEF_DAEMON_DAEMON_H */
