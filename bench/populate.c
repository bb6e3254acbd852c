/*
 * populate.c -- bench_populate: fills a store with N Enrolees quickly.
 *
 * Each Enrolee i gets the KpmId PREFIX<i>, the EnroleeID C-PREFIX<i>, a random
 * Kpm, one link to an existing Target and one random Ke, through the store
 * layer itself (so rows are wrapped and normalised exactly as mefctl and mefd
 * write them): store_enrolee_add_batch() and store_key_put_batch(), one
 * transaction per batch of rows. The one decision: KeIds are made in index
 * order (RelativeKeId = big-endian i, then 8 random bytes per run) and KpmIds
 * are zero-padded, so every B-tree grows at its right edge and a batch writes
 * a few pages, not one page per row; lookups by the load client are still
 * random, because the KeId file it reads is a random sample of the rows.
 * Not part of make test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/keyid.h"
#include "crypto/rand.h"
#include "crypto/wrap.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secret.h"

#define POP_KPM_LEN	16
#define POP_KE_LEN	KDF_KEY_LEN
#define POP_BATCH_MAX	100000
#define POP_ID_LEN	64	/* PREFIX (at most 32) and ten digits */
#define POP_PREFIX_MAX	32

struct pop_opts {
	const char	*db_url;
	const char	*kek_file;
	const char	*fqdn;
	const char	*target;
	const char	*prefix;
	const char	*keyid_file;
	uint64_t	 n;
	uint64_t	 first;		/* index of the first Enrolee */
	size_t		 batch;
	size_t		 sample;	/* KeIds written to keyid_file */
	uint64_t	 lifetime_s;
};

/* One batch: its rows and the text and keys they point to. */
struct pop_batch {
	struct store_new_enrolee *es;
	struct store_new_key	*keys;
	struct mef_secret	**kpms;
	struct mef_secret	**kes;
	char			(*kpm_ids)[POP_ID_LEN];
	char			(*enrolee_ids)[POP_ID_LEN];
	char			(*keyids)[MEF_KEYID_MAX];
	unsigned char		*rnd;	/* Kpm and Ke bytes of the batch */
};

static struct pop_opts	 opt;
static unsigned char	 salt[KDF_REL_KEYID_LEN / 2];

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_populate -d sqlite:PATH -K KEK_FILE -f FQDN "
	    "-t TARGET_ID -n N\n"
	    "                      [-p PREFIX] [-o FIRST] [-b BATCH] "
	    "[-k KEYID_FILE [-s SAMPLE]]\n"
	    "                      [-l LIFETIME_S]\n"
	    "  Adds Enrolees PREFIX<FIRST>..PREFIX<FIRST+N-1> (default "
	    "prefix pop), each linked\n"
	    "  to TARGET_ID (registered before) with one Ke; BATCH rows per "
	    "transaction\n"
	    "  (default 10000); writes SAMPLE (default 10000) random KeIds "
	    "to KEYID_FILE.\n");
	exit(2);
}

static uint64_t
parse_num(const char *s, uint64_t min, uint64_t max)
{
	unsigned long long	v;
	char			*end;

	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return (uint64_t)v;
}

