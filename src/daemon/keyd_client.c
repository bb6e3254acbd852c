/*
 * keyd_client.c -- the remote KEK: wrap_seal()/wrap_open() as one round trip to
 * mefd's KEK process.
 *
 * A pool of channels, each a socketpair end under its own mutex, one request in
 * flight per channel. A caller takes the first free channel (trylock, starting at a
 * rotating index) and only waits when all are busy; mefd makes one channel per
 * thread that can call (workers, commit thread, main thread), so in practice no
 * call waits for another. A reply must echo the request's id and type rules;
 * anything else breaks the channel for good (MEF_E_IO from then on), since the
 * two ends no longer agree on which answer is whose.
 */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/keyd.h"
#include "daemon/keyd_msg.h"
#include "util/log.h"

struct chan {
	pthread_mutex_t	 mu;
	int		 fd;		/* -1: broken */
	uint32_t	 next_id;
};

struct keyd_client {
	struct wrap_kek	 base;		/* first: the generic part */
	struct chan	*ch;
	size_t		 n;
	atomic_uint	 rr;
};

static enum mef_err	client_seal(struct wrap_kek *, const char *,
			    const struct mef_secret *, unsigned char *, size_t,
			    size_t *);
static enum mef_err	client_open(struct wrap_kek *, const char *,
			    const unsigned char *, size_t, struct mef_secret **);
static enum mef_err	client_derive(struct wrap_kek *, const char *,
			    struct mef_secret **);
static void		client_free(struct wrap_kek *);

static const struct wrap_kek_ops client_ops = {
	.seal = client_seal,
	.open = client_open,
	.derive = client_derive,
	.free = client_free,
};

/* see keyd.h */
enum mef_err
keyd_client_new(const int *fds, size_t n, struct wrap_kek **pkek)
{
	struct keyd_client	*c;
	size_t			 i;

	if (fds == NULL || n == 0 || pkek == NULL)
		return MEF_E_INVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->ch = calloc(n, sizeof(*c->ch))) == NULL) {
		free(c);
		return MEF_E_NOMEM;
	}
	c->base.ops = &client_ops;
	c->n = n;
	for (i = 0; i < n; i++) {
		pthread_mutex_init(&c->ch[i].mu, NULL);
		c->ch[i].fd = fds[i];
		c->ch[i].next_id = 1;
	}
	*pkek = &c->base;
	return MEF_OK;
}

static void
client_free(struct wrap_kek *base)
{
	struct keyd_client	*c = (struct keyd_client *)base;
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		if (c->ch[i].fd != -1)
			close(c->ch[i].fd);
		pthread_mutex_destroy(&c->ch[i].mu);
	}
	free(c->ch);
	free(c);
}

static struct chan *
chan_take(struct keyd_client *c)
{
	size_t	i, start;

	start = atomic_fetch_add(&c->rr, 1) % c->n;
	for (i = 0; i < c->n; i++)
		if (pthread_mutex_trylock(&c->ch[(start + i) % c->n].mu) == 0)
			return &c->ch[(start + i) % c->n];
	pthread_mutex_lock(&c->ch[start].mu);
	return &c->ch[start];
}

static void
chan_break(struct chan *ch)
{
	if (ch->fd != -1) {
		close(ch->fd);
		ch->fd = -1;
	}
}

/*
 * One request, one reply on a channel of c. The reply is decoded into *prep,
 * pointing into resp (KEYD_MSG_MAX bytes), and must carry the request's id.
 */
static enum mef_err
round_trip(struct keyd_client *c, struct keyd_msg *req, uint8_t *resp,
    struct keyd_msg *prep)
{
	uint8_t		 buf[KEYD_MSG_MAX];
	struct chan	*ch;
	size_t		 len = 0;
	ssize_t		 n;
	enum mef_err	 rc;

	ch = chan_take(c);
	req->id = ch->next_id++;
	rc = keyd_msg_encode(req, buf, sizeof(buf), &len);
	if (rc != MEF_OK || ch->fd == -1) {
		rc = rc != MEF_OK ? rc : MEF_E_IO;
		goto out;
	}
	do
		n = send(ch->fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)len) {
		do
			n = recv(ch->fd, resp, KEYD_MSG_MAX, MSG_TRUNC);
		while (n == -1 && errno == EINTR);
	} else {
		n = -1;
	}
	if (n <= 0 || n > KEYD_MSG_MAX ||
	    keyd_msg_decode(resp, (size_t)n, prep) != MEF_OK ||
	    prep->id != req->id || prep->type < KEYD_OK) {
		if (n > 0)
			log_warnx("kek channel: bad reply, channel closed");
		else
			log_warnx("kek channel: the KEK process does not answer");
		chan_break(ch);
		rc = MEF_E_IO;
	}
