/*
 * config.c -- mefd.conf: the directive table.
 *
 * Every directive is one row of directives[] with its section, type, bounds,
 * default and flags; util/ini_schema.c reads the file through this schema (with
 * file:line errors) and checks the rules below. mefctl reads the same file.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "daemon/config.h"
#include "util/ini_schema.h"

#define F(field) offsetof(struct mef_config, field), \
	sizeof(((struct mef_config *)NULL)->field)

static int	dburl_ok(const char *value, size_t len);

/* URL schemes a store backend exists for (store.c dispatches on them). */
static const char *const db_schemes[] = { "sqlite:" };

static const char *const sandbox_choices[] = { "yes", "no", "trap", NULL };

static const struct ini_type sandbox = {
	.kind = INI_CHOICE, .choices = sandbox_choices,
};

static const struct ini_type dburl = {
	.kind = INI_TEXT, .ok = dburl_ok, .why = "not sqlite:<path>",
};

/*
 * commit_delay_us defaults to 0: no artificial wait. Ke rows that arrive while
 * a commit is in flight form the next batch, so batches grow with load by
 * themselves.
 */
static const struct ini_directive directives[] = {
	{ "mef", "fqdn", &ini_fqdn, INI_REQUIRED, 0, 0, NULL, F(fqdn) },
	{ "mef", "workers", &ini_uint, 0, 0, 256, "0", F(workers) },
	{ "mef", "log_level", &ini_loglevel, 0, 0, 0, "info", F(log_level) },
	{ "database", "url", &dburl, 0, 0, 0, "sqlite:/var/lib/mef/mef.db",
	    F(db_url) },
	{ "database", "kek_file", &ini_str, INI_REQUIRED, 0, 0, NULL,
	    F(kek_file) },
	{ "database", "keys_per_enrolee", &ini_uint, 0, 1, 1024, "4",
	    F(keys_per_enrolee) },
	{ "database", "commit_batch_max", &ini_uint, 0, 1, 65536, "256",
	    F(commit_batch_max) },
	{ "database", "commit_delay_us", &ini_uint, 0, 0, 1000000, "0",
	    F(commit_delay_us) },
	{ "bootstrap", "listen", &ini_addr, INI_REQUIRED, 0, 0, NULL,
	    F(boot_listen) },
	{ "bootstrap", "default_lifetime_s", &ini_u64, 0, 1, 315360000,
	    "86400", F(default_lifetime_s) },
	{ "bootstrap", "listen_cert", &ini_addr, 0, 0, 0, NULL,
	    F(boot_listen_cert) },
	{ "bootstrap", "cert", &ini_str, 0, 0, 0, NULL, F(boot_cert) },
	{ "bootstrap", "key", &ini_str, 0, 0, 0, NULL, F(boot_key) },
	{ "bootstrap", "backoff_after", &ini_uint, 0, 0, 1000, "5",
	    F(backoff_after) },
	{ "bootstrap", "backoff_address_after", &ini_uint, 0, 0, 100000, "20",
	    F(backoff_address_after) },
	{ "bootstrap", "backoff_base_ms", &ini_uint, 0, 10, 3600000, "1000",
	    F(backoff_base_ms) },
	{ "bootstrap", "backoff_max_ms", &ini_uint, 0, 10, 86400000, "300000",
	    F(backoff_max_ms) },
	{ "bootstrap", "backoff_window_s", &ini_uint, 0, 1, 86400, "600",
	    F(backoff_window_s) },
	{ "target", "listen", &ini_addr, INI_REQUIRED, 0, 0, NULL,
	    F(target_listen) },
	{ "target", "cert", &ini_str, 0, 0, 0, NULL, F(target_cert) },
	{ "target", "key", &ini_str, 0, 0, 0, NULL, F(target_key) },
	{ "target", "client_ca", &ini_str, 0, 0, 0, NULL,
	    F(target_client_ca) },
	{ "limits", "max_connections", &ini_uint, 0, 1, 1000000, "10000",
	    F(max_connections) },
	{ "limits", "handshake_timeout_ms", &ini_uint, 0, 100, 300000, "10000",
	    F(handshake_timeout_ms) },
	{ "limits", "idle_timeout_ms", &ini_uint, 0, 100, 3600000, "30000",
	    F(idle_timeout_ms) },
	{ "limits", "header_max", &ini_uint, 0, 1024, 1048576, "8192",
	    F(header_max) },
	{ "limits", "body_max", &ini_uint, 0, 64, 1048576, "4096",
	    F(body_max) },
	{ "limits", "fetch_cache_entries", &ini_uint, 0, 0, 10000000, "16384",
	    F(fetch_cache_entries) },
	{ "audit", "file", &ini_str, 0, 0, 0, NULL, F(audit_file) },
	{ "audit", "fsync_ms", &ini_uint, 0, 0, 60000, "1000",
	    F(audit_fsync_ms) },
	{ "process", "user", &ini_str, 0, 0, 0, NULL, F(user) },
	{ "process", "group", &ini_str, 0, 0, 0, NULL, F(group) },
	{ "process", "sandbox", &sandbox, 0, 0, 0, "yes", F(sandbox) },
};

