/*
 * ini_schema.c -- reads an INI file through a schema (ini_schema.h).
 *
 * Defaults go through the same parser as file values, so a default can never
 * be something the file could not say. inih is fed through our own line
 * reader, which counts lines (the packaged inih does not pass line numbers to
 * handlers), rejects lines inih would silently split, and checks every section
 * header, even of an empty section. The reader also tracks the current section
 * and repeated-section element itself, because inih truncates section names
 * (to 49 bytes) and a DNS name may be longer; inih's section string is only
 * used to tell "no section yet".
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "util/ini_schema.h"
#include "util/log.h"
#include "util/strparse.h"

/*
 * Lines are per scope and directive: scope 0 holds the fixed sections, scope
 * 1 + e the element e of the repeated section.
 */
struct ini_load {
	const struct ini_schema	*s;
	char			*cfg;
	const char		*path;
	FILE			*fp;
	char			*line;		/* getline buffer */
	size_t			 linecap;
	int			 lineno;
	int			*seen;		/* [scope][dir]: line or 0 */
	int			*scope_line;	/* header line of each scope */
	const char		*section;	/* NULL: unknown or none */
	size_t			 scope;		/* of the current section */
	char			*err;
	size_t			 errsz;
	int			 failed;
};

static int		addr_ok(const char *value, size_t len);
static int		loglevel_ok(const char *value, size_t len);

/* see ini_schema.h: the common types */
const struct ini_type ini_str = { .kind = INI_TEXT, .why = "not text" };
const struct ini_type ini_fqdn = {
	.kind = INI_TEXT, .ok = is_dns_name, .why = "not a DNS name",
};
const struct ini_type ini_addr = {
	.kind = INI_TEXT, .ok = addr_ok, .why = "not host:port",
};
const struct ini_type ini_loglevel = {
	.kind = INI_TEXT, .ok = loglevel_ok,
	.why = "not one of error, warn, info, debug",
};
const struct ini_type ini_uint = { .kind = INI_UINT };
const struct ini_type ini_u64 = { .kind = INI_U64 };

static void		defaults_apply(const struct ini_schema *s, char *base,
			    int repeated);
static enum mef_err	value_set(const struct ini_directive *d, char *base,
			    const char *value, char *why, size_t whysz);
static int		choice_ok(const struct ini_type *t, const char *value,
			    char *why, size_t whysz);
static void		value_print(const struct ini_directive *d,
			    const char *base, FILE *fp);
static int		handler(void *user, const char *section,
			    const char *name, const char *value);
static void		handler_value(struct ini_load *p,
			    const struct ini_directive *d, const char *value);
static char		*reader(char *str, int num, void *stream);
static void		section_enter(struct ini_load *p, const char *name,
			    size_t len);
static void		repeat_enter(struct ini_load *p, const char *name,
			    size_t len);
static void		check_scope(struct ini_load *p, size_t scope);
static void		check_rule(struct ini_load *p, const struct ini_rule *r,
			    size_t scope);
static void		group_name(char *buf, size_t bufsz, const char *x,
			    const char *y);
static void		load_error(struct ini_load *p, int lineno,
			    const char *fmt, ...)
			    __attribute__((format(printf, 3, 4)));
static int		dir_index(const struct ini_schema *s,
			    const char *section, const char *name);
static int		is_repeated(const struct ini_schema *s,
			    const char *section);
static char		*elem_base(const struct ini_schema *s, char *cfg,
			    size_t e);
static const char	*scope_suffix(const struct ini_load *p, size_t scope);
static int		scope_dir_line(const struct ini_load *p,
			    const char *section, const char *name,
			    size_t scope);

/* see ini_schema.h */
void
ini_schema_defaults(const struct ini_schema *s, void *cfg)
{
	memset(cfg, 0, s->cfg_size);
	defaults_apply(s, cfg, 0);
}