out:
	pthread_mutex_unlock(&ch->mu);
	mef_wipe(buf, len);
	return rc;
}

static enum mef_err
reply_rc(const struct keyd_msg *rep)
{
	if (rep->type == KEYD_OK)
		return MEF_OK;
	return rep->type == KEYD_ERR_CRYPTO ? MEF_E_CRYPTO : MEF_E_IO;
}

/* see keyd.h */
enum mef_err
keyd_client_hello(struct wrap_kek *kek)
{
	struct keyd_msg	req = { .type = KEYD_HELLO }, rep;
	uint8_t		resp[KEYD_MSG_MAX];
	enum mef_err	rc;

	if (kek == NULL || kek->ops != &client_ops)
		return MEF_E_INVAL;
	rc = round_trip((struct keyd_client *)kek, &req, resp, &rep);
	if (rc == MEF_OK)
		rc = reply_rc(&rep);
	return rc;
}

static enum mef_err
client_seal(struct wrap_kek *kek, const char *aad,
    const struct mef_secret *plain, unsigned char *out, size_t outsz,
    size_t *pout_len)
{
	struct keyd_msg	req = { .type = KEYD_SEAL }, rep;
	uint8_t		resp[KEYD_MSG_MAX];
	enum mef_err	rc;

	req.aad = (const uint8_t *)aad;
	req.aad_len = strlen(aad);
	req.data = mef_secret_bytes(plain);
	req.data_len = mef_secret_len(plain);
	if (outsz < WRAP_OVERHEAD + req.data_len)
		return MEF_E_INVAL;
	rc = round_trip((struct keyd_client *)kek, &req, resp, &rep);
	if (rc == MEF_OK)
		rc = reply_rc(&rep);
	if (rc == MEF_OK && rep.data_len != WRAP_OVERHEAD + req.data_len)
		rc = MEF_E_IO;
	if (rc == MEF_OK) {
		memcpy(out, rep.data, rep.data_len);
		*pout_len = rep.data_len;
	}
	return rc;
}

static enum mef_err
client_open(struct wrap_kek *kek, const char *aad, const unsigned char *blob,
    size_t blob_len, struct mef_secret **pplain)
{
	struct keyd_msg	req = { .type = KEYD_OPEN }, rep;
	uint8_t		resp[KEYD_MSG_MAX];
	enum mef_err	rc;

	/* As with a local KEK: a malformed blob is one that does not verify. */
	if (blob_len <= WRAP_OVERHEAD || blob_len > WRAP_BLOB_MAX)
		return MEF_E_CRYPTO;
	req.aad = (const uint8_t *)aad;
	req.aad_len = strlen(aad);
	req.data = blob;
	req.data_len = blob_len;
	rc = round_trip((struct keyd_client *)kek, &req, resp, &rep);
	if (rc == MEF_OK)
		rc = reply_rc(&rep);
	if (rc == MEF_OK && rep.data_len != blob_len - WRAP_OVERHEAD)
		rc = MEF_E_IO;
	if (rc == MEF_OK)
		rc = mef_secret_new(rep.data, rep.data_len, pplain);
	mef_wipe(resp, sizeof(resp));
	return rc;
}

static enum mef_err
client_derive(struct wrap_kek *kek, const char *label,
    struct mef_secret **pkey)
{
	struct keyd_msg	req = { .type = KEYD_DERIVE }, rep;
	uint8_t		resp[KEYD_MSG_MAX];
	enum mef_err	rc;

	req.aad = (const uint8_t *)label;
	req.aad_len = strlen(label);
	rc = round_trip((struct keyd_client *)kek, &req, resp, &rep);
	if (rc == MEF_OK)
		rc = reply_rc(&rep);
	if (rc == MEF_OK && rep.data_len != WRAP_DERIVED_LEN)
		rc = MEF_E_IO;
	if (rc == MEF_OK)
		rc = mef_secret_new(rep.data, rep.data_len, pkey);
	mef_wipe(resp, sizeof(resp));
	return rc;
}
