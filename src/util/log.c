/*
 * log.c -- line-oriented logging to stderr.
 *
 * Each line is formatted into one stack buffer and written with a single write(2), so
 * lines from different threads never interleave. Control characters coming from peers
 * (identities are peer input) are escaped, so a peer cannot forge a log line; values a
 * peer chooses also go through log_value(), so a peer cannot forge a key=value pair
 * inside a line either (a value is a bare safe token or a quoted, escaped string).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static const char	*log_ident = "mef";
static volatile int	 log_level = LOG_LVL_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

/* see log.h */
void
log_init(const char *ident, enum log_level level)
{
	log_ident = ident;
	log_level = level;
}

/* see log.h */
void
log_set_level(enum log_level level)
{
	log_level = level;
}

/* see log.h */
enum log_level
log_get_level(void)
{
	return log_level;
}

/* see log.h */
int
log_level_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * The bytes a bare value may hold, [A-Za-z0-9._~:/@+-], one bit per byte value (bit
 * c & 31 of word c >> 5): no space, '=', '"', '\\', control or non-ASCII byte.
 */
static const uint32_t log_safe[8] = {
	0x00000000, 0x07ffe800, 0x87ffffff, 0x47fffffe, 0, 0, 0, 0,
};
#define LOG_SAFE_BYTE(c)	((log_safe[(c) >> 5] >> ((c) & 31)) & 1)

/* see log.h */
const char *
log_value(char *buf, size_t size, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	size_t	 cap, len, i, o, n, need;

	if (s == NULL)
		return "-";
	for (len = 0; len <= LOG_VALUE_MAX && s[len] != '\0'; len++)
		if (!LOG_SAFE_BYTE((unsigned char)s[len]))
			break;
	if (s[len] == '\0' && len > 0 && strcmp(s, "-") != 0)
		return s;
	if (buf == NULL || size < 9)
		return "\"...\"";
	cap = size - 1 < LOG_VALUE_MAX ? size - 1 : LOG_VALUE_MAX;
	o = 0;
	buf[o++] = '"';
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char	c = (unsigned char)s[i];
		char		esc[4];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c > 0x7e) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hexd[c >> 4];
			esc[3] = hexd[c & 0x0f];
			n = 4;
		} else {
			esc[0] = (char)c;
			n = 1;
		}
		/* keep room for the closing quote, or for ..." if more follows */
		need = s[i + 1] == '\0' ? 1 : 4;
		if (o + n + need > cap) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static void	log_emit(enum log_level, int, int, const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

static void
log_emit(enum log_level level, int with_errno, int saved_errno,
    const char *fmt, va_list ap)
{
	char		 msg[2048], line[4096];	/* one write(2) <= PIPE_BUF */
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 i, o;
	int		 n;

	if ((int)level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d]: %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000, log_ident, (int)getpid(),
	    level_names[level]);
	if (n < 0)
		return;
	o = (size_t)n;
	for (i = 0; msg[i] != '\0' && o + 5 < sizeof(line); i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(line + o, sizeof(line) - o, "\\x%02x", c);
			continue;
		}
		line[o++] = (char)c;
	}
	if (with_errno)
		o += (size_t)snprintf(line + o, sizeof(line) - o - 1, ": %s",
		    strerror(saved_errno));
	if (o > sizeof(line) - 1)
		o = sizeof(line) - 1;
	line[o++] = '\n';
	(void)!write(STDERR_FILENO, line, o);
}

#define LOG_BODY(level, with_errno) do {		\
	int	 saved = errno;				\
	va_list	 ap;					\
	va_start(ap, fmt);				\
	log_emit(level, with_errno, saved, fmt, ap);	\
	va_end(ap);					\
	errno = saved;					\
} while (0)

/* see log.h */
void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 1);
}

/* see log.h */
void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 0);
}

/* see log.h */
void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_INFO, 0);
}

/* see log.h */
void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_DEBUG, 0);
}

/* see log.h */
void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_ERROR, 1);
	exit(1);
}

/* see log.h */
void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_ERROR, 0);
	exit(1);
}
