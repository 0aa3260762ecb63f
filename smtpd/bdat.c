/* bdat.c - BDAT (RFC 3030 CHUNKING): the message in chunks of an exact
 * octet count, with BODY=BINARYMIME allowed.
 *
 * A chunk's octets are always read, whatever the reply (§2: "the
 * receiver-SMTP MUST accept and discard the associated message data"), so
 * they can never be taken for commands. The octets are cut into line
 * pieces as DATA's are and go to message.c: no dot-stuffing, CRLF (or,
 * under barelf "normalize", a bare LF) ends a line. A failed chunk ends
 * the transaction; BDATs already pipelined after it get 503 with their
 * data discarded. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "log.h"
#include "smtpd.h"

/* Chunk octets are read in blocks of this size (and no more is held). */
#define BDAT_BLOCK 65536

/* One block, plus a byte for the LF message_piece may write. */
static char block[BDAT_BLOCK + 1];

/* "SIZE" or "SIZE LAST" (§2: bdat-cmd = "BDAT" SP chunk-size [SP end]). */
static int bdat_args(const char *args, unsigned long long *size, int *last)
{
	char *end;

	if (!isdigit((unsigned char)*args) || strspn(args, "0123456789") > 18)
		return -1;
	errno = 0;
	*size = strtoull(args, &end, 10);
	if (errno)
		return -1;
	*last = 0;
	if (*end == ' ' && strcasecmp(end + 1, "LAST") == 0)
		*last = 1;
	else if (*end)
		return -1;
	return 0;
}

/* Cut buf[0..n) into line pieces for message.c. A CR at its end is kept
 * back in s->msg (cr_held) until the next octet says whether it starts
 * a CRLF. */
static void bdat_pieces(struct session *s, char *buf, size_t n)
{
	char cr[2] = "\r";
	size_t start = 0, i;
	int flags;

	if (s->msg.cr_held && n > 0) {
		s->msg.cr_held = 0;
		if (buf[0] == '\n') {
			message_piece(s, cr, 0, 0, 0);          /* CRLF */
			start = 1;
		} else {
			message_piece(s, cr, 1, INPUT_PARTIAL | INPUT_BARE_CR, 0);
		}
	}
	for (i = start; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		flags = i > start && buf[i - 1] == '\r' ? 0 : INPUT_BARE_LF;
		size_t len = i - start - (flags ? 0 : 1);
		if (memchr(buf + start, '\r', len))
			flags |= INPUT_BARE_CR;
		if (memchr(buf + start, '\0', len))
			flags |= INPUT_NUL;
		message_piece(s, buf + start, len, flags, 0);
		start = i + 1;
	}
	if (start < n && buf[n - 1] == '\r') {
		s->msg.cr_held = 1;
		n--;
	}
	if (start < n) {
		flags = INPUT_PARTIAL;
		if (memchr(buf + start, '\r', n - start))
			flags |= INPUT_BARE_CR;
		if (memchr(buf + start, '\0', n - start))
			flags |= INPUT_NUL;
		message_piece(s, buf + start, n - start, flags, 0);
	}
}

/* Read size octets: into the message when keep, else dropped. REPLY_OK,
 * REPLY_TIMEOUT, or REPLY_SENT when the client is gone. */
static enum reply bdat_read(struct session *s, unsigned long long size,
			    int keep)
{
	while (size > 0) {
		size_t n = size > BDAT_BLOCK ? BDAT_BLOCK : (size_t)size;
		enum input_status st = keep ? input_bytes(&s->in, block, n) :
					      input_skip(&s->in, n);
		if (st == INPUT_TIMEOUT) {
			log_event("event=timeout client=%s in=bdat", s->client_ip);
			return REPLY_TIMEOUT;
		}
		if (st != INPUT_OK) {
			log_event("event=lost client=%s in=bdat", s->client_ip);
			s->state = STATE_CLOSED;
			return REPLY_SENT;
		}
		if (keep)
			bdat_pieces(s, block, n);
		size -= n;
	}
	return REPLY_OK;
}

/* Why this BDAT cannot add to a message (its data is dropped), or
 * REPLY_OK. */
static enum reply bdat_refusal(struct session *s)
{
	if (s->state == STATE_GREETED)
		return REPLY_NEED_HELLO;
	if (s->state == STATE_HELLO)
		return REPLY_NEED_MAIL;
	if (s->state != STATE_RCPT)
		return REPLY_NO_RCPT;
	if (!s->msg.open)
		return message_begin(s);
	return REPLY_OK;
}

/* The end of a chunk: the message committed (LAST), or a 250 for the
 * chunk, or the refusal that ends the transaction. */
static enum reply bdat_chunk_end(struct session *s, enum reply r, int last,
				 unsigned long long size)
{
	if (r == REPLY_OK && !last && s->msg.refusal == REPLY_OK) {
		reply_line(s, 250, " 2.0.0 Ok: %llu octets received", size);
		return REPLY_SENT;
	}
	char cr[2] = "\r";

	if (r == REPLY_OK && last && s->msg.cr_held)
		message_piece(s, cr, 1, INPUT_PARTIAL | INPUT_BARE_CR, 0);
	r = message_end(s, r);
	if (s->state != STATE_CLOSED)
		transaction_reset(s);
	return r;
}

enum reply cmd_bdat(struct session *s, char *args)
{
	unsigned long long size;
	int last;
	enum reply r;

	if (bdat_args(args, &size, &last) < 0)
		return REPLY_SYNTAX;    /* no count: nothing can be skipped */
	r = bdat_refusal(s);
	if (r != REPLY_OK) {
		enum reply read = bdat_read(s, size, 0);
		if (s->state != STATE_CLOSED && s->state != STATE_GREETED &&
		    r != REPLY_NEED_MAIL && r != REPLY_CONFIG)
			transaction_reset(s);
		return read == REPLY_OK ? r : read;
	}
	r = bdat_read(s, size, 1);
	return bdat_chunk_end(s, r, last, size);
}
