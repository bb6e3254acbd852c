/*
 * out.c -- what mefctl prints: one-line errors on stderr; results, lists,
 * times and JSON on stdout.
 *
 * Every error is one line starting "mefctl: ", so scripts can show it as is.
 * JSON output is one document per command, written only once the command has
 * succeeded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mefctl.h"
#include "util/clock.h"

/* see mefctl.h */
void
out_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("mefctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* see mefctl.h */
enum mef_err
out_usage(struct mefctl *ctl, const char *fmt, ...)
{
	va_list	ap;

	ctl->is_usage = 1;
	fputs("mefctl: ", stderr);
	if (ctl->cmd != NULL)
		fprintf(stderr, "%s: ", ctl->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see mefctl --help)\n", stderr);
	return MEF_E_INVAL;
}

/* see mefctl.h */
enum mef_err
out_json(json_t *root)
{
	enum mef_err	rc = MEF_OK;

	if (root == NULL) {
		out_error("out of memory");
		return MEF_E_NOMEM;
	}
	if (json_dumpf(root, stdout, JSON_INDENT(2)) != 0 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		out_error("cannot write the output");
		rc = MEF_E_IO;
	}
	json_decref(root);
	return rc;
}

/* see mefctl.h */
const char *
out_time(int64_t t, char *buf, size_t bufsz)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, bufsz, "%lld", (long long)t);
	return buf;
}

/* see mefctl.h */
enum mef_err
out_store_error(enum mef_err rc, const char *what)
{
	switch (rc) {
	case MEF_E_NOTFOUND:
		out_error("no such %s", what);
		break;
	case MEF_E_EXISTS:
		out_error("%s already exists", what);
		break;
	case MEF_E_CRYPTO:
		out_error("%s: a stored key does not unwrap (wrong kek_file?)",
		    what);
		break;
	default:
		out_error("%s: %s", what, mef_strerror(rc));
		break;
	}
	return rc;
}

/* see mefctl.h */
enum mef_err
out_object_error(enum mef_err rc, const char *what, const char *id)
{
	if (rc == MEF_E_NOTFOUND)
		out_error("no such %s '%s'", what, id);
	else if (rc != MEF_OK)
		out_store_error(rc, what);
	return rc;
}

/* see mefctl.h */
enum mef_err
out_result(struct mefctl *ctl, json_t *obj, const char *fmt, ...)
{
	va_list	ap;

	if (ctl->json)
		return out_json(obj);
	json_decref(obj);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
out_list_begin(struct mefctl *ctl, struct list_ctx *lc, const char *fmt, ...)
{
	va_list	ap;

	memset(lc, 0, sizeof(*lc));
	lc->ctl = ctl;
	lc->now = clock_wall_s();
	if (ctl->json) {
		lc->arr = json_array();
		return lc->arr != NULL ? MEF_OK : MEF_E_NOMEM;
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	return MEF_OK;
}

/* see mefctl.h */
enum mef_err
out_list_end(struct list_ctx *lc, enum mef_err rc, const char *what)
{
	json_t	*arr = lc->arr;

	lc->arr = NULL;
	if (rc != MEF_OK) {
		json_decref(arr);
		return out_store_error(rc, what);
	}
	return arr != NULL ? out_json(arr) : MEF_OK;
}
