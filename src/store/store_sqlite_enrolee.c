/*
 * store_sqlite_enrolee.c -- Enrolees and their links to Targets, on SQLite.
 *
 * An Enrolee is one row of enrolee (with its Kpm wrapped under "kpm:<KpmId>",
 * or, for a certificate Enrolee, no Kpm and the fingerprint or anchor and
 * identity it is bound to) and one row of enrolee_target per Target it may be
 * provisioned for. Adding is one transaction, so an unknown Target or anchor
 * leaves nothing behind; a batch (bulk provisioning) is one transaction for
 * all its rows. Arguments arrive checked and normalised by store.c.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

/* Decimal SUIDs joined by commas. */
#define SQ_SUIDS_TEXT_MAX	(STORE_SUIDS_MAX * 21)
#define SQ_ENROLEE_KPM_COL	10	/* after SQ_ENROLEE_COLS */

static enum mef_err	enrolee_row(sqlite3_stmt *stmt,
			    struct store_enrolee *e);
static enum mef_err	enrolee_binding_row(sqlite3_stmt *stmt,
			    struct store_enrolee *e);
static void		enrolee_bind(sqlite3_stmt *stmt,
			    const struct store_enrolee *e);
static enum mef_err	enrolee_insert(struct store_sqlite *s,
			    const struct store_enrolee *e,
			    const struct store_new_enrolee *row,
			    const char *suids_text);
static enum mef_err	enrolee_one(struct store_sqlite *s,
			    sqlite3_stmt *stmt, struct store_enrolee *pe);
static enum mef_err	enrolee_links(struct store_sqlite *s,
			    const char *kpm_id, const char *suids_text,
			    const struct store_enrolee *e);
static enum mef_err	enrolee_targets(struct store_sqlite *s,
			    struct store_enrolee *e);
static enum mef_err	suids_format(const unsigned long *suids, size_t nsuids,
			    char *out, size_t outsz);

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_add(struct store *st, const struct store_enrolee *e,
    const struct mef_secret *kpm, const unsigned long *suids, size_t nsuids)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	struct store_new_enrolee row = { e->kpm_id, e->enrolee_id, kpm };
	char			 suids_text[SQ_SUIDS_TEXT_MAX];
	enum mef_err		 rc;

	rc = suids_format(suids, nsuids, suids_text, sizeof(suids_text));
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_BEGIN);
	if (rc != MEF_OK)
		return rc;
	rc = enrolee_insert(s, e, &row, nsuids > 0 ? suids_text : NULL);
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_COMMIT);
	if (rc != MEF_OK)
		store_sqlite_exec(s, SQ_ROLLBACK);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_add_batch(struct store *st,
    const struct store_enrolee *tmpl, const struct store_new_enrolee *es,
    size_t n, const unsigned long *suids, size_t nsuids)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	char			 suids_text[SQ_SUIDS_TEXT_MAX];
	enum mef_err		 rc;
	size_t			 i;

	rc = suids_format(suids, nsuids, suids_text, sizeof(suids_text));
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_BEGIN);
	if (rc != MEF_OK)
		return rc;
	/* One COMMIT, so one WAL fsync, for the whole batch. */
	for (i = 0; i < n && rc == MEF_OK; i++)
		rc = enrolee_insert(s, tmpl, &es[i],
		    nsuids > 0 ? suids_text : NULL);
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_COMMIT);
	if (rc != MEF_OK)
		store_sqlite_exec(s, SQ_ROLLBACK);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_get(struct store *st, const char *kpm_id,
    struct store_enrolee *e, struct mef_secret **pkpm)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ENROLEE_GET);
	struct mef_secret	*kpm = NULL;
	enum mef_err		 rc;
	int			 src;

	/*
	 * Straight into the caller's struct (17 KB with its Targets): this is on
	 * every PSK handshake, twice with the decoy, so no scratch copy.
	 */
	store_sqlite_bind_text(stmt, 1, kpm_id);
	src = sqlite3_step(stmt);
	if (src == SQLITE_DONE)
		rc = MEF_E_NOTFOUND;
	else if (src != SQLITE_ROW)
		rc = store_sqlite_err(s, src, "get enrolee");
	else
		rc = enrolee_row(stmt, e);
	/*
	 * A certificate Enrolee has no Kpm: asked for one (a PSK handshake
	 * naming its handle), it does not exist, so no PSK can select it.
	 */
	if (rc == MEF_OK && pkpm != NULL && e->binding != STORE_BIND_KPM)
		rc = MEF_E_NOTFOUND;
	if (rc == MEF_OK && pkpm != NULL)
		rc = store_sqlite_unseal(s, "kpm", e->kpm_id, stmt,
		    SQ_ENROLEE_KPM_COL, &kpm);
	store_sqlite_done(stmt);
	if (rc == MEF_OK)
		rc = enrolee_targets(s, e);
	if (rc == MEF_OK && pkpm != NULL)
		*pkpm = kpm;
	else
		mef_secret_free(&kpm);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_enrolee *e), void *arg)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ENROLEE_LIST);
	struct store_enrolee	*e;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEF_E_NOMEM;
	while (rc == MEF_OK) {
		src = sqlite3_step(stmt);
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW) {
			rc = store_sqlite_err(s, src, "list enrolees");
			break;
		}
		rc = enrolee_row(stmt, e);
		if (rc == MEF_OK)
			rc = cb(arg, e);
	}
	store_sqlite_done(stmt);
	free(e);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_revoke(struct store *st, const char *kpm_id, int64_t now)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt;
	enum mef_err		 rc;
	int			 src;

	rc = store_sqlite_exec(s, SQ_BEGIN);
	if (rc != MEF_OK)
		return rc;
	stmt = store_sqlite_stmt(s, SQ_ENROLEE_REVOKE);
	store_sqlite_bind_text(stmt, 1, kpm_id);
	sqlite3_bind_int64(stmt, 2, now);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "revoke enrolee");
	else if (sqlite3_changes(s->db) == 0)
		rc = MEF_E_NOTFOUND;
	store_sqlite_done(stmt);
	if (rc != MEF_OK)
		goto out;
	stmt = store_sqlite_stmt(s, SQ_ENROLEE_REVOKE_KEYS);
	store_sqlite_bind_text(stmt, 1, kpm_id);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "revoke keys");
	store_sqlite_done(stmt);
	if (rc == MEF_OK)
		rc = store_sqlite_exec(s, SQ_COMMIT);
