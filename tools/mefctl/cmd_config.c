/*
 * cmd_config.c -- mefctl config check | show.
 *
 * main() has already loaded the file (errors as "file:line: message"); check
 * also loads the KEK, as mefd -n does, but opens no store, so it creates
 * nothing.
 */
#include <stdio.h>

#include "crypto/wrap.h"
#include "mefctl.h"

/* see mefctl.h */
enum mef_err
cmd_config_check(struct mefctl *ctl, const struct opts *o)
{
	struct wrap_kek	*kek = NULL;
	char		 err[PATH_MAX + 256];
	enum mef_err	 rc;

	rc = wrap_kek_load(ctl->cfg.kek_file, &kek, err, sizeof(err));
	wrap_kek_free(&kek);
	if (rc != MEF_OK) {
		out_error("kek_file %s", err);
		return rc;
	}
	if (ctl->json)
		return out_json(json_pack("{s:s, s:b}", "config",
		    ctl->config_path, "ok", 1));
	printf("%s: configuration OK\n", ctl->config_path);
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
cmd_config_show(struct mefctl *ctl, const struct opts *o)
{
	if (ctl->json) {
		out_error("config show has no JSON form; it prints INI");
		ctl->is_usage = 1;
		return MEF_E_INVAL;
	}
	config_print(&ctl->cfg, stdout);
	return MEF_OK;
}
