/* tls.c - STARTTLS (RFC 3207) for smtpd, through the control pipe that
 * "tlswrapper -n" gives it (lib/starttls.h). */
#include <errno.h>
#include "log.h"
#include "smtpd.h"
#include "starttls.h"

int starttls_offered(const struct session *s)
{
	return !s->encrypted && starttls_available();
}

/* §4: "STARTTLS" takes no parameter; 220 through the control pipe, then
 * §4.2: the server forgets everything it learnt from the client, the
 * EHLO argument and an AUTH included, and the client starts with EHLO. */
enum reply cmd_starttls(struct session *s, char *args)
{
	if (s->encrypted)
		return REPLY_TLS_ACTIVE;
	if (!starttls_available())
		return REPLY_TLS_UNAVAILABLE;
	if (*args)
		return REPLY_SYNTAX;
	if (starttls_start(&s->in, &s->out,
			   "220 2.0.0 Ready to start TLS\r\n") < 0) {
		log_event("event=starttls-error client=%s errno=%d",
			  s->client_ip, errno);
		s->state = STATE_CLOSED;
		return REPLY_SENT;
	}
	transaction_reset(s);
	s->state = STATE_GREETED;
	s->encrypted = 1;
	s->esmtp = 0;
	s->helo[0] = '\0';
	s->auth_user[0] = '\0';
	log_event("event=starttls client=%s tls=1", s->client_ip);
	return REPLY_SENT;
}
