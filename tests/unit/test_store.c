/*
 * test_store.c -- the credential store on a temporary SQLite file.
 *
 * Each test opens a fresh database through store_open(), so the schema
 * migration from empty runs every time. The checks that matter most for
 * security look under the interface: the file itself is opened with sqlite3 and
 * read raw, and no key byte may appear in clear anywhere in it.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "util/clock.h"

#define NOW		now_s
#define KEYID(n)	"0000000000000000000000000000000" n "@mef.example.com"

/* The store prunes by the wall clock, so the tests live in the present. */
static int64_t	now_s;

struct fixture {
	char			 dir[64];
	char			 path[128];
	char			 url[160];
	struct wrap_kek		*kek;
	struct store		*st;
};

static const unsigned char kek_bytes[WRAP_KEK_LEN] = {
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
};

/* Distinctive key bytes: a clear copy in the file cannot be a coincidence. */
static struct mef_secret *
key_of(unsigned char fill, size_t len)
{
	struct mef_secret	*s = NULL;
	unsigned char		 b[64];
	size_t			 i;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)(fill ^ (i * 37));
	assert_int_equal(mef_secret_new(b, len, &s), MEF_OK);
	return s;
}

static int
setup(void **state)
{
	struct fixture	*f;

	now_s = clock_wall_s();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/mef.db", f->dir);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	assert_int_equal(wrap_kek_from_bytes(kek_bytes, sizeof(kek_bytes),
	    &f->kek), MEF_OK);
	assert_int_equal(store_open(f->url, f->kek, &f->st), MEF_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 p[200];

	store_close(&f->st);
	wrap_kek_free(&f->kek);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
add_psk_target(struct store *st, const char *id, enum mef_target_kind kind,
    const char *psk_id, unsigned char fill)
{
	struct store_target	 t;
	struct mef_secret	*psk = key_of(fill, 32);

	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.psk_id, sizeof(t.psk_id), "%s", psk_id);
	t.kind = kind;
	assert_int_equal(store_target_add(st, &t, psk), MEF_OK);
	mef_secret_free(&psk);
}

static enum mef_err
add_enrolee(struct store *st, const char *kpm_id, const char *enrolee_id,
    const char *t1, const char *t2, const unsigned long *suids, size_t nsuids)
{
	struct store_enrolee	*e;
	struct mef_secret	*kpm = key_of(0x5c, 16);
	enum mef_err		 rc;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	snprintf(e->kpm_id, sizeof(e->kpm_id), "%s", kpm_id);
	snprintf(e->enrolee_id, sizeof(e->enrolee_id), "%s", enrolee_id);
	e->lifetime_s = 3600;
	e->created = NOW;
	if (t1 != NULL)
		snprintf(e->targets[e->ntargets++], MEF_ID_MAX + 1, "%s", t1);
	if (t2 != NULL)
		snprintf(e->targets[e->ntargets++], MEF_ID_MAX + 1, "%s", t2);
	rc = store_enrolee_add(st, e, kpm, suids, nsuids);
	mef_secret_free(&kpm);
	free(e);
	return rc;
}

static enum mef_err
put_key(struct store *st, const char *keyid, const char *kpm_id,
    unsigned char fill, int64_t created, int64_t expires, unsigned keep)
{
	struct store_new_key	 k;
	struct mef_secret	*ke = key_of(fill, 32);
	enum mef_err		 rc;

	memset(&k, 0, sizeof(k));
	k.keyid = keyid;
	k.kpm_id = kpm_id;
	k.ke = ke;
	k.created = created;
	k.expires = expires;
	rc = store_key_put_batch(st, &k, 1, keep);
	mef_secret_free(&ke);
	return rc;
}

static enum mef_err
count_cb(void *arg, const void *item)
{
	(void)item;
	(*(size_t *)arg)++;
	return MEF_OK;
}

static enum mef_err
count_enrolee(void *arg, const struct store_enrolee *e)
{
	return count_cb(arg, e);
}

static enum mef_err
count_target(void *arg, const struct store_target *t)
{
	return count_cb(arg, t);
}

struct keys_seen {
	size_t	n;
	char	ids[16][MEF_KEYID_MAX];
};

static enum mef_err
collect_key(void *arg, const struct store_key *k)
{
	struct keys_seen	*ks = arg;

	if (ks->n < 16)
		snprintf(ks->ids[ks->n], MEF_KEYID_MAX, "%s", k->keyid);
	ks->n++;
	return MEF_OK;
}

static const char	*const ca_pem = "-----BEGIN CERTIFICATE-----\n"
			    "MIIB\n-----END CERTIFICATE-----\n";
static const char	*const crl_pem = "-----BEGIN X509 CRL-----\n"
			    "MIIB\n-----END X509 CRL-----\n";

static enum mef_err
add_anchor(struct store *st, const char *name, enum store_identity identity,
    const char *crl)
{
	struct store_anchor	a;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.identity = identity;
	a.ca_pem = ca_pem;
	a.ca_pem_len = strlen(ca_pem);
	a.crl_pem = crl;
	a.crl_pem_len = crl != NULL ? strlen(crl) : 0;
	return store_anchor_add(st, &a);
}

/* A certificate Enrolee: fp non-NULL pins it, otherwise anchor/ident. */
static enum mef_err
add_cert_enrolee(struct store *st, const char *kpm_id, const unsigned char *fp,
    const char *anchor, const char *ident, const struct mef_secret *kpm)
{
	struct store_enrolee	*e;
	enum mef_err		 rc;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	snprintf(e->kpm_id, sizeof(e->kpm_id), "%s", kpm_id);
	snprintf(e->enrolee_id, sizeof(e->enrolee_id), "C-%s", kpm_id);
	e->lifetime_s = 600;
	e->created = NOW;
	snprintf(e->targets[e->ntargets++], MEF_ID_MAX + 1, "IN-CSE");
	if (fp != NULL) {
		e->binding = STORE_BIND_FINGERPRINT;
		memcpy(e->fingerprint, fp, DIGEST_SHA256_LEN);
	} else {
		e->binding = STORE_BIND_ANCHOR;
		snprintf(e->anchor, sizeof(e->anchor), "%s", anchor);
		snprintf(e->cert_identity, sizeof(e->cert_identity), "%s",
		    ident);
	}
	rc = store_enrolee_add(st, e, kpm, NULL, 0);
	free(e);
	return rc;
}

