/*
 * audit_line.h -- one audit log entry as one line of JSON, and back.
 *
 * A line is a JSON object with every key present, always in this order:
 *   {"seq":N,"time":"2026-01-02T03:04:05.678Z","event":"fetch","actor":"mefd",
 *    "peer":"127.0.0.1:40000","kpm_id":null,"ke_id":"...","enrolee_id":null,
 *    "target_id":"...","object":null,"outcome":"granted","rsc":2000,
 *    "prev":"<64 hex>","mac":"<64 hex>"}
 * mac is HMAC-SHA-256, under the audit key, of every byte before ',"mac":"';
 * prev is the mac of the line before (64 zeros for seq 1). Entries carry identities
 * and outcomes, never key bytes. Strings are escaped so a line is valid UTF-8
 * JSON whatever a peer sent: quote, backslash, control characters and DEL as
 * escapes, bytes that are not well-formed UTF-8 as U+FFFD.
 */
#ifndef MEF_AUDIT_AUDIT_LINE_H
#define MEF_AUDIT_AUDIT_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mac.h"
#include "mef/error.h"
#include "mef/limits.h"

#define AUDIT_LINE_MAX		16384	/* bytes, without the newline */
#define AUDIT_EVENT_MAX		32
#define AUDIT_FIELD_MAX		(MEF_KEYID_MAX + 1)	/* any identity, NUL */
#define AUDIT_MAC_SUFFIX_LEN	(8 + 2 * MAC_LEN + 2)	/* ,"mac":"<hex>"} */

/* What happened. Empty strings and rsc 0 are written as null. */
struct audit_entry {
	int64_t	time_ms;		/* wall clock; 0: stamp when written */
	char	event[AUDIT_EVENT_MAX];	/* bootstrap, fetch, enrolee-add, ... */
	char	actor[64];		/* "mefd", "mefctl uid=0" */
	char	peer[64];		/* "addr:port" of a network peer */
	char	kpm_id[AUDIT_FIELD_MAX];
	char	ke_id[AUDIT_FIELD_MAX];
	char	enrolee_id[AUDIT_FIELD_MAX];
	char	target_id[AUDIT_FIELD_MAX];
	char	object[AUDIT_FIELD_MAX];	/* anchor name, detail */
	char	outcome[AUDIT_EVENT_MAX];	/* granted, refused, done */
	int	rsc;			/* oneM2M response status code */
};

/* What audit_line_parse() found in a line. */
struct audit_parsed {
	uint64_t	seq;
	unsigned char	prev[MAC_LEN];
	unsigned char	mac[MAC_LEN];
	size_t		body_len;	/* bytes the mac covers */
	char		event[AUDIT_EVENT_MAX];
};

/*
 * s as a JSON string with its quotes into out (NUL-terminated); *plen gets the
 * length. MEF_E_TOOBIG when out is too small (6 bytes per input byte + 3
 * always suffice).
 */
enum mef_err	audit_json_string(const char *s, char *out, size_t outsz,
		    size_t *plen);
/*
 * The line of e as entry seq after the entry whose mac is prev, tagged with m,
 * into out with a final newline (not NUL-terminated); *plen gets its length,
 * mac_out its mac. MEF_E_TOOBIG when it does not fit outsz.
 */
enum mef_err	audit_line_format(const struct audit_entry *e, uint64_t seq,
		    const unsigned char prev[MAC_LEN], struct mac *m, char *out,
		    size_t outsz, size_t *plen, unsigned char mac_out[MAC_LEN]);
/*
 * Parses line (len bytes, no newline): shape, fields and the stated mac, not
 * the mac's value (the caller recomputes it over line[0 .. p->body_len)).
 * MEF_E_PROTO with a short reason in why (whysz bytes) when malformed.
 */
enum mef_err	audit_line_parse(const char *line, size_t len,
		    struct audit_parsed *p, char *why, size_t whysz);

#endif /* MEF_AUDIT_AUDIT_LINE_H */
