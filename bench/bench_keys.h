/*
 * bench_keys.h -- the KeIds bench_quick rotates over (-E FILE).
 *
 * A file of KeIds, one a line (bench_populate -k writes one), read once at
 * start; blank lines are skipped and a trailing CR is dropped.
 */
#ifndef MEF_BENCH_BENCH_KEYS_H
#define MEF_BENCH_BENCH_KEYS_H

#include <stddef.h>

#define BENCH_KEYS_FILE_MAX	(256u * 1024 * 1024)

struct bench_keys {
	char	**ids;		/* n pointers into text */
	size_t	  n;
	char	 *text;
};

/*
 * Reads path into pk. 0, or -1 with the reason on stderr (unreadable, larger
 * than BENCH_KEYS_FILE_MAX, or no KeId in it).
 */
int	bench_keys_load(const char *path, struct bench_keys *pk);
/* Frees what bench_keys_load() allocated; pk may be zeroed or freed already. */
void	bench_keys_free(struct bench_keys *pk);

#endif /* MEF_BENCH_BENCH_KEYS_H */