struct anchors_seen {
	size_t	n;
	char	names[4][MEF_ID_MAX + 1];
	int	has_crl[4];
	int	identity[4];
	int	ca_ok[4];
};

static enum mef_err
collect_anchor(void *arg, const struct store_anchor *a)
{
	struct anchors_seen	*as = arg;

	if (as->n < 4) {
		snprintf(as->names[as->n], MEF_ID_MAX + 1, "%s", a->name);
		as->has_crl[as->n] = a->crl_pem != NULL;
		as->identity[as->n] = (int)a->identity;
		as->ca_ok[as->n] = a->ca_pem_len == strlen(ca_pem) &&
		    memcmp(a->ca_pem, ca_pem, a->ca_pem_len) == 0 &&
		    a->created > 0;
	}
	as->n++;
	return MEF_OK;
}

static enum mef_err
check_binding(void *arg, const struct store_enrolee *e)
{
	size_t	*n = arg;

	if (strcmp(e->kpm_id, "fp-1") == 0 &&
	    e->binding == STORE_BIND_FINGERPRINT && e->fingerprint[0] == 0xa1)
		(*n)++;
	if (strcmp(e->kpm_id, "dca/dev-9") == 0 &&
	    e->binding == STORE_BIND_ANCHOR &&
	    strcmp(e->anchor, "dca") == 0 &&
	    strcmp(e->cert_identity, "dev-9.example.com") == 0)
		(*n)++;
	return MEF_OK;
}

static enum mef_err
stop_cb(void *arg, const struct store_target *t)
{
	(void)arg;
	(void)t;
	return MEF_E_DENIED;
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3	*db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static int64_t
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt = NULL;
	int64_t		 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* 1 when the len bytes of needle appear anywhere in the file at path. */
static int
file_contains(const char *path, const unsigned char *needle, size_t len)
{
	unsigned char	*buf;
	struct stat	 sb;
	int		 fd, found;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	assert_int_equal(fstat(fd, &sb), 0);
	buf = malloc((size_t)sb.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)sb.st_size), sb.st_size);
	close(fd);
	found = memmem(buf, (size_t)sb.st_size, needle, len) != NULL;
	free(buf);
	return found;
}

static void
test_migrate_from_empty(void **state)
{
	struct fixture	*f = *state;
	struct store	*again = NULL;
	sqlite3		*db;
	sqlite3_stmt	*stmt = NULL;

	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('enrolee', 'target', "
	    "'enrolee_target', 'enrolment_key', 'anchor')"), 5);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'enrolee_v2'"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'index' AND name = 'enrolment_key_by_enrolee'"), 1);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	/* Opening a current database again changes nothing. */
	assert_int_equal(store_open(f->url, f->kek, &again), MEF_OK);
	store_close(&again);
	assert_null(again);
	store_close(&again);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 3);
	/* A newer schema than this program knows is refused. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(store_open(f->url, f->kek, &again), MEF_E_STORE);
	assert_null(again);
	sqlite3_close(db);
}

static void
test_open_errors(void **state)
{
	struct fixture	*f = *state;
	struct store	*st = NULL;
	char		 url[200];

	assert_int_equal(store_open("postgres://x", f->kek, &st), MEF_E_CONFIG);
	assert_int_equal(store_open("nocolon", f->kek, &st), MEF_E_CONFIG);
	assert_int_equal(store_open("sqlite:", f->kek, &st), MEF_E_CONFIG);
	assert_int_equal(store_open(f->url, NULL, &st), MEF_E_INVAL);
	snprintf(url, sizeof(url), "sqlite:%s/no/such/dir/x.db", f->dir);
	assert_int_equal(store_open(url, f->kek, &st), MEF_E_STORE);
	assert_null(st);
}

static void
test_targets(void **state)
{
	struct fixture		*f = *state;
	struct store_target	 t, got;
	struct mef_secret	*psk = key_of(0x77, 32), *out = NULL;
	size_t			 n = 0;

	add_psk_target(f->st, "/in-cse-1", MEF_TARGET_CSE, "cse-psk", 0x77);
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "maf-1");
	snprintf(t.fqdn, sizeof(t.fqdn), "maf.example.com");
	t.kind = MEF_TARGET_MAF;
	t.has_fingerprint = 1;
	memset(t.fingerprint, 0xfe, sizeof(t.fingerprint));
	assert_int_equal(store_target_add(f->st, &t, NULL), MEF_OK);

	/* The ID, the PSK identity and the fingerprint each name one Target. */
	assert_int_equal(store_target_add(f->st, &t, NULL), MEF_E_EXISTS);
	snprintf(t.id, sizeof(t.id), "maf-2");
	assert_int_equal(store_target_add(f->st, &t, NULL), MEF_E_EXISTS);
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "other");
	snprintf(t.psk_id, sizeof(t.psk_id), "cse-psk");
	assert_int_equal(store_target_add(f->st, &t, psk), MEF_E_EXISTS);

	/* Neither credential, a PSK without identity, a bad FQDN. */
	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "bad");
	assert_int_equal(store_target_add(f->st, &t, NULL), MEF_E_INVAL);
	assert_int_equal(store_target_add(f->st, &t, psk), MEF_E_INVAL);
	snprintf(t.psk_id, sizeof(t.psk_id), "p");
	assert_int_equal(store_target_add(f->st, &t, NULL), MEF_E_INVAL);
	snprintf(t.fqdn, sizeof(t.fqdn), "not a name");
	assert_int_equal(store_target_add(f->st, &t, psk), MEF_E_INVAL);
	t.fqdn[0] = '\0';
	t.kind = (enum mef_target_kind)7;
	assert_int_equal(store_target_add(f->st, &t, psk), MEF_E_INVAL);

	assert_int_equal(store_target_get(f->st, "/in-cse-1", &got), MEF_OK);
	assert_string_equal(got.psk_id, "cse-psk");
	assert_int_equal(got.kind, MEF_TARGET_CSE);
	assert_int_equal(got.has_fingerprint, 0);
	assert_int_equal(store_target_by_psk_id(f->st, "cse-psk", &got, &out),
	    MEF_OK);
	assert_string_equal(got.id, "/in-cse-1");
	assert_true(mef_secret_equal(out, psk));
	mef_secret_free(&out);
	memset(t.fingerprint, 0xfe, sizeof(t.fingerprint));
	assert_int_equal(store_target_by_fingerprint(f->st, t.fingerprint,
	    &got), MEF_OK);
	assert_string_equal(got.id, "maf-1");
	assert_string_equal(got.fqdn, "maf.example.com");
	assert_int_equal(got.kind, MEF_TARGET_MAF);
	assert_int_equal(got.has_fingerprint, 1);
	t.fingerprint[0] = 0;
	assert_int_equal(store_target_by_fingerprint(f->st, t.fingerprint,
	    &got), MEF_E_NOTFOUND);
	assert_int_equal(store_target_by_psk_id(f->st, "nope", &got, &out),
	    MEF_E_NOTFOUND);
	assert_null(out);

	assert_int_equal(store_target_list(f->st, count_target, &n), MEF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_target_list(f->st, stop_cb, NULL),
	    MEF_E_DENIED);
	assert_int_equal(store_target_remove(f->st, "maf-1"), MEF_OK);
	assert_int_equal(store_target_remove(f->st, "maf-1"), MEF_E_NOTFOUND);
	assert_int_equal(store_target_get(f->st, "maf-1", &got),
	    MEF_E_NOTFOUND);
	mef_secret_free(&psk);
}

