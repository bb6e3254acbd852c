/*
 * mef/mef.h -- libmef, the oneM2M MEF client library: include this one header.
 *
 * OpenSSL servers add mef/target_openssl.h, which needs <openssl/ssl.h>.
 */
#ifndef MEF_MEF_H
#define MEF_MEF_H

#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"
#include "mef/enrolee.h"
#include "mef/fetch.h"
#include "mef/target.h"

#endif /* MEF_MEF_H */
