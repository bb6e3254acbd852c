/*
 * mef/format.h -- the serialisations of a fetchCredentials answer.
 */
#ifndef MEF_FORMAT_H
#define MEF_FORMAT_H

#ifdef __cplusplus
extern "C" {
#endif

enum mef_format {
	MEF_FMT_JSON = 0,	/* application/json */
	MEF_FMT_XML,		/* application/xml */
	MEF_FMT_CBOR,		/* application/cbor */
};

/* Target kinds: what a Target is decides whether it gets Kpsa or Km. */
enum mef_target_kind {
	MEF_TARGET_CSE = 0,
	MEF_TARGET_AE,
	MEF_TARGET_MAF,
};

#ifdef __cplusplus
}
#endif
#endif /* MEF_FORMAT_H */
