/*
 * evloop.h -- one event-loop thread with its own SO_REUSEPORT listeners, its
 * connections, and a cooperative shutdown; what mefd's and mef-gate's workers share.
 *
 * The owner embeds a struct evloop in its worker and a struct evloop_conn in each
 * connection. Shutdown: evloop_request_stop() (any thread) makes the loop close its
 * listeners and refuse further accepts, close each connection as soon as ops->is_idle
 * says so, and poll every EVLOOP_DRAIN_POLL_MS until no connection is left and no
 * work is pending off the loop (npending), or until EVLOOP_DRAIN_GRACE_US has passed;
 * then every connection is closed, pending work is still waited for, and the thread
 * ends. Accepting: up to max_conns connections are served; past it,
 * EVLOOP_OVERLOAD_MARGIN more are accepted as overloaded (the owner answers them with
 * a refusal so well-behaved clients back off); past that margin they are closed at
 * once.
 */
#ifndef MEF_TRANSPORT_EVLOOP_H
#define MEF_TRANSPORT_EVLOOP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "mef/error.h"

#define EVLOOP_DRAIN_GRACE_US	(5 * 1000000ull)
#define EVLOOP_DRAIN_POLL_MS	50
#define EVLOOP_OVERLOAD_MARGIN	64
#define EVLOOP_LISTEN_MAX	4

struct event;
struct event_base;
struct evconnlistener;
struct evloop;
struct sockaddr;

/* Embedded in each connection the loop tracks. */
struct evloop_conn {
	TAILQ_ENTRY(evloop_conn)	 entry;
};

/* The connection that embeds ec as its member. */
#define EVLOOP_CONN(ec, type, member)					\
	((type *)(void *)((char *)(ec) - offsetof(type, member)))

/*
 * Takes ownership of the accepted socket fd (sa borrowed for the call); overloaded
 * when max_conns connections are already open. arg is the listener's.
 */
typedef void	evloop_accept_fn(struct evloop *loop, void *arg, int fd,
		    const struct sockaddr *sa, int salen, int overloaded);

struct evloop_listen {
	const char		*addr;		/* "host:port", borrowed */
	evloop_accept_fn	*accept;
	void			*arg;
	const char		*name;		/* for refusal logs; NULL: silent */
};

struct evloop_ops {
	/* 1 when the connection has nothing in progress and may be closed now. */
	int	(*is_idle)(struct evloop_conn *ec);
	/* Closes the connection; it calls evloop_conn_remove(), now or later. */
	void	(*close)(struct evloop_conn *ec);
};

struct evloop_lsn {
	struct evloop		*loop;
	struct evconnlistener	*l;
	struct evloop_listen	 spec;
};

struct evloop {
	struct event_base	*base;
	const struct evloop_ops	*ops;
	unsigned		 max_conns;
	pthread_t		 thread;
	int			 running;	/* thread started */
	struct evloop_lsn	 lsn[EVLOOP_LISTEN_MAX];
	size_t			 nlsn;
	struct event		*stop_ev;	/* activated by evloop_request_stop() */
	struct event		*drain_ev;	/* periodic check while stopping */
	uint64_t		 drain_start_us;
	int			 draining;	/* read-only for the owner */
	unsigned		 nconns;	/* read-only for the owner */
	unsigned		 npending;	/* owner's work in flight elsewhere */
	unsigned		 nrefused;	/* closed at accept, not yet logged */
	uint64_t		 refused_log_us;/* last "connection refused" line */
	TAILQ_HEAD(, evloop_conn) conns;
};

/*
 * Makes the event base and the stop machinery; ops borrowed for the loop's life. The
 * struct must not move afterwards. MEF_E_NOMEM with a message in err.
 */
enum mef_err	evloop_init(struct evloop *loop, const struct evloop_ops *ops,
		    unsigned max_conns, char *err, size_t errsz);
/*
 * Opens a listener on spec->addr (spec copied, addr not kept) whose connections go
 * to spec->accept on this loop. MEF_E_CONFIG with a message in err.
 */
enum mef_err	evloop_listen(struct evloop *loop,
		    const struct evloop_listen *spec, char *err, size_t errsz);
/* Starts the thread that runs the loop. MEF_E_IO when it cannot. */
enum mef_err	evloop_start(struct evloop *loop);
/* Asks a started loop to drain and end (see above). Thread-safe. */
void		evloop_request_stop(struct evloop *loop);
/* Waits for the thread of a started loop to end. */
void		evloop_join(struct evloop *loop);
/*
 * Frees listeners, events and the base; the owner frees its connections first.
 * Accepts a zeroed or partly initialised loop; leaves it zeroed.
 */
void		evloop_free(struct evloop *loop);

/* The loop tracks ec (counted in nconns) until evloop_conn_remove(). */
void		evloop_conn_add(struct evloop *loop, struct evloop_conn *ec);
void		evloop_conn_remove(struct evloop *loop, struct evloop_conn *ec);

/* (Re)arms the timer ev to fire in ms milliseconds. */
void		evloop_arm_ms(struct event *ev, unsigned ms);

#endif /* MEF_TRANSPORT_EVLOOP_H */
