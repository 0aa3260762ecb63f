/* output.c - the buffered network writer. */
#include "output.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void output_init(struct output *out, int fd, int timeout_ms)
{
	out->fd = fd;
	out->timeout_ms = timeout_ms;
	out->error = 0;
	out->len = 0;
	/* A vanished peer must be an error return, not a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
}

/* One write attempt that never blocks on a socket (so the timeout holds);
 * on a pipe (tests) a plain write. */
static ssize_t write_once(int fd, const char *p, size_t n)
{
	ssize_t w = send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0 && errno == ENOTSOCK)
		w = write(fd, p, n);
	return w;
}

static int wait_writable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	for (;;) {
		int r = poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

int output_flush(struct output *out)
{
	size_t done = 0;
	if (out->error) {
		errno = out->error;
		return -1;
	}
	while (done < out->len) {
		ssize_t w = write_once(out->fd, out->buf + done, out->len - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_writable(out->fd, out->timeout_ms) == 0)
				continue;
		}
		out->error = errno ? errno : EIO;
		out->len = 0;
		errno = out->error;
		return -1;
	}
	out->len = 0;
	return 0;
}

int output_write(struct output *out, const void *p, size_t n)
{
	const char *c = p;
	if (out->error) {
		errno = out->error;
		return -1;
	}
	while (n > 0) {
		size_t room = sizeof out->buf - out->len;
		if (room == 0) {
			if (output_flush(out) < 0)
				return -1;
			room = sizeof out->buf;
		}
		size_t take = n < room ? n : room;
		memcpy(out->buf + out->len, c, take);
		out->len += take;
		c += take;
		n -= take;
	}
	return 0;
}

int output_str(struct output *out, const char *s)
{
	return output_write(out, s, strlen(s));
}

int output_vprintf(struct output *out, const char *fmt, va_list ap)
{
	char line[1024];
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(line, sizeof line, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof line)
		return output_write(out, line, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return -1;
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	int r = output_write(out, big, (size_t)n);
	free(big);
	return r;
}

int output_printf(struct output *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = output_vprintf(out, fmt, ap);
	va_end(ap);
	return r;
}
