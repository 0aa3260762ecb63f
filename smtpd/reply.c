/* reply.c - the standard replies of smtpd, each with its RFC 3463 enhanced
 * status code (RFC 2034 §3: every 2xx/4xx/5xx reply but the greeting and
 * the HELO/EHLO answers carries one). */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"
#include "smtpd.h"

#define F_BAD   0x01    /* a client error: counts toward the bad-command limit */
#define F_CLOSE 0x02    /* the session ends after this reply */
#define F_HOST  0x04    /* the text starts with our host name (§4.2: 221, 421) */

struct standard_reply {
	int code;
	const char *status;
	const char *text;
	int flags;
};

static const struct standard_reply replies[REPLY_COUNT] = {
	[REPLY_OK]              = {250, "2.0.0", "Ok", 0},
	[REPLY_OK_SENDER]       = {250, "2.1.0", "Ok", 0},
	[REPLY_OK_RCPT]         = {250, "2.1.5", "Ok", 0},
	[REPLY_BYE]             = {221, "2.0.0", "Bye", F_CLOSE | F_HOST},
	[REPLY_VRFY]            = {252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery", 0},
	[REPLY_UNKNOWN]         = {500, "5.5.1", "Error: command not recognized", F_BAD},
	[REPLY_NOT_IMPLEMENTED] = {502, "5.5.1", "Error: command not implemented", F_BAD},
	[REPLY_LINE_TOO_LONG]   = {500, "5.5.2", "Error: line too long", F_BAD},
	[REPLY_BARE_CR_LF]      = {500, "5.5.2", "Error: bare CR or LF in command", F_BAD},
	[REPLY_NUL]             = {500, "5.5.2", "Error: NUL in command", F_BAD},
	[REPLY_SEQUENCE]        = {503, "5.5.1", "Error: bad sequence of commands", F_BAD},
	[REPLY_NESTED_MAIL]     = {503, "5.5.1", "Error: nested MAIL command", F_BAD},
	[REPLY_NEED_MAIL]       = {503, "5.5.1", "Error: need MAIL command", F_BAD},
	[REPLY_NEED_HELLO]      = {503, "5.5.1", "Error: send HELO/EHLO first", F_BAD},
	[REPLY_NO_RCPT]         = {554, "5.5.1", "Error: no valid recipients", F_BAD},
	[REPLY_SYNTAX]          = {501, "5.5.4", "Syntax error in parameters or arguments", F_BAD},
	[REPLY_BAD_SENDER]      = {501, "5.1.7", "Bad sender address syntax", F_BAD},
	[REPLY_BAD_RCPT]        = {501, "5.1.3", "Bad recipient address syntax", F_BAD},
	[REPLY_BAD_PARAM]       = {501, "5.5.4", "Bad parameter value", F_BAD},
	[REPLY_UNKNOWN_PARAM]   = {555, "5.5.4", "Unsupported parameter", F_BAD},
	[REPLY_UTF8_ADDRESS]    = {553, "5.6.7", "Non-ASCII address needs SMTPUTF8", F_BAD},
	[REPLY_TOO_BIG]         = {552, "5.3.4", "Message size exceeds fixed limit", 0},
	[REPLY_NO_STORAGE]      = {452, "4.3.1", "Insufficient system storage", 0},
	[REPLY_TEMPFAIL]        = {451, "4.3.0", "Temporary local problem, try again later", 0},
	[REPLY_CONFIG]          = {421, "4.3.0", "Configuration error, try again later", F_CLOSE | F_HOST},
	[REPLY_TOO_MANY_RCPT]   = {452, "4.5.3", "Too many recipients", 0},
	[REPLY_NO_USER]         = {550, "5.1.1", "User unknown", F_BAD},
	[REPLY_RELAY_DENIED]    = {554, "5.7.1", "Relay access denied", F_BAD},
	[REPLY_AUTH_REQUIRED]   = {530, "5.7.0", "Authentication required", F_BAD},
	[REPLY_NOT_OWNER]       = {553, "5.7.1", "Sender address not owned by authenticated user", F_BAD},
	[REPLY_AUTH_OK]         = {235, "2.7.0", "Authentication successful", 0},
	[REPLY_AUTH_FAILED]     = {535, "5.7.8", "Authentication credentials invalid", 0},
	[REPLY_AUTH_TOO_MANY]   = {421, "4.7.0", "Too many failed authentications", F_CLOSE | F_HOST},
	[REPLY_AUTH_CANCELLED]  = {501, "5.0.0", "Authentication cancelled", 0},
	[REPLY_AUTH_BASE64]     = {501, "5.5.2", "Cannot decode response", F_BAD},
	[REPLY_AUTH_MECH]       = {504, "5.5.4", "Unrecognized authentication type", F_BAD},
	[REPLY_AUTH_ENCRYPT]    = {538, "5.7.11", "Encryption required for requested authentication mechanism", F_BAD},
	[REPLY_AUTH_TEMP]       = {454, "4.7.0", "Temporary authentication failure", 0},
	[REPLY_AUTH_AGAIN]      = {503, "5.5.1", "Error: already authenticated", F_BAD},
	[REPLY_AUTH_LINE]       = {500, "5.5.6", "Authentication exchange line is too long", F_BAD},
	[REPLY_TIMEOUT]         = {421, "4.4.2", "Error: timeout exceeded", F_CLOSE | F_HOST},
	[REPLY_TOO_MANY_ERRORS] = {421, "4.7.0", "Error: too many errors", F_CLOSE | F_HOST},
	[REPLY_DATA_BARE_CR_LF] = {554, "5.6.0", "Error: bare CR or LF in message", 0},
	[REPLY_DATA_NUL]        = {554, "5.6.0", "Error: NUL in message", 0},
	[REPLY_LOOP]            = {554, "5.4.6", "Error: too many Received: headers (mail loop)", 0},
	[REPLY_TLS_ACTIVE]      = {503, "5.5.1", "Error: TLS already active", F_BAD},
	[REPLY_TLS_UNAVAILABLE] = {502, "5.5.1", "Error: STARTTLS not available here", F_BAD},
	[REPLY_BINARY_DATA]     = {503, "5.5.1", "Error: BODY=BINARYMIME needs BDAT, not DATA", F_BAD},
};

void reply_line(struct session *s, int code, const char *fmt, ...)
{
	va_list ap;

	output_printf(&s->out, "%d", code);
	va_start(ap, fmt);
	output_vprintf(&s->out, fmt, ap);
	va_end(ap);
	output_write(&s->out, "\r\n", 2);
}

void reply_send(struct session *s, enum reply r)
{
	const struct standard_reply *sr;

	if (r <= REPLY_SENT_BAD || r >= REPLY_COUNT || !replies[r].code) {
		log_event("event=bug reply=%d", (int)r);
		r = REPLY_TEMPFAIL;
	}
	sr = &replies[r];
	if (sr->flags & F_HOST)
		reply_line(s, sr->code, " %s %s %s", sr->status, s->me, sr->text);
	else
		reply_line(s, sr->code, " %s %s", sr->status, sr->text);
	if (sr->flags & F_CLOSE)
		s->state = STATE_CLOSED;
}

const char *reply_status(enum reply r)
{
	if (r <= REPLY_SENT_BAD || r >= REPLY_COUNT || !replies[r].code)
		return "-";
	return replies[r].status;
}

int reply_is_bad(enum reply r)
{
	if (r == REPLY_SENT_BAD)
		return 1;
	if (r <= REPLY_SENT || r >= REPLY_COUNT)
		return 0;
	return (replies[r].flags & F_BAD) != 0;
}

void reply_flush(struct session *s, int force)
{
	if (!force && input_buffered(&s->in) > 0)
		return;
	if (output_flush(&s->out) < 0) {
		log_event("event=write-error client=%s", s->client_ip);
		s->state = STATE_CLOSED;
	}
}
