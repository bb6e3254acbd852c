/*
 * libmef.c -- the shared library's own entry: its version.
 *
 * Everything else in libmef.so comes from the client layer (src/client) and the layers
 * under it, linked whole; only mef_* names are exported (src/libmef.map).
 */
#include "mef/version.h"

/* see mef/version.h */
const char *
mef_version(void)
{
	return MEF_VERSION;
}
