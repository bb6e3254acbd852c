/*
 * error.c -- descriptions of enum mef_err.
 *
 * A table indexed by the code, so a new code is one line here and one in mef/error.h.
 */
#include <stddef.h>

#include "mef/error.h"

static const char *const descriptions[] = {
	[MEF_OK] = "success",
	[MEF_E_NOMEM] = "out of memory",
	[MEF_E_INVAL] = "invalid argument",
	[MEF_E_PROTO] = "malformed message from peer",
	[MEF_E_AUTH] = "authentication failed",
	[MEF_E_STORE] = "storage backend failed",
	[MEF_E_CRYPTO] = "cryptographic operation failed",
	[MEF_E_NOTFOUND] = "not found",
	[MEF_E_EXISTS] = "already exists",
	[MEF_E_IO] = "input/output error",
	[MEF_E_TOOBIG] = "input too large",
	[MEF_E_TIMEOUT] = "timed out",
	[MEF_E_DENIED] = "request refused by peer",
	[MEF_E_CONFIG] = "invalid configuration",
	[MEF_E_AGAIN] = "not ready yet",
};

const char *
mef_strerror(enum mef_err err)
{
	if ((unsigned)err >= sizeof(descriptions) / sizeof(descriptions[0]) ||
	    descriptions[err] == NULL)
		return "unknown error";
	return descriptions[err];
}
