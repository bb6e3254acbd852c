/*
 * commit.h -- group commit of new Enrolment Keys.
 *
 * Event loops hand each new Ke to one commit thread, which writes every row waiting at
 * that moment in a single transaction and then wakes each submitter on its own loop.
 * So a bootstrap is confirmed only once its row is durable (PROTOCOL.md 2.1), while
 * many concurrent bootstraps share one fsync.
 */
#ifndef MEF_DAEMON_COMMIT_H
#define MEF_DAEMON_COMMIT_H

#include "crypto/wrap.h"
#include "mef/error.h"
#include "store/store.h"
#include "util/workq.h"

struct event;

struct commit_item {
	struct store_new_key	 key;		/* borrowed until done */
	struct event		*done_ev;	/* activated when committed */
	enum mef_err		 result;	/* valid once done_ev fires:
						   MEF_E_NOTFOUND when the Enrolee
						   was removed meanwhile */
	int			 stored;	/* store_new_key.pstored */
	struct workq_link	 link;		/* queue link, commit's own */
};

struct commit;

struct commit_cfg {
	const char	*db_url;
	struct wrap_kek	*kek;		/* borrowed */
	struct store	*store;		/* opened already (taken over); NULL:
					   commit_start() opens db_url */
	unsigned	 batch_max;	/* rows per transaction */
	unsigned	 delay_us;	/* wait this long for a batch to fill */
	unsigned	 keep_per_enrolee;
};

/*
 * Opens the commit thread's own store connection (or takes cfg->store, even on
 * failure) and starts the thread.
 */
enum mef_err	commit_start(const struct commit_cfg *cfg, struct commit **pcm);
/*
 * Queues item (borrowed until its done_ev fires, which happens on the event base of
 * done_ev, from the commit thread, after the row is committed or has failed).
 * Thread-safe.
 */
void		commit_submit(struct commit *cm, struct commit_item *item);
/* Commits what is queued, stops the thread and frees *pcm. */
void		commit_stop(struct commit **pcm);

#endif /* MEF_DAEMON_COMMIT_H */
