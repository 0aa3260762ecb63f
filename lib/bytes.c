/* bytes.c - growable byte string with a hard cap. */
#include "bytes.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bytes_init(struct bytes *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

/* Make room for need more bytes plus the NUL. */
static int bytes_reserve(struct bytes *b, size_t need)
{
	if (need > b->max - b->len) {
		errno = E2BIG;
		return -1;
	}
	size_t want = b->len + need + 1;
	if (want <= b->alloc)
		return 0;
	size_t size = b->alloc ? b->alloc : 64;
	while (size < want)
		size = size > ((size_t)-1) / 2 ? want : size * 2;
	if (size > b->max + 1)
		size = b->max + 1;
	char *p = realloc(b->data, size);
	if (!p)
		return -1;
	b->data = p;
	b->alloc = size;
	return 0;
}

int bytes_append(struct bytes *b, const void *p, size_t n)
{
	if (bytes_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int bytes_append_str(struct bytes *b, const char *s)
{
	return bytes_append(b, s, strlen(s));
}

int bytes_append_char(struct bytes *b, char c)
{
	return bytes_append(b, &c, 1);
}

int bytes_vappendf(struct bytes *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -1;
	if (bytes_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int bytes_appendf(struct bytes *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = bytes_vappendf(b, fmt, ap);
	va_end(ap);
	return r;
}

int bytes_set(struct bytes *b, const void *p, size_t n)
{
	if (n > b->max) {
		errno = E2BIG;
		return -1;
	}
	bytes_clear(b);
	return bytes_append(b, p, n);
}

const char *bytes_str(const struct bytes *b)
{
	return b->data ? b->data : "";
}

void bytes_clear(struct bytes *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void bytes_truncate(struct bytes *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

void bytes_free(struct bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}
