/*
 * backoff.c -- the failure tables of backoff.h.
 *
 * Open addressing with a short probe window: a key lives in one of PROBE slots
 * after its bucket, so every operation touches a bounded number of entries and
 * the memory is fixed at creation whatever a flood of new identities does. The
 * price is eviction: a flood of distinct keys can push out an old entry, but never
 * a blocked one while an unblocked candidate exists in its window, and a flood of
 * distinct identities from one address is itself caught by the address table.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "crypto/digest.h"
#include "crypto/rand.h"
#include "daemon/backoff.h"

#define PROBE		8
#define ID_LEN		16
#define SALT_LEN	16
#define KEY_MAX		512	/* longer keys are hashed by their first bytes */
#define SHIFT_MAX	30

struct entry {
	unsigned char	id[ID_LEN];
	int		used;
	unsigned	failures;
	uint64_t	last_ms;	/* last failure */
	uint64_t	until_ms;	/* end of the block; 0: none */
};

struct backoff {
	pthread_mutex_t		 mu;
	struct backoff_cfg	 cfg;
	size_t			 mask;
	unsigned char		 salt[SALT_LEN];
	struct entry		*tab[BACKOFF_NSCOPES];
};

static void	key_id(const struct backoff *, enum backoff_scope, const void *,
		    size_t, unsigned char *);
static struct entry *find(struct backoff *, enum backoff_scope,
		    const unsigned char *);
static struct entry *take(struct backoff *, enum backoff_scope,
		    const unsigned char *, uint64_t);

/* see backoff.h */
enum mef_err
backoff_new(const struct backoff_cfg *cfg, struct backoff **pb)
{
	struct backoff	*b;
	size_t		 n = PROBE;
	int		 i;

	if (cfg == NULL || pb == NULL || cfg->base_ms == 0 ||
	    cfg->max_ms < cfg->base_ms || cfg->slots == 0 ||
	    cfg->slots > (1u << 24))
		return MEF_E_INVAL;
	while (n < cfg->slots)
		n <<= 1;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return MEF_E_NOMEM;
	pthread_mutex_init(&b->mu, NULL);
	b->cfg = *cfg;
	b->mask = n - 1;
	for (i = 0; i < BACKOFF_NSCOPES; i++) {
		b->tab[i] = calloc(n, sizeof(struct entry));
		if (b->tab[i] == NULL) {
			backoff_free(&b);
			return MEF_E_NOMEM;
		}
	}
	if (rand_bytes(b->salt, sizeof(b->salt)) != MEF_OK) {
		backoff_free(&b);
		return MEF_E_CRYPTO;
	}
	*pb = b;
	return MEF_OK;
}

/* see backoff.h */
void
backoff_free(struct backoff **pb)
{
	int	i;

	if (pb == NULL || *pb == NULL)
		return;
	for (i = 0; i < BACKOFF_NSCOPES; i++)
		free((*pb)->tab[i]);
	pthread_mutex_destroy(&(*pb)->mu);
	free(*pb);
	*pb = NULL;
}

/* When the entry's failures are forgotten: a quiet window after the last event. */
static uint64_t
forget_at(const struct backoff *b, const struct entry *e)
{
	uint64_t	t = e->until_ms > e->last_ms ? e->until_ms : e->last_ms;

	return t + (uint64_t)b->cfg.window_s * 1000;
}

/* see backoff.h */
int
backoff_blocked(struct backoff *b, enum backoff_scope scope, const void *key,
    size_t len, uint64_t now_ms, uint64_t *premain_ms)
{
	unsigned char	 id[ID_LEN];
	struct entry	*e;
	int		 blocked = 0;

	if (b == NULL || scope >= BACKOFF_NSCOPES || b->cfg.after[scope] == 0)
		return 0;
	key_id(b, scope, key, len, id);
	pthread_mutex_lock(&b->mu);
	e = find(b, scope, id);
	if (e != NULL && now_ms < e->until_ms) {
		blocked = 1;
		if (premain_ms != NULL)
			*premain_ms = e->until_ms - now_ms;
	}
	pthread_mutex_unlock(&b->mu);
	return blocked;
}

/* see backoff.h */
void
backoff_fail(struct backoff *b, enum backoff_scope scope, const void *key,
    size_t len, uint64_t now_ms, struct backoff_verdict *pv)
{
	struct backoff_verdict	 v = { 0, 0, 0 };
	unsigned char		 id[ID_LEN];
	struct entry		*e;
	unsigned		 after, shift;
	uint64_t		 period;

	if (b == NULL || scope >= BACKOFF_NSCOPES || b->cfg.after[scope] == 0)
		goto out;
	after = b->cfg.after[scope];
	key_id(b, scope, key, len, id);
	pthread_mutex_lock(&b->mu);
	e = find(b, scope, id);
	if (e == NULL)
		e = take(b, scope, id, now_ms);
	else if (now_ms >= forget_at(b, e)) {
		e->failures = 0;
		e->until_ms = 0;
	}
	if (e->failures < UINT32_MAX)
		e->failures++;
	e->last_ms = now_ms;
	v.failures = e->failures;
	/* A failure that completes during a block (raced with it) adds no block. */
	if (e->failures >= after && now_ms >= e->until_ms) {
		shift = e->failures - after;
		if (shift > SHIFT_MAX)
			shift = SHIFT_MAX;
		period = (uint64_t)b->cfg.base_ms << shift;
		if (period > b->cfg.max_ms)
			period = b->cfg.max_ms;
		e->until_ms = now_ms + period;
		v.started = 1;
		v.block_ms = period;
	}
	pthread_mutex_unlock(&b->mu);
out:
	if (pv != NULL)
		*pv = v;
}

