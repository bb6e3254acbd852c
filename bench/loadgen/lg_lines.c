/*
 * lg_lines.c -- a file of lines for bench_loadgen (KeIds, credentials).
 *
 * The whole file is read into one buffer and split in place, so the list costs
 * one allocation for the text and one for the pointers, however long it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_lines.h"

static char	*read_all(const char *path, size_t *plen);

/* see lg_lines.h */
int
lg_lines_load(const char *path, struct lg_lines *pl)
{
	char	*text, *p, *nl;
	size_t	 len, n = 0, cap = 0;

	memset(pl, 0, sizeof(*pl));
	text = read_all(path, &len);
	if (text == NULL)
		return -1;
	for (p = text; p < text + len; p++)
		cap += *p == '\n';
	pl->v = calloc(cap + 1, sizeof(*pl->v));
	if (pl->v == NULL) {
		free(text);
		return -1;
	}
	for (p = text; p < text + len; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = text + len;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p != '\0')
			pl->v[n++] = p;
	}
	pl->text = text;
	pl->n = n;
	if (n > 0)
		return 0;
	fprintf(stderr, "bench_loadgen: no line in %s\n", path);
	lg_lines_free(pl);
	return -1;
}

/* see lg_lines.h */
void
lg_lines_free(struct lg_lines *pl)
{
	free(pl->v);
	free(pl->text);
	memset(pl, 0, sizeof(*pl));
}

/* The file's bytes, NUL-terminated; NULL with the reason on stderr. */
static char *
read_all(const char *path, size_t *plen)
{
	FILE	*fp;
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0, n;

	fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "bench_loadgen: %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap != 0 ? 2 * cap : 65536;
			nbuf = cap <= LG_LINES_FILE_MAX + 1 ?
			    realloc(buf, cap) : NULL;
			if (nbuf == NULL) {
				fprintf(stderr, "bench_loadgen: %s: too "
				    "large\n", path);
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	buf[len] = '\0';
	*plen = len;
	return buf;
}
