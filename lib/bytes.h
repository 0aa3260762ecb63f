/* bytes.h - a growable byte string with a hard size cap. */
#ifndef POSTERN_BYTES_H
#define POSTERN_BYTES_H
#include <stdarg.h>
#include <stddef.h>

struct bytes {
	char *data;     /* always NUL-terminated after a successful append */
	size_t len;     /* bytes in use, the NUL not counted */
	size_t alloc;   /* bytes allocated */
	size_t max;     /* len may never exceed this */
};

/* Start an empty string that may grow to max bytes. Allocates nothing. */
void bytes_init(struct bytes *b, size_t max);
/* Append n bytes. Returns 0, or -1 (errno E2BIG past the cap, ENOMEM)
 * leaving b unchanged. */
int bytes_append(struct bytes *b, const void *p, size_t n);
int bytes_append_str(struct bytes *b, const char *s);
int bytes_append_char(struct bytes *b, char c);
/* Append formatted text (vsnprintf); same contract as bytes_append. */
int bytes_appendf(struct bytes *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bytes_vappendf(struct bytes *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Replace the contents. Same contract as bytes_append. */
int bytes_set(struct bytes *b, const void *p, size_t n);
/* A NUL-terminated view; "" when empty. Never NULL. */
const char *bytes_str(const struct bytes *b);
/* Forget the contents, keep the memory. */
void bytes_clear(struct bytes *b);
/* Shorten to n bytes (n <= len). */
void bytes_truncate(struct bytes *b, size_t n);
/* Free the memory; b is then empty and reusable. */
void bytes_free(struct bytes *b);

#endif
