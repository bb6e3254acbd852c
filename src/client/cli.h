/*
 * cli.h -- command-line support for the client tools (mef-enrol, mef-fetch);
 * not part of the libmef API.
 *
 * A tool describes its own options in a static table: the long name, an
 * optional short letter, the kind of value and where it goes in the tool's
 * options struct (offsetof). cli_parse() adds the options every tool shares
 * (--mef first; --timeout, -v, -V and -h last) and runs getopt_long() over the
 * lot, so every tool parses, checks and reports a value the same way. Usage
 * errors print "PROG: ..." (or the usage text) and exit with CLI_EXIT_USAGE; a
 * hex key given on the command line becomes a struct mef_secret and is wiped
 * from argv as soon as it is read.
 */
#ifndef MEF_CLIENT_CLI_H
#define MEF_CLIENT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "util/secret.h"
#include "util/strparse.h"

#define CLI_EXIT_RUNTIME	1
#define CLI_EXIT_USAGE		2
#define CLI_OPTS_MAX		32	/* a tool's rows and the shared ones */
#define CLI_TIMEOUT_MS		600000	/* the longest --timeout */

enum cli_type {
	CLI_STRING,	/* const char *: the argument, borrowed from argv */
	CLI_FLAG,	/* int: set to 1, takes no argument */
	CLI_HEXKEY,	/* struct mef_secret *: hex, replaces an earlier one */
	CLI_FUNC,	/* fn(opts, argument) must return MEF_OK */
	CLI_HOSTPORT,	/* the rest are for the shared rows: --mef */
	CLI_MSEC,	/* unsigned: 1..max milliseconds */
	CLI_VERSION,	/* prints "PROG VERSION" and exits 0 */
	CLI_HELP	/* prints the usage and exits CLI_EXIT_USAGE */
};

struct cli_opt {
	const char	*name;		/* without "--" */
	int		 letter;	/* a short option, or 0 */
	enum cli_type	 type;
	size_t		 off;		/* offsetof the value in the options */
	unsigned	 max;		/* CLI_MSEC: the largest value */
	/* CLI_FUNC: stores the value in opts; else "--name: expected ..." */
	enum mef_err	(*fn)(void *opts, const char *arg);
	const char	*expect;	/* CLI_FUNC: what the message expects */
};

/* How cli_warn_mef() words an error where mef_strerror() would be vague. */
struct cli_reason {
	enum mef_err	 rc;
	const char	*text;
};

struct cli {
	const char		*prog;		/* starts messages */
	const char		*usage;		/* the whole usage text */
	const struct cli_opt	*opts;		/* the tool's own options */
	size_t			 nopts;
	const struct cli_reason	*reasons;
	size_t			 nreasons;
};

/* The values of the shared options. */
struct cli_common {
	char		 mef_host[HOSTPORT_HOST_MAX];
	uint16_t	 mef_port;
	const char	*mef;		/* --mef as given (borrowed), or NULL */
	unsigned	 timeout_ms;	/* 0: libmef's default */
	int		 verbose;
};

/*
 * Parses the options of argv: the shared ones into *common, the tool's into
 * opts (the struct its table's offsets point into). Returns the index of the
 * first operand; operands are left to the caller, and so is checking which
 * options are required. Exits on a usage error, --help and --version. Strings
 * are borrowed from argv; CLI_HEXKEY values are owned by opts afterwards (the
 * caller frees them with mef_secret_free()).
 */
int		cli_parse(const struct cli *cli, int argc, char **argv,
		    struct cli_common *common, void *opts);
/* Prints the usage text and exits CLI_EXIT_USAGE. */
void		cli_usage(const struct cli *cli) __attribute__((noreturn));
/* Prints "PROG: message" and exits CLI_EXIT_USAGE. */
void		cli_usage_error(const struct cli *cli, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
/* Prints "PROG: message" on stderr. */
void		cli_warnx(const struct cli *cli, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Prints "PROG: HOST:PORT: reason" for rc, worded by cli->reasons. */
void		cli_warn_mef(const struct cli *cli,
		    const struct cli_common *common, enum mef_err rc);
/* 1 when s is an identifier of 1..MEF_ID_MAX bytes, 0 when not or NULL. */
int		cli_is_ident(const char *s);
/*
 * Reads a hex key file (keyfile_read()) into *pkey. Returns 0, or
 * CLI_EXIT_RUNTIME after saying why on stderr.
 */
int		cli_read_key(const struct cli *cli, const char *path,
		    struct mef_secret **pkey);
/* Flushes stdout. Returns 0, or CLI_EXIT_RUNTIME after saying why. */
int		cli_flush(const struct cli *cli);

#endif /* MEF_CLIENT_CLI_H */
