/*
 * wrap.h -- key columns at rest: AES-256-GCM under the key-encryption key (KEK).
 *
 * A wrapped blob is: version (1 byte, 0x01) || nonce (12, random) || ciphertext ||
 * tag (16). The associated data names the row and column the key belongs to (for
 * example "kpm:<KpmId>"), so a blob copied into another row does not unwrap. The KEK is
 * read from a file of exactly 64 hex digits (an optional final newline) and never
 * enters the database.
 *
 * struct wrap_kek is an interface: wrap_seal() and wrap_open() call through its ops
 * table, so the store wraps and unwraps the same way whether the KEK is in this
 * process (wrap_kek_load(): mefctl, tests, `mefd -n`) or in mefd's KEK process
 * (daemon/keyd_client.c, which asks over a socketpair).
 */
#ifndef MEF_CRYPTO_WRAP_H
#define MEF_CRYPTO_WRAP_H

#include <stddef.h>

#include "mef/error.h"
#include "util/secret.h"

#define WRAP_KEK_LEN		32
#define WRAP_OVERHEAD		(1 + 12 + 16)
#define WRAP_BLOB_MAX		(WRAP_OVERHEAD + MEF_SECRET_MAX)
#define WRAP_LABEL_MAX		64	/* wrap_kek_derive() labels */
#define WRAP_DERIVED_LEN	32

struct wrap_kek;

/*
 * An implementation. seal and open have the contracts of wrap_seal() and wrap_open()
 * below (arguments already checked non-NULL); free releases the object and wipes any
 * key it holds.
 */
struct wrap_kek_ops {
	enum mef_err	(*seal)(struct wrap_kek *kek, const char *aad,
			    const struct mef_secret *plain, unsigned char *out,
			    size_t outsz, size_t *pout_len);
	enum mef_err	(*open)(struct wrap_kek *kek, const char *aad,
			    const unsigned char *blob, size_t blob_len,
			    struct mef_secret **pplain);
	enum mef_err	(*derive)(struct wrap_kek *kek, const char *label,
			    struct mef_secret **pkey);
	void		(*free)(struct wrap_kek *kek);
};

/* The generic part every implementation's struct starts with. */
struct wrap_kek {
	const struct wrap_kek_ops	*ops;
};

/*
 * Reads the KEK from path. MEF_E_CONFIG (with a message in err, errsz bytes) when the
 * file is missing, unreadable, not 64 hex digits, or readable by group or others.
 */
enum mef_err	wrap_kek_load(const char *path, struct wrap_kek **pkek,
		    char *err, size_t errsz);
/* A KEK from raw bytes (tests, mefd's KEK process). Copies kek. */
enum mef_err	wrap_kek_from_bytes(const unsigned char *kek, size_t len,
		    struct wrap_kek **pkek);
/*
 * Writes a new random KEK to path, created with mode 0600; fails with MEF_E_EXISTS when
 * path exists (never overwrites a KEK: that would orphan every wrapped key).
 */
enum mef_err	wrap_kek_generate(const char *path);
void		wrap_kek_free(struct wrap_kek **pkek);
/*
 * HMAC-SHA-256(KEK, "mef-kek-derive:" || label) into a new 32-byte secret: a
 * key for another purpose (the audit log's MAC key, label "audit-v1") that
 * stands or falls with the KEK without exposing it. The one narrow way KEK
 * bytes leave this file besides wrap_seal/wrap_open, so a separate KEK
 * process can answer it like them (mefd's KEK process answers only the labels
 * it knows). label: at most WRAP_LABEL_MAX bytes.
 */
enum mef_err	wrap_kek_derive(struct wrap_kek *kek, const char *label,
		    struct mef_secret **pkey);

/*
 * Seals plain into out (outsz >= WRAP_OVERHEAD + len); *pout_len gets the blob size.
 * aad is borrowed for the call.
 */
enum mef_err	wrap_seal(struct wrap_kek *kek, const char *aad,
		    const struct mef_secret *plain, unsigned char *out, size_t outsz,
		    size_t *pout_len);
/*
 * Opens a blob sealed with the same aad; MEF_E_CRYPTO when it does not verify,
 * MEF_E_IO when a remote KEK cannot be reached.
 */
enum mef_err	wrap_open(struct wrap_kek *kek, const char *aad,
		    const unsigned char *blob, size_t blob_len,
		    struct mef_secret **pplain);

#endif /* MEF_CRYPTO_WRAP_H */
