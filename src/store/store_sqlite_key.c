/*
 * store_sqlite_key.c -- Enrolment Keys on SQLite: group commit, listing, fetch.
 *
 * A batch of new Ke rows is one BEGIN IMMEDIATE ... COMMIT, so one WAL fsync
 * makes every row of the batch durable; this is what lets many concurrent
 * bootstraps share one commit; the Ke are sealed before it begins, so the KEK
 * round trips do not hold the write lock. Each Ke is wrapped under "ke:<KeId>"
 * with the KeId as stored, so the case-insensitive lookup of a KeId still
 * unwraps with the AAD it was sealed with.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strparse.h"

static enum mef_err	key_insert(struct store_sqlite *s,
			    const struct store_new_key *k, const unsigned char *blob,
			    size_t blob_len);
static enum mef_err	key_prune(struct store_sqlite *s, const char *kpm_id,
			    unsigned keep, int64_t now);
static enum mef_err	fetch_row(struct store_sqlite *s, sqlite3_stmt *stmt,
			    int64_t now, struct store_fetch *f);
static enum mef_err	suids_parse(const char *text, struct store_fetch *f);

/* One sealed Ke of a batch. */
struct sealed {
	unsigned char	blob[WRAP_BLOB_MAX];
	size_t		len;
};

/* see store_sqlite.h */
enum mef_err
store_sqlite_key_put_batch(struct store *st, const struct store_new_key *keys,
    size_t nkeys, unsigned keep_per_enrolee)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	struct sealed		*sealed;
	enum mef_err		 rc = MEF_OK;
	int64_t			 now = clock_wall_s();
	size_t			 i;

	/*
	 * Every Ke is sealed before BEGIN IMMEDIATE: with mefd's KEK process each
	 * seal is a round trip to it, which should not lengthen the write lock
	 * (and the fdatasync that ends it) that every bootstrap of the batch,
	 * and mefctl, wait for. Blobs hold no plaintext key.
	 */
	if (nkeys == 0 || nkeys > SIZE_MAX / sizeof(*sealed))
		return nkeys == 0 ? MEF_OK : MEF_E_NOMEM;
	sealed = malloc(nkeys * sizeof(*sealed));
	if (sealed == NULL)
		return MEF_E_NOMEM;
	for (i = 0; i < nkeys && rc == MEF_OK; i++)
		rc = store_sqlite_seal(s, "ke", keys[i].keyid, keys[i].ke,
		    sealed[i].blob, sizeof(sealed[i].blob), &sealed[i].len);
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_BEGIN);
	if (rc != MEF_OK)
		goto out;
	for (i = 0; i < nkeys && rc == MEF_OK; i++)
		rc = key_insert(s, &keys[i], sealed[i].blob, sealed[i].len);
	/* Pruning an Enrolee twice is harmless; no need to deduplicate. */
	for (i = 0; i < nkeys && rc == MEF_OK; i++)
		rc = key_prune(s, keys[i].kpm_id, keep_per_enrolee, now);
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_COMMIT);
	if (rc != MEF_OK)
		store_sqlite_exec(s, SQ_ROLLBACK);
out:
	free(sealed);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_key_list(struct store *st, const char *kpm_id,
    enum mef_err (*cb)(void *arg, const struct store_key *k), void *arg)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt;
	struct store_key	 k;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	stmt = store_sqlite_stmt(s, kpm_id != NULL ? SQ_KEY_LIST_ONE :
	    SQ_KEY_LIST_ALL);
	if (kpm_id != NULL)
		store_sqlite_bind_text(stmt, 1, kpm_id);
	while (rc == MEF_OK) {
		src = sqlite3_step(stmt);
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW) {
			rc = store_sqlite_err(s, src, "list keys");
			break;
		}
		memset(&k, 0, sizeof(k));
		rc = store_sqlite_col_text(stmt, 0, k.keyid, sizeof(k.keyid));
		if (rc == MEF_OK)
			rc = store_sqlite_col_text(stmt, 1, k.kpm_id,
			    sizeof(k.kpm_id));
		k.created = sqlite3_column_int64(stmt, 2);
		k.expires = sqlite3_column_int64(stmt, 3);
		k.is_revoked = sqlite3_column_int(stmt, 4) != 0;
		if (rc == MEF_OK)
			rc = cb(arg, &k);
	}
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_fetch_lookup(struct store *st, const char *keyid,
    const char *target_id, int64_t now, struct store_fetch *pf)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_FETCH);
	struct store_fetch	 f;
	enum mef_err		 rc;
	int			 src;

	memset(&f, 0, sizeof(f));
	store_sqlite_bind_text(stmt, 1, keyid);
	store_sqlite_bind_text(stmt, 2, target_id);
	src = sqlite3_step(stmt);
	if (src == SQLITE_DONE)
		rc = MEF_E_NOTFOUND;
	else if (src != SQLITE_ROW)
		rc = store_sqlite_err(s, src, "fetch lookup");
	else
		rc = fetch_row(s, stmt, now, &f);
	store_sqlite_done(stmt);
	if (rc == MEF_OK)
		*pf = f;
	else
		store_fetch_clear(&f);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_generation(struct store *st, uint64_t *pgen)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_DATA_VERSION);
	enum mef_err		 rc = MEF_OK;
	int64_t			 dv, own;
	int			 src;

	/*
	 * PRAGMA data_version changes when another handle, in any process, has
	 * committed; it ignores this handle's own commits, which
	 * sqlite3_total_changes64() counts. Only when either moved is the
	 * generation row read again. It is read after data_version, so the value
	 * kept is never older than the data_version kept with it.
	 */
	src = sqlite3_step(stmt);
	dv = src == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	if (src != SQLITE_ROW)
		rc = store_sqlite_err(s, src, "data version");
	store_sqlite_done(stmt);
	if (rc != MEF_OK)
		return rc;
	own = sqlite3_total_changes64(s->db);
	if (s->gen_known && dv == s->gen_data_version &&
	    own == s->gen_own_changes) {
		*pgen = s->gen_value;
		return MEF_OK;
	}
	stmt = store_sqlite_stmt(s, SQ_GENERATION);
	src = sqlite3_step(stmt);
	if (src == SQLITE_ROW) {
		s->gen_value = (uint64_t)sqlite3_column_int64(stmt, 0);
		s->gen_data_version = dv;
		s->gen_own_changes = own;
		s->gen_known = 1;
		*pgen = s->gen_value;
	} else
		rc = store_sqlite_err(s, src == SQLITE_DONE ? SQLITE_CORRUPT :
		    src, "generation");
	store_sqlite_done(stmt);
	return rc;
}

