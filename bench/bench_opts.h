/*
 * bench_opts.h -- bench_quick's command line: its modes and options.
 *
 * The modes are a table in bench_opts.c; parsing checks every combination
 * once, so the runs in bench_quick.c trust what they find here.
 */
#ifndef MEF_BENCH_BENCH_OPTS_H
#define MEF_BENCH_BENCH_OPTS_H

#include <stddef.h>

#include "bench_conn.h"
#include "bench_keys.h"

#define BENCH_CREDS_MAX		16	/* -i, -k, -o */
#define BENCH_IDLE_CONNS_MAX	100000	/* idle: -c */

enum mode {
	MODE_BOOTSTRAP,
	MODE_FETCH,
	MODE_HANDSHAKE,
	MODE_GET,
	MODE_IDLE,
};

/* What a mode authenticates with. */
enum auth {
	AUTH_PSK = 0,
	AUTH_CERT,
	AUTH_EITHER,		/* a certificate when -C is given */
};

struct mode_desc {
	const char	*name;
	enum mode	 mode;
	int		 keep_alive;	/* one connection per thread */
	int		 expect;	/* HTTP status; 0: no request */
	enum auth	 auth;
};

#define BENCH_CN_MAX	256

/* What the command line asks for. */
struct bench_opts {
	const struct mode_desc	*m;
	const char		*host;
	const char		*port;
	int			 clients;
	int			 seconds;
	int			 plain;		/* -P: TCP, no TLS */
	struct bench_cred	 creds[BENCH_CREDS_MAX];
	size_t			 ncreds;
	const char		*keyid;
	const char		*path;
	const char		*cipher;
	const char		*cert_file;	/* -C */
	const char		*key_file;	/* -K */
	const char		*ca_file;	/* -A: verify the server */
	int			 cert;		/* authenticate with -C, -K */
	struct bench_keys	 keys;		/* -E */
	char			 cn[BENCH_CN_MAX];	/* default origin */
};

/*
 * Parses argv into o (zeroed by the caller): the mode in argv[1], then the
 * options. A bad command line prints the usage and exits 2; a KeId file (-E)
 * that cannot be read exits 1. o keeps pointers into argv.
 */
void	bench_opts_parse(int argc, char *argv[], struct bench_opts *o);

#endif /* MEF_BENCH_BENCH_OPTS_H */
