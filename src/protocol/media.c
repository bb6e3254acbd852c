/*
 * media.c -- Accept and Content-Type for the three answer formats.
 *
 * Accept follows RFC 9110 12.5.1: each format takes the q-value of the most
 * specific range that names it (the exact type, then any application type, then
 * any type), q=0 excludes it, and the highest q wins. Equal q-values go to the
 * range the client listed first, and a wildcard that covers several formats
 * picks JSON, then XML, then CBOR. A range with a malformed q-value is ignored
 * rather than guessed at. Quoted parameter values are skipped as a whole, so a
 * comma inside quotes does not split a range.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "protocol/media.h"

#define MEDIA_NFMT	3
#define Q_MAX		1000	/* q-values in thousandths */

struct media_name {
	const char	*name;
	enum mef_format	 fmt;
};

static const struct media_name media_names[] = {
	{ "application/json", MEF_FMT_JSON },
	{ "application/xml", MEF_FMT_XML },
	{ "application/cbor", MEF_FMT_CBOR },
	{ "application/vnd.onem2m-res+json", MEF_FMT_JSON },
	{ "application/vnd.onem2m-res+xml", MEF_FMT_XML },
	{ "application/vnd.onem2m-res+cbor", MEF_FMT_CBOR },
};

/* What one Accept element grants: which formats, how specifically, which q. */
struct media_range {
	int	covers[MEDIA_NFMT];
	int	specificity;	/* 2 exact, 1 application, 0 any */
	int	q;		/* 0..Q_MAX */
};

struct media_best {
	int	specificity;	/* -1: not named */
	int	q;
	size_t	pos;
};

static int	is_ows(char);
static void	trim(const char **, size_t *);
static size_t	element_end(const char *, size_t, size_t, char);
static int	type_lookup(const char *, size_t, enum mef_format *);
static int	parse_q(const char *, size_t, int *);
static int	parse_range(const char *, size_t, struct media_range *);

/* see media.h */
enum mef_err
media_from_accept(const char *accept, size_t len, enum mef_format *pfmt)
{
	struct media_best	best[MEDIA_NFMT];
	struct media_range	r;
	const char		*p;
	size_t			 i, end, plen, pos = 0;
	int			 f, pick = -1, blank = 1;

	if (accept == NULL) {
		*pfmt = MEF_FMT_JSON;
		return MEF_OK;
	}
	for (f = 0; f < MEDIA_NFMT; f++)
		best[f].specificity = -1;
	for (i = 0; i <= len; i = end + 1, pos++) {
		end = element_end(accept, len, i, ',');
		p = accept + i;
		plen = end - i;
		trim(&p, &plen);
		if (plen == 0)
			continue;
		blank = 0;
		if (!parse_range(p, plen, &r))
			continue;
		for (f = 0; f < MEDIA_NFMT; f++) {
			if (!r.covers[f] ||
			    r.specificity <= best[f].specificity)
				continue;
			best[f].specificity = r.specificity;
			best[f].q = r.q;
			best[f].pos = pos;
		}
	}
	/* A blank Accept asks for nothing in particular: the default. */
	if (blank) {
		*pfmt = MEF_FMT_JSON;
		return MEF_OK;
	}
	for (f = 0; f < MEDIA_NFMT; f++) {
		if (best[f].specificity < 0 || best[f].q == 0)
			continue;
		if (pick < 0 || best[f].q > best[pick].q ||
		    (best[f].q == best[pick].q && best[f].pos < best[pick].pos))
			pick = f;
	}
	if (pick < 0)
		return MEF_E_INVAL;
	*pfmt = (enum mef_format)pick;
	return MEF_OK;
}

/* see media.h */
enum mef_err
media_from_content_type(const char *ct, size_t len, enum mef_format *pfmt)
{
	const char	*p = ct;
	size_t		 plen;

	if (ct == NULL)
		return MEF_E_INVAL;
	plen = element_end(ct, len, 0, ';');
	trim(&p, &plen);
	if (!type_lookup(p, plen, pfmt))
		return MEF_E_INVAL;
	return MEF_OK;
}