out:
	if (rc != MEF_OK)
		store_sqlite_exec(s, SQ_ROLLBACK);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_remove(struct store *st, const char *kpm_id)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ENROLEE_DELETE);
	enum mef_err		 rc = MEF_OK;
	int			 src;

	/* One statement: the links and Ke go with it (ON DELETE CASCADE). */
	store_sqlite_bind_text(stmt, 1, kpm_id);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "remove enrolee");
	else if (sqlite3_changes(s->db) == 0)
		rc = MEF_E_NOTFOUND;
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_by_fingerprint(struct store *st,
    const unsigned char fp[DIGEST_SHA256_LEN], struct store_enrolee *pe)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ENROLEE_BY_FP);

	sqlite3_bind_blob(stmt, 1, fp, DIGEST_SHA256_LEN, SQLITE_STATIC);
	return enrolee_one(s, stmt, pe);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_enrolee_by_anchor(struct store *st, const char *anchor,
    const char *identity, struct store_enrolee *pe)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s,
				    SQ_ENROLEE_BY_ANCHOR);

	store_sqlite_bind_text(stmt, 1, anchor);
	store_sqlite_bind_text(stmt, 2, identity);
	return enrolee_one(s, stmt, pe);
}

/*
 * One Enrolee row (KpmId, EnroleeID and Kpm from row, the rest from e) and its
 * links, inside the caller's transaction. suids_text NULL: the defaults.
 */
static enum mef_err
enrolee_insert(struct store_sqlite *s, const struct store_enrolee *e,
    const struct store_new_enrolee *row, const char *suids_text)
{
	sqlite3_stmt	*stmt = store_sqlite_stmt(s, SQ_ENROLEE_INSERT);
	unsigned char	 blob[WRAP_BLOB_MAX];
	size_t		 blob_len = 0;
	enum mef_err	 rc = MEF_OK;
	int		 src;

	if (row->kpm != NULL)
		rc = store_sqlite_seal(s, "kpm", row->kpm_id, row->kpm, blob,
		    sizeof(blob), &blob_len);
	if (rc != MEF_OK)
		goto out;
	store_sqlite_bind_text(stmt, 1, row->kpm_id);
	if (row->kpm != NULL)
		sqlite3_bind_blob(stmt, 2, blob, (int)blob_len, SQLITE_STATIC);
	store_sqlite_bind_text(stmt, 3, row->enrolee_id);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)e->lifetime_s);
	sqlite3_bind_int64(stmt, 5, e->created);
	enrolee_bind(stmt, e);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "insert enrolee");
	store_sqlite_done(stmt);
	if (rc == MEF_OK)
		rc = enrolee_links(s, row->kpm_id, suids_text, e);
out:
	mef_wipe(blob, sizeof(blob));
	return rc;
}

/* Steps a bound single-row Enrolee query, then reads the Targets. */
static enum mef_err
enrolee_one(struct store_sqlite *s, sqlite3_stmt *stmt,
    struct store_enrolee *pe)
{
	struct store_enrolee	*e;
	enum mef_err		 rc;
	int			 src;

	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		store_sqlite_done(stmt);
		return MEF_E_NOMEM;
	}
	src = sqlite3_step(stmt);
	if (src == SQLITE_DONE)
		rc = MEF_E_NOTFOUND;
	else if (src != SQLITE_ROW)
		rc = store_sqlite_err(s, src, "get enrolee");
	else
		rc = enrolee_row(stmt, e);
	store_sqlite_done(stmt);
	if (rc == MEF_OK)
		rc = enrolee_targets(s, e);
	if (rc == MEF_OK)
		*pe = *e;
	free(e);
	return rc;
}

