/*
 * gate_config.h -- mef-gate.conf: the gate's INI file.
 *
 *     [gate]
 *     listen = 127.0.0.1:7443          ; Enrolees connect here (TLS 1.2 PSK)
 *     upstream = http://127.0.0.1:8080 ; the CSE, plain HTTP on a local address
 *     target_id = /in-cse-1            ; this Target's ID at the MEFs (X-M2M-Origin)
 *     [mef:mef.example.com]            ; one section per MEF, named by its FQDN
 *     url = 127.0.0.1:9443
 *     psk_id = gate-1
 *     psk_file = /etc/mef/gate-1.psk   ; or cert = / key = / ca =
 *
 * The same directive table mechanism as mefd.conf (types, bounds, defaults,
 * file:line errors); [mef:FQDN] sections repeat, one per MEF.
 */
#ifndef MEF_GATE_GATE_CONFIG_H
#define MEF_GATE_GATE_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mef/error.h"
#include "mef/limits.h"

#define GATE_ADDR_MAX	(256 + 8)
#define GATE_MEFS_MAX	32

struct gate_mef {
	char		fqdn[MEF_FQDN_MAX + 1];		/* from the section name */
	char		url[GATE_ADDR_MAX];		/* host:port, required */
	char		psk_id[MEF_ID_MAX + 1];		/* PSK ... */
	char		psk_file[PATH_MAX];		/* ... hex, 1..512 bytes */
	char		cert[PATH_MAX];			/* ... or certificate */
	char		key[PATH_MAX];
	char		ca[PATH_MAX];			/* verify the MEF (optional) */
	char		accept[8];			/* json|xml|cbor, default json */
	char		tls[8];				/* default|1.2|1.3 */
	unsigned	timeout_ms;			/* one fetch, default 5000 */
};

struct gate_config {
	/* [gate] */
	char		listen[GATE_ADDR_MAX];		/* required */
	char		upstream[GATE_ADDR_MAX + 16];	/* http://host:port, required */
	char		upstream_addr[GATE_ADDR_MAX];	/* host:port, derived */
	char		target_id[MEF_ID_MAX + 1];	/* required */
	unsigned	workers;			/* 0 = CPUs */
	char		log_level[8];
	unsigned	fetch_threads;			/* default 16 */

	/* [cache] */
	unsigned	cache_max_s;			/* 0 = Lifetime only */
	unsigned	negative_ttl_s;			/* MEF said no: 1..300, 5 */
	unsigned	error_ttl_s;			/* MEF unreachable: 1..300, 1 */
	unsigned	cache_entries;			/* 1..1048576, 100000 */

	/* [limits] */
	unsigned	max_connections;		/* per loop, default 10000 */
	unsigned	handshake_timeout_ms;		/* incl. the fetch, 10000 */
	unsigned	idle_timeout_ms;		/* default 60000 */
	unsigned	header_max;			/* default 16384 */

	size_t		nmefs;				/* at least 1 */
	struct gate_mef	mefs[GATE_MEFS_MAX];
};

/*
 * Reads path into *cfg (defaults first) and checks it: required values, one of
 * psk_id+psk_file or cert+key per MEF, a known MEF section name (a DNS name, each
 * once), an http:// upstream with a numeric host. MEF_E_CONFIG with
 * "path:line: message" in err.
 */
enum mef_err	gate_config_load(const char *path, struct gate_config *cfg,
		    char *err, size_t errsz);
/* The effective configuration in INI form (no secrets are in it: keys live in files). */
void		gate_config_print(const struct gate_config *cfg, FILE *fp);

#endif /* MEF_GATE_GATE_CONFIG_H */
