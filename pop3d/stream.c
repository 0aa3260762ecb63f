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

/* One file, one process: the chunk buffer need not be on the stack. */
static char chunk[POP3_READ_CHUNK];

static int emit(struct scan *s, const char *p, size_t n, int counted)
{
	if (counted)
		s->octets += n;
	if (s->out && output_write(s->out, p, n) < 0)
		return -1;
	return 0;
}

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

/* Convert and emit chunk[0..n). 0 or -1 (output failed). */
static int scan_chunk(struct scan *s, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end && !s->done) {
		const char *nl, *stop;

		/* RFC 1939 §3: a line starting with "." is byte-stuffed. */
		if (s->bol && *p == '.' && emit(s, ".", 1, 0) < 0)
			return -1;
		nl = memchr(p, '\n', (size_t)(end - p));
		stop = nl ? nl : end;
		if (stop > p) {
			if (emit(s, p, (size_t)(stop - p), 1) < 0)
				return -1;
			s->line_len += (size_t)(stop - p);
			s->cr = stop[-1] == '\r';
			s->bol = 0;
		}
		if (!nl)
			break;
		if (emit(s, s->cr ? "\n" : "\r\n", s->cr ? 1 : 2, 1) < 0)
			return -1;
		line_end(s);
		p = nl + 1;
	}
	return 0;
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
	}
	/* A last line without its line end still ends with CRLF on the
	 * wire, before the terminating ".". */
	if (!s.done && !s.bol && emit(&s, "\r\n", 2, 1) < 0)
		return -1;
	if (octets)
		*octets = s.octets;
	return 0;
}
