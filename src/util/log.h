/*
 * log.h -- the daemon's and tools' log lines.
 *
 * One line per event on stderr: "<UTC time> <ident>[<pid>]: <level>: <message>".
 * Messages carry identities, key IDs and error codes, never key bytes (STYLE.md 6).
 * log_warn() appends strerror(errno); log_warnx() does not. fatal*() exit(1) and are
 * for startup and broken invariants only, never for network input.
 *
 * Event messages are "<event> key=value key=value ...". A value is either a bare token
 * of [A-Za-z0-9._~:/@+-] or a double-quoted string (see log_value()), so a peer-chosen
 * identity, origin or key ID can never forge a key=value pair: every string a peer
 * influences goes through LOG_VAL() / log_value().
 */
#ifndef MEF_UTIL_LOG_H
#define MEF_UTIL_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/* ident is borrowed for the life of the process. Thread-safe after this call. */
void	log_init(const char *ident, enum log_level level);
void	log_set_level(enum log_level level);
enum log_level	log_get_level(void);
/* Parses "error", "warn", "info" or "debug"; -1 when unknown. */
int	log_level_parse(const char *name);

/*
 * Largest output of log_value(), quotes and the truncation mark included. A 255-byte
 * identity of safe bytes fits bare; a hostile value is cut with "..." inside the quotes.
 */
#define LOG_VALUE_MAX	320
#define LOG_VALUE_SIZE	(LOG_VALUE_MAX + 1)

/*
 * Renders s as one log value. Returns s itself when it is non-empty, not "-" (the
 * "absent" mark), at most LOG_VALUE_MAX bytes and made only of [A-Za-z0-9._~:/@+-].
 * Otherwise writes into buf (size >= LOG_VALUE_SIZE) a double-quoted form in which '"'
 * and '\' are backslash-escaped and bytes outside 0x20-0x7e are \xHH; if it does not
 * fit, it is cut and ends with ...". NULL renders as "-". Never fails.
 */
const char	*log_value(char *buf, size_t size, const char *s);
/* log_value() with a compound-literal buffer that lives until the end of the enclosing
 * block: use it only inside the log_*() call's argument list. */
#define LOG_VAL(s)	log_value((char[LOG_VALUE_SIZE]){ 0 }, LOG_VALUE_SIZE, (s))

void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* MEF_UTIL_LOG_H */