/* see ini_schema.h */
enum mef_err
ini_schema_load(const struct ini_schema *s, const char *path, void *cfg,
    char *err, size_t errsz)
{
	struct ini_load	p;
	size_t		nscopes;
	enum mef_err	rc;
	int		rv;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.cfg = cfg;
	p.path = path;
	p.err = err;
	p.errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
	ini_schema_defaults(s, cfg);
	nscopes = 1 + (s->repeat != NULL ? s->repeat->max : 0);
	p.seen = calloc(nscopes * s->ndirs, sizeof(*p.seen));
	p.scope_line = calloc(nscopes, sizeof(*p.scope_line));
	if (p.seen == NULL || p.scope_line == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		rc = MEF_E_NOMEM;
		goto out;
	}
	p.fp = fopen(path, "re");
	if (p.fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		rc = MEF_E_CONFIG;
		goto out;
	}
	rv = ini_parse_stream(reader, &p, handler, &p);
	if (rv == 0 && ferror(p.fp))
		load_error(&p, p.lineno, "read error");
	else if (rv > 0)
		load_error(&p, rv, "syntax error: expected '[section]' or "
		    "'name = value'");
	else if (rv < 0)
		load_error(&p, 0, "cannot parse (out of memory)");
	if (!p.failed)
		check_scope(&p, 0);
	rc = p.failed ? MEF_E_CONFIG : MEF_OK;
out:
	if (p.fp != NULL)
		fclose(p.fp);
	free(p.line);
	free(p.seen);
	free(p.scope_line);
	return rc;
}

/* see ini_schema.h */
void
ini_schema_print(const struct ini_schema *s, const void *cfg, FILE *fp)
{
	const struct ini_repeat	*r = s->repeat;
	const char		*section = NULL;
	const char		*elem;
	size_t			 i, e, n;

	for (i = 0; i < s->ndirs; i++) {
		if (is_repeated(s, s->dirs[i].section))
			continue;
		if (section == NULL || strcmp(section, s->dirs[i].section)) {
			fprintf(fp, "%s[%s]\n", section == NULL ? "" : "\n",
			    s->dirs[i].section);
			section = s->dirs[i].section;
		}
		value_print(&s->dirs[i], cfg, fp);
	}
	n = r == NULL ? 0 : *(const size_t *)(const void *)
	    ((const char *)cfg + r->count_off);
	for (e = 0; e < n; e++) {
		elem = (const char *)cfg + r->array_off + e * r->elem_size;
		fprintf(fp, "%s[%s%s]\n", section == NULL && e == 0 ? "" :
		    "\n", r->prefix, elem + r->name_off);
		for (i = 0; i < s->ndirs; i++)
			if (is_repeated(s, s->dirs[i].section))
				value_print(&s->dirs[i], elem, fp);
	}
}

/* Sets the defaults of the fixed directives, or of the repeated ones. */
static void
defaults_apply(const struct ini_schema *s, char *base, int repeated)
{
	const struct ini_directive	*d;
	char				 why[128];
	size_t				 i;

	for (i = 0; i < s->ndirs; i++) {
		d = &s->dirs[i];
		if (d->def == NULL || is_repeated(s, d->section) != repeated)
			continue;
		/* The defaults are ours; one that does not parse is a bug. */
		if (value_set(d, base, d->def, why, sizeof(why)) != MEF_OK)
			fatalx("config default %s: %s", d->name, why);
	}
}