static void
test_enrolees(void **state)
{
	struct fixture		*f = *state;
	struct store_enrolee	*e;
	struct mef_secret	*kpm = NULL, *want = key_of(0x5c, 16);
	size_t			 n = 0;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 1);
	add_psk_target(f->st, "maf-1", MEF_TARGET_MAF, "p2", 2);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-dev-1", "IN-CSE",
	    "maf-1", NULL, 0), MEF_OK);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-x", "IN-CSE", NULL,
	    NULL, 0), MEF_E_EXISTS);
	/* An unknown Target, or one named twice, writes nothing. */
	assert_int_equal(add_enrolee(f->st, "dev-2", "C-dev-2", "IN-CSE",
	    "nope", NULL, 0), MEF_E_NOTFOUND);
	assert_int_equal(store_enrolee_get(f->st, "dev-2", e, NULL),
	    MEF_E_NOTFOUND);
	assert_int_equal(add_enrolee(f->st, "dev-2", "C-dev-2", "IN-CSE",
	    "IN-CSE", NULL, 0), MEF_E_INVAL);
	assert_int_equal(store_enrolee_get(f->st, "dev-2", e, NULL),
	    MEF_E_NOTFOUND);

	assert_int_equal(store_enrolee_get(f->st, "dev-1", e, &kpm), MEF_OK);
	assert_string_equal(e->enrolee_id, "C-dev-1");
	assert_int_equal(e->lifetime_s, 3600);
	assert_int_equal(e->created, NOW);
	assert_int_equal(e->is_revoked, 0);
	assert_int_equal(e->ntargets, 2);
	assert_string_equal(e->targets[0], "IN-CSE");
	assert_string_equal(e->targets[1], "maf-1");
	assert_true(mef_secret_equal(kpm, want));
	mef_secret_free(&kpm);

	assert_int_equal(add_enrolee(f->st, "dev-3", "C-dev-3", "maf-1", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(store_enrolee_list(f->st, count_enrolee, &n), MEF_OK);
	assert_int_equal(n, 2);

	assert_int_equal(store_enrolee_revoke(f->st, "dev-1", NOW + 5), MEF_OK);
	assert_int_equal(store_enrolee_revoke(f->st, "dev-1", NOW + 9), MEF_OK);
	assert_int_equal(store_enrolee_get(f->st, "dev-1", e, NULL), MEF_OK);
	assert_int_equal(e->is_revoked, 1);
	assert_int_equal(e->revoked_at, NOW + 5);
	assert_int_equal(store_enrolee_revoke(f->st, "nope", NOW),
	    MEF_E_NOTFOUND);

	/* Removing a Target unlinks it from its Enrolees. */
	assert_int_equal(store_target_remove(f->st, "maf-1"), MEF_OK);
	assert_int_equal(store_enrolee_get(f->st, "dev-1", e, NULL), MEF_OK);
	assert_int_equal(e->ntargets, 1);

	assert_int_equal(store_enrolee_remove(f->st, "dev-1"), MEF_OK);
	assert_int_equal(store_enrolee_remove(f->st, "dev-1"), MEF_E_NOTFOUND);
	assert_int_equal(store_enrolee_get(f->st, "dev-1", e, NULL),
	    MEF_E_NOTFOUND);
	assert_int_equal(store_enrolee_get(f->st, "\x01", e, NULL),
	    MEF_E_INVAL);
	mef_secret_free(&want);
	free(e);
}

static void
test_nfkc(void **state)
{
	struct fixture		*f = *state;
	struct store_enrolee	*e;
	struct store_target	 t;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	/* Fullwidth "ＩＮ－ＣＳＥ" is stored and found as "IN-CSE". */
	add_psk_target(f->st, "\xef\xbc\xa9\xef\xbc\xae\xef\xbc\x8d\xef\xbc\xa3"
	    "\xef\xbc\xb3\xef\xbc\xa5", MEF_TARGET_CSE, "p1", 1);
	assert_int_equal(store_target_get(f->st, "IN-CSE", &t), MEF_OK);
	assert_string_equal(t.id, "IN-CSE");
	assert_int_equal(add_enrolee(f->st,
	    "\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96", "C-1", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(store_enrolee_get(f->st, "dev", e, NULL), MEF_OK);
	assert_string_equal(e->kpm_id, "dev");
	/* Not UTF-8. */
	assert_int_equal(store_target_get(f->st, "\xff\xfe", &t), MEF_E_INVAL);
	free(e);
}

static void
test_key_batch_prune(void **state)
{
	struct fixture		*f = *state;
	struct store_new_key	 keys[8];
	struct mef_secret	*ke = key_of(0x31, 32);
	struct keys_seen	 ks;
	char			 ids[8][MEF_KEYID_MAX];
	int			 stored[8];
	size_t			 i;

	memset(keys, 0, sizeof(keys));
	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 1);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-1", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(add_enrolee(f->st, "dev-2", "C-2", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("F"), "dev-2", 9, NOW, NOW +
	    1000000000, 4), MEF_OK);
	/* Six Ke of dev-1 and one of an Enrolee that does not exist. */
	for (i = 0; i < 7; i++) {
		snprintf(ids[i], sizeof(ids[i]), KEYID("%zu"), i);
		keys[i].keyid = ids[i];
		keys[i].kpm_id = i == 6 ? "gone" : "dev-1";
		keys[i].ke = ke;
		keys[i].created = NOW + (int64_t)i;
		keys[i].expires = NOW + 1000000000;
		stored[i] = -1;
		keys[i].pstored = &stored[i];
	}
	assert_int_equal(store_key_put_batch(f->st, keys, 7, 4), MEF_OK);
	/* Each row says whether it was stored: not the one of a gone Enrolee. */
	for (i = 0; i < 7; i++)
		assert_int_equal(stored[i], i == 6 ? 0 : 1);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(f->st, "dev-1", collect_key, &ks),
	    MEF_OK);
	assert_int_equal(ks.n, 4);
	for (i = 0; i < 4; i++)		/* the newest four, newest first */
		assert_string_equal(ks.ids[i], ids[5 - i]);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(f->st, NULL, collect_key, &ks), MEF_OK);
	assert_int_equal(ks.n, 5);		/* dev-2's key untouched */

	/* A duplicate KeId fails the whole batch and writes nothing. */
	keys[0].keyid = KEYID("9");
	keys[1].keyid = KEYID("5");
	keys[0].kpm_id = keys[1].kpm_id = "dev-1";
	assert_int_equal(store_key_put_batch(f->st, keys, 2, 4), MEF_E_EXISTS);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(f->st, NULL, collect_key, &ks), MEF_OK);
	assert_int_equal(ks.n, 5);

	/* Expired Ke of an Enrolee go at its next bootstrap. */
	assert_int_equal(put_key(f->st, KEYID("A"), "dev-2", 9, NOW, NOW - 1,
	    4), MEF_OK);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(f->st, "dev-2", collect_key, &ks),
	    MEF_OK);
	assert_int_equal(ks.n, 1);
	assert_string_equal(ks.ids[0], KEYID("F"));

	assert_int_equal(store_key_put_batch(f->st, keys, 0, 4), MEF_OK);
	assert_int_equal(store_key_put_batch(f->st, keys, 1, 0), MEF_E_INVAL);
	/* Removing an Enrolee removes its Ke. */
	assert_int_equal(store_enrolee_remove(f->st, "dev-1"), MEF_OK);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(f->st, NULL, collect_key, &ks), MEF_OK);
	assert_int_equal(ks.n, 1);
	mef_secret_free(&ke);
}

