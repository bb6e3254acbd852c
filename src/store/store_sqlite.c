/*
 * store_sqlite.c -- credential store on SQLite: open, statement cache, helpers.
 *
 * Implements the table in store.h. The database runs in WAL mode with
 * synchronous=FULL: a COMMIT returns only after the WAL is fsync'ed, which is
 * what lets mefd confirm a bootstrap once its Ke row is committed (NORMAL would
 * lose the last commits on power loss). busy_timeout lets mefctl write while
 * mefd runs. Statements are prepared once at open and always bound, never
 * formatted. Rows hold wrapped keys only; the AAD of each wrapped column names
 * its row ("kpm:<KpmId>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_backends.h"
#include "store/store_sqlite.h"
#include "util/log.h"

#define SQ_BUSY_TIMEOUT_MS	5000

/* store_sqlite_enrolee.c reads these by position; kpm follows them. */
#define SQ_ENROLEE_COLS \
	"kpm_id, enrolee_id, lifetime_s, is_revoked, created, revoked_at, " \
	"binding, fingerprint, anchor, cert_identity"
#define SQ_KEY_COLS	"keyid, kpm_id, created, expires, is_revoked"

/* Every statement the backend runs. */
static const char *const sq_sql[SQ_NSTMT] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_ENROLEE_INSERT] = "INSERT INTO enrolee (kpm_id, kpm, enrolee_id, "
	    "lifetime_s, created, binding, fingerprint, anchor, cert_identity) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[SQ_ENROLEE_GET] = "SELECT " SQ_ENROLEE_COLS ", kpm FROM enrolee "
	    "WHERE kpm_id = ?1",
	[SQ_ENROLEE_TARGETS] = "SELECT target_id FROM enrolee_target "
	    "WHERE kpm_id = ?1 ORDER BY target_id",
	[SQ_ENROLEE_LIST] = "SELECT " SQ_ENROLEE_COLS " FROM enrolee "
	    "ORDER BY kpm_id",
	[SQ_ENROLEE_REVOKE] = "UPDATE enrolee SET revoked_at = CASE is_revoked "
	    "WHEN 0 THEN ?2 ELSE revoked_at END, is_revoked = 1 "
	    "WHERE kpm_id = ?1",
	[SQ_ENROLEE_REVOKE_KEYS] = "UPDATE enrolment_key SET is_revoked = 1 "
	    "WHERE kpm_id = ?1",
	[SQ_ENROLEE_DELETE] = "DELETE FROM enrolee WHERE kpm_id = ?1",
	[SQ_ENROLEE_BY_FP] = "SELECT " SQ_ENROLEE_COLS " FROM enrolee "
	    "WHERE fingerprint = ?1",
	[SQ_ENROLEE_BY_ANCHOR] = "SELECT " SQ_ENROLEE_COLS " FROM enrolee "
	    "WHERE anchor = ?1 AND cert_identity = ?2",
	/* A link gets the SUIDs given, or the default of its Target's kind. */
	[SQ_LINK_INSERT] = "INSERT INTO enrolee_target (kpm_id, target_id, "
	    "suids) SELECT ?1, target_id, CASE WHEN ?3 IS NOT NULL THEN ?3 "
	    "WHEN kind = 'maf' THEN '21' ELSE '22' END FROM target "
	    "WHERE target_id = ?2",
	[SQ_TARGET_INSERT] = "INSERT INTO target (target_id, kind, fqdn, "
	    "psk_id, psk, fingerprint, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQ_TARGET_GET] = "SELECT " SQ_TARGET_COLS " FROM target "
	    "WHERE target_id = ?1",
	[SQ_TARGET_BY_PSK] = "SELECT " SQ_TARGET_COLS ", psk FROM target "
	    "WHERE psk_id = ?1",
	[SQ_TARGET_BY_FP] = "SELECT " SQ_TARGET_COLS " FROM target "
	    "WHERE fingerprint = ?1",
	[SQ_TARGET_LIST] = "SELECT " SQ_TARGET_COLS " FROM target "
	    "ORDER BY target_id",
	[SQ_TARGET_DELETE] = "DELETE FROM target WHERE target_id = ?1",
	/* Inserts nothing when the Enrolee was removed meanwhile. */
	[SQ_KEY_INSERT] = "INSERT INTO enrolment_key (keyid, kpm_id, ke, "
	    "created, expires) SELECT ?1, kpm_id, ?3, ?4, ?5 FROM enrolee "
	    "WHERE kpm_id = ?2",
	/* Drops expired Ke and all but the newest ?2 live ones of ?1. */
	[SQ_KEY_PRUNE] = "DELETE FROM enrolment_key WHERE kpm_id = ?1 AND "
	    "(expires <= ?3 OR rowid IN (SELECT rowid FROM enrolment_key "
	    "WHERE kpm_id = ?1 AND expires > ?3 "
	    "ORDER BY created DESC, rowid DESC LIMIT -1 OFFSET ?2))",
	[SQ_KEY_LIST_ALL] = "SELECT " SQ_KEY_COLS " FROM enrolment_key "
	    "ORDER BY created DESC, rowid DESC",
	[SQ_KEY_LIST_ONE] = "SELECT " SQ_KEY_COLS " FROM enrolment_key "
	    "WHERE kpm_id = ?1 ORDER BY created DESC, rowid DESC",
	/* One read for a fetch: primary-key lookups only. */
	[SQ_FETCH] = "SELECT k.keyid, k.ke, k.expires, k.is_revoked, "
	    "e.is_revoked, e.enrolee_id, l.suids, t.target_id, t.kind, "
	    "t.fqdn, t.psk_id, t.fingerprint "
	    "FROM enrolment_key AS k "
	    "JOIN enrolee AS e ON e.kpm_id = k.kpm_id "
	    "LEFT JOIN target AS t ON t.target_id = ?2 "
	    "LEFT JOIN enrolee_target AS l ON l.kpm_id = k.kpm_id "
	    "AND l.target_id = ?2 "
	    "WHERE k.keyid = ?1",
	[SQ_ANCHOR_INSERT] = "INSERT INTO anchor (name, identity, ca_pem, "
	    "crl_pem, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[SQ_ANCHOR_LIST] = "SELECT name, identity, ca_pem, crl_pem, created "
	    "FROM anchor ORDER BY name",
	[SQ_ANCHOR_DELETE] = "DELETE FROM anchor WHERE name = ?1",
	[SQ_DATA_VERSION] = "PRAGMA data_version",
	[SQ_GENERATION] = "SELECT value FROM generation WHERE id = 1",
};

