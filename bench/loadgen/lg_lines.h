/*
 * lg_lines.h -- a text file of bench_loadgen read as lines: the KeIds of -E
 * (bench_populate -k writes one a line) and the credentials of -I.
 *
 * The file is read once at start; blank lines are skipped and a trailing CR
 * is dropped.
 */
#ifndef MEF_BENCH_LG_LINES_H
#define MEF_BENCH_LG_LINES_H

#include <stddef.h>

#define LG_LINES_FILE_MAX	(256u * 1024 * 1024)

struct lg_lines {
	char	**v;		/* n pointers into text */
	size_t	  n;
	char	 *text;
};

/*
 * Reads path into pl. 0, or -1 with the reason on stderr (unreadable, larger
 * than LG_LINES_FILE_MAX, or no line in it).
 */
int	lg_lines_load(const char *path, struct lg_lines *pl);
/* Frees what lg_lines_load() allocated; pl may be zeroed or freed already. */
void	lg_lines_free(struct lg_lines *pl);

#endif /* MEF_BENCH_LG_LINES_H */
