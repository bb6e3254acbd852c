/*
 * log.h -- the daemon's and tools' log lines.
 *
 * One line per event on stderr: "<UTC time> <ident>[<pid>]: <level>: <message>".
 * Messages carry identities, key IDs and error codes, never key bytes (STYLE.md 6).
 * log_warn() appends strerror(errno); log_warnx() does not. fatal*() exit(1) and are
 * for startup and broken invariants only, never for network input.
 */
#ifndef MEF_UTIL_LOG_H
#define MEF_UTIL_LOG_H

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

void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* MEF_UTIL_LOG_H */