static void
test_fetch_lookup(void **state)
{
	static const unsigned long suids[] = { 22, 41 };
	struct fixture		*f = *state;
	struct store_fetch	 pf;
	struct mef_secret	*want = key_of(0x42, 32);

	add_psk_target(f->st, "/in-cse-1", MEF_TARGET_CSE, "p1", 1);
	add_psk_target(f->st, "maf-1", MEF_TARGET_MAF, "p2", 2);
	add_psk_target(f->st, "other", MEF_TARGET_AE, "p3", 3);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-dev-1", "/in-cse-1",
	    "maf-1", NULL, 0), MEF_OK);
	assert_int_equal(add_enrolee(f->st, "dev-2", "C-dev-2", "/in-cse-1",
	    NULL, suids, 2), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("1"), "dev-1", 0x42, NOW,
	    NOW + 100, 4), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("2"), "dev-2", 0x43, NOW,
	    NOW + 100, 4), MEF_OK);

	memset(&pf, 0, sizeof(pf));
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "/in-cse-1",
	    NOW, &pf), MEF_OK);
	assert_true(mef_secret_equal(pf.ke, want));
	assert_string_equal(pf.enrolee_id, "C-dev-1");
	assert_int_equal(pf.expires, NOW + 100);
	assert_int_equal(pf.is_allowed, 1);
	assert_int_equal(pf.nsuids, 1);
	assert_int_equal(pf.suids[0], 22);
	assert_string_equal(pf.target.id, "/in-cse-1");
	assert_string_equal(pf.target.psk_id, "p1");
	store_fetch_clear(&pf);
	assert_null(pf.ke);

	/* The KeId's hex and FQDN compare without regard to case. */
	assert_int_equal(store_fetch_lookup(f->st,
	    "0000000000000000000000000000000" "1@MEF.example.COM", "maf-1",
	    NOW, &pf), MEF_OK);
	assert_int_equal(pf.is_allowed, 1);
	assert_int_equal(pf.suids[0], 21);
	assert_int_equal(pf.target.kind, MEF_TARGET_MAF);
	store_fetch_clear(&pf);

	assert_int_equal(store_fetch_lookup(f->st, KEYID("2"), "/in-cse-1",
	    NOW, &pf), MEF_OK);
	assert_int_equal(pf.nsuids, 2);
	assert_int_equal(pf.suids[0], 22);
	assert_int_equal(pf.suids[1], 41);
	store_fetch_clear(&pf);

	/* Registered but not linked; not registered at all. */
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "other", NOW,
	    &pf), MEF_OK);
	assert_int_equal(pf.is_allowed, 0);
	assert_string_equal(pf.target.id, "other");
	store_fetch_clear(&pf);
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "stranger",
	    NOW, &pf), MEF_OK);
	assert_int_equal(pf.is_allowed, 0);
	assert_string_equal(pf.target.id, "");
	store_fetch_clear(&pf);

	/* Unknown, expired, revoked. */
	assert_int_equal(store_fetch_lookup(f->st, KEYID("7"), "/in-cse-1",
	    NOW, &pf), MEF_E_NOTFOUND);
	assert_null(pf.ke);
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "/in-cse-1",
	    NOW + 100, &pf), MEF_E_NOTFOUND);
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "/in-cse-1",
	    NOW + 99, &pf), MEF_OK);
	store_fetch_clear(&pf);
	assert_int_equal(store_enrolee_revoke(f->st, "dev-1", NOW), MEF_OK);
	assert_int_equal(store_fetch_lookup(f->st, KEYID("1"), "/in-cse-1",
	    NOW, &pf), MEF_E_NOTFOUND);
	assert_int_equal(store_fetch_lookup(f->st, KEYID("2"), "/in-cse-1",
	    NOW, &pf), MEF_OK);
	store_fetch_clear(&pf);
	assert_int_equal(store_fetch_lookup(f->st, "", "/in-cse-1", NOW, &pf),
	    MEF_E_INVAL);
	mef_secret_free(&want);
}

