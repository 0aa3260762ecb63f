/* mime_file.c - a message's octets as lib/mime reads them: straight from
 * the caller's buffer, or from a file through a window of MIME_WINDOW
 * octets (mime_parse_file), so that no message is ever held whole. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "limits.h"
#include "mime.h"
#include "mime_encoding.h"

struct mime_window {
	int fd;
	size_t off, len;        /* buf holds the file's [off, off + len) */
	int failed;             /* a read failed: the text ends there */
	size_t cap;             /* the window: min(file, MIME_WINDOW) */
	size_t room;            /* what buf was allocated with: >= cap */
	char buf[];
};

/* One window kept from the last message for the next. Messages are read
 * one after another (FETCH, SEARCH, SORT over a folder), and with musl's
 * malloc a block of a few KB or more freed and asked for again is an mmap
 * and a munmap each time: that made a FETCH of 50,000 envelopes several
 * times slower (issue 11's benchmarks). The servers are single-threaded;
 * the spare is at most MIME_WINDOW. */
static struct mime_window *spare_window;
#define WINDOW_ROOM_MIN (16 * 1024)

struct mime_window *mime_window_new(int fd, size_t file_len)
{
	size_t cap = file_len < MIME_WINDOW ? file_len : MIME_WINDOW;
	if (cap == 0)
		cap = 1;
	struct mime_window *w = spare_window;
	if (w && w->room >= cap) {
		spare_window = NULL;
	} else {
		/* at least WINDOW_ROOM_MIN, so small messages share one */
		size_t room = cap < WINDOW_ROOM_MIN ? WINDOW_ROOM_MIN : cap;
		w = malloc(sizeof *w + room);
		if (!w)
			return NULL;
		w->room = room;
	}
	w->cap = cap;
	w->fd = fd;
	w->off = w->len = 0;
	w->failed = 0;
	return w;
}

void mime_window_free(struct mime_window *w)
{
	if (!w)
		return;
	if (spare_window && spare_window->room >= w->room) {
		free(w);
		return;
	}
	free(spare_window);
	spare_window = w;
}

/* Fill the window from off: as much of its size as the file has. */
static void window_fill(struct mime_window *w, size_t off)
{
	w->off = off;
	w->len = 0;
	while (w->len < w->cap) {
		ssize_t r = pread(w->fd, w->buf + w->len, w->cap - w->len,
				  (off_t)(off + w->len));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->failed |= r < 0;
			break;
		}
		w->len += (size_t)r;
	}
}

const char *mime_text(const struct mime_message *m, size_t off, size_t n,
		      size_t *got)
{
	if (off > m->len)
		off = m->len;
	if (n > m->len - off)
		n = m->len - off;
	if (!m->file) {
		*got = n;
		return m->buf + off;
	}
	struct mime_window *w = m->file;
	if (n > w->cap)
		n = w->cap;
	if (off < w->off || off + n > w->off + w->len)
		window_fill(w, off);
	size_t have = w->len - (off - w->off);
	*got = n < have ? n : have;     /* short: the file shrank */
	return w->buf + (off - w->off);
}

size_t mime_text_find(const struct mime_message *m, size_t pos, size_t end,
		      char c)
{
	while (pos < end) {
		size_t got;
		const char *t = mime_text(m, pos, end - pos, &got);
		const char *hit = got ? memchr(t, c, got) : NULL;
		if (hit)
			return pos + (size_t)(hit - t);
		if (got == 0)
			return end;
		pos += got;
	}
	return end;
}

int mime_text_byte(const struct mime_message *m, size_t off)
{
	size_t got;
	const char *t = mime_text(m, off, 1, &got);
	return got ? (unsigned char)t[0] : -1;
}

size_t mime_text_crlf_count(const struct mime_message *m, size_t off,
			    size_t n, size_t *lines)
{
	size_t size = 0, all = 0;
	char prev = 0;
	while (n > 0) {
		size_t got, l;
		const char *t = mime_text(m, off, n, &got);
		if (got == 0)
			break;
		size += mime_crlf_count(t, got, &l);
		if (t[0] == '\n' && prev == '\r')       /* a CRLF cut in two */
			size--;
		all += l;
		prev = t[got - 1];
		off += got;
		n -= got;
	}
	if (lines)
		*lines = all;
	return size;
}

const char *mime_part_header(const struct mime_message *m,
			     const struct mime_part *p, size_t *n)
{
	return mime_text(m, p->header_off, p->header_len, n);
}

int mime_text_each(const struct mime_message *m, size_t off, size_t n,
		   mime_sink *fn, void *ctx)
{
	while (n > 0) {
		size_t got;
		const char *t = mime_text(m, off, n, &got);
		if (got == 0)
			return -1;      /* the file shrank, or a read failed */
		int r = fn(ctx, t, got);
		if (r != 0)
			return r;
		off += got;
		n -= got;
	}
	return 0;
}
