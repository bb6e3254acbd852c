/*
 * lg_opts.h -- bench_loadgen's command line: its modes and options.
 *
 * The modes are a table in lg_opts.c (what each sends, expects and
 * authenticates with); parsing checks every combination once, so the event
 * loops trust what they find here.
 */
#ifndef MEF_BENCH_LG_OPTS_H
#define MEF_BENCH_LG_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "lg_lines.h"

#define LG_PSK_MAX		64
#define LG_CREDS_ARGS_MAX	16	/* -i, -k, -o on the command line */
#define LG_CONNS_MAX		200000	/* -c */
#define LG_THREADS_MAX		64	/* -t */
#define LG_CN_MAX		256

enum lg_kind {
	LG_BOOTSTRAP,		/* per op: connect, handshake, export, POST */
	LG_FETCH,		/* keep-alive GET /fetchCredentials/<KeId> */
	LG_HANDSHAKE,		/* per op: connect, handshake, export */
	LG_GET,			/* GET PATH, per connection or keep-alive */
	LG_IDLE,		/* one fetch per connection, then held */
};

/* What a mode authenticates with. */
enum lg_auth {
	LG_AUTH_PSK,
	LG_AUTH_CERT,
	LG_AUTH_EITHER,		/* a certificate when -C is given */
};

struct lg_mode {
	const char	*name;
	enum lg_kind	 kind;
	int		 keep_alive;	/* many requests per connection */
	int		 expect;	/* HTTP status; 0: no request */
	enum lg_auth	 auth;
};

/* What one connection presents: PSK identity and key, and its X-M2M-Origin. */
struct lg_cred {
	char		*identity;
	char		*origin;
	unsigned char	 psk[LG_PSK_MAX];
	size_t		 psk_len;
};

/* What the command line asks for. */
struct lg_opts {
	const struct lg_mode	*m;
	const char		*host;
	const char		*port;
	int			 conns;		/* -c, over all threads */
	int			 threads;	/* -t */
	double			 seconds;	/* -d */
	double			 warmup_s;	/* -w */
	uint64_t		 count;		/* -n; 0: by time */
	double			 timeout_s;	/* -T: per op */
	int			 plain;		/* -P: TCP, no TLS */
	int			 tls13;		/* -V 1.3 */
	struct lg_cred		*creds;		/* the rotation */
	size_t			 ncreds;
	const char		*keyid;		/* -e */
	struct lg_lines		 keys;		/* -E */
	struct lg_lines		 cred_lines;	/* -I */
	const char		*path;		/* -u */
	const char		*cipher;	/* -s */
	const char		*accept;	/* -H */
	const char		*cert_file;	/* -C */
	const char		*key_file;	/* -K */
	const char		*ca_file;	/* -A: verify the server */
	int			 cert;		/* authenticate with -C, -K */
	long long		 body_len;	/* -b; -1: any */
	char			 cn[LG_CN_MAX];	/* default origin */
};

/*
 * Parses argv into o (zeroed by the caller): the mode in argv[1], then the
 * options. A bad command line prints the usage and exits 2; a file (-E, -I)
 * that cannot be read or parsed exits 1. o keeps pointers into argv.
 */
void	lg_opts_parse(int argc, char *argv[], struct lg_opts *o);
/* Wipes the keys and frees what lg_opts_parse() allocated. */
void	lg_opts_free(struct lg_opts *o);

#endif /* MEF_BENCH_LG_OPTS_H */
