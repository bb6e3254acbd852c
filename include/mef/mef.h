/*
 * mef/mef.h -- libmef, the oneM2M MEF client library: include this one header.
 */
#ifndef MEF_MEF_H
#define MEF_MEF_H

#include "mef/error.h"
#include "mef/format.h"
#include "mef/limits.h"
#include "mef/enrolee.h"
#include "mef/fetch.h"

#endif /* MEF_MEF_H */