static void
test_wrapped_columns(void **state)
{
	struct fixture		*f = *state;
	struct mef_secret	*kpm = key_of(0x5c, 16);
	struct mef_secret	*psk = key_of(0x77, 32);
	struct mef_secret	*ke = key_of(0x42, 32);
	char			 p[200];
	sqlite3			*db;

	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 0x77);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-1", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("1"), "dev-1", 0x42, NOW,
	    NOW + 100, 4), MEF_OK);

	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT length(kpm) FROM enrolee"),
	    WRAP_OVERHEAD + 16);
	assert_int_equal(raw_int(db, "SELECT length(psk) FROM target"),
	    WRAP_OVERHEAD + 32);
	assert_int_equal(raw_int(db, "SELECT length(ke) FROM enrolment_key"),
	    WRAP_OVERHEAD + 32);
	sqlite3_close(db);

	/* Nowhere in the database or its WAL: not the keys, nor a prefix. */
	snprintf(p, sizeof(p), "%s-wal", f->path);
	assert_false(file_contains(f->path, mef_secret_bytes(kpm), 8));
	assert_false(file_contains(f->path, mef_secret_bytes(psk), 8));
	assert_false(file_contains(f->path, mef_secret_bytes(ke), 8));
	assert_false(file_contains(p, mef_secret_bytes(kpm), 8));
	assert_false(file_contains(p, mef_secret_bytes(psk), 8));
	assert_false(file_contains(p, mef_secret_bytes(ke), 8));
	/* The check can see a key: the identifiers are there in clear. */
	assert_true(file_contains(p, (const unsigned char *)"dev-1", 5) ||
	    file_contains(f->path, (const unsigned char *)"dev-1", 5));
	mef_secret_free(&kpm);
	mef_secret_free(&psk);
	mef_secret_free(&ke);
}

static void
test_wrong_kek_and_moved_blob(void **state)
{
	struct fixture		*f = *state;
	struct wrap_kek		*other = NULL;
	struct store		*st = NULL;
	struct store_enrolee	*e;
	struct store_fetch	 pf;
	struct store_target	 t;
	struct mef_secret	*out = NULL;
	unsigned char		 k2[WRAP_KEK_LEN];
	sqlite3			*db;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 1);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-1", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(add_enrolee(f->st, "dev-2", "C-2", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("1"), "dev-1", 0x42, NOW,
	    NOW + 100, 4), MEF_OK);

	memcpy(k2, kek_bytes, sizeof(k2));
	k2[0] ^= 1;
	assert_int_equal(wrap_kek_from_bytes(k2, sizeof(k2), &other), MEF_OK);
	assert_int_equal(store_open(f->url, other, &st), MEF_OK);
	assert_int_equal(store_enrolee_get(st, "dev-1", e, &out), MEF_E_CRYPTO);
	assert_null(out);
	/* Without asking for the key, the row is readable. */
	assert_int_equal(store_enrolee_get(st, "dev-1", e, NULL), MEF_OK);
	assert_int_equal(store_target_by_psk_id(st, "p1", &t, &out),
	    MEF_E_CRYPTO);
	assert_int_equal(store_fetch_lookup(st, KEYID("1"), "IN-CSE", NOW,
	    &pf), MEF_E_CRYPTO);
	store_close(&st);
	wrap_kek_free(&other);

	/* dev-1's wrapped Kpm copied into dev-2's row does not unwrap there. */
	db = raw_open(f->path);
	assert_int_equal(sqlite3_exec(db, "UPDATE enrolee SET kpm = "
	    "(SELECT kpm FROM enrolee WHERE kpm_id = 'dev-1') "
	    "WHERE kpm_id = 'dev-2'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_enrolee_get(f->st, "dev-2", e, &out),
	    MEF_E_CRYPTO);
	assert_int_equal(store_enrolee_get(f->st, "dev-1", e, &out), MEF_OK);
	mef_secret_free(&out);
	free(e);
}

