/* data.c - DATA (RFC 5321 §4.1.1.4): read the message up to CRLF.CRLF
 * and hand it, line piece by line piece, to message.c.
 *
 * The data ends only at CRLF "." CRLF (§4.1.1.4, §2.3.8): a "." line
 * that came after or with a bare LF ("<LF>.<LF>", "<LF>.<CRLF>",
 * "<CRLF>.<LF>") is content, stored as it is and dot-stuffed when relayed,
 * so a smuggled second message can never appear (SMTP smuggling). */
#include "log.h"
#include "smtpd.h"

/* Read the data through CRLF.CRLF. Returns REPLY_OK (the message's own
 * verdict is in s->msg), REPLY_TIMEOUT, or REPLY_SENT when the client is
 * gone. */
static enum reply data_receive(struct session *s)
{
	char seg[SMTP_TEXT_LINE_MAX + 1];
	size_t len;
	int flags, after_crlf = 1;      /* DATA itself ended in CRLF */

	for (;;) {
		switch (input_segment(&s->in, seg, sizeof seg, &len, &flags)) {
		case INPUT_OK:
			if (s->msg.bol && len == 1 && seg[0] == '.' &&
			    flags == 0 && after_crlf)
				return REPLY_OK;
			if (!(flags & INPUT_PARTIAL))
				after_crlf = !(flags & INPUT_BARE_LF);
			message_piece(s, seg, len, flags, 1);
			break;
		case INPUT_TIMEOUT:
			log_event("event=timeout client=%s in=data",
				  s->client_ip);
			return REPLY_TIMEOUT;
		default:
			log_event("event=lost client=%s in=data", s->client_ip);
			s->state = STATE_CLOSED;
			return REPLY_SENT;
		}
	}
}

enum reply cmd_data(struct session *s, char *args)
{
	enum reply r;

	if (*args)
		return REPLY_SYNTAX;
	if (s->state != STATE_RCPT)
		return REPLY_NO_RCPT;   /* MAIL given, every RCPT refused */
	if (s->msg.open)
		return REPLY_SEQUENCE;          /* after BDAT: RFC 3030 §2 */
	if (s->env.binarymime)
		return REPLY_BINARY_DATA;       /* RFC 3030 §3 */
	r = message_begin(s);
	if (r != REPLY_OK)
		return r;
	reply_line(s, 354, " End data with <CR><LF>.<CR><LF>");
	reply_flush(s, 1);
	r = message_end(s, data_receive(s));
	if (s->state != STATE_CLOSED)
		transaction_reset(s);
	return r;
}
