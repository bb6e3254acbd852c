/*
 * config.c -- mefd.conf: the directive table and its inih handler.
 *
 * Every directive is one row of directives[] with its section, type, bounds,
 * default and flags; defaults go through the same parser as file values, so a
 * default can never be something the file could not say. inih is fed through
 * our own line reader, which counts lines (the packaged inih does not pass line
 * numbers to handlers), rejects lines inih would silently split, and checks
 * section names even for empty sections.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "daemon/config.h"
#include "util/log.h"
#include "util/strparse.h"

#define CFG_REQUIRED	0x01	/* must be given */
#define CFG_SENSITIVE	0x02	/* never echoed: printed as (redacted) */

enum cfg_type {
	CFG_STR,		/* any non-empty text (paths) */
	CFG_FQDN,		/* a DNS name */
	CFG_ADDR,		/* host:port or [v6]:port */
	CFG_DBURL,		/* scheme:location with a known scheme */
	CFG_LOGLEVEL,		/* error|warn|info|debug */
	CFG_UINT,		/* unsigned in [min, max] */
	CFG_U64,		/* uint64_t in [min, max] */
};

struct cfg_directive {
	const char	*section;
	const char	*name;
	enum cfg_type	 type;
	unsigned	 flags;
	uint64_t	 min, max;
	const char	*def;		/* NULL: none */
	size_t		 off;		/* into struct mef_config */
	size_t		 size;		/* of that field */
};

#define F(field) offsetof(struct mef_config, field), \
	sizeof(((struct mef_config *)NULL)->field)

/*
 * commit_delay_us defaults to 0: no artificial wait. Ke rows that arrive while
 * a commit is in flight form the next batch, so batches grow with load by
 * themselves.
 */
static const struct cfg_directive directives[] = {
	{ "mef", "fqdn", CFG_FQDN, CFG_REQUIRED, 0, 0, NULL, F(fqdn) },
	{ "mef", "workers", CFG_UINT, 0, 0, 256, "0", F(workers) },
	{ "mef", "log_level", CFG_LOGLEVEL, 0, 0, 0, "info", F(log_level) },
	{ "database", "url", CFG_DBURL, 0, 0, 0, "sqlite:/var/lib/mef/mef.db",
	    F(db_url) },
	{ "database", "kek_file", CFG_STR, CFG_REQUIRED, 0, 0, NULL,
	    F(kek_file) },
	{ "database", "keys_per_enrolee", CFG_UINT, 0, 1, 1024, "4",
	    F(keys_per_enrolee) },
	{ "database", "commit_batch_max", CFG_UINT, 0, 1, 65536, "256",
	    F(commit_batch_max) },
	{ "database", "commit_delay_us", CFG_UINT, 0, 0, 1000000, "0",
	    F(commit_delay_us) },
	{ "bootstrap", "listen", CFG_ADDR, CFG_REQUIRED, 0, 0, NULL,
	    F(boot_listen) },
	{ "bootstrap", "default_lifetime_s", CFG_U64, 0, 1, 315360000, "86400",
	    F(default_lifetime_s) },
	{ "target", "listen", CFG_ADDR, CFG_REQUIRED, 0, 0, NULL,
	    F(target_listen) },
	{ "target", "cert", CFG_STR, 0, 0, 0, NULL, F(target_cert) },
	{ "target", "key", CFG_STR, 0, 0, 0, NULL, F(target_key) },
	{ "target", "client_ca", CFG_STR, 0, 0, 0, NULL, F(target_client_ca) },
	{ "limits", "max_connections", CFG_UINT, 0, 1, 1000000, "10000",
	    F(max_connections) },
	{ "limits", "handshake_timeout_ms", CFG_UINT, 0, 100, 300000, "10000",
	    F(handshake_timeout_ms) },
	{ "limits", "idle_timeout_ms", CFG_UINT, 0, 100, 3600000, "30000",
	    F(idle_timeout_ms) },
	{ "limits", "header_max", CFG_UINT, 0, 1024, 1048576, "8192",
	    F(header_max) },
	{ "limits", "body_max", CFG_UINT, 0, 64, 1048576, "4096", F(body_max) },
};

#define NDIRECTIVES	(sizeof(directives) / sizeof(directives[0]))

static const char *const sections[] = {
	"mef", "database", "bootstrap", "target", "limits",
};

/* URL schemes a store backend exists for (store.c dispatches on them). */
static const char *const db_schemes[] = { "sqlite:" };

/* Why a value of each text type was refused. */
static const char *const type_why[] = {
	[CFG_STR] = "not text",
	[CFG_FQDN] = "not a DNS name",
	[CFG_ADDR] = "not host:port",
	[CFG_DBURL] = "not sqlite:<path>",
	[CFG_LOGLEVEL] = "not one of error, warn, info, debug",
	[CFG_UINT] = "not an integer",
	[CFG_U64] = "not an integer",
};

