/* smtp_body.h - the message text on the wire, after DATA's 354 or as
 * BDAT chunks (RFC 3030). */
#ifndef POSTERN_QUEUE_SMTP_BODY_H
#define POSTERN_QUEUE_SMTP_BODY_H
#include <stddef.h>
#include <sys/types.h>
#include "smtp_wire.h"

struct smtp_body {
	int bdat;               /* BDAT chunks, not DATA's dot-stuffed text */
	int fold;               /* fold lines over SMTP_FOLD_AT octets */
	const char *mem;        /* the message in memory, or NULL: */
	size_t len;
	int fd;                 /* the queue file from offset to its end */
	off_t offset;
};

/* Send the message b describes: LF becomes CRLF, a missing last line end
 * is added, a line longer than SMTP_FOLD_AT octets is folded with
 * "CRLF SP" when b->fold (as Postfix's smtp_line_length_limit), then for
 * DATA a leading '.' is doubled (RFC 5321 §4.5.2) and "." ends it; for
 * BDAT the text goes in chunks of SMTP_BDAT_CHUNK, the last with LAST,
 * and the replies to all but the last are read (after each chunk without
 * PIPELINING). Returns 0: the final reply is next, read it; 1: a chunk
 * was refused, r is its reply and every reply has been read; -1: the
 * connection is unusable, r holds the server's refusal or a made-up
 * 421. */
int smtp_send_message(struct smtp_conn *c, const struct smtp_body *b,
		      struct smtp_reply *r);

#endif
