/*
 * store_sqlite_schema.c -- the SQLite schema and its forward migrations.
 *
 * PRAGMA user_version holds the schema version. migrations[] is applied in
 * order, each step in the same transaction as the version bump, so a crash
 * leaves the database at one version or the next, never between. A database
 * newer than this program is refused rather than guessed at. A step is never
 * edited once released: a change is a new row.
 *
 * A step may rebuild a table (SQLite cannot alter a column's constraints):
 * foreign keys are switched off around the transaction, as SQLite's own
 * procedure requires, because dropping the old table would otherwise cascade to
 * its children and delete them; PRAGMA foreign_key_check runs before COMMIT.
 *
 * Key columns (enrolee.kpm, target.psk, enrolment_key.ke) hold wrap_seal()
 * blobs only. Version 2 adds certificate Enrolees (TS-0003 8.3.2.2): kpm is
 * NULL for them, and the binding columns say which certificate they accept;
 * anchor rows hold public CA certificates and CRLs: nothing there is wrapped.
 * Version 3 adds the change generation that mefd's fetch cache watches.
 */
#include <sqlite3.h>

#include "store/store_sqlite.h"
#include "util/log.h"

struct sq_migration {
	int		 version;	/* user_version after this step */
	const char	*sql;
};

/* A trigger that raises the generation after each row an OP on TABLE touches. */
#define GEN_TRIGGER(name, op, table)					\
	"CREATE TRIGGER generation_" name " AFTER " op " ON " table	\
	" BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;"

