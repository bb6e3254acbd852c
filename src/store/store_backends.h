/*
 * store_backends.h -- the ops tables of the compiled-in store backends.
 *
 * store.c dispatches on a URL scheme through these; a new backend is one file
 * and one line here and in store.c's table. Kept apart from the backends' own
 * headers so that store.c never sees a database library's header.
 */
#ifndef MEF_STORE_STORE_BACKENDS_H
#define MEF_STORE_STORE_BACKENDS_H

#include "store/store.h"

extern const struct store_ops	store_sqlite_ops;

#endif /* MEF_STORE_STORE_BACKENDS_H */