/* The binding columns ?6..?9 of SQ_ENROLEE_INSERT; NULL where unused. */
static void
enrolee_bind(sqlite3_stmt *stmt, const struct store_enrolee *e)
{
	store_sqlite_bind_text(stmt, 6, store_binding_name(e->binding));
	if (e->binding == STORE_BIND_FINGERPRINT)
		sqlite3_bind_blob(stmt, 7, e->fingerprint, DIGEST_SHA256_LEN,
		    SQLITE_STATIC);
	if (e->binding == STORE_BIND_ANCHOR) {
		store_sqlite_bind_text(stmt, 8, e->anchor);
		store_sqlite_bind_text(stmt, 9, e->cert_identity);
	}
}

/* Columns SQ_ENROLEE_COLS of the current row; the targets stay empty. */
static enum mef_err
enrolee_row(sqlite3_stmt *stmt, struct store_enrolee *e)
{
	enum mef_err	rc;

	/* The Targets are counted by ntargets; only the rest is cleared. */
	memset(e, 0, offsetof(struct store_enrolee, targets));
	rc = store_sqlite_col_text(stmt, 0, e->kpm_id, sizeof(e->kpm_id));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, 1, e->enrolee_id,
		    sizeof(e->enrolee_id));
	e->lifetime_s = (uint64_t)sqlite3_column_int64(stmt, 2);
	e->is_revoked = sqlite3_column_int(stmt, 3) != 0;
	e->created = sqlite3_column_int64(stmt, 4);
	e->revoked_at = sqlite3_column_int64(stmt, 5);
	if (rc == MEF_OK)
		rc = enrolee_binding_row(stmt, e);
	return rc;
}

/* Columns 6..9: how the Enrolee authenticates. A mismatch is a corrupt row. */
static enum mef_err
enrolee_binding_row(sqlite3_stmt *stmt, struct store_enrolee *e)
{
	const void	*fp;
	char		 name[16];
	enum mef_err	 rc;

	rc = store_sqlite_col_text(stmt, 6, name, sizeof(name));
	if (rc == MEF_OK && store_binding_parse(name, &e->binding) != MEF_OK)
		rc = MEF_E_STORE;
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, 8, e->anchor,
		    sizeof(e->anchor));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, 9, e->cert_identity,
		    sizeof(e->cert_identity));
	if (rc != MEF_OK || e->binding != STORE_BIND_FINGERPRINT)
		return rc;
	fp = sqlite3_column_blob(stmt, 7);
	if (fp == NULL ||
	    sqlite3_column_bytes(stmt, 7) != DIGEST_SHA256_LEN)
		return MEF_E_STORE;
	memcpy(e->fingerprint, fp, DIGEST_SHA256_LEN);
	return MEF_OK;
}

/* One link per Target; a Target that does not exist inserts no row. */
static enum mef_err
enrolee_links(struct store_sqlite *s, const char *kpm_id,
    const char *suids_text, const struct store_enrolee *e)
{
	sqlite3_stmt	*stmt = store_sqlite_stmt(s, SQ_LINK_INSERT);
	enum mef_err	 rc = MEF_OK;
	size_t		 i;
	int		 src;

	for (i = 0; i < e->ntargets && rc == MEF_OK; i++) {
		store_sqlite_bind_text(stmt, 1, kpm_id);
		store_sqlite_bind_text(stmt, 2, e->targets[i]);
		store_sqlite_bind_text(stmt, 3, suids_text);
		src = sqlite3_step(stmt);
		if (src != SQLITE_DONE)
			rc = store_sqlite_err(s, src, "link target");
		else if (sqlite3_changes(s->db) == 0)
			rc = MEF_E_NOTFOUND;
		store_sqlite_done(stmt);
	}
	return rc;
}

static enum mef_err
enrolee_targets(struct store_sqlite *s, struct store_enrolee *e)
{
	sqlite3_stmt	*stmt = store_sqlite_stmt(s, SQ_ENROLEE_TARGETS);
	enum mef_err	 rc = MEF_OK;
	int		 src;

	e->ntargets = 0;
	store_sqlite_bind_text(stmt, 1, e->kpm_id);
	while (rc == MEF_OK) {
		src = sqlite3_step(stmt);
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW)
			rc = store_sqlite_err(s, src, "enrolee targets");
		else if (e->ntargets == MEF_TARGETS_MAX)
			rc = MEF_E_STORE;
		else
			rc = store_sqlite_col_text(stmt, 0,
			    e->targets[e->ntargets++], MEF_ID_MAX + 1);
	}
	store_sqlite_done(stmt);
	return rc;
}

static enum mef_err
suids_format(const unsigned long *suids, size_t nsuids, char *out,
    size_t outsz)
{
	size_t	i, off = 0;
	int	n;

	out[0] = '\0';
	for (i = 0; i < nsuids; i++) {
		n = snprintf(out + off, outsz - off, "%s%lu", i > 0 ? "," : "",
		    suids[i]);
		if (n < 0 || (size_t)n >= outsz - off)
			return MEF_E_INVAL;
		off += (size_t)n;
	}
	return MEF_OK;
}