static const struct sq_migration migrations[] = {
	{ 1,
	    "CREATE TABLE enrolee ("
	    " kpm_id TEXT PRIMARY KEY NOT NULL,"
	    " kpm BLOB NOT NULL,"
	    " enrolee_id TEXT NOT NULL,"
	    " lifetime_s INTEGER NOT NULL CHECK (lifetime_s > 0),"
	    " is_revoked INTEGER NOT NULL DEFAULT 0,"
	    " created INTEGER NOT NULL,"
	    " revoked_at INTEGER NOT NULL DEFAULT 0);"
	    "CREATE TABLE target ("
	    " target_id TEXT PRIMARY KEY NOT NULL,"
	    " kind TEXT NOT NULL CHECK (kind IN ('cse', 'ae', 'maf')),"
	    " fqdn TEXT NOT NULL DEFAULT '',"
	    " psk_id TEXT UNIQUE,"
	    " psk BLOB,"
	    " fingerprint BLOB UNIQUE"
	    "  CHECK (fingerprint IS NULL OR length(fingerprint) = 32),"
	    " created INTEGER NOT NULL,"
	    " CHECK ((psk_id IS NULL) = (psk IS NULL)),"
	    " CHECK (psk_id IS NOT NULL OR fingerprint IS NOT NULL));"
	    "CREATE TABLE enrolee_target ("
	    " kpm_id TEXT NOT NULL"
	    "  REFERENCES enrolee (kpm_id) ON DELETE CASCADE,"
	    " target_id TEXT NOT NULL"
	    "  REFERENCES target (target_id) ON DELETE CASCADE,"
	    " suids TEXT NOT NULL,"
	    " PRIMARY KEY (kpm_id, target_id)) WITHOUT ROWID;"
	    "CREATE INDEX enrolee_target_by_target"
	    " ON enrolee_target (target_id);"
	    "CREATE TABLE enrolment_key ("
	    " keyid TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,"
	    " kpm_id TEXT NOT NULL"
	    "  REFERENCES enrolee (kpm_id) ON DELETE CASCADE,"
	    " ke BLOB NOT NULL,"
	    " created INTEGER NOT NULL,"
	    " expires INTEGER NOT NULL,"
	    " is_revoked INTEGER NOT NULL DEFAULT 0);"
	    "CREATE INDEX enrolment_key_by_enrolee"
	    " ON enrolment_key (kpm_id, created);"
	    "PRAGMA user_version = 1;" },
	{ 2,
	    "CREATE TABLE anchor ("
	    " name TEXT PRIMARY KEY NOT NULL,"
	    " identity TEXT NOT NULL CHECK (identity IN ('cn', 'san')),"
	    " ca_pem TEXT NOT NULL CHECK (length(ca_pem) > 0),"
	    " crl_pem TEXT,"
	    " created INTEGER NOT NULL);"
	    "CREATE TABLE enrolee_v2 ("
	    " kpm_id TEXT PRIMARY KEY NOT NULL,"
	    " kpm BLOB,"
	    " binding TEXT NOT NULL DEFAULT 'kpm'"
	    "  CHECK (binding IN ('kpm', 'fingerprint', 'anchor')),"
	    " fingerprint BLOB UNIQUE"
	    "  CHECK (fingerprint IS NULL OR length(fingerprint) = 32),"
	    " anchor TEXT REFERENCES anchor (name),"
	    " cert_identity TEXT CHECK (cert_identity IS NULL OR"
	    "  length(cert_identity) > 0),"
	    " enrolee_id TEXT NOT NULL,"
	    " lifetime_s INTEGER NOT NULL CHECK (lifetime_s > 0),"
	    " is_revoked INTEGER NOT NULL DEFAULT 0,"
	    " created INTEGER NOT NULL,"
	    " revoked_at INTEGER NOT NULL DEFAULT 0,"
	    " UNIQUE (anchor, cert_identity),"
	    " CHECK ((binding = 'kpm') = (kpm IS NOT NULL)),"
	    " CHECK ((binding = 'fingerprint') = (fingerprint IS NOT NULL)),"
	    " CHECK ((binding = 'anchor') = (anchor IS NOT NULL)),"
	    " CHECK ((anchor IS NULL) = (cert_identity IS NULL)));"
	    "INSERT INTO enrolee_v2 (kpm_id, kpm, binding, enrolee_id,"
	    " lifetime_s, is_revoked, created, revoked_at)"
	    " SELECT kpm_id, kpm, 'kpm', enrolee_id, lifetime_s, is_revoked,"
	    " created, revoked_at FROM enrolee;"
	    "DROP TABLE enrolee;"
	    "ALTER TABLE enrolee_v2 RENAME TO enrolee;"
	    "PRAGMA user_version = 2;" },
	/*
	 * The change generation of the fetch cache: every change that can
	 * withdraw a fetch answer raises it, through triggers, so a change made
	 * by any process (mefctl, another mefd) is seen by every cache. A new Ke
	 * row (a bootstrap) withdraws nothing and does not raise it.
	 */
	{ 3,
	    "CREATE TABLE generation ("
	    " id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " value INTEGER NOT NULL);"
	    "INSERT INTO generation (id, value) VALUES (1, 1);"
	    GEN_TRIGGER("enrolee_upd", "UPDATE", "enrolee")
	    GEN_TRIGGER("enrolee_del", "DELETE", "enrolee")
	    GEN_TRIGGER("key_upd", "UPDATE", "enrolment_key")
	    GEN_TRIGGER("key_del", "DELETE", "enrolment_key")
	    GEN_TRIGGER("target_upd", "UPDATE", "target")
	    GEN_TRIGGER("target_del", "DELETE", "target")
	    GEN_TRIGGER("link_ins", "INSERT", "enrolee_target")
	    GEN_TRIGGER("link_upd", "UPDATE", "enrolee_target")
	    GEN_TRIGGER("link_del", "DELETE", "enrolee_target")
	    "PRAGMA user_version = 3;" },
};

#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))
#define SCHEMA_LATEST	(migrations[NMIGRATIONS - 1].version)

static enum mef_err	schema_version(sqlite3 *db, int *pversion);
static enum mef_err	schema_upgrade(sqlite3 *db, int *pversion);
static enum mef_err	schema_apply(sqlite3 *db, int from);
static enum mef_err	schema_fk_check(sqlite3 *db);
static int		fk_violation(void *arg, int ncols, char **vals,
			    char **names);