static void
parse_args(int argc, char *argv[])
{
	int	ch;

	opt.prefix = "pop";
	opt.batch = 10000;
	opt.sample = 10000;
	opt.lifetime_s = 30 * 86400;
	while ((ch = getopt(argc, argv, "d:K:f:t:n:p:o:b:k:s:l:")) != -1) {
		if (ch == 'd')
			opt.db_url = optarg;
		else if (ch == 'K')
			opt.kek_file = optarg;
		else if (ch == 'f')
			opt.fqdn = optarg;
		else if (ch == 't')
			opt.target = optarg;
		else if (ch == 'n')
			opt.n = parse_num(optarg, 1, 10000000000ull);
		else if (ch == 'p')
			opt.prefix = optarg;
		else if (ch == 'o')
			opt.first = parse_num(optarg, 0, 9000000000ull);
		else if (ch == 'b')
			opt.batch = parse_num(optarg, 1, POP_BATCH_MAX);
		else if (ch == 'k')
			opt.keyid_file = optarg;
		else if (ch == 's')
			opt.sample = parse_num(optarg, 1, 100000000);
		else if (ch == 'l')
			opt.lifetime_s = parse_num(optarg, 1, 315360000);
		else
			usage();
	}
	if (opt.db_url == NULL || opt.kek_file == NULL || opt.fqdn == NULL ||
	    opt.target == NULL || opt.n == 0 ||
	    strlen(opt.prefix) > POP_PREFIX_MAX)
		usage();
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The canonical KeId of Enrolee i into out (MEF_KEYID_MAX bytes). */
static enum mef_err
keyid_of(uint64_t i, char *out)
{
	unsigned char	rel[KDF_REL_KEYID_LEN];
	int		b;

	for (b = 0; b < 8; b++)
		rel[b] = (unsigned char)(i >> (56 - 8 * b));
	memcpy(rel + 8, salt, sizeof(salt));
	return keyid_format(rel, opt.fqdn, out, MEF_KEYID_MAX);
}

static int
batch_alloc(struct pop_batch *b, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->es = calloc(n, sizeof(*b->es));
	b->keys = calloc(n, sizeof(*b->keys));
	b->kpms = calloc(n, sizeof(*b->kpms));
	b->kes = calloc(n, sizeof(*b->kes));
	b->kpm_ids = calloc(n, sizeof(*b->kpm_ids));
	b->enrolee_ids = calloc(n, sizeof(*b->enrolee_ids));
	b->keyids = calloc(n, sizeof(*b->keyids));
	b->rnd = malloc(n * (POP_KPM_LEN + POP_KE_LEN));
	return b->es != NULL && b->keys != NULL && b->kpms != NULL &&
	    b->kes != NULL && b->kpm_ids != NULL && b->enrolee_ids != NULL &&
	    b->keyids != NULL && b->rnd != NULL ? 0 : -1;
}

static void
batch_clear(struct pop_batch *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		mef_secret_free(&b->kpms[i]);
		mef_secret_free(&b->kes[i]);
	}
	if (b->rnd != NULL)
		mef_wipe(b->rnd, n * (POP_KPM_LEN + POP_KE_LEN));
}

static void
batch_free(struct pop_batch *b, size_t n)
{
	if (b->kpms != NULL && b->kes != NULL)
		batch_clear(b, n);
	free(b->es);
	free(b->keys);
	free(b->kpms);
	free(b->kes);
	free(b->kpm_ids);
	free(b->enrolee_ids);
	free(b->keyids);
	free(b->rnd);
}

/* Rows first..first+n-1 of the batch: names, keys and KeIds. */
static enum mef_err
batch_fill(struct pop_batch *b, uint64_t first, size_t n, int64_t now)
{
	unsigned char	*r;
	enum mef_err	 rc;
	size_t		 i;

	rc = rand_bytes(b->rnd, n * (POP_KPM_LEN + POP_KE_LEN));
	for (i = 0; i < n && rc == MEF_OK; i++) {
		r = b->rnd + i * (POP_KPM_LEN + POP_KE_LEN);
		snprintf(b->kpm_ids[i], POP_ID_LEN, "%s%010llu", opt.prefix,
		    (unsigned long long)(first + i));
		snprintf(b->enrolee_ids[i], POP_ID_LEN, "C-%s",
		    b->kpm_ids[i]);
		rc = mef_secret_new(r, POP_KPM_LEN, &b->kpms[i]);
		if (rc == MEF_OK)
			rc = mef_secret_new(r + POP_KPM_LEN, POP_KE_LEN,
			    &b->kes[i]);
		if (rc == MEF_OK)
			rc = keyid_of(first + i, b->keyids[i]);
		b->es[i].kpm_id = b->kpm_ids[i];
		b->es[i].enrolee_id = b->enrolee_ids[i];
		b->es[i].kpm = b->kpms[i];
		b->keys[i].keyid = b->keyids[i];
		b->keys[i].kpm_id = b->kpm_ids[i];
		b->keys[i].ke = b->kes[i];
		b->keys[i].created = now;
		b->keys[i].expires = now + (int64_t)opt.lifetime_s;
	}
	return rc;
}

