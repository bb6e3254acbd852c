/*
 * store_sqlite_target.c -- Enrolment Targets on SQLite.
 *
 * A Target authenticates to the MEF by a PSK (identity in clear, key wrapped
 * under "psk:<TargetID>") or by the SHA-256 fingerprint of its certificate. The
 * unique constraints on psk_id and fingerprint make each credential name one
 * Target only. Arguments arrive checked and normalised by store.c.
 */
#include <sqlite3.h>

#include "store/store_sqlite.h"
#include "util/clock.h"

static enum mef_err	target_one(struct store_sqlite *s, sqlite3_stmt *stmt,
			    struct store_target *pt, struct mef_secret **ppsk);

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_add(struct store *st, const struct store_target *t,
    const struct mef_secret *psk)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_INSERT);
	unsigned char		 blob[WRAP_BLOB_MAX];
	size_t			 blob_len = 0;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	if (psk != NULL)
		rc = store_sqlite_seal(s, "psk", t->id, psk, blob, sizeof(blob),
		    &blob_len);
	if (rc != MEF_OK)
		goto out;
	store_sqlite_bind_text(stmt, 1, t->id);
	store_sqlite_bind_text(stmt, 2, store_kind_name(t->kind));
	store_sqlite_bind_text(stmt, 3, t->fqdn);
	store_sqlite_bind_text(stmt, 4, psk != NULL ? t->psk_id : NULL);
	if (psk != NULL)
		sqlite3_bind_blob(stmt, 5, blob, (int)blob_len, SQLITE_STATIC);
	if (t->has_fingerprint)
		sqlite3_bind_blob(stmt, 6, t->fingerprint, DIGEST_SHA256_LEN,
		    SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, clock_wall_s());
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "insert target");
	store_sqlite_done(stmt);
out:
	mef_wipe(blob, sizeof(blob));
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_get(struct store *st, const char *id,
    struct store_target *pt)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_GET);

	store_sqlite_bind_text(stmt, 1, id);
	return target_one(s, stmt, pt, NULL);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_by_psk_id(struct store *st, const char *psk_id,
    struct store_target *pt, struct mef_secret **ppsk)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_BY_PSK);

	store_sqlite_bind_text(stmt, 1, psk_id);
	return target_one(s, stmt, pt, ppsk);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_by_fingerprint(struct store *st,
    const unsigned char fp[DIGEST_SHA256_LEN], struct store_target *pt)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_BY_FP);

	sqlite3_bind_blob(stmt, 1, fp, DIGEST_SHA256_LEN, SQLITE_STATIC);
	return target_one(s, stmt, pt, NULL);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_target *t), void *arg)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_LIST);
	struct store_target	 t;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	while (rc == MEF_OK) {
		src = sqlite3_step(stmt);
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW) {
			rc = store_sqlite_err(s, src, "list targets");
			break;
		}
		rc = store_sqlite_target_row(stmt, 0, &t);
		if (rc == MEF_OK)
			rc = cb(arg, &t);
	}
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_remove(struct store *st, const char *id)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_TARGET_DELETE);
	enum mef_err		 rc = MEF_OK;
	int			 src;

	/* The links to Enrolees go with it (ON DELETE CASCADE). */
	store_sqlite_bind_text(stmt, 1, id);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "remove target");
	else if (sqlite3_changes(s->db) == 0)
		rc = MEF_E_NOTFOUND;
	store_sqlite_done(stmt);
	return rc;
}

/* Steps a bound single-row target query; with ppsk, unwraps column 5 too. */
static enum mef_err
target_one(struct store_sqlite *s, sqlite3_stmt *stmt, struct store_target *pt,
    struct mef_secret **ppsk)
{
	struct store_target	 t;
	struct mef_secret	*psk = NULL;
	enum mef_err		 rc;
	int			 src;

	src = sqlite3_step(stmt);
	if (src == SQLITE_DONE)
		rc = MEF_E_NOTFOUND;
	else if (src != SQLITE_ROW)
		rc = store_sqlite_err(s, src, "get target");
	else
		rc = store_sqlite_target_row(stmt, 0, &t);
	if (rc == MEF_OK && ppsk != NULL)
		rc = store_sqlite_unseal(s, "psk", t.id, stmt, 5, &psk);
	store_sqlite_done(stmt);
	if (rc == MEF_OK) {
		*pt = t;
		if (ppsk != NULL)
			*ppsk = psk;
	}
	return rc;
}
