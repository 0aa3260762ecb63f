/* output.h - the buffered writer for network output. */
#ifndef POSTERN_OUTPUT_H
#define POSTERN_OUTPUT_H
#include <stdarg.h>
#include <stddef.h>
#include "limits.h"

struct output {
	int fd;
	int timeout_ms;         /* bound on a blocked write; <= 0 forever */
	int error;              /* sticky: a write failed, nothing more goes */
	size_t len;
	char buf[OUTPUT_BUFFER_SIZE];
};

void output_init(struct output *out, int fd, int timeout_ms);
/* Queue bytes; flushes when the buffer fills. Returns 0, or -1 once a
 * write has failed (then every later call fails too). */
int output_write(struct output *out, const void *p, size_t n);
int output_str(struct output *out, const char *s);
int output_printf(struct output *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int output_vprintf(struct output *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Write out everything queued. 0, or -1 (errno) when the peer is gone or
 * the write timed out (errno ETIMEDOUT). */
int output_flush(struct output *out);

#endif