/* see backoff.h */
void
backoff_clear(struct backoff *b, enum backoff_scope scope, const void *key,
    size_t len)
{
	unsigned char	 id[ID_LEN];
	struct entry	*e;

	if (b == NULL || scope >= BACKOFF_NSCOPES || b->cfg.after[scope] == 0)
		return;
	key_id(b, scope, key, len, id);
	pthread_mutex_lock(&b->mu);
	e = find(b, scope, id);
	if (e != NULL)
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&b->mu);
}

/* see backoff.h */
size_t
backoff_count(struct backoff *b, enum backoff_scope scope)
{
	size_t	i, n = 0;

	if (b == NULL || scope >= BACKOFF_NSCOPES)
		return 0;
	pthread_mutex_lock(&b->mu);
	for (i = 0; i <= b->mask; i++)
		n += b->tab[scope][i].used != 0;
	pthread_mutex_unlock(&b->mu);
	return n;
}

/* see backoff.h */
void
backoff_addr_key(const struct sockaddr *sa, char *buf, size_t bufsz)
{
	const struct sockaddr_in6	*s6;
	const struct sockaddr_in	*s4;
	struct in6_addr			 a6;
	char				 txt[INET6_ADDRSTRLEN];

	snprintf(buf, bufsz, "-");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		if (inet_ntop(AF_INET, &s4->sin_addr, txt, sizeof(txt)) != NULL)
			snprintf(buf, bufsz, "%s", txt);
		return;
	}
	if (sa->sa_family != AF_INET6)
		return;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		if (inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], txt,
		    sizeof(txt)) != NULL)
			snprintf(buf, bufsz, "%s", txt);
		return;
	}
	/* One host usually holds a whole /64: count the prefix, not the address. */
	memset(&a6, 0, sizeof(a6));
	memcpy(a6.s6_addr, s6->sin6_addr.s6_addr, 8);
	if (inet_ntop(AF_INET6, &a6, txt, sizeof(txt)) != NULL)
		snprintf(buf, bufsz, "%s/64", txt);
}

/* 16 octets of SHA-256(salt ‖ scope ‖ key): fixed size, not chosen by the peer. */
static void
key_id(const struct backoff *b, enum backoff_scope scope, const void *key,
    size_t len, unsigned char *id)
{
	unsigned char	in[SALT_LEN + 1 + KEY_MAX], md[DIGEST_SHA256_LEN];

	if (len > KEY_MAX)
		len = KEY_MAX;
	memcpy(in, b->salt, SALT_LEN);
	in[SALT_LEN] = (unsigned char)scope;
	if (len > 0)
		memcpy(in + SALT_LEN + 1, key, len);
	if (digest_sha256(in, SALT_LEN + 1 + len, md) != MEF_OK) {
		/* No digest: fall back to the salt-free key prefix, still bounded. */
		memset(md, 0, sizeof(md));
		memcpy(md, in + SALT_LEN, len + 1 < ID_LEN ? len + 1 : ID_LEN);
	}
	memcpy(id, md, ID_LEN);
}

static size_t
bucket(const struct backoff *b, const unsigned char *id)
{
	size_t	h = ((size_t)id[0] << 24) | ((size_t)id[1] << 16) |
		    ((size_t)id[2] << 8) | id[3];

	return h & b->mask;
}

static struct entry *
find(struct backoff *b, enum backoff_scope scope, const unsigned char *id)
{
	struct entry	*e;
	size_t		 i, h = bucket(b, id);

	for (i = 0; i < PROBE; i++) {
		e = &b->tab[scope][(h + i) & b->mask];
		if (e->used && memcmp(e->id, id, ID_LEN) == 0)
			return e;
	}
	return NULL;
}

/*
 * A slot for a new key: a free one, else one whose failures are forgotten, else
 * the least recently failing unblocked one, else the least recently failing.
 */
static struct entry *
take(struct backoff *b, enum backoff_scope scope, const unsigned char *id,
    uint64_t now_ms)
{
	struct entry	*e, *old = NULL, *old_free = NULL;
	size_t		 i, h = bucket(b, id);

	for (i = 0; i < PROBE; i++) {
		e = &b->tab[scope][(h + i) & b->mask];
		if (!e->used || now_ms >= forget_at(b, e)) {
			old = e;
			break;
		}
		if (now_ms >= e->until_ms &&
		    (old_free == NULL || e->last_ms < old_free->last_ms))
			old_free = e;
		if (old == NULL || e->last_ms < old->last_ms)
			old = e;
	}
	if (i == PROBE && old_free != NULL)
		old = old_free;
	memset(old, 0, sizeof(*old));
	memcpy(old->id, id, ID_LEN);
	old->used = 1;
	return old;
}
