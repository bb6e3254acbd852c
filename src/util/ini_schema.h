/*
 * ini_schema.h -- INI files read into a struct through a static schema.
 *
 * A schema is tables only (STYLE.md section 8): directives with their type,
 * bounds, default and place in the struct, the known sections, at most one
 * repeated section such as [mef:<fqdn>] that fills an array, and the rules
 * between directives (given together, one needs another, one of two groups).
 * The engine reads the file with inih through its own line reader and reports
 * the first error as "path:line: message". mefd.conf and mef-gate.conf use it.
 */
#ifndef MEF_UTIL_INI_SCHEMA_H
#define MEF_UTIL_INI_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mef/error.h"

enum ini_kind {
	INI_TEXT,		/* a string field; ok() decides */
	INI_CHOICE,		/* a string field; one of choices[] */
	INI_UINT,		/* an unsigned field in [min, max] */
	INI_U64,		/* a uint64_t field in [min, max] */
};

/*
 * The type of a value. The engine defines the common ones below; a schema
 * may define its own check (a text type with its ok()) or choice list. Types
 * are static tables, so a directive holds a pointer to one.
 */
struct ini_type {
	enum ini_kind		 kind;
	int			(*ok)(const char *value, size_t len);
	const char		*why;		/* ok() refused: "not ..." */
	const char *const	*choices;	/* INI_CHOICE: NULL ends */
	int			 noecho;	/* errors omit the value */
};

extern const struct ini_type	ini_str;	/* any non-empty text */
extern const struct ini_type	ini_fqdn;	/* a DNS name */
extern const struct ini_type	ini_addr;	/* host:port or [v6]:port */
extern const struct ini_type	ini_loglevel;	/* error|warn|info|debug */
extern const struct ini_type	ini_uint;	/* unsigned in [min, max] */
extern const struct ini_type	ini_u64;	/* uint64_t in [min, max] */

#define INI_REQUIRED	0x01	/* must be given (in each repeated section) */
#define INI_SENSITIVE	0x02	/* never echoed: printed as (redacted) */

struct ini_directive {
	const char		*section;	/* or the repeated prefix */
	const char		*name;
	const struct ini_type	*type;
	unsigned		 flags;		/* INI_* */
	uint64_t		 min, max;	/* INI_UINT, INI_U64 */
	const char		*def;		/* NULL: none (empty, 0) */
	size_t			 off;		/* into the struct or element */
	size_t			 size;		/* of that field */
};

/*
 * A repeated section "[<prefix><name>]": each occurrence appends one element
 * (defaults applied) to an array in the struct. name is checked by name_type,
 * is copied into the element, and may occur once (case-insensitively: these
 * are DNS names). The directives of such a section have section == prefix
 * and offsets into the element.
 */
struct ini_repeat {
	const char		*prefix;	/* "mef:" */
	const struct ini_type	*name_type;
	size_t			 name_off;	/* into the element */
	size_t			 name_size;
	size_t			 array_off;	/* into the struct */
	size_t			 elem_size;
	size_t			 count_off;	/* a size_t in the struct */
	size_t			 min, max;	/* occurrences */
};

enum ini_rule_kind {
	INI_TOGETHER,		/* a and b are given together, or neither */
	INI_NEEDS,		/* a needs b (and c); b and c go together */
	INI_EITHER,		/* exactly one of a (+ b) and c (+ d) */
};

/* A rule within one section (or within each repeated section). */
struct ini_rule {
	enum ini_rule_kind	 kind;
	const char		*section;	/* or the repeated prefix */
	const char		*a, *b, *c, *d;	/* NULL when unused */
};

struct ini_schema {
	size_t				 cfg_size;	/* of the struct */
	const struct ini_directive	*dirs;
	size_t				 ndirs;
	const char *const		*sections;	/* the fixed ones */
	size_t				 nsections;
	const struct ini_repeat		*repeat;	/* NULL: none */
	const struct ini_rule		*rules;
	size_t				 nrules;
};

/*
 * Zeroes cfg and sets every default of the fixed sections (elements of the
 * repeated section get theirs when they appear). A default that does not
 * parse is a bug in the schema: fatalx().
 */
void		ini_schema_defaults(const struct ini_schema *s, void *cfg);
/*
 * Reads path into cfg (defaults first), then checks required directives, the
 * rules and the number of repeated sections. On error returns MEF_E_CONFIG
 * (MEF_E_NOMEM when out of memory) with "path:line: message", or "path:
 * message" when no line applies, in err; cfg then holds partial values.
 */
enum mef_err	ini_schema_load(const struct ini_schema *s, const char *path,
		    void *cfg, char *err, size_t errsz);
/* Prints cfg in INI form: fixed sections, then each repeated one. */
void		ini_schema_print(const struct ini_schema *s, const void *cfg,
		    FILE *fp);

#endif /* MEF_UTIL_INI_SCHEMA_H */
