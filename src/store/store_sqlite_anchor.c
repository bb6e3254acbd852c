/*
 * store_sqlite_anchor.c -- trust anchors for certificate Enrolees, on SQLite.
 *
 * An anchor is a device CA (PEM, one or more certificates), the CRLs that go
 * with it, and which certificate field names its devices. It holds nothing
 * secret, so its columns are stored as given, not wrapped. Enrolees refer to
 * their anchor by name: the foreign key refuses to remove an anchor in use.
 * Arguments arrive checked and normalised by store.c.
 */
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

static enum mef_err	anchor_row(sqlite3_stmt *stmt, struct store_anchor *a);

/* see store_sqlite.h */
enum mef_err
store_sqlite_anchor_add(struct store *st, const struct store_anchor *a)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ANCHOR_INSERT);
	enum mef_err		 rc = MEF_OK;
	int			 src;

	store_sqlite_bind_text(stmt, 1, a->name);
	store_sqlite_bind_text(stmt, 2, store_identity_name(a->identity));
	sqlite3_bind_text(stmt, 3, a->ca_pem, (int)a->ca_pem_len,
	    SQLITE_STATIC);
	if (a->crl_pem != NULL)
		sqlite3_bind_text(stmt, 4, a->crl_pem, (int)a->crl_pem_len,
		    SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, a->created);
	src = sqlite3_step(stmt);
	if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "insert anchor");
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_anchor_list(struct store *st,
    enum mef_err (*cb)(void *arg, const struct store_anchor *a), void *arg)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ANCHOR_LIST);
	struct store_anchor	 a;
	enum mef_err		 rc = MEF_OK;
	int			 src;

	while (rc == MEF_OK) {
		src = sqlite3_step(stmt);
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW) {
			rc = store_sqlite_err(s, src, "list anchors");
			break;
		}
		rc = anchor_row(stmt, &a);
		if (rc == MEF_OK)
			rc = cb(arg, &a);
	}
	store_sqlite_done(stmt);
	return rc;
}

/* see store_sqlite.h */
enum mef_err
store_sqlite_anchor_remove(struct store *st, const char *name)
{
	struct store_sqlite	*s = (struct store_sqlite *)st;
	sqlite3_stmt		*stmt = store_sqlite_stmt(s, SQ_ANCHOR_DELETE);
	enum mef_err		 rc = MEF_OK;
	int			 src;

	store_sqlite_bind_text(stmt, 1, name);
	src = sqlite3_step(stmt);
	/* Enrolees still refer to it: they must go first, not silently. */
	if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = MEF_E_EXISTS;
	else if (src != SQLITE_DONE)
		rc = store_sqlite_err(s, src, "remove anchor");
	else if (sqlite3_changes(s->db) == 0)
		rc = MEF_E_NOTFOUND;
	store_sqlite_done(stmt);
	return rc;
}

/* The current row; the PEM pointers stay valid until the next step. */
static enum mef_err
anchor_row(sqlite3_stmt *stmt, struct store_anchor *a)
{
	char		identity[8];
	enum mef_err	rc;

	memset(a, 0, sizeof(*a));
	rc = store_sqlite_col_text(stmt, 0, a->name, sizeof(a->name));
	if (rc == MEF_OK)
		rc = store_sqlite_col_text(stmt, 1, identity,
		    sizeof(identity));
	if (rc == MEF_OK && store_identity_parse(identity, &a->identity) !=
	    MEF_OK)
		rc = MEF_E_STORE;
	if (rc != MEF_OK)
		return MEF_E_STORE;
	a->ca_pem = (const char *)sqlite3_column_text(stmt, 2);
	a->ca_pem_len = (size_t)sqlite3_column_bytes(stmt, 2);
	a->crl_pem = (const char *)sqlite3_column_text(stmt, 3);
	if (a->crl_pem != NULL)
		a->crl_pem_len = (size_t)sqlite3_column_bytes(stmt, 3);
	a->created = sqlite3_column_int64(stmt, 4);
	return a->ca_pem != NULL ? MEF_OK : MEF_E_STORE;
}
