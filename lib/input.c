/* input.c - the bounded, buffered network reader. */
#include "input.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long deadline_from_now(const struct input *in)
{
	return in->timeout_ms > 0 ? now_ms() + in->timeout_ms : -1;
}

void input_init(struct input *in, int fd, int timeout_ms)
{
	in->fd = fd;
	in->timeout_ms = timeout_ms;
	in->start = in->end = 0;
	in->eof = 0;
}

size_t input_buffered(const struct input *in)
{
	return in->end - in->start;
}

/* Wait until fd is readable or the deadline (-1: none) passes. */
static enum input_status wait_readable(int fd, long long deadline)
{
	for (;;) {
		int ms = -1;
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return INPUT_TIMEOUT;
			ms = left > 1000000000 ? 1000000000 : (int)left;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, ms);
		if (r > 0)
			return INPUT_OK;
		if (r == 0)
			return INPUT_TIMEOUT;
		if (errno != EINTR)
			return INPUT_ERROR;
	}
}

/* read(2) into dst after waiting; *got is set on INPUT_OK. */
static enum input_status read_some(struct input *in, char *dst, size_t room,
				   long long deadline, size_t *got)
{
	if (in->eof)
		return INPUT_EOF;
	for (;;) {
		enum input_status st = wait_readable(in->fd, deadline);
		if (st != INPUT_OK)
			return st;
		ssize_t r = read(in->fd, dst, room);
		if (r > 0) {
			*got = (size_t)r;
			return INPUT_OK;
		}
		if (r == 0) {
			in->eof = 1;
			return INPUT_EOF;
		}
		if (errno != EINTR && errno != EAGAIN)
			return INPUT_ERROR;
	}
}

/* Read more into the buffer, making room at its end first. */
static enum input_status fill(struct input *in, long long deadline)
{
	if (in->start == in->end) {
		in->start = in->end = 0;
	} else if (in->end == sizeof in->buf) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	size_t got;
	enum input_status st = read_some(in, in->buf + in->end,
					 sizeof in->buf - in->end, deadline, &got);
	if (st == INPUT_OK)
		in->end += got;
	return st;
}

/* Classify a complete line held in line[0..n) that ends with LF. */
static size_t finish_line(char *line, size_t n, int *flags)
{
	int fl = 0;
	n--;                                    /* the LF */
	if (n > 0 && line[n - 1] == '\r')
		n--;
	else
		fl |= INPUT_BARE_LF;
	if (memchr(line, '\r', n))
		fl |= INPUT_BARE_CR;
	if (memchr(line, '\0', n))
		fl |= INPUT_NUL;
	line[n] = '\0';
	*flags = fl;
	return n;
}

/* The next run of buffered bytes (filling the buffer first when it is
 * empty): through the first LF within max bytes (*lf set), else as many
 * as are buffered, at most max. */
static enum input_status next_run(struct input *in, long long deadline,
				  size_t max, size_t *take, int *lf)
{
	if (in->start == in->end) {
		enum input_status st = fill(in, deadline);
		if (st != INPUT_OK)
			return st;
	}
	size_t avail = in->end - in->start;
	if (avail > max)
		avail = max;
	char *p = in->buf + in->start, *nl = memchr(p, '\n', avail);
	*lf = nl != NULL;
	*take = nl ? (size_t)(nl - p) + 1 : avail;
	return INPUT_OK;
}

