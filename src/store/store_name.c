/*
 * store_name.c -- the text form of the enums the store keeps as text.
 *
 * Target kinds, Enrolee bindings and anchor identities are stored, printed and
 * parsed by name ("maf", "fingerprint", "san"): one table each, and one lookup
 * both ways, so a database row, mefctl's output and the code agree.
 */
#include <string.h>

#include "store/store.h"

/* A name for each value of an enum stored as text; see name_of(). */
struct name_row {
	int		 value;
	const char	*name;
};

static const struct name_row kinds[] = {
	{ MEF_TARGET_CSE, "cse" },
	{ MEF_TARGET_AE, "ae" },
	{ MEF_TARGET_MAF, "maf" },
};

static const struct name_row bindings[] = {
	{ STORE_BIND_KPM, "kpm" },
	{ STORE_BIND_FINGERPRINT, "fingerprint" },
	{ STORE_BIND_ANCHOR, "anchor" },
};

static const struct name_row identities[] = {
	{ STORE_IDENTITY_CN, "cn" },
	{ STORE_IDENTITY_SAN, "san" },
};

#define NROWS(t)	(sizeof(t) / sizeof((t)[0]))

static const char	*name_of(const struct name_row *rows, size_t nrows,
			    int value);
static enum mef_err	name_parse(const struct name_row *rows, size_t nrows,
			    const char *name, int *pvalue);

/* see store.h */
const char *
store_kind_name(enum mef_target_kind kind)
{
	const char	*name = name_of(kinds, NROWS(kinds), (int)kind);

	return name != NULL ? name : "unknown";
}

/* see store.h */
enum mef_err
store_kind_parse(const char *name, enum mef_target_kind *pkind)
{
	enum mef_err	rc;
	int		v;

	if (pkind == NULL)
		return MEF_E_INVAL;
	rc = name_parse(kinds, NROWS(kinds), name, &v);
	if (rc == MEF_OK)
		*pkind = (enum mef_target_kind)v;
	return rc;
}

/* see store.h */
const char *
store_binding_name(enum store_binding binding)
{
	return name_of(bindings, NROWS(bindings), (int)binding);
}

/* see store.h */
enum mef_err
store_binding_parse(const char *name, enum store_binding *pbinding)
{
	enum mef_err	rc;
	int		v;

	if (pbinding == NULL)
		return MEF_E_INVAL;
	rc = name_parse(bindings, NROWS(bindings), name, &v);
	if (rc == MEF_OK)
		*pbinding = (enum store_binding)v;
	return rc;
}

/* see store.h */
const char *
store_identity_name(enum store_identity identity)
{
	return name_of(identities, NROWS(identities), (int)identity);
}

/* see store.h */
enum mef_err
store_identity_parse(const char *name, enum store_identity *pidentity)
{
	enum mef_err	rc;
	int		v;

	if (pidentity == NULL)
		return MEF_E_INVAL;
	rc = name_parse(identities, NROWS(identities), name, &v);
	if (rc == MEF_OK)
		*pidentity = (enum store_identity)v;
	return rc;
}

/* The name of value in rows, or NULL. */
static const char *
name_of(const struct name_row *rows, size_t nrows, int value)
{
	size_t	i;

	for (i = 0; i < nrows; i++)
		if (rows[i].value == value)
			return rows[i].name;
	return NULL;
}

static enum mef_err
name_parse(const struct name_row *rows, size_t nrows, const char *name,
    int *pvalue)
{
	size_t	i;

	if (name == NULL)
		return MEF_E_INVAL;
	for (i = 0; i < nrows; i++) {
		if (strcmp(rows[i].name, name) == 0) {
			*pvalue = rows[i].value;
			return MEF_OK;
		}
	}
	return MEF_E_INVAL;
}
