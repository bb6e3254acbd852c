/*
 * conn.h -- one client connection of mefd, from accept to close.
 *
 * A connection is either a bootstrap (an Enrolee over TLS-PSK) or a fetch (a Target).
 * It reads requests one at a time through the bounded HTTP parser and hands each to the
 * handler of its kind (enrol.c, fetch.c). A bootstrap's Ke is handed to the commit
 * thread as soon as the handshake completes; its enrolment request is answered only
 * after the row is committed, and the connection is not freed while a commit is in
 * flight.
 */
#ifndef MEF_DAEMON_CONN_H
#define MEF_DAEMON_CONN_H

#include <stdint.h>

#include "daemon/backoff.h"
#include "daemon/commit.h"
#include "daemon/daemon.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "mef/limits.h"
#include "protocol/rsc.h"
#include "store/store.h"

struct event;
struct tls_conn;
struct sockaddr;

enum conn_kind {
	CONN_BOOTSTRAP,
	CONN_TARGET,
};

enum ke_state {
	KE_NONE = 0,	/* no Ke yet (handshake not done) */
	KE_PENDING,	/* submitted to the commit thread */
	KE_STORED,	/* durable */
	KE_FAILED,	/* commit failed: the session gets 500 */
};

struct conn {
	struct worker		*worker;
	enum conn_kind		 kind;
	struct tls_conn		*tls;		/* NULL once closed */
	struct event		*read_ev;	/* persistent, while reading */
	struct event		*write_ev;	/* only while the kernel is full */
	struct event		*deadline_ev;
	struct http_req_parser	 parser;
	char			 peer[64];	/* "addr:port" for logs */
	uint64_t		 t_accept_us;
	int			 handshake_done;
	int			 reading;	/* read_ev added */
	int			 read_wants_write; /* SSL_read waits for POLLOUT */
	int			 closing;	/* free once output is sent */
	int			 broken;	/* no close_notify: it cannot go */
	int			 dead;		/* free when the commit returns */
	int			 waiting;	/* a request waits for the commit */
	int			 overloaded;	/* past max_connections: 503 */
	int			 cert;		/* certificate bootstrap listener */
	int			 guard_refused;	/* back-off: dummy PSK (guard.h) */
	char			 addr_key[BACKOFF_ADDR_KEY_MAX];/* peer, for back-off */
	/* Plaintext read past a request while the pipeline is paused. */
	char			*in;
	size_t			 in_len;
	/* The unsent rest of an answer (wiped: it may hold key material). */
	struct mef_secret	*out;
	size_t			 out_off;

	/* Bootstrap */
	char			 kpm_id[MEF_ID_MAX + 1];
	struct store_enrolee	*enrolee;	/* known identity, not revoked */
	enum ke_state		 ke_state;
	char			 keyid[MEF_KEYID_MAX];
	struct mef_secret	*ke;
	struct commit_item	 commit;
	struct event		*commit_ev;

	/*
	 * Target. target_psk / target_cert: the PSK identity or the certificate
	 * was found during the handshake (target filled in); target_known: the
	 * completed handshake authenticated that Target (conn.c decides,
	 * tls_conn_psk_used()). Before the handshake ends, target_known names a
	 * candidate, for logs only.
	 */
	int			 target_known;
	int			 target_psk;
	int			 target_cert;
	struct store_target	 target;	/* the authenticated Target */

	struct evloop_conn	 link;		/* on its worker's loop */
};

/*
 * Takes an accepted socket; closes it on failure. An overloaded connection answers
 * every request with 503 and Retry-After, then closes.
 */
void		conn_accept(struct worker *w, enum conn_kind kind, int cert, int fd,
		    const struct sockaddr *sa, int salen, int overloaded);
/* Frees the connection now (or when its commit returns). */
void		conn_free(struct conn *c);
/* 1 when the connection has nothing in progress and may be closed at shutdown. */
int		conn_is_idle(const struct conn *c);

/*
 * Answers the current request: head from out (RSC, status), X-M2M-RI echoed, the body
 * copied (body NULL: none). Closes after sending when the request asked so or when the
 * outcome is an error that leaves the stream unreliable.
 */
void		conn_respond(struct conn *c, enum outcome out,
		    const char *content_type, const void *body, size_t len);
/* Same, with a body holding key material (ownership of *pbody taken). */
void		conn_respond_secret(struct conn *c, enum outcome out,
		    const char *content_type, struct mef_secret **pbody, size_t len);

/* enrol.c: the bootstrap side. */
enum mef_err	enrol_psk_lookup(void *conn_arg, const char *identity,
		    struct mef_secret **ppsk);
enum mef_err	enrol_cert_check(void *conn_arg, const struct tls_peer_cert *pc);
/* Returns 0 when it freed the connection. */
int		enrol_handshake_done(struct conn *c);
void		enrol_commit_done(struct conn *c);
void		enrol_handle(struct conn *c);

/*
 * enrol_decoy.c: balances the PSK lookup of kpm_id, whose result was rc, to one hit
 * and one miss (results thrown away), so a known and an unknown KpmId cost the same.
 */
void		enrol_decoy_balance(struct worker *w, const char *kpm_id,
		    enum mef_err rc);

/* fetch.c: the Target side. */
enum mef_err	fetch_psk_lookup(void *conn_arg, const char *identity,
		    struct mef_secret **ppsk);
enum mef_err	fetch_cert_check(void *conn_arg, const struct tls_peer_cert *pc);
void		fetch_handle(struct conn *c);

#endif /* MEF_DAEMON_CONN_H */
