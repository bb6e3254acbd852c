/*
 * cli.c -- table-driven option parsing and messages for the client tools.
 *
 * getopt_long() does the scanning (and words the messages for unknown options
 * and missing arguments); this file builds its option array from the shared
 * rows and the tool's table, and turns each argument into a value of the row's
 * type. Every value is checked as it is read, so a bad one stops the tool
 * before anything connects.
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/keyfile.h"
#include "mef/limits.h"

#define CLI_LONG_BASE	256	/* getopt_long() value of row i: base + i */

#define F(field)	offsetof(struct cli_common, field)

/* The shared options: --mef before the tool's own, the others after. */
static const struct cli_opt common_head[] = {
	{ "mef", 0, CLI_HOSTPORT, 0, 0, NULL, NULL },
};

static const struct cli_opt common_tail[] = {
	{ "timeout", 0, CLI_MSEC, F(timeout_ms), CLI_TIMEOUT_MS, NULL, NULL },
	{ "verbose", 'v', CLI_FLAG, F(verbose), 0, NULL, NULL },
	{ "version", 'V', CLI_VERSION, 0, 0, NULL, NULL },
	{ "help", 'h', CLI_HELP, 0, 0, NULL, NULL },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* All the rows, as getopt_long() sees them and as we look them up. */
struct view {
	struct option		 longopts[CLI_OPTS_MAX + 1];
	char			 shortopts[2 * CLI_OPTS_MAX + 1];
	const struct cli_opt	*rows[CLI_OPTS_MAX];
	void			*bases[CLI_OPTS_MAX];	/* row's struct */
	size_t			 nrows, nshort;
};

static void		view_add(struct view *, const struct cli_opt *, size_t,
			    void *);
static size_t		find_row(const struct view *, int);
static void		take_value(const struct cli *, const struct cli_opt *,
			    char *, void *);
static void		take_hostport(const struct cli *,
			    const struct cli_opt *, const char *,
			    struct cli_common *);
static void		take_hexkey(const struct cli *, const struct cli_opt *,
			    char *, struct mef_secret **);
static void		vsay(const struct cli *, const char *, va_list)
			    __attribute__((format(printf, 2, 0)));

/* see cli.h */
int
cli_parse(const struct cli *cli, int argc, char **argv,
    struct cli_common *common, void *opts)
{
	struct view	v;
	size_t		i;
	int		ch;

	memset(&v, 0, sizeof(v));
	view_add(&v, common_head, NITEMS(common_head), common);
	view_add(&v, cli->opts, cli->nopts, opts);
	view_add(&v, common_tail, NITEMS(common_tail), common);
	for (;;) {
		ch = getopt_long(argc, argv, v.shortopts, v.longopts, NULL);
		if (ch == -1)
			break;
		i = find_row(&v, ch);
		if (i == v.nrows)
			cli_usage(cli);	/* getopt_long() said what was wrong */
		take_value(cli, v.rows[i], optarg, v.bases[i]);
	}
	return optind;
}

/* see cli.h */
void
cli_usage(const struct cli *cli)
{
	fputs(cli->usage, stderr);
	exit(CLI_EXIT_USAGE);
}

/* see cli.h */
void
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsay(cli, fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_USAGE);
}

/* see cli.h */
void
cli_warnx(const struct cli *cli, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsay(cli, fmt, ap);
	va_end(ap);
}

/* see cli.h */
void
cli_warn_mef(const struct cli *cli, const struct cli_common *common,
    enum mef_err rc)
{
	const char	*text;
	size_t		 i;

	text = mef_strerror(rc);
	for (i = 0; i < cli->nreasons; i++)
		if (cli->reasons[i].rc == rc)
			text = cli->reasons[i].text;
	cli_warnx(cli, "%s: %s", common->mef, text);
}

/* see cli.h */
int
cli_is_ident(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= MEF_ID_MAX;
}

/* see cli.h */
int
cli_read_key(const struct cli *cli, const char *path,
    struct mef_secret **pkey)
{
	enum mef_err	rc;

	rc = keyfile_read(path, KEYFILE_KEY_MAX, pkey);
	if (rc == MEF_OK)
		return 0;
	if (rc == MEF_E_IO)
		cli_warnx(cli, "%s: %s", path, strerror(errno));
	else
		cli_warnx(cli, "%s: not a key in hex", path);
	return CLI_EXIT_RUNTIME;
}

