/*
 * mef/version.h -- the libmef version string.
 */
#ifndef MEF_VERSION_H
#define MEF_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the library; static storage. */
const char	*mef_version(void);

#ifdef __cplusplus
}
#endif
#endif /* MEF_VERSION_H */
