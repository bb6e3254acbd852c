/*
 * store_sqlite.h -- internals of the store_sqlite*.c files (no interface).
 *
 * The SQLite backend is split by table: store_sqlite.c opens the database and
 * holds the statement cache and helpers, store_sqlite_schema.c the migrations,
 * and store_sqlite_{enrolee,target,key,anchor}.c the operations of store_ops.
 * Every
 * statement is a row of the SQL table in store_sqlite.c, prepared once at open
 * and always bound.
 */
#ifndef MEF_STORE_STORE_SQLITE_H
#define MEF_STORE_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/store.h"

/* "ke:" / "kpm:" / "psk:" and the identifier: the AAD of a wrapped column. */
#define SQ_AAD_MAX	(8 + MEF_KEYID_MAX + MEF_ID_MAX)

enum sq_stmt {
	SQ_BEGIN = 0,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_ENROLEE_INSERT,
	SQ_ENROLEE_GET,
	SQ_ENROLEE_TARGETS,
	SQ_ENROLEE_LIST,
	SQ_ENROLEE_REVOKE,
	SQ_ENROLEE_REVOKE_KEYS,
	SQ_ENROLEE_DELETE,
	SQ_ENROLEE_BY_FP,
	SQ_ENROLEE_BY_ANCHOR,
	SQ_LINK_INSERT,
	SQ_TARGET_INSERT,
	SQ_TARGET_GET,
	SQ_TARGET_BY_PSK,
	SQ_TARGET_BY_FP,
	SQ_TARGET_LIST,
	SQ_TARGET_DELETE,
	SQ_KEY_INSERT,
	SQ_KEY_PRUNE,
	SQ_KEY_LIST_ALL,
	SQ_KEY_LIST_ONE,
	SQ_FETCH,
	SQ_ANCHOR_INSERT,
	SQ_ANCHOR_LIST,
	SQ_ANCHOR_DELETE,
	SQ_DATA_VERSION,
	SQ_GENERATION,
	SQ_NSTMT
};

struct store_sqlite {
	struct store		 base;		/* first: the generic part */
	sqlite3			*db;
	struct wrap_kek		*kek;		/* borrowed */
	sqlite3_stmt		*stmt[SQ_NSTMT];
	/* store_sqlite_generation(): what was seen last, to skip rereading. */
	int			 gen_known;
	int64_t			 gen_data_version;
	int64_t			 gen_own_changes;
	uint64_t		 gen_value;
};

/* The column list every target query selects, in this order. */
#define SQ_TARGET_COLS	"target_id, kind, fqdn, psk_id, fingerprint"

/* store_sqlite.c */
sqlite3_stmt	*store_sqlite_stmt(struct store_sqlite *s, enum sq_stmt which);
void		 store_sqlite_done(sqlite3_stmt *stmt);
enum mef_err	 store_sqlite_err(struct store_sqlite *s, int rc,
		    const char *what);
enum mef_err	 store_sqlite_exec(struct store_sqlite *s, enum sq_stmt which);
enum mef_err	 store_sqlite_bind_text(sqlite3_stmt *stmt, int idx,
		    const char *text);
enum mef_err	 store_sqlite_col_text(sqlite3_stmt *stmt, int col, char *out,
		    size_t outsz);
enum mef_err	 store_sqlite_seal(struct store_sqlite *s, const char *kind,
		    const char *id, const struct mef_secret *key,
		    unsigned char *blob, size_t blobsz, size_t *pblob_len);
enum mef_err	 store_sqlite_unseal(struct store_sqlite *s, const char *kind,
		    const char *id, sqlite3_stmt *stmt, int col,
		    struct mef_secret **pkey);
enum mef_err	 store_sqlite_target_row(sqlite3_stmt *stmt, int col,
		    struct store_target *pt);

/* store_sqlite_schema.c */
enum mef_err	 store_sqlite_schema_migrate(sqlite3 *db);

/* store_sqlite_enrolee.c */
enum mef_err	 store_sqlite_enrolee_add(struct store *st,
		    const struct store_enrolee *e, const struct mef_secret *kpm,
		    const unsigned long *suids, size_t nsuids);
enum mef_err	 store_sqlite_enrolee_add_batch(struct store *st,
		    const struct store_enrolee *tmpl,
		    const struct store_new_enrolee *es, size_t n,
		    const unsigned long *suids, size_t nsuids);
enum mef_err	 store_sqlite_enrolee_get(struct store *st, const char *kpm_id,
		    struct store_enrolee *pe, struct mef_secret **pkpm);
enum mef_err	 store_sqlite_enrolee_list(struct store *st,
		    enum mef_err (*cb)(void *arg,
		    const struct store_enrolee *e), void *arg);
enum mef_err	 store_sqlite_enrolee_revoke(struct store *st,
		    const char *kpm_id, int64_t now);
enum mef_err	 store_sqlite_enrolee_remove(struct store *st,
		    const char *kpm_id);
enum mef_err	 store_sqlite_enrolee_by_fingerprint(struct store *st,
		    const unsigned char fp[DIGEST_SHA256_LEN],
		    struct store_enrolee *pe);
enum mef_err	 store_sqlite_enrolee_by_anchor(struct store *st,
		    const char *anchor, const char *identity,
		    struct store_enrolee *pe);

/* store_sqlite_anchor.c */
enum mef_err	 store_sqlite_anchor_add(struct store *st,
		    const struct store_anchor *a);
enum mef_err	 store_sqlite_anchor_list(struct store *st,
		    enum mef_err (*cb)(void *arg, const struct store_anchor *a),
		    void *arg);
enum mef_err	 store_sqlite_anchor_remove(struct store *st,
		    const char *name);

/* store_sqlite_target.c */
enum mef_err	 store_sqlite_target_add(struct store *st,
		    const struct store_target *t, const struct mef_secret *psk);
enum mef_err	 store_sqlite_target_get(struct store *st, const char *id,
		    struct store_target *pt);
enum mef_err	 store_sqlite_target_by_psk_id(struct store *st,
		    const char *psk_id, struct store_target *pt,
		    struct mef_secret **ppsk);
enum mef_err	 store_sqlite_target_by_fingerprint(struct store *st,
		    const unsigned char fp[DIGEST_SHA256_LEN],
		    struct store_target *pt);
enum mef_err	 store_sqlite_target_list(struct store *st,
		    enum mef_err (*cb)(void *arg, const struct store_target *t),
		    void *arg);
enum mef_err	 store_sqlite_target_remove(struct store *st, const char *id);

/* store_sqlite_key.c */
enum mef_err	 store_sqlite_key_put_batch(struct store *st,
		    const struct store_new_key *keys, size_t nkeys,
		    unsigned keep_per_enrolee);
enum mef_err	 store_sqlite_key_list(struct store *st, const char *kpm_id,
		    enum mef_err (*cb)(void *arg, const struct store_key *k),
		    void *arg);
enum mef_err	 store_sqlite_generation(struct store *st, uint64_t *pgen);
enum mef_err	 store_sqlite_fetch_lookup(struct store *st, const char *keyid,
		    const char *target_id, int64_t now, struct store_fetch *pf);

#endif /* MEF_STORE_STORE_SQLITE_H */
