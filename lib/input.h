/* input.h - the one bounded, buffered reader for network input.
 *
 * Every read waits with poll() against an absolute deadline set at the
 * start of the call (timeout_ms from now), never alarm()/longjmp.
 * A line ends at LF. The line handed back excludes the LF and a CR just
 * before it; flags say what else was seen so each protocol can refuse what
 * its RFC refuses (bare CR, bare LF, NUL). */
#ifndef POSTERN_INPUT_H
#define POSTERN_INPUT_H
#include <stddef.h>
#include "limits.h"

struct input {
	int fd;
	int timeout_ms;         /* per call; <= 0 means wait forever */
	size_t start, end;      /* unread data is buf[start..end) */
	int eof;                /* the peer closed */
	char buf[INPUT_BUFFER_SIZE];
};

enum input_status {
	INPUT_OK = 0,           /* a whole line (or run of bytes) was read */
	INPUT_TOO_LONG,         /* line over the bound: drained through its LF */
	INPUT_EOF,              /* peer closed; for lines: before any LF */
	INPUT_TIMEOUT,          /* the deadline passed */
	INPUT_ERROR,            /* read(2) failed; errno says why */
};

/* Flags reported with a line. */
#define INPUT_BARE_LF  0x01     /* the line ended in LF without CR */
#define INPUT_BARE_CR  0x02     /* a CR not followed by LF inside the line */
#define INPUT_NUL      0x04     /* a NUL byte inside the line */
#define INPUT_PARTIAL  0x08     /* input_segment: no LF yet, the line goes on */

void input_init(struct input *in, int fd, int timeout_ms);

/* Read one line into line[0..size-1], NUL-terminated, *len set to its
 * length without the line end. size bounds the line including its CRLF
 * and the terminating NUL is extra: pass size = RFC limit + 1. A longer
 * line is read through to its LF and discarded: INPUT_TOO_LONG, once.
 * *flags gets INPUT_* flags; with INPUT_TOO_LONG only INPUT_BARE_LF, set
 * when the drained line ended without CR, and *len the length drained. On INPUT_EOF a partial line is
 * discarded. */
enum input_status input_line(struct input *in, char *line, size_t size,
			     size_t *len, int *flags);

/* Read the next piece of a line of any length into seg[0..size-1],
 * NUL-terminated: the rest of the line through its LF when it fits in
 * size - 1 bytes, else size - 1 bytes of it with INPUT_PARTIAL in *flags
 * (a CR at the end of a partial piece is held back for the next piece, so
 * that a CRLF split across pieces is still seen as CRLF). A piece ending
 * the line has its LF and a CR before it removed and the flags of
 * input_line; a partial piece may carry INPUT_BARE_CR and INPUT_NUL.
 * size must be at least 3. On INPUT_EOF a partial line is discarded. */
enum input_status input_segment(struct input *in, char *seg, size_t size,
				size_t *len, int *flags);

/* Read exactly n raw bytes into dst (SMTP BDAT, IMAP literals), taking
 * read-ahead data first. Returns INPUT_OK, INPUT_EOF, INPUT_TIMEOUT or
 * INPUT_ERROR; on failure the bytes read so far are lost. */
enum input_status input_bytes(struct input *in, char *dst, size_t n);

/* Read and throw away exactly n bytes (an oversized literal). */
enum input_status input_skip(struct input *in, size_t n);

/* Bytes already buffered (PIPELINING: flush replies only when 0). */
size_t input_buffered(const struct input *in);

/* Throw away every byte already buffered and every byte the fd holds
 * right now, without waiting; a pending EOF is kept. For STARTTLS: what
 * the client sent before TLS began must never be taken as sent after it
 * (CVE-2011-0411). */
void input_discard(struct input *in);

/* Wait up to ms for input: 1 readable (or buffered, or EOF pending),
 * 0 nothing yet, -1 error. For IMAP IDLE. */
int input_wait(struct input *in, int ms);
/* The same, also waking when fd (if >= 0) is readable: 1 input, 2 fd
 * (input first when both), 0 nothing yet, -1 error. For IDLE woken by
 * inotify. */
int input_wait_also(struct input *in, int fd, int ms);

#endif
