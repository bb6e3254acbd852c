/*
 * mef/fetch.h -- libmef for Enrolment Targets: fetch an Enrolee's credential.
 *
 * mef_fetch() connects to the MEF over TLS, authenticating with the Target's own PSK or
 * client certificate, sends GET /fetchCredentials/<KeId>[/<SUID>] with X-M2M-Origin =
 * the Target's ID, and parses the answer (JSON, XML or CBOR). Blocking; thread-safe (no
 * shared state).
 */
#ifndef MEF_FETCH_H
#define MEF_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEF_FETCH_CFG_VERSION	1

/*
 * tls_version of struct mef_fetch_cfg. DEFAULT: a PSK connects with TLS 1.2, a
 * certificate with TLS 1.2 or 1.3. TLS12, TLS13: that version only; with a PSK,
 * TLS13 offers it as a TLS 1.3 external PSK (SHA-256 suites) and fails with
 * MEF_E_AUTH unless the MEF accepts it.
 */
enum mef_fetch_tls {
	MEF_FETCH_TLS_DEFAULT = 0,
	MEF_FETCH_TLS12,
	MEF_FETCH_TLS13,
};

struct mef_fetch_cfg {
	unsigned		 version;	/* MEF_FETCH_CFG_VERSION */
	const char		*host;		/* MEF address */
	unsigned short		 port;
	const char		*fqdn;		/* SNI and Host; NULL: the KeId's FQDN */
	const char		*origin;	/* this Target's ID (X-M2M-Origin) */
	/* Either a PSK ... */
	const char		*psk_id;
	const unsigned char	*psk;		/* borrowed for the call */
	size_t			 psk_len;
	/* ... or a client certificate (PEM files). */
	const char		*cert_file;
	const char		*key_file;
	const char		*ca_file;	/* verify the MEF's certificate */
	enum mef_format		 accept;
	unsigned		 timeout_ms;	/* 0 = 10000 */
	enum mef_fetch_tls	 tls_version;
	void			*reserved[4];	/* zero */
};

struct mef_answer;

/*
 * Fetches the credential of keyid (suid: NULL, or its decimal text). *pans is set
 * whenever the MEF answered, even with Status false (then MEF_E_DENIED is returned).
 * Errors: MEF_E_INVAL, MEF_E_IO, MEF_E_AUTH (TLS refused), MEF_E_TIMEOUT,
 * MEF_E_PROTO (answer malformed), MEF_E_DENIED (Status false; see the answer).
 */
enum mef_err	mef_fetch(const struct mef_fetch_cfg *cfg, const char *keyid,
		    const char *suid, struct mef_answer **pans);

/* 1 when Status is true. */
int		 mef_answer_status(const struct mef_answer *ans);
int		 mef_answer_rsc(const struct mef_answer *ans);	/* X-M2M-RSC */
int		 mef_answer_http_status(const struct mef_answer *ans);
/* Credential bytes (status 1), borrowed; *plen gets MEF_KEY_LEN. NULL otherwise. */
const unsigned char	*mef_answer_credential(const struct mef_answer *ans,
			    size_t *plen);
const char	*mef_answer_enrolee_id(const struct mef_answer *ans);
uint64_t	 mef_answer_lifetime(const struct mef_answer *ans);
const char	*mef_answer_error(const struct mef_answer *ans);	/* status 0 */
const char	*mef_answer_request_id(const struct mef_answer *ans);	/* X-M2M-RI */
/* The raw body as received, borrowed (it contains the key: do not log it). */
const unsigned char	*mef_answer_body(const struct mef_answer *ans,
			    size_t *plen);
/* Wipes and frees *pans; accepts NULL. */
void		 mef_answer_free(struct mef_answer **pans);

#ifdef __cplusplus
}
#endif
#endif /* MEF_FETCH_H */
