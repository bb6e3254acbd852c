/*
 * gate_config.c -- mef-gate.conf: the directive table.
 *
 * The same engine as mefd.conf (util/ini_schema.c): one row per directive,
 * and [mef:<fqdn>] sections that repeat, one element of cfg->mefs each. The
 * only derived value is upstream_addr, cut from an upstream the table already
 * accepted.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gate/gate_config.h"
#include "util/ini_schema.h"
#include "util/strparse.h"

#define UPSTREAM_SCHEME	"http://"

#define F(field) offsetof(struct gate_config, field), \
	sizeof(((struct gate_config *)NULL)->field)
#define M(field) offsetof(struct gate_mef, field), \
	sizeof(((struct gate_mef *)NULL)->field)

static int	upstream_ok(const char *value, size_t len);
static int	id_ok(const char *value, size_t len);

/*
 * Only a numeric host: the gate must not depend on a resolver to reach its
 * CSE, and the upstream is trusted with the headers the gate adds.
 */
static const struct ini_type upstream_type = {
	.kind = INI_TEXT, .ok = upstream_ok,
	.why = "only http://host:port is supported", .noecho = 1,
};

/* Not echoed: a control character would reach the operator's terminal. */
static const struct ini_type id_type = {
	.kind = INI_TEXT, .ok = id_ok, .why = "contains a control character",
	.noecho = 1,
};

static const char *const accept_choices[] = { "json", "xml", "cbor", NULL };

static const struct ini_type accept_type = {
	.kind = INI_CHOICE, .choices = accept_choices,
};

static const char *const tls_choices[] = { "default", "1.2", "1.3", NULL };

static const struct ini_type tls_type = {
	.kind = INI_CHOICE, .choices = tls_choices,
};

static const struct ini_directive directives[] = {
	{ "gate", "listen", &ini_addr, INI_REQUIRED, 0, 0, NULL, F(listen) },
	{ "gate", "upstream", &upstream_type, INI_REQUIRED, 0, 0, NULL,
	    F(upstream) },
	{ "gate", "target_id", &id_type, INI_REQUIRED, 0, 0, NULL,
	    F(target_id) },
	{ "gate", "workers", &ini_uint, 0, 0, 256, "0", F(workers) },
	{ "gate", "log_level", &ini_loglevel, 0, 0, 0, "info", F(log_level) },
	{ "gate", "fetch_threads", &ini_uint, 0, 1, 1024, "16",
	    F(fetch_threads) },
	{ "cache", "max_s", &ini_uint, 0, 0, 31536000, "0", F(cache_max_s) },
	/* Bounds are libmef's (MEF_TARGET_TTL_MAX, MEF_TARGET_ENTRIES_MAX). */
	{ "cache", "negative_ttl_s", &ini_uint, 0, 1, 300, "5",
	    F(negative_ttl_s) },
	{ "cache", "error_ttl_s", &ini_uint, 0, 1, 300, "1", F(error_ttl_s) },
	{ "cache", "entries", &ini_uint, 0, 1, 1048576, "100000",
	    F(cache_entries) },
	{ "limits", "max_connections", &ini_uint, 0, 1, 1000000, "10000",
	    F(max_connections) },
	{ "limits", "handshake_timeout_ms", &ini_uint, 0, 100, 300000, "10000",
	    F(handshake_timeout_ms) },
	{ "limits", "idle_timeout_ms", &ini_uint, 0, 100, 3600000, "60000",
	    F(idle_timeout_ms) },
	{ "limits", "header_max", &ini_uint, 0, 1024, 1048576, "16384",
	    F(header_max) },
	{ "mef:", "url", &ini_addr, INI_REQUIRED, 0, 0, NULL, M(url) },
	{ "mef:", "psk_id", &id_type, 0, 0, 0, NULL, M(psk_id) },
	{ "mef:", "psk_file", &ini_str, 0, 0, 0, NULL, M(psk_file) },
	{ "mef:", "cert", &ini_str, 0, 0, 0, NULL, M(cert) },
	{ "mef:", "key", &ini_str, 0, 0, 0, NULL, M(key) },
	{ "mef:", "ca", &ini_str, 0, 0, 0, NULL, M(ca) },
	{ "mef:", "accept", &accept_type, 0, 0, 0, "json", M(accept) },
	{ "mef:", "timeout_ms", &ini_uint, 0, 100, 60000, "5000",
	    M(timeout_ms) },
	{ "mef:", "tls", &tls_type, 0, 0, 0, "default", M(tls) },
};

static const char *const sections[] = { "gate", "cache", "limits" };

static const struct ini_repeat mefs = {
	"mef:", &ini_fqdn, M(fqdn),
	offsetof(struct gate_config, mefs), sizeof(struct gate_mef),
	offsetof(struct gate_config, nmefs), 1, GATE_MEFS_MAX,
};

/* One credential per MEF: a PSK (identity and key file) or a certificate. */
static const struct ini_rule rules[] = {
	{ INI_TOGETHER, "mef:", "psk_id", "psk_file", NULL, NULL },
	{ INI_TOGETHER, "mef:", "cert", "key", NULL, NULL },
	{ INI_NEEDS, "mef:", "ca", "cert", "key", NULL },
	{ INI_EITHER, "mef:", "psk_id", "psk_file", "cert", "key" },
};

static const struct ini_schema schema = {
	sizeof(struct gate_config),
	directives, sizeof(directives) / sizeof(directives[0]),
	sections, sizeof(sections) / sizeof(sections[0]),
	&mefs,
	rules, sizeof(rules) / sizeof(rules[0]),
};

/* see gate_config.h */
enum mef_err
gate_config_load(const char *path, struct gate_config *cfg, char *err,
    size_t errsz)
{
	const char	*addr;
	size_t		 len;
	enum mef_err	 rc;

	rc = ini_schema_load(&schema, path, cfg, err, errsz);
	if (rc != MEF_OK)
		goto out;
	/* upstream_ok() accepted it: the address fits and a '/' may end it. */
	addr = cfg->upstream + strlen(UPSTREAM_SCHEME);
	len = strcspn(addr, "/");
	memcpy(cfg->upstream_addr, addr, len);
	cfg->upstream_addr[len] = '\0';
out:
	return rc;
}

/* see gate_config.h */
void
gate_config_print(const struct gate_config *cfg, FILE *fp)
{
	ini_schema_print(&schema, cfg, fp);
}

/*
 * "http://host:port" or "http://host:port/" with a numeric host (IPv4 or
 * [IPv6]); no https, no path, no user info.
 */
static int
upstream_ok(const char *value, size_t len)
{
	char		addr[GATE_ADDR_MAX], host[HOSTPORT_HOST_MAX];
	unsigned char	bin[16];
	size_t		slen = strlen(UPSTREAM_SCHEME), alen;
	uint16_t	port;

	if (len <= slen || strncasecmp(value, UPSTREAM_SCHEME, slen) != 0)
		return 0;
	value += slen;
	alen = strcspn(value, "/");
	if (alen >= sizeof(addr) || (value[alen] == '/' &&
	    value[alen + 1] != '\0'))
		return 0;
	memcpy(addr, value, alen);
	addr[alen] = '\0';
	if (parse_hostport(addr, host, sizeof(host), &port) != MEF_OK)
		return 0;
	return inet_pton(AF_INET, host, bin) == 1 ||
	    inet_pton(AF_INET6, host, bin) == 1;
}

/* An identity sent on the wire: no control characters (length: the field). */
static int
id_ok(const char *value, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)value[i] < 0x20 ||
		    (unsigned char)value[i] == 0x7f)
			return 0;
	return 1;
}