/* see cli.h */
int
cli_flush(const struct cli *cli)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	cli_warnx(cli, "stdout: %s", strerror(errno));
	return CLI_EXIT_RUNTIME;
}

/*
 * Appends rows, whose values go into base, keeping their order (which decides
 * how abbreviations resolve). A row with a letter returns that letter, so -v
 * and --verbose are one option; the others return CLI_LONG_BASE + row.
 */
static void
view_add(struct view *v, const struct cli_opt *rows, size_t n, void *base)
{
	const struct cli_opt	*row;
	struct option		*lo;
	size_t			 i;

	assert(v->nrows + n <= CLI_OPTS_MAX);
	for (i = 0; i < n; i++) {
		row = &rows[i];
		lo = &v->longopts[v->nrows];
		lo->name = row->name;
		lo->has_arg = row->type == CLI_FLAG ||
		    row->type == CLI_VERSION || row->type == CLI_HELP ?
		    no_argument : required_argument;
		lo->val = row->letter != 0 ? row->letter :
		    CLI_LONG_BASE + (int)v->nrows;
		v->rows[v->nrows] = row;
		v->bases[v->nrows++] = base;
		if (row->letter == 0)
			continue;
		v->shortopts[v->nshort++] = (char)row->letter;
		if (lo->has_arg == required_argument)
			v->shortopts[v->nshort++] = ':';
	}
}

/* The row getopt_long() returned ch for; v->nrows for '?' (an error). */
static size_t
find_row(const struct view *v, int ch)
{
	size_t	i;

	if (ch >= CLI_LONG_BASE && (size_t)(ch - CLI_LONG_BASE) < v->nrows)
		return (size_t)(ch - CLI_LONG_BASE);
	for (i = 0; i < v->nrows; i++)
		if (v->rows[i]->letter != 0 && v->rows[i]->letter == ch)
			break;
	return i;
}

static void
take_value(const struct cli *cli, const struct cli_opt *opt, char *arg,
    void *base)
{
	void		*dst = (char *)base + opt->off;
	uint64_t	 v;

	switch (opt->type) {
	case CLI_STRING:
		*(const char **)dst = arg;
		break;
	case CLI_FLAG:
		*(int *)dst = 1;
		break;
	case CLI_HOSTPORT:
		take_hostport(cli, opt, arg, dst);
		break;
	case CLI_HEXKEY:
		take_hexkey(cli, opt, arg, dst);
		break;
	case CLI_MSEC:
		if (parse_u64(arg, strlen(arg), 1, opt->max, &v) != MEF_OK)
			cli_usage_error(cli, "--%s: expected 1..%u "
			    "milliseconds", opt->name, opt->max);
		*(unsigned *)dst = (unsigned)v;
		break;
	case CLI_FUNC:
		if (opt->fn(base, arg) != MEF_OK)
			cli_usage_error(cli, "--%s: expected %s", opt->name,
			    opt->expect);
		break;
	case CLI_VERSION:
		printf("%s %s\n", cli->prog, MEF_VERSION);
		exit(0);
	case CLI_HELP:
		cli_usage(cli);
	}
}

static void
take_hostport(const struct cli *cli, const struct cli_opt *opt,
    const char *arg, struct cli_common *common)
{
	if (parse_hostport(arg, common->mef_host, sizeof(common->mef_host),
	    &common->mef_port) != MEF_OK)
		cli_usage_error(cli, "--%s: expected HOST:PORT, got '%s'",
		    opt->name, arg);
	common->mef = arg;
}

/* The key replaces an earlier one; its text leaves argv on every path. */
static void
take_hexkey(const struct cli *cli, const struct cli_opt *opt, char *arg,
    struct mef_secret **pkey)
{
	enum mef_err	rc;

	mef_secret_free(pkey);
	rc = mef_secret_from_hex(arg, strlen(arg), pkey);
	mef_wipe(arg, strlen(arg));
	if (rc != MEF_OK)
		cli_usage_error(cli, "--%s: expected an even number of hex "
		    "digits", opt->name);
}

static void
vsay(const struct cli *cli, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}