static enum mef_err
key_insert(struct store_sqlite *s, const struct store_new_key *k,
    const unsigned char *blob, size_t blob_len)
{
	sqlite3_stmt	*stmt = store_sqlite_stmt(s, SQ_KEY_INSERT);
	enum mef_err	 rc = MEF_OK;
	int		 src;

	store_sqlite_bind_text(stmt, 1, k->keyid);
	store_sqlite_bind_text(stmt, 2, k->kpm_id);
	sqlite3_bind_blob(stmt, 3, blob, (int)blob_len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, k->created);
	sqlite3_bind_int64(stmt, 5, k->expires);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "insert key");
	else if (sqlite3_changes(s->db) == 0)
		/*
		 * The Enrolee was removed between its handshake and this
		 * commit. Failing the whole batch would fail every other
		 * bootstrap in it: this row alone is reported as not stored
		 * (pstored), so its bootstrap is not confirmed.
		 */
		log_info("key %s not stored: enrolee %s was removed",
		    LOG_VAL(k->keyid), LOG_VAL(k->kpm_id));
	if (rc == MEF_OK && k->pstored != NULL)
		*k->pstored = sqlite3_changes(s->db) > 0;
	store_sqlite_done(stmt);
	return rc;
}

static enum mef_err
key_prune(struct store_sqlite *s, const char *kpm_id, unsigned keep,
    int64_t now)
{
	sqlite3_stmt	*stmt = store_sqlite_stmt(s, SQ_KEY_PRUNE);
	enum mef_err	 rc = MEF_OK;
	int		 src;

	store_sqlite_bind_text(stmt, 1, kpm_id);
	sqlite3_bind_int64(stmt, 2, keep);
	sqlite3_bind_int64(stmt, 3, now);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "prune keys");
	store_sqlite_done(stmt);
	return rc;
}

/*
 * Columns of SQ_FETCH: 0 keyid, 1 ke, 2 expires, 3 key revoked, 4 enrolee
 * revoked, 5 enrolee_id, 6 link suids (NULL: not linked), 7.. the Target (NULL:
 * unknown).
 */
static enum mef_err
fetch_row(struct store_sqlite *s, sqlite3_stmt *stmt, int64_t now,
    struct store_fetch *f)
{
	char		keyid[MEF_KEYID_MAX];
	const char	*suids;
	enum mef_err	rc;

	f->expires = sqlite3_column_int64(stmt, 2);
	if (f->expires <= now || sqlite3_column_int(stmt, 3) != 0 ||
	    sqlite3_column_int(stmt, 4) != 0)
		return MEF_E_NOTFOUND;
	rc = store_sqlite_col_text(stmt, 0, keyid, sizeof(keyid));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, 5, f->enrolee_id,
		    sizeof(f->enrolee_id));
	if (rc == MEF_OK && sqlite3_column_type(stmt, 7) != SQLITE_NULL)
		rc = store_sqlite_target_row(stmt, 7, &f->target);
	suids = (const char *)sqlite3_column_text(stmt, 6);
	if (rc == MEF_OK && suids != NULL) {
		f->is_allowed = 1;
		rc = suids_parse(suids, f);
	}
	if (rc == MEF_OK)
		rc = store_sqlite_unseal(s, "ke", keyid, stmt, 1, &f->ke);
	return rc;
}

static enum mef_err
suids_parse(const char *text, struct store_fetch *f)
{
	const char	*p = text, *comma;
	uint64_t	 v;
	size_t		 len;

	f->nsuids = 0;
	while (*p != '\0') {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (f->nsuids == STORE_SUIDS_MAX ||
		    parse_u64(p, len, 0, ULONG_MAX, &v) != MEF_OK)
			return MEF_E_STORE;
		f->suids[f->nsuids++] = (unsigned long)v;
		p += len;
		if (*p == ',')
			p++;
	}
	return MEF_OK;
}
