/* message.h - a message's text as IMAP serves it: CRLF line ends
 * (RFC 3501 §2.3.4: RFC822.SIZE counts them), split into header and body.
 * The MIME structure is lib/mime's job (mime.h). */
#ifndef IMAPD_MESSAGE_H
#define IMAPD_MESSAGE_H
#include <stddef.h>
#include <time.h>
#include "bytes.h"

struct message_data {
	struct bytes text;      /* the whole message with CRLF line ends */
	size_t header_len;      /* the header through its blank line */
	time_t mtime;           /* INTERNALDATE */
	int complete;           /* the whole file (not just its header) */
};

/* Read the message file fd (bounded by max octets) into md, turning
 * each bare LF into CRLF; fd is closed. 0, or -1 with errno. */
int message_load(int fd, size_t max, struct message_data *md);
/* The same, but reading only as far as the header's empty line (a bit
 * more: text holds the header and perhaps the start of the body). */
int message_load_header(int fd, size_t max, struct message_data *md);
void message_data_free(struct message_data *md);

struct output;
/* The octets of the message file fd in its CRLF form (RFC822.SIZE), by
 * a counting pass in IMAP_STREAM_CHUNK pieces. 0, or -1 with errno. */
int message_wire_size(int fd, size_t *size);
/* Write the octets [from, from + n) of the message file fd in its CRLF
 * form to out, read IMAP_STREAM_CHUNK at a time: never the whole
 * message in memory. Exactly n octets go out (a file found shorter is
 * padded with spaces, the literal's length having been sent: -1 then).
 * fd is read from its start and left open. 0 or -1. */
int message_stream(int fd, struct output *out, size_t from, size_t n);

/* "dd-Mon-yyyy hh:mm:ss +zzzz" (§9 date-time) into buf (>= 27 octets). */
void format_date_time(time_t t, char *buf, size_t size);
/* Parse a §9 date-time (without the quotes). 0 or -1. */
int parse_date_time(const char *s, time_t *out);

#endif
