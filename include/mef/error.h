/*
 * mef/error.h -- the error codes every MEF function returns.
 *
 * Numbers are stable: a retired number is never reused, so a code logged or stored by
 * one version means the same in the next.
 */
#ifndef MEF_ERROR_H
#define MEF_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum mef_err {
	MEF_OK = 0,
	MEF_E_NOMEM,		/* 1 allocation failed */
	MEF_E_INVAL,		/* 2 caller passed a bad argument */
	MEF_E_PROTO,		/* 3 peer sent a malformed message */
	MEF_E_AUTH,		/* 4 identity or proof rejected */
	MEF_E_STORE,		/* 5 storage backend failed */
	MEF_E_CRYPTO,		/* 6 OpenSSL reported an error */
	MEF_E_NOTFOUND,		/* 7 no such object */
	MEF_E_EXISTS,		/* 8 object already exists */
	MEF_E_IO,		/* 9 system call or network failure; see errno */
	MEF_E_TOOBIG,		/* 10 input past a configured bound */
	MEF_E_TIMEOUT,		/* 11 peer did not answer in time */
	MEF_E_DENIED,		/* 12 peer refused the request (answer says why) */
	MEF_E_CONFIG,		/* 13 configuration invalid */
	MEF_E_AGAIN,		/* 14 not ready yet: call again when told */
};

/* A short English description of err; never NULL, never allocated. */
const char	*mef_strerror(enum mef_err err);

#ifdef __cplusplus
}
#endif
#endif /* MEF_ERROR_H */