static void
test_two_handles(void **state)
{
	struct fixture		*f = *state;
	struct store		*st2 = NULL;
	struct store_target	 t;

	/* mefctl and mefd each hold a handle on the same file. */
	assert_int_equal(store_open(f->url, f->kek, &st2), MEF_OK);
	add_psk_target(f->st, "a", MEF_TARGET_CSE, "pa", 1);
	add_psk_target(st2, "b", MEF_TARGET_CSE, "pb", 2);
	assert_int_equal(store_target_get(st2, "a", &t), MEF_OK);
	assert_int_equal(store_target_get(f->st, "b", &t), MEF_OK);
	store_close(&st2);
}

/* The generation a fetch cache watches: who raises it, and who does not. */
static void
test_generation(void **state)
{
	struct fixture	*f = *state;
	struct store	*st2 = NULL;
	uint64_t	 g0, g1, g2;

	/* st2 plays mefd's worker; f->st plays mefctl in another process. */
	assert_int_equal(store_open(f->url, f->kek, &st2), MEF_OK);
	add_psk_target(f->st, "/in-cse-1", MEF_TARGET_CSE, "p1", 1);
	add_psk_target(f->st, "/in-cse-2", MEF_TARGET_CSE, "p2", 2);
	assert_int_equal(add_enrolee(f->st, "dev-1", "C-1", "/in-cse-1",
	    "/in-cse-2", NULL, 0), MEF_OK);
	assert_int_equal(store_generation(st2, &g0), MEF_OK);
	assert_int_equal(store_generation(st2, &g1), MEF_OK);
	assert_int_equal(g0, g1);

	/* New rows withdraw nothing: a bootstrap's Ke, a new Enrolee. */
	assert_int_equal(put_key(f->st, KEYID("1"), "dev-1", 1, NOW,
	    NOW + 100, 4), MEF_OK);
	assert_int_equal(put_key(f->st, KEYID("2"), "dev-1", 2, NOW + 1,
	    NOW + 100, 4), MEF_OK);
	assert_int_equal(store_generation(st2, &g1), MEF_OK);
	assert_int_equal(g1, g0);

	/* Pruning (keep 1 of 3) deletes Ke rows: raised. */
	assert_int_equal(put_key(f->st, KEYID("3"), "dev-1", 3, NOW + 2,
	    NOW + 100, 1), MEF_OK);
	assert_int_equal(store_generation(st2, &g1), MEF_OK);
	assert_true(g1 > g0);
	/* A Target removed: raised (its links go too). */
	assert_int_equal(store_target_remove(f->st, "/in-cse-2"), MEF_OK);
	assert_int_equal(store_generation(st2, &g2), MEF_OK);
	assert_true(g2 > g1);
	/* A revocation: raised. */
	assert_int_equal(store_enrolee_revoke(f->st, "dev-1", NOW), MEF_OK);
	assert_int_equal(store_generation(st2, &g1), MEF_OK);
	assert_true(g1 > g2);
	/* A change through the watching handle itself is seen too. */
	assert_int_equal(store_enrolee_remove(st2, "dev-1"), MEF_OK);
	assert_int_equal(store_generation(st2, &g2), MEF_OK);
	assert_true(g2 > g1);
	assert_int_equal(store_generation(f->st, &g0), MEF_OK);
	assert_int_equal(g0, g2);
	store_close(&st2);
}

static void
test_anchors(void **state)
{
	struct fixture		*f = *state;
	struct anchors_seen	 as;
	struct store_anchor	 a;

	memset(&as, 0, sizeof(as));
	assert_int_equal(add_anchor(f->st, "dca", STORE_IDENTITY_CN, NULL),
	    MEF_OK);
	assert_int_equal(add_anchor(f->st, "b-ca", STORE_IDENTITY_SAN,
	    crl_pem), MEF_OK);
	assert_int_equal(add_anchor(f->st, "dca", STORE_IDENTITY_SAN, NULL),
	    MEF_E_EXISTS);
	assert_int_equal(add_anchor(f->st, "x", (enum store_identity)7, NULL),
	    MEF_E_INVAL);
	/* Fullwidth "ｄｃａ" is the same name. */
	assert_int_equal(add_anchor(f->st, "\xef\xbd\x84\xef\xbd\x83"
	    "\xef\xbd\x81", STORE_IDENTITY_CN, NULL), MEF_E_EXISTS);
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "empty");
	a.ca_pem = "";
	assert_int_equal(store_anchor_add(f->st, &a), MEF_E_INVAL);
	a.ca_pem = "A\0B";
	a.ca_pem_len = 3;
	assert_int_equal(store_anchor_add(f->st, &a), MEF_E_INVAL);

	assert_int_equal(store_anchor_list(f->st, collect_anchor, &as), MEF_OK);
	assert_int_equal(as.n, 2);
	assert_string_equal(as.names[0], "b-ca");
	assert_true(as.has_crl[0]);
	assert_int_equal(as.identity[0], STORE_IDENTITY_SAN);
	assert_string_equal(as.names[1], "dca");
	assert_false(as.has_crl[1]);
	assert_int_equal(as.identity[1], STORE_IDENTITY_CN);
	assert_true(as.ca_ok[0] && as.ca_ok[1]);

	/* An anchor in use is not removed; once its Enrolees go, it is. */
	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 1);
	assert_int_equal(add_cert_enrolee(f->st, "dca/d", NULL, "dca", "d",
	    NULL), MEF_OK);
	assert_int_equal(store_anchor_remove(f->st, "dca"), MEF_E_EXISTS);
	assert_int_equal(store_enrolee_remove(f->st, "dca/d"), MEF_OK);
	assert_int_equal(store_anchor_remove(f->st, "dca"), MEF_OK);
	assert_int_equal(store_anchor_remove(f->st, "dca"), MEF_E_NOTFOUND);
	memset(&as, 0, sizeof(as));
	assert_int_equal(store_anchor_list(f->st, collect_anchor, &as), MEF_OK);
	assert_int_equal(as.n, 1);
	/* A removed anchor binds nothing. */
	assert_int_equal(add_cert_enrolee(f->st, "dca/d", NULL, "dca", "d",
	    NULL), MEF_E_NOTFOUND);
}