static enum mef_err	sq_open(const char *location, struct wrap_kek *kek,
			    struct store **pstore);
static void		sq_close(struct store *st);
static enum mef_err	sq_pragmas(sqlite3 *db);
static enum mef_err	sq_prepare_all(struct store_sqlite *s);

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.enrolee_add = store_sqlite_enrolee_add,
	.enrolee_add_batch = store_sqlite_enrolee_add_batch,
	.enrolee_get = store_sqlite_enrolee_get,
	.enrolee_list = store_sqlite_enrolee_list,
	.enrolee_revoke = store_sqlite_enrolee_revoke,
	.enrolee_remove = store_sqlite_enrolee_remove,
	.target_add = store_sqlite_target_add,
	.target_get = store_sqlite_target_get,
	.target_by_psk_id = store_sqlite_target_by_psk_id,
	.target_by_fingerprint = store_sqlite_target_by_fingerprint,
	.target_list = store_sqlite_target_list,
	.target_remove = store_sqlite_target_remove,
	.enrolee_by_fingerprint = store_sqlite_enrolee_by_fingerprint,
	.enrolee_by_anchor = store_sqlite_enrolee_by_anchor,
	.anchor_add = store_sqlite_anchor_add,
	.anchor_list = store_sqlite_anchor_list,
	.anchor_remove = store_sqlite_anchor_remove,
	.key_put_batch = store_sqlite_key_put_batch,
	.key_list = store_sqlite_key_list,
	.fetch_lookup = store_sqlite_fetch_lookup,
	.generation = store_sqlite_generation,
};

/* see store_sqlite.h */
sqlite3_stmt *
store_sqlite_stmt(struct store_sqlite *s, enum sq_stmt which)
{
	return s->stmt[which];
}