struct cfg_parse {
	struct mef_config	*cfg;
	const char		*path;
	FILE			*fp;
	char			*line;		/* getline buffer */
	size_t			 linecap;
	int			 lineno;
	int			 seen[NDIRECTIVES];	/* line; 0: not given */
	char			*err;
	size_t			 errsz;
	int			 failed;
};

static enum mef_err	cfg_set(const struct cfg_directive *d,
			    struct mef_config *cfg, const char *value,
			    char *why, size_t whysz);
static int		cfg_text_ok(enum cfg_type t, const char *value,
			    size_t len);
static const struct cfg_directive *cfg_find(const char *section,
			    const char *name, int *psection_known);
static int		cfg_handler(void *user, const char *section,
			    const char *name, const char *value);
static char		*cfg_reader(char *str, int num, void *stream);
static void		cfg_error(struct cfg_parse *p, int lineno,
			    const char *fmt, ...)
			    __attribute__((format(printf, 3, 4)));
static void		cfg_check(struct cfg_parse *p);
static int		cfg_is_section(const char *name, size_t len);
static int		cfg_index(const char *section, const char *name);

/* see config.h */
void
config_defaults(struct mef_config *cfg)
{
	char	why[128];
	size_t	i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NDIRECTIVES; i++) {
		if (directives[i].def == NULL)
			continue;
		/* The defaults are ours; one that does not parse is a bug. */
		if (cfg_set(&directives[i], cfg, directives[i].def, why,
		    sizeof(why)) != MEF_OK)
			fatalx("config default %s: %s", directives[i].name,
			    why);
	}
}

/* see config.h */
enum mef_err
config_load(const char *path, struct mef_config *cfg, char *err, size_t errsz)
{
	struct cfg_parse	p;
	int			rv;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.path = path;
	p.err = err;
	p.errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
	config_defaults(cfg);
	p.fp = fopen(path, "re");
	if (p.fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return MEF_E_CONFIG;
	}
	rv = ini_parse_stream(cfg_reader, &p, cfg_handler, &p);
	if (rv == 0 && ferror(p.fp))
		cfg_error(&p, p.lineno, "read error");
	else if (rv > 0)
		cfg_error(&p, rv, "syntax error: expected '[section]' or "
		    "'name = value'");
	else if (rv < 0)
		cfg_error(&p, 0, "cannot parse (out of memory)");
	fclose(p.fp);
	free(p.line);
	if (!p.failed)
		cfg_check(&p);
	return p.failed ? MEF_E_CONFIG : MEF_OK;
}

/* see config.h */
void
config_print(const struct mef_config *cfg, FILE *fp)
{
	const struct cfg_directive	*d;
	const char			*section = NULL;
	const char			*base = (const char *)cfg;
	size_t				 i;

	for (i = 0; i < NDIRECTIVES; i++) {
		d = &directives[i];
		if (section == NULL || strcmp(section, d->section) != 0) {
			fprintf(fp, "%s[%s]\n", section == NULL ? "" : "\n",
			    d->section);
			section = d->section;
		}
		if (d->flags & CFG_SENSITIVE)
			fprintf(fp, "%s = (redacted)\n", d->name);
		else if (d->type == CFG_UINT)
			fprintf(fp, "%s = %u\n", d->name,
			    *(const unsigned *)(base + d->off));
		else if (d->type == CFG_U64)
			fprintf(fp, "%s = %llu\n", d->name, (unsigned long long)
			    *(const uint64_t *)(base + d->off));
		else if (base[d->off] == '\0')
			fprintf(fp, "; %s is not set\n", d->name);
		else
			fprintf(fp, "%s = %s\n", d->name, base + d->off);
	}
}