/* Parses value into d's field; on error a reason (without the value) in why. */
static enum mef_err
value_set(const struct ini_directive *d, char *base, const char *value,
    char *why, size_t whysz)
{
	const struct ini_type	*t = d->type;
	char			*field = base + d->off;
	size_t			 len = strlen(value);
	uint64_t		 v;

	if (len == 0) {
		snprintf(why, whysz, "empty value");
		return MEF_E_INVAL;
	}
	if (t->kind == INI_UINT || t->kind == INI_U64) {
		if (parse_u64(value, len, d->min, d->max, &v) != MEF_OK) {
			snprintf(why, whysz, "not an integer in [%llu, %llu]",
			    (unsigned long long)d->min,
			    (unsigned long long)d->max);
			return MEF_E_INVAL;
		}
		if (t->kind == INI_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(uint64_t *)(void *)field = v;
		return MEF_OK;
	}
	if (t->kind == INI_CHOICE && !choice_ok(t, value, why, whysz))
		return MEF_E_INVAL;
	if (t->kind == INI_TEXT && t->ok != NULL && !t->ok(value, len)) {
		snprintf(why, whysz, "%s", t->why);
		return MEF_E_INVAL;
	}
	if (len >= d->size) {
		snprintf(why, whysz, "longer than %zu bytes", d->size - 1);
		return MEF_E_TOOBIG;
	}
	memcpy(field, value, len + 1);
	return MEF_OK;
}

/* 1 when value is one of t's choices; else "not one of a, b, c" in why. */
static int
choice_ok(const struct ini_type *t, const char *value, char *why,
    size_t whysz)
{
	size_t	i, n;

	for (i = 0; t->choices[i] != NULL; i++)
		if (strcmp(value, t->choices[i]) == 0)
			return 1;
	n = (size_t)snprintf(why, whysz, "not one of");
	for (i = 0; t->choices[i] != NULL && n < whysz; i++)
		n += (size_t)snprintf(why + n, whysz - n, "%s %s",
		    i == 0 ? "" : ",", t->choices[i]);
	return 0;
}

static void
value_print(const struct ini_directive *d, const char *base, FILE *fp)
{
	const char	*field = base + d->off;

	if (d->flags & INI_SENSITIVE)
		fprintf(fp, "%s = (redacted)\n", d->name);
	else if (d->type->kind == INI_UINT)
		fprintf(fp, "%s = %u\n", d->name,
		    *(const unsigned *)(const void *)field);
	else if (d->type->kind == INI_U64)
		fprintf(fp, "%s = %llu\n", d->name, (unsigned long long)
		    *(const uint64_t *)(const void *)field);
	else if (*field == '\0')
		fprintf(fp, "; %s is not set\n", d->name);
	else
		fprintf(fp, "%s = %s\n", d->name, field);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct ini_load	*p = user;
	int		 idx;
	int		*seen;

	if (*section == '\0') {
		load_error(p, p->lineno, "'%s' outside any section", name);
		return 0;
	}
	if (p->section == NULL)
		return 1;	/* the reader already reported the section */
	idx = dir_index(p->s, p->section, name);
	if (idx < 0) {
		load_error(p, p->lineno, "unknown directive '%s' in [%s%s]",
		    name, p->section, scope_suffix(p, p->scope));
		return 0;
	}
	seen = &p->seen[p->scope * p->s->ndirs + (size_t)idx];
	if (*seen != 0) {
		load_error(p, p->lineno, "%s already set at line %d", name,
		    *seen);
		return 0;
	}
	*seen = p->lineno;
	handler_value(p, &p->s->dirs[idx], value);
	return !p->failed;
}

/* Stores value into the current section's field of d, or reports why not. */
static void
handler_value(struct ini_load *p, const struct ini_directive *d,
    const char *value)
{
	char	 why[128];
	char	*base = p->cfg;

	if (p->scope > 0)
		base = elem_base(p->s, p->cfg, p->scope - 1);
	if (value_set(d, base, value, why, sizeof(why)) == MEF_OK)
		return;
	/* Redaction first: no sensitive value reaches a message. */
	if ((d->flags & INI_SENSITIVE) || d->type->noecho ||
	    d->type->kind == INI_UINT || d->type->kind == INI_U64 ||
	    *value == '\0')
		load_error(p, p->lineno, "%s: %s", d->name, why);
	else
		load_error(p, p->lineno, "%s: '%.64s' %s", d->name, value, why);
}

/*
 * fgets() for inih that counts lines, refuses lines longer than inih's buffer
 * (inih would read the rest as a new line) and enters every [section] header.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct ini_load	*p = stream;
	const char	*s, *e;
	ssize_t		 n;

	n = getline(&p->line, &p->linecap, p->fp);
	if (n < 0)
		return NULL;
	p->lineno++;
	if ((size_t)n >= (size_t)num || strlen(p->line) != (size_t)n) {
		load_error(p, p->lineno, "%s", (size_t)n >= (size_t)num ?
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
		section_enter(p, s, (size_t)(e - s));
	}
	return str;
}

/* Makes name (not NUL-terminated) the current section, or reports it. */
static void
section_enter(struct ini_load *p, const char *name, size_t len)
{
	const struct ini_schema	*s = p->s;
	size_t			 i, plen;

	p->section = NULL;
	p->scope = 0;
	if (s->repeat != NULL) {
		plen = strlen(s->repeat->prefix);
		if (len >= plen &&
		    strncmp(name, s->repeat->prefix, plen) == 0) {
			repeat_enter(p, name + plen, len - plen);
			return;
		}
	}
	for (i = 0; i < s->nsections; i++) {
		if (strlen(s->sections[i]) == len &&
		    strncmp(s->sections[i], name, len) == 0) {
			p->section = s->sections[i];
			return;
		}
	}
	load_error(p, p->lineno, "unknown section [%.*s]",
	    (int)(len > 64 ? 64 : len), name);
}

/* Appends an element named name to the repeated section's array. */
static void
repeat_enter(struct ini_load *p, const char *name, size_t len)
{
	const struct ini_repeat	*r = p->s->repeat;
	struct ini_directive	 nd = { .type = r->name_type,
	    .off = r->name_off, .size = r->name_size };
	size_t			*pcount, i;
	char			*elem, why[128];
	char			 tmp[INI_MAX_LINE];

	/* The reader passed a line shorter than INI_MAX_LINE: name fits. */
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	pcount = (size_t *)(void *)(p->cfg + r->count_off);
	if (*pcount >= r->max) {
		load_error(p, p->lineno, "more than %zu [%s...] sections",
		    r->max, r->prefix);
		return;
	}
	elem = elem_base(p->s, p->cfg, *pcount);
	memset(elem, 0, r->elem_size);
	if (value_set(&nd, elem, tmp, why, sizeof(why)) != MEF_OK) {
		load_error(p, p->lineno, "[%s%.64s]: %s", r->prefix, tmp, why);
		return;
	}
	for (i = 0; i < *pcount; i++) {
		if (strcasecmp(elem_base(p->s, p->cfg, i) + r->name_off,
		    tmp) == 0) {
			load_error(p, p->lineno, "[%s%.64s] given twice at "
			    "line %d", r->prefix, tmp, p->scope_line[i + 1]);
			return;
		}
	}
	defaults_apply(p->s, elem, 1);
	p->section = r->prefix;
	p->scope = ++*pcount;
	p->scope_line[p->scope] = p->lineno;
}

/*
 * Required directives, then the rules, of one scope; scope 0 goes on to each
 * element of the repeated section and then counts them.
 */
static void
check_scope(struct ini_load *p, size_t scope)
{
	const struct ini_schema	*s = p->s;
	const struct ini_repeat	*r = s->repeat;
	size_t			 i, n;

	for (i = 0; i < s->ndirs && !p->failed; i++) {
		if (!(s->dirs[i].flags & INI_REQUIRED) ||
		    is_repeated(s, s->dirs[i].section) != (scope > 0) ||
		    p->seen[scope * s->ndirs + i] != 0)
			continue;
		load_error(p, p->scope_line[scope], "[%s%s] %s is required",
		    s->dirs[i].section, scope_suffix(p, scope),
		    s->dirs[i].name);
	}
	for (i = 0; i < s->nrules && !p->failed; i++)
		if (is_repeated(s, s->rules[i].section) == (scope > 0))
			check_rule(p, &s->rules[i], scope);
	if (scope > 0 || r == NULL)
		return;
	n = *(size_t *)(void *)(p->cfg + r->count_off);
	for (i = 0; i < n && !p->failed; i++)
		check_scope(p, i + 1);
	if (!p->failed && n < r->min)
		load_error(p, 0, "at least %zu [%s...] section%s required",
		    r->min, r->prefix, r->min == 1 ? " is" : "s are");
}

/* The first line of a group of one or two directives; 0: none given. */
#define GROUP_LINE(x, y) \
	((x) == 0 ? (y) : (y) == 0 ? (x) : (x) < (y) ? (x) : (y))

static void
check_rule(struct ini_load *p, const struct ini_rule *r, size_t scope)
{
	const char	*sfx = scope_suffix(p, scope);
	char		 g1name[128], g2name[128];
	int		 a, b, c, d, g1, g2;

	a = scope_dir_line(p, r->section, r->a, scope);
	b = scope_dir_line(p, r->section, r->b, scope);
	c = scope_dir_line(p, r->section, r->c, scope);
	d = scope_dir_line(p, r->section, r->d, scope);
	g1 = GROUP_LINE(a, b);
	g2 = GROUP_LINE(c, d);
	group_name(g1name, sizeof(g1name), r->a, r->b);
	group_name(g2name, sizeof(g2name), r->c, r->d);
	switch (r->kind) {
	case INI_TOGETHER:
		if ((a == 0) != (b == 0))
			load_error(p, g1, "[%s%s] %s must be given together",
			    r->section, sfx, g1name);
		break;
	case INI_NEEDS:
		group_name(g2name, sizeof(g2name), r->b, r->c);
		if (a != 0 && (b == 0 || (r->c != NULL && c == 0)))
			load_error(p, a, "[%s%s] %s needs %s", r->section, sfx,
			    r->a, g2name);
		break;
	case INI_EITHER:
		if (g1 != 0 && g2 != 0)
			load_error(p, g1 > g2 ? g1 : g2, "[%s%s] either %s or "
			    "%s, not both", r->section, sfx, g1name, g2name);
		else if (g1 == 0 && g2 == 0)
			load_error(p, p->scope_line[scope], "[%s%s] %s or %s "
			    "is required", r->section, sfx, g1name, g2name);
		break;
	}
}

/* "x and y", or "x" when y is NULL. */
static void
group_name(char *buf, size_t bufsz, const char *x, const char *y)
{
	if (x == NULL)
		snprintf(buf, bufsz, "-");
	else if (y == NULL)
		snprintf(buf, bufsz, "%s", x);
	else
		snprintf(buf, bufsz, "%s and %s", x, y);
}

/* Records the first error only: "path:line: message" (lineno 0: no line). */
static void
load_error(struct ini_load *p, int lineno, const char *fmt, ...)
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

static int
dir_index(const struct ini_schema *s, const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < s->ndirs; i++)
		if (strcmp(s->dirs[i].section, section) == 0 &&
		    strcmp(s->dirs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
is_repeated(const struct ini_schema *s, const char *section)
{
	return s->repeat != NULL && strcmp(section, s->repeat->prefix) == 0;
}

static char *
elem_base(const struct ini_schema *s, char *cfg, size_t e)
{
	return cfg + s->repeat->array_off + e * s->repeat->elem_size;
}

/* The element's name after the prefix; "" for the fixed sections. */
static const char *
scope_suffix(const struct ini_load *p, size_t scope)
{
	if (scope == 0)
		return "";
	return elem_base(p->s, p->cfg, scope - 1) + p->s->repeat->name_off;
}

/* The line section.name was given at in scope; 0: not given or name NULL. */
static int
scope_dir_line(const struct ini_load *p, const char *section,
    const char *name, size_t scope)
{
	int	idx;

	if (name == NULL)
		return 0;
	idx = dir_index(p->s, section, name);
	if (idx < 0)
		fatalx("config rule names unknown [%s] %s", section, name);
	return p->seen[scope * p->s->ndirs + (size_t)idx];
}

static int
addr_ok(const char *value, size_t len)
{
	char		host[HOSTPORT_HOST_MAX];
	uint16_t	port;

	return parse_hostport(value, host, sizeof(host), &port) == MEF_OK;
}

static int
loglevel_ok(const char *value, size_t len)
{
	return log_level_parse(value) >= 0;
}
