/*
 * keyfile.h -- reading a key kept as hex text in a file (mef-enrol, mef-fetch).
 *
 * The file is read with read(2) into a stack buffer that is wiped afterwards,
 * never through stdio, whose buffers would keep a copy of the key in memory
 * nobody wipes.
 */
#ifndef MEF_CLIENT_KEYFILE_H
#define MEF_CLIENT_KEYFILE_H

#include <stddef.h>

#include "mef/error.h"
#include "util/secret.h"

#define KEYFILE_KEY_MAX	512	/* bytes of a key */

/*
 * Reads path: hex digits (either case) for 1..max_len bytes, optionally
 * surrounded by whitespace (a trailing newline is usual). On MEF_OK *psecret is
 * a new secret. Errors: MEF_E_IO (cannot open or read; errno set), MEF_E_TOOBIG
 * (the file is larger than any such key could be), MEF_E_INVAL (not hex, odd
 * length, or too long a key).
 */
enum mef_err	keyfile_read(const char *path, size_t max_len,
		    struct mef_secret **psecret);

#endif /* MEF_CLIENT_KEYFILE_H */
