/*
 * cmd_kek.c -- mefctl kek generate FILE: a new key-encryption key.
 *
 * The file gets 64 hex digits and a newline, mode 0600, and is never
 * overwritten: replacing a KEK would make every key wrapped under it
 * unreadable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/wrap.h"
#include "mefctl.h"

/* see mefctl.h */
enum mef_err
cmd_kek_generate(struct mefctl *ctl, const struct opts *o)
{
	const char	*path = o->pos[0];
	enum mef_err	 rc;

	rc = wrap_kek_generate(path);
	if (rc == MEF_E_EXISTS)
		out_error("%s exists; a KEK is never overwritten (every key "
		    "wrapped under it would be lost)", path);
	else if (rc == MEF_E_IO)
		out_error("%s: %s", path, strerror(errno));
	else if (rc != MEF_OK)
		out_error("%s: %s", path, mef_strerror(rc));
	if (rc != MEF_OK)
		return rc;
	return out_result(ctl, json_pack("{s:s, s:s}", "kek_file", path,
	    "mode", "0600"), "wrote a new KEK to %s (mode 0600); keep a copy "
	    "somewhere safe\n", path);
}
