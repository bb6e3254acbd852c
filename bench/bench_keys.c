/*
 * bench_keys.c -- a KeId file for bench_quick's rotation.
 *
 * The whole file is read into one buffer and split in place, so the list costs
 * one allocation for the text and one for the pointers, however long it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_keys.h"

static char	*read_all(const char *path, size_t *plen);

/* see bench_keys.h */
int
bench_keys_load(const char *path, struct bench_keys *pk)
{
	char	*text, *p, *nl;
	size_t	 len, n = 0, cap = 0;

	memset(pk, 0, sizeof(*pk));
	text = read_all(path, &len);
	if (text == NULL)
		return -1;
	for (p = text; p < text + len; p++)
		cap += *p == '\n';
	pk->ids = calloc(cap + 1, sizeof(*pk->ids));
	if (pk->ids == NULL) {
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
			pk->ids[n++] = p;
	}
	pk->text = text;
	pk->n = n;
	if (n > 0)
		return 0;
	fprintf(stderr, "bench_quick: no KeId in %s\n", path);
	bench_keys_free(pk);
	return -1;
}

/* see bench_keys.h */
void
bench_keys_free(struct bench_keys *pk)
{
	free(pk->ids);
	free(pk->text);
	memset(pk, 0, sizeof(*pk));
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
		fprintf(stderr, "bench_quick: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap != 0 ? 2 * cap : 65536;
			nbuf = cap <= BENCH_KEYS_FILE_MAX + 1 ?
			    realloc(buf, cap) : NULL;
			if (nbuf == NULL) {
				fprintf(stderr, "bench_quick: %s: too large\n",
				    path);
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
