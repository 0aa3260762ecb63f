/* log.h - one line per event on stderr: "program[pid]: key=value ...". */
#ifndef POSTERN_LOG_H
#define POSTERN_LOG_H
#include <stddef.h>

/* Name the program for every later line. */
void log_init(const char *program);
const char *log_program(void);
/* One event line; fmt holds the key=value fields. */
void log_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "program: fatal: ..." then exit(code). */
void log_fatal(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* s made safe as one value: returned as-is when it is non-empty printable
 * ASCII without space, '"' or '\'; else quoted with \" \\ and \xNN
 * escapes, cut to fit. Returns buf. */
const char *log_quote(const char *s, char *buf, size_t size);

#endif