/* see store_sqlite.h */
void
store_sqlite_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_err(struct store_sqlite *s, int rc, const char *what)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		return MEF_E_EXISTS;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return MEF_E_NOTFOUND;
	default:
		log_warnx("sqlite: %s: %s (%d)", what, sqlite3_errmsg(s->db),
		    rc);
		return MEF_E_STORE;
	}
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_exec(struct store_sqlite *s, enum sq_stmt which)
{
	sqlite3_stmt	*stmt = s->stmt[which];
	enum mef_err	 rc = MEF_OK;
	int		 src;

	/* After a failed statement SQLite may already have rolled back. */
	if (which == SQ_ROLLBACK && sqlite3_get_autocommit(s->db))
		return MEF_OK;
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, sq_sql[which]);
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_bind_text(sqlite3_stmt *stmt, int idx, const char *text)
{
	int	src;

	/* SQLITE_STATIC: callers keep text alive until store_sqlite_done(). */
	if (text == NULL)
		src = sqlite3_bind_null(stmt, idx);
	else
		src = sqlite3_bind_text(stmt, idx, text, -1, SQLITE_STATIC);
	return src == SQLITE_OK ? MEF_OK : MEF_E_STORE;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_col_text(sqlite3_stmt *stmt, int col, char *out, size_t outsz)
{
	const unsigned char	*text;
	size_t			 len;

	text = sqlite3_column_text(stmt, col);
	if (text == NULL) {
		out[0] = '\0';
		return MEF_OK;
	}
	len = (size_t)sqlite3_column_bytes(stmt, col);
	/* A row longer than any identifier we write is a corrupt row. */
	if (len >= outsz)
		return MEF_E_STORE;
	memcpy(out, text, len);
	out[len] = '\0';
	return MEF_OK;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_seal(struct store_sqlite *s, const char *kind, const char *id,
    const struct mef_secret *key, unsigned char *blob, size_t blobsz,
    size_t *pblob_len)
{
	char	aad[SQ_AAD_MAX];
	int	n;

	n = snprintf(aad, sizeof(aad), "%s:%s", kind, id);
	if (n < 0 || (size_t)n >= sizeof(aad))
		return MEF_E_INVAL;
	return wrap_seal(s->kek, aad, key, blob, blobsz, pblob_len);
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_unseal(struct store_sqlite *s, const char *kind, const char *id,
    sqlite3_stmt *stmt, int col, struct mef_secret **pkey)
{
	const unsigned char	*blob;
	char			 aad[SQ_AAD_MAX];
	enum mef_err		 rc;
	int			 n, len;

	n = snprintf(aad, sizeof(aad), "%s:%s", kind, id);
	if (n < 0 || (size_t)n >= sizeof(aad))
		return MEF_E_INVAL;
	blob = sqlite3_column_blob(stmt, col);
	len = sqlite3_column_bytes(stmt, col);
	if (blob == NULL || len <= 0)
		return MEF_E_STORE;
	rc = wrap_open(s->kek, aad, blob, (size_t)len, pkey);
	if (rc == MEF_E_CRYPTO)
		log_warnx("cannot unwrap %s: wrong key-encryption key or "
		    "altered row", LOG_VAL(aad));
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_target_row(sqlite3_stmt *stmt, int col, struct store_target *pt)
{
	const void	*fp;
	char		 kind[8];
	enum mef_err	 rc;

	memset(pt, 0, sizeof(*pt));
	rc = store_sqlite_col_text(stmt, col, pt->id, sizeof(pt->id));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, col + 1, kind, sizeof(kind));
	if (rc == MEF_OK)
		rc = store_kind_parse(kind, &pt->kind) == MEF_OK ? MEF_OK :
		    MEF_E_STORE;
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, col + 2, pt->fqdn,
		    sizeof(pt->fqdn));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, col + 3, pt->psk_id,
		    sizeof(pt->psk_id));
	if (rc != MEF_OK)
		return MEF_E_STORE;
	fp = sqlite3_column_blob(stmt, col + 4);
	if (fp == NULL)
		return MEF_OK;
	if (sqlite3_column_bytes(stmt, col + 4) != DIGEST_SHA256_LEN)
		return MEF_E_STORE;
	memcpy(pt->fingerprint, fp, DIGEST_SHA256_LEN);
	pt->has_fingerprint = 1;
	return MEF_OK;
}

static enum mef_err
sq_open(const char *location, struct wrap_kek *kek, struct store **pstore)
{
	struct store_sqlite	*s = NULL;
	enum mef_err		 rc;
	int			 src;

	if (location == NULL || *location == '\0' || kek == NULL)
		return MEF_E_CONFIG;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return MEF_E_NOMEM;
	s->base.ops = &store_sqlite_ops;
	s->kek = kek;
	/* One handle per thread: SQLite's own mutexes are not needed. */
	src = sqlite3_open_v2(location, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK) {
		log_warnx("sqlite: cannot open %s: %s", location,
		    s->db != NULL ? sqlite3_errmsg(s->db) :
		    sqlite3_errstr(src));
		rc = MEF_E_STORE;
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
	rc = sq_pragmas(s->db);
	if (rc != MEF_OK)
		goto out;
	rc = store_sqlite_schema_migrate(s->db);
	if (rc != MEF_OK)
		goto out;
	rc = sq_prepare_all(s);
out:
	if (rc == MEF_OK)
		*pstore = &s->base;
	else
		sq_close(&s->base);
	return rc;
}

static void
sq_close(struct store *st)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	size_t			 i;

	if (s == NULL)
		return;
	for (i = 0; i < SQ_NSTMT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

/*
 * Connection settings. secure_delete overwrites freed pages, so a pruned or
 * removed wrapped key does not linger in the file after its row is gone.
 */
static enum mef_err
sq_pragmas(sqlite3 *db)
{
	sqlite3_stmt		*stmt = NULL;
	const unsigned char	*mode;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	src = sqlite3_exec(db, "PRAGMA foreign_keys = ON; "
	    "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL;",
	    NULL, NULL, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1,
		    &stmt, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(stmt);
	if (src != SQLITE_ROW) {
		log_warnx("sqlite: connection setup: %s", sqlite3_errmsg(db));
		rc = MEF_E_STORE;
		goto out;
	}
	mode = sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
		log_warnx("sqlite: cannot switch to WAL mode");
		rc = MEF_E_STORE;
	}
out:
	sqlite3_finalize(stmt);
	return rc;
}

static enum mef_err
sq_prepare_all(struct store_sqlite *s)
{
	size_t	i;
	int	src;

	for (i = 0; i < SQ_NSTMT; i++) {
		src = sqlite3_prepare_v3(s->db, sq_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL);
		if (src != SQLITE_OK) {
			log_warnx("sqlite: prepare \"%s\": %s", sq_sql[i],
			    sqlite3_errmsg(s->db));
			return MEF_E_STORE;
		}
	}
	return MEF_OK;
}