/* see store_sqlite.h */
enum mef_err
store_sqlite_schema_migrate(sqlite3 *db)
{
	enum mef_err	rc;
	int		version = 0;

	rc = schema_version(db, &version);
	if (rc != MEF_OK || version == SCHEMA_LATEST)
		goto out;
	if (version < SCHEMA_LATEST)
		rc = schema_upgrade(db, &version);
	if (rc == MEF_OK && version > SCHEMA_LATEST) {
		log_warnx("sqlite: database schema version %d is newer than "
		    "this program's (%d)", version, SCHEMA_LATEST);
		rc = MEF_E_STORE;
	}
out:
	return rc;
}

/* Takes the write lock, looks again (another may have won), migrates. */
static enum mef_err
schema_upgrade(sqlite3 *db, int *pversion)
{
	enum mef_err	rc = MEF_OK;
	int		src;

	/* A no-op inside a transaction: it must come first. */
	src = sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		log_warnx("sqlite: migration: %s", sqlite3_errmsg(db));
		rc = MEF_E_STORE;
		goto out;
	}
	rc = schema_version(db, pversion);
	if (rc == MEF_OK && *pversion < SCHEMA_LATEST) {
		rc = schema_apply(db, *pversion);
		if (rc == MEF_OK)
			rc = schema_fk_check(db);
		if (rc == MEF_OK)
			rc = schema_version(db, pversion);
	}
	if (rc == MEF_OK) {
		src = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			log_warnx("sqlite: migration commit: %s",
			    sqlite3_errmsg(db));
			rc = MEF_E_STORE;
		}
	}
out:
	if (rc != MEF_OK && !sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	src = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (src != SQLITE_OK && rc == MEF_OK) {
		log_warnx("sqlite: foreign keys: %s", sqlite3_errmsg(db));
		rc = MEF_E_STORE;
	}
	return rc;
}

static enum mef_err
schema_version(sqlite3 *db, int *pversion)
{
	sqlite3_stmt	*stmt = NULL;
	enum mef_err	 rc = MEF_OK;
	int		 src;

	src = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(stmt);
	if (src == SQLITE_ROW)
		*pversion = sqlite3_column_int(stmt, 0);
	else {
		log_warnx("sqlite: cannot read schema version: %s",
		    sqlite3_errmsg(db));
		rc = MEF_E_STORE;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Runs every step past from; the caller holds the transaction. */
static enum mef_err
schema_apply(sqlite3 *db, int from)
{
	size_t	i;
	int	src;

	for (i = 0; i < NMIGRATIONS; i++) {
		if (migrations[i].version <= from)
			continue;
		src = sqlite3_exec(db, migrations[i].sql, NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			log_warnx("sqlite: migration to version %d: %s",
			    migrations[i].version, sqlite3_errmsg(db));
			return MEF_E_STORE;
		}
		log_info("database schema migrated to version %d",
		    migrations[i].version);
	}
	return MEF_OK;
}

/* With foreign keys off during a rebuild, make sure no reference broke. */
static enum mef_err
schema_fk_check(sqlite3 *db)
{
	int	nbad = 0, src;

	src = sqlite3_exec(db, "PRAGMA foreign_key_check", fk_violation,
	    &nbad, NULL);
	if (src != SQLITE_OK || nbad > 0) {
		log_warnx("sqlite: migration broke %d reference(s): %s", nbad,
		    src != SQLITE_OK ? sqlite3_errmsg(db) : "rolled back");
		return MEF_E_STORE;
	}
	return MEF_OK;
}

static int
fk_violation(void *arg, int ncols, char **vals, char **names)
{
	int	*pnbad = arg;

	(void)ncols;
	(void)vals;
	(void)names;
	(*pnbad)++;
	return 0;
}
