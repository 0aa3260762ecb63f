/* stream.h - a stored message on the POP3 wire (RFC 1939 §3, §11).
 *
 * Messages are stored with LF line ends (DESIGN.md "Plain text"). On the
 * wire every LF not already preceded by CR becomes CRLF, a line starting
 * with "." is byte-stuffed, and a last line without a line end gets one.
 * Counting and sending go through the same code, so the size LIST reports
 * is exactly what RETR sends (byte-stuffing not counted, as §11 says). */
#ifndef POSTERN_POP3D_STREAM_H
#define POSTERN_POP3D_STREAM_H
#include <stdint.h>
#include "output.h"

/* Read the message from fd (from its current offset to its end) in
 * POP3_READ_CHUNK pieces (fd is a regular file: a short read is its end). With out non-NULL, send it there, converted;
 * with out NULL, only count. body_lines < 0 sends the whole message;
 * body_lines >= 0 sends the header, the blank line after it and that many
 * lines of the body (TOP). The terminating "." line is not written.
 * *octets (may be NULL) gets the octets of message text produced.
 * Returns 0, or -1: a read error (errno), or out failed (out->error). */
int message_stream(int fd, struct output *out, long body_lines,
		   uint64_t *octets);

#endif