/* see media.h */
const char *
media_type(enum mef_format fmt)
{
	switch (fmt) {
	case MEF_FMT_XML:
		return "application/xml";
	case MEF_FMT_CBOR:
		return "application/cbor";
	case MEF_FMT_JSON:
	default:
		return "application/json";
	}
}

/* see media.h */
enum mef_err
media_from_name(const char *name, enum mef_format *pfmt)
{
	if (name == NULL)
		return MEF_E_INVAL;
	if (strcmp(name, "json") == 0)
		*pfmt = MEF_FMT_JSON;
	else if (strcmp(name, "xml") == 0)
		*pfmt = MEF_FMT_XML;
	else if (strcmp(name, "cbor") == 0)
		*pfmt = MEF_FMT_CBOR;
	else
		return MEF_E_INVAL;
	return MEF_OK;
}

/* Parses one Accept element "type/subtype *(; param)"; 0 if it names none. */
static int
parse_range(const char *s, size_t len, struct media_range *r)
{
	const char	*p;
	size_t		 i, end, plen;
	enum mef_format	 fmt;
	int		 f;

	memset(r, 0, sizeof(*r));
	r->q = Q_MAX;
	end = element_end(s, len, 0, ';');
	p = s;
	plen = end;
	trim(&p, &plen);
	if (type_lookup(p, plen, &fmt)) {
		r->covers[fmt] = 1;
		r->specificity = 2;
	} else if ((plen == 13 && strncasecmp(p, "application/*", 13) == 0) ||
	    (plen == 3 && memcmp(p, "*/*", 3) == 0) ||
	    (plen == 1 && p[0] == '*')) {
		for (f = 0; f < MEDIA_NFMT; f++)
			r->covers[f] = 1;
		r->specificity = plen == 13 ? 1 : 0;
	} else
		return 0;
	for (i = end + 1; i <= len; i = end + 1) {
		end = element_end(s, len, i, ';');
		p = s + i;
		plen = end - i;
		trim(&p, &plen);
		if (plen < 2 || (p[0] != 'q' && p[0] != 'Q'))
			continue;
		p++;
		plen--;
		trim(&p, &plen);
		if (plen == 0 || p[0] != '=')
			continue;
		p++;
		plen--;
		trim(&p, &plen);
		if (!parse_q(p, plen, &r->q))
			return 0;
	}
	return 1;
}

/* qvalue = "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ], in thousandths. */
static int
parse_q(const char *s, size_t len, int *pq)
{
	size_t	i;
	int	q, scale = 100;

	if (len == 0 || len > 5 || (s[0] != '0' && s[0] != '1'))
		return 0;
	q = (s[0] - '0') * Q_MAX;
	if (len == 1)
		goto done;
	if (s[1] != '.')
		return 0;
	for (i = 2; i < len; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		q += (s[i] - '0') * scale;
	}
	if (q > Q_MAX)
		return 0;
done:
	*pq = q;
	return 1;
}

/* 1 and *pfmt when s names one of our types exactly (case-insensitively). */
static int
type_lookup(const char *s, size_t len, enum mef_format *pfmt)
{
	size_t	i;

	for (i = 0; i < sizeof(media_names) / sizeof(media_names[0]); i++) {
		if (strlen(media_names[i].name) == len &&
		    strncasecmp(media_names[i].name, s, len) == 0) {
			*pfmt = media_names[i].fmt;
			return 1;
		}
	}
	return 0;
}

/*
 * The index of the next sep at or after start, outside quoted strings, or len.
 * A backslash inside quotes escapes the next character.
 */
static size_t
element_end(const char *s, size_t len, size_t start, char sep)
{
	size_t	i;
	int	quoted = 0;

	for (i = start; i < len; i++) {
		if (quoted && s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == sep)
			break;
	}
	return i;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **ps, size_t *plen)
{
	while (*plen > 0 && is_ows((*ps)[0])) {
		(*ps)++;
		(*plen)--;
	}
	while (*plen > 0 && is_ows((*ps)[*plen - 1]))
		(*plen)--;
}
