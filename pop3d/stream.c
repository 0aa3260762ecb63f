/* stream.c - a stored message on the POP3 wire: see stream.h. */
#include "stream.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"

/* Where one pass through a message stands. */
struct scan {
	struct output *out;     /* NULL: count only */
	uint64_t octets;        /* message text produced, stuffing excluded */
	long body_left;         /* body lines still to send; < 0 all */
	int in_header;          /* before the first empty line */
	int bol;                /* at the beginning of a line */
	int cr;                 /* the last byte of the line so far was CR */
	size_t line_len;        /* bytes of the current line so far */
	int done;               /* TOP has sent all it should */
};

/* One file, one process: the buffers need not be on the stack. A chunk
 * converted is at most twice its size: each LF may gain a CR, and each
 * "." that starts a line a second ".". */
static char chunk[POP3_READ_CHUNK];
static char wire[2 * POP3_READ_CHUNK];

/* A line has ended (its LF seen and CRLF emitted): account for TOP. */
static void line_end(struct scan *s)
{
	int empty = s->line_len == 0 || (s->line_len == 1 && s->cr);

	if (s->in_header) {
		if (empty) {
			s->in_header = 0;
			if (s->body_left == 0)
				s->done = 1;
		}
	} else if (s->body_left > 0 && --s->body_left == 0) {
		s->done = 1;
	}
	s->bol = 1;
	s->cr = 0;
	s->line_len = 0;
}

/* Convert chunk[0..n) into wire[] and send it with one output_write
 * (per block, not per line). 0 or -1 (output failed). */
static int scan_chunk(struct scan *s, const char *p, size_t n)
{
	const char *end = p + n;
	char *w = wire;

	while (p < end && !s->done) {
		/* RFC 1939 §3: a line starting with "." is byte-stuffed
		 * (the stuffing is not counted in the size, §11). */
		if (s->bol && *p == '.')
			*w++ = '.';
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		if (len > 0) {
			if (s->out)
				memcpy(w, p, len);
			w += len;
			s->octets += len;
			s->line_len += len;
			s->cr = p[len - 1] == '\r';
			s->bol = 0;
		}
		if (!nl)
			break;
		if (!s->cr)
			*w++ = '\r';
		*w++ = '\n';
		s->octets += s->cr ? 1 : 2;
		line_end(s);
		p = nl + 1;
	}
	if (!s->out || w == wire)
		return 0;
	return output_write(s->out, wire, (size_t)(w - wire));
}

int message_stream(int fd, struct output *out, long body_lines,
		   uint64_t *octets)
{
	struct scan s = { .out = out, .body_left = body_lines,
			  .in_header = 1, .bol = 1 };

	while (!s.done) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		if (scan_chunk(&s, chunk, (size_t)n) < 0)
			return -1;
		/* A regular file reads short only at its end: spare the
		 * read(2) that would return 0 (one per message). */
		if ((size_t)n < sizeof chunk)
			break;
	}
	/* A last line without its line end still ends with CRLF on the
	 * wire, before the terminating ".". */
	if (!s.done && !s.bol) {
		s.octets += 2;
		if (out && output_write(out, "\r\n", 2) < 0)
			return -1;
	}
	if (octets)
		*octets = s.octets;
	return 0;
}