static const char *const sections[] = {
	"mef", "database", "bootstrap", "target", "limits", "audit",
	"process",
};

static const struct ini_rule rules[] = {
	{ INI_TOGETHER, "target", "cert", "key", NULL, NULL },
	{ INI_TOGETHER, "bootstrap", "cert", "key", NULL, NULL },
	{ INI_NEEDS, "bootstrap", "listen_cert", "cert", "key", NULL },
	{ INI_NEEDS, "bootstrap", "cert", "listen_cert", NULL, NULL },
	{ INI_NEEDS, "target", "client_ca", "cert", "key", NULL },
	{ INI_NEEDS, "process", "group", "user", NULL, NULL },
};

static const struct ini_schema schema = {
	sizeof(struct mef_config),
	directives, sizeof(directives) / sizeof(directives[0]),
	sections, sizeof(sections) / sizeof(sections[0]),
	NULL,
	rules, sizeof(rules) / sizeof(rules[0]),
};

/* see config.h */
void
config_defaults(struct mef_config *cfg)
{
	ini_schema_defaults(&schema, cfg);
}

/* see config.h */
enum mef_err
config_load(const char *path, struct mef_config *cfg, char *err, size_t errsz)
{
	enum mef_err	rc;

	rc = ini_schema_load(&schema, path, cfg, err, errsz);
	if (rc != MEF_OK)
		return rc;
	/* SO_REUSEPORT would let two listeners share one address and split it. */
	if (strcmp(cfg->boot_listen, cfg->target_listen) == 0 ||
	    strcmp(cfg->boot_listen, cfg->boot_listen_cert) == 0 ||
	    strcmp(cfg->target_listen, cfg->boot_listen_cert) == 0) {
		snprintf(err, errsz, "%s: two listeners on one address", path);
		return MEF_E_CONFIG;
	}
	if (cfg->backoff_max_ms < cfg->backoff_base_ms) {
		snprintf(err, errsz, "%s: [bootstrap] backoff_max_ms is below "
		    "backoff_base_ms", path);
		return MEF_E_CONFIG;
	}
	return MEF_OK;
}

/* see config.h */
void
config_print(const struct mef_config *cfg, FILE *fp)
{
	ini_schema_print(&schema, cfg, fp);
}

static int
dburl_ok(const char *value, size_t len)
{
	size_t	i, n;

	for (i = 0; i < sizeof(db_schemes) / sizeof(db_schemes[0]); i++) {
		n = strlen(db_schemes[i]);
		if (len > n && strncmp(value, db_schemes[i], n) == 0)
			return 1;
	}
	return 0;
}
