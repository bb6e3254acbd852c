/*
 * config.h -- mefd.conf: one INI file read by inih into struct mef_config.
 *
 * Every directive is one row of a static table in config.c with its type, bounds and
 * default (STYLE.md section 9); docs/mefd.conf.5 documents the same table. Errors name
 * the file and line. mefd and mefctl read the same file.
 */
#ifndef MEF_DAEMON_CONFIG_H
#define MEF_DAEMON_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mef/error.h"
#include "mef/limits.h"

#define CONFIG_ADDR_MAX		(256 + 8)

struct mef_config {
	/* [mef] */
	char		fqdn[MEF_FQDN_MAX + 1];		/* required */
	unsigned	workers;			/* event loops; 0 = CPUs */
	char		log_level[8];			/* error|warn|info|debug */

	/* [database] */
	char		db_url[PATH_MAX + 8];		/* sqlite:/path */
	char		kek_file[PATH_MAX];		/* required */
	unsigned	keys_per_enrolee;		/* default 4 */
	unsigned	commit_batch_max;		/* rows per group commit */
	unsigned	commit_delay_us;		/* wait to fill a batch */

	/* [bootstrap] */
	char		boot_listen[CONFIG_ADDR_MAX];	/* host:port, required */
	uint64_t	default_lifetime_s;		/* Ke lifetime when none given */
	char		boot_listen_cert[CONFIG_ADDR_MAX];/* certificate RSPF, optional */
	char		boot_cert[PATH_MAX];		/* the MEF's own certificate */
	char		boot_key[PATH_MAX];
	unsigned	backoff_after;			/* per KpmId; 0: off */
	unsigned	backoff_address_after;		/* per address; 0: off */
	unsigned	backoff_base_ms;		/* first block */
	unsigned	backoff_max_ms;			/* longest block */
	unsigned	backoff_window_s;		/* failures forgotten after */

	/* [target] */
	char		target_listen[CONFIG_ADDR_MAX];	/* host:port, required */
	char		target_cert[PATH_MAX];		/* optional */
	char		target_key[PATH_MAX];
	char		target_client_ca[PATH_MAX];	/* optional */

	/* [limits] */
	unsigned	max_connections;		/* per event loop */
	unsigned	handshake_timeout_ms;
	unsigned	idle_timeout_ms;
	unsigned	header_max;			/* bytes of request head */
	unsigned	body_max;			/* bytes of request body */
	unsigned	fetch_cache_entries;		/* per worker; 0: off */

	/* [audit] */
	char		audit_file[PATH_MAX];		/* empty: no audit log */
	unsigned	audit_fsync_ms;			/* 0: after every batch */

	/* [process] */
	char		user[64];			/* drop to; "" = stay */
	char		group[64];			/* "" = the user's */
	char		sandbox[8];			/* yes|no|trap */
};

/* Fills *cfg with the defaults of every directive. */
void		config_defaults(struct mef_config *cfg);
/*
 * Reads path into *cfg (defaults first), then checks required values and
 * consistency. On error returns MEF_E_CONFIG with "path:line: message" in err.
 */
enum mef_err	config_load(const char *path, struct mef_config *cfg, char *err,
		    size_t errsz);
/* Prints the effective configuration in INI form (secrets redacted). */
void		config_print(const struct mef_config *cfg, FILE *fp);

#endif /* MEF_DAEMON_CONFIG_H */
