/* message.h - a message's text as IMAP serves it: CRLF line ends
 * (RFC 3501 §2.3.4: RFC822.SIZE counts them), counted and sent a piece
 * at a time; the dates of FETCH and APPEND. The MIME structure, and the
 * reading of the file through a window, are lib/mime's job (mime.h). */
#ifndef IMAPD_MESSAGE_H
#define IMAPD_MESSAGE_H
#include <stddef.h>
#include <time.h>
#include "bytes.h"

struct output;
/* The octets of the message file fd in its CRLF form (RFC822.SIZE), by
 * a counting pass in IMAP_STREAM_CHUNK pieces. 0, or -1 with errno. */
int message_wire_size(int fd, size_t *size);
/* Octets on their way to a literal, a piece at a time (a mime_sink of
 * lib/mime.h): with crlf, each bare LF is made CRLF (lib/mime_encoding.h's
 * rule, the octet before the first piece taken as none); of the octets
 * so made, those in [from, end) go to out (NULL: only counted). */
struct store_upload;
struct wire_writer {
	struct output *out;
	struct store_upload *up;        /* or there (CATENATE), when set */
	int crlf;
	size_t from, end;       /* the part sent, e.g. a <partial> */
	size_t at;              /* octets made so far */
	int nul;                /* a NUL is among those in [from, end) */
	char prev;
};
/* A writer of [from, end) to out (NULL: count), with or without CRLF. */
void wire_writer_init(struct wire_writer *w, struct output *out, int crlf,
		      size_t from, size_t end);
/* The same writing into the upload up (store.h) instead of out. */
void wire_writer_init_upload(struct wire_writer *w, struct store_upload *up,
			     int crlf, size_t from, size_t end);
/* Take the piece p[0..n): 0, 1 when [from, end) has all gone out (the
 * rest need not be read), -1 when out failed. */
int wire_piece(void *w, const char *p, size_t n);

/* "dd-Mon-yyyy hh:mm:ss +zzzz" (§9 date-time) into buf (>= 27 octets). */
void format_date_time(time_t t, char *buf, size_t size);
/* Parse a §9 date-time (without the quotes). 0 or -1. */
int parse_date_time(const char *s, time_t *out);

#endif