enum input_status input_line(struct input *in, char *line, size_t size,
			     size_t *len, int *flags)
{
	long long deadline = deadline_from_now(in);
	size_t n = 0, seen = 0;
	int overlong = 0;
	char before_lf = 0;     /* the byte before the LF, for a drained line */

	*len = 0;
	*flags = 0;
	if (size < 2)
		return INPUT_ERROR;
	line[0] = '\0';
	for (;;) {
		size_t take;
		int lf;
		enum input_status st = next_run(in, deadline, (size_t)-1, &take, &lf);
		if (st != INPUT_OK)
			return st;
		char *p = in->buf + in->start;
		if (!lf)
			before_lf = p[take - 1];        /* last byte so far */
		else if (take >= 2)
			before_lf = p[take - 2];
		if (!overlong && n + take <= size - 1) {
			memcpy(line + n, p, take);
			n += take;
		} else {
			overlong = 1;   /* keep draining through the LF */
		}
		in->start += take;
		seen += take;
		if (lf)
			break;
	}
	if (overlong) {
		line[0] = '\0';
		*len = seen - 1;        /* the size seen, for the log */
		/* Say how the drained line ended: SMTP must know whether a
		 * CRLF preceded the next line (RFC 5321 §4.1.1.4). */
		if (before_lf != '\r')
			*flags = INPUT_BARE_LF;
		return INPUT_TOO_LONG;
	}
	*len = finish_line(line, n, flags);
	return INPUT_OK;
}

/* A piece of size - 1 bytes without LF: hold back a trailing CR (it may
 * start the CRLF that ends the line) and classify the rest. */
static size_t finish_partial(struct input *in, char *seg, size_t n, int *flags)
{
	if (n > 1 && seg[n - 1] == '\r') {
		n--;
		in->start--;
	}
	*flags = INPUT_PARTIAL;
	if (memchr(seg, '\r', n))
		*flags |= INPUT_BARE_CR;
	if (memchr(seg, '\0', n))
		*flags |= INPUT_NUL;
	seg[n] = '\0';
	return n;
}

enum input_status input_segment(struct input *in, char *seg, size_t size,
				size_t *len, int *flags)
{
	long long deadline = deadline_from_now(in);
	size_t n = 0;

	*len = 0;
	*flags = 0;
	if (size < 3)
		return INPUT_ERROR;
	seg[0] = '\0';
	for (;;) {
		size_t take;
		int lf;
		enum input_status st = next_run(in, deadline, size - 1 - n, &take, &lf);
		if (st != INPUT_OK)
			return st;
		memcpy(seg + n, in->buf + in->start, take);
		n += take;
		in->start += take;
		if (lf) {
			*len = finish_line(seg, n, flags);
			return INPUT_OK;
		}
		if (n == size - 1) {
			*len = finish_partial(in, seg, n, flags);
			return INPUT_OK;
		}
	}
}

/* Move n bytes to dst (NULL: discard), buffered bytes first. The deadline
 * restarts after every read that makes progress: it bounds silence, not
 * the length of a large transfer. */
static enum input_status take_bytes(struct input *in, char *dst, size_t n)
{
	while (n > 0) {
		if (in->start == in->end) {
			enum input_status st = fill(in, deadline_from_now(in));
			if (st != INPUT_OK)
				return st;
		}
		size_t take = in->end - in->start;
		if (take > n)
			take = n;
		if (dst) {
			memcpy(dst, in->buf + in->start, take);
			dst += take;
		}
		in->start += take;
		n -= take;
	}
	return INPUT_OK;
}

enum input_status input_bytes(struct input *in, char *dst, size_t n)
{
	return take_bytes(in, dst, n);
}

enum input_status input_skip(struct input *in, size_t n)
{
	return take_bytes(in, NULL, n);
}

void input_discard(struct input *in)
{
	in->start = in->end = 0;
	while (!in->eof) {
		struct pollfd p = { .fd = in->fd, .events = POLLIN };
		int r = poll(&p, 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		ssize_t n = read(in->fd, in->buf, sizeof in->buf);
		if (n == 0)
			in->eof = 1;
		else if (n < 0 && errno != EINTR)
			return;
	}
}

int input_wait(struct input *in, int ms)
{
	return input_wait_also(in, -1, ms);
}

int input_wait_also(struct input *in, int fd, int ms)
{
	if (in->start != in->end || in->eof)
		return 1;
	struct pollfd p[2] = { { .fd = in->fd, .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };
	for (;;) {
		int r = poll(p, fd >= 0 ? 2 : 1, ms);
		if (r > 0)
			return p[0].revents ? 1 : 2;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}