static void
test_cert_enrolees(void **state)
{
	struct fixture		*f = *state;
	struct store_enrolee	*e;
	struct mef_secret	*kpm = key_of(0x5c, 16), *out = NULL;
	unsigned char		 fp[DIGEST_SHA256_LEN], fp2[DIGEST_SHA256_LEN];
	size_t			 n = 0;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	memset(fp, 0xa1, sizeof(fp));
	memset(fp2, 0xb2, sizeof(fp2));
	add_psk_target(f->st, "IN-CSE", MEF_TARGET_CSE, "p1", 1);
	assert_int_equal(add_anchor(f->st, "dca", STORE_IDENTITY_CN, NULL),
	    MEF_OK);
	assert_int_equal(add_cert_enrolee(f->st, "fp-1", fp, NULL, NULL, NULL),
	    MEF_OK);
	/* Fullwidth "ｄｅｖ" in the identity is stored as "dev". */
	assert_int_equal(add_cert_enrolee(f->st, "dca/dev-9", NULL, "dca",
	    "\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96-9.example.com", NULL),
	    MEF_OK);

	/* Each certificate names one Enrolee; each handle too. */
	assert_int_equal(add_cert_enrolee(f->st, "fp-2", fp, NULL, NULL, NULL),
	    MEF_E_EXISTS);
	assert_int_equal(add_cert_enrolee(f->st, "other", NULL, "dca",
	    "dev-9.example.com", NULL), MEF_E_EXISTS);
	assert_int_equal(add_cert_enrolee(f->st, "fp-1", fp2, NULL, NULL,
	    NULL), MEF_E_EXISTS);
	assert_int_equal(add_cert_enrolee(f->st, "x", NULL, "nope", "d", NULL),
	    MEF_E_NOTFOUND);
	/* A binding takes no Kpm, and needs its own fields. */
	assert_int_equal(add_cert_enrolee(f->st, "x", fp2, NULL, NULL, kpm),
	    MEF_E_INVAL);
	assert_int_equal(add_cert_enrolee(f->st, "x", NULL, "dca", "d", kpm),
	    MEF_E_INVAL);
	assert_int_equal(add_cert_enrolee(f->st, "x", NULL, "dca", "", NULL),
	    MEF_E_INVAL);
	memset(fp2, 0, sizeof(fp2));
	assert_int_equal(add_cert_enrolee(f->st, "x", fp2, NULL, NULL, NULL),
	    MEF_E_INVAL);
	assert_int_equal(store_enrolee_get(f->st, "x", e, NULL),
	    MEF_E_NOTFOUND);

	assert_int_equal(store_enrolee_by_fingerprint(f->st, fp, e), MEF_OK);
	assert_string_equal(e->kpm_id, "fp-1");
	assert_string_equal(e->enrolee_id, "C-fp-1");
	assert_int_equal(e->binding, STORE_BIND_FINGERPRINT);
	assert_memory_equal(e->fingerprint, fp, sizeof(fp));
	assert_int_equal(e->ntargets, 1);
	assert_string_equal(e->targets[0], "IN-CSE");
	memset(fp2, 0xb2, sizeof(fp2));
	assert_int_equal(store_enrolee_by_fingerprint(f->st, fp2, e),
	    MEF_E_NOTFOUND);

	assert_int_equal(store_enrolee_by_anchor(f->st, "dca",
	    "dev-9.example.com", e), MEF_OK);
	assert_string_equal(e->kpm_id, "dca/dev-9");
	assert_int_equal(e->binding, STORE_BIND_ANCHOR);
	assert_string_equal(e->anchor, "dca");
	assert_string_equal(e->cert_identity, "dev-9.example.com");
	assert_int_equal(e->lifetime_s, 600);
	assert_int_equal(e->ntargets, 1);
	assert_int_equal(store_enrolee_by_anchor(f->st, "dca",
	    "\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96-9.example.com", e), MEF_OK);
	assert_int_equal(store_enrolee_by_anchor(f->st, "dca", "dev-8", e),
	    MEF_E_NOTFOUND);
	assert_int_equal(store_enrolee_by_anchor(f->st, "other",
	    "dev-9.example.com", e), MEF_E_NOTFOUND);
	assert_int_equal(store_enrolee_by_anchor(f->st, "dca", "\xff", e),
	    MEF_E_INVAL);

	/* get and list carry the binding; no Kpm for a PSK to select. */
	assert_int_equal(store_enrolee_get(f->st, "fp-1", e, NULL), MEF_OK);
	assert_int_equal(e->binding, STORE_BIND_FINGERPRINT);
	assert_int_equal(store_enrolee_get(f->st, "fp-1", e, &out),
	    MEF_E_NOTFOUND);
	assert_null(out);
	assert_int_equal(add_enrolee(f->st, "psk-1", "C-p", "IN-CSE", NULL,
	    NULL, 0), MEF_OK);
	assert_int_equal(store_enrolee_get(f->st, "psk-1", e, NULL), MEF_OK);
	assert_int_equal(e->binding, STORE_BIND_KPM);
	assert_string_equal(e->anchor, "");
	assert_int_equal(store_enrolee_list(f->st, check_binding, &n), MEF_OK);
	assert_int_equal(n, 2);

	/* Revoked: still found, flagged, for the caller to refuse. */
	assert_int_equal(store_enrolee_revoke(f->st, "fp-1", NOW), MEF_OK);
	assert_int_equal(store_enrolee_by_fingerprint(f->st, fp, e), MEF_OK);
	assert_int_equal(e->is_revoked, 1);
	assert_int_equal(store_enrolee_remove(f->st, "fp-1"), MEF_OK);
	assert_int_equal(store_enrolee_by_fingerprint(f->st, fp, e),
	    MEF_E_NOTFOUND);
	/* The fingerprint is free again. */
	assert_int_equal(add_cert_enrolee(f->st, "fp-1", fp, NULL, NULL, NULL),
	    MEF_OK);
	mef_secret_free(&kpm);
	free(e);
}