/* All N Enrolees, batch by batch; progress on stderr every million. */
static enum mef_err
populate(struct store *st, const struct store_enrolee *tmpl)
{
	struct pop_batch	b;
	uint64_t		done = 0, next_report = 1000000;
	size_t			n;
	enum mef_err		rc = MEF_OK;
	double			t0 = now_s();

	if (batch_alloc(&b, opt.batch) != 0) {
		batch_free(&b, 0);
		return MEF_E_NOMEM;
	}
	while (done < opt.n && rc == MEF_OK) {
		n = opt.n - done < opt.batch ? (size_t)(opt.n - done) :
		    opt.batch;
		rc = batch_fill(&b, opt.first + done, n, tmpl->created);
		if (rc == MEF_OK)
			rc = store_enrolee_add_batch(st, tmpl, b.es, n, NULL, 0);
		if (rc == MEF_OK)
			rc = store_key_put_batch(st, b.keys, n, 4);
		batch_clear(&b, n);
		done += n;
		if (done >= next_report && rc == MEF_OK) {
			fprintf(stderr, "bench_populate: %llu rows, %.0f s\n",
			    (unsigned long long)done, now_s() - t0);
			next_report += 1000000;
		}
	}
	batch_free(&b, opt.batch);
	return rc;
}

/* SAMPLE KeIds of random rows, one a line, in random order. */
static enum mef_err
write_sample(void)
{
	FILE		*fp;
	uint64_t	 r;
	char		 keyid[MEF_KEYID_MAX];
	enum mef_err	 rc = MEF_OK;
	size_t		 i;

	fp = fopen(opt.keyid_file, "w");
	if (fp == NULL) {
		log_warn("%s", opt.keyid_file);
		return MEF_E_INVAL;
	}
	for (i = 0; i < opt.sample && rc == MEF_OK; i++) {
		rc = rand_bytes(&r, sizeof(r));
		if (rc == MEF_OK)
			rc = keyid_of(opt.first + r % opt.n, keyid);
		if (rc == MEF_OK)
			fprintf(fp, "%s\n", keyid);
	}
	if (fclose(fp) != 0 && rc == MEF_OK)
		rc = MEF_E_INVAL;
	return rc;
}

int
main(int argc, char *argv[])
{
	struct wrap_kek		*kek = NULL;
	struct store		*st = NULL;
	struct store_enrolee	*tmpl;
	char			 err[256];
	enum mef_err		 rc;
	double			 t0, dt;

	parse_args(argc, argv);
	log_init("bench_populate", LOG_LVL_WARN);
	tmpl = calloc(1, sizeof(*tmpl));
	if (tmpl == NULL)
		return 1;
	t0 = now_s();
	rc = wrap_kek_load(opt.kek_file, &kek, err, sizeof(err));
	if (rc != MEF_OK) {
		fprintf(stderr, "bench_populate: %s\n", err);
		goto out;
	}
	rc = store_open(opt.db_url, kek, &st);
	if (rc == MEF_OK)
		rc = rand_bytes(salt, sizeof(salt));
	tmpl->binding = STORE_BIND_KPM;
	tmpl->lifetime_s = opt.lifetime_s;
	tmpl->created = (int64_t)time(NULL);
	tmpl->ntargets = 1;
	snprintf(tmpl->targets[0], sizeof(tmpl->targets[0]), "%s", opt.target);
	if (rc == MEF_OK)
		rc = populate(st, tmpl);
	if (rc == MEF_OK && opt.keyid_file != NULL)
		rc = write_sample();
	dt = now_s() - t0;
	if (rc == MEF_OK)
		printf("populate n=%llu batch=%zu seconds=%.1f rows_per_s=%.0f\n",
		    (unsigned long long)opt.n, opt.batch, dt,
		    (double)opt.n / dt);
	else
		fprintf(stderr, "bench_populate: %s\n", mef_strerror(rc));
out:
	store_close(&st);
	wrap_kek_free(&kek);
	free(tmpl);
	return rc == MEF_OK ? 0 : 1;
}
