/* log.c - one line per event on stderr. */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program = "postern";

void log_init(const char *name)
{
	const char *slash = strrchr(name, '/');
	program = slash ? slash + 1 : name;
}

const char *log_program(void)
{
	return program;
}

void log_event(const char *fmt, ...)
{
	char line[2048];
	int n = snprintf(line, sizeof line, "%s[%ld]: ", program, (long)getpid());
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so that lines of concurrent processes do not mix. */
	size_t len = strnlen(line, sizeof line - 2);
	line[len++] = '\n';
	if (write(2, line, len) < 0) {
		/* stderr gone: nothing better to do */
	}
}

void log_fatal(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: fatal: %s\n", program, msg);
	exit(code);
}

static int plain_value(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

const char *log_quote(const char *s, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (plain_value(s)) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	size_t o = 0;
	buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[5];
		size_t n;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\'; esc[1] = (char)*p; n = 2;
		} else if (*p < ' ' || *p >= 127) {
			snprintf(esc, sizeof esc, "\\x%02x", *p); n = 4;
		} else {
			esc[0] = (char)*p; n = 1;
		}
		if (o + n + 2 > size)
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	if (o + 2 <= size)
		buf[o++] = '"';
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}