/* Parses value into d's field; on error a reason (without the value) in why. */
static enum mef_err
cfg_set(const struct cfg_directive *d, struct mef_config *cfg,
    const char *value, char *why, size_t whysz)
{
	char		*field = (char *)cfg + d->off;
	size_t		 len = strlen(value);
	uint64_t	 v;

	if (len == 0) {
		snprintf(why, whysz, "empty value");
		return MEF_E_INVAL;
	}
	if (d->type == CFG_UINT || d->type == CFG_U64) {
		if (parse_u64(value, len, d->min, d->max, &v) != MEF_OK) {
			snprintf(why, whysz, "not an integer in [%llu, %llu]",
			    (unsigned long long)d->min,
			    (unsigned long long)d->max);
			return MEF_E_INVAL;
		}
		if (d->type == CFG_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(uint64_t *)(void *)field = v;
		return MEF_OK;
	}
	if (!cfg_text_ok(d->type, value, len)) {
		snprintf(why, whysz, "%s", type_why[d->type]);
		return MEF_E_INVAL;
	}
	if (len >= d->size) {
		snprintf(why, whysz, "longer than %zu bytes", d->size - 1);
		return MEF_E_TOOBIG;
	}
	memcpy(field, value, len + 1);
	return MEF_OK;
}

/* 1 when value is acceptable text for a directive of type t. */
static int
cfg_text_ok(enum cfg_type t, const char *value, size_t len)
{
	char		host[HOSTPORT_HOST_MAX];
	uint16_t	port;
	size_t		i, n;

	switch (t) {
	case CFG_FQDN:
		return is_dns_name(value, len);
	case CFG_ADDR:
		return parse_hostport(value, host, sizeof(host), &port) ==
		    MEF_OK;
	case CFG_LOGLEVEL:
		return log_level_parse(value) >= 0;
	case CFG_DBURL:
		for (i = 0; i < sizeof(db_schemes) / sizeof(db_schemes[0]);
		    i++) {
			n = strlen(db_schemes[i]);
			if (len > n && strncmp(value, db_schemes[i], n) == 0)
				return 1;
		}
		return 0;
	default:
		return 1;
	}
}

static int
cfg_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct cfg_parse		*p = user;
	const struct cfg_directive	*d;
	char				 why[128];
	int				 known, idx;

	if (*section == '\0') {
		cfg_error(p, p->lineno, "'%s' outside any section", name);
		return 0;
	}
	d = cfg_find(section, name, &known);
	if (!known)
		return 1;	/* the reader already reported the section */
	if (d == NULL) {
		cfg_error(p, p->lineno, "unknown directive '%s' in [%s]", name,
		    section);
		return 0;
	}
	idx = (int)(d - directives);
	if (p->seen[idx] != 0) {
		cfg_error(p, p->lineno, "%s already set at line %d", name,
		    p->seen[idx]);
		return 0;
	}
	p->seen[idx] = p->lineno;
	if (cfg_set(d, p->cfg, value, why, sizeof(why)) != MEF_OK) {
		/* Redaction first: no sensitive value reaches a message. */
		if ((d->flags & CFG_SENSITIVE) || d->type == CFG_UINT ||
		    d->type == CFG_U64 || *value == '\0')
			cfg_error(p, p->lineno, "%s: %s", name, why);
		else
			cfg_error(p, p->lineno, "%s: '%.64s' %s", name, value,
			    why);
		return 0;
	}
	return 1;
}

/*
 * fgets() for inih that counts lines, refuses lines longer than inih's buffer
 * (inih would read the rest as a new line) and checks every [section] header.
 */
static char *
cfg_reader(char *str, int num, void *stream)
{
	struct cfg_parse	*p = stream;
	const char		*s, *e;
	ssize_t			 n;

	n = getline(&p->line, &p->linecap, p->fp);
	if (n < 0)
		return NULL;
	p->lineno++;
	if ((size_t)n >= (size_t)num || strlen(p->line) != (size_t)n) {
		cfg_error(p, p->lineno, "%s", (size_t)n >= (size_t)num ?
		    "line too long" : "NUL byte in line");
		memcpy(str, "\n", 2);
		return str;
	}
	memcpy(str, p->line, (size_t)n + 1);
	for (s = p->line; *s == ' ' || *s == '\t'; s++)
		;
	if (*s != '[')
		return str;
	e = strchr(s, ']');
	if (e != NULL) {
		for (s++; *s == ' ' || *s == '\t'; s++)
			;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!cfg_is_section(s, (size_t)(e - s)))
			cfg_error(p, p->lineno, "unknown section [%.*s]",
			    (int)(e - s > 64 ? 64 : e - s), s);
	}
	return str;
}

/* Required directives and the ones that only make sense together. */
static void
cfg_check(struct cfg_parse *p)
{
	int	cert, key, ca;
	size_t	i;

	for (i = 0; i < NDIRECTIVES; i++) {
		if ((directives[i].flags & CFG_REQUIRED) && p->seen[i] == 0) {
			cfg_error(p, 0, "[%s] %s is required",
			    directives[i].section, directives[i].name);
			return;
		}
	}
	cert = p->seen[cfg_index("target", "cert")];
	key = p->seen[cfg_index("target", "key")];
	ca = p->seen[cfg_index("target", "client_ca")];
	if ((cert == 0) != (key == 0)) {
		cfg_error(p, cert != 0 ? cert : key,
		    "[target] cert and key must be given together");
		return;
	}
	if (ca != 0 && cert == 0)
		cfg_error(p, ca, "[target] client_ca needs cert and key");
}

/* Records the first error only: "path:line: message" (lineno 0: no line). */
static void
cfg_error(struct cfg_parse *p, int lineno, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lineno > 0)
		snprintf(p->err, p->errsz, "%s:%d: %s", p->path, lineno, msg);
	else
		snprintf(p->err, p->errsz, "%s: %s", p->path, msg);
}

static const struct cfg_directive *
cfg_find(const char *section, const char *name, int *psection_known)
{
	int	idx;

	*psection_known = cfg_is_section(section, strlen(section));
	idx = cfg_index(section, name);
	return idx < 0 ? NULL : &directives[idx];
}

static int
cfg_index(const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < NDIRECTIVES; i++)
		if (strcmp(directives[i].section, section) == 0 &&
		    strcmp(directives[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
cfg_is_section(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len &&
		    strncmp(sections[i], name, len) == 0)
			return 1;
	return 0;
}