/* The version 1 schema, as released: a migration must carry its rows. */
static const char v1_ddl[] =
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
    "PRAGMA user_version = 1;";

/* Inserts one row with a wrapped key bound as ?2 (AAD aad), then ?3.. ints. */
static void
raw_insert_sealed(sqlite3 *db, struct wrap_kek *kek, const char *sql,
    const char *id, const char *aad, const struct mef_secret *key)
{
	sqlite3_stmt	*stmt = NULL;
	unsigned char	 blob[WRAP_BLOB_MAX];
	size_t		 len = 0;

	assert_int_equal(wrap_seal(kek, aad, key, blob, sizeof(blob), &len),
	    MEF_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, NOW);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
}

static void
test_migrate_v1(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = NULL;
	struct store_enrolee	*e;
	struct store_fetch	 fe;
	struct keys_seen	 ks;
	struct mef_secret	*kpm = key_of(0x5c, 16), *ke = key_of(0x33, 32);
	struct mef_secret	*psk = key_of(0x44, 32), *out = NULL;
	unsigned char		 fp[DIGEST_SHA256_LEN];
	char			 path[200], url[220];
	sqlite3			*db;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	snprintf(path, sizeof(path), "%s/v1.db", f->dir);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, v1_ddl, NULL, NULL, NULL),
	    SQLITE_OK);
	raw_insert_sealed(db, f->kek, "INSERT INTO target (target_id, kind, "
	    "psk_id, psk, created) VALUES (?1, 'cse', 'p1', ?2, ?3)",
	    "IN-CSE", "psk:IN-CSE", psk);
	raw_insert_sealed(db, f->kek, "INSERT INTO enrolee (kpm_id, kpm, "
	    "enrolee_id, lifetime_s, created, is_revoked) VALUES "
	    "(?1, ?2, 'C-old', 3600, ?3, 0)", "old-1", "kpm:old-1", kpm);
	raw_insert_sealed(db, f->kek, "INSERT INTO enrolee (kpm_id, kpm, "
	    "enrolee_id, lifetime_s, created, is_revoked, revoked_at) VALUES "
	    "(?1, ?2, 'C-gone', 60, ?3, 1, 7)", "old-2", "kpm:old-2", kpm);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO enrolee_target VALUES "
	    "('old-1', 'IN-CSE', '22')", NULL, NULL, NULL), SQLITE_OK);
	raw_insert_sealed(db, f->kek, "INSERT INTO enrolment_key (keyid, ke, "
	    "created, expires, kpm_id) VALUES (?1, ?2, ?3, ?3 + 3600, "
	    "'old-1')", KEYID("1"), "ke:" KEYID("1"), ke);
	sqlite3_close(db);

	assert_int_equal(store_open(url, f->kek, &st), MEF_OK);
	db = raw_open(path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM enrolee"), 2);
	/* The rebuild did not cascade to the children of enrolee. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM enrolee_target"),
	    1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM enrolment_key"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM enrolee WHERE "
	    "binding = 'kpm'"), 2);
	sqlite3_close(db);

	assert_int_equal(store_enrolee_get(st, "old-1", e, &out), MEF_OK);
	assert_true(mef_secret_equal(out, kpm));
	mef_secret_free(&out);
	assert_int_equal(e->binding, STORE_BIND_KPM);
	assert_string_equal(e->enrolee_id, "C-old");
	assert_int_equal(e->ntargets, 1);
	assert_int_equal(store_enrolee_get(st, "old-2", e, NULL), MEF_OK);
	assert_int_equal(e->is_revoked, 1);
	assert_int_equal(e->revoked_at, 7);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(st, "old-1", collect_key, &ks), MEF_OK);
	assert_int_equal(ks.n, 1);
	memset(&fe, 0, sizeof(fe));
	assert_int_equal(store_fetch_lookup(st, KEYID("1"), "IN-CSE", NOW,
	    &fe), MEF_OK);
	assert_true(fe.is_allowed);
	assert_true(mef_secret_equal(fe.ke, ke));
	store_fetch_clear(&fe);

	/* The new columns and foreign keys work on the migrated file. */
	assert_int_equal(add_cert_enrolee(st, "c-1", NULL, "dca", "d", NULL),
	    MEF_E_NOTFOUND);
	memset(fp, 0x5a, sizeof(fp));
	assert_int_equal(add_cert_enrolee(st, "c-1", fp, NULL, NULL, NULL),
	    MEF_OK);
	assert_int_equal(store_enrolee_by_fingerprint(st, fp, e), MEF_OK);
	assert_int_equal(store_enrolee_remove(st, "old-1"), MEF_OK);
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(store_key_list(st, NULL, collect_key, &ks), MEF_OK);
	assert_int_equal(ks.n, 0);
	store_close(&st);
	/* Opened again, it is current: no second migration. */
	assert_int_equal(store_open(url, f->kek, &st), MEF_OK);
	store_close(&st);

	unlink(path);
	snprintf(path, sizeof(path), "%s/v1.db-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/v1.db-shm", f->dir);
	unlink(path);
	mef_secret_free(&kpm);
	mef_secret_free(&ke);
	mef_secret_free(&psk);
	free(e);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_migrate_from_empty),
		T(test_open_errors),
		T(test_targets),
		T(test_enrolees),
		T(test_nfkc),
		T(test_key_batch_prune),
		T(test_fetch_lookup),
		T(test_wrapped_columns),
		T(test_wrong_kek_and_moved_blob),
		T(test_two_handles),
		T(test_generation),
		T(test_anchors),
		T(test_cert_enrolees),
		T(test_migrate_v1),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
