/*
 * mef/enrolee.h -- libmef for devices: bootstrap with a MEF and derive Target
 * keys.
 *
 * mef_enrol() opens TLS 1.2 to the MEF with the pre-provisioned KpmId/Kpm
 * (TLS_PSK_WITH_AES_128_CBC_SHA256 first) or with the device's certificate
 * (TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 first), exports the 48 keying
 * octets, derives Ke and KeId, and runs the enrolment exchange (POST
 * /enrolment). On success the returned enrolment holds Ke;
 * mef_enrolment_derive() turns it into the Kpsa (or Km) for one Target.
 * Blocking; one call per thread at a time per cfg; no global state.
 */
#ifndef MEF_ENROLEE_H
#define MEF_ENROLEE_H

#include <stddef.h>
#include <stdint.h>

#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEF_ENROL_CFG_VERSION	1

/*
 * How the Enrolee authenticates: exactly one of the RSPFs of PROTOCOL.md 2.
 *
 * Pre-provisioned symmetric key (2.1): kpm_id, kpm and kpm_len set; cert_file,
 * key_file and ca_file NULL. The Kpm authenticates both ends.
 *
 * Certificate (2.2): cert_file and key_file set (PEM; an ECDSA P-256 key, as
 * TS-0003 mandates); kpm_id and kpm NULL, kpm_len 0. Mutual TLS 1.2 exactly
 * (a TLS 1.3 exporter gives other octets), offering
 * TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 first, then ECDHE-ECDSA with
 * AES-GCM; SNI is fqdn. With ca_file (PEM trust anchors) the MEF's certificate
 * must chain to it and name fqdn, else mef_enrol() fails with MEF_E_AUTH.
 *
 * Without ca_file the MEF is NOT verified. Anyone on the path can then pose as
 * the MEF and complete the bootstrap, so it knows the Ke the device believes
 * in: it can pose as each of the device's Targets (it knows the keys the device
 * derives) and read what the device sends them, while the real Targets, which
 * fetch keys from the real MEF, refuse the device. Leave ca_file NULL only in a
 * test or on a path that is protected otherwise.
 *
 * X-M2M-Origin of the enrolment exchange is then the subject CN of cert_file
 * (the last CN), or the certificate's SHA-256 fingerprint in upper-case hex
 * when it has no CN fit for a header (1..MEF_ID_MAX bytes, no control
 * character): the device knows neither its EnroleeID nor its handle in the
 * MEF's store before the answer. The MEF ignores Origin on a certificate
 * session; it knows the Enrolee by the certificate it verified.
 */
struct mef_enrol_cfg {
	unsigned		 version;	/* MEF_ENROL_CFG_VERSION */
	const char		*host;		/* MEF address (name or IP) */
	unsigned short		 port;
	const char		*fqdn;		/* MEF-FQDN: SNI, Host, KeId suffix */
	const char		*kpm_id;	/* psk_identity */
	const unsigned char	*kpm;		/* borrowed for the call */
	size_t			 kpm_len;
	unsigned		 timeout_ms;	/* whole exchange; 0 = 10000 */
	const char		*cert_file;	/* PEM chain; read in the call */
	const char		*key_file;	/* PEM key of cert_file */
	const char		*ca_file;	/* PEM anchors, or NULL */
	void			*reserved[4];	/* zero */
};

struct mef_enrolment;

/*
 * Bootstraps with the MEF. On MEF_OK, *penrol is a new enrolment owned by the
 * caller. Errors: MEF_E_INVAL (cfg: both RSPFs, neither or one incomplete;
 * ca_file without a certificate; a certificate, key or CA file that cannot be
 * loaded, or a key that does not match its certificate), MEF_E_IO (connect),
 * MEF_E_AUTH (handshake refused: wrong or unknown KpmId/Kpm, a certificate the
 * MEF does not accept, or the MEF's certificate failing ca_file or fqdn),
 * MEF_E_TIMEOUT, MEF_E_PROTO (bad answer), MEF_E_DENIED (MEF answered the
 * exchange with an error), MEF_E_CRYPTO.
 */
enum mef_err	mef_enrol(const struct mef_enrol_cfg *cfg,
		    struct mef_enrolment **penrol);

/* Borrowed strings, valid until mef_enrolment_free(). */
const char	*mef_enrolment_keyid(const struct mef_enrolment *en);
const char	*mef_enrolment_enrolee_id(const struct mef_enrolment *en);
/* Seconds Ke stays valid, as the MEF answered. */
uint64_t	 mef_enrolment_lifetime(const struct mef_enrolment *en);
size_t		 mef_enrolment_target_count(const struct mef_enrolment *en);
const char	*mef_enrolment_target(const struct mef_enrolment *en, size_t i);

/*
 * Derives the key for target_id into out (MEF_KEY_LEN bytes): Kpsa for a CSE or AE,
 * Km for a MAF. The caller wipes out after use.
 */
enum mef_err	mef_enrolment_derive(const struct mef_enrolment *en,
		    enum mef_target_kind kind, const char *target_id,
		    unsigned char out[MEF_KEY_LEN]);

#define MEF_CONNECT_CFG_VERSION	1

/* Where an enrolled device connects: its Enrolment Target (a CSE, AE or MAF). */
struct mef_connect_cfg {
	unsigned		 version;	/* MEF_CONNECT_CFG_VERSION */
	const char		*host;		/* the Target's address */
	unsigned short		 port;
	const char		*sni;		/* server name, or NULL */
	enum mef_target_kind	 kind;		/* MAF: Km, else Kpsa */
	const char		*target_id;	/* as the MEF knows the Target */
	unsigned		 timeout_ms;	/* each step; 0 = 10000 */
	void			*reserved[4];	/* zero */
};

/* A TLS-PSK connection to an Enrolment Target (PROTOCOL.md section 4). */
struct mef_conn;

/*
 * Connects to the Target over TLS 1.2 PSK with psk_identity = the KeId and psk =
 * the key derived for cfg->target_id (Kpsa, or Km for a MAF); the derived key is
 * wiped once the handshake is done. The Target fetches that key from the MEF, so
 * the handshake succeeds only if the MEF lets that Target have it. On MEF_OK
 * *pconn is owned by the caller (mef_conn_close()). Errors: MEF_E_INVAL,
 * MEF_E_IO, MEF_E_AUTH (the Target refused the key), MEF_E_TIMEOUT.
 */
enum mef_err	mef_enrolment_connect(const struct mef_enrolment *en,
		    const struct mef_connect_cfg *cfg, struct mef_conn **pconn);
/* Writes all len bytes (each call gets the configured timeout). */
enum mef_err	mef_conn_write(struct mef_conn *conn, const void *buf,
		    size_t len);
/* Reads up to bufsz bytes; *pn is 0 at the end of the stream. */
enum mef_err	mef_conn_read(struct mef_conn *conn, void *buf, size_t bufsz,
		    size_t *pn);
/* Sends close_notify, closes and frees *pconn; accepts NULL. */
void		mef_conn_close(struct mef_conn **pconn);

/* Wipes Ke, frees *penrol and sets it to NULL; accepts NULL. */
void		mef_enrolment_free(struct mef_enrolment **penrol);

#ifdef __cplusplus
}
#endif
#endif /* MEF_ENROLEE_H */
