/*
 * gate.h -- mef-gate's process state, event-loop workers and connections.
 *
 * One struct gate per process: the validated configuration, the libmef Target (the
 * credential cache in front of the MEFs), the TLS context and a pool of fetch threads.
 * Each worker is one event loop (evloop.h: a thread with its own base and
 * SO_REUSEPORT listener); a connection lives on one worker from accept to close.
 *
 * A connection goes through three phases: the TLS handshake, during which the record
 * carrying the Enrolee's ClientKeyExchange is held back until the key for its KeId is
 * in the cache (fetched by the pool if need be, so only this handshake waits for the
 * MEF); then the association, in which each HTTP request is checked (X-M2M-Origin must
 * be the EnroleeID the MEF bound to the KeId) and forwarded to the upstream CSE with
 * trust headers naming the KeId and EnroleeID; then close.
 */
#ifndef MEF_GATE_GATE_H
#define MEF_GATE_GATE_H

#include <stdint.h>

#include "gate/gate_config.h"
#include "http/http_forward.h"
#include "mef/limits.h"
#include "mef/target.h"
#include "transport/evloop.h"
#include "transport/tls_server.h"
#include "transport/tls_stream.h"
#include "util/secret.h"
#include "util/workq.h"

#define GATE_HDR_KEYID		"X-MEF-KeId"
#define GATE_HDR_ENROLEE	"X-MEF-Enrolee-ID"
#define GATE_PLAIN_HIGH		(64 * 1024)	/* bytes read, not yet parsed */
#define GATE_QUEUE_HIGH		(1024 * 1024)	/* bytes queued to a peer */

struct bufferevent;
struct event;
struct gate_conn;
struct gate_pool;
struct sockaddr;

struct gate_worker {
	struct gate		*gate;
	unsigned		 idx;
	struct evloop		 loop;		/* npending: fetches in flight */
};

struct gate {
	struct gate_config	 cfg;
	struct mef_target	*target;
	struct tls_server	*tls;
	struct gate_pool	*pool;
	unsigned		 nworkers;
	struct gate_worker	*workers;
};

/* A fetch handed to the pool; the result comes back on done_ev's loop. */
struct gate_fetch {
	char			 keyid[MEF_KEYID_MAX];
	struct event		*done_ev;
	enum mef_err		 result;
	struct mef_secret	*key;		/* MEF_OK: the credential */
	char			 enrolee_id[MEF_ID_MAX + 1];
	struct workq_link	 link;		/* pool's queue link */
};

enum gate_phase {
	GC_HANDSHAKE,		/* feeding records to TLS */
	GC_FETCHING,		/* ClientKeyExchange held, key being fetched */
	GC_OPEN,		/* association up: proxying */
};

struct gate_conn {
	struct gate_worker	*worker;
	enum gate_phase		 phase;
	struct bufferevent	*down;		/* the Enrolee's socket */
	struct tls_stream	*tls;
	struct evbuffer		*plain;		/* decrypted, not yet parsed */
	struct event		*deadline_ev;
	struct event		*fetch_ev;
	char			 peer[64];
	uint64_t		 t_accept_us;
	int			 peeked;	/* ClientKeyExchange resolved */
	int			 from_cache;	/* no fetch was needed */
	int			 closing;	/* close once output is sent */
	int			 notified;	/* close_notify queued */
	int			 dead;		/* free when the fetch returns */
	int			 fetching;
	struct gate_fetch	 fetch;
	char			 keyid[MEF_KEYID_MAX];
	char			 enrolee_id[MEF_ID_MAX + 1];

	/* Proxy */
	struct http_fwd_req	 req;
	struct http_fwd_resp	 resp;
	struct bufferevent	*up;		/* the upstream connection */
	int			 up_connected;
	int			 awaiting;	/* request sent, answer pending */
	int			 answered;	/* bytes of the answer went out */
	unsigned long		 requests;

	struct evloop_conn	 link;		/* on its worker's loop */
};

/* gate_server.c */
enum mef_err	gate_init(struct gate *g, const struct gate_config *cfg,
		    int check_only, char *err, size_t errsz);
enum mef_err	gate_start(struct gate *g, char *err, size_t errsz);
void		gate_stop(struct gate *g);
void		gate_free(struct gate *g);

/* gate_pool.c: threads that call mef_target_get() so no loop waits on a MEF. */
enum mef_err	gate_pool_start(struct mef_target *t, unsigned nthreads,
		    struct gate_pool **ppool);
/* Queues f (borrowed until f->done_ev fires). Thread-safe. */
void		gate_pool_submit(struct gate_pool *pool, struct gate_fetch *f);
void		gate_pool_stop(struct gate_pool **ppool);

/* gate_conn.c */
void		gate_conn_accept(struct gate_worker *w, int fd,
		    const struct sockaddr *sa, int overloaded);
void		gate_conn_free(struct gate_conn *c);
int		gate_conn_is_idle(const struct gate_conn *c);
enum mef_err	gate_conn_psk_lookup(void *conn_arg, const char *identity,
		    struct mef_secret **ppsk);
/* Encrypts and sends len bytes to the Enrolee. */
enum mef_err	gate_conn_send(struct gate_conn *c, const void *data, size_t len);
/*
 * Ends the association once what is queued for the Enrolee has gone out, with a
 * close_notify. Returns 0 when c was freed now, 1 when it lives on until then.
 */
int		gate_conn_end(struct gate_conn *c);
/* Activity on the association: the idle deadline starts again. */
void		gate_conn_touch(struct gate_conn *c);
/*
 * Reads from the Enrolee only while what it sent can go somewhere: less than
 * GATE_PLAIN_HIGH bytes waiting to be parsed and less than GATE_QUEUE_HIGH queued
 * towards the upstream. Called whenever one of those changes.
 */
void		gate_conn_flow(struct gate_conn *c);

/* gate_proxy.c */
void		gate_proxy_input(struct gate_conn *c);
void		gate_proxy_close(struct gate_conn *c);

#endif /* MEF_GATE_GATE_H */
