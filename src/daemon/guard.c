/*
 * guard.c -- the bootstrap listener's back-off (guard.h) over the tables of
 * backoff.c.
 *
 * Unknown and known identities take exactly the same path here: the identity is
 * counted as the peer sent it, before anyone knows whether it exists, so neither
 * the blocks nor their log lines tell a prober which KpmIds are real. One warn line
 * is written when a block begins; the refused handshakes that follow are logged by
 * the connection with reason "back-off". No key byte is involved.
 */
#include <string.h>

#include "daemon/backoff.h"
#include "daemon/conn.h"
#include "daemon/guard.h"
#include "util/clock.h"
#include "util/log.h"

static uint64_t
now_ms(void)
{
	return clock_mono_us() / 1000;
}

/* see guard.h */
int
guard_refuse(struct conn *c, const char *identity)
{
	struct backoff	*b = c->worker->mefd->backoff;
	uint64_t	 t = now_ms();

	if (backoff_blocked(b, BACKOFF_IDENTITY, identity, strlen(identity), t,
	    NULL) || backoff_blocked(b, BACKOFF_ADDRESS, c->addr_key,
	    strlen(c->addr_key), t, NULL))
		c->guard_refused = 1;
	return c->guard_refused;
}

static void
count(struct conn *c, enum backoff_scope scope, const char *key)
{
	struct backoff_verdict	v;

	backoff_fail(c->worker->mefd->backoff, scope, key, strlen(key), now_ms(),
	    &v);
	if (v.started)
		log_warnx("bootstrap peer=%s kpm_id=%s outcome=backoff scope=%s "
		    "address=%s failures=%u until_ms=%llu", c->peer,
		    LOG_VAL(c->kpm_id),
		    scope == BACKOFF_IDENTITY ? "identity" : "address",
		    c->addr_key, v.failures, (unsigned long long)v.block_ms);
}

/* see guard.h */
void
guard_failed(struct conn *c)
{
	if (c->cert || c->guard_refused || c->kpm_id[0] == '\0')
		return;
	count(c, BACKOFF_IDENTITY, c->kpm_id);
	count(c, BACKOFF_ADDRESS, c->addr_key);
}

/* see guard.h */
void
guard_succeeded(struct conn *c)
{
	if (c->cert || c->kpm_id[0] == '\0')
		return;
	backoff_clear(c->worker->mefd->backoff, BACKOFF_IDENTITY, c->kpm_id,
	    strlen(c->kpm_id));
}
